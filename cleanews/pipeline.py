"""Pipeline steps over iterators of records, and the corpus run that chains them.

Each step takes an iterable of ``Document | Reject`` and yields the same kind,
so an ETL job can chain them freely::

    items = read_inputs(["pages.jsonl.gz"])
    items = clean_step(items, CleanConfig(), jobs=4, time_limit=5)
    items = dedup_step(items, DedupConfig())
    for item in items: ...

Rejects pass through every step untouched, so nothing is lost on the way.

``run_corpus`` is the whole run behind the command line: it checkpoints the
cleaned records (``checkpoint.py``) so a killed run can resume, writes the
outputs atomically, and accounts for every record of every input file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field, replace
from itertools import islice
from typing import Any, TypeVar

from cleanews.checkpoint import (
    Entry,
    Progress,
    WorkDir,
    document_from_state,
    document_state,
)
from cleanews.clean import clean_document
from cleanews.clean.site import SiteConfig, count_sites, site_boilerplate_step
from cleanews.config import CleanConfig, DedupConfig
from cleanews.dedup import DedupIndex, Deduplicator, IdConflict
from cleanews.document import Document
from cleanews.errors import RunInterrupted
from cleanews.io import (
    STDIN,
    Fields,
    Item,
    JsonlWriter,
    Reject,
    expand_inputs,
    read_path,
)
from cleanews.progress import ProgressBar, StageClock
from cleanews.streams import ReadLimits
from cleanews.workers import Failure, ordered_map

Step = Callable[[Iterable[Item]], Iterator[Item]]
Tag = TypeVar("Tag")
# As timed by run_corpus; checkpoints count as reading and writing.
STAGES = ("read", "clean", "dedup", "write")

# Seconds one document may take to clean. On the 297 benchmark pages under
# /work/shared/data/clean the slowest took 1.05 s (median 0.02 s) on one core
# of the 2-core dev machine: five times that leaves room for a loaded machine.
DEFAULT_TIME_LIMIT = 5.0
# Records per checkpoint part: about half a minute of HTML cleaning on two
# cores, so a killed run loses little; parts stay a few MB.
DEFAULT_CHECKPOINT_EVERY = 1000


def clean_one(item: Item, config: CleanConfig) -> Item:
    """Clean a document; one the extractor chokes on, or with no text left, becomes a Reject."""
    if isinstance(item, Reject):
        return item
    try:
        cleaned = clean_document(item, config)
    # The extractor and parsers are third-party code that can raise anything
    # on a hostile page; one page must not end the run, so this is the one
    # place where any error becomes a named reject.
    except Exception as error:  # noqa: BLE001
        return reject_document(item, f"cleaning failed: {type(error).__name__}: {error}")
    if not cleaned.text.strip():
        is_html = cleaned.cleaning is not None and cleaned.cleaning.source == "html"
        return reject_document(item, "no article text found in the page" if is_html else "no text left after cleaning")
    return cleaned


def reject_document(doc: Document, reason: str) -> Reject:
    """A Reject that keeps the document's input record: its fields, and the page when it had one."""
    record = doc.to_record()
    if doc.html is not None:
        record["html"] = doc.html
    return Reject(doc.source or doc.id, reason, record, doc.id)


class _Cleaner:
    """Picklable callable for worker processes (a lambda is not)."""

    def __init__(self, config: CleanConfig):
        self.config = config

    def __call__(self, item: Item) -> Item:
        return clean_one(item, self.config)


def clean_step(items: Iterable[Item], config: CleanConfig = CleanConfig(), jobs: int = 1,
               time_limit: float | None = None) -> Iterator[Item]:
    """Clean documents in ``jobs`` processes; the output order is the input order.

    With ``time_limit`` (seconds) each document is cleaned in a worker
    process and one that takes longer becomes a Reject ("timed out"), as does
    one whose worker dies. Without it and with one job, cleaning runs here.
    """
    for item, result in ordered_map(_Cleaner(config), items, jobs, time_limit):
        if isinstance(result, Failure):
            yield item if isinstance(item, Reject) else reject_document(item, result.reason)
        else:
            yield result


