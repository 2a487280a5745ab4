"""Byte streams made safe to read: decompression within caps, bounded lines, BOMs.

A corpus run must survive any input file: a gzip bomb that expands to
terabytes, a single 50 MB line, a UTF-16 file. The readers in ``io.py`` only
ever see streams from here, so memory per record stays bounded by
``ReadLimits.max_record_bytes`` whatever the file holds.
"""

from __future__ import annotations

import codecs
import gzip
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, AnyStr

import zstandard

from cleanews.config import ReadLimits
from cleanews.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# A BOM names the encoding of what follows; UTF-32 LE first: its BOM starts with UTF-16 LE's.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Bytes read at a time while skipping the rest of an over-long line.
SKIP_CHUNK = 1 << 20

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)(b?)\s*$", re.IGNORECASE)


# Small inputs never trip the ratio check: a short file of repeated lines can compress 100x honestly.
RATIO_CHECK_AFTER = 16 << 20


class DecompressionBombError(InputError):
    """A compressed input expanded past a cap; the rest of it is not read."""


def parse_size(text: str) -> int:
    """Bytes from a size such as ``16MiB``, ``50MB``, ``2G`` or ``1000``.

    ``K``, ``M``, ``G``, ``T`` and ``KiB``... are powers of 1024; ``KB``,
    ``MB``... powers of 1000 (as in GNU coreutils).

    >>> parse_size("16MiB"), parse_size("50MB"), parse_size("1k"), parse_size("123")
    (16777216, 50000000, 1024, 123)
    """
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a size: use a number with an optional unit, e.g. 16MiB, 50MB, 2G")
    number, unit, binary, byte = match.groups()
    power = " kmgt".index(unit.lower()) if unit else 0
    base = 1000 if byte and not binary else 1024
    return int(float(number) * base**power)


def format_size(size: int) -> str:
    """A byte count for messages.

    >>> format_size(52428800), format_size(900), format_size(1536)
    ('50 MiB', '900 bytes', '1.5 KiB')
    """
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            break
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


