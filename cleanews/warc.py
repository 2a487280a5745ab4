"""WARC input: the HTML pages of a crawl (Common Crawl, CC-NEWS, any WARC/1.0 or 1.1 file).

A ``response`` record with HTTP status 200 and an HTML content type becomes a
Document: id the WARC-Record-ID, ``url`` the WARC-Target-URI, ``crawl_date``
the WARC-Date. Every other record (requests, metadata, warcinfo, revisits,
images, redirects, 404s) was never a document: it is counted in ``skipped``
by reason, not rejected. A file damaged part way (truncated, corrupt) keeps
the records before the damage, and the damage is one Reject.

Records are parsed by FastWARC, over the stream of ``streams.decompressed``
(Python's gzip, within the ``ReadLimits`` caps): FastWARC's own gzip reader
ends quietly inside a truncated member and the record there would vanish
without a word, while Python's raises.
"""

from __future__ import annotations

import codecs
import io
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from cleanews.config import ReadLimits
from cleanews.document import Document, Item, Reject
from cleanews.errors import CleanewsError, InputError, RecordError
from cleanews.io import decode_bytes
from cleanews.streams import bom_encoding, decompressed, format_size

if TYPE_CHECKING:
    from fastwarc.warc import WarcRecord

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Where a page declares its charset: WHATWG's prescan reads 1024 bytes, but
# news pages often put the <meta> after long inline scripts, and a regex
# over 16 KB costs nothing next to cleaning the page.
META_SCAN_BYTES = 16 << 10
_META_CHARSET = re.compile(
    rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)[\s>]", re.IGNORECASE | re.DOTALL)
# Labels whose bytes browsers decode with a superset (the WHATWG Encoding
# standard): a page labelled latin-1 is read as windows-1252, so its curly
# quotes (0x93, 0x94) are quotes and not C1 control characters.
BROWSER_ENCODINGS = {
    "latin_1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252",
    "iso8859-9": "cp1254", "gb2312": "gb18030", "gbk": "gb18030",
    "shift_jis": "cp932", "euc_kr": "cp949", "tis-620": "cp874",
}


def require_fastwarc() -> None:
    try:
        import fastwarc  # noqa: F401
    except ImportError as error:
        raise CleanewsError(f"reading WARC files needs FastWARC: pip install 'cleanews[warc]' ({error})") from error


class _ForwardOnly(io.RawIOBase):
    """A stream FastWARC can read from: short reads, and ``tell`` without seeking.

    FastWARC 2 asks a Python stream for its position with ``seek(0, 1)`` (and
    panics when that fails); a decompressed stream cannot seek, but it can
    say where it is. Short reads (``read1``) hand FastWARC every byte that
    came before a truncation, so the records there are not lost. ``tail``
    holds the last four bytes: a whole WARC ends with a record's closing
    blank lines.
    """

    def __init__(self, inner: io.BufferedReader):
        self.inner = inner
        self.position = 0
        self.tail = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        target = offset if whence == io.SEEK_SET else self.position + offset if whence == io.SEEK_CUR else -1
        if target != self.position:
            raise io.UnsupportedOperation("a WARC stream is read forward only")
        return self.position

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.inner.read1(len(buffer))
        buffer[: len(data)] = data
        self.position += len(data)
        self.tail = (self.tail + data[-4:])[-4:]
        return len(data)

    def ends_inside_a_record(self) -> bool:
        """FastWARC ends quietly in a header cut short; what it read then does not end as a record does."""
        return self.position > 0 and self.tail != b"\r\n\r\n"


class DamagedRecord(RecordError):
    """A WARC record ends before its Content-Length, or its header cannot be parsed."""


def read_warc(raw: IO[bytes], label: str, limits: ReadLimits = ReadLimits(),
              skipped: Counter[str] | None = None) -> Iterator[Item]:
    """The HTML pages of a WARC stream (compressed or not) as Documents; the rest counted in ``skipped``.

    ``label`` names the file in sources (``crawl.warc.gz:17``: the 17th
    record of the file). Never raises on bad content: the first damaged
    record is a Reject, and reading stops there.

    A page is handed on once the next record has been parsed (or the file
    has ended as a WARC ends): a payload FastWARC decoded (gzip, chunked)
    has no length to check, and a cut inside it would pass for a shorter page.
    """
    from fastwarc.warc import ArchiveIterator

    skipped = Counter() if skipped is None else skipped
    number, checked = 0, True
    pending: Item | None = None
    reject: Reject | None = None
    try:
        with decompressed(raw, label, limits) as stream:
            forward = _ForwardOnly(stream)
            records = ArchiveIterator(forward, parse_http=True, auto_decode="all", stream_detect=False, fsspec_args=False)
            for number, record in enumerate(records, start=1):
                if pending is not None:
                    yield pending  # a record follows it: it is whole
                    pending = None
                pending, checked = warc_item(record, f"{label}:{number}", limits, skipped), not is_decoded(record)
            if forward.ends_inside_a_record():
                pending = pending if checked else None  # a decoded last page may be the one cut short
                raise DamagedRecord(f"{label}:{number}", "the file ends inside a WARC record: it is truncated")
    except DamagedRecord as error:
        reject = Reject(error.source, f"{error.reason}; the rest of the file is not read")
    # FastWARC reports unparseable data as OSError; gzip and zlib report truncated or corrupt compression.
    except (OSError, EOFError, zlib.error, InputError) as error:
        reject = Reject(f"{label}:{number + 1}", f"cannot read further: {error}")
    if pending is not None:
        yield pending
    if reject is not None:
        yield reject


