"""Main-content extraction from HTML with trafilatura."""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    author: str | None = None


def extract(html: str, url: str | None = None) -> Extracted:
    """The article text of a page and its metadata, as trafilatura finds them.

    Comments are left out: they are not the article. A page where trafilatura
    finds nothing gives empty text (the caller decides what that means).
    """
    result = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
    )
    if result is None:
        return Extracted(text="")
    return Extracted(
        text=result.text or "",
        title=result.title or None,
        url=result.url or url,
        date=result.date or None,
        author=result.author or None,
    )
