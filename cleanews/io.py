"""Readers and writers: JSONL (plain, .gz, .zst), single HTML and text files, '-'.

Reading never stops at a bad record: it yields a ``Reject`` naming the file,
line and reason, and goes on. Caps on record size and decompressed size
(``ReadLimits``, in ``config.py``; enforced in ``streams.py``) keep hostile
files from exhausting memory. Writing is atomic: output goes to a temporary
file that is renamed over the target only when the run finishes.

Formats are chosen by file name: a reader is a row of ``READERS``, a writer
is chosen in ``open_writer``. Files are reached through ``Files``: the local
file system here, any fsspec URL for the Dask engine (``remote.py``).
"""

from __future__ import annotations

import glob
import gzip
import json
import math
import os
import sys
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from itertools import takewhile
from typing import IO, Any, NamedTuple, Protocol

import orjson
import zstandard

from cleanews.config import STDIN, Fields, ReadLimits, RunConfig
from cleanews.document import Document, Item, Reject
from cleanews.errors import InputError, OutputClash, OutputError
from cleanews.streams import (
    DecompressionBombError,
    LongLine,
    bom_encoding,
    decompressed,
    format_size,
    utf8_lines,
)

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".json.gz", ".jsonl.zstd")
HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt",)
# Read by cleanews.warc and cleanews.parquet, imported when such a file comes: they need an extra.
WARC_SUFFIXES = (".warc", ".warc.gz")
PARQUET_SUFFIXES = (".parquet",)
SUPPORTED_TEXT = ".jsonl (.gz, .zst), .html, .htm, .txt, .warc (.gz) and .parquet"

# Control bytes other than tab, newline, form feed and carriage return, and DEL.
_CONTROL_BYTES = frozenset(set(range(32)) - {9, 10, 12, 13} | {127})
# Above this share of control bytes a file is binary, not text: text has
# next to none, while random or compressed bytes have about 12%.
MAX_CONTROL_SHARE = 0.05
# A checkpoint work directory's name ends so (checkpoint.WorkDir); no run reads what is in one.
WORK_SUFFIX = ".cleanews-work"
# JSON values nested deeper are rejected: news records nest a few levels, and
# a value some hundreds deep cannot be pickled (to a worker process, between
# Dask workers) nor copied without overflowing the stack.
MAX_JSON_DEPTH = 100


class Files(Protocol):
    """What reading, input expansion and atomic writing need of a file system.

    ``LocalFiles`` is the local one; the Dask engine passes one for any fsspec
    URL (``cleanews.remote``), so the same readers and writers serve both engines.
    """

    def open(self, path: str) -> IO[bytes]: ...
    def atomic(self, path: str) -> AbstractContextManager[IO[bytes]]: ...
    def is_dir(self, path: str) -> bool: ...
    def is_file(self, path: str) -> bool: ...
    def files_under(self, root: str) -> list[str]: ...
    def glob(self, pattern: str) -> list[str]: ...
    def signature(self, path: str) -> list[Any]: ...