def warc_item(record: WarcRecord, source: str, limits: ReadLimits, skipped: Counter[str]) -> Item | None:
    """A Document or Reject for one WARC record, or None (counted in ``skipped``) when it is no page.

    Every record is read to its end, pages or not, so that a file cut inside
    any record is found to be damaged.
    """
    size = record.content_length
    reason = skip_reason(record, source)
    if reason is None and size > limits.max_record_bytes:
        check_whole(record, source, record.consume(), size)
        return Reject(source, f"page is {format_size(size)}, over the {format_size(limits.max_record_bytes)} cap "
                              "(--max-record-size); not read", id=record.record_id)
    if reason is not None:
        check_whole(record, source, record.consume(), size)
        skipped[reason] += 1
        return None
    payload = record.reader.read()
    check_whole(record, source, len(payload), size)
    if record.http_content_type is None and not _HTML_START.match(payload[:4096]):
        skipped["not_html"] += 1
        return None
    return page_document(record, payload, source)


def check_whole(record: WarcRecord, source: str, read: int, size: int) -> None:
    """Raise DamagedRecord when fewer bytes than the record's length could be read (decoded payloads excepted)."""
    if read < size and not is_decoded(record):
        raise DamagedRecord(source, f"the record ends after {read} of its {size} bytes: the file is truncated")


def is_decoded(record: WarcRecord) -> bool:
    """Whether FastWARC undid a content or transfer encoding: then the bytes read are not the record's bytes."""
    http = record.http_headers
    return http is not None and any((http.get(name) or "identity").lower() != "identity"
                                    for name in ("Content-Encoding", "Transfer-Encoding"))


def page_document(record: WarcRecord, payload: bytes, source: str) -> Item:
    html = decode_page(payload, record.http_charset)
    record_id = record.record_id
    if not html.strip():
        return Reject(source, "empty page: the response has no content", id=record_id)
    headers = record.headers
    extra = {"crawl_date": date} if (date := headers.get("WARC-Date")) else {}
    return Document(id=record_id or source, text="", html=html, url=headers.get("WARC-Target-URI") or None,
                    source=source, extra=extra)


def skip_reason(record: WarcRecord, source: str) -> str | None:
    """Why a record is not a page (``request``, ``revisit``, ``status_404``, ``not_html``...), or None for a page."""
    kind = str(record.record_type)
    if kind == "unknown" and record.record_id is None:
        raise DamagedRecord(source, "a WARC record header cannot be parsed: the file is truncated or corrupt")
    if kind != "response":
        return kind
    http = record.http_headers
    if http is None:
        return "not_http"  # e.g. a dns: response
    if http.status_code != 200:
        return f"status_{http.status_code}"
    content_type = record.http_content_type
    if content_type is not None and content_type.lower() not in HTML_TYPES:
        return "not_html"
    return None


def decode_page(payload: bytes, http_charset: str | None) -> str:
    """The page as text: a BOM first, then the HTTP charset, then the page's <meta>, then detection.

    >>> decode_page("café".encode("cp1252"), "iso-8859-1"), decode_page(b"<meta charset=utf-8>caf\\xc3\\xa9", None)
    ('café', '<meta charset=utf-8>café')
    """
    bom = bom_encoding(payload[:4])
    if bom is not None:
        return payload.decode(bom, errors="replace")
    for label in (http_charset, meta_charset(payload)):
        encoding = browser_encoding(label)
        if encoding is not None:
            return payload.decode(encoding, errors="replace")
    return decode_bytes(payload)


def meta_charset(payload: bytes) -> str | None:
    """The charset a page declares in a ``<meta charset>`` or ``http-equiv`` tag near its top.

    >>> meta_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">')
    'windows-1251'
    """
    match = _META_CHARSET.search(payload[:META_SCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def browser_encoding(label: str | None) -> str | None:
    """The Python codec a browser would use for a charset label, or None for an unknown label.

    >>> browser_encoding("ISO-8859-1"), browser_encoding("utf8"), browser_encoding("x-bogus")
    ('cp1252', 'utf-8', None)
    """
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return BROWSER_ENCODINGS.get(name, name)
