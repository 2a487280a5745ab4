"""What kind of page a document is, and how well it was probably cleaned.

Two small models read one feature vector per page (``page_features``),
each feature as two terms: its value, and the part of it above a knot (the
training pages' median), so a feature can weigh differently on either side
of the typical page (a few links against very many):

- ``page_type``: a softmax regression over the page's shape, naming it
  ``article``, ``listing`` (section fronts, tag and search pages, grids of
  teasers or products), ``forum``, ``product``, ``documentation`` or
  ``service``;
- ``confidence``: a ridge regression estimating the word F1 of the cleaned
  text against what a person would keep, then mapped through a monotone
  calibration (fitted by grouped cross-validation: the regression's
  held-out estimates against the measured F1), so a page given 0.8 is
  cleaned about that well.

The features are general to the web, never words of one language: how the
page's text is spread over its blocks (long prose against many short
lines), link density, headings that are links (teaser grids), list and
table share, form controls, code, prices and dates as digit shapes, the
schema.org and Open Graph types the page declares, the URL's shape, and
how much of the page the cleaner kept. Text mode has no DOM: its lines are
the blocks and the DOM columns are zero, so it has models of its own.

Weights ship as readable JSON (``page_model.json``), written by
``benchmarks/train_page_model.py`` from the WCXB development split.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import NamedTuple, TypeVar
from urllib.parse import urlsplit

import numpy as np
from lxml import etree

from cleanews.clean.blocks import HEADING_TAGS, Block
from cleanews.clean.features import Page
from cleanews.errors import CleanewsError

PAGE_MODEL_FILE = "page_model.json"
PAGE_MODEL_FORMAT = 2  # 2: each feature has a knot and a second term, its part above the knot
PAGE_TYPES = ("article", "listing", "forum", "product", "documentation", "service")
# A block of at least this many words is prose, not a teaser, label or menu item.
PROSE_WORDS = 25
# A teaser: a linked title of this many words, then (within two blocks) an unlinked summary of this many.
TEASER_TITLE_WORDS = (3, 20)
TEASER_SUMMARY_WORDS = (8, 80)

# schema.org (JSON-LD, microdata) and Open Graph types, grouped by the page
# type they declare. A shared vocabulary of the web, whatever the page's language.
DECLARED_TYPES: dict[str, frozenset[str]] = {
    "article": frozenset("article newsarticle blogposting report opinionnewsarticle analysisnewsarticle "
                         "reportagenewsarticle liveblogposting scholarlyarticle".split()),
    "listing": frozenset("collectionpage itemlist searchresultspage offercatalog breadcrumblist".split()),
    "forum": frozenset("discussionforumposting qapage question answer comment socialmediaposting".split()),
    "product": frozenset("product offer aggregateoffer productgroup aggregaterating".split()),
    "documentation": frozenset("techarticle apireference softwaresourcecode softwareapplication howto".split()),
    "service": frozenset("organization localbusiness contactpage aboutpage service faqpage professionalservice "
                         "place event".split()),
}
_TYPE_VALUE = re.compile(r'"@type"\s*:\s*(\[[^\]]*\]|"[^"]*")')
# These are searched in all of a page's blocks at once, joined by newlines
# (``features.Page``): a space is [^\S\n], and $ is a block's end (MULTILINE).
# Each branch starts with a character (a \b after it, as a lookbehind), so that re skips ahead to those.
# A price, [$€£¥₹][^\S\n]?\d|\d[^\S\n]?(?:[$€£¥₹]|zł|kr|Kč)|\b(?:USD|EUR|GBP)\b, as patterns that each start
# with a sign or a literal (a number before its unit is found at the unit, looking back): an alternation
# of them would be tried at every character (features._WEB_ADDRESS). A block holds a price when it holds one.
_PRICE = (
    re.compile(r"[$€£¥₹](?:[^\S\n]?\d|(?<=\d[$€£¥₹])|(?<=\d[^\S\n][$€£¥₹]))"),
    *(re.compile(rf"{unit}(?:(?<=\d{unit})|(?<=\d[^\S\n]{unit}))") for unit in ("zł", "kr", "Kč")),
    *(re.compile(rf"{code}(?<!\w{code})\b") for code in ("USD", "EUR", "GBP")),
)
# A clock time, an ISO date or a numeric date (\b\d{1,2}:\d{2}\b, \b\d{4}-\d{2}-\d{2}\b, \b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b).
_DATE_SHAPE = re.compile(r"\d(?<!\w\d)(?:\d?:\d{2}\b|\d{3}-\d{2}-\d{2}\b|\d?[./]\d{1,2}[./]\d{2,4}\b)")
_SENTENCE_END = re.compile(r"[.!?。！？؟…]['\"’”»)]*$", re.MULTILINE)
_URL_DATE = re.compile(r"/(?:19|20)\d{2}/\d{1,2}(?:/|$)|(?:19|20)\d{2}-\d{2}-\d{2}")
_URL_NUMBER = re.compile(r"\d{5,}")
# Elements counted over the whole tree (many are skipped as blocks).
COUNTED_TAGS = ("article", "time", "code", "img", "input", "textarea", "form", "h1", "button", "select",
                "pre", "blockquote", "figure", "section", "label", "option", "svg", "dl", "p")
# Words in the page's class attributes that name a page's parts: templates name
# them in English whatever the language of the text (as blocks.ROLE_PATTERNS).
# Counted as substrings of all class values at once (str.count, in C: a
# regex per word cost 3 ms a page).
CLASS_WORDS: dict[str, tuple[str, ...]] = {
    "comment": ("comment", "reply", "replies"),
    "post": ("post-", "-post", "message", "thread"),
    "price": ("price", "cart", "basket", "checkout", "sku", "add-to"),
    "card": ("card", "tile", "grid", "teaser", "item", "product"),
    "pager": ("paginat", "pager", "paging"),
    "toc": ("toc-", "-toc", "table-of-contents", "docs-", "-docs"),
    "author": ("author", "byline", "avatar", "username"),
    "pitch": ("btn", "button", "cta", "hero", "pricing", "testimonial"),
}
# What a page's metadata declares about it: the names of meta tags, microdata
# properties and rel links (read in one walk), or a key of its JSON-LD.
_DECLARED_FACTS: dict[str, tuple[frozenset[str], str]] = {
    "published": (frozenset({"article:published_time", "datePublished"}), '"datePublished"'),
    "author": (frozenset({"author", "article:author"}), '"author"'),
    "price": (frozenset({"price", "product:price:amount", "og:price:amount"}), '"price"'),
}
# Words of a URL's path (and host) that web software uses for one kind of page
# (WordPress /category/ and /tag/, Shopify /products/ and /collections/,
# Discourse /t/, XenForo /threads/, phpBB viewtopic, docs. and forum. hosts).
URL_WORDS: dict[str, frozenset[str]] = {
    "article": frozenset("blog blogs news article articles post posts story stories opinion insights magazine press".split()),
    "listing": frozenset("category categories tag tags topic topics section archive archives search collections "
                         "collection browse page".split()),
    "forum": frozenset("forum forums thread threads t discussion discussions questions question community viewtopic "
                       "showthread boards board comments".split()),
    "product": frozenset("product products item shop store buy".split()),
    "documentation": frozenset("docs doc documentation guide guides api reference manual wiki help tutorial tutorials "
                               "library kb".split()),
    "service": frozenset("services service solutions solution pricing features about contact platform plans "
                         "enterprise industries".split()),
}
HOST_WORDS: dict[str, frozenset[str]] = {
    "forum": frozenset("forum forums community discuss discussion answers boards".split()),
    "documentation": frozenset("docs doc developer developers wiki help support learn api".split()),
    "product": frozenset("shop store".split()),
}
_URL_PAGE_NUMBER = re.compile(r"/page/\d+|[?&](?:page|p|pg)=\d+", re.IGNORECASE)
_URL_EXTENSION = re.compile(r"\.(?:html?|php|aspx?|jsp)$", re.IGNORECASE)


class ModelError(CleanewsError):
    """The page model file does not fit this version of the code."""


class DomCounts(NamedTuple):
    """What the page's tree says beyond its visible blocks: element counts, class words and declared types."""

    tags: dict[str, int]
    types: frozenset[str]  # schema.org and og:type names the page declares, lower case
    class_words: dict[str, int] = {}  # CLASS_WORDS name -> matches in the page's class attributes
    facts: frozenset[str] = frozenset()  # _DECLARED_FACTS the metadata declares: "published", "author", "price"