class LocalFiles:
    """The local file system."""

    def open(self, path: str) -> IO[bytes]:
        return open(path, "rb")  # noqa: SIM115 -- the caller closes it

    @contextmanager
    def atomic(self, path: str) -> Iterator[IO[bytes]]:
        """A temporary file beside ``path``, renamed over it when the block ends without an error (removed otherwise).

        The file gets the mode any file the user writes gets (0666 less the
        umask), not the temporary's 0600. A failure to write (read-only,
        disk full) is an OutputError naming ``path``.
        """
        directory = os.path.dirname(os.path.abspath(path))
        try:
            os.makedirs(directory, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".cleanews-", suffix=".part", dir=directory)
        except OSError as error:
            raise OutputError(path, error) from error
        with removed_on_failure(path, lambda: os.unlink(temporary)):
            with os.fdopen(handle, "wb") as raw:
                yield raw
                raw.flush()
                os.fsync(raw.fileno())
            os.chmod(temporary, 0o666 & ~current_umask())
            os.replace(temporary, path)

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)

    def is_file(self, path: str) -> bool:
        return os.path.isfile(path)

    def files_under(self, root: str) -> list[str]:
        """Every file under ``root``; symbolic links are followed, to files and to directories alike (each directory once)."""
        found: list[str] = []
        seen: set[str] = set()
        for directory, subdirectories, names in os.walk(root, followlinks=True):
            real = os.path.realpath(directory)
            if real in seen:  # a link back up the tree, or a second link to one directory
                subdirectories.clear()
                continue
            seen.add(real)
            found.extend(path for name in names if os.path.isfile(path := os.path.join(directory, name)))
        return found

    def glob(self, pattern: str) -> list[str]:
        return [p for p in glob.glob(pattern, recursive=True) if os.path.isfile(p)]

    def signature(self, path: str) -> list[Any]:
        """What tells whether a file changed: its absolute path, size and modification time."""
        status = os.stat(path)
        return [os.path.abspath(path), status.st_size, status.st_mtime_ns]


LOCAL = LocalFiles()


@contextmanager
def removed_on_failure(path: str, remove: Callable[[], None]) -> Iterator[None]:
    """The block that writes ``path``'s temporary file; on an error ``remove`` it, and re-raise (an OSError as an OutputError)."""
    try:
        yield
    except BaseException as error:
        with suppress(OSError):
            remove()
        if isinstance(error, OSError):  # the writer's own errors come as OutputError already
            raise OutputError(path, error) from error
        raise


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class Input(NamedTuple):
    """An input file, and the name its records without an id are called after (``default_name``)."""

    path: str
    name: str


def expand_inputs(inputs: list[str], files: Files = LOCAL, own: Sequence[str] = (),
                  on_skip: Callable[[str], None] = lambda path: None) -> list[str]:
    """The paths of ``found_inputs``."""
    return [found.path for found in found_inputs(inputs, files, own, on_skip)]


def found_inputs(inputs: list[str], files: Files = LOCAL, own: Sequence[str] = (),
                 on_skip: Callable[[str], None] = lambda path: None) -> list[Input]:
    """Files named by paths, directories (searched recursively) and globs, in a stable order, each with its name.

    A directory or glob never yields ``own`` paths (a run's outputs: a file,
    or a directory and what it holds) nor checkpoint work directories
    (``*.cleanews-work``): a run does not read back what runs write. A file
    named on its own must be a format cleanews reads (InputError otherwise);
    other files in a directory or glob are skipped and told to ``on_skip``,
    so the run can count them.
    """
    found: list[Input] = []
    resolved_own = [resolved(path) for path in own]
    named_root = common_directory([spec for spec in inputs if spec != STDIN and files.is_file(spec)])
    for spec in inputs:
        if spec == STDIN:
            found.append(Input(STDIN, "stdin"))
        elif files.is_file(spec):
            if not is_supported(spec):
                raise InputError(f"{spec}: cleanews does not read this kind of file; it reads {SUPPORTED_TEXT}")
            found.append(Input(spec, default_name(spec, named_root)))
        else:
            is_dir = files.is_dir(spec)
            paths = sorted(p for p in (files.files_under(spec) if is_dir else files.glob(spec)) if not is_written(p, resolved_own))
            if not paths:
                raise InputError(f"{spec}: no such file, directory or matching glob")
            supported = [path for path in paths if is_supported(path)]
            if not supported:
                raise InputError(f"{spec}: holds no file cleanews reads ({SUPPORTED_TEXT})")
            for path in paths:
                if not is_supported(path):
                    on_skip(path)
            root = spec if is_dir else glob_root(spec)
            found.extend(Input(path, default_name(path, root)) for path in supported)
    return found


