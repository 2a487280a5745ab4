"""The cleaner: raw HTML or scraped text in, article body and metadata out.

>>> doc = clean_text("Big Storm Hits Coast\\n\\n3 min read\\n\\nThe storm hit the coast on Monday, officials said.")
>>> doc.title, doc.text
('Big Storm Hits Coast', 'The storm hit the coast on Monday, officials said.')
>>> [(r.rule, r.line) for r in doc.cleaning.removed]
[('title', 'Big Storm Hits Coast'), ('reading_time', '3 min read')]
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from cleanews.clean.encoding import repair
from cleanews.clean.lines import LineResult, clean_judged_lines, clean_lines
from cleanews.clean.model import MODEL_FEATURES, LineModel, load_model
from cleanews.clean.stopwords import load_stopwords
from cleanews.config import CleanConfig
from cleanews.document import CleanedDocument, Cleaning, Document
from cleanews.errors import RecordError

if TYPE_CHECKING:
    from cleanews.clean.html import JudgedPage
    from cleanews.clean.page import PageView

DEFAULT_CONFIG = CleanConfig()

__all__ = ["clean_text", "clean_html", "clean_document", "warm_up"]


def warm_up() -> None:
    """Load what a process's first document would otherwise wait for: the stop lists, the models and tables.

    A worker does this before it takes a document, so the time limit of its
    first document counts that document's own work only.
    """
    from cleanews.clean.features import plane_classes
    from cleanews.clean.page import load_page_models
    from cleanews.clean.rules import rule_gates

    load_stopwords()
    plane_classes()
    rule_gates()
    for name in MODEL_FEATURES:
        load_model(name)
        load_page_models(name)  # one page model per mode, named like the line models


def clean_text(text: str, config: CleanConfig = DEFAULT_CONFIG, doc_id: str = "") -> CleanedDocument:
    """Clean already-scraped plain text: repair, normalise, drop junk lines."""
    return clean_document(Document(id=doc_id, text=text), dataclasses.replace(config, mode="text"))


def clean_html(html: str, config: CleanConfig = DEFAULT_CONFIG, doc_id: str = "", url: str | None = None) -> CleanedDocument:
    """Extract the article from an HTML page, then clean its text."""
    doc = Document(id=doc_id, text="", html=html, url=url)
    return clean_document(doc, dataclasses.replace(config, mode="html"))


def clean_document(doc: Document, config: CleanConfig = DEFAULT_CONFIG) -> CleanedDocument:
    """Clean one document; metadata found in the page fills fields the record lacks.

    The cleaned record also says what kind of page it was (``page_type``) and
    how well it was probably cleaned (``cleaning.confidence``): ``page.py``.
    Raises RecordError on empty input (no text and no page), which a run
    rejects as an empty record too.
    """
    from cleanews.clean.page import is_brief_article, load_page_models  # here: it reads blocks, which need trafilatura and lxml

    cleaned, view = clean_body(doc, config)
    features = view.features()
    models = load_page_models(view.mode)
    cleaning = dataclasses.replace(cleaned.cleaning, confidence=models.confidence(features))
    brief = view.mode == "text" and is_brief_article(doc.text, cleaned.text)  # the models know whole pages only
    return cleaned.replace(page_type="article" if brief else models.page_type(features), cleaning=cleaning)


def clean_body(doc: Document, config: CleanConfig = DEFAULT_CONFIG, model: LineModel | None = None) -> tuple[CleanedDocument, PageView]:
    """The cleaned document (without page type and confidence) and what the page models read of it.

    ``model`` judges the lines instead of the shipped line model of the mode
    used (training the page model: a line model that never saw the page's site).
    """
    from cleanews.clean.page import NO_DOM, PageView, text_blocks

    if not doc.text.strip() and not (doc.html or "").strip():
        raise RecordError(doc.source or doc.id or "<text>", "empty record: no text or HTML to clean")
    use_html = config.mode == "html" or (config.mode == "auto" and bool(doc.html and doc.html.strip()))
    judge = (model if model is not None else load_model("html" if use_html else "text")) if config.line_model else None
    if use_html:
        result, metadata, repaired, page = clean_page(doc.html or "", doc.url, doc.title, config, judge)
        blocks, dom = page.blocks or text_blocks("\n".join(page.lines)), page.dom
    else:
        text, repaired = repair(doc.text, config.uncurl_quotes) if config.fix_encoding else (doc.text, False)
        result = clean_lines(
            text,
            detect_title=config.detect_title,
            drop_repeats=config.drop_repeated_lines,
            known_title=doc.title,
            model=judge,
        )
        metadata, blocks, dom = {}, text_blocks(text), NO_DOM
    found = {**metadata, "title": metadata.get("title") or result.title, "url": metadata.get("url") or result.url,
             "author": metadata.get("author") or result.author}
    filled = {name: getattr(doc, name) or value for name, value in found.items() if value or getattr(doc, name)}
    body = "\n".join(result.lines)
    cleaning = Cleaning(removed=result.removed, encoding_repaired=repaired, source="html" if use_html else "text")
    cleaned = CleanedDocument.of(doc, cleaning, text=body, html=None, **filled)
    return cleaned, PageView("html" if use_html else "text", tuple(blocks), body, cleaned.url, dom)


def clean_page(
    html: str, url: str | None, title: str | None, config: CleanConfig, model: LineModel | None
) -> tuple[LineResult, dict[str, str | None], bool, JudgedPage]:
    """An HTML page's cleaned lines, its metadata, whether encoding was repaired, and the page as read (``model``: None, trafilatura's lines).

    In HTML the title comes from the page's metadata, not from the body; an
    extractor already drops repeated page parts, and a line that repeats in
    its output is text (an interview's recurring question).
    """
    from cleanews.clean.html import (  # here: trafilatura and lxml are slow to import, and dedup needs neither
        page_headline,
        read_page,
    )

    page = read_page(html, url, model)
    extracted = page.extracted
    headline = page_headline(extracted.title, page.blocks, extracted.document_title)
    metadata = {"title": headline, "url": extracted.url, "date": extracted.date, "author": extracted.author}
    lines, repaired = list(page.lines), False
    if config.fix_encoding:
        fixed = [repair(line, config.uncurl_quotes) for line in lines]
        lines, repaired = [line for line, _ in fixed], any(changed for _, changed in fixed)
    result = clean_judged_lines(lines, page.verdicts, known_title=headline or title)
    return result, metadata, repaired, page
