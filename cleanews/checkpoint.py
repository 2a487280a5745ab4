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
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import zstandard

from cleanews.document import Cleaning, Document, Removal
from cleanews.errors import ResumeError
from cleanews.io import STDIN, Item, JsonlWriter, Reject

FINGERPRINT_FILE = "run.json"
PART_PATTERN = "part-{:06d}.jsonl.zst"
Entry = tuple[int, Item]  # (index of the input file, the record after the first stage)


@dataclass(frozen=True)
class Progress:
    """Where committed work ends: what a resumed run need not do again.

    The first stage resumes at input file ``file``, skipping its first
    ``file_records`` records; the records in files before it are counted in
    ``records_read`` (file index -> records read).
    """

    parts: int = 0
    records: int = 0  # records in the committed parts
    file: int = 0
    file_records: int = 0
    records_read: dict[int, int] = field(default_factory=dict)


class WorkDir:
    """The parts of one run, and its fingerprint."""

    def __init__(self, path: str):
        self.path = path

    @classmethod
    def for_output(cls, output: str) -> WorkDir:
        """Next to the output file; in a fresh temporary directory for stdout (no resume there)."""
        if output == STDIN:
            return cls(tempfile.mkdtemp(prefix="cleanews-work-"))
        directory, name = os.path.split(os.path.abspath(output))
        return cls(os.path.join(directory, f".{name}.cleanews-work"))

    def start(self, fingerprint: dict[str, Any], resume: bool) -> Progress:
        """Progress of an earlier run to resume, or a clean start (old work is removed)."""
        stored = self._fingerprint()
        if resume and stored is not None:
            if stored != fingerprint:
                changed = ", ".join(key for key in sorted(set(stored) | set(fingerprint)) if stored.get(key) != fingerprint.get(key))
                raise ResumeError(f"{self.path} holds the work of a run with other inputs or settings (changed: {changed}); "
                                  "run without --resume to start over")
            return self.progress()
        self.remove()
        os.makedirs(self.path)
        with open(os.path.join(self.path, FINGERPRINT_FILE), "w", encoding="utf-8") as handle:
            json.dump(fingerprint, handle)
        return Progress()

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
                yield json.loads(line)

    def part_count(self) -> int:
        """Committed parts: they are numbered from 0 without gaps."""
        count = 0
        while os.path.exists(self.part_path(count)):
            count += 1
        return count

    def progress(self) -> Progress:
        progress = Progress()
        records_read: dict[int, int] = {}
        for index in range(self.part_count()):
            header = next(self._read_part(index))
            records_read.update({int(file): count for file, count in header["files_read"].items()})
            progress = Progress(index + 1, header["records"], header["file"], header["file_records"], records_read)
        return progress

    def write_part(self, index: int, entries: list[Entry], header: dict[str, Any]) -> None:
        """Commit one part: all of it, or (killed meanwhile) nothing."""
        with JsonlWriter(self.part_path(index)) as writer:
            writer.write(header)
            for file, item in entries:
                if isinstance(item, Reject):
                    writer.write({"file": file, "reject": item.to_record()})
                else:
                    writer.write({"file": file, "doc": document_state(item)})

    def entries(self) -> Iterator[Entry]:
        """Every committed record, in input order."""
        for index in range(self.part_count()):
            lines = self._read_part(index)
            next(lines)  # the header
            for entry in lines:
                if "reject" in entry:
                    yield entry["file"], Reject.from_record(entry["reject"])
                else:
                    yield entry["file"], document_from_state(entry["doc"])

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def document_state(doc: Document) -> dict[str, Any]:
    """Everything a Document carries to the output, as JSON (its raw HTML is never written, so not kept)."""
    return {
        "id": doc.id, "text": doc.text, "title": doc.title, "url": doc.url, "date": doc.date, "author": doc.author,
        "source": doc.source, "extra": doc.extra, "cleaning": None if doc.cleaning is None else doc.cleaning.to_dict(),
    }


def document_from_state(state: dict[str, Any]) -> Document:
    cleaning = state.pop("cleaning")
    return Document(**state, cleaning=None if cleaning is None else Cleaning(
        removed=tuple(Removal(removal["line"], removal["rule"], removal.get("position")) for removal in cleaning["removed"]),
        encoding_repaired=cleaning["encoding_repaired"],
        source=cleaning["source"],
    ))
