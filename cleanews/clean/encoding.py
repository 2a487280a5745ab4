"""Encoding repair and Unicode/whitespace normalisation."""

from __future__ import annotations

import re

import ftfy

# Characters that render as nothing or as a plain space in news text.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace except newline


# Printable ASCII, tabs and newlines, without '&': no mojibake, no entity,
# no control character, nothing to normalise to NFC; ftfy leaves such text as it is.
_PLAIN_ASCII = re.compile(r"[\t\n -%'-~]*")

# Rounds of repair and normalisation at most: one is the rule, a second is
# needed when a space or invisible character hid mojibake from ftfy.
MAX_REPAIR_ROUNDS = 3


def repair(text: str, uncurl_quotes: bool = False) -> tuple[str, bool]:
    """Fix mojibake and HTML entities, normalise every line; return the text and whether ftfy changed it.

    Typographic quotes are kept unless ``uncurl_quotes``: they are text.
    Repair and normalisation alternate until ftfy finds nothing more, so the
    result is a fixed point: cleaning it again repairs nothing.

    >>> repair("The cafÃ© said &quot;no&quot;")
    ('The café said "no"', True)
    >>> repair("Plain “quoted” text")
    ('Plain “quoted” text', False)
    """
    if _PLAIN_ASCII.fullmatch(text):  # nothing for ftfy to repair: spare it the work
        return "\n".join(map(normalise_line, text.split("\n"))), False
    return repair_with_ftfy(text, uncurl_quotes)


def repair_with_ftfy(text: str, uncurl_quotes: bool = False) -> tuple[str, bool]:
    """``repair`` without the plain-ASCII shortcut: ftfy and normalisation to a fixed point."""
    config = ftfy.TextFixerConfig(uncurl_quotes=uncurl_quotes, normalization="NFC")
    repaired = False
    for _ in range(MAX_REPAIR_ROUNDS):
        fixed = ftfy.fix_and_explain(text, config)
        normalised = "\n".join(map(normalise_line, fixed.text.split("\n")))
        repaired = repaired or bool(fixed.explanation)
        if not fixed.explanation and normalised == text:
            break
        text = normalised
    return text, repaired


def normalise_line(line: str) -> str:
    """Collapse whitespace (NBSP, tabs, runs of spaces) and drop invisible characters.

    >>> normalise_line("  an\\u00a0 Iranian-backed\\tgroup ")
    'an Iranian-backed group'
    """
    return _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip()
