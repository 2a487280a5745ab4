"""The data model: the Document every step passes along, and the Reject that takes its place.

Every step takes and gives ``Item`` (a Document or a Reject), so nothing is
lost on the way. A Document has one serialisation, ``to_state`` /
``from_state`` (lossless, for checkpoints and spools); ``to_record`` is the
output record, and ``Reject.to_record`` the line of a rejects file.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Self


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
    confidence: float | None = None  # the page model's estimate of the body's word F1

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {"source": self.source, "encoding_repaired": self.encoding_repaired}
        if self.confidence is not None:
            record["confidence"] = self.confidence
        record["removed"] = [removal.to_dict() for removal in self.removed]
        return record

    @classmethod
    def from_dict(cls, entry: dict[str, Any]) -> Cleaning:
        removed = tuple(Removal(removal["line"], removal["rule"], removal.get("position")) for removal in entry["removed"])
        return cls(removed, entry["encoding_repaired"], entry["source"], entry.get("confidence"))


@dataclass(frozen=True)
class DedupInfo:
    """Where the deduplicator put a document."""

    cluster_id: str
    cluster_size: int
    is_representative: bool
    similarity: float = 1.0  # verified similarity to the representative

    def to_dict(self) -> dict[str, Any]:
        """
        >>> info = DedupInfo("a", 2, False, 0.75); info.to_dict() == dataclasses.asdict(info)
        True
        """
        # Not dataclasses.asdict: its deep copy cost more than the JSON encoding of the whole output record.
        return {"cluster_id": self.cluster_id, "cluster_size": self.cluster_size,
                "is_representative": self.is_representative, "similarity": self.similarity}


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
    page_type: str | None = None  # article, listing, forum, product, documentation or service
    html: str | None = None
    source: str = ""  # where it was read, e.g. "pages.jsonl:17"
    extra: dict[str, Any] = field(default_factory=dict)
    cleaning: Cleaning | None = None
    dedup: DedupInfo | None = None
    # Lines of ``text`` the site step found to be the host's template but left
    # (they were most of the page); dedup does not compare them. Never written out.
    template_lines: tuple[int, ...] = ()

    def replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)

    @property
    def is_duplicate(self) -> bool:
        """In a cluster but not its representative: what ``drop_duplicates`` leaves out."""
        return self.dedup is not None and not self.dedup.is_representative

    def to_record(self) -> dict[str, Any]:
        """The output JSON object: our fields first, then the carried ones."""
        record: dict[str, Any] = {"id": self.id, "text": self.text}
        for name in ("title", "url", "date", "author", "page_type"):
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

    def compared_text(self) -> str:
        """The text dedup compares: ``text`` without its ``template_lines``."""
        if not self.template_lines:
            return self.text
        template = set(self.template_lines)
        return "\n".join(line for number, line in enumerate(self.text.split("\n")) if number not in template)

    def to_state(self) -> dict[str, Any]:
        """Everything the Document carries, as JSON (``from_state`` gives it back)."""
        return {
            "id": self.id, "text": self.text, "title": self.title, "url": self.url, "date": self.date, "author": self.author,
            "page_type": self.page_type, "html": self.html, "source": self.source, "extra": self.extra, "template_lines": list(self.template_lines),
            "cleaning": None if self.cleaning is None else self.cleaning.to_dict(),
            "dedup": None if self.dedup is None else self.dedup.to_dict(),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Document:
        cleaning, dedup = state.get("cleaning"), state.get("dedup")
        return cls(**{**state, "template_lines": tuple(state.get("template_lines", ())),
                      "cleaning": None if cleaning is None else Cleaning.from_dict(cleaning),
                      "dedup": None if dedup is None else DedupInfo(**dedup)})


@dataclass(frozen=True)
class CleanedDocument(Document):
    """A Document the cleaner has been through: its ``cleaning`` is always there (what the cleaner did).

    What ``clean_text``, ``clean_html`` and ``clean_document`` return, and
    what the steps after cleaning keep (``replace`` keeps the type).
    """

    cleaning: Cleaning = Cleaning()

    @classmethod
    def of(cls, doc: Document, cleaning: Cleaning, **changes: Any) -> CleanedDocument:
        fields = {item.name: getattr(doc, item.name) for item in dataclasses.fields(Document)}
        return cls(**{**fields, **changes, "cleaning": cleaning})


@dataclass(frozen=True)
class Reject:
    """An input record that cannot be processed, and why.

    ``record`` is the original record where it could be kept (the parsed
    object, or the line's text when it is not valid JSON); ``id`` is the
    record's id when it was known.
    """

    source: str  # "file:line", or the file for .html/.txt inputs
    reason: str
    record: Any = None
    id: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {"source": self.source, "id": self.id, "reason": self.reason, "record": self.record}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Reject:
        return cls(source=record["source"], reason=record["reason"], record=record.get("record"), id=record.get("id"))

    @classmethod
    def of(cls, doc: Document, reason: str) -> Reject:
        """A Reject that keeps the document's input record: its fields, and the page when it had one."""
        record = doc.to_record()
        if doc.html is not None:
            record["html"] = doc.html
        return cls(doc.source or doc.id, reason, record, doc.id)


Item = Document | Reject


def item_state(item: Item) -> dict[str, Any]:
    """An Item as JSON, for checkpoints (``item_from_state`` reads it back)."""
    return {"reject": item.to_record()} if isinstance(item, Reject) else {"doc": item.to_state()}


def item_from_state(state: dict[str, Any]) -> Item:
    return Reject.from_record(state["reject"]) if "reject" in state else Document.from_state(state["doc"])
