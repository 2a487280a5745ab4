"""Readers and writers: JSONL (plain, .gz, .zst), single HTML and text files, '-'.

Reading never stops at a bad record: it yields a ``Reject`` naming the file,
line and reason, and goes on. Caps on record size and decompressed size
(``ReadLimits``, in ``streams.py``) keep hostile files from exhausting memory.
Writing is atomic: output goes to a temporary file that is renamed over the
target only when the run finishes.
"""

from __future__ import annotations

import glob
import gzip
import json
import os
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import zstandard

from cleanews.document import Document
from cleanews.errors import InputError
from cleanews.streams import (
    DecompressionBombError,
    LongLine,
    ReadLimits,
    bom_encoding,
    decompressed,
    format_size,
    utf8_lines,
)

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".json.gz", ".jsonl.zstd")
HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt",)
STDIN = "-"

# Control bytes other than tab, newline, form feed and carriage return, and DEL.
_CONTROL_BYTES = frozenset(set(range(32)) - {9, 10, 12, 13} | {127})
# Above this share of control bytes a file is binary, not text: text has
# next to none, while random or compressed bytes have about 12%.
MAX_CONTROL_SHARE = 0.05


@dataclass(frozen=True)
class Fields:
    """Which JSONL fields hold the id, the plain text and the HTML."""

    id: str = "id"
    text: str = "text"
    html: str = "html"


@dataclass(frozen=True)
class Reject:
    """An input record that cannot be processed, and why.

    ``record`` is the original record where it could be kept (the parsed
    object, or the line's text when it is not valid JSON); ``id`` is the
    record's id when it was known.
    """

    source: str  # "file:line", or the file for .html/.txt inputs
    reason: str
    record: Any = None
    id: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {"source": self.source, "id": self.id, "reason": self.reason, "record": self.record}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Reject:
        return cls(source=record["source"], reason=record["reason"], record=record.get("record"), id=record.get("id"))


Item = Document | Reject


def expand_inputs(inputs: list[str]) -> list[str]:
    """Files named by paths, directories (searched recursively) and globs, in a stable order."""
    paths: list[str] = []
    for spec in inputs:
        if spec == STDIN:
            paths.append(STDIN)
        elif os.path.isdir(spec):
            found = sorted(str(p) for p in Path(spec).rglob("*") if p.is_file() and is_supported(str(p)))
            if not found:
                raise InputError(f"{spec}: directory holds no .jsonl, .html or .txt files")
            paths.extend(found)
        elif os.path.isfile(spec):
            paths.append(spec)
        else:
            matches = sorted(p for p in glob.glob(spec, recursive=True) if os.path.isfile(p))
            if not matches:
                raise InputError(f"{spec}: no such file, directory or matching glob")
            paths.extend(matches)
    return paths


def is_supported(path: str) -> bool:
    return path.lower().endswith(JSONL_SUFFIXES + HTML_SUFFIXES + TEXT_SUFFIXES)


def read_inputs(inputs: list[str], fields: Fields = Fields(), limits: ReadLimits = ReadLimits()) -> Iterator[Item]:
    """Every record of every input, as Documents or Rejects, lazily."""
    for path in expand_inputs(inputs):
        yield from read_path(path, fields, limits)


def open_local(path: str) -> IO[bytes]:
    return open(path, "rb")  # noqa: SIM115 -- the caller closes it


def read_path(path: str, fields: Fields = Fields(), limits: ReadLimits = ReadLimits(),
              opener: Callable[[str], IO[bytes]] = open_local) -> Iterator[Item]:
    """The records of one input: a JSONL file or stdin, or one .html/.txt file.

    Never raises on bad content: a file that cannot be opened or read on is a
    Reject. ``opener`` opens a path as bytes (the Dask engine passes fsspec's).
    """
    lower = path.lower()
    if lower.endswith(HTML_SUFFIXES + TEXT_SUFFIXES):
        yield read_single(path, "html" if lower.endswith(HTML_SUFFIXES) else "text", limits, opener)
        return
    try:
        # stdin is read, not closed: it is not ours
        opened = nullcontext(sys.stdin.buffer) if path == STDIN else opener(path)
    except OSError as error:
        yield Reject(path, f"cannot open: {error.strerror or error}")
        return
    with opened as raw:
        yield from read_jsonl(raw, path, fields, limits)


