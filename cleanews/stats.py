"""A run's counts, and the one place that decides where each record goes: output, rejects, or dropped.

Both engines route their records through ``write_items`` and add up their
partitions' counts with ``Stats.merge``, so they count alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Protocol

from cleanews.document import Document, Item, Reject

Entry = tuple[int, Item]  # (index of the input file, a record)


@dataclass
class FileStats:
    """Where the records of one input file went: in = out + rejected + duplicates dropped."""

    path: str
    records_in: int = 0
    records_out: int = 0
    rejected: int = 0
    duplicates_dropped: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # WARC records that are no pages, by reason

    @property
    def balanced(self) -> bool:
        return self.records_in == self.records_out + self.rejected + self.duplicates_dropped


@dataclass
class Stats:
    """Counts of a run, in total and per input file, for the summary on stderr and ``--stats``.

    ``resumed`` records came from the checkpoint of an earlier, interrupted
    run. ``skipped`` WARC records (requests, redirects, images...) were never
    records: they are counted by reason, apart from ``records_in``. A new count is a field here (integers and Counters add up in
    ``merge`` and appear in ``to_dict`` by themselves) and a line where it is counted.
    """

    records_in: int = 0
    records_out: int = 0
    rejected: int = 0
    duplicates_dropped: int = 0
    resumed: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    files_skipped: int = 0  # files in input directories and globs that cleanews does not read
    encoding_repaired: int = 0
    lines_removed_by_rule: Counter[str] = field(default_factory=Counter)
    characters_out: int = 0
    characters_removed_by_rule: Counter[str] = field(default_factory=Counter)
    clusters: int = 0
    clusters_with_duplicates: int = 0
    cluster_sizes: Counter[int] = field(default_factory=Counter)  # documents in a cluster -> clusters of that size
    seconds_by_stage: dict[str, float] = field(default_factory=dict)
    seconds_total: float = 0.0
    files: list[FileStats] = field(default_factory=list)

    def count_read(self, file: int, records: int, skipped: Counter[str] | dict[str, int] | None = None) -> None:
        """The records (and skipped WARC records) of a whole file: set, not added, since a resumed run reads a file again."""
        stats = self.files[file]
        self.records_in += records - stats.records_in
        stats.records_in = records
        self.skipped.subtract(stats.skipped)
        stats.skipped = Counter(skipped or {})
        self.skipped.update(stats.skipped)
        self.skipped = +self.skipped  # no reasons counted down to zero

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
                self.lines_removed_by_rule[removal.rule] += 1
                self.characters_removed_by_rule[removal.rule] += len(removal.line)
        if doc.dedup is not None and doc.dedup.is_representative:
            self.clusters += 1
            self.clusters_with_duplicates += doc.dedup.cluster_size > 1
            self.cluster_sizes[doc.dedup.cluster_size] += 1

    def merge(self, other: Stats) -> Stats:
        """Add ``other``'s counts (another partition's) to these; its files follow these files."""
        for name in (item.name for item in fields(self)):
            mine, theirs = getattr(self, name), getattr(other, name)
            if isinstance(mine, Counter):
                mine.update(theirs)
            elif isinstance(mine, list):
                mine.extend(theirs)
            elif isinstance(mine, dict):
                for key, value in theirs.items():
                    mine[key] = mine.get(key, 0) + value
            else:
                setattr(self, name, mine + theirs)
        return self

    def unbalanced(self) -> list[FileStats]:
        """Input files whose records do not all add up (never, unless cleanews has a bug)."""
        return [stats for stats in self.files if not stats.balanced]

    def to_dict(self) -> dict[str, Any]:
        """The counts as JSON-ready values (what ``--stats`` writes)."""
        values: dict[str, Any] = {}
        for name in (item.name for item in fields(self)):
            value = getattr(self, name)
            if name.endswith("_by_rule"):
                values[name.removesuffix("_by_rule")] = sum(value.values())
                value = dict(value.most_common())
            elif name == "cluster_sizes":
                value = {str(size): count for size, count in sorted(value.items())}
            elif name == "seconds_by_stage":
                value = {stage: round(seconds, 3) for stage, seconds in value.items()}
            elif name == "files":
                value = [asdict(stats) | {"skipped": dict(stats.skipped.most_common())} for stats in value]
            elif name == "skipped":
                value = dict(value.most_common())
            elif isinstance(value, float):
                value = round(value, 3)
            values[name] = value
        return values

    def summary(self) -> str:
        lines = [
            f"records in: {self.records_in}, out: {self.records_out}, rejected: {self.rejected}"
            + (f", duplicates dropped: {self.duplicates_dropped}" if self.duplicates_dropped else "")
            + (f"; skipped {self.skipped.total()} WARC records that are no pages ("
               + ", ".join(f"{reason} {n}" for reason, n in self.skipped.most_common()) + ")" if self.skipped else ""),
        ]
        if self.files_skipped:
            lines.append(f"skipped {plural(self.files_skipped, 'file')} of the input directories and globs: "
                         f"not a kind cleanews reads")
        if self.resumed:
            lines.append(f"resumed: {self.resumed} records were already done by the interrupted run")
        if self.lines_removed_by_rule:
            rules = ", ".join(f"{rule} {n}" for rule, n in self.lines_removed_by_rule.most_common())
            lines.append(f"lines removed: {sum(self.lines_removed_by_rule.values())} ({rules})")
            removed = sum(self.characters_removed_by_rule.values())
            lines.append(f"characters removed: {removed:,} ({removed / max(1, removed + self.characters_out):.1%} of the text)")
        if self.encoding_repaired:
            lines.append(f"encoding repaired in {plural(self.encoding_repaired, 'document')}")
        if self.clusters:
            sizes = ", ".join(f"{size}: {n}" for size, n in sorted(self.cluster_sizes.items()))
            lines.append(f"clusters: {self.clusters} ({self.clusters_with_duplicates} with duplicates; clusters by size {sizes})")
        if self.seconds_total:
            stages = ", ".join(f"{stage} {seconds_text(seconds)}" for stage, seconds in self.seconds_by_stage.items())
            rate = self.records_in / self.seconds_total
            lines.append(f"time: {seconds_text(self.seconds_total)} s ({stages}), {rate:,.1f} records/s")
        return "\n".join(lines)


def plural(count: int, word: str) -> str:
    """
    >>> plural(1, "document"), plural(1200, "line")
    ('1 document', '1,200 lines')
    """
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def seconds_text(seconds: float) -> str:
    """Two significant decimals for short times, one for long ones."""
    return f"{seconds:.2f}" if seconds < 10 else f"{seconds:.1f}"


class RecordSink(Protocol):
    def write(self, record: dict[str, Any]) -> None: ...


def write_items(entries: Iterable[Entry], output: RecordSink, rejects: RecordSink | None, stats: Stats,
                drop_duplicates: bool, on_reject: Callable[[Reject], None] = lambda reject: None) -> None:
    """Each record to where it belongs, counted for its file: the output, the rejects (told to ``on_reject``), or dropped."""
    for file, item in entries:
        if isinstance(item, Reject):
            stats.count_reject(file)
            on_reject(item)
            if rejects is not None:
                rejects.write(item.to_record())
        elif drop_duplicates and item.is_duplicate:
            stats.count_dropped(file)
        else:
            output.write(item.to_record())
            stats.count_output(file, item)