def default_name(path: str, root: str | None) -> str:
    """What the records of ``path`` without an id are named after (``NAME:LINE``, or ``NAME`` for a page).

    The file's path below ``root`` without its extension, so files of one
    name in two directories stay apart. ``root`` is the directory, or the
    fixed part of the glob, the file was found through; for files named on
    their own, the directory they all lie in (``common_directory``: a file
    named alone is named by its file name). Without a root: the file name.

    >>> default_name("crawl/2024/feed.jsonl.gz", "crawl/"), default_name("golden/input/a.txt", "golden/input")
    ('2024/feed', 'a')
    """
    prefix = "" if root is None else root.rstrip("/") + "/"
    relative = path[len(prefix):] if root is not None and path.startswith(prefix) else os.path.basename(path)
    directory = relative.rpartition("/")[0]
    return f"{directory}/{source_stem(relative)}" if directory else source_stem(relative)


def common_directory(paths: list[str]) -> str | None:
    """The deepest directory that holds all ``paths`` (by their names, so URLs too); None for no paths.

    >>> common_directory(["a/x.html", "b/x.html"]), common_directory(["golden/input/a.txt"])
    ('', 'golden/input')
    """
    if not paths:
        return None
    common: list[str] = []
    for parts in zip(*(path.split("/")[:-1] for path in paths), strict=False):
        if len(set(parts)) > 1:
            break
        common.append(parts[0])
    return "/".join(common)


def glob_root(pattern: str) -> str:
    """The directory a glob searches: its leading path components without wildcards.

    >>> glob_root("crawl/*/feed.jsonl"), glob_root("s3://bucket/crawl/**/*.zst"), glob_root("*.jsonl")
    ('crawl', 's3://bucket/crawl', '')
    """
    parts = pattern.split("/")[:-1]
    fixed = list(takewhile(lambda part: not glob.has_magic(part), parts))
    return "/".join(fixed)


def resolved(path: str) -> str:
    """A local path with symlinks and ``..`` resolved; a URL (``s3://...``) as it is."""
    return path if "://" in path else os.path.realpath(path)


def is_written(path: str, resolved_own: list[str]) -> bool:
    """Whether ``path`` is one of the ``resolved_own`` outputs, lies under one, or lies in a checkpoint work directory."""
    real = resolved(path)
    return any(part.endswith(WORK_SUFFIX) for part in real.split("/")[:-1]) or any(is_at(real, own) for own in resolved_own)


def is_at(real: str, own: str) -> bool:
    """Whether the resolved path ``real`` is ``own`` or lies under it."""
    return real == own or real.startswith(own.rstrip("/") + "/")


def run_inputs(config: RunConfig, files: Files = LOCAL, on_skip: Callable[[str], None] = lambda path: None) -> list[Input]:
    """The run's input files (others in its directories told to ``on_skip``); refused (OutputClash) before any work
    when an output would overwrite an input or another output."""
    outputs = [(option, path) for option, path in (("-o", config.output), ("--rejects", config.rejects),
                                                   ("--stats", config.stats), ("--index", config.index))
               if path is not None and path != STDIN]
    for option, path in outputs:
        spec = reading_spec(path, list(config.inputs), files)
        if spec is not None and not earlier_output(path, files):
            raise OutputClash(f"{option} {path} would overwrite {path}, which this run would read from {spec}: "
                              f"write it elsewhere")
    inputs = found_inputs(list(config.inputs), files, [path for _, path in outputs], on_skip)
    for number, (option, path) in enumerate(outputs):
        for other_option, other in outputs[:number]:
            if resolved(path) == resolved(other):
                raise OutputClash(f"{option} {path} is the same file as {other_option} {other}: give each output its own path")
        clash = next((found.path for found in inputs if found.path != STDIN and is_at(resolved(found.path), resolved(path))), None)
        if clash is not None:
            raise OutputClash(f"{option} {path} would overwrite the input {clash}: write it elsewhere")
    return inputs


