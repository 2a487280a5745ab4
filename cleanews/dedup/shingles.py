"""Texts -> normalised word tokens -> hashed word shingles, vectorised over blocks of documents.

Tokens are the ``\\w+`` runs of ``NFKC(text).casefold()`` (see ``tokens``),
so copies that differ only in quote style, case, Unicode form or spacing
give the same tokens, and Korean or Russian text is not emptied.

Python-level tokenising costs about a millisecond a document, which is
most of the cost of MinHash. Here a whole block of documents is one NumPy
array of code points instead: a per-code-point table folds case and marks
word characters, a polynomial rolling hash (prefix sums) hashes every token
at once, and shingles combine neighbouring token hashes. A document with a
character whose normalisation is not a plain one-to-one mapping (ligatures,
combining marks, ...) is first normalised in Python, so the result equals
hashing ``tokens(text)`` in every case.

All hashes are fixed functions of the text (never Python's salted
``hash()``), so they are equal across processes, runs and machines, which
the persistent index and the parallel engines rely on.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

TOKEN = re.compile(r"\w+")
CODE_POINTS = 0x110000
SURROGATES = range(0xD800, 0xE000)
# No character from here up has a decomposition (planes 3 to 16 hold unified
# ideographs, tags, variation selectors and private use): scanning the
# range below is a sixth of scanning all (a test checks the whole range).
DECOMPOSABLE_BELOW = 0x30000
# Hangul vowel and trailing-consonant jamo compose with the preceding jamo under NFKC.
HANGUL_SECONDS = (range(0x1161, 0x1176), range(0x11A8, 0x11C3))

# Odd 64-bit constants (from the digits of pi and e): the base of the token
# polynomial, the multiplier that combines token hashes into a shingle, and
# a salt so that no character's value is 0 (0 marks "not a word character").
TOKEN_BASE = 0x243F6A8885A308D3
SHINGLE_BASE = 0xB7E151628AED2A6B
CHAR_SALT = 0x13198A2E03707344
MASK64 = (1 << 64) - 1
# Powers of TOKEN_BASE are tabled for positions modulo 2**20 (16 MB, built
# once); the rare token that straddles a multiple of 2**20 is hashed apart.
POWER_BITS = 20
# Code points per page of the lazily built tables.
PAGE_BITS = 12


def tokens(text: str) -> list[str]:
    """NFKC, casefolded ``\\w+`` tokens: the reference the vectorised path matches.

    >>> tokens("“Don’t” PANIC, said Ωmega")
    ['don', 't', 'panic', 'said', 'ωmega']
    """
    return TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def fmix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: a bijection that spreads every input bit."""
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


class CodePointTables:
    """Per code point: its token-hash value (0: not a word character) and whether it needs full NFKC.

    Filled page by page (``PAGE_BITS`` code points), the first time a text
    holds a code point of the page: English news touches two or three pages,
    and a whole table costs about a second of every process's start.
    """

    def __init__(self) -> None:
        self.values = np.zeros(CODE_POINTS, dtype=np.uint64)
        self.needs_nfkc = np.zeros(CODE_POINTS, dtype=bool)
        self._built = np.zeros(CODE_POINTS >> PAGE_BITS, dtype=bool)
        self._build(0)  # ASCII: every text needs it

    def cover(self, points: np.ndarray) -> None:
        """Make sure the pages of ``points`` are built."""
        pages = np.flatnonzero(np.bincount(points >> PAGE_BITS, minlength=len(self._built)))
        for page in pages[~self._built[pages]].tolist():
            self._build(page)

    def _build(self, page: int) -> None:
        start = page << PAGE_BITS
        chars = [chr(code) if code not in SURROGATES else " " for code in range(start, start + (1 << PAGE_BITS))]
        targets = [fold_one(char) for char in chars]
        folded = [target or char for target, char in zip(targets, chars, strict=True)]
        values = fmix64(np.array([ord(fold) for fold in folded], dtype=np.uint64) + np.uint64(CHAR_SALT))
        values[~word_characters("".join(folded))] = 0
        self.values[start : start + len(chars)] = values
        self.needs_nfkc[start : start + len(chars)] = [target is None or composes(char, fold)
                                                       for target, char, fold in zip(targets, chars, folded, strict=True)]
        self._built[page] = True  # last: a thread that sees it sees the page (rebuilding a page writes the same values)


@functools.lru_cache(maxsize=1)
def code_point_tables() -> CodePointTables:
    """The process's tables (pages are added as texts need them)."""
    return CodePointTables()