def dedup_step(items: Iterable[Item], config: DedupConfig = DedupConfig(), drop_duplicates: bool = False,
               index: str | None = None) -> Iterator[Item]:
    """Annotate every document with its cluster (or keep representatives only).

    Clusters are known only when all documents are in, so documents wait in a
    temporary spool file on disk while only their sketches (about 1 KB each)
    are in memory. With ``index`` (a SQLite file path), the documents are
    deduplicated against earlier runs' and then added to it; a document
    whose id the index holds with another text becomes a Reject.
    """
    with contextlib.ExitStack() as stack:
        store = stack.enter_context(DedupIndex(index, config)) if index is not None else None
        dedup = Deduplicator(config, store)
        spool = stack.enter_context(tempfile.TemporaryFile("w+b"))
        for item in items:
            if isinstance(item, Reject):
                yield item
                continue
            dedup.add(item.id, item.text)
            spool.write(json.dumps(document_state(item)).encode("ascii") + b"\n")
        assignments = dedup.assignments()
        spool.seek(0)
        for line, assignment in zip(spool, assignments, strict=True):
            doc = document_from_state(json.loads(line))
            if isinstance(assignment, IdConflict):
                yield reject_document(doc, assignment.reason)
            elif assignment.is_representative or not drop_duplicates:
                yield doc.replace(dedup=assignment)


def tagged(step: Step, pairs: Iterable[tuple[Tag, Item]]) -> Iterator[tuple[Tag, Item]]:
    """Run a one-to-one, order-keeping step over the items of ``(tag, item)`` pairs, keeping the tags."""
    tags: deque[Tag] = deque()

    def items() -> Iterator[Item]:
        for tag, item in pairs:
            tags.append(tag)
            yield item

    for result in step(items()):
        yield tags.popleft(), result


@dataclass
class FileStats:
    """Where the records of one input file went: in = out + rejected + duplicates dropped."""

    path: str
    records_in: int = 0
    records_out: int = 0
    rejected: int = 0
    duplicates_dropped: int = 0

    @property
    def balanced(self) -> bool:
        return self.records_in == self.records_out + self.rejected + self.duplicates_dropped


