"""Checkpoints: the finished part of a run, kept on disk so a killed run can resume.

A run has two stages. The first reads and cleans every record in input order
and commits the results in parts: ``part-000000.jsonl.zst`` holds the next
``checkpoint_every`` records (cleaned documents and rejects, each with the
index of its input file). A part appears whole or not at all (temporary file,
then rename), so after SIGKILL the work directory holds only finished parts.
The second stage (dedup and the outputs) reads the parts; it is quick, and a
resumed run simply does it again.

The work directory sits next to the output (``.NAME.cleanews-work/``).
``run.json`` holds the run's fingerprint: the inputs (path, size,
modification time) and the settings that shape the parts. A resume with
another fingerprint is refused, since its parts would not be this run's.

A run without document steps (``cleanews dedup``) has nothing worth
committing: its first stage only reads. Its records wait in a ``Spool``
instead, a temporary file that dies with the process; killed, it starts over.
"""

from __future__ import annotations

import glob
import io
import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Generic, TypeVar

import zstandard

from cleanews.config import STDIN
from cleanews.document import item_from_state, item_state
from cleanews.errors import OutputError, ResumeError
from cleanews.io import WORK_SUFFIX, JsonlWriter, parse_json
from cleanews.stats import Entry

FINGERPRINT_FILE = "run.json"
PART_PATTERN = "part-{:06d}.jsonl.zst"
# The work directory of a run to stdout, in the temporary directory: the prefix, the run's pid, a random part.
STDOUT_WORK_PREFIX = "cleanews-work-"
T = TypeVar("T")


@dataclass(frozen=True)
class Committed:
    """Where committed work ends: what a resumed run need not do again.

    The first stage resumes at input file ``file``, skipping its first
    ``file_records`` records; the records in files before it are counted in
    ``records_read`` (file index -> records read), and the WARC records
    that were no pages in ``skipped_read`` (file index -> reason -> count).
    """

    parts: int = 0
    records: int = 0  # records in the committed parts
    file: int = 0
    file_records: int = 0
    records_read: dict[int, int] = field(default_factory=dict)
    skipped_read: dict[int, dict[str, int]] = field(default_factory=dict)


class WorkDir:
    """The parts of one run, and its fingerprint."""

    def __init__(self, path: str):
        self.path = path

    @classmethod
    def for_output(cls, output: str) -> WorkDir:
        """Next to the output file; in a fresh temporary directory for stdout (no resume there)."""
        if output == STDIN:
            remove_abandoned_work()
            return cls(tempfile.mkdtemp(prefix=f"{STDOUT_WORK_PREFIX}{os.getpid()}-"))
        directory, name = os.path.split(os.path.abspath(output))
        return cls(os.path.join(directory, f".{name}{WORK_SUFFIX}"))

    def start(self, fingerprint: dict[str, Any], resume: bool) -> None:
        """Keep the parts of an earlier run to resume (same fingerprint), or start clean (old work is removed)."""
        stored = self._fingerprint()
        if resume and stored is not None:
            if stored != fingerprint:
                changed = ", ".join(key for key in sorted(set(stored) | set(fingerprint)) if stored.get(key) != fingerprint.get(key))
                raise ResumeError(f"{self.path} holds the work of a run with other inputs or settings (changed: {changed}); "
                                  "run without --resume to start over")
            return
        self.remove()
        try:
            os.makedirs(self.path)
            with open(os.path.join(self.path, FINGERPRINT_FILE), "w", encoding="utf-8") as handle:
                json.dump(fingerprint, handle)
        except OSError as error:
            self.remove()
            raise OutputError(self.path, error) from error

    def _fingerprint(self) -> dict[str, Any] | None:
        try:
            with open(os.path.join(self.path, FINGERPRINT_FILE), encoding="utf-8") as handle:
                stored: dict[str, Any] = json.load(handle)
                return stored
        except (OSError, ValueError):
            return None

    def part_path(self, index: int) -> str:
        return os.path.join(self.path, PART_PATTERN.format(index))

    def _read_part(self, index: int) -> Iterator[dict[str, Any]]:
        """The lines of one part as JSON objects, the header first."""
        with open(self.part_path(index), "rb") as raw, zstandard.ZstdDecompressor().stream_reader(raw) as reader:
            for line in io.BufferedReader(reader):  # type: ignore[arg-type]
                yield parse_json(line)

    def part_header(self, index: int) -> dict[str, Any]:
        return next(self._read_part(index))

    def has_part(self, index: int) -> bool:
        return os.path.exists(self.part_path(index))

    def part_count(self) -> int:
        """Committed parts: they are numbered from 0 without gaps."""
        count = 0
        while self.has_part(count):
            count += 1
        return count

    def committed(self) -> Committed:
        committed = Committed()
        records_read: dict[int, int] = {}
        skipped_read: dict[int, dict[str, int]] = {}
        for index in range(self.part_count()):
            header = self.part_header(index)
            records_read.update({int(file): count for file, count in header["files_read"].items()})
            skipped_read.update({int(file): skipped for file, skipped in header.get("files_skipped", {}).items()})
            committed = Committed(index + 1, header["records"], header["file"], header["file_records"], records_read, skipped_read)
        return committed

    def write_part(self, index: int, entries: list[Entry], header: dict[str, Any]) -> None:
        """Commit one part: all of it, or (killed meanwhile) nothing."""
        with JsonlWriter(self.part_path(index)) as writer:
            writer.write(header)
            for file, item in entries:
                writer.write({"file": file, **item_state(item)})

    def entries(self) -> Iterator[Entry]:
        """Every committed record, in input order."""
        for index in range(self.part_count()):
            yield from self.part_entries(index)

    def part_entries(self, index: int) -> Iterator[Entry]:
        lines = self._read_part(index)
        next(lines)  # the header
        for entry in lines:
            yield entry["file"], item_from_state(entry)

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class Spool(Generic[T]):
    """Values kept in a temporary file to be read again in order: all added first, then passes, one at a time.

    Pickled, not JSON: the file is this process's own scratch, never read by
    another version, and a JSON round trip (checkpoint parts, zstd) cost
    as much as reading the input again.

    >>> with Spool[str]() as spool:
    ...     passed = list(spool.kept(["a", "b"]))
    ...     list(spool.values()), list(spool.values())
    (['a', 'b'], ['a', 'b'])
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by __exit__
        self._pickler = pickle.Pickler(self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count = 0

    def add(self, value: T) -> None:
        self._pickler.dump(value)
        self._pickler.clear_memo()  # values are independent: no memo to grow
        self._count += 1

    def kept(self, values: Iterable[T]) -> Iterator[T]:
        """The values, each added to the spool as it passes."""
        for value in values:
            self.add(value)
            yield value

    def values(self) -> Iterator[T]:
        """Every value added so far, in order."""
        self._file.flush()
        self._file.seek(0)
        for _ in range(self._count):
            yield pickle.load(self._file)  # an Unpickler of its own each: one Unpickler's memo would keep them all

    def __enter__(self) -> Spool[T]:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._file.close()


def remove_abandoned_work() -> None:
    """Remove the stdout runs' work directories whose process is gone (killed: nothing else would ever remove them)."""
    for path in glob.glob(os.path.join(tempfile.gettempdir(), f"{STDOUT_WORK_PREFIX}*-*")):
        pid = os.path.basename(path).removeprefix(STDOUT_WORK_PREFIX).split("-")[0]
        if pid.isdigit() and not is_running(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
