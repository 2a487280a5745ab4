"""Features of an HTML page's blocks: the line features plus what the DOM and the extractors say.

The HTML classifier sees each visible block of the page (``blocks.py``) with
every line feature of ``features.py`` computed over the block texts, and
these columns after them:

- the block's element and the elements around it (a heading, a list item,
  inside <nav>, <footer>, <aside>, <figure>, a link),
- the roles its enclosing class and id names give it (comment, related,
  share, caption, ...), whether it is hidden, its link density and depth,
- whether trafilatura kept it, the share of its neighbours, of its
  container and of the blocks of its template (an article split into
  chunks around ads) that trafilatura kept, and whether it lies in the
  container that holds most of what trafilatura kept,
- whether its text already appeared higher on the page (a hidden copy, a
  teaser of the lead).

Enclosing tags and roles count relative to the article: a tag or role that
encloses most of what trafilatura kept (a page wrapped whole in a <form>,
an article in a 'post-content' div) says nothing about a block and is
zeroed on that page, so only parts set apart from the article carry it.

Like the line features, these name kinds of page parts, never particular
sites, so they carry over to pages the model was not trained on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from cleanews.clean.blocks import HEADING_TAGS, ROLE_PATTERNS, Block
from cleanews.clean.features import FEATURE_NAMES as LINE_FEATURE_NAMES
from cleanews.clean.features import line_features, window_sum, words_of_lines

WORD = re.compile(r"\w+")
# Word n-grams that tie a block to an extractor's output (the benchmark's unit).
MATCH_GRAM = 4
# A block is in trafilatura's output when at least this share of its words is, in place.
EXTRACTOR_KEPT = 0.5
# The main container holds at least this share of the words an extractor kept.
MAIN_CONTAINER_SHARE = 0.8
# A tag or role around at least this share of the kept words is the article's own.
ARTICLE_CONTEXT_SHARE = 0.5

TAG_FEATURES: dict[str, frozenset[str]] = {
    "tag_heading": HEADING_TAGS,
    "tag_paragraph": frozenset({"p"}),
    "tag_list_item": frozenset({"li", "dd", "dt"}),
    "tag_table_cell": frozenset({"td", "th"}),
    "tag_blockquote": frozenset({"blockquote"}),
    "tag_caption": frozenset({"figcaption", "caption"}),
    "tag_pre": frozenset({"pre"}),
}
CONTEXT_FEATURES = ("nav", "header", "footer", "aside", "article", "main", "figure", "form", "table", "li", "a")

BLOCK_FEATURES: dict[str, str] = {
    **{name: f"the block's element is one of {', '.join(sorted(tags))}" for name, tags in TAG_FEATURES.items()},
    **{f"in_{tag}": f"inside a <{tag}> element" for tag in CONTEXT_FEATURES},
    **{f"role_{name}": f"an enclosing class or id names a {name} part" for name in ROLE_PATTERNS},
    "hidden": "inside a hidden node (hidden attribute, aria-hidden, display:none, a 'hidden' class)",
    "link_density": "share of the block's characters inside links",
    "window_link_density": "mean link density of the five blocks centred here",
    "relative_depth": "element depth minus that of the extractor's main container (capped to -5..10)",
    "extractor": "share of the block's words in word 4-grams of trafilatura's output",
    "extractor_in_place": "the same, each of trafilatura's 4-grams matched at one place on the page (a repeat of kept text is not kept)",
    "extractor_line": "the block is a whole line of trafilatura's output",
    "window_extractor": "mean 'extractor' over the five blocks centred here",
    "parent_extractor": "share of the words under the block's parent element that trafilatura kept",
    "template_extractor": "share of the words in blocks of the block's template (Block.template) that trafilatura kept, in place",
    "main_container": "inside the smallest element that holds 80% of what trafilatura kept",
    "earlier_copy": "share of the block's word 4-grams that already appeared higher on the page",
}
HTML_FEATURE_NAMES: tuple[str, ...] = LINE_FEATURE_NAMES + tuple(BLOCK_FEATURES)
# Features that set a block apart from the article it stands near: a page
# part trafilatura left out that has one of these is never added back.
# (Article, main, list and table wrappers hold article text as often as not.)
APART_FEATURES: tuple[str, ...] = tuple(
    name
    for name in BLOCK_FEATURES
    if name == "hidden" or (name.startswith(("in_", "role_")) and name not in ("in_article", "in_main", "in_li", "in_table", "role_content"))
)


def block_matrix(blocks: Sequence[Block], extracted: str) -> np.ndarray:
    """Rows: blocks; columns: ``HTML_FEATURE_NAMES``. ``extracted`` is trafilatura's text of the page."""
    if not blocks:
        return np.zeros((0, len(HTML_FEATURE_NAMES)))
    texts = [block.text for block in blocks]
    words = words_of_lines(texts)  # the whole page at once, not a regex pass a block
    sizes = np.array([len(line) for line in words], dtype=float)
    kept, kept_in_place = coverage(words, extracted, ["hidden" in block.context for block in blocks])
    links = np.array([block.link_density for block in blocks])
    containers = Containers(blocks)
    main_id, main_depth = main_container(containers, sizes * kept)
    shared = article_context(blocks, sizes * kept)
    context = [block.context - shared for block in blocks]
    extractor_lines = {" ".join(WORD.findall(line.casefold())) for line in extracted.split("\n")}
    columns = {
        **{name: np.array([block.tag in tags for block in blocks], dtype=float) for name, tags in TAG_FEATURES.items()},
        **{f"in_{tag}": has_name(context, f"in:{tag}") for tag in CONTEXT_FEATURES},
        **{f"role_{name}": has_name(context, f"role:{name}") for name in ROLE_PATTERNS},
        "hidden": np.array(["hidden" in block.context for block in blocks], dtype=float),
        "link_density": links,
        "window_link_density": window_sum(links) / 5,
        "relative_depth": np.clip([block.depth - main_depth for block in blocks], -5, 10).astype(float),
        "extractor": kept,
        "extractor_in_place": kept_in_place,
        "extractor_line": np.array([" ".join(line) in extractor_lines for line in words], dtype=float),
        "window_extractor": window_sum(kept) / 5,
        "parent_extractor": parent_share(containers, sizes, kept),
        "template_extractor": template_share([block.template for block in blocks], sizes, kept_in_place),
        "main_container": containers.inside(main_id),
        "earlier_copy": earlier_copy(words),
    }
    dom = np.column_stack([columns[name] for name in BLOCK_FEATURES])
    return np.hstack([line_features(texts, words), dom])


