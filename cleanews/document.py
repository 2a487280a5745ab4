"""The Document every step passes along."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Removal:
    """One line the cleaner removed, and the name of the rule that removed it.

    ``position`` is where the line stood among the non-empty lines the
    cleaner saw (0-based), so a reviewer can put it back between the kept
    lines; None in records written before positions were recorded.
    """

    line: str
    rule: str
    position: int | None = None

    def to_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"line": self.line, "rule": self.rule}
        if self.position is not None:
            entry["position"] = self.position
        return entry


@dataclass(frozen=True)
class Cleaning:
    """What the cleaner did to a document: its provenance."""

    removed: tuple[Removal, ...] = ()
    encoding_repaired: bool = False
    source: str = "text"  # "html" or "text": how the body was obtained

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "encoding_repaired": self.encoding_repaired,
            "removed": [removal.to_dict() for removal in self.removed],
        }


@dataclass(frozen=True)
class DedupInfo:
    """Where the deduplicator put a document."""

    cluster_id: str
    cluster_size: int
    is_representative: bool
    similarity: float = 1.0  # verified similarity to the representative

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Document:
    """One news document.

    ``text`` is the body only; title and metadata stay apart from it.
    ``extra`` carries the input record's other fields through untouched.
    ``html`` is the raw page when the record came as HTML (never written out).
    """

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    author: str | None = None
    html: str | None = None
    source: str = ""  # where it was read, e.g. "pages.jsonl:17"
    extra: dict[str, Any] = field(default_factory=dict)
    cleaning: Cleaning | None = None
    dedup: DedupInfo | None = None

    def replace(self, **changes: Any) -> Document:
        return dataclasses.replace(self, **changes)

    def to_record(self) -> dict[str, Any]:
        """The output JSON object: our fields first, then the carried ones."""
        record: dict[str, Any] = {"id": self.id, "text": self.text}
        for name in ("title", "url", "date", "author"):
            value = getattr(self, name)
            if value is not None:
                record[name] = value
        for key, value in self.extra.items():
            record.setdefault(key, value)
        if self.cleaning is not None:
            record["cleaning"] = self.cleaning.to_dict()
        if self.dedup is not None:
            record["dedup"] = self.dedup.to_dict()
        return record