@dataclass
class Stats:
    """Counts of a run, in total and per input file, for the summary on stderr and ``--stats``.

    ``resumed`` records came from the checkpoint of an earlier, interrupted run.
    """

    records_in: int = 0
    records_out: int = 0
    rejected: int = 0
    duplicates_dropped: int = 0
    resumed: int = 0
    encoding_repaired: int = 0
    removed_by_rule: Counter[str] = field(default_factory=Counter)
    clusters: int = 0
    clusters_with_duplicates: int = 0
    characters_removed_by_rule: Counter[str] = field(default_factory=Counter)
    characters_out: int = 0
    cluster_sizes: Counter[int] = field(default_factory=Counter)  # documents in a cluster -> clusters of that size
    seconds_by_stage: dict[str, float] = field(default_factory=dict)
    seconds_total: float = 0.0
    files: list[FileStats] = field(default_factory=list)

    def count_read(self, file: int, records: int) -> None:
        self.records_in += records - self.files[file].records_in
        self.files[file].records_in = records

    def count_reject(self, file: int) -> None:
        self.rejected += 1
        self.files[file].rejected += 1

    def count_dropped(self, file: int) -> None:
        self.duplicates_dropped += 1
        self.files[file].duplicates_dropped += 1

    def count_output(self, file: int, doc: Document) -> None:
        self.records_out += 1
        self.files[file].records_out += 1
        self.characters_out += len(doc.text)
        if doc.cleaning is not None:
            self.encoding_repaired += doc.cleaning.encoding_repaired
            for removal in doc.cleaning.removed:
                self.removed_by_rule[removal.rule] += 1
                self.characters_removed_by_rule[removal.rule] += len(removal.line)
        if doc.dedup is not None and doc.dedup.is_representative:
            self.clusters += 1
            self.clusters_with_duplicates += doc.dedup.cluster_size > 1
            self.cluster_sizes[doc.dedup.cluster_size] += 1

    def unbalanced(self) -> list[FileStats]:
        """Input files whose records do not all add up (never, unless cleanews has a bug)."""
        return [stats for stats in self.files if not stats.balanced]

    def to_dict(self) -> dict[str, Any]:
        """The counts as JSON-ready values (what ``--stats`` writes)."""
        return {
            "records_in": self.records_in,
            "records_out": self.records_out,
            "rejected": self.rejected,
            "duplicates_dropped": self.duplicates_dropped,
            "resumed": self.resumed,
            "encoding_repaired": self.encoding_repaired,
            "lines_removed": sum(self.removed_by_rule.values()),
            "lines_removed_by_rule": dict(self.removed_by_rule.most_common()),
            "characters_removed": sum(self.characters_removed_by_rule.values()),
            "characters_removed_by_rule": dict(self.characters_removed_by_rule.most_common()),
            "characters_out": self.characters_out,
            "clusters": self.clusters,
            "clusters_with_duplicates": self.clusters_with_duplicates,
            "cluster_sizes": {str(size): count for size, count in sorted(self.cluster_sizes.items())},
            "seconds_by_stage": {stage: round(seconds, 3) for stage, seconds in self.seconds_by_stage.items()},
            "seconds_total": round(self.seconds_total, 3),
            "files": [asdict(stats) for stats in self.files],
        }

    def summary(self) -> str:
        lines = [
            f"records in: {self.records_in}, out: {self.records_out}, rejected: {self.rejected}"
            + (f", duplicates dropped: {self.duplicates_dropped}" if self.duplicates_dropped else ""),
        ]
        if self.resumed:
            lines.append(f"resumed: {self.resumed} records were already done by the interrupted run")
        if self.removed_by_rule:
            rules = ", ".join(f"{rule} {n}" for rule, n in self.removed_by_rule.most_common())
            lines.append(f"lines removed: {sum(self.removed_by_rule.values())} ({rules})")
            removed = sum(self.characters_removed_by_rule.values())
            lines.append(f"characters removed: {removed:,} ({removed / max(1, removed + self.characters_out):.1%} of the text)")
        if self.encoding_repaired:
            lines.append(f"encoding repaired in {self.encoding_repaired} documents")
        if self.clusters:
            sizes = ", ".join(f"{size}: {n}" for size, n in sorted(self.cluster_sizes.items()))
            lines.append(f"clusters: {self.clusters} ({self.clusters_with_duplicates} with duplicates; clusters by size {sizes})")
        if self.seconds_total:
            stages = ", ".join(f"{stage} {seconds_text(seconds)}" for stage, seconds in self.seconds_by_stage.items())
            rate = self.records_in / self.seconds_total
            lines.append(f"time: {seconds_text(self.seconds_total)} s ({stages}), {rate:,.1f} records/s")
        return "\n".join(lines)


def seconds_text(seconds: float) -> str:
    """Two significant decimals for short times, one for long ones."""
    return f"{seconds:.2f}" if seconds < 10 else f"{seconds:.1f}"


@dataclass(frozen=True)
class RunConfig:
    """One corpus run: which steps, on what, into where.

    - ``clean``, ``site`` or ``dedup`` is None to skip that step; ``site``
      (lines recurring across a site's documents) runs only after cleaning.
    - ``rejects``: a JSONL file for rejected records (source, id, reason, record).
    - ``time_limit``: seconds one document may take to clean (None: no limit).
    - ``resume``: reuse the checkpoint of an interrupted run with the same
      inputs and settings (needs an output file, not stdout, and no stdin input).
    - ``checkpoint_every``: records per checkpoint part.
    - ``index``: a persistent dedup index (SQLite file): deduplicate against
      earlier runs, then add this run's documents to it.
    """

    inputs: tuple[str, ...]
    output: str = STDIN
    rejects: str | None = None
    fields: Fields = Fields()
    limits: ReadLimits = ReadLimits()
    clean: CleanConfig | None = CleanConfig()
    site: SiteConfig | None = SiteConfig()
    dedup: DedupConfig | None = DedupConfig()
    drop_duplicates: bool = False
    index: str | None = None  # persistent dedup index (SQLite file) shared by runs
    jobs: int = 1
    time_limit: float | None = DEFAULT_TIME_LIMIT
    resume: bool = False
    checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY

    def __post_init__(self) -> None:
        if self.resume and (self.output == STDIN or STDIN in self.inputs):
            raise ValueError("--resume needs an output file (-o FILE) and input files, not stdin or stdout")
        if self.rejects is not None and self.rejects == self.output:
            raise ValueError("the rejects file must not be the output file")
        if self.time_limit is not None and self.time_limit <= 0:
            raise ValueError(f"time_limit must be positive seconds or None, not {self.time_limit}")
        if self.jobs < 1 or self.checkpoint_every < 1:
            raise ValueError("jobs and checkpoint_every must be at least 1")