def reading_spec(path: str, inputs: list[str], files: Files = LOCAL) -> str | None:
    """The directory or glob of ``inputs`` that would read the existing file ``path`` as an input (were it not an output), if any."""
    if path == STDIN or "://" in path or not files.is_file(path) or not is_supported(path):
        return None
    real = resolved(path)
    for spec in inputs:
        if spec == STDIN or files.is_file(spec):
            continue  # a file named on its own is an input whatever it holds: run_inputs refuses it as one
        if files.is_dir(spec) and is_at(real, resolved(spec)) or glob.has_magic(spec) and real in map(resolved, files.glob(spec)):
            return spec
    return None


# What the first record of each kind of cleanews output holds: records cleaned or deduplicated, a
# rejects file's entries, the run's stats.
OUTPUT_KEYS = (frozenset({"cleaning"}), frozenset({"dedup"}), frozenset({"source", "reason"}), frozenset({"records_in"}))
SNIFF_BYTES = 1 << 20


def earlier_output(path: str, files: Files = LOCAL) -> bool:
    """Whether the file at ``path`` is empty or an earlier run's output (its first record says so), so a run may replace it.

    A run into the directory it reads skips its earlier outputs there and
    writes them anew; any other file in that place is the user's data.
    """
    if path.endswith(".parquet"):
        try:
            import pyarrow.parquet

            names = set(pyarrow.parquet.read_schema(path).names)
        except (ImportError, OSError, ValueError):
            return False
        return any(keys <= names for keys in OUTPUT_KEYS)
    try:
        with files.open(path) as raw, decompressed(raw, path, ReadLimits()) as stream:
            head = stream.read(SNIFF_BYTES)
    except (OSError, EOFError, ValueError, zlib.error, zstandard.ZstdError, DecompressionBombError):
        return False
    if not head.strip() or head.startswith(b"SQLite format 3\x00"):  # nothing to lose, or a dedup index (--index)
        return True
    for text in (head.split(b"\n", 1)[0], head):  # a JSONL record, or the stats' indented JSON
        try:
            record = json.loads(text)
        except ValueError:
            continue
        if isinstance(record, dict) and any(keys <= record.keys() for keys in OUTPUT_KEYS):
            return True
    return False


def is_supported(path: str) -> bool:
    return reader_for(path) is not None


def read_inputs(inputs: list[str], fields: Fields = Fields(), limits: ReadLimits = ReadLimits(),
                skipped: Counter[str] | None = None) -> Iterator[Item]:
    """Every record of every input, as Documents or Rejects, lazily (WARC records that are no pages counted in ``skipped``)."""
    for path, name in found_inputs(inputs):
        yield from read_path(path, fields, limits, skipped=skipped, name=name)


def read_records(records: Iterable[Any], fields: Fields = Fields(), source: str = "records") -> Iterator[Item]:
    """Records (dicts, e.g. rows of an ETL job) as Documents, mapped as the CLI maps JSONL records, lazily.

    ``fields`` names the id, text and HTML fields; ``title``, ``url``,
    ``date`` and ``author`` are taken as given (they win over what the
    cleaner detects) and other fields ride along. A record that is not a
    dict, or has no text, becomes a Reject named ``SOURCE:N`` (1-based),
    which is also the id of a record without one.

    >>> [(type(item).__name__, item.id, item.source) for item in read_records([{"id": 7, "text": "Hi."}, {"text": "Ho."}, "x"])]
    [('Document', '7', 'records:1'), ('Document', 'records:2', 'records:2'), ('Reject', None, 'records:3')]
    """
    for number, record in enumerate(records, start=1):
        where = f"{source}:{number}"
        if isinstance(record, dict):
            yield document_from_record(record, where, where, fields)
        else:
            yield Reject(where, f"a {type(record).__name__}, not a dict", record)


# path, fields, limits, files, a counter for the file's entries that are no
# records at all (a WARC's requests, redirects, images...) by reason, and the
# name of records without an id (``default_name``)
Reader = Callable[[str, Fields, ReadLimits, Files, Counter[str], str], Iterator[Item]]


