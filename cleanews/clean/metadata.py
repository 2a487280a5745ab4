"""A page's title, author, canonical URL and date: trafilatura's metadata search, only the fields cleanews keeps.

``trafilatura.bare_extraction(with_metadata=True)`` also looks for the site
name, categories, tags and licence, which cleanews never reads: on news pages
those searches (XPath over the whole tree) cost about as much as the four
fields it does read. This runs trafilatura's own steps for those four, in
its order, so they come out exactly as ``with_metadata=True`` gives them
(checked on all shared pages; README, "Speed"):

1. meta tags (OpenGraph first), then JSON-LD, which overrides them;
2. where still missing: the title from the headings and <title>, the author
   from bylines (``byline_author``: trafilatura's byline search in one pass
   over the tree, without its copy of the page), the URL from the canonical
   link (else the record's);
3. the date from htmldate, extensive search on (its text-pattern search
   finds dates on pages whose markup names none).
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass
from typing import NamedTuple

from htmldate import find_date
from lxml import etree
from trafilatura import metadata as trafilatura_metadata
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.settings import set_date_params
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS

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
    found.author = found.author or byline_author(tree)
    found.url = found.url or trafilatura_metadata.extract_url(tree, url)
    found.date = find_date(tree, **{**set_date_params(extensive=True), "url": found.url})
    found.clean_and_trim()  # trafilatura's final trimming: entities, spaces, control characters, length
    return PageMetadata(title=found.title or None, author=found.author or None, url=found.url or None, date=found.date or None)


class _Byline(NamedTuple):
    """Which elements name an author: one of trafilatura's byline XPath expressions, as tests on one element."""

    tags: frozenset[str] | None  # the elements tested (None: any)
    equal: dict[str, frozenset[str]]  # attribute -> values it may equal
    contains: dict[str, str]  # attribute -> a string it may contain
    search: dict[str, re.Pattern[str]]  # attribute -> a pattern it may match
    child_text: dict[str, str] = {}  # child tag -> the whole text such a child may have
    named: frozenset[str] = frozenset()  # tags that match whatever their attributes

    def matches(self, element: etree._Element, tag: str, attributes: dict[str, str]) -> bool:
        if tag in self.named:
            return True
        if self.tags is not None and tag not in self.tags:
            return False
        return (
            any(attributes.get(name) in values for name, values in self.equal.items())
            or any(part in attributes.get(name, "") for name, part in self.contains.items())
            or any(pattern.search(attributes.get(name, "")) for name, pattern in self.search.items())
            or any("".join(child.itertext()) == text for name, text in self.child_text.items() for child in element.iterchildren(name))
        )

    def clues(self) -> list[str]:
        """Patterns one of which an attribute value must hold for an attribute test to pass."""
        return [
            *(re.escape(value) for values in self.equal.values() for value in values),
            *(re.escape(part) for part in self.contains.values()),
            *(pattern.pattern for pattern in self.search.values()),
        ]


# trafilatura's AUTHOR_XPATHS (trafilatura.xpaths), most specific first, and
# its AUTHOR_DISCARD_XPATHS: the byline search skips what lies inside those.
# As XPath each expression tests every element with regular expressions,
# over a copy of the page; here one walk tests each element once
# (tests/test_html_mode.py checks that both find the same author).
_BYLINES = (
    _Byline(
        frozenset("a address div link p span strong".split()),
        {"rel": frozenset({"author"}), "id": frozenset({"author"}), "class": frozenset({"author"}),
         "itemprop": frozenset({"author name"}), "data-testid": frozenset({"AuthorCard", "AuthorURL"})},
        {},
        {"class": re.compile("author-?name|AuthorName|authorName")},
        child_text={"rel": "me"},
        named=frozenset({"author"}),
    ),
    _Byline(
        frozenset("a div h3 h4 p span".split()),
        {"class": frozenset({"byline", "username", "byl", "BBL"})},
        {"itemprop": "author"},
        {"id": re.compile("author|zuozhe|bianji|xiaobian"),
         "class": re.compile("author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")},
    ),
    _Byline(
        None,
        {},
        {"data-component": "Byline", "itemprop": "author"},
        {"id": re.compile("[Aa]uthor"), "class": re.compile("[Aa]uthor|screenname|writer|[Bb]yline")},
    ),
)
_DISCARDED = _Byline(
    frozenset("a div section span".split()),
    {"id": frozenset({"comments"}), "class": frozenset({"comments", "title", "date"})},
    {"data-component": "Figure"},
    {"id": re.compile("^comments|comment-?list|ProductReviews"),
     "class": re.compile("^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
                         "article-(?:share|support)|print|category|meta-date|meta-reviewer")},
    named=frozenset({"time", "figure"}),
)
# The attributes the tests read, and whether their values (one a line) may
# pass any attribute test: most elements fail this one search and are tested
# no further.
_ATTRIBUTES = tuple(sorted({name for test in (*_BYLINES, _DISCARDED) for name in (*test.equal, *test.contains, *test.search)}))
_CLUES = re.compile("|".join(sorted({clue for test in (*_BYLINES, _DISCARDED) for clue in test.clues()})), re.MULTILINE)
_NAMED = frozenset().union(*(test.named for test in (*_BYLINES, _DISCARDED)))
_CHILD_TAGS = tuple({name for test in (*_BYLINES, _DISCARDED) for name in test.child_text})
# The longest byline text trafilatura takes (its len_limit for authors).
_MAX_BYLINE = 120


def byline_author(tree: etree._Element) -> str | None:
    """The author the page's bylines name, as ``trafilatura.metadata.extract_author`` finds it.

    The first element (in the order of ``_BYLINES``, then the page's) outside
    comments, figures, dates and sidebars whose text is 3 to 119 characters.

    >>> from lxml import html
    >>> byline_author(html.fromstring('<div><span class="date">By May</span><p class="byline">By Jane Roe</p></div>'))
    'Jane Roe'
    """
    found: list[list[etree._Element]] = [[] for _ in _BYLINES]
    discarded: set[etree._Element] = set()  # the roots of the parts left out
    parents = {child.getparent() for child in tree.iter(*_CHILD_TAGS)}  # of elements a child-text test reads
    walker = etree.iterwalk(tree, events=("start",))
    for _, element in walker:
        tag = element.tag
        if not isinstance(tag, str):
            continue
        attributes = {name: value for name in _ATTRIBUTES if (value := element.get(name)) is not None}
        if not (tag in _NAMED or element in parents or (attributes and _CLUES.search("\n".join(attributes.values())))):
            continue
        if _DISCARDED.matches(element, tag, attributes) and (element is not tree or tag in _DISCARDED.named):
            discarded.add(element)
            walker.skip_subtree()
            continue
        for candidates, byline in zip(found, _BYLINES, strict=True):
            if byline.matches(element, tag, attributes):
                candidates.append(element)
    for candidates in found:
        for element in candidates:
            content = trim(" ".join(_kept_text(element, discarded)))
            if content and 2 < len(content) < _MAX_BYLINE:
                return normalize_authors(None, content)
    return None


def _kept_text(element: etree._Element, discarded: set[etree._Element]) -> list[str]:
    """The element's text pieces once its discarded parts are cut out as trafilatura cuts them (their tails kept)."""
    if discarded.isdisjoint(element.iterdescendants()):
        return list(element.itertext())
    return list(prune_unwanted_nodes(deepcopy(element), AUTHOR_DISCARD_XPATHS).itertext())