@dataclass
class _Run:
    """What the stages of one run share."""

    config: RunConfig
    paths: list[str]
    work: WorkDir
    stats: Stats
    on_reject: Callable[[Reject], None]
    clock: StageClock
    bar: ProgressBar | None


def run_corpus(config: RunConfig, on_reject: Callable[[Reject], None] = lambda reject: None,
               progress: ProgressBar | None = None) -> Stats:
    """Read, clean, deduplicate and write a corpus; return its counts.

    Every input record is accounted for, per input file: written, rejected
    (``on_reject`` hears of it when it happens; ``config.rejects`` gets it)
    or dropped as a duplicate. ``progress`` advances once per record through
    cleaning. Ctrl-C raises RunInterrupted, whose message says what was
    written.
    """
    started = time.perf_counter()
    paths = expand_inputs(list(config.inputs))
    work = WorkDir.for_output(config.output)
    run = _Run(config, paths, work, Stats(files=[FileStats(path) for path in paths]), on_reject, StageClock(), progress)
    done = work.start(fingerprint(config, paths), config.resume)
    stage, finished = ("cleaning" if config.clean is not None else "reading"), False
    try:
        checkpoint_records(run, done)
        stage = "writing the output"
        write_outputs(run)
        finished = True
    except KeyboardInterrupt:
        raise RunInterrupted(interruption_message(config, work, stage)) from None
    finally:
        if finished or config.output == STDIN:  # kept for --resume otherwise
            work.remove()
    run.stats.seconds_by_stage = {stage: run.clock.seconds[stage] for stage in STAGES if stage in run.clock.seconds}
    run.stats.seconds_total = time.perf_counter() - started
    return run.stats


def fingerprint(config: RunConfig, paths: list[str]) -> dict[str, Any]:
    """What the checkpointed records depend on: the inputs as they are now, and how they are read and cleaned.

    ``jobs`` and ``time_limit`` are left out: a resumed run may change them
    (records already done keep their results).
    """
    inputs = []
    for path in paths:
        status = os.stat(path) if path != STDIN else None
        inputs.append([os.path.abspath(path), status and status.st_size, status and status.st_mtime_ns])
    return {
        "format": 1,
        "inputs": inputs,
        "fields": asdict(config.fields),
        "limits": asdict(config.limits),
        "clean": None if config.clean is None else asdict(config.clean),
    }


def checkpoint_records(run: _Run, done: Progress) -> None:
    """First stage: read and clean every record not yet ``done``, committing a part every ``checkpoint_every``."""
    config, stats = run.config, run.stats
    for file, records in done.records_read.items():
        if file < done.file:
            stats.count_read(file, records)
    stats.resumed = done.records
    files_read: dict[int, int] = {}  # since the last part

    def on_file_read(file: int, records: int) -> None:
        stats.count_read(file, records)
        files_read[file] = records

    entries: Iterator[Entry] = run.clock.timed("read", read_from(run.paths, done, config, on_file_read))
    if config.clean is not None:
        clean = config.clean
        entries = run.clock.timed("clean", tagged(lambda items: clean_step(items, clean, config.jobs, config.time_limit), entries))
    entries = announced(entries, run.on_reject)
    if run.bar is not None:
        run.bar.advance(done.records)
        entries = run.bar.track(entries, then="clustering" if config.dedup is not None else "")
    for part in batched(entries, config.checkpoint_every):
        done = advance(done, part)
        with run.clock.stage("write"):
            run.work.write_part(done.parts - 1, part, {"records": done.records, "file": done.file,
                                                       "file_records": done.file_records, "files_read": dict(files_read)})
        files_read.clear()