NO_DOM = DomCounts({}, frozenset())


def dom_counts(tree: etree._Element | None) -> DomCounts:
    """Element counts, class words and declared page types of a parsed page (one pass in C for the counts)."""
    if tree is None:
        return NO_DOM
    tags = Counter(element.tag for element in tree.iter(*COUNTED_TAGS))
    scripts = "\n".join(tree.xpath('//script[@type="application/ld+json"]/text()'))
    values = _TYPE_VALUE.findall(scripts)
    values += [value.rsplit("/", 1)[-1] for value in tree.xpath("//@itemtype")]
    values += tree.xpath('//meta[@property="og:type"]/@content')
    names = frozenset(word.lower() for value in values for word in re.findall(r"[A-Za-z]+", value))
    classes = " ".join(tree.xpath("//@class")).lower()
    class_words = {name: sum(classes.count(word) for word in words) for name, words in CLASS_WORDS.items()}
    properties = set(tree.xpath("//meta/@property | //meta/@name | //@itemprop | //@rel"))
    facts = frozenset(fact for fact, (names, key) in _DECLARED_FACTS.items() if key in scripts or properties & names)
    return DomCounts(dict(tags), names, class_words, facts)


def _log(value: float) -> float:
    return math.log1p(value)


class BlockShapes(NamedTuple):
    """What both ``_shares`` and ``_layout`` read of every block, worked out once per page (arrays, one entry a block)."""

    sizes: np.ndarray  # words
    link_chars: np.ndarray
    linked: np.ndarray  # mostly link text (Block.link_density > 0.5)
    headings: np.ndarray
    tags: list[str]


