"""Readers and writers: JSONL (plain, .gz, .zst), single HTML and text files, '-'.

Reading never stops at a bad record: it yields a ``Reject`` naming the file,
line and reason, and goes on. Writing is atomic: output goes to a temporary
file that is renamed over the target only when the run finishes.
"""

from __future__ import annotations

import codecs
import glob
import gzip
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import zstandard

from cleanews.document import Document
from cleanews.errors import InputError

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".json.gz", ".jsonl.zstd")
HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt",)
STDIN = "-"


@dataclass(frozen=True)
class Fields:
    """Which JSONL fields hold the id, the plain text and the HTML."""

    id: str = "id"
    text: str = "text"
    html: str = "html"


@dataclass(frozen=True)
class Reject:
    """An input record that cannot be processed, and why."""

    source: str  # "file:line"
    reason: str
    record: Any = None  # the original record, where it could be kept

    def to_record(self) -> dict[str, Any]:
        return {"source": self.source, "reason": self.reason, "record": self.record}


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


def read_inputs(inputs: list[str], fields: Fields = Fields()) -> Iterator[Item]:
    """Every record of every input, as Documents or Rejects, lazily."""
    for path in expand_inputs(inputs):
        yield from read_path(path, fields)


def read_path(path: str, fields: Fields = Fields()) -> Iterator[Item]:
    lower = path.lower()
    if lower.endswith(HTML_SUFFIXES):
        yield read_single(path, kind="html")
    elif lower.endswith(TEXT_SUFFIXES):
        yield read_single(path, kind="text")
    else:  # JSONL, including stdin
        with open_binary(path) as stream:
            yield from read_jsonl(stream, label=path, fields=fields)


@contextmanager
def open_binary(path: str) -> Iterator[IO[bytes]]:
    """Open a file or stdin for reading, decompressing by extension (stdin: by magic bytes)."""
    if path == STDIN:
        raw: IO[bytes] = io.BufferedReader(sys.stdin.buffer) if not hasattr(sys.stdin.buffer, "peek") else sys.stdin.buffer
        magic = raw.peek(4)[:4]  # type: ignore[attr-defined]
        kind = ".gz" if magic[:2] == b"\x1f\x8b" else ".zst" if magic == b"\x28\xb5\x2f\xfd" else ""
        with decompress(raw, kind) as stream:
            yield stream
        return
    with open(path, "rb") as raw_file, decompress(raw_file, path.lower()) as stream:
        yield stream


@contextmanager
def decompress(raw: IO[bytes], name: str) -> Iterator[IO[bytes]]:
    if name.endswith(".gz"):
        with gzip.GzipFile(fileobj=raw) as stream:
            yield stream  # type: ignore[misc]
    elif name.endswith((".zst", ".zstd")):
        with zstandard.ZstdDecompressor().stream_reader(raw) as reader:
            yield io.BufferedReader(reader)  # type: ignore[arg-type]
    else:
        yield raw


def read_jsonl(stream: IO[bytes], label: str, fields: Fields = Fields()) -> Iterator[Item]:
    """One Document or Reject per non-blank line of a JSONL stream."""
    stem = "stdin" if label == STDIN else source_stem(label)
    number = 0
    try:
        for raw in stream:
            number += 1
            if raw.strip():
                yield parse_jsonl_line(raw, f"{label}:{number}", f"{stem}:{number}", fields)
    except (OSError, EOFError, zstandard.ZstdError) as error:
        # A truncated or corrupt compressed file: what was read stays; say where it broke.
        yield Reject(f"{label}:{number + 1}", f"cannot read further: {error}")


def parse_jsonl_line(raw: bytes, source: str, default_id: str, fields: Fields) -> Item:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return Reject(source, f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at column {error.start + 1})", raw.decode("utf-8", "replace"))
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return Reject(source, f"invalid JSON ({error.msg} at column {error.colno})", line.rstrip("\n"))
    if not isinstance(record, dict):
        return Reject(source, f"a JSON {type(record).__name__}, not an object", record)
    return document_from_record(record, source, default_id, fields)


def document_from_record(record: dict[str, Any], source: str, default_id: str, fields: Fields) -> Item:
    """Map a JSON object onto a Document; other fields ride along in ``extra``."""
    text, html = record.get(fields.text), record.get(fields.html)
    for name, value in ((fields.text, text), (fields.html, html)):
        if value is not None and not isinstance(value, str):
            return Reject(source, f"field {name!r} is a {type(value).__name__}, not a string", record)
    if not (text or "").strip() and not (html or "").strip():
        return Reject(source, f"empty record: no text in {fields.text!r} or {fields.html!r}", record)
    raw_id = record.get(fields.id)
    doc_id = default_id if raw_id is None or raw_id == "" else str(raw_id)
    consumed = {fields.id, fields.text, fields.html}
    metadata = {name: record[name] for name in ("title", "url", "date", "author") if isinstance(record.get(name), str)}
    extra = {key: value for key, value in record.items() if key not in consumed and key not in metadata}
    return Document(id=doc_id, text=text or "", html=html or None, source=source, extra=extra, **metadata)


def read_single(path: str, kind: str) -> Item:
    """A whole .html or .txt file as one record."""
    with open(path, "rb") as handle:
        data = handle.read()
    content = decode_bytes(data)
    if content is None:
        return Reject(path, "cannot decode the file: not UTF-8 and no other encoding fits")
    if not content.strip():
        return Reject(path, "empty file")
    doc_id = source_stem(path)
    if kind == "html":
        return Document(id=doc_id, text="", html=content, source=path)
    return Document(id=doc_id, text=content, source=path)


def decode_bytes(data: bytes) -> str | None:
    """UTF-8 (or a BOM's encoding) first; otherwise the most likely legacy encoding."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # imported late: rarely needed

    best = from_bytes(data).best()
    return str(best) if best is not None else None


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
        self._stream.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")

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


def compressor(raw: IO[bytes], name: str) -> IO[bytes]:
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)  # type: ignore[return-value]
    if name.endswith((".zst", ".zstd")):
        return zstandard.ZstdCompressor().stream_writer(raw, closefd=False)  # type: ignore[return-value]
    return raw
