"""Corpus-aware cleaning: lines that recur across many pages of one site.

A site's template (navigation, footers, "Read more" blocks, disclaimers)
repeats on every page; article text does not. No rule has to name such a
line: counting in how many of a host's documents it occurs is enough.

Two passes over the cleaned documents (CCNet-style), so the result does not
depend on input order or on how the corpus is partitioned:

1. ``site_keys``: each document gives its host and one 8-byte key per
   distinct line (a hash of host and the line's casefolded words).
   ``SiteCounts`` adds them up; it holds the keys as NumPy arrays and
   compacts them to (key, count) runs as they grow, so memory is 16 bytes
   per distinct (host, line) pair plus a buffer, about 0.3 KB per news page.
2. ``SiteTemplates`` keeps only the keys seen in ``min_documents`` or more
   documents (a small table: template lines), and ``strip_template``
   removes those lines from each document.

The pipeline step is ``steps.SiteBoilerplate``: pass 1 is its observe
(per partition) and merge, pass 2 its apply.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np

from cleanews.clean.lines import WORD
from cleanews.config import SiteConfig
from cleanews.document import Cleaning, Document, Item, Removal

SITE_RULE = "site_boilerplate"


def line_key(host: str, line: str) -> int | None:
    """8-byte hash of a host and a line's casefolded words; None for a line without words."""
    words = " ".join(word.casefold() for word in WORD.findall(line))
    if not words:
        return None
    # surrogatepass: a lone surrogate (from a "\ud800" escape in the input) has no plain UTF-8 form
    key = f"{host}\n{words}".encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")


def host_of(doc: Document) -> str | None:
    """The site a document belongs to: its URL's host without 'www.'; None without a URL that parses.

    >>> host_of(Document("a", "", url="https://www.example.com/x")), host_of(Document("b", "", url="http://[oops/x"))
    ('example.com', None)
    """
    if not doc.url:
        return None
    url = doc.url if "//" in doc.url else f"//{doc.url}"
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # an invalid IPv6 host, or a netloc that NFKC changes (urlsplit refuses both)
        return None
    return host.removeprefix("www.") or None


def site_keys(doc: Document) -> tuple[str, np.ndarray] | None:
    """The document's host and the sorted keys of its distinct lines; None without a host."""
    host = host_of(doc)
    if host is None:
        return None
    keys = {key for line in doc.text.split("\n") if (key := line_key(host, line)) is not None}
    return host, np.array(sorted(keys), dtype=np.uint64)


# Keys buffered before they are compacted into (key, count) runs.
COMPACT_EVERY = 1 << 20


class SiteCounts:
    """How many documents each host has, and in how many of them each (host, line) key occurs.

    Counts add up (``merge``), so partitions can be counted apart.
    """

    def __init__(self) -> None:
        self.documents: Counter[str] = Counter()
        self.keys = np.empty(0, dtype=np.uint64)
        self.counts = np.empty(0, dtype=np.int64)
        self._buffer: list[np.ndarray] = []
        self._buffered = 0

    def add(self, host: str, keys: np.ndarray) -> None:
        self.documents[host] += 1
        self._buffer.append(keys)
        self._buffered += len(keys)
        if self._buffered >= COMPACT_EVERY:
            self._compact()

    def merge(self, other: SiteCounts) -> SiteCounts:
        other._compact()
        self.documents.update(other.documents)
        self._buffer.append(np.repeat(other.keys, other.counts))
        self._compact()
        return self

    def _compact(self) -> None:
        if not self._buffer:
            return
        keys = np.concatenate([np.repeat(self.keys, self.counts), *self._buffer])
        self.keys, self.counts = np.unique(keys, return_counts=True)
        self._buffer, self._buffered = [], 0

    def templates(self, config: SiteConfig) -> SiteTemplates:
        self._compact()
        frequent = self.counts >= config.min_documents
        return SiteTemplates(dict(zip(self.keys[frequent].tolist(), self.counts[frequent].tolist(), strict=False)),
                             dict(self.documents), config)


def count_sites(docs: Iterable[Document]) -> SiteCounts:
    """Pass 1 over a corpus (or one partition of it)."""
    counts = SiteCounts()
    for doc in docs:
        found = site_keys(doc)
        if found is not None:
            counts.add(*found)
    return counts


@dataclass(frozen=True)
class SiteTemplates:
    """The lines seen in ``min_documents`` or more documents of their host, with their counts."""

    line_documents: dict[int, int]
    host_documents: dict[str, int]
    config: SiteConfig

    def is_template(self, host: str, line: str) -> bool:
        key = line_key(host, line)
        seen = self.line_documents.get(key, 0) if key is not None else 0
        if seen < self.config.min_documents:
            return False
        long_line = len(WORD.findall(line)) >= self.config.long_line_words
        share = self.config.long_line_share if long_line else self.config.min_share
        return seen >= share * self.host_documents[host]


# A document whose long lines are all "template" is a story the site ran
# several times, not template: it keeps at least this share of its words.
MIN_KEPT_SHARE = 0.5


def strip_template(doc: Document, templates: SiteTemplates) -> Document:
    """Remove the document's lines that are its site's template; record them.

    Template lines the document keeps (they were most of it: an author box,
    the furniture left after the article was lost) are marked in
    ``template_lines``, so that dedup does not compare pages through them.

    A document keeps at least half its words (past that its long lines
    stay), and one made only of lines its site repeats is left whole, never emptied.
    """
    host = host_of(doc)
    if host is None or not templates.line_documents:
        return doc
    lines = doc.text.split("\n")
    template = [templates.is_template(host, line) for line in lines]
    if not any(template):
        return doc
    removed = template
    sizes = [len(WORD.findall(line)) for line in lines]
    if too_much(sizes, template):
        long_line = templates.config.long_line_words
        removed = [is_template and size < long_line for size, is_template in zip(sizes, template, strict=True)]
    if not any(size for size, gone in zip(sizes, removed, strict=True) if not gone):
        removed = [False] * len(lines)  # never an empty document: one made only of its site's lines stays whole
    kept = [number for number, gone in enumerate(removed) if not gone]
    template_lines = tuple(place for place, number in enumerate(kept) if template[number])
    if not any(removed):
        return doc.replace(template_lines=template_lines)
    cleaning = doc.cleaning or Cleaning()
    return doc.replace(
        text="\n".join(lines[number] for number in kept),
        template_lines=template_lines,
        cleaning=Cleaning(
            removed=cleaning.removed + tuple(Removal(line, SITE_RULE) for line, gone in zip(lines, removed, strict=True) if gone),
            encoding_repaired=cleaning.encoding_repaired,
            source=cleaning.source,
        ),
    )


def too_much(sizes: list[int], template: list[bool]) -> bool:
    """Whether the template lines hold more than ``1 - MIN_KEPT_SHARE`` of the words."""
    return sum(size for size, is_template in zip(sizes, template, strict=True) if is_template) > (1 - MIN_KEPT_SHARE) * sum(sizes)


def site_boilerplate_step(items: Iterable[Item], templates: SiteTemplates) -> Iterator[Item]:
    """Pass 2: remove each document's template lines. Documents without a URL and rejects pass through."""
    for item in items:
        yield strip_template(item, templates) if isinstance(item, Document) else item