def block_shapes(blocks: Sequence[Block], page: Page) -> BlockShapes:
    link_chars = np.fromiter((block.link_chars for block in blocks), dtype=float, count=len(blocks))
    # Block.link_density, for all blocks at once.
    linked = np.minimum(link_chars / np.maximum(page.lengths - 1, 1), 1.0) > 0.5
    tags = [block.tag for block in blocks]
    headings = np.fromiter((tag in HEADING_TAGS for tag in tags), dtype=bool, count=len(tags))
    return BlockShapes(page.word_counts(), link_chars, linked, headings, tags)


Key = TypeVar("Key", str, frozenset[str])


def _words_by(keys: Sequence[Key], sizes: np.ndarray) -> dict[Key, float]:
    """The words of the blocks of each distinct key (a tag, a context): one pass over the blocks, not one per question."""
    ids: dict[Key, int] = {}
    numbers = np.fromiter((ids.setdefault(key, len(ids)) for key in keys), dtype=np.int64, count=len(keys))
    return dict(zip(ids, np.bincount(numbers, weights=sizes, minlength=len(ids)).tolist(), strict=True))


def _shares(blocks: Sequence[Block], page: Page, shapes: BlockShapes) -> dict[str, float]:
    """How the page's words and blocks spread over kinds of blocks."""
    sizes, linked, headings = shapes.sizes, shapes.linked, shapes.headings
    words = max(sizes.sum(), 1.0)
    count = max(len(blocks), 1)
    texts = page.texts
    repeats = Counter(texts)
    contexts = [block.context for block in blocks]
    # Word counts are whole numbers, so summing them per group first gives the same floats.
    by_tag, by_context = _words_by(shapes.tags, sizes), _words_by(contexts, sizes)
    in_tag = lambda names: float(sum(n for tag, n in by_tag.items() if tag in names))  # noqa: E731
    in_context = lambda name: float(sum(n for context, n in by_context.items() if name in context))  # noqa: E731
    return {
        "log_page_words": _log(sizes.sum()),
        "log_blocks": _log(len(blocks)),
        "mean_block_words": _log(sizes.mean()) if len(blocks) else 0.0,
        "longest_block": _log(sizes.max()) if len(blocks) else 0.0,
        "prose_share": sizes[sizes >= PROSE_WORDS].sum() / words,
        "short_share": float((sizes <= 4).sum()) / count,
        "repeat_share": sum(n for n in repeats.values() if n > 1) / count,
        "price_share": page.flags(*_PRICE).sum() / count,
        "date_share": page.flags(_DATE_SHAPE).sum() / count,
        "question_share": sum(1 for text in texts if text.endswith("?")) / count,
        "link_share": int(shapes.link_chars.sum()) / max(len(page.text) - page.n, 1),
        "linked_block_share": float(linked.sum()) / count,
        "heading_share": float(headings.sum()) / count,
        "log_linked_headings": _log(float((linked & headings).sum())),
        "list_share": in_tag({"li", "dd", "dt"}) / words,
        "table_share": in_tag({"td", "th"}) / words,
        "pre_share": in_tag({"pre"}) / words,
        "comment_share": in_context("role:comment") / words,
        "related_share": in_context("role:related") / words,
        "article_element_share": in_context("in:article") / words,
        "content_role_share": in_context("role:content") / words,
        "log_meta_blocks": _log(sum(1 for context in contexts if "role:meta" in context)),
        "log_prose_blocks": _log(float((sizes >= PROSE_WORDS).sum())),
        "heading_words": float(sizes[headings].mean()) if headings.any() else 0.0,
        "sentence_share": page.flags(_SENTENCE_END).sum() / count,
    }


