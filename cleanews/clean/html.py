"""Main-content extraction from HTML: trafilatura, then a block classifier over the page.

trafilatura finds a page's article and metadata well, but keeps some junk
(teasers, hidden copies, captions) and drops some article (subheads, lists,
whole stories on pages it misreads). So the page is read a second way: every
visible block of it (``blocks.py``) is judged by a classifier (``model.py``,
the same logistic regression and Viterbi smoothing as text mode) that sees
the line features, the DOM around the block and what trafilatura kept
(``block_features.py``).

The lines that come out are the blocks trafilatura or the classifier kept;
those the classifier rejects among them carry their removal reason, so the
provenance lists what was taken out of the extractor's text, and why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import trafilatura
from lxml import html as lxml_html

from cleanews.clean.block_features import (
    APART_FEATURES,
    EXTRACTOR_KEPT,
    HTML_FEATURE_NAMES,
    block_matrix,
)
from cleanews.clean.blocks import Block, blocks_of, parse_html
from cleanews.clean.lines import plausible_title
from cleanews.clean.metadata import page_metadata
from cleanews.clean.model import LineModel
from cleanews.clean.page import NO_DOM, DomCounts, dom_counts
from cleanews.clean.rules import MODEL_RULE_PREFIX

_ANYWHERE_COLUMN = HTML_FEATURE_NAMES.index("extractor")
_IN_PLACE_COLUMN = HTML_FEATURE_NAMES.index("extractor_in_place")
_HIDDEN_COLUMN = HTML_FEATURE_NAMES.index("hidden")
_EARLIER_COPY_COLUMN = HTML_FEATURE_NAMES.index("earlier_copy")
_APART_COLUMNS = [HTML_FEATURE_NAMES.index(name) for name in APART_FEATURES]


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None = None
    url: str | None = None
    document_title: str | None = None  # the page's <title> element
    date: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class JudgedPage:
    """A page's candidate lines in page order and, for each, None (kept) or why it goes."""

    lines: tuple[str, ...]
    verdicts: tuple[str | None, ...]
    extracted: Extracted
    blocks: tuple[Block, ...] = ()  # every visible block (empty without a model)
    dom: DomCounts = NO_DOM


# trafilatura's fallback extractors (readability, then jusText) cost it a
# third more time and change its text on about one page in twenty-five: where
# its own extractor misreads a page. So it runs without them (``fast``), and
# again with them only when what it kept looks misread: under this share of
# the page's visible words (a sliver), or more words than the page's blocks
# hold (the whole page). Set on wcxb-dev's first 300 pages and the 297 of
# scrapinghub and readability (shares 0.1-0.4 caught the slivers the fallback
# rescues), checked on wcxb-dev's next 244 (README, "Speed").
FALLBACK_BELOW_SHARE = 0.2


def needs_fallback(kept_words: int, visible_words: int) -> bool:
    """Whether trafilatura's own extractor, keeping ``kept_words`` of a page's ``visible_words``, misread it.

    >>> needs_fallback(40, 1000), needs_fallback(600, 1000), needs_fallback(1020, 1000)
    (True, False, True)
    """
    return kept_words < FALLBACK_BELOW_SHARE * visible_words or kept_words > visible_words


def extract(page: str | lxml_html.HtmlElement | None, url: str | None = None, visible_words: int | None = None) -> Extracted:
    """The article text of a page (its HTML or its parsed tree) and its metadata, as trafilatura finds them.

    Comments are left out: they are not the article. ``visible_words`` (the
    words of the page's blocks) decides whether trafilatura's fallback
    extractors run (``needs_fallback``); without it they always do, as in
    trafilatura's default. A page where trafilatura finds nothing gives
    empty text and no metadata (the caller decides what that means).
    trafilatura works on a copy of a tree it is given, so the tree can be
    read again.
    """
    tree = parse_html(page) if isinstance(page, str) else page
    if tree is None:
        return Extracted(text="")
    result = _trafilatura(tree, url, fast=visible_words is not None)
    if visible_words is not None and needs_fallback(len(result.split()), visible_words):
        result = _trafilatura(tree, url, fast=False)
    if not result:
        return Extracted(text="")
    found = page_metadata(tree, url)
    return Extracted(text=result, title=found.title, url=found.url or url, date=found.date, author=found.author,
                     document_title=tree.findtext(".//title"))


