"""Text -> normalised tokens -> hashed word shingles.

Normalisation makes copies that differ only in quote style, case, Unicode
form or spacing identical. Hashes are stable across processes and runs
(blake2b, never Python's salted ``hash()``), which the persistent index and
the parallel engines rely on.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """NFKC, casefolded ``\\w+`` tokens: Unicode-aware, so Korean or Russian text is not emptied.

    >>> tokens("“Don’t” PANIC, said Ωmega")
    ['don', 't', 'panic', 'said', 'ωmega']
    """
    return TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def exact_key(token_list: list[str]) -> str:
    """Hash of the normalised text: equal for exact duplicates up to punctuation and case."""
    return hashlib.blake2b(" ".join(token_list).encode("utf-8"), digest_size=16).hexdigest()


def shingle_hashes(token_list: list[str], shingle_size: int) -> np.ndarray:
    """Sorted unique 64-bit hashes of the word ``shingle_size``-grams.

    A document shorter than one shingle is represented by its single
    (shorter) shingle, so tiny documents still compare.
    """
    size = min(shingle_size, len(token_list))
    if size == 0:
        return np.empty(0, dtype=np.uint64)
    grams = {" ".join(token_list[i : i + size]) for i in range(len(token_list) - size + 1)}
    hashes = [int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest(), "little") for g in grams]
    return np.unique(np.array(hashes, dtype=np.uint64))


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """|A ∩ B| / min(|A|, |B|) of two sorted unique hash arrays.

    Containment, not Jaccard: a copy trimmed from the bottom is contained in
    the original even when it is half its length.
    """
    if len(a) == 0 or len(b) == 0:
        return 0.0
    shared = np.intersect1d(a, b, assume_unique=True).size
    return shared / min(len(a), len(b))