def _layout(shapes: BlockShapes) -> dict[str, float]:
    """A listing's shape against an article's: teasers (a linked title, then its summary), one long run of prose or none.

    A teaser grid repeats the same few block shapes; an article's words lie
    in one run of unlinked blocks, broken at most by short captions.
    """
    sizes, linked, headings = shapes.sizes, shapes.linked, shapes.headings
    count = max(len(sizes), 1)
    titles = linked & (sizes >= TEASER_TITLE_WORDS[0]) & (sizes <= TEASER_TITLE_WORDS[1])
    summaries = ~linked & (sizes >= TEASER_SUMMARY_WORDS[0]) & (sizes <= TEASER_SUMMARY_WORDS[1])
    summary_follows = np.zeros(len(sizes), dtype=bool)  # within the two blocks after
    summary_follows[:-1] |= summaries[1:]
    summary_follows[:-2] |= summaries[2:]
    teasers = int((titles & summary_follows).sum())
    longest = longest_unlinked_run(sizes, linked)
    # A block's shape as one number: its tag, whether it is linked, its tens of words (up to 3).
    tag_ids: dict[str, int] = {}
    tag_numbers = np.fromiter((tag_ids.setdefault(tag, len(tag_ids)) for tag in shapes.tags), dtype=np.int64, count=len(sizes))
    shape = (tag_numbers * 2 + linked) * 4 + np.minimum(sizes.astype(np.int64) // 10, 3)
    kinds = 8 * len(tag_ids)
    triples = (shape[:-2] * kinds + shape[1:-1]) * kinds + shape[2:]
    triple_counts = np.unique(triples, return_counts=True)[1]
    repeated = int(triple_counts[triple_counts >= 3].sum())
    n_headings = int(headings.sum())
    return {
        "log_teasers": _log(teasers),
        "teaser_share": teasers / count,
        "log_linked_titles": _log(int((linked & (sizes >= 4) & (sizes <= 20)).sum())),
        "main_run_share": longest / max(sizes.sum(), 1.0),
        "log_main_run": _log(longest),
        "shape_repeat_share": repeated / count,
        "top3_share": float(np.sort(sizes)[::-1][:3].sum()) / max(sizes.sum(), 1.0),
        "log_headings": _log(n_headings),
        "linked_heading_share": int((linked & headings).sum()) / max(n_headings, 1),
    }


def longest_unlinked_run(sizes: np.ndarray, linked: np.ndarray) -> float:
    """The most words in a run of blocks that no linked block of 3 words or more breaks (blocks under 8 words add none).

    >>> longest_unlinked_run(np.array([10.0, 5.0, 9.0, 4.0, 30.0]), np.array([False, False, False, True, False]))
    30.0
    """
    breaks = linked & (sizes >= 3)
    total = np.cumsum(np.where(breaks | (sizes < 8), 0.0, sizes))
    # Whole numbers: the running sum less the sum at the last break is the run's sum, exactly.
    runs = total - np.maximum.accumulate(np.where(breaks, total, 0.0))
    return max(float(runs.max()), 0.0) if len(runs) else 0.0


def _kept(text: str, page_words: float) -> dict[str, float]:
    lines = [line for line in text.split("\n") if line.strip()]
    sizes = Page(lines).word_counts()
    kept = sizes.sum()
    return {
        "log_kept_words": _log(kept),
        "kept_share": min(kept / max(page_words, 1.0), 1.0),
        "log_kept_lines": _log(len(lines)),
        "kept_prose_share": sizes[sizes >= PROSE_WORDS].sum() / max(kept, 1.0),
    }


def _url(url: str | None) -> dict[str, float]:
    try:
        parts = urlsplit(url or "")
    except ValueError:  # an invalid IPv6 host, or a netloc NFKC changes: a URL that does not parse shows no shape
        url, parts = None, urlsplit("")
    segments = [segment for segment in parts.path.split("/") if segment]
    last = segments[-1] if segments else ""
    # The words of the folders, and the last segment whole (a slug's words say nothing of its kind).
    words = {word for segment in segments[:-1] for word in re.split(r"[-_.]", segment.lower())}
    words.add(last.rsplit(".", 1)[0].lower())
    host_words = set((parts.hostname or "").split(".")[:-2])
    return {
        "url_depth": float(len(segments)),
        "url_root": float(bool(url) and not segments),
        "url_date": float(bool(_URL_DATE.search(parts.path))),
        "url_slug_words": _log(len(re.findall(r"[^\W_]+", last.rsplit(".", 1)[0]))),
        "url_number": float(bool(_URL_NUMBER.search(parts.path))),
        "url_query": float(bool(parts.query)),
        **{f"url_says_{kind}": float(bool(words & names)) for kind, names in URL_WORDS.items()},
        **{f"host_says_{kind}": float(bool(host_words & names)) for kind, names in HOST_WORDS.items()},
        "url_page_number": float(bool(_URL_PAGE_NUMBER.search(f"{parts.path}?{parts.query}"))),
        "url_extension": float(bool(_URL_EXTENSION.search(last))),
        "url_trailing_slash": float(bool(segments) and parts.path.endswith("/")),
        "url_last_numeric": float(last.isdigit()),
        "url_slug_hyphens": _log(last.count("-")),
    }


def _dom(dom: DomCounts) -> dict[str, float]:
    counts = {f"log_{tag}s": _log(dom.tags.get(tag, 0)) for tag in COUNTED_TAGS}
    classes = {f"log_class_{name}": _log(dom.class_words.get(name, 0)) for name in CLASS_WORDS}
    facts = {f"declares_{fact}": float(fact in dom.facts) for fact in _DECLARED_FACTS}
    types = {f"declares_{kind}": float(bool(dom.types & names)) for kind, names in DECLARED_TYPES.items()}
    return {**counts, **classes, **facts, **types}


def page_feature_dict(blocks: Sequence[Block], kept_text: str, url: str | None, dom: DomCounts = NO_DOM) -> dict[str, float]:
    """The page's features by name: its blocks (or text lines), what the cleaner kept, its URL and tree."""
    page = Page([block.text for block in blocks])  # a block's text holds no newline
    shapes = block_shapes(blocks, page)
    return {**_shares(blocks, page, shapes), **_layout(shapes), **_kept(kept_text, shapes.sizes.sum()), **_url(url), **_dom(dom)}


PAGE_FEATURE_NAMES = tuple(page_feature_dict([], "", None))


def page_features(blocks: Sequence[Block], kept_text: str, url: str | None, dom: DomCounts = NO_DOM) -> np.ndarray:
    values = page_feature_dict(blocks, kept_text, url, dom)
    return np.array([values[name] for name in PAGE_FEATURE_NAMES])


# A text of fewer lines than this is a brief (an article already extracted, a wire item), not a
# scraped page: of the 1,773 shared page texts 14 have fewer, 10 of them articles and 4 forum pages
# that are bot walls or empty. The page models, fitted on whole pages, read a brief's few lines as a
# listing's (on wcxb-dev a listing's page text often comes out as a few lines of prose); a brief
# whose kept lines are mostly sentences is taken for what it is, an article.
BRIEF_LINES = 12
BRIEF_SENTENCE_WORDS = 8  # a sentence line of a brief has this many words or more


def is_brief_article(text: str, kept_text: str) -> bool:
    """Whether a plain text is a brief whose kept lines are at least half sentences of BRIEF_SENTENCE_WORDS words or more.

    >>> story = "The council voted on Monday to close the old library, officials said."
    >>> is_brief_article("Local News\\n" + story, story), is_brief_article("Home\\nNews\\nSport", "Home News Sport")
    (True, False)
    """
    lines = sum(1 for line in text.split("\n") if line.strip())
    kept = [line for line in kept_text.split("\n") if line.strip()]
    sentences = sum(1 for line in kept if len(line.split()) >= BRIEF_SENTENCE_WORDS and _SENTENCE_END.search(line))
    return 0 < lines < BRIEF_LINES and bool(kept) and 2 * sentences >= len(kept)


class PageView(NamedTuple):
    """What the page models read of one cleaned page."""

    mode: str  # "html" or "text": which models
    blocks: tuple[Block, ...]  # the page's visible blocks, or the input text's lines
    kept_text: str  # the cleaned body
    url: str | None
    dom: DomCounts = NO_DOM

    def features(self) -> np.ndarray:
        return page_features(self.blocks, self.kept_text, self.url, self.dom)


def text_blocks(text: str) -> list[Block]:
    """A plain text's lines as blocks without DOM context (text mode's page)."""
    no_context = frozenset[str]()
    return [Block(line, "p", no_context, 0, ()) for line in map(str.strip, text.split("\n")) if line]


@dataclass(frozen=True)
class PageModels:
    """One mode's two models over the standardised terms of the page features (``terms``)."""

    knots: np.ndarray  # per feature: where its second term starts
    mean: np.ndarray  # per term: the features, then their parts above the knots
    scale: np.ndarray
    type_weights: np.ndarray  # terms x PAGE_TYPES
    type_bias: np.ndarray
    confidence_weights: np.ndarray
    confidence_bias: float
    # The calibration: the regression's estimate at each knot, and the word F1 measured there (both rising).
    calibration_estimates: np.ndarray
    calibration_measured: np.ndarray

    def design(self, features: np.ndarray) -> np.ndarray:
        return (terms(features, self.knots) - self.mean) / self.scale

    def type_probabilities(self, features: np.ndarray) -> np.ndarray:
        scores = self.design(features) @ self.type_weights + self.type_bias
        scores = np.exp(scores - scores.max())
        return scores / scores.sum()

    def page_type(self, features: np.ndarray) -> str:
        return PAGE_TYPES[int(np.argmax(self.type_probabilities(features)))]

    def confidence(self, features: np.ndarray) -> float:
        estimate = self.design(features) @ self.confidence_weights + self.confidence_bias
        calibrated = np.interp(estimate, self.calibration_estimates, self.calibration_measured)
        return round(float(np.clip(calibrated, 0.0, 1.0)), 3)


def terms(features: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """The models' terms of one page's features (or of a matrix of pages, one a row): each value, then its part above its knot.

    >>> terms(np.array([1.0, 5.0]), np.array([2.0, 2.0])).tolist()
    [1.0, 5.0, 0.0, 3.0]
    """
    return np.concatenate([features, np.maximum(features - knots, 0.0)], axis=-1)


def models_from_dict(data: dict) -> PageModels:
    names = tuple(feature["name"] for feature in data["features"])
    if names != PAGE_FEATURE_NAMES:
        raise ModelError(f"page model features {names} do not match the code's {PAGE_FEATURE_NAMES}; retrain it")
    if tuple(data["page_types"]) != PAGE_TYPES:
        raise ModelError(f"page model types {data['page_types']} are not {PAGE_TYPES}; retrain it")
    # Each feature's two terms: its own entry, then its "above_knot" entry.
    entries = [*data["features"], *(feature["above_knot"] for feature in data["features"])]
    column = lambda key: np.array([float(entry[key]) for entry in entries])  # noqa: E731
    return PageModels(
        knots=np.array([float(feature["knot"]) for feature in data["features"]]),
        mean=column("mean"),
        scale=column("scale"),
        type_weights=np.array([[float(entry["type_weights"][kind]) for kind in PAGE_TYPES] for entry in entries]),
        type_bias=np.array([float(data["type_bias"][kind]) for kind in PAGE_TYPES]),
        confidence_weights=column("confidence_weight"),
        confidence_bias=float(data["confidence_bias"]),
        calibration_estimates=np.array([float(knot[0]) for knot in data["calibration"]]),
        calibration_measured=np.array([float(knot[1]) for knot in data["calibration"]]),
    )


@functools.cache
def load_page_models(mode: str) -> PageModels:
    """The shipped models of one mode ("html" or "text"), read once per process."""
    text = resources.files("cleanews.clean").joinpath(PAGE_MODEL_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    if data.get("format") != PAGE_MODEL_FORMAT:
        raise ModelError(f"{PAGE_MODEL_FILE} is format {data.get('format')}, the code reads {PAGE_MODEL_FORMAT}; retrain it")
    models = data["models"]
    if mode not in models:
        raise ModelError(f"no page model {mode!r} in {PAGE_MODEL_FILE}; it has {', '.join(sorted(models))}")
    return models_from_dict(models[mode])
