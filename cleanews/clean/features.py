"""Line features for the line classifier: one table of names, one function.

Each feature is a general signal of prose against page furniture (length,
sentence shape, stop-word and punctuation density, link-like text, position,
neighbours, repetition), never a phrase from a particular site, so that the
classifier carries over to pages, languages and years it was not trained on.
Named cue patterns enter only through one feature, ``cue``, which says that
some rule of ``rules.py`` matched.

``line_features`` returns a matrix with one row per line and one column per
entry of ``FEATURES``, in that order; the model file stores the same names and
refuses to load when they differ.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from cleanews.clean.rules import first_matching_rule
from cleanews.clean.stopwords import load_stopwords

FEATURES: dict[str, str] = {
    "words": "log(1 + words in the line); CJK characters count as half a word each",
    "word_length": "mean characters per word (capped at 15): menus have short words, URLs and codes long ones",
    "stop_density": "share of the line's words on the document language's stop list",
    "stop_relative": "stop_density over that of the document's long lines (1 when the language is unknown)",
    "sentence_end": "the line ends like a sentence (. ! ? … 。 and closing quotes), before any citation marks ('.[12]', '. [MP3]')",
    "sentences": "log(1 + sentence ends inside the line)",
    "commas": "commas (and ; 、，) per word",
    "capitalised": "share of words that start with a capital letter: headlines and menus are Title Case",
    "digits": "share of characters that are digits: dates, prices, counters",
    "symbols": "share of characters that are neither letters, digits nor spaces",
    "bullet": "starts with a bullet, arrow or pipe, or is a list of items joined by | or •",
    "link_like": "holds a URL, an e-mail address or an @handle",
    "quote": "holds a quotation mark: quoted speech is article text",
    "colon_end": "ends with a colon: a label or a list header",
    "cue": "some named rule of rules.py matched (share buttons, read-time, related, ...)",
    "repeated": "the same words appear on another line of the page (menus top and bottom)",
    "position": "where the line is: 0 at the top of the page, 1 at the bottom",
    "prev_words": "words of the line before (log)",
    "next_words": "words of the line after (log)",
    "prev_stop": "stop_density of the line before",
    "next_stop": "stop_density of the line after",
    "window_words": "log(1 + words in the five lines centred on this one): local text density",
    "window_sentence_end": "share of the five lines centred here that end like a sentence",
    "long_distance": "log(1 + lines to the nearest long line: 20 words, or 100 characters, or more)",
    "relative_words": "words over the 90th percentile of the page's line lengths (capped at 3)",
    "timestamp": "holds a clock time or a numeric date (comment and teaser stamps)",
    "window_timestamps": "timestamp lines among the eleven lines centred here: comment threads stamp every entry",
    "glued": "words glued across an element boundary ('AthleteA 24-year-old'): teaser lists scraped flat",
    "main_distance": "log(1 + lines to the nearest of the page's main runs of prose sentences); 0 inside one",
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)

# The patterns are searched in the whole page at once (lines joined by
# newlines), so none matches across a line's end: ^ and $ are the line's
# (MULTILINE) and a space is [^\S\n].
_LINES = re.MULTILINE
# Kana and CJK ideographs (code point ranges, both ends in).
CJK = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
# Characters the shape features look at; each set is a class bit of the
# character table, so a line's counts are read from the code points.
_TERMINALS = ".!?…。！？؟"  # end a sentence...
_CLOSERS = "'\"’”»)]"  # ...and may be followed by these
_COMMAS = ",;，、؛"
_QUOTES = "\"“”„«»‘’「」"
_BULLETS = "•·▪►▶›»|*>→-"  # open a list item when a space follows
_JOINERS = "|•·"  # join items when spaces stand on both sides
# https?://|www\.|\.(?:com|org|net|html?)\b in any case, spelled out: re skips ahead to a
# pattern's first characters only when it is case-sensitive (ſ is an s to re.IGNORECASE). Two patterns,
# each starting with a literal ('://', '.') and looking back for the rest: re finds a literal by a fast
# scan, where an alternation is tried at every character (ten times the time). A line holds an address
# when it holds a match of either (Page.flags).
_WEB_ADDRESS = (
    re.compile(r"://(?:(?<=[hH][tT][tT][pP]://)|(?<=[hH][tT][tT][pP][sSſ]://))"),
    re.compile(r"\.(?:(?<=[wW][wW][wW]\.)|(?:[cC][oO][mM]|[oO][rR][gG]|[nN][eE][tT]|[hH][tT][mM][lL]?)\b)"),
)
# An e-mail address or @handle (searched only in lines with an @). An address starts where a run of address
# characters starts (the lookbehind): trying every position inside a long
# run would be quadratic.
_AT_ADDRESS = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]+\.\w|(?:^|[^\S\n])@\w", _LINES)
# A clock time, a numeric date, or a year and a time: \b\d{1,2}:\d{2}\b|\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b
# |\b(?:19|20)\d{2}\b.{0,12}\b\d{1,2}:\d{2}, with the first digit taken before the \b (as a lookbehind),
# so that re skips ahead to digits.
_TIMESTAMP = re.compile(r"\d(?<!\w\d)(?:\d?:\d{2}\b|\d{0,3}[./-]\d{1,2}[./-]\d{2,4}\b|(?:(?<=1)9|(?<=2)0)\d{2}\b.{0,12}\b\d{1,2}:\d{2})")
# A lowercase letter, then a capital starting a new sentence with no space: 'StudentAthleteA 24'.
_GLUED = re.compile(r"[A-Z](?:(?<=[a-z]{2}[A-Z])|(?<=[a-z]{2}[.!?\"”’][A-Z]))[a-z]*[^\S\n]")
# A sentence end followed by citation marks, the line's last: 'by 1911.[11][12]', 'the universe. [MP3 SP]'.
# The marks stand side by side, each without a dot inside: a list of links ('... [DOI] [PubMed]') or a
# teaser's cut ('... [...]', '[Read More...]') is no prose.
_CITED_END = re.compile(r"[.!?…。！？؟]['\"’”»)]*[^\S\n]?(?:\[[^\[\]\n.…]{1,30}\])+[^\S\n]*$", _LINES)
# Lines of at least this many words anchor prose (long_distance).
LONG_LINE_WORDS = 20
CHARACTERS_PER_WORD = 5.0  # mean English word length without spaces, about
WINDOW = 2  # lines on each side for the window features
TIMESTAMP_WINDOW = 5
MAX_DISTANCE = 50


def line_features(texts: Sequence[str], words: Sequence[Sequence[str]], cues: Sequence[bool] | None = None) -> np.ndarray:
    """The feature matrix of a page's lines (rows) by ``FEATURE_NAMES`` (columns).

    ``words`` are each line's casefolded ``\\w+`` tokens; ``cues`` say whether a
    named rule matched each line (computed here when the caller has not).
    Every column is computed for all lines at once, one pass per feature.
    """
    n = len(texts)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    # All the page's words in one list, and the line each belongs to: per-word
    # work is one pass over the list, summed per line by bincount.
    every_word = list(itertools.chain.from_iterable(words))
    language, on_stop_list = load_stopwords().on_best_list(every_word)
    if cues is None:
        cues = [first_matching_rule(text, len(line)) is not None for text, line in zip(texts, words, strict=True)]
    page = Page(texts)
    counts = np.fromiter(map(len, words), dtype=np.int64, count=n)
    line_of_word = np.repeat(np.arange(n), counts)
    per_line = lambda values: np.bincount(line_of_word, weights=values, minlength=n)  # noqa: E731
    counts = counts.astype(float)
    cjk = page.per_line((page.classes & CJK_CHAR) > 0)
    size = np.where(cjk > counts, counts + cjk / 2, counts)
    log_size = np.log1p(size)
    per_word = np.maximum(counts, 1)
    stop = per_line(on_stop_list) / per_word
    ends = page.sentence_ends()
    colon_end = np.array([text.rstrip().endswith((":", "：")) for text in texts], dtype=float)
    characters, letters, digits, capitalised = page.character_counts()
    stamps = page.flags(_TIMESTAMP)
    visible = np.maximum(characters, 1)
    # Length in English-word equivalents of characters: German or Finnish
    # prose has fewer, longer words, and a paragraph is a paragraph.
    extent = np.maximum(size, characters / CHARACTERS_PER_WORD)
    columns = {
        "words": log_size,
        "word_length": np.minimum(per_line(np.fromiter(map(len, every_word), dtype=float, count=len(every_word))) / per_word, 15.0),
        "stop_density": stop,
        "stop_relative": relative_stop_density(stop, size, known=language is not None),
        "sentence_end": ends,
        "sentences": np.log1p(page.sentence_marks()),
        "commas": page.per_line((page.classes & COMMA) > 0) / np.maximum(size, 1),
        "capitalised": capitalised,
        "digits": digits / visible,
        "symbols": (visible - letters - digits) / visible,
        "bullet": page.bullets(),
        "link_like": np.maximum(page.flags(*_WEB_ADDRESS), [_AT_ADDRESS.search(text) is not None if "@" in text else False for text in texts]),
        "quote": (page.per_line((page.classes & QUOTE) > 0) > 0).astype(float),
        "colon_end": colon_end,
        "cue": np.array(cues, dtype=float),
        "repeated": repeated(words),
        "position": np.arange(n) / max(n - 1, 1),
        "prev_words": shifted(log_size, 1),
        "next_words": shifted(log_size, -1),
        "prev_stop": shifted(stop, 1),
        "next_stop": shifted(stop, -1),
        "window_words": np.log1p(window_sum(size)),
        "window_sentence_end": window_sum(ends) / (2 * WINDOW + 1),
        "long_distance": np.log1p(distance_to_long(extent)),
        "relative_words": np.minimum(size / max(float(np.percentile(size, 90)), 1.0), 3.0),
        "timestamp": stamps,
        "window_timestamps": window_sum(stamps, TIMESTAMP_WINDOW),
        "glued": page.flags(_GLUED),
        "main_distance": np.log1p(distance_to_main_run(extent, np.maximum(ends, colon_end))),
    }
    return np.column_stack([columns[name] for name in FEATURE_NAMES])


class Page:
    """A page's lines joined into one text, so that a pattern or a character class is read in one pass, not line by line.

    Every line has a newline before it (the first too), so a pattern can
    find a line's start by its newline.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self.text = "\n" + "\n".join(texts) if texts else ""
        self.n = len(texts)
        self.lengths = np.fromiter(map(len, texts), dtype=np.int64, count=self.n) + 1  # with its newline
        self.starts = np.cumsum(self.lengths) - self.lengths  # each line's newline

    def counts(self, *patterns: re.Pattern[str]) -> np.ndarray:
        """Matches of ``patterns`` in each line (none crosses a line's end; one at a newline is the next line's)."""
        positions = [match.start() for pattern in patterns for match in pattern.finditer(self.text)]
        lines = np.searchsorted(self.starts, positions, side="right") - 1
        return np.bincount(lines, minlength=self.n).astype(float)

    def flags(self, *patterns: re.Pattern[str]) -> np.ndarray:
        """1.0 for each line one of ``patterns`` is found in, else 0.0."""
        return (self.counts(*patterns) > 0).astype(float)

    @functools.cached_property
    def codes(self) -> np.ndarray:
        """The code point of every character of the joined text."""
        return np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)

    @functools.cached_property
    def classes(self) -> np.ndarray:
        """The class bits (SPACE, ALPHA, ...) of every character of the joined text."""
        return character_classes(self.codes)

    def sentence_ends(self) -> np.ndarray:
        """1.0 for each line that ends like a sentence: its last character that is not a closer is a terminal,
        or it ends with citation marks after one (``_CITED_END``).

        (The regex ``[.!?…。！？؟]['"’”»)\\]]*$`` in each line, or that one.)
        """
        classes = self.classes
        last_other = np.maximum.accumulate(np.where((classes & CLOSER) == 0, np.arange(len(classes)), 0))
        line_ends = self.starts + self.lengths - 1  # a line's last character (its newline when it is empty)
        ends = ((classes[last_other[line_ends]] & TERMINAL) > 0).astype(float)
        return np.maximum(ends, self.flags(_CITED_END)) if "]" in self.text else ends

    def sentence_marks(self) -> np.ndarray:
        """Per line, the terminals that closers and then a space or the line's end follow.

        (The matches of ``[.!?…。！？؟]['"’”»)\\]]*(?:[^\\S\\n]|$)`` in each line: a terminal
        such that the first character after it that is not a closer is whitespace, or there is none.)
        """
        classes = self.classes
        size = len(classes)
        positions = np.arange(size)
        # The first character at or after each position that is not a closer (size when none).
        next_other = np.minimum.accumulate(np.where((classes & CLOSER) == 0, positions, size)[::-1])[::-1]
        after = np.append(next_other, size)[positions + 1]
        ends_sentence = (np.append(classes, SPACE)[after] & SPACE) > 0
        return self.per_line(((classes & TERMINAL) > 0) & ends_sentence)

    def bullets(self) -> np.ndarray:
        """1.0 for each line that opens with a bullet and a space, or joins items by | or • between spaces.

        (The regexes ``\\n[^\\S\\n]*[•·▪►▶›»|*>→-][^\\S\\n]`` and ``[|•·](?<=[^\\S\\n][|•·])[^\\S\\n]`` in each line.)
        """
        classes, codes = self.classes, self.codes
        size = len(classes)
        blank = ((classes & SPACE) > 0) & (codes != ord("\n"))  # a space within the line
        positions = np.arange(size)
        # The first character after each line's newline that is no space within the line.
        next_solid = np.minimum.accumulate(np.where(~blank, positions, size)[::-1])[::-1]
        first = np.append(next_solid, size)[np.minimum(self.starts + 1, size)]
        padded_classes, padded_blank = np.append(classes, 0), np.append(blank, False)
        opens = ((padded_classes[first] & BULLET) > 0) & padded_blank[np.minimum(first + 1, size)]
        spaced = np.concatenate([[False], blank[:-1]]) & np.append(blank[1:], False) if size else blank
        joins = self.per_line(((classes & JOINER) > 0) & spaced) > 0
        return (opens | joins).astype(float)

    def per_line(self, mask: np.ndarray) -> np.ndarray:
        """How many characters of each line ``mask`` holds (the newline before a line is its own)."""
        if self.n == 0:
            return np.zeros(0)
        # Every line holds at least its newline, so each starts where the one before ends.
        return np.add.reduceat(mask, self.starts, dtype=np.int64).astype(float)

    def word_counts(self) -> np.ndarray:
        """Per line, ``len(re.findall(r"\\w+", line))``: the runs of word characters."""
        word = (self.classes & WORD_CHAR) > 0
        return self.per_line(word & ~np.concatenate([[False], word[:-1]]))

    def character_counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per line: characters that are not spaces, letters, digits, and the capitalised share of its words.

        Words are split at whitespace; the share is of those starting with a
        letter (``capitalised_share``). Character classes are str's own
        (``isspace``, ``isalpha``, ``isdigit``, ``isupper``), looked up once
        per distinct character.
        """
        classes = self.classes
        space, alpha = (classes & SPACE) > 0, (classes & ALPHA) > 0
        initial = ~space & np.concatenate([[True], space[:-1]])
        upper_initials, alpha_initials = self.per_line(initial & ((classes & UPPER) > 0)), self.per_line(initial & alpha)
        return self.per_line(~space), self.per_line(alpha), self.per_line((classes & DIGIT) > 0), upper_initials / np.maximum(alpha_initials, 1)


def words_of_lines(texts: Sequence[str]) -> list[list[str]]:
    """The casefolded ``\\w+`` words of every line (none holds a newline), for the whole page at once: ``lines.words_of`` of each.

    Every character that is not a word character (``\\w``) becomes a space,
    so str.split yields the ``\\w+`` tokens; casefolding maps each character
    on its own, so folding the whole page folds every token.

    >>> words_of_lines(["Ünal's 2 cafés,", "", "STRASSE-Straße"])
    [['ünal', 's', '2', 'cafés'], [], ['strasse', 'strasse']]
    """
    page = Page(texts)
    codes = page.codes
    spaced = np.where((page.classes & WORD_CHAR) > 0, codes, np.where(codes == ord("\n"), codes, ord(" "))).astype(np.uint32)
    text = spaced.tobytes().decode("utf-32-le", "surrogatepass")
    return [line.split() for line in text.casefold().split("\n")[1:]]


SPACE, ALPHA, DIGIT, UPPER, WORD_CHAR, COMMA, QUOTE, TERMINAL, CLOSER, BULLET, JOINER, CJK_CHAR = (1 << bit for bit in range(12))


def character_class(char: str) -> int:
    """The class bits of one character; WORD_CHAR is the regex ``\\w`` (alphanumeric or '_'), CJK_CHAR a code point of ``CJK``."""
    return (SPACE * char.isspace() | ALPHA * char.isalpha() | DIGIT * char.isdigit() | UPPER * char.isupper()
            | WORD_CHAR * (char.isalnum() or char == "_") | COMMA * (char in _COMMAS) | QUOTE * (char in _QUOTES)
            | TERMINAL * (char in _TERMINALS) | CLOSER * (char in _CLOSERS) | BULLET * (char in _BULLETS)
            | JOINER * (char in _JOINERS) | CJK_CHAR * is_cjk(ord(char)))


def is_cjk(code: int) -> bool:
    return CJK[0][0] <= code <= CJK[-1][1] and any(low <= code <= high for low, high in CJK)


@functools.cache
def plane_classes() -> np.ndarray:
    """The class bits of every character of the Basic Multilingual Plane: a table built once per process (tens of ms)."""
    return np.array([character_class(chr(code)) for code in range(PLANE)], dtype=np.uint16)


PLANE = 0x10000


def character_classes(codes: np.ndarray) -> np.ndarray:
    """The class bits of each code point: the plane's table, str's methods once per distinct character beyond it (emoji)."""
    classes = plane_classes()[np.minimum(codes, PLANE - 1)]
    other = codes >= PLANE
    if other.any():
        distinct, where = np.unique(codes[other], return_inverse=True)
        classes[other] = np.array([character_class(chr(code)) for code in distinct], dtype=np.uint16)[where]
    return classes


def relative_stop_density(stop: np.ndarray, size: np.ndarray, known: bool) -> np.ndarray:
    """Stop density over the density of the page's long lines.

    Stop lists differ in size between languages, so the absolute density of
    prose differs too; relative to the page's own prose it does not.
    """
    if not known:
        return np.ones_like(stop)
    long_lines = size >= 10
    reference = float(np.average(stop[long_lines], weights=size[long_lines])) if long_lines.any() else float(np.mean(stop))
    return np.minimum(stop / max(reference, 0.05), 3.0)


def repeated(words: Sequence[Sequence[str]]) -> np.ndarray:
    keys = [" ".join(line) for line in words]
    counts = Counter(keys)
    return np.array([bool(key) and counts[key] > 1 for key in keys], dtype=float)


def shifted(values: np.ndarray, by: int) -> np.ndarray:
    """values moved down by ``by`` (the previous line's value), zero past the edge."""
    out = np.zeros_like(values)
    if by > 0:
        out[by:] = values[:-by]
    else:
        out[:by] = values[-by:]
    return out


def window_sum(values: np.ndarray, half_width: int = WINDOW) -> np.ndarray:
    """Sum of ``values`` over the lines from ``half_width`` before to ``half_width`` after."""
    padded = np.concatenate([np.zeros(half_width), values, np.zeros(half_width)])
    cumulative = np.concatenate([[0.0], np.cumsum(padded)])
    return cumulative[2 * half_width + 1 :] - cumulative[: -2 * half_width - 1]


def distance_to_long(size: np.ndarray) -> np.ndarray:
    """Lines to the nearest line of LONG_LINE_WORDS or more (MAX_DISTANCE when none).

    >>> distance_to_long(np.array([1.0, 30.0, 1.0, 1.0, 1.0, 25.0])).tolist()
    [1.0, 0.0, 1.0, 2.0, 1.0, 0.0]
    """
    long_lines = np.flatnonzero(size >= LONG_LINE_WORDS)
    if len(long_lines) == 0:
        return np.full(len(size), float(MAX_DISTANCE))
    positions = np.arange(len(size))
    after = np.searchsorted(long_lines, positions)  # the first long line at or after each position
    next_long = long_lines[np.minimum(after, len(long_lines) - 1)]
    previous_long = long_lines[np.maximum(after - 1, 0)]
    nearest = np.minimum(np.abs(next_long - positions), np.abs(positions - previous_long))
    return np.minimum(nearest, MAX_DISTANCE).astype(float)


# A line counts as prose evidence from this many words on (main_distance);
# every other line costs MAIN_RUN_GAP_COST words of evidence.
PROSE_WORDS = 8
MAIN_RUN_GAP_COST = 4.0


def distance_to_main_run(size: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Lines to the nearest of the page's main runs of prose (``main_runs``), 0 inside one.

    A page's article is usually one long stretch of sentences, or a few
    (sections split by code, tables or a gallery); menus, teasers and
    footers sit outside them, often separated by short lines. ``ends``
    counts a line ending in a colon too: the sentence that introduces code
    or a list ('... is the mean:') is prose, and the section it opens is
    no gap.
    """
    evidence = np.where((size >= PROSE_WORDS) & (ends > 0), size, -MAIN_RUN_GAP_COST)
    runs = main_runs(evidence)
    positions = np.arange(len(size))
    if not runs:
        return np.zeros(len(size))
    starts, last = (np.array(bounds)[:, None] for bounds in zip(*runs, strict=True))
    return (np.maximum(starts - positions, 0) + np.maximum(positions - last, 0)).min(axis=0)


# A run of prose with at least this share of the best run's evidence is one of the main runs too.
MAIN_RUN_SHARE = 0.5


def main_runs(evidence: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) of the maximum-sum run, then of the best runs left and right of it, while they hold MAIN_RUN_SHARE of its sum.

    >>> main_runs(np.array([9.0, -4.0, -4.0, -4.0, 6.0, -4.0, 2.0]))
    [(0, 0), (4, 4)]
    """
    start, end = max_sum_run(evidence)
    if end < start:
        return []
    floor = MAIN_RUN_SHARE * float(evidence[start : end + 1].sum())
    runs, pending = [(start, end)], [(0, start), (end + 1, len(evidence))]
    while pending:
        low, high = pending.pop()
        first, last = max_sum_run(evidence[low:high])
        if last >= first and float(evidence[low + first : low + last + 1].sum()) >= floor:
            runs.append((low + first, low + last))
            pending += [(low, low + first), (low + last + 1, high)]
    return sorted(runs)


def max_sum_run(values: Sequence[float] | np.ndarray) -> tuple[int, int]:
    """(first, last) index of the contiguous run with the largest sum (Kadane); (0, -1) when empty.

    >>> max_sum_run([-1.0, 0.5, -0.2, 0.6, -3.0])
    (1, 3)
    """
    best, best_start, best_end = -math.inf, 0, -1
    running, start = 0.0, 0
    for index, value in enumerate(values):
        if running <= 0:
            running, start = 0.0, index
        running += float(value)
        if running > best:
            best, best_start, best_end = running, start, index
    return best_start, best_end