@contextmanager
def open_binary(path: str, limits: ReadLimits = ReadLimits()) -> Iterator[IO[bytes]]:
    """A file or stdin as bytes, decompressed (by extension, else magic bytes) within ``limits``."""
    # stdin is read, not closed: it is not ours
    opened = nullcontext(sys.stdin.buffer) if path == STDIN else open(path, "rb")  # noqa: SIM115
    with opened as raw, decompressed(raw, path, limits) as stream:
        yield stream


def read_jsonl(raw: IO[bytes], label: str, fields: Fields = Fields(), limits: ReadLimits = ReadLimits()) -> Iterator[Item]:
    """One Document or Reject per non-blank line of a JSONL stream (compressed or not)."""
    stem = "stdin" if label == STDIN else source_stem(label)
    number = 0
    try:
        with decompressed(raw, label, limits) as stream:
            for number, line in enumerate(utf8_lines(stream, limits.max_record_bytes), start=1):
                source = f"{label}:{number}"
                if isinstance(line, LongLine):
                    yield Reject(source, f"record is {format_size(line.size)}, over the "
                                         f"{format_size(limits.max_record_bytes)} cap (--max-record-size); not read")
                elif line.strip():
                    yield parse_jsonl_line(line, source, f"{stem}:{number}", fields)
    except DecompressionBombError as error:
        yield Reject(f"{label}:{number + 1}", f"{error}; the rest of the file is not read")
    # A truncated or corrupt compressed file: what was read stays; say where it broke.
    except (OSError, EOFError, zlib.error, zstandard.ZstdError) as error:
        yield Reject(f"{label}:{number + 1}", f"cannot read further: {error}")


def parse_jsonl_line(raw: bytes, source: str, default_id: str, fields: Fields) -> Item:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        # backslashreplace keeps every byte readable in the rejects file (JSON text never holds a \x escape).
        kept = raw.decode("utf-8", "backslashreplace").rstrip("\r\n")
        return Reject(source, f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at column {error.start + 1})", kept)
    line = line.rstrip("\r\n")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        where = "column" if error.msg.endswith(" at") else "at column"  # "Unterminated string starting at"
        return Reject(source, f"invalid JSON ({error.msg} {where} {error.colno})", line)
    except RecursionError:
        return Reject(source, "invalid JSON (nested too deeply to parse)", line)
    if not isinstance(record, dict):
        return Reject(source, f"a JSON {type(record).__name__}, not an object", record)
    return document_from_record(record, source, default_id, fields)


def document_from_record(record: dict[str, Any], source: str, default_id: str, fields: Fields) -> Item:
    """Map a JSON object onto a Document; other fields ride along in ``extra``."""
    text, html = record.get(fields.text), record.get(fields.html)
    raw_id = record.get(fields.id)
    doc_id = default_id if raw_id is None or raw_id == "" else str(raw_id)
    for name, value in ((fields.text, text), (fields.html, html)):
        if value is not None and not isinstance(value, str):
            return Reject(source, f"field {name!r} is a {type(value).__name__}, not a string", record, doc_id)
    if not (text or "").strip() and not (html or "").strip():
        return Reject(source, f"empty record: no text in {fields.text!r} or {fields.html!r}", record, doc_id)
    consumed = {fields.id, fields.text, fields.html}
    metadata = {name: record[name] for name in ("title", "url", "date", "author") if isinstance(record.get(name), str)}
    extra = {key: value for key, value in record.items() if key not in consumed and key not in metadata}
    return Document(id=doc_id, text=text or "", html=html or None, source=source, extra=extra, **metadata)