def read_path(path: str, fields: Fields = Fields(), limits: ReadLimits = ReadLimits(), files: Files = LOCAL,
              skipped: Counter[str] | None = None, name: str | None = None) -> Iterator[Item]:
    """The records of one input (a format ``READERS`` knows, or stdin as JSONL), read through ``files``.

    Never raises on bad content: a file that cannot be opened or read on is a
    Reject. WARC records that are not pages are no records: they are counted
    in ``skipped`` by reason. Only stdin whose first line is not JSON at all (a page or
    a text piped in) raises InputError, once, instead of a reject per line.
    Records without an id are named after ``name`` (default: the file's name
    without its extension; ``found_inputs`` gives each input's).
    """
    reader = read_jsonl_file if path == STDIN else reader_for(path) or read_jsonl_file
    default = name if name is not None else "stdin" if path == STDIN else default_name(path, None)
    return reader(path, fields, limits, files, Counter() if skipped is None else skipped, default)


def reader_for(path: str) -> Reader | None:
    """The reader of a file, by its name's ending."""
    lower = path.lower()
    return next((reader for suffixes, reader in READERS if lower.endswith(suffixes)), None)


def read_jsonl_file(path: str, fields: Fields, limits: ReadLimits, files: Files, skipped: Counter[str], name: str) -> Iterator[Item]:
    return read_opened(path, files, lambda raw: read_jsonl(raw, path, fields, limits, name))


def read_opened(path: str, files: Files, read: Callable[[IO[bytes]], Iterator[Item]]) -> Iterator[Item]:
    """``read`` over the opened file (stdin for ``-``); a file that cannot be opened is a Reject."""
    try:
        # stdin is read, not closed: it is not ours
        opened = nullcontext(sys.stdin.buffer) if path == STDIN else files.open(path)
    except OSError as error:
        yield Reject(path, f"cannot open: {error.strerror or error}")
        return
    with opened as raw:
        yield from read(raw)


def read_html_file(path: str, fields: Fields, limits: ReadLimits, files: Files, skipped: Counter[str], name: str) -> Iterator[Item]:
    yield read_single(path, "html", limits, files, name)


def read_text_file(path: str, fields: Fields, limits: ReadLimits, files: Files, skipped: Counter[str], name: str) -> Iterator[Item]:
    yield read_single(path, "text", limits, files, name)


def read_warc_file(path: str, fields: Fields, limits: ReadLimits, files: Files, skipped: Counter[str], name: str) -> Iterator[Item]:
    """The HTML pages of a WARC file (``cleanews.warc``; needs the ``warc`` extra), named by their WARC record ids."""
    from cleanews.warc import read_warc, require_fastwarc

    require_fastwarc()
    yield from read_opened(path, files, lambda raw: read_warc(raw, path, limits, skipped))


def read_parquet_file(path: str, fields: Fields, limits: ReadLimits, files: Files, skipped: Counter[str], name: str) -> Iterator[Item]:
    """One record a row (``cleanews.parquet``; needs the ``parquet`` extra)."""
    from cleanews.parquet import read_parquet, require_pyarrow

    require_pyarrow()
    yield from read_parquet(path, fields, limits, files, name)


@contextmanager
def open_binary(path: str, limits: ReadLimits = ReadLimits()) -> Iterator[IO[bytes]]:
    """A file or stdin as bytes, decompressed (by extension, else magic bytes) within ``limits``."""
    # stdin is read, not closed: it is not ours
    opened = nullcontext(sys.stdin.buffer) if path == STDIN else open(path, "rb")  # noqa: SIM115
    with opened as raw, decompressed(raw, path, limits) as stream:
        yield stream


