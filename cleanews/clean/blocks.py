"""A page's visible text as blocks in document order, each with where it stands in the DOM.

A block is the text between two block-level boundaries (a paragraph, a
heading, a list item, a table cell, a line break): what a reader sees as one
line of the page. Next to its text, a block keeps what the DOM says about it:
the element that holds it, the enclosing elements' tags and class/id words
('comment', 'related', 'share', 'caption', ...), how much of it is link text,
whether it sits in a hidden node. ``block_features.py`` turns that into the
classifier's features.

Script, style, form controls and other parts a reader never sees as text are
skipped; hidden nodes are kept and flagged, so the classifier decides.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree
from lxml import html as lxml_html

# Elements that start and end a block of text (the CSS display:block family).
BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset figcaption figure "
    "footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul".split()
)
# Elements whose content is never read as text on the page.
SKIPPED_TAGS = frozenset(
    "script style noscript template svg math iframe frame object embed canvas head title meta link select option "
    "button input textarea video audio map area source track datalist".split()
)
HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
# A control the parser left open swallows the rest of the page (an unclosed
# <button> in a header held a whole article): one that holds paragraphs is read.
_LEFT_OPEN = frozenset({"button", "noscript"})

# Words in class and id attributes that say what a part of the page is. Web
# templates name their parts in English almost everywhere, whatever the
# language of the text; readability and trafilatura rely on the same names.
ROLE_PATTERNS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "comment": r"comment|disqus|discussion|respond|repl(?:y|ies)",
        "related": r"related|recommend|popular|trending|teaser|read-?next|more-?(?:stories|news|articles)|outbrain|taboola|recirc|also",
        "share": r"share|sharing|social|follow|facebook|twitter|whatsapp",
        "caption": r"caption|credit|figcaption|gallery|photo|image|media",
        "footer": r"footer|copyright|legal|colophon",
        "navigation": r"nav|menu|breadcrumb|masthead|topbar|toolbar|skip",
        "ad": r"(?:^|[-_\s])ads?(?:$|[-_\s])|advert|sponsor|banner|promo|dfp",
        "meta": r"byline|author|date|time|meta|dateline|tags?(?:$|[-_\s])|categor|kicker|eyebrow",
        "sidebar": r"sidebar|widget|rail|aside|secondary",
        "subscribe": r"newsletter|subscri|signup|sign-up|paywall|register|login|cookie|consent|modal|popup|overlay",
        "content": r"article|content|story|body|entry|post|text|prose|main",
    }.items()
}
# Inline style or attributes that hide a node from the reader.
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HIDDEN_CLASS = re.compile(r"(?:^|[-_\s])(?:hidden|hide|sr-only|visually-hidden|screen-reader|offscreen|invisible|d-none)(?:$|[-_\s])")
# Enclosing elements whose tag says what they hold (HTML5 sectioning and friends).
CONTEXT_TAGS = frozenset("nav header footer aside article main figure form table li blockquote a".split())


@dataclass
class Block:
    """One visible line of the page.

    ``context`` names what encloses it: ``in:<tag>`` for the CONTEXT_TAGS
    around it, ``role:<name>`` for ROLE_PATTERNS matched by an enclosing
    element's class or id, ``hidden`` for a hidden node. ``path`` holds the
    ids of its enclosing block elements, outermost first (for container
    features); ``depth`` is their number. ``template`` is the tag and class
    of the nearest enclosing block element that has a class: a template
    gives every chunk of an article the same one, wherever the chunks sit.
    """

    text: str
    tag: str
    context: frozenset[str]
    link_chars: int
    path: tuple[int, ...]
    template: str = ""

    @property
    def depth(self) -> int:
        return len(self.path)

    @property
    def link_density(self) -> float:
        return min(self.link_chars / max(len(self.text), 1), 1.0)


class _Frame(NamedTuple):
    """An open element during the walk: what the blocks inside it inherit, worked out once when it opens."""

    context: frozenset[str]  # its own and its ancestors' context names
    path: tuple[int, ...]  # ids of the block elements from the root down to it
    owner_tag: str  # the innermost block element around it (itself, if it is one): the blocks' element
    owner_context: frozenset[str]
    in_pre: bool
    in_link: bool
    template: str  # the blocks' template (Block.template)

    def child(self, tag: str, own: frozenset[str], node_id: int, classes: str | None) -> _Frame:
        if tag in BLOCK_TAGS:
            context = self.context | own if own else self.context
            template = f"{tag}.{classes}" if classes else self.template
            return _Frame(context, (*self.path, node_id), tag, context, self.in_pre or tag == "pre", self.in_link, template)
        if not own and (self.in_link or tag != "a"):
            return self  # an inline element that adds nothing (most of them): its blocks inherit the same
        return _Frame(self.context | own, self.path, self.owner_tag, self.owner_context, self.in_pre, self.in_link or tag == "a",
                      self.template)


_OUTSIDE = _Frame(frozenset(), (), "", frozenset(), False, False, "")


def collapse_spaces(text: str) -> str:
    """Runs of whitespace as one space, none at the ends (str.split's whitespace is the regex \\s, faster).

    >>> collapse_spaces("  one\\n two\\u00a0 three ")
    'one two three'
    """
    return " ".join(text.split())


def parse_html(html: str) -> etree._Element | None:
    """The page's DOM, or None when the page holds no markup to parse.

    The tree is trafilatura's own parse (``load_html``: its encoding and
    markup repairs), so the blocks and the extractor read one tree, parsed
    once; a page trafilatura refuses is parsed by lxml directly.
    """
    if not html.strip():
        return None
    try:
        import trafilatura  # here: slow to import, and dedup (which imports the features' names) needs it not

        tree = trafilatura.load_html(html)
    except (TypeError, ValueError, etree.LxmlError):
        tree = None
    return tree if tree is not None else _lxml_parse(html)


def _lxml_parse(html: str) -> etree._Element | None:
    try:
        # Bytes, so a page declaring its encoding in an XML prolog still parses.
        return lxml_html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=_parser())
    except (etree.ParserError, ValueError):
        return None


def _parser() -> lxml_html.HTMLParser:
    return lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def page_blocks(html: str) -> list[Block]:
    """The visible text blocks of an HTML page, in document order.

    >>> [(b.tag, b.text) for b in page_blocks("<html><body><div><h1>Title</h1><p>One <a href='x'>two</a><br>three</p></div></body></html>")]
    [('h1', 'Title'), ('p', 'One two'), ('p', 'three')]
    """
    root = parse_html(html)
    return [] if root is None else list(blocks_of(root))


def blocks_of(root: etree._Element) -> Iterator[Block]:
    """Walk the tree once; a block ends wherever a block element opens or closes."""
    stack = [_OUTSIDE]
    pieces: list[str] = []  # the text of the block being read
    link_chars = 0  # how much of it is link text
    node_ids = itertools.count()
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        skipped = not tag or (tag in SKIPPED_TAGS and not (tag in _LEFT_OPEN and element.find(".//p") is not None))
        if event == "start":
            if skipped:
                walker.skip_subtree()
                continue
            if (tag in BLOCK_TAGS or tag == "br") and pieces:
                yield from _flush(pieces, link_chars, stack[-1])
                pieces, link_chars = [], 0
            if tag == "br":
                continue
            stack.append(stack[-1].child(tag, element_context(element, tag), next(node_ids), element.get("class")))
            text = element.text
        else:
            if not skipped and tag != "br":
                if tag in BLOCK_TAGS and pieces:
                    yield from _flush(pieces, link_chars, stack[-1])
                    pieces, link_chars = [], 0
                stack.pop()
            text = element.tail
        if text:
            pieces.append(text)
            if stack[-1].in_link:
                link_chars += len(collapse_spaces(text))
    if pieces:
        yield from _flush(pieces, link_chars, stack[-1])


def element_context(element: etree._Element, tag: str) -> frozenset[str]:
    """What one element says about the text inside it."""
    names = _TAG_CONTEXT.get(tag, _NOTHING)
    get = element.get  # a few attribute reads cost less than all of them as a dict
    classes, ident, style = get("class"), get("id"), get("style")
    if classes is not None or ident is not None:
        named = attribute_context(f"{classes or ''} {ident or ''}")
        if named:
            names = names | named
    if get("hidden") is not None or get("aria-hidden") == "true" or (style and _HIDDEN_STYLE.search(style)):
        names = names | _HIDDEN
    return names


_NOTHING: frozenset[str] = frozenset()
_HIDDEN = frozenset({"hidden"})
_TAG_CONTEXT = {tag: frozenset({f"in:{tag}"}) for tag in CONTEXT_TAGS}


# An id or class made of a heading's words ('receive-and-reply-to-an-inbound-sms-message', a docs
# page's section anchor) names the text, not a part of the page: a role word in it ('reply') says
# nothing. It has this many words or more, one of them a function word; a template's names are a
# few words and no phrase ('comment-list', 'wp-block-latest-comments__comment-excerpt').
MIN_SLUG_WORDS = 5
SLUG_FUNCTION_WORDS = frozenset("a an and the to of for with in on how is are your what why when".split())
_NAME_PARTS = re.compile(r"[-_]+")


def text_slug(name: str) -> bool:
    """Whether a class or id is a phrase's slug.

    >>> text_slug("receive-and-reply-to-an-inbound-sms-message"), text_slug("comment-reply-link"), text_slug("you-may-also-like")
    (True, False, False)
    """
    parts = _NAME_PARTS.split(name)
    return len(parts) >= MIN_SLUG_WORDS and not SLUG_FUNCTION_WORDS.isdisjoint(parts)


@functools.lru_cache(maxsize=32768)
def attribute_context(attributes: str) -> frozenset[str]:
    """Roles and hiding named by class and id words, in any case (cached: templates repeat their class names).

    A name that is a phrase's slug (``text_slug``) names no role.
    """
    attributes = attributes.lower()
    if attributes.count("-") + attributes.count("_") >= MIN_SLUG_WORDS - 1:  # (most names are short: no split)
        attributes = " ".join(name for name in attributes.split() if not text_slug(name))
    names = {f"role:{name}" for name, pattern in ROLE_PATTERNS.items() if pattern.search(attributes)}
    if _HIDDEN_CLASS.search(attributes):
        names.add("hidden")
    return frozenset(names)


def _flush(pieces: list[str], link_chars: int, frame: _Frame) -> Iterator[Block]:
    """The text read since the last block boundary as blocks: one, or one per line inside <pre>."""
    raw = "".join(pieces)
    if not raw.strip():
        return
    texts = [collapse_spaces(part) for part in (raw.split("\n") if frame.in_pre else [raw])]
    total = sum(len(text) for text in texts) or 1
    for text in texts:
        if text:
            yield Block(
                text=text,
                tag=frame.owner_tag,
                context=frame.owner_context,
                link_chars=round(link_chars * len(text) / total),
                path=frame.path,
                template=frame.template,
            )
