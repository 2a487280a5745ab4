"""Line-then-word diffs a reader can follow: whole paragraphs in or out, words changed inside.

A diff is a list of rows, one per line shown, in a compact shape the page's
script renders:

- ``["=", text]``: the line is in both texts;
- ``["-", text]``: only in the old text (gold: missing from the output);
- ``["+", text]``: only in the new text (output: extra, not in gold);
- ``["~", [[kind, text], ...]]``: a line changed in places; each span is
  ``=``, ``-`` or ``+`` as above.

>>> diff_texts("The mayor spoke.\\nShare this", "The mayor spoke today.\\nShare this\\nAdvertisement")
[['~', [['=', 'The mayor spoke'], ['+', ' today'], ['=', '.']]], ['=', 'Share this'], ['+', 'Advertisement']]
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

Row = list[Any]
TOKEN = re.compile(r"\w+|\s+|[^\w\s]+")
# Two lines this similar (difflib ratio of their tokens) are shown as one
# line with words changed; below it, as one line out and another in.
MIN_LINE_SIMILARITY = 0.5
# New lines searched for a partner of each old line: bounds the work on a
# page whose every line changed.
MAX_LOOKAHEAD = 20


def diff_texts(old: str, new: str) -> list[Row]:
    """Rows that turn ``old`` into ``new``, aligned line by line."""
    old_lines, new_lines = lines_of(old), lines_of(new)
    matcher = SequenceMatcher(None, [" ".join(line.split()) for line in old_lines], [" ".join(line.split()) for line in new_lines], autojunk=False)
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(["=", line] for line in new_lines[j1:j2])
        else:
            rows.extend(changed_block(old_lines[i1:i2], new_lines[j1:j2]))
    return rows


def lines_of(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def changed_block(old: list[str], new: list[str]) -> list[Row]:
    """Pair each old line with the next similar new line, in order; the rest go out or come in whole.

    A byline inserted before an edited dateline still lets the dateline be
    shown as one line with its words changed.
    """
    rows: list[Row] = []
    start = 0  # new lines before this are already shown
    for line in old:
        match = next(((j, spans) for j in range(start, min(len(new), start + MAX_LOOKAHEAD))
                      if (spans := word_spans(line, new[j])) is not None), None)
        if match is None:
            rows.append(["-", line])
            continue
        j, spans = match
        rows.extend(["+", added] for added in new[start:j])
        rows.append(["~", spans])
        start = j + 1
    rows.extend(["+", added] for added in new[start:])
    return rows


def word_spans(old: str, new: str) -> list[list[str]] | None:
    """Word-level spans of one changed line, or None when the lines are not alike."""
    old_tokens, new_tokens = TOKEN.findall(old), TOKEN.findall(new)
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    if matcher.real_quick_ratio() < MIN_LINE_SIMILARITY or matcher.quick_ratio() < MIN_LINE_SIMILARITY or matcher.ratio() < MIN_LINE_SIMILARITY:
        return None
    spans: list[list[str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add_span(spans, "=", "".join(new_tokens[j1:j2]))
        else:
            add_span(spans, "-", "".join(old_tokens[i1:i2]))
            add_span(spans, "+", "".join(new_tokens[j1:j2]))
    return spans


def add_span(spans: list[list[str]], kind: str, text: str) -> None:
    """Append, merging with the previous span of the same kind."""
    if not text:
        return
    if spans and spans[-1][0] == kind:
        spans[-1][1] += text
    else:
        spans.append([kind, text])