def fold_one(char: str) -> str | None:
    """``NFKC(char).casefold()`` when it is one character, else None (the document takes the slow path)."""
    if char.isascii() or unicodedata.is_normalized("NFKC", char):
        target = char.casefold()
    else:
        target = unicodedata.normalize("NFKC", char).casefold()
    return target if len(target) == 1 else None


def composes(char: str, folded: str) -> bool:
    """Whether NFKC may join the character to the one before it: a combining mark, or the second of a canonical pair."""
    code = ord(char)
    return (unicodedata.combining(char) != 0 or unicodedata.combining(folded) != 0 or code in composition_seconds()
            or any(code in seconds for seconds in HANGUL_SECONDS))


@functools.lru_cache(maxsize=1)
def composition_seconds() -> frozenset[int]:
    """Characters that NFKC may compose with the character before them: the second of a canonical pair."""
    seconds = set()
    for code in range(DECOMPOSABLE_BELOW):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):  # "<compat>"-style decompositions never compose
            seconds.add(int(parts[1], 16))
    return frozenset(seconds)


def word_characters(every: str) -> np.ndarray:
    """bool per code point of ``every``: what Python's ``\\w`` matches, taken from the regex engine itself."""
    marked = re.sub(r"\W", "\x00", every)  # U+0000 is not a word character itself
    return np.frombuffer(marked.encode("utf-32-le"), dtype=np.uint32) != 0


@functools.lru_cache(maxsize=1)
def powers() -> tuple[np.ndarray, np.ndarray]:
    """TOKEN_BASE**j and its inverse**j modulo 2**64 for j < 2**POWER_BITS, read-only."""
    table = np.empty((2, 1 << POWER_BITS), dtype=np.uint64)
    table[:, 0] = 1
    table[0, 1:] = TOKEN_BASE
    table[1, 1:] = pow(TOKEN_BASE, -1, 1 << 64)
    np.multiply.accumulate(table, axis=1, out=table)
    table.flags.writeable = False
    return table[0], table[1]


@dataclass(frozen=True)
class Shingles:
    """The hashed shingles of a block of documents, document after document.

    ``values[offsets[i]:offsets[i + 1]]`` are document i's 32-bit shingle
    hashes in text order (repeats kept: MinHash ignores them), of which
    ``values[offsets[i]:head_ends[i]]`` are those inside its first
    ``head_tokens`` tokens. A document with fewer tokens than a shingle has
    one shingle of all its tokens; one without tokens has none.
    ``distinct`` and ``distinct_head`` count distinct values: the set sizes.
    """

    values: np.ndarray  # uint32
    offsets: np.ndarray  # int64, one more than documents
    head_ends: np.ndarray  # int64
    n_tokens: np.ndarray  # int64
    distinct: np.ndarray  # int64
    distinct_head: np.ndarray  # int64

    def __len__(self) -> int:
        return len(self.n_tokens)