def read_jsonl(raw: IO[bytes], label: str, fields: Fields = Fields(), limits: ReadLimits = ReadLimits(),
               name: str | None = None) -> Iterator[Item]:
    """One Document or Reject per non-blank line of a JSONL stream (compressed or not); ``NAME:LINE`` the id of one without."""
    stem = name if name is not None else "stdin" if label == STDIN else source_stem(label)
    number, seen_json = 0, False
    try:
        with decompressed(raw, label, limits) as stream:
            for number, line in enumerate(utf8_lines(stream, limits.max_record_bytes), start=1):
                source = f"{label}:{number}"
                if isinstance(line, LongLine):
                    yield Reject(source, f"record is {format_size(line.size)}, over the "
                                         f"{format_size(limits.max_record_bytes)} cap (--max-record-size); not read")
                elif line.strip():
                    item = parse_jsonl_line(line, source, f"{stem}:{number}", fields)
                    if label == STDIN and not seen_json and isinstance(item, Reject) and isinstance(item.record, str):
                        raise InputError(stdin_not_jsonl(line))
                    seen_json = True
                    yield item
    except DecompressionBombError as error:
        yield Reject(f"{label}:{number + 1}", f"{error}; the rest of the file is not read")
    # A truncated or corrupt compressed file: what was read stays; say where it broke.
    except (OSError, EOFError, zlib.error, zstandard.ZstdError) as error:
        yield Reject(f"{label}:{number + 1}", f"cannot read further: {error}")


def stdin_not_jsonl(first_line: bytes) -> str:
    """Why a stdin whose first line is not JSON is refused whole, rather than rejected line by line."""
    kind = "HTML" if first_line.lstrip().startswith(b"<") else "plain text, not JSON"
    return (f"stdin is not JSONL: its first line is {kind}; cleanews reads stdin as JSONL (one JSON object a line). "
            "Save a page as page.html or an article as article.txt and name the file instead of '-'")


def parse_jsonl_line(raw: bytes, source: str, default_id: str, fields: Fields) -> Item:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        # backslashreplace keeps every byte readable in the rejects file (JSON text never holds a \x escape).
        kept = raw.decode("utf-8", "backslashreplace").rstrip("\r\n")
        return Reject(source, f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at column {error.start + 1})", kept)
    line = line.rstrip("\r\n")
    try:
        record = parse_json(line)
    except json.JSONDecodeError as error:
        where = "column" if error.msg.endswith(" at") else "at column"  # "Unterminated string starting at"
        return Reject(source, f"invalid JSON ({error.msg} {where} {error.colno})", line)
    except RecursionError:
        return Reject(source, "invalid JSON (nested too deeply to parse)", line)
    except ValueError as error:  # a number Python or JSON cannot hold (from the hooks, or int())
        reason = str(error) if isinstance(error, NonFiniteNumber) else f"an integer of more than {sys.get_int_max_str_digits()} digits"
        return Reject(source, f"invalid JSON ({reason})", line)
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and json_depth(record) > MAX_JSON_DEPTH:
        return Reject(source, f"JSON nested more than {MAX_JSON_DEPTH} deep", line)
    if not isinstance(record, dict):
        return Reject(source, f"a JSON {type(record).__name__}, not an object", record)
    return document_from_record(record, source, default_id, fields)


def parse_json(line: str | bytes) -> Any:
    """``json.loads``, fast: orjson parses, and what it refuses (NaN, lone surrogates, bad JSON)
    or reads differently (integers past 64 bits) goes to ``json``, so results and error messages are json's (and
    a number outside JSON, NaN or 1e400, is a NonFiniteNumber)."""
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return parse_json_slowly(line)
    # orjson reads an integer past 64 bits as a float, losing digits: json keeps it whole
    return parse_json_slowly(line) if holds_huge_float(value) else value


def parse_json_slowly(line: str | bytes) -> Any:
    return json.loads(line, parse_constant=not_a_number, parse_float=finite_float)


