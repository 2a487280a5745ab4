"""Pipeline steps over iterators of records, and the run that folds them.

Each step takes an iterable of ``Document | Reject`` and yields the same kind,
so an ETL job can chain them freely::

    items = read_inputs(["pages.jsonl.gz"])
    items = clean_step(items, CleanConfig(), jobs=4)
    items = dedup_step(items, DedupConfig())
    for item in items: ...

Rejects pass through every step untouched, so nothing is lost on the way.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cleanews.clean import clean_document
from cleanews.clean.site import SiteConfig, site_boilerplate_step
from cleanews.config import CleanConfig, DedupConfig
from cleanews.dedup import Deduplicator
from cleanews.document import Cleaning, Document, Removal
from cleanews.io import Fields, Item, JsonlWriter, Reject, read_inputs
from cleanews.progress import ProgressBar, StageClock

Step = Callable[[Iterable[Item]], Iterator[Item]]
STAGES = ("read", "clean", "dedup", "write")  # as timed by run_corpus

# Documents handed to a worker process at a time: large enough to amortise
# pickling, small enough to keep all workers busy on a few hundred pages.
CHUNK_SIZE = 4


def clean_one(item: Item, config: CleanConfig) -> Item:
    """Clean a document; a document the extractor chokes on becomes a Reject."""
    if isinstance(item, Reject):
        return item
    try:
        return clean_document(item, config)
    # The extractor and parsers are third-party code that can raise anything
    # on a hostile page; one page must not end the run, so this is the one
    # place where any error becomes a named reject.
    except Exception as error:  # noqa: BLE001
        return Reject(item.source or item.id, f"cleaning failed: {type(error).__name__}: {error}", item.to_record())


class _Cleaner:
    """Picklable callable for worker processes (a lambda is not)."""

    def __init__(self, config: CleanConfig):
        self.config = config

    def __call__(self, item: Item) -> Item:
        return clean_one(item, self.config)


def clean_step(items: Iterable[Item], config: CleanConfig = CleanConfig(), jobs: int = 1) -> Iterator[Item]:
    """Clean documents, in ``jobs`` processes; the output order is the input order."""
    cleaner = _Cleaner(config)
    if jobs <= 1:
        yield from map(cleaner, items)
        return
    context = multiprocessing.get_context("spawn" if os.name == "nt" else "forkserver")
    with context.Pool(jobs) as pool:
        yield from pool.imap(cleaner, items, chunksize=CHUNK_SIZE)


def dedup_step(items: Iterable[Item], config: DedupConfig = DedupConfig(), drop_duplicates: bool = False) -> Iterator[Item]:
    """Annotate every document with its cluster (or keep representatives only).

    Clusters are known only when all documents are in, so documents wait in a
    temporary spool file on disk while their sketches are in memory.
    """
    dedup = Deduplicator(config)
    with tempfile.TemporaryFile("w+b") as spool:
        count = 0
        for item in items:
            if isinstance(item, Reject):
                yield item
                continue
            dedup.add(item.id, item.text)
            spool.write(json.dumps(document_state(item), ensure_ascii=False).encode("utf-8") + b"\n")
            count += 1
        assignments = dedup.assignments()
        spool.seek(0)
        for line, info in zip(spool, assignments, strict=True):
            if info.is_representative or not drop_duplicates:
                yield document_from_state(json.loads(line)).replace(dedup=info)


def document_state(doc: Document) -> dict[str, Any]:
    """Everything needed to rebuild a Document after the spool."""
    state = doc.to_record()
    state["_source"] = doc.source
    return state


def document_from_state(state: dict[str, Any]) -> Document:
    cleaning = state.pop("cleaning", None)
    state.pop("dedup", None)
    core = {name: state.pop(name, None) for name in ("id", "text", "title", "url", "date", "author")}
    source = state.pop("_source", "")
    return Document(
        **core,
        source=source,
        extra=state,
        cleaning=None if cleaning is None else Cleaning(
            removed=tuple(Removal(r["line"], r["rule"], r.get("position")) for r in cleaning["removed"]),
            encoding_repaired=cleaning["encoding_repaired"],
            source=cleaning["source"],
        ),
    )


@dataclass
class Stats:
    """Counts of a run, for the summary on stderr and ``--stats``."""

    records_in: int = 0
    records_out: int = 0
    rejected: int = 0
    duplicates_dropped: int = 0
    encoding_repaired: int = 0
    removed_by_rule: Counter[str] = field(default_factory=Counter)
    clusters: int = 0
    clusters_with_duplicates: int = 0
    characters_removed_by_rule: Counter[str] = field(default_factory=Counter)
    characters_out: int = 0
    cluster_sizes: Counter[int] = field(default_factory=Counter)  # documents in a cluster -> clusters of that size
    seconds_by_stage: dict[str, float] = field(default_factory=dict)
    seconds_total: float = 0.0

    def count_output(self, doc: Document) -> None:
        self.records_out += 1
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

    def to_dict(self) -> dict[str, Any]:
        """The counts as JSON-ready values (what ``--stats`` writes)."""
        return {
            "records_in": self.records_in,
            "records_out": self.records_out,
            "rejected": self.rejected,
            "duplicates_dropped": self.duplicates_dropped,
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
        }

    def summary(self) -> str:
        lines = [
            f"records in: {self.records_in}, out: {self.records_out}, rejected: {self.rejected}"
            + (f", duplicates dropped: {self.duplicates_dropped}" if self.duplicates_dropped else ""),
        ]
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

    ``clean``, ``site`` or ``dedup`` is None to skip that step; ``site``
    (lines recurring across a site's documents) runs only after cleaning.
    """

    inputs: tuple[str, ...]
    output: str = "-"
    fields: Fields = Fields()
    clean: CleanConfig | None = CleanConfig()
    site: SiteConfig | None = SiteConfig()
    dedup: DedupConfig | None = DedupConfig()
    drop_duplicates: bool = False
    jobs: int = 1


def run_corpus(config: RunConfig, on_reject: Callable[[Reject], None] = lambda reject: None,
               progress: ProgressBar | None = None) -> Stats:
    """Read, clean, deduplicate and write a corpus; return its counts.

    Every input record is accounted for: written, rejected (``on_reject``
    hears of it) or dropped as a duplicate. ``progress`` advances once per
    record through cleaning.
    """
    stats = Stats()
    clock = StageClock()
    started = time.perf_counter()

    def counted(items: Iterable[Item]) -> Iterator[Item]:
        for item in items:
            stats.records_in += 1
            yield item

    items = clock.timed("read", counted(read_inputs(list(config.inputs), config.fields)))
    if config.clean is not None:
        cleaned = clean_step(items, config.clean, jobs=config.jobs)
        if config.site is not None:
            cleaned = site_boilerplate_step(cleaned, config.site)
        items = clock.timed("clean", cleaned)
    if progress is not None:
        items = progress.track(items, then="clustering" if config.dedup is not None else "")
    if config.dedup is not None:
        items = clock.timed("dedup", dedup_step(items, config.dedup, drop_duplicates=config.drop_duplicates))
    with clock.stage("write"), JsonlWriter(config.output) as writer:
        for item in items:
            if isinstance(item, Reject):
                stats.rejected += 1
                on_reject(item)
            else:
                writer.write(item.to_record())
                stats.count_output(item)
    stats.duplicates_dropped = stats.records_in - stats.records_out - stats.rejected
    stats.seconds_by_stage = {stage: clock.seconds[stage] for stage in STAGES if stage in clock.seconds}
    stats.seconds_total = time.perf_counter() - started
    return stats
