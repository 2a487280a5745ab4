"""Encoding repair and Unicode/whitespace normalisation.

ftfy repairs a text line by line (as its own ``fix_text`` does), and only
the lines it could change at all go through it: most lines of a page hold
no character any of its fixers acts on, and ftfy costs far more than the
check (``ftfy_may_change``).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata

import ftfy
from ftfy.badness import MOJIBAKE_CATEGORIES
from ftfy.chardata import CONTROL_CHARS, LIGATURES, WIDTH_MAP

# Characters that render as nothing or as a plain space in news text.
INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")
# Every character str.isspace() takes but a space and a newline (tests/test_properties.py checks the list).
OTHER_SPACES = ("\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                "\u200a\u2028\u2029\u202f\u205f\u3000")
# Whitespace other than a newline that is not already one space (a run, a tab,
# an NBSP): each becomes one space. A lone space is no match, so text that is
# already normalised is read, not rebuilt.
_SPACES = re.compile(r"[^\S\n]{2,}|[^\S\n ]")

# Rounds of repair and normalisation at most: one is the rule, a second is
# needed when a space or invisible character hid mojibake from ftfy.
MAX_REPAIR_ROUNDS = 3


@functools.cache
def _ftfy_touches(uncurl_quotes: bool) -> re.Pattern[str]:
    """What any fixer of ftfy acts on; a line without it comes out of ftfy unchanged.

    - an HTML entity (``unescape_html`` decodes only those);
    - C0 and C1 controls, terminal escapes, line and paragraph separators,
      surrogates, and the characters of ftfy's own tables (controls it
      removes, ligatures, full- and half-width forms);
    - curly quotes, when they are to be uncurled;
    - possible mojibake: every pattern of ftfy's badness test (the only
      gate to its encoding fixes) needs one of C1, Ã, Â, Œ, œ, or two
      non-ASCII characters side by side of which one is in its mojibake
      categories (Greek and Cyrillic letters are there only beside such a
      character, or in 'вЂ'). A line of Russian or Japanese words alone
      cannot look like mojibake to ftfy.
    Text that is not NFC is left to ftfy (it normalises).
    """
    tables = "".join(sorted({chr(code) for code in (*CONTROL_CHARS, *LIGATURES, *WIDTH_MAP)}))
    quotes = "\u02bc\u2018-\u201f" if uncurl_quotes else ""
    single = re.escape(tables) + quotes
    suspect = "".join(chars for name, chars in MOJIBAKE_CATEGORIES.items() if name not in ("lower_common", "upper_common")) + "Ђ"
    return re.compile(rf"&#?[0-9A-Za-z]{{1,24}};|[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfffÃÂŒœ{single}]"
                      rf"|[{suspect}][^\x00-\x7f]|[^\x00-\x7f][{suspect}]")


def ftfy_may_change(text: str, uncurl_quotes: bool = False) -> bool:
    """Whether ftfy (with normalisation to NFC) could change ``text``; False means it surely would not.

    >>> ftfy_may_change("The “new” café opened at 9"), ftfy_may_change("The cafÃ© opened"), ftfy_may_change("A &amp; B")
    (False, True, True)
    """
    return _ftfy_touches(uncurl_quotes).search(text) is not None or not unicodedata.is_normalized("NFC", text)


def repair(text: str, uncurl_quotes: bool = False) -> tuple[str, bool]:
    """Fix mojibake and HTML entities, normalise every line; return the text and whether ftfy changed it.

    Typographic quotes are kept unless ``uncurl_quotes``: they are text.
    Each line is repaired and normalised until ftfy finds nothing more, so
    the result is a fixed point: cleaning it again repairs nothing. Lines
    ftfy cannot change are only normalised.

    >>> repair("The cafÃ© said &quot;no&quot;")
    ('The café said "no"', True)
    >>> repair("Plain “quoted”  text\\n\\u00a0second line")
    ('Plain “quoted” text\\nsecond line', False)
    """
    if not ftfy_may_change(text, uncurl_quotes):  # the whole text at once: the common case
        return normalise_text(text), False
    lines = text.split("\n")
    fixed = normalise_text(text).split("\n")  # each line normalised; the lines ftfy may change are redone below
    repaired = False
    for index in lines_ftfy_may_change(text, lines, uncurl_quotes):
        fixed[index], changed = repair_with_ftfy(lines[index], uncurl_quotes)
        repaired = repaired or changed
    return "\n".join(fixed), repaired


def lines_ftfy_may_change(text: str, lines: list[str], uncurl_quotes: bool) -> list[int]:
    """The indices of the ``lines`` of ``text`` for which ``ftfy_may_change``, found in one search of the text.

    No match of the pattern crosses a newline, and a text in NFC has every line in NFC.
    """
    starts = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    found = {bisect.bisect_right(starts, match.start()) - 1 for match in _ftfy_touches(uncurl_quotes).finditer(text)}
    if not unicodedata.is_normalized("NFC", text):
        found.update(index for index, line in enumerate(lines) if not unicodedata.is_normalized("NFC", line))
    return sorted(found)


def repair_with_ftfy(text: str, uncurl_quotes: bool = False) -> tuple[str, bool]:
    """``repair`` without the shortcut: ftfy and normalisation to a fixed point, line by line."""
    config = ftfy.TextFixerConfig(uncurl_quotes=uncurl_quotes, normalization="NFC")
    fixed_lines, repaired = [], False
    for line in text.split("\n"):
        for _ in range(MAX_REPAIR_ROUNDS):
            fixed = ftfy.fix_and_explain(line, config)
            normalised = normalise_text(fixed.text)
            repaired = repaired or bool(fixed.explanation)
            if not fixed.explanation and normalised == line:
                break
            line = normalised
        fixed_lines.append(line)
    return "\n".join(fixed_lines), repaired


def normalise_text(text: str) -> str:
    """``normalise_line`` on every line of ``text``, done on the whole text at once.

    >>> normalise_text(" a\\t b \\n\\u200bc ")
    'a b\\nc'
    """
    # Looking for each character with str's own search is many times faster
    # than a regex scan, and most texts hold none of them.
    if any(char in text for char in INVISIBLE_CHARS):
        text = _INVISIBLE.sub("", text)
    if "  " in text or any(char in text for char in OTHER_SPACES):
        text = _SPACES.sub(" ", text)  # a line's ends now hold one space at most
    return text.replace(" \n", "\n").replace("\n ", "\n").strip(" ")


def normalise_line(line: str) -> str:
    """Collapse whitespace (NBSP, tabs, runs of spaces) and drop invisible characters.

    >>> normalise_line("  an\\u00a0 Iranian-backed\\tgroup ")
    'an Iranian-backed group'
    """
    return _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip()