def token_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of every token of every text, and each text's token offsets.

    Equal to hashing ``tokens(text)`` (see ``reference_token_hash``).
    """
    tables = code_point_tables()
    texts = list(texts)
    points, starts = code_points(texts)
    beyond_ascii = np.flatnonzero(points > 127)
    tables.cover(points[beyond_ascii])
    slow = beyond_ascii[np.take(tables.needs_nfkc, points[beyond_ascii])]
    if len(slow):
        for doc in np.unique(np.searchsorted(starts, slow, side="right") - 1):
            texts[doc] = unicodedata.normalize("NFKC", texts[doc]).casefold()
        points, starts = code_points(texts)
        tables.cover(points[points > 127])
    values = np.take(tables.values, points)
    is_word = values != 0
    # The block starts and ends with a separator, so changes alternate start, end.
    changes = np.flatnonzero(is_word[1:] != is_word[:-1]) + 1
    token_starts, token_ends = changes[0::2], changes[1::2]
    hashes = polynomial_hashes(values, token_starts, token_ends)
    offsets = np.searchsorted(token_starts, starts)
    return fmix64(hashes), np.append(offsets, len(hashes))


def polynomial_hashes(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """sum(values[j] * TOKEN_BASE**(j - start)) mod 2**64 over each [start, end), by prefix sums.

    Positions are taken modulo the power table's size; a token that
    straddles a multiple of it is summed directly instead.
    """
    forward, inverse = powers()
    window = len(forward)
    weighted = np.empty_like(values)
    for start in range(0, len(values), window):
        part = values[start : start + window]
        np.multiply(part, forward[: len(part)], out=weighted[start : start + window])
    prefix = np.zeros(len(values) + 1, dtype=np.uint64)
    np.cumsum(weighted, out=prefix[1:])
    hashes = (prefix[ends] - prefix[starts]) * np.take(inverse, starts % window)
    for token in np.flatnonzero(starts // window != (ends - 1) // window):
        total = 0
        for offset, value in enumerate(values[starts[token] : ends[token]].tolist()):
            total = (total + value * pow(TOKEN_BASE, offset, 1 << 64)) & MASK64
        hashes[token] = total
    return hashes


def code_points(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """uint32 code points of the texts joined by newlines (one before, one after), and where each starts."""
    joined = "\n" + "\n".join(texts) + "\n"
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.cumsum(lengths + 1) - lengths
    return points, starts


def reference_token_hash(token: str) -> int:
    """The hash ``token_hashes`` gives a token, computed the slow way (for tests and docs).

    >>> import numpy as np
    >>> hashes, _ = token_hashes(["Ωmega!"])
    >>> int(hashes[0]) == reference_token_hash("ωmega")
    True
    """
    tables = code_point_tables()
    tables.cover(np.array([ord(char) for char in token], dtype=np.uint32))
    values = tables.values
    total = 0
    for position, char in enumerate(token):
        total = (total + int(values[ord(char)]) * pow(TOKEN_BASE, position, 1 << 64)) & MASK64
    return int(fmix64(np.array([total], dtype=np.uint64))[0])


def shingle_block(texts: Sequence[str], shingle_size: int, head_tokens: int) -> Shingles:
    """Hashed word ``shingle_size``-grams of each text (see ``Shingles``)."""
    hashes, token_offsets = token_hashes(texts)
    n_tokens = np.diff(token_offsets)
    counts = np.where(n_tokens >= shingle_size, n_tokens - shingle_size + 1, np.minimum(n_tokens, 1))
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    windows = max(len(hashes) - shingle_size + 1, 0)
    # A window is a shingle unless it crosses into the next document.
    inside = np.ones(windows, dtype=bool)
    ends = token_offsets[1:]
    for step in range(1, shingle_size):
        inside[ends[(ends >= step) & (ends - step < windows)] - step] = False
    combined = combine(hashes, shingle_size, windows)[inside]
    short = np.flatnonzero((n_tokens > 0) & (n_tokens < shingle_size))
    if len(short):
        tails = [combine(hashes[token_offsets[doc] :], int(n_tokens[doc]), 1)[0] for doc in short]
        combined = np.insert(combined, offsets[short] - np.arange(len(short)), tails)
    # The high half of the combination is a well-mixed 32-bit hash; datasketch mixes it again (fmix32).
    values = combined.view(np.uint32)[1::2] if sys.byteorder == "little" else combined.view(np.uint32)[0::2]
    # A short document's head is its first half: a part it shares with another
    # page (a sidebar, an author's bio) then stays out of the head of one of them.
    head_length = np.minimum(head_tokens, np.maximum((n_tokens + 1) // 2, shingle_size))
    head_counts = np.minimum(counts, np.maximum(head_length - shingle_size + 1, 1))
    head_ends = offsets[:-1] + head_counts
    codes = np.repeat(np.arange(len(counts), dtype=np.uint64) << np.uint64(32), counts) | values
    return Shingles(values, offsets, head_ends, n_tokens,
                    distinct_per_doc(codes, len(counts)), distinct_per_doc(codes[inside_heads(offsets, head_ends)], len(counts)))


def inside_heads(offsets: np.ndarray, head_ends: np.ndarray) -> np.ndarray:
    """bool per shingle: inside its document's head (+1 where a head starts, -1 where it ends, summed)."""
    marks = np.zeros(int(offsets[-1]) + 1, dtype=np.int8)
    nonempty = head_ends > offsets[:-1]
    marks[offsets[:-1][nonempty]] += 1
    marks[head_ends[nonempty]] -= 1
    return np.cumsum(marks[:-1], dtype=np.int8) > 0


def distinct_per_doc(codes: np.ndarray, documents: int) -> np.ndarray:
    """Distinct values per document, from codes ``document << 32 | value`` (one SIMD sort)."""
    codes = np.sort(codes)
    first = np.r_[True, codes[1:] != codes[:-1]] if len(codes) else np.empty(0, dtype=bool)
    return np.bincount((codes[first] >> np.uint64(32)).astype(np.int64), minlength=documents)


def combine(hashes: np.ndarray, size: int, windows: int) -> np.ndarray:
    """Order-sensitive combination of ``size`` consecutive token hashes, for each of ``windows`` starts."""
    total = hashes[:windows].copy()
    for step in range(1, size):
        total *= np.uint64(SHINGLE_BASE)
        total += hashes[step : step + windows]
    return total
