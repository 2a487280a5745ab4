"""Typed errors: each names the record it concerns and the reason.

The library raises these; the CLI turns them into one clear line on stderr.
"""

from __future__ import annotations


class CleanewsError(Exception):
    """Base class for every error cleanews raises on purpose."""


class RecordError(CleanewsError):
    """One input record cannot be processed; the others can.

    ``source`` is where the record came from, e.g. ``"pages.jsonl:17"``.
    """

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class InputError(CleanewsError):
    """A whole input (file, glob, stream) cannot be read."""


class IndexFileError(CleanewsError):
    """A persistent index file cannot be opened or read (not an index, or damaged)."""


class IndexMismatchError(CleanewsError):
    """A persistent index was built with other settings than this run's."""


class ResumeError(CleanewsError):
    """A run cannot resume: its work directory belongs to a run with other inputs or settings."""


class RunInterrupted(CleanewsError):
    """The run was stopped (Ctrl-C); the message says what was written and how to go on."""


class OutputError(CleanewsError):
    """An output (the output file, rejects, a checkpoint) cannot be written: read-only, disk full..."""

    def __init__(self, path: str, error: OSError):
        super().__init__(f"cannot write {path}: {error.strerror or error}")
        self.path = path


class OutputClash(CleanewsError):
    """An output of a run would overwrite one of its inputs or another of its outputs (refused before any work)."""


class WorkerStartError(CleanewsError):
    """The worker processes that clean documents cannot start (the message says why and what to do)."""