def _trafilatura(tree: lxml_html.HtmlElement, url: str | None, fast: bool) -> str:
    """trafilatura's text of the page ('' when it finds nothing), with its fallback extractors unless ``fast``."""
    result = trafilatura.bare_extraction(tree, url=url, fast=fast, include_comments=False, include_tables=True)
    return (result.text or "") if isinstance(result, trafilatura.settings.Document) else ""  # None: nothing found


def read_blocks(html: str, url: str | None = None) -> tuple[lxml_html.HtmlElement | None, tuple[Block, ...], Extracted]:
    """The page parsed once: its tree, its visible blocks and what trafilatura finds in it."""
    tree = parse_html(html)
    blocks = tuple(blocks_of(tree)) if tree is not None else ()
    return tree, blocks, extract(tree, url, sum(len(block.text.split()) for block in blocks))


def read_page(html: str, url: str | None = None, model: LineModel | None = None) -> JudgedPage:
    """Extract a page and judge its blocks with ``model`` (None: trafilatura's lines as they are)."""
    tree, blocks, extracted = read_blocks(html, url)
    if model is None:
        lines = tuple(line for line in extracted.text.split("\n") if line.strip())
        return JudgedPage(lines, (None,) * len(lines), extracted)
    lines, verdicts = judge_blocks(blocks, block_matrix(blocks, extracted.text), model)
    return JudgedPage(lines, verdicts, extracted, blocks, dom_counts(tree))


def page_headline(extracted_title: str | None, blocks: Sequence[Block], document_title: str | None = None) -> str | None:
    """The page's headline: trafilatura's title unless it is a label, a date or a stray heading; else a heading of the page.

    An extractor's title can be a share label ('Share this:') or, when the
    page declares no title in its metadata, a heading it picked off a
    sidebar ('Other News Video'). The page's <title> names its headline in
    any language: a heading of the page that the <title> does not name
    gives way to the longest <h1> or <h2> it does, and so does a title that
    is no headline at all (else the first plausible <h1> does).
    """
    headings = [block for block in blocks if block.tag in ("h1", "h2") and plausible_title(block.text)]
    named = [block for block in headings if names(document_title or "", block.text)]
    # The headline over the site's name (a logo's <h1>, also in the <title>): the most words, an <h1> first.
    best = max(named, key=lambda block: (len(block.text.split()), block.tag == "h1"), default=None)
    if extracted_title and plausible_title(extracted_title):
        stray = any(block.text == extracted_title for block in blocks) and not names(document_title or "", extracted_title)
        return best.text if stray and best else extracted_title
    return best.text if best else next((block.text for block in headings if block.tag == "h1"), None)


# A <title> names a heading when it holds at least this share of the heading's words.
NAMED_SHARE = 0.6


def names(document_title: str, heading: str) -> bool:
    """Whether a page's <title> ('Council closes library | Daily Post') names ``heading`` (two words or more).

    >>> names("Council closes old library | Daily Post", "Council closes old library"), names("Council closes old library", "Other News Video")
    (True, False)
    """
    words = [word.casefold() for word in re.findall(r"\w+", heading)]
    in_title = {word.casefold() for word in re.findall(r"\w+", document_title)}
    return len(words) >= 2 and sum(word in in_title for word in words) >= NAMED_SHARE * len(words)


# A text cut off with an ellipsis after a word or a comma ('... cost the town more than...', 'Jane Doe, 41,...'), not after a sentence.
_TRUNCATED = re.compile(r"[^\s.!?]\s?(?:\.\.\.|…)\W{0,2}$")