def announced(entries: Iterable[Entry], on_reject: Callable[[Reject], None]) -> Iterator[Entry]:
    """The entries, telling ``on_reject`` of each reject as it passes (not when its part is committed)."""
    for entry in entries:
        if isinstance(entry[1], Reject):
            on_reject(entry[1])
        yield entry


def advance(progress: Progress, part: list[Entry]) -> Progress:
    """Progress once ``part`` is committed (``records_read`` is left as loaded: this run counts anew)."""
    file, file_records = progress.file, progress.file_records
    for entry_file, _ in part:
        file_records = file_records + 1 if entry_file == file else 1
        file = entry_file
    return replace(progress, parts=progress.parts + 1, records=progress.records + len(part), file=file, file_records=file_records)


def read_from(paths: list[str], progress: Progress, config: RunConfig,
              on_file_read: Callable[[int, int], None]) -> Iterator[Entry]:
    """The records of every input from where ``progress`` ends, tagged with their file's index.

    The file where the earlier run stopped is read again from its start, so
    that its count is whole, but its first ``progress.file_records`` records
    are not handed on: they are in the checkpoint.
    """
    for file in range(progress.file, len(paths)):
        skip = progress.file_records if file == progress.file else 0
        count = 0
        for item in read_path(paths[file], config.fields, config.limits):
            count += 1
            if count > skip:
                yield file, item
        on_file_read(file, count)


def write_outputs(run: _Run) -> None:
    """Second stage: over the checkpointed records, the site step and dedup, then the rejects and output files.

    Both steps look at all documents before them, so they run here, on the
    whole checkpoint, where a resumed run sees what an uninterrupted one saw.
    """
    config, stats = run.config, run.stats
    rejects_file = JsonlWriter(config.rejects) if config.rejects is not None else nullcontext(None)
    with rejects_file as rejects:
        with run.clock.stage("write"):
            for file, item in run.work.entries():
                if isinstance(item, Reject):
                    stats.count_reject(file)
                    if rejects is not None:
                        rejects.write(item.to_record())
        docs: Iterator[Entry] = (entry for entry in run.clock.timed("read", run.work.entries()) if isinstance(entry[1], Document))
        if config.clean is not None and config.site is not None:
            with run.clock.stage("clean"):
                stored = (doc for _, doc in run.work.entries() if isinstance(doc, Document))
                templates = count_sites(stored).templates(config.site)
            docs = run.clock.timed("clean", tagged(lambda items: site_boilerplate_step(items, templates), docs))
        if config.dedup is not None:
            dedup = config.dedup
            docs = run.clock.timed("dedup", tagged(lambda items: dedup_step(items, dedup, index=config.index), docs))
        with run.clock.stage("write"), JsonlWriter(config.output) as output:
            for file, doc in docs:
                if isinstance(doc, Reject):  # dedup rejects an id the index holds with another text
                    stats.count_reject(file)
                    run.on_reject(doc)
                    if rejects is not None:
                        rejects.write(doc.to_record())
                    continue
                if config.drop_duplicates and doc.dedup is not None and not doc.dedup.is_representative:
                    stats.count_dropped(file)
                    continue
                output.write(doc.to_record())
                stats.count_output(file, doc)


def interruption_message(config: RunConfig, work: WorkDir, stage: str) -> str:
    if config.output == STDIN:
        return f"interrupted while {stage}: the output on stdout is incomplete"
    unchanged = " (the earlier file is left as it was)" if os.path.exists(config.output) else ""
    return (f"interrupted while {stage}: {config.output} was not written{unchanged}; "
            f"{work.progress().records} records are done and kept in {work.path}; "
            "run the same command with --resume to go on")


def batched(items: Iterable[Tag], size: int) -> Iterator[list[Tag]]:
    """Lists of ``size`` consecutive items (the last may be shorter)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
