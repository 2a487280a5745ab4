"""Corpus-aware cleaning: lines that recur across many pages of one site.

A site's template (navigation, footers, "Read more" blocks, disclaimers)
repeats on every page; article text does not. No rule has to name such a
line: counting in how many of a host's documents it occurs is enough.

The count works in one streaming pass with bounded memory:

- per host, a table of line fingerprints (8-byte hashes of the line's
  casefolded words) and the number of distinct documents each occurs in;
  when a host's table is full, the fingerprints seen in the fewest documents
  are dropped first (they are the ones that cannot be template);
- at most ``max_hosts`` hosts, least recently seen dropped first;
- a look-ahead window of ``lookahead`` documents: a document is judged
  only after the counter has also seen the documents after it, so the first
  pages of a site benefit too. Output order is input order.

Memory is about ``max_hosts * max_lines_per_host * 100`` bytes for the
tables in the worst case (200 MB with the defaults; a few MB for typical
crawls, where most hosts have few pages), plus the documents in the window.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from cleanews.clean.lines import WORD
from cleanews.document import Cleaning, Document, Removal
from cleanews.io import Item

SITE_RULE = "site_boilerplate"


@dataclass(frozen=True)
class SiteConfig:
    """When a line counts as a site's template.

    - ``min_documents``: the line occurs in at least this many documents of
      the host...
    - ``min_share``: ...and in at least this share of the host's documents
      counted so far (a site with 1000 pages does not lose a sentence three
      of its stories share).
    - ``long_line_words`` / ``long_line_share``: lines this long are prose
      more often than template (a quote several stories repeat), so they need
      the higher share.
    - ``lookahead``: documents held back so that each is judged with the
      counts of the ones after it too.
    - ``max_lines_per_host``, ``max_hosts``: the memory bounds.
    """

    min_documents: int = 3
    min_share: float = 0.3
    long_line_words: int = 25
    long_line_share: float = 0.6
    lookahead: int = 256
    max_lines_per_host: int = 2000
    max_hosts: int = 1000

    def __post_init__(self) -> None:
        if self.min_documents < 2:
            raise ValueError(f"min_documents must be >= 2 (a line in one document is not repeated), not {self.min_documents}")
        for name in ("min_share", "long_line_share"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], not {value}")
        for name in ("lookahead", "max_lines_per_host", "max_hosts"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, not {getattr(self, name)}")


@dataclass
class HostCounts:
    """One host: documents counted, and in how many of them each line occurs."""

    documents: int = 0
    lines: dict[int, int] = field(default_factory=dict)


def fingerprint(line: str) -> int | None:
    """8-byte hash of a line's casefolded words; None for a line without words."""
    words = " ".join(word.casefold() for word in WORD.findall(line))
    if not words:
        return None
    return int.from_bytes(hashlib.blake2b(words.encode("utf-8"), digest_size=8).digest(), "big")


def host_of(doc: Document) -> str | None:
    """The site a document belongs to: its URL's host without 'www.'."""
    if not doc.url:
        return None
    url = doc.url if "//" in doc.url else f"//{doc.url}"
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


class SiteCounter:
    """Bounded per-host counts of the documents each line occurs in."""

    def __init__(self, config: SiteConfig):
        self.config = config
        self.hosts: OrderedDict[str, HostCounts] = OrderedDict()

    def add(self, host: str, lines: Iterable[str]) -> None:
        counts = self.hosts.pop(host, None) or HostCounts()
        self.hosts[host] = counts  # most recently seen last
        if len(self.hosts) > self.config.max_hosts:
            self.hosts.popitem(last=False)
        counts.documents += 1
        for key in {fingerprint(line) for line in lines} - {None}:
            counts.lines[key] = counts.lines.get(key, 0) + 1
        if len(counts.lines) > self.config.max_lines_per_host:
            prune(counts.lines, self.config.max_lines_per_host)

    def is_template(self, host: str, line: str) -> bool:
        counts = self.hosts.get(host)
        key = fingerprint(line)
        if counts is None or key is None:
            return False
        seen = counts.lines.get(key, 0)
        share = self.config.long_line_share if len(WORD.findall(line)) >= self.config.long_line_words else self.config.min_share
        return seen >= self.config.min_documents and seen >= share * counts.documents


def prune(lines: dict[int, int], limit: int) -> None:
    """Drop the fingerprints seen in the fewest documents until ``lines`` fits in ``limit``."""
    threshold = 1
    while len(lines) > limit:
        for key in [key for key, seen in lines.items() if seen <= threshold]:
            del lines[key]
        threshold += 1


# A document whose long lines are all "template" is a story the site ran
# several times, not template: it keeps at least this share of its words.
MIN_KEPT_SHARE = 0.5


def strip_template(doc: Document, host: str, counter: SiteCounter) -> Document:
    """Remove the document's lines that are its site's template; record them."""
    lines = doc.text.split("\n")
    template = [counter.is_template(host, line) for line in lines]
    sizes = [len(WORD.findall(line)) for line in lines]
    if sum(size for size, is_template in zip(sizes, template) if is_template) > (1 - MIN_KEPT_SHARE) * sum(sizes):
        long_line = counter.config.long_line_words
        template = [is_template and size < long_line for size, is_template in zip(sizes, template)]
    if not any(template):
        return doc
    kept = [line for line, is_template in zip(lines, template) if not is_template]
    removed = [line for line, is_template in zip(lines, template) if is_template]
    cleaning = doc.cleaning or Cleaning()
    return doc.replace(
        text="\n".join(kept),
        cleaning=Cleaning(
            removed=cleaning.removed + tuple(Removal(line, SITE_RULE) for line in removed),
            encoding_repaired=cleaning.encoding_repaired,
            source=cleaning.source,
        ),
    )


def site_boilerplate_step(items: Iterable[Item], config: SiteConfig = SiteConfig()) -> Iterator[Item]:
    """Remove lines recurring across a site's documents; streaming, in input order.

    Documents without a URL (no host) and rejects pass through unchanged.
    """
    counter = SiteCounter(config)
    window: deque[tuple[Item, str | None]] = deque()
    for item in items:
        host = host_of(item) if isinstance(item, Document) else None
        if isinstance(item, Document) and host is not None:
            counter.add(host, item.text.split("\n"))
        window.append((item, host))
        if len(window) > config.lookahead:
            yield judged(*window.popleft(), counter)
    while window:
        yield judged(*window.popleft(), counter)


def judged(item: Item, host: str | None, counter: SiteCounter) -> Item:
    if isinstance(item, Document) and host is not None:
        return strip_template(item, host, counter)
    return item
