"""Line-then-word diffs a reader can follow: whole paragraphs in or out, words changed inside.

A diff is a list of rows, one per line shown, in a compact shape the page's
script renders:

- ``["=", text]``: the line is in both texts;
- ``["-", text]``: only in the old text (gold: missing from the output);
- ``["+", text]``: only in the new text (output: extra, not in gold);
- ``["~", [[kind, text], ...]]``: a line changed in places; each span is
  ``=``, ``-`` or ``+`` as above;
- ``["!", note]``: the diff was cut short (see ``DiffBudget``), and why.

>>> diff_texts("The mayor spoke.\\nShare this", "The mayor spoke today.\\nShare this\\nAdvertisement")
[['~', [['=', 'The mayor spoke'], ['+', ' today'], ['=', '.']]], ['=', 'Share this'], ['+', 'Advertisement']]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
# difflib's worst case (a small vocabulary: few distinct lines or words)
# grows with the product of the two lengths, and worse. Measured on the
# 2-core dev machine: 2,000 lines of two distinct values take 1.3 s to align,
# two lines of 1,000 tokens from three words take 0.27 s to diff word by
# word. So a diff aligns at most MAX_LINES lines of each text, diffs word by
# word only lines of at most MAX_LINE_TOKENS tokens, and spends at most
# MAX_WORD_WORK on word diffs (see word_spans): about a second
# at worst, while ordinary articles stay far below every bound.
MAX_LINES = 1500
MAX_LINE_TOKENS = 1000
MAX_WORD_WORK = 4_000_000


@dataclass
class DiffBudget:
    """What is left of one diff's word-diff work, and what was cut."""

    word_work: int = MAX_WORD_WORK
    long_lines: set[str] = field(default_factory=set)  # changed lines too long to diff word by word
    over_budget: bool = False

    def spend(self, work: int) -> bool:
        """Take ``work`` from what is left; False (and the diff is cut) when it is not there."""
        if work > self.word_work:
            self.over_budget = True
            return False
        self.word_work -= work
        return True


def diff_texts(old: str, new: str) -> list[Row]:
    """Rows that turn ``old`` into ``new``, aligned line by line; a last ``!`` row says what was cut."""
    old_lines, new_lines = lines_of(old), lines_of(new)
    cut_lines = max(len(old_lines), len(new_lines)) > MAX_LINES
    old_lines, new_lines = old_lines[:MAX_LINES], new_lines[:MAX_LINES]
    matcher = SequenceMatcher(None, [" ".join(line.split()) for line in old_lines], [" ".join(line.split()) for line in new_lines], autojunk=False)
    budget = DiffBudget()
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(["=", line] for line in new_lines[j1:j2])
        else:
            rows.extend(changed_block(old_lines[i1:i2], new_lines[j1:j2], budget))
    note = cut_note(cut_lines, budget)
    return rows + [["!", note]] if note else rows


def cut_note(cut_lines: bool, budget: DiffBudget) -> str:
    """What the reader of a cut diff should know, or ''."""
    notes = []
    if cut_lines:
        notes.append(f"only the first {MAX_LINES:,} lines of each text are compared")
    if budget.long_lines:
        count = len(budget.long_lines)
        notes.append(f"{count:,} changed {'line' if count == 1 else 'lines'} of over {MAX_LINE_TOKENS:,} tokens shown whole, not word by word")
    if budget.over_budget:
        notes.append("past the word-diff budget, the rest of the changed lines are shown whole")
    return "Diff cut: " + "; ".join(notes) + "." if notes else ""


def lines_of(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def changed_block(old: list[str], new: list[str], budget: DiffBudget) -> list[Row]:
    """Pair each old line with the next similar new line, in order; the rest go out or come in whole.

    A byline inserted before an edited dateline still lets the dateline be
    shown as one line with its words changed.
    """
    rows: list[Row] = []
    start = 0  # new lines before this are already shown
    for line in old:
        match = next(((j, spans) for j in range(start, min(len(new), start + MAX_LOOKAHEAD))
                      if (spans := word_spans(line, new[j], budget)) is not None), None)
        if match is None:
            rows.append(["-", line])
            continue
        j, spans = match
        rows.extend(["+", added] for added in new[start:j])
        rows.append(["~", spans])
        start = j + 1
    rows.extend(["+", added] for added in new[start:])
    return rows


def word_spans(old: str, new: str, budget: DiffBudget) -> list[list[str]] | None:
    """Word-level spans of one changed line, or None when the lines are not alike (or too costly to diff).

    Comparing costs about one unit of ``budget.word_work`` per token to set
    up and one per pair of tokens to align (difflib's cost, measured).
    """
    old_tokens, new_tokens = TOKEN.findall(old), TOKEN.findall(new)
    if not budget.spend(len(old_tokens) + len(new_tokens)):
        return None
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    if matcher.real_quick_ratio() < MIN_LINE_SIMILARITY or matcher.quick_ratio() < MIN_LINE_SIMILARITY:
        return None
    if max(len(old_tokens), len(new_tokens)) > MAX_LINE_TOKENS:
        budget.long_lines.update(line for line, tokens in ((old, old_tokens), (new, new_tokens)) if len(tokens) > MAX_LINE_TOKENS)
        return None
    if not budget.spend(len(old_tokens) * len(new_tokens)) or matcher.ratio() < MIN_LINE_SIMILARITY:
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
