"""The cleaner: raw HTML or scraped text in, article body and metadata out.

>>> doc = clean_text("Big Storm Hits Coast\\n\\n3 min read\\n\\nThe storm hit the coast on Monday, officials said.")
>>> doc.title, doc.text
('Big Storm Hits Coast', 'The storm hit the coast on Monday, officials said.')
>>> [(r.rule, r.line) for r in doc.cleaning.removed]
[('title', 'Big Storm Hits Coast'), ('reading_time', '3 min read')]
"""

from __future__ import annotations

import dataclasses

from cleanews.clean.encoding import repair
from cleanews.clean.html import extract
from cleanews.clean.lines import clean_lines
from cleanews.clean.model import load_model
from cleanews.config import CleanConfig
from cleanews.document import Cleaning, Document

DEFAULT_CONFIG = CleanConfig()

__all__ = ["clean_text", "clean_html", "clean_document"]


def clean_text(text: str, config: CleanConfig = DEFAULT_CONFIG, doc_id: str = "") -> Document:
    """Clean already-scraped plain text: repair, normalise, drop junk lines."""
    return clean_document(Document(id=doc_id, text=text), dataclasses.replace(config, mode="text"))


def clean_html(html: str, config: CleanConfig = DEFAULT_CONFIG, doc_id: str = "", url: str | None = None) -> Document:
    """Extract the article from an HTML page, then clean its text."""
    doc = Document(id=doc_id, text="", html=html, url=url)
    return clean_document(doc, dataclasses.replace(config, mode="html"))


def clean_document(doc: Document, config: CleanConfig = DEFAULT_CONFIG) -> Document:
    """Clean one document; metadata found in the page fills fields the record lacks."""
    use_html = config.mode == "html" or (config.mode == "auto" and bool(doc.html and doc.html.strip()))
    text, metadata = doc.text, {}
    if use_html:
        extracted = extract(doc.html or "", url=doc.url)
        text = extracted.text
        metadata = {"title": extracted.title, "url": extracted.url, "date": extracted.date, "author": extracted.author}
    repaired = False
    if config.fix_encoding:
        text, repaired = repair(text, config.uncurl_quotes)
    # In HTML the title comes from the page's metadata, not from the body.
    result = clean_lines(
        text,
        detect_title=config.detect_title and not use_html,
        # An extractor already drops repeated page parts; a line that repeats
        # in its output is text (an interview's recurring question).
        drop_repeats=config.drop_repeated_lines and not use_html,
        known_title=metadata.get("title") or doc.title,
        model=load_model("text") if config.line_model and not use_html else None,
    )
    found = {**metadata, "title": metadata.get("title") or result.title, "url": metadata.get("url") or result.url}
    filled = {name: getattr(doc, name) or value for name, value in found.items() if value or getattr(doc, name)}
    return doc.replace(
        text="\n".join(result.lines),
        html=None,
        cleaning=Cleaning(removed=result.removed, encoding_repaired=repaired, source="html" if use_html else "text"),
        **filled,
    )