class _Counted(io.RawIOBase):
    """A readable stream that counts the bytes read through it."""

    def __init__(self, inner: IO[bytes]):
        # read1: one read of the layer below, so data before a truncation is not lost in a refill
        self.read_some = getattr(inner, "read1", inner.read)
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read_some(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


class _Capped(_Counted):
    """Decompressed bytes, stopped with DecompressionBombError past the caps."""

    def __init__(self, inner: IO[bytes], compressed: _Counted, limits: ReadLimits):
        super().__init__(inner)
        self.compressed = compressed
        self.limits = limits

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = super().readinto(buffer)
        if self.count > self.limits.max_decompressed_bytes:
            raise DecompressionBombError(
                f"decompressed past the {format_size(self.limits.max_decompressed_bytes)} cap (--max-decompressed-size)"
            )
        ratio = self.count / max(self.compressed.count, 1)
        if self.count > RATIO_CHECK_AFTER and ratio > self.limits.max_compression_ratio:
            raise DecompressionBombError(
                f"expands {ratio:.0f}x, past the {self.limits.max_compression_ratio:g}x cap: a compression bomb?"
                " (--max-compression-ratio)"
            )
        return count


def compression_of(name: str, head: bytes) -> str:
    """``gz``, ``zst`` or ``""``: by the file name's extension, else by magic bytes."""
    lower = name.lower()
    if lower.endswith(".gz"):
        return "gz"
    if lower.endswith((".zst", ".zstd")):
        return "zst"
    if head.startswith(GZIP_MAGIC):
        return "gz"
    if head.startswith(ZSTD_MAGIC):
        return "zst"
    return ""


@contextmanager
def decompressed(raw: IO[bytes], name: str, limits: ReadLimits) -> Iterator[io.BufferedReader]:
    """The content of ``raw``, decompressed when compressed, buffered, within ``limits``.

    Errors from corrupt compressed data surface while reading, not here.
    """
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(_Counted(raw))
    kind = compression_of(name, buffered.peek(4)[:4])
    if not kind:
        yield buffered
        return
    compressed = _Counted(buffered)
    inner: IO[bytes]
    if kind == "gz":
        inner = gzip.GzipFile(fileobj=compressed, mode="rb")  # type: ignore[assignment]
    else:
        inner = io.BufferedReader(_ZstdFrames(compressed))
    with inner:
        yield io.BufferedReader(_Capped(inner, compressed, limits))


class _ZstdFrames(io.RawIOBase):
    """zstd frames one after another, decompressed; a truncated last frame is an error.

    python-zstandard's ``stream_reader`` ends quietly inside a truncated frame,
    and the records there would vanish without a word; ``decompressobj`` says
    whether a frame ended (``eof``). Input goes in small pieces because the
    output of one call is held whole and zstd can turn a few bytes into 128 KB.
    """

    FEED = 512

    def __init__(self, source: io.RawIOBase):
        self.source = source
        self.decompressor = zstandard.ZstdDecompressor()
        self.frame = self.decompressor.decompressobj()
        self.in_frame = False  # part of a frame was read
        self.input = b""
        self.output = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self.output:
            if not self.input:
                self.input = self.source.read(self.FEED)
                if not self.input:
                    if self.in_frame:
                        raise EOFError("zstd data ends inside a frame: the file is truncated")
                    return 0
            if not self.in_frame:
                self.frame = self.decompressor.decompressobj()
            self.output = memoryview(self.frame.decompress(self.input))
            self.in_frame = not self.frame.eof
            self.input = self.frame.unused_data if self.frame.eof else b""
        count = min(len(buffer), len(self.output))
        buffer[:count] = self.output[:count]
        self.output = self.output[count:]
        return count


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``head`` names, if any.

    >>> bom_encoding(codecs.BOM_UTF16_LE + b"{"), bom_encoding(b"{}")
    ('utf-16', None)
    """
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding
    return None


@dataclass(frozen=True)
class LongLine:
    """A line over the cap, skipped unread; ``size`` is its length without the newline."""

    size: int


def bounded_lines(readline: Callable[[int], AnyStr], limit: int, newline: AnyStr) -> Iterator[AnyStr | LongLine]:
    """Lines of at most ``limit`` units (newline excluded); a longer one comes as a LongLine.

    Memory stays within ``limit`` whatever the line's length.

    >>> stream = io.BytesIO(b"short\\n" + b"x" * 20 + b"\\nlast")
    >>> list(bounded_lines(stream.readline, 10, b"\\n"))
    [b'short\\n', LongLine(size=20), b'last']
    """
    while True:
        line = readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(newline):
            yield line
            continue
        size = len(line)
        while not line.endswith(newline):
            line = readline(SKIP_CHUNK)
            if not line:
                break
            size += len(line)
        yield LongLine(size - (1 if line.endswith(newline) else 0))


def utf8_lines(stream: io.BufferedReader, limit: int) -> Iterator[bytes | LongLine]:
    """The lines of a text stream as UTF-8 bytes: a UTF-8 BOM is dropped, UTF-16/32 (with a BOM) transcoded.

    Transcoded text replaces undecodable code units with U+FFFD: in UTF-16 one
    bad unit must not cost the rest of the file.
    """
    encoding = bom_encoding(stream.peek(4)[:4])
    if encoding is None or encoding == "utf-8-sig":
        if encoding:
            stream.read(len(codecs.BOM_UTF8))
        yield from bounded_lines(stream.readline, limit, b"\n")
        return
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="\n")
    # The cap counts characters here; UTF-8 needs at least as many bytes.
    for line in bounded_lines(text.readline, limit, "\n"):
        yield line if isinstance(line, LongLine) else line.encode("utf-8")
    text.detach()