def holds_huge_float(value: Any) -> bool:
    """Whether a float of 2**63 or more (what orjson makes of an integer past 64 bits) is in value.

    >>> holds_huge_float({"a": [1.5, {"b": -2.0**63}]}), holds_huge_float({"a": "1e30"})
    (True, False)
    """
    pending = [value]  # a stack, not recursion: orjson reads values nested deeper than Python recurses
    while pending:
        item = pending.pop()
        if isinstance(item, float) and abs(item) >= 2.0**63:
            return True
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class NonFiniteNumber(ValueError):
    """A number outside JSON: NaN, Infinity, or one too large for a double (``1e400``)."""


def not_a_number(name: str) -> float:
    raise NonFiniteNumber(f"{name} is not a JSON number")


def finite_float(text: str) -> float:
    """
    >>> finite_float("1.5e3")
    1500.0
    """
    value = float(text)
    if not math.isfinite(value):
        raise NonFiniteNumber(f"the number {text[:40]} is too large for a double")
    return value


def json_depth(value: Any) -> int:
    """How deep lists and objects nest in a parsed JSON value (a scalar is 0), without recursion.

    >>> json_depth({"a": [1, {"b": []}]}), json_depth("x")
    (4, 0)
    """
    deepest, stack = 0, [(value, 0)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is not None:
            deepest = max(deepest, depth + 1)
            stack.extend((child, depth + 1) for child in children)
    return deepest


def document_from_record(record: dict[str, Any], source: str, default_id: str, fields: Fields) -> Item:
    """Map a JSON object onto a Document; other fields ride along in ``extra``."""
    text, html = record.get(fields.text), record.get(fields.html)
    raw_id = record.get(fields.id)
    doc_id = default_id if raw_id is None or raw_id == "" else raw_id
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)
    if not isinstance(doc_id, str):
        return Reject(source, f"field {fields.id!r} is a {type(doc_id).__name__}, not a string or an integer", record)
    if has_lone_surrogate(doc_id):
        return Reject(source, f"field {fields.id!r} holds a lone surrogate (a \\ud800-\\udfff escape), "
                              "which no UTF-8 file or index can store", record)
    for name, value in ((fields.text, text), (fields.html, html)):
        if value is not None and not isinstance(value, str):
            return Reject(source, f"field {name!r} is a {type(value).__name__}, not a string", record, doc_id)
    if not (text or "").strip() and not (html or "").strip():
        return Reject(source, f"empty record: no text in {fields.text!r} or {fields.html!r}", record, doc_id)
    consumed = {fields.id, fields.text, fields.html}
    metadata = {name: record[name] for name in ("title", "url", "date", "author") if isinstance(record.get(name), str)}
    extra = {key: value for key, value in record.items() if key not in consumed and key not in metadata}
    return Document(id=doc_id, text=text or "", html=html or None, source=source, extra=extra, **metadata)