def read_single(path: str, kind: str, limits: ReadLimits = ReadLimits(),
                opener: Callable[[str], IO[bytes]] = open_local) -> Item:
    """A whole .html or .txt file as one record."""
    try:
        with opener(path) as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(0)
            data = b"" if size > limits.max_record_bytes else handle.read(limits.max_record_bytes + 1)
    except OSError as error:
        return Reject(path, f"cannot read: {error.strerror or error}")
    if size > limits.max_record_bytes or len(data) > limits.max_record_bytes:
        return Reject(path, f"file is {format_size(max(size, len(data)))}, over the "
                            f"{format_size(limits.max_record_bytes)} cap (--max-record-size); not read")
    if bom_encoding(data) is None and (share := control_share(data)) > MAX_CONTROL_SHARE:
        return Reject(path, f"binary data, not text ({share:.0%} control bytes)")
    content = decode_bytes(data)
    if not content.strip():
        return Reject(path, "empty file")
    doc_id = source_stem(path)
    if kind == "html":
        return Document(id=doc_id, text="", html=content, source=path)
    return Document(id=doc_id, text=content, source=path)


def control_share(data: bytes) -> float:
    """Share of control bytes (NUL and the like, not tabs or newlines) in the first 8 KB.

    Text in any single-byte or UTF-8 encoding has next to none; binary files
    (images, archives, executables) have many, NUL among them.

    >>> control_share(b"plain text\\n"), control_share(bytes(range(8)))
    (0.0, 1.0)
    """
    head = data[:8192]
    if not head:
        return 0.0
    return sum(byte in _CONTROL_BYTES for byte in head) / len(head)


def decode_bytes(data: bytes) -> str:
    """UTF-8 (or a BOM's encoding) first; otherwise the most likely legacy encoding.

    Text that fits no encoding (a UTF-8 page with a few damaged bytes) is
    read as UTF-8 with U+FFFD for the bad bytes: a page with a flaw is still
    a page.
    """
    encoding = bom_encoding(data)
    if encoding is not None:
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported late: rarely needed

    best = from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")


def source_stem(path: str) -> str:
    name = os.path.basename(path)
    for suffix in sorted(JSONL_SUFFIXES + HTML_SUFFIXES + TEXT_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


class JsonlWriter:
    """Writes one JSON object a line; compresses by extension; atomic rename on close.

    ``-`` writes to stdout. On an error inside the ``with`` block the
    temporary file is removed and the target is left as it was.
    """

    def __init__(self, path: str):
        self.path = path
        self._tmp: str | None = None
        self._raw: IO[bytes] | None = None
        self._stream: IO[bytes] | None = None

    def __enter__(self) -> JsonlWriter:
        if self.path == STDIN:
            self._stream = sys.stdout.buffer
            return self
        directory = os.path.dirname(os.path.abspath(self.path))
        os.makedirs(directory, exist_ok=True)
        handle, self._tmp = tempfile.mkstemp(prefix=".cleanews-", suffix=".part", dir=directory)
        self._raw = os.fdopen(handle, "wb")
        self._stream = compressor(self._raw, self.path.lower())
        return self

    def write(self, record: dict[str, Any]) -> None:
        assert self._stream is not None, "use JsonlWriter in a with block"
        self._stream.write(encode_record(record))

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.path == STDIN:
            sys.stdout.flush()
            return
        assert self._stream is not None and self._raw is not None and self._tmp is not None
        if self._stream is not self._raw:
            self._stream.close()
        if not self._raw.closed:
            self._raw.flush()
            os.fsync(self._raw.fileno())
            self._raw.close()
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            os.unlink(self._tmp)


def encode_record(record: dict[str, Any]) -> bytes:
    """One JSONL line, UTF-8; readable non-ASCII, except in a record holding a lone surrogate.

    A lone surrogate (from a ``"\\ud800"`` escape in the input) has no UTF-8
    form; escaped, it round-trips exactly.

    >>> encode_record({"t": "café"}), encode_record({"t": "\\ud800"})
    (b'{"t": "caf\\xc3\\xa9"}\\n', b'{"t": "\\\\ud800"}\\n')
    """
    try:
        return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return json.dumps(record).encode("ascii") + b"\n"


def compressor(raw: IO[bytes], name: str) -> IO[bytes]:
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)  # type: ignore[return-value]
    if name.endswith((".zst", ".zstd")):
        return zstandard.ZstdCompressor().stream_writer(raw, closefd=False)  # type: ignore[return-value]
    return raw