def teaser_summary(block: Block) -> bool:
    """A teaser: a linked headline with its summary cut short ('Mayor opens bridge CITY: The mayor on Monday...').

    Teaser lists of other stories (latest, breaking, more) sit around the
    article with no class that names them; the cut-off summary does, in any
    language.

    >>> teaser_summary(Block("Mayor opens bridge CITY: The mayor on Monday opened the...", "li", frozenset(), 18, ()))
    True
    """
    return block.link_density > 0 and _TRUNCATED.search(block.text) is not None


# A hidden copy: a hidden block of at least this many words, this share of whose 4-grams appeared higher on the page.
HIDDEN_COPY_WORDS = 25
HIDDEN_COPY_SHARE = 0.8


def hidden_copies(matrix: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Hidden blocks that repeat text shown higher on the page (a story's hidden second and third copies).

    The 'extractor' feature matches trafilatura's 4-grams wherever they
    occur, so a hidden copy of the article counts as kept as much as the
    article; the reader sees one copy, and so does the gold text. Set on
    the shared pages: a copy of 25 words or more, 80% seen before (the
    4-grams across the joins of the paragraphs it repeats are new), is
    hidden junk on every page of scrapinghub and readability that has one
    (4,132 and 300 words, none of the gold's) and mostly on wcxb-dev's
    (17,719 words against 2,566 of the gold's), while shorter hidden
    repeats are often a collapsed section's headings ('• Total').
    """
    return (matrix[:, _HIDDEN_COLUMN] > 0) & (matrix[:, _EARLIER_COPY_COLUMN] >= HIDDEN_COPY_SHARE) & (sizes >= HIDDEN_COPY_WORDS)


def judge_blocks(blocks: Sequence[Block], matrix: np.ndarray, model: LineModel) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """The blocks trafilatura or the classifier kept, with the classifier's verdict on each.

    The smoothed classifier decides, within two bounds that keep it from
    undoing what trafilatura gets right:

    - a block trafilatura kept goes only when its own log-odds are below
      ``-model.removal_margin`` (the smoothing alone never removes it);
    - a block trafilatura left out comes back only when nothing sets it
      apart from the article (``APART_FEATURES``: navigation, footer,
      figure, a comment or related box, a hidden node, ...; or it is a
      teaser, ``teaser_summary``);
    - trafilatura kept a block when it kept its text in place
      (``coverage``), or kept that text elsewhere and nothing sets the
      block apart (trafilatura drops a paragraph's repeats; a caption
      repeating the subtitle is its own kind of block);
    - a hidden copy of text higher on the page (``hidden_copies``) counts
      as left out, whatever trafilatura's 4-grams say.

    A kept block the classifier removes is recorded as ``model:<feature>``
    (the feature that argued most against it).
    """
    if not blocks:
        return (), ()
    log_odds = model.log_odds(matrix)
    sizes = np.array([len(block.text.split()) for block in blocks], dtype=float)
    apart = matrix[:, _APART_COLUMNS].any(axis=1) | np.array([teaser_summary(block) for block in blocks], dtype=bool)
    repeat = (matrix[:, _ANYWHERE_COLUMN] >= EXTRACTOR_KEPT) & ~apart
    in_extractor = ((matrix[:, _IN_PLACE_COLUMN] >= EXTRACTOR_KEPT) | repeat) & ~hidden_copies(matrix, sizes)
    keep = model.decode(log_odds, sizes)
    keep = np.where(in_extractor, keep | (log_odds >= -model.removal_margin), keep & ~apart)
    lines: list[str] = []
    verdicts: list[str | None] = []
    reasons = model.strongest_against(matrix)
    for block, reason, kept, extracted in zip(blocks, reasons, keep, in_extractor, strict=True):
        if kept:
            lines.append(block.text)
            verdicts.append(None)
        elif extracted:
            lines.append(block.text)
            verdicts.append(MODEL_RULE_PREFIX + reason)
    return tuple(lines), tuple(verdicts)