def has_lone_surrogate(text: str) -> bool:
    """
    >>> has_lone_surrogate("\\udc80x"), has_lone_surrogate("café")
    (True, False)
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_single(path: str, kind: str, limits: ReadLimits = ReadLimits(), files: Files = LOCAL, name: str | None = None) -> Item:
    """A whole .html or .txt file as one record, its id ``name`` (default: the file name without its extension)."""
    try:
        with files.open(path) as handle:
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
    doc_id = name if name is not None else source_stem(path)
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

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return data.decode("utf-8", errors="replace")
    # On a short text charset-normalizer ranks code pages that read it equally well by name: a
    # latin-1 'crème' came out as cp1250's 'crčme', 'niño' as cp852's 'ni˝o'. Among those, the
    # one browsers read a page in when it declares nothing (and read latin-1 as) wins.
    western = next((match for match in matches if match.encoding == "cp1252" and match.chaos <= best.chaos), None)
    return str(western or best)


def source_stem(path: str) -> str:
    name = os.path.basename(path)
    for suffix in sorted(JSONL_SUFFIXES + HTML_SUFFIXES + TEXT_SUFFIXES + WARC_SUFFIXES + PARQUET_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


class JsonlWriter:
    """Writes one JSON object a line; compresses by extension; atomic (``Files.atomic``).

    ``-`` writes to stdout. On an error inside the ``with`` block the
    temporary file is removed and the target is left as it was.
    """

    def __init__(self, path: str, files: Files = LOCAL):
        self.path = path
        self.files = files
        self._target: AbstractContextManager[IO[bytes]] | None = None
        self._raw: IO[bytes] | None = None
        self._stream: IO[bytes] | None = None

    def __enter__(self) -> JsonlWriter:
        if self.path == STDIN:
            self._stream = sys.stdout.buffer
            return self
        self._target = self.files.atomic(self.path)
        self._raw = self._target.__enter__()
        self._stream = compressor(self._raw, self.path.lower())
        return self

    def write(self, record: dict[str, Any]) -> None:
        assert self._stream is not None, "use JsonlWriter in a with block"
        try:
            self._stream.write(encode_record(record))
        except OSError as error:  # disk full, a closed pipe
            raise OutputError(self.path, error) from error

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self._target is None:
            sys.stdout.flush()
            return
        try:
            if self._stream is not self._raw:
                assert self._stream is not None
                self._stream.close()  # the compressor's end; the raw file stays open for the target
        except OSError as error:
            self._target.__exit__(type(error), error, error.__traceback__)  # removes the temporary file, raises OutputError
            raise OutputError(self.path, error) from error  # (a target that let it pass)
        self._target.__exit__(exc_type, exc, tb)


def encode_record(record: dict[str, Any]) -> bytes:
    """One JSONL line, UTF-8; readable non-ASCII, except in a record holding a lone surrogate.

    A lone surrogate (from a ``"\\ud800"`` escape in the input) has no UTF-8
    form; escaped, it round-trips exactly.

    >>> encode_record({"t": "café"}), encode_record({"t": "\\ud800"})
    (b'{"t":"caf\\xc3\\xa9"}\\n', b'{"t":"\\\\ud800"}\\n')
    """
    try:
        line = orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
        # orjson writes NaN and Infinity (json's extension) as null, so only a line with a null may have lost one
        if b"null" not in line or not has_non_finite(record):
            return line
    except orjson.JSONEncodeError:  # a lone surrogate, an integer past 64 bits
        pass
    try:
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
    except UnicodeEncodeError:
        return json.dumps(record, separators=(",", ":")).encode("ascii") + b"\n"


def has_non_finite(value: Any) -> bool:
    """Whether a JSON value holds NaN or an infinity anywhere (they come only from input records)."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(map(has_non_finite, value.values()))
    if isinstance(value, list | tuple):
        return any(map(has_non_finite, value))
    return False


# Readers by file name ending (stdin and unknown endings are read as JSONL). A new
# input format is a reader function and a row here.
READERS: tuple[tuple[tuple[str, ...], Reader], ...] = (
    (JSONL_SUFFIXES, read_jsonl_file),
    (HTML_SUFFIXES, read_html_file),
    (TEXT_SUFFIXES, read_text_file),
    (WARC_SUFFIXES, read_warc_file),
    (PARQUET_SUFFIXES, read_parquet_file),
)


def open_writer(path: str, files: Files = LOCAL, parquet_columns: dict[str, str] | None = None) -> JsonlWriter:
    """The writer of output records for ``path``; a new output format is chosen here by its ending.

    ``parquet_columns``: the kinds of a Parquet file's extra columns, when
    decided beforehand (``parquet.ColumnKinds``).
    """
    if path.lower().endswith(PARQUET_SUFFIXES):
        from cleanews.parquet import ParquetWriter  # needs the parquet extra

        return ParquetWriter(path, files, parquet_columns)  # type: ignore[return-value]  # the same interface
    return JsonlWriter(path, files)


def compressor(raw: IO[bytes], name: str) -> IO[bytes]:
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)  # type: ignore[return-value]
    if name.endswith((".zst", ".zstd")):
        return zstandard.ZstdCompressor().stream_writer(raw, closefd=False)  # type: ignore[return-value]
    return raw
