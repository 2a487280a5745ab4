"""The local engine: the steps of ``steps.STEPS`` over a corpus in this machine's processes.

Stage 1 reads every record in input order, runs the document steps (in
``jobs`` worker processes, each document under the time limit) and commits
the results to a checkpoint (``checkpoint.py``) every ``checkpoint_every``
records, so a killed run can resume. Stage 2 runs the corpus steps over the
whole checkpoint, which is one partition here: each observes it, combines,
and the last pass applies them all while the records are written
(``stats.write_items``). A resumed run sees in stage 2 what an uninterrupted
one saw. A run without document steps (``cleanews dedup``) only reads in
stage 1: its records wait in a spool, not a checkpoint, and the first corpus
step observes them as they are read.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, replace
from functools import partial
from itertools import islice
from typing import Any, TypeVar

from cleanews.checkpoint import Committed, Spool, WorkDir
from cleanews.config import STDIN, RunConfig
from cleanews.document import Document, Item, Reject
from cleanews.errors import RunInterrupted
from cleanews.io import LOCAL, Files, Input, JsonlWriter, open_writer, read_path, run_inputs
from cleanews.progress import ProgressBar, StageClock
from cleanews.stats import Entry, FileStats, Stats, write_items
from cleanews.steps import STEPS, CorpusStep, Plan, StepKind, run_document_steps, tagged

T = TypeVar("T")
# As timed by run_corpus; checkpoints count as reading and writing.
STAGES = ("read", "clean", "dedup", "write")


@dataclass
class _Run:
    """What the stages of one run share."""

    config: RunConfig
    plan: Plan
    inputs: list[Input]
    stats: Stats
    on_reject: Callable[[Reject], None]
    clock: StageClock
    bar: ProgressBar | None
    interrupts: KeptInterrupts


class KeptInterrupts:
    """Ctrl-C raises KeyboardInterrupt as usual, and is remembered.

    Python drops an exception raised while a finaliser runs (a ``__del__``,
    a weakref callback), so a Ctrl-C landing there would be lost and the run
    would go on to the end; ``check`` raises it again. Only the main thread
    can own the handler; elsewhere (a library caller's thread) nothing changes.
    """

    def __init__(self) -> None:
        self.seen = False
        self.previous: Any = None

    def __enter__(self) -> KeptInterrupts:
        if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self.previous = signal.signal(signal.SIGINT, self._interrupted)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)

    def _interrupted(self, signum: int, frame: object) -> None:
        self.seen = True
        raise KeyboardInterrupt

    def check(self) -> None:
        if self.seen:
            raise KeyboardInterrupt

    def checked(self, items: Iterable[T]) -> Iterator[T]:
        for item in items:
            self.check()
            yield item


Stored = Callable[[], Iterator[Entry]]  # every record stage 1 kept, in input order
Decided = list[tuple[CorpusStep[Any, Any], Any]]  # the corpus steps, each with its decision


def run_corpus(config: RunConfig, on_reject: Callable[[Reject], None] = lambda reject: None,
               progress: ProgressBar | None = None, step_list: Sequence[StepKind] = STEPS) -> Stats:
    """Read, clean, deduplicate and write a corpus; return its counts.

    Every input record is accounted for, per input file: written, rejected
    (``on_reject`` hears of it when it happens; ``config.rejects`` gets it)
    or dropped as a duplicate. ``progress`` advances once per record through
    the document steps. ``step_list`` is the steps to take (``steps.STEPS``).
    Ctrl-C raises RunInterrupted, whose message says what was written.
    """
    started = time.perf_counter()
    plan = Plan.of(config, step_list)
    skipped: list[str] = []
    inputs = run_inputs(config, on_skip=skipped.append)
    stats = Stats(files=[FileStats(found.path) for found in inputs], files_skipped=len(skipped))
    with KeptInterrupts() as interrupts:
        run = _Run(config, plan, inputs, stats, on_reject, StageClock(), progress, interrupts)
        if plan.document_steps:
            checkpointed(run)
        else:
            spooled(run)
    run.stats.seconds_by_stage = {stage: run.clock.seconds[stage] for stage in STAGES if stage in run.clock.seconds}
    run.stats.seconds_total = time.perf_counter() - started
    return run.stats


def checkpointed(run: _Run) -> None:
    """The two stages with a checkpoint between them: what the document steps did survives a kill (``--resume``)."""
    config = run.config
    work = WorkDir.for_output(config.output)
    work.start(fingerprint(config, run.plan, run.inputs), config.resume)
    stage, finished = "cleaning", False
    try:
        checkpoint_records(run, work)
        run.interrupts.check()
        stage = "writing the output"
        write_outputs(run, work.entries, decide(run, work.entries))
        finished = True
    except KeyboardInterrupt:
        raise RunInterrupted(interruption_message(config, work, stage)) from None
    finally:
        if finished or config.output == STDIN:  # kept for --resume otherwise
            work.remove()


def spooled(run: _Run) -> None:
    """The two stages of a run without document steps: stage 1 only reads, so its records wait in a spool.

    The first corpus step observes the records as they are read: the input
    is read once. A killed run has nothing to resume; it is run again.
    """
    stage = "reading"
    try:
        with Spool[Entry]() as spool:
            fresh = spool.kept(processed(run, Committed(), lambda file, records, skipped: run.stats.count_read(file, records, skipped)))
            decided = decide(run, spool.values, fresh)
            run.interrupts.check()
            stage = "writing the output"
            write_outputs(run, spool.values, decided)
    except KeyboardInterrupt:
        raise RunInterrupted(interruption_message(run.config, None, stage)) from None


def fingerprint(config: RunConfig, plan: Plan, inputs: list[Input], files: Files = LOCAL) -> dict[str, Any]:
    """What the checkpointed records depend on: the inputs as they are now and their names, how they are read, the document steps.

    ``jobs`` and ``time_limit`` are left out: a resumed run may change them
    (records already done keep their results).
    """
    return {
        "format": 1,
        "inputs": [files.signature(path) if path != STDIN else [STDIN, None, None] for path, _ in inputs],
        "names": [name for _, name in inputs],
        "fields": asdict(config.fields),
        "limits": asdict(config.limits),
        **plan.settings(),
    }


def checkpoint_records(run: _Run, work: WorkDir) -> None:
    """Stage 1: read every record not yet done and run the document steps, committing a part every ``checkpoint_every``."""
    config, stats, done = run.config, run.stats, work.committed()
    for file, records in done.records_read.items():
        if file < done.file:
            stats.count_read(file, records, done.skipped_read.get(file))
    stats.resumed = done.records
    files_read: dict[int, int] = {}  # since the last part
    files_skipped: dict[int, dict[str, int]] = {}

    def on_file_read(file: int, records: int, skipped: Counter[str]) -> None:
        stats.count_read(file, records, skipped)
        files_read[file] = records
        if skipped:
            files_skipped[file] = dict(skipped)

    for part in batched(processed(run, done, on_file_read), config.checkpoint_every):
        done = advance(done, part)
        with run.clock.stage("write"):
            work.write_part(done.parts - 1, part, {"records": done.records, "file": done.file,
                                                   "file_records": done.file_records, "files_read": dict(files_read),
                                                   "files_skipped": dict(files_skipped)})
        files_read.clear()
        files_skipped.clear()


def processed(run: _Run, done: Committed, on_file_read: Callable[[int, int, Counter[str]], None]) -> Iterator[Entry]:
    """The records after ``done``, through the document steps, each reject announced, the bar advanced."""
    config = run.config
    entries: Iterator[Entry] = run.clock.timed("read", read_from(run.inputs, done, config, on_file_read))
    if run.plan.document_steps:
        steps = run.plan.document_steps
        entries = run.clock.timed("clean", tagged(lambda items: run_document_steps(items, steps, config.jobs, config.time_limit),
                                                  entries))
    entries = run.interrupts.checked(announced(entries, run.on_reject))
    if run.bar is not None:
        run.bar.advance(done.records)
        entries = run.bar.track(entries, then="clustering" if run.plan.corpus_steps else "")
    return entries


def announced(entries: Iterable[Entry], on_reject: Callable[[Reject], None]) -> Iterator[Entry]:
    """The entries, telling ``on_reject`` of each reject as it passes (not when its part is committed)."""
    for entry in entries:
        if isinstance(entry[1], Reject):
            on_reject(entry[1])
        yield entry


def advance(committed: Committed, part: list[Entry]) -> Committed:
    """What is committed once ``part`` is (``records_read`` is left as loaded: this run counts anew)."""
    file, file_records = committed.file, committed.file_records
    for entry_file, _ in part:
        file_records = file_records + 1 if entry_file == file else 1
        file = entry_file
    return replace(committed, parts=committed.parts + 1, records=committed.records + len(part), file=file, file_records=file_records)


def read_from(inputs: list[Input], committed: Committed, config: RunConfig,
              on_file_read: Callable[[int, int, Counter[str]], None]) -> Iterator[Entry]:
    """The records of every input from where ``committed`` ends, tagged with their file's index.

    The file where the earlier run stopped is read again from its start, so
    that its count is whole, but its first ``committed.file_records`` records
    are not handed on: they are in the checkpoint.
    """
    for file in range(committed.file, len(inputs)):
        skip = committed.file_records if file == committed.file else 0
        count, skipped = 0, Counter[str]()
        path, name = inputs[file]
        for item in read_path(path, config.fields, config.limits, skipped=skipped, name=name):
            count += 1
            if count > skip:
                yield file, item
        on_file_read(file, count, skipped)


def decide(run: _Run, stored: Stored, fresh: Iterator[Entry] | None = None) -> Decided:
    """The corpus steps' decisions: each observes the ``stored`` records with the steps before it applied.

    ``fresh``: the records as stage 1 stores them, for the first step to
    observe on the way (drained to the store when no step takes them).
    """
    decided: Decided = []
    for step in run.plan.corpus_steps:
        entries = fresh if fresh is not None and not decided else applied(run, stored, decided)
        docs = (item for _, item in entries if isinstance(item, Document))
        with run.clock.stage(step.stage):
            state = step.observe(docs)
            (decision,) = step.combine([state])
        decided.append((step, decision))
    for _ in fresh or ():  # what no step observed: the rejects after the last document, or every record
        pass
    return decided


def write_outputs(run: _Run, stored: Stored, decided: Decided) -> None:
    """Stage 2: the ``decided`` corpus steps applied to the stored records, written to the output and rejects files."""
    config = run.config
    rejects_file = JsonlWriter(config.rejects) if config.rejects is not None else nullcontext(None)
    with rejects_file as rejects, open_writer(config.output) as output:
        entries = applied(run, stored, decided, run.on_reject)
        with run.clock.stage("write"):
            write_items(entries, output, rejects, run.stats, config.drop_duplicates)


def applied(run: _Run, stored: Stored, decided: Decided, on_reject: Callable[[Reject], None] = lambda reject: None) -> Iterator[Entry]:
    """The ``stored`` records with the ``decided`` corpus steps applied; ``on_reject`` hears of the rejects they make."""
    entries: Iterator[tuple[tuple[int, bool], Item]] = (
        ((file, isinstance(item, Reject)), item) for file, item in run.clock.timed("read", stored()))
    for step, decision in decided:
        entries = run.clock.timed(step.stage, tagged(partial(step.apply, decision=decision), entries))
    for (file, was_reject), item in entries:
        if isinstance(item, Reject) and not was_reject:
            on_reject(item)
        yield file, item


def interruption_message(config: RunConfig, work: WorkDir | None, stage: str) -> str:
    """What an interrupted run wrote, and how to go on (``work``: its checkpoint, when it keeps one)."""
    if config.output == STDIN:
        return f"interrupted while {stage}: the output on stdout is incomplete"
    unchanged = " (the earlier file is left as it was)" if os.path.exists(config.output) else ""
    written = f"interrupted while {stage}: {config.output} was not written{unchanged}"
    if work is None:
        return f"{written}; a run that does not clean keeps no checkpoint: run the same command again"
    return (f"{written}; {work.committed().records} records are done and kept in {work.path}; "
            "run the same command with --resume to go on")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` consecutive items (the last may be shorter)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