def has_name(contexts: Sequence[frozenset[str]], name: str) -> np.ndarray:
    return np.array([name in names for names in contexts], dtype=float)


def coverage(words: Sequence[Sequence[str]], reference: str, hidden: Sequence[bool] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Share of each block's words that lie in a word 4-gram of ``reference``: anywhere, and in place.

    The 4-grams run across block boundaries, so a short block between two
    kept ones counts as kept when the reference has it in that place. In
    place, each 4-gram of the reference covers one place on the page
    (``match_order``): a second copy of text trafilatura kept once (a
    caption pieced from the headline, a teaser repeating the lead) is not
    what it kept. Anywhere still tells the classifier that a block repeats
    kept text: trafilatura drops a paragraph's repeats, and some are article.
    """
    counts = Counter(word_grams(WORD.findall(reference.casefold())))
    gram_id = {gram: index for index, gram in enumerate(counts)}
    flat = [word for line in words for word in line]
    owner = np.repeat(np.arange(len(words)), [len(line) for line in words])
    ids = np.fromiter((gram_id.get(gram, -1) for gram in word_grams(flat)), dtype=np.int64)
    anywhere = ids >= 0
    hidden_gram = np.asarray(hidden, dtype=bool)[owner[: len(ids)]] if hidden is not None else np.zeros(len(ids), dtype=bool)
    in_place = np.zeros(len(ids), dtype=bool)
    claims = match_order(anywhere, hidden_gram)
    in_place[claims[first_claims(ids[claims], np.fromiter(counts.values(), dtype=np.int64))]] = True
    return word_share(anywhere, owner, len(words)), word_share(in_place, owner, len(words))


def first_claims(ids: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Whether each claim (a gram id, in claim order) comes before its gram's ``available`` copies run out.

    >>> first_claims(np.array([0, 1, 0, 0]), np.array([2, 1])).tolist()
    [True, True, True, False]
    """
    by_gram = np.argsort(ids, kind="stable")
    sorted_ids = ids[by_gram]
    starts = np.r_[0, np.flatnonzero(sorted_ids[1:] != sorted_ids[:-1]) + 1] if len(ids) else np.zeros(0, dtype=int)
    rank = np.arange(len(ids)) - np.repeat(starts, np.diff(np.r_[starts, len(ids)]))
    claimed = np.zeros(len(ids), dtype=bool)
    claimed[by_gram] = rank < available[sorted_ids]
    return claimed


def word_share(found: np.ndarray, owner: np.ndarray, blocks: int) -> np.ndarray:
    """Share of each block's words covered by a found gram (a gram covers its MATCH_GRAM words)."""
    covered = np.zeros(len(owner), dtype=bool)
    for offset in range(MATCH_GRAM):
        covered[offset : offset + len(found)] |= found
    totals = np.bincount(owner, minlength=blocks)
    return np.bincount(owner, weights=covered, minlength=blocks) / np.maximum(totals, 1)


def match_order(in_reference: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """The positions of the page's grams that the reference has, in the order they claim its grams.

    Shown before hidden, then longest run first: the copy trafilatura kept
    runs on into the text around it (a subtitle into the first paragraph),
    a repeat stands alone (a caption, a teaser); ties in page order.

    >>> match_order(np.array([1, 1, 0, 1, 1, 1], dtype=bool), np.zeros(6, dtype=bool)).tolist()
    [3, 4, 5, 0, 1]
    """
    if not in_reference.any():
        return np.zeros(0, dtype=int)
    run_id = np.cumsum(np.r_[True, in_reference[1:] != in_reference[:-1]])
    run_length = np.bincount(run_id)[run_id]
    positions = np.flatnonzero(in_reference)
    return positions[np.lexsort((positions, -run_length[positions], hidden[positions]))]


def word_grams(words: Sequence[str]) -> zip:
    """The word MATCH_GRAM-grams of ``words``, in order, as tuples.

    >>> list(word_grams("a b c d e".split()))
    [('a', 'b', 'c', 'd'), ('b', 'c', 'd', 'e')]
    """
    return zip(*(words[offset:] for offset in range(MATCH_GRAM)), strict=False)  # shorter tails end it


def article_context(blocks: Sequence[Block], kept_words: np.ndarray) -> frozenset[str]:
    """Enclosing tags and roles shared by most of the words trafilatura kept ('hidden' never is)."""
    total = float(kept_words.sum())
    weight: dict[str, float] = {}
    for block, value in zip(blocks, kept_words, strict=True):
        for name in block.context:
            weight[name] = weight.get(name, 0.0) + float(value)
    return frozenset(name for name, value in weight.items() if name != "hidden" and value >= ARTICLE_CONTEXT_SHARE * total > 0)


def earlier_copy(words: Sequence[Sequence[str]]) -> np.ndarray:
    """Share of each block's word 4-grams (its words, when fewer) seen in blocks above it."""
    seen: set[tuple[str, ...]] = set()
    out = np.zeros(len(words))
    for index, line in enumerate(words):
        grams = list(word_grams(line)) or ([tuple(line)] if line else [])
        if grams:
            out[index] = sum(gram in seen for gram in grams) / len(grams)
        seen.update(grams)
    return out


class Containers:
    """Which elements hold which blocks: every (block, enclosing element) pair, flattened once per page.

    Element ids are small consecutive integers (the block walk numbers the
    block elements), so sums under each element are one ``np.bincount``.
    """

    def __init__(self, blocks: Sequence[Block]):
        self.lengths = np.array([len(block.path) for block in blocks], dtype=np.intp)
        self.owner = np.repeat(np.arange(len(blocks)), self.lengths)  # the block of each pair
        self.node = np.fromiter((node for block in blocks for node in block.path), dtype=np.intp, count=int(self.lengths.sum()))
        ends = np.cumsum(self.lengths)
        self.depth = np.arange(len(self.node)) - np.repeat(ends - self.lengths, self.lengths)  # position in its path
        self.size = int(self.node.max()) + 1 if len(self.node) else 0
        # Each block's parent element (the last but one on its path; -1 when it has none).
        self.parent = np.where(self.lengths >= 2, self.node[np.maximum(ends - 2, 0)] if len(self.node) else -1, -1)

    def totals(self, values: np.ndarray) -> np.ndarray:
        """Sum of ``values`` (one per block) over the blocks under each element, indexed by element id."""
        return np.bincount(self.node, weights=values[self.owner], minlength=self.size)

    def inside(self, node: int) -> np.ndarray:
        """1.0 for each block inside element ``node``."""
        out = np.zeros(len(self.lengths))
        out[self.owner[self.node == node]] = 1.0
        return out


def parent_share(containers: Containers, sizes: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """Kept share of the words under each block's parent element (its own when it has none)."""
    words = containers.totals(sizes)
    kept_words = containers.totals(sizes * kept)
    has_parent = containers.parent >= 0
    parent = np.where(has_parent, containers.parent, 0)
    share = kept_words[parent] / np.maximum(words[parent], 1.0) if containers.size else kept
    return np.where(has_parent, share, kept)


def template_share(templates: Sequence[str], sizes: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """Kept share of the words of all blocks with each block's template.

    trafilatura reads an article as one container; a page that splits it
    into chunks around its ads (one template each) loses the chunks after
    the first, which share the kept one's template.

    >>> template_share(["div.body", "div.body", "li.teaser"], np.array([10.0, 30.0, 5.0]), np.array([1.0, 0.0, 0.0])).tolist()
    [0.25, 0.25, 0.0]
    """
    ids: dict[str, int] = {}
    index = np.fromiter((ids.setdefault(template, len(ids)) for template in templates), dtype=np.intp, count=len(templates))
    words = np.bincount(index, weights=sizes)
    return (np.bincount(index, weights=sizes * kept) / np.maximum(words, 1.0))[index]


def main_container(containers: Containers, kept_words: np.ndarray) -> tuple[int, int]:
    """Id and depth of the deepest element holding MAIN_CONTAINER_SHARE of the kept words (-1, 0 if none).

    Elements that each hold that share nest (two apart could not), so the deepest is one element.
    """
    total = float(kept_words.sum())
    if total <= 0 or not containers.size:
        return -1, 0
    holders = np.flatnonzero(containers.totals(kept_words) >= MAIN_CONTAINER_SHARE * total)
    if not len(holders):
        return -1, 0
    depth = np.zeros(containers.size, dtype=np.intp)
    depth[containers.node] = containers.depth
    best = int(holders[np.argmax(depth[holders])])
    return best, int(depth[best]) + 1
