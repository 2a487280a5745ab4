"""Encoding repair and Unicode/whitespace normalisation."""

from __future__ import annotations

import re

import ftfy

# Characters that render as nothing or as a plain space in news text.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace except newline


def repair(text: str, uncurl_quotes: bool = False) -> tuple[str, bool]:
    """Fix mojibake and HTML entities; return the text and whether it changed.

    Typographic quotes are kept unless ``uncurl_quotes``: they are text.

    >>> repair("The cafÃ© said &quot;no&quot;")
    ('The café said "no"', True)
    >>> repair("Plain “quoted” text")
    ('Plain “quoted” text', False)
    """
    config = ftfy.TextFixerConfig(uncurl_quotes=uncurl_quotes, normalization="NFC")
    fixed = ftfy.fix_and_explain(text, config)
    return fixed.text, bool(fixed.explanation)


def normalise_line(line: str) -> str:
    """Collapse whitespace (NBSP, tabs, runs of spaces) and drop invisible characters.

    >>> normalise_line("  an\\u00a0 Iranian-backed\\tgroup ")
    'an Iranian-backed group'
    """
    return _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip()
