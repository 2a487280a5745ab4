"""A page's title, author, canonical URL and date: trafilatura's metadata search, only the fields cleanews keeps.

``trafilatura.bare_extraction(with_metadata=True)`` also looks for the site
name, categories, tags and licence, which cleanews never reads: on news pages
those searches (XPath over the whole tree) cost about as much as the four
fields it does read. This runs trafilatura's own steps for those four, in
its order, so they come out exactly as ``with_metadata=True`` gives them
(checked on all shared pages; README, "Speed"):

1. meta tags (OpenGraph first), then JSON-LD, which overrides them;
2. where still missing: the title from the headings and <title>, the author
   from bylines, the URL from the canonical link (else the record's);
3. the date from htmldate, extensive search on (its text-pattern search
   finds dates on pages whose markup names none).
"""

from __future__ import annotations

from dataclasses import dataclass

from htmldate import find_date
from lxml import etree
from trafilatura import metadata as trafilatura_metadata
from trafilatura.settings import set_date_params

# Errors trafilatura's JSON-LD reader can raise on odd schemas; trafilatura
# itself catches every exception there, logs it and keeps the meta tags' values.
_JSON_LD_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError)


@dataclass(frozen=True)
class PageMetadata:
    title: str | None = None
    author: str | None = None
    url: str | None = None
    date: str | None = None


def page_metadata(tree: etree._Element, url: str | None = None) -> PageMetadata:
    """Title, author, canonical URL (``url`` when the page names none) and publication date of a parsed page."""
    found = trafilatura_metadata.examine_meta(tree)
    if found.author and " " not in found.author:  # a one-word 'author' is a site or handle (trafilatura's rule)
        found.author = None
    try:
        found = trafilatura_metadata.extract_meta_json(tree, found)
    except _JSON_LD_ERRORS:
        pass  # a broken schema: the meta tags' values stand
    found.title = found.title or trafilatura_metadata.extract_title(tree)
    found.author = found.author or trafilatura_metadata.extract_author(tree)
    found.url = found.url or trafilatura_metadata.extract_url(tree, url)
    found.date = find_date(tree, **{**set_date_params(extensive=True), "url": found.url})
    found.clean_and_trim()  # trafilatura's final trimming: entities, spaces, control characters, length
    return PageMetadata(title=found.title or None, author=found.author or None, url=found.url or None, date=found.date or None)
