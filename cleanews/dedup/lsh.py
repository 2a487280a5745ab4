"""Locality-sensitive hashing: signature bands -> bucket keys -> candidate pairs.

With ``bands`` bands of ``rows`` values, two documents whose signatures
agree on a share s of positions become candidates with probability
1 - (1 - s**rows)**bands; the knee of that curve is near
(1 / bands) ** (1 / rows). Candidates are only candidates: every pair is
verified afterwards, so the knees are set low. Two band sets are used: over
the whole-text signature and over the head signature, whose union finds
both lightly edited copies and copies cut from the bottom.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from cleanews.config import DedupConfig
from cleanews.dedup.minhash import Sketches
from cleanews.dedup.shingles import MASK64, fmix64

# Odd 64-bit constants: the multiplier that folds a band's values into one
# key, and the salt that makes equal values in different bands different keys.
BAND_BASE = 0x9E3779B97F4A7C15
BAND_SALT = 0xD6E8FEB86659FD93


def band_shape(num_perm: int, threshold: float) -> tuple[int, int]:
    """(bands, rows) using the whole signature with the knee nearest ``threshold``.

    >>> band_shape(128, 0.3), band_shape(128, 0.45)
    ((42, 3), (32, 4))
    """
    def knee(rows: int) -> float:
        return (1 / (num_perm // rows)) ** (1 / rows)

    rows = min(range(1, num_perm + 1), key=lambda r: (abs(knee(r) - threshold), r))
    return num_perm // rows, rows


@dataclass(frozen=True)
class Band:
    """One band: which signature, which columns, and its number (part of its keys)."""

    number: int
    signature: str  # "full" or "head"
    columns: slice


def bands(config: DedupConfig) -> list[Band]:
    """The whole-text bands, then the head bands, numbered from 0."""
    result: list[Band] = []
    for signature, threshold in (("full", config.threshold), ("head", config.head_threshold)):
        count, rows = band_shape(config.num_perm, threshold)
        for band in range(count):
            result.append(Band(len(result), signature, slice(band * rows, (band + 1) * rows)))
    return result


def band_key(values: np.ndarray, number: int) -> np.ndarray:
    """int64[docs]: the key of band ``number`` for each row of its values (uint32[docs, rows]).

    Keys are signed because SQLite integers are.
    """
    values = values.astype(np.uint64)
    keys = values[:, 0].copy()
    for row in range(1, values.shape[1]):
        keys *= np.uint64(BAND_BASE)
        keys += values[:, row]
    keys += np.uint64(((number + 1) * BAND_SALT) & MASK64)
    return fmix64(keys).view(np.int64)


def band_keys(sketches: Sketches, config: DedupConfig) -> Iterator[np.ndarray]:
    """Each band's keys for all documents, band after band."""
    for band in bands(config):
        yield band_key(getattr(sketches, band.signature)[:, band.columns], band.number)


def bucket_pairs(keys: np.ndarray, ranks: np.ndarray, max_partners: int) -> np.ndarray:
    """int64[pairs, 2]: (earlier, later) document pairs that share a key, by canonical rank.

    ``keys`` holds one key per document (one band); ``ranks`` the canonical
    order of the documents (distinct integers). In a bucket, each document
    is paired with at most the ``max_partners`` first members (by rank)
    before it, so a bucket of boilerplate or exact copies costs linear
    work, not quadratic; the first members are the ones that can become
    representatives. The pairs depend only on keys and ranks, never on how
    the documents are stored or partitioned.

    >>> bucket_pairs(np.array([7, 5, 7, 7]), np.array([3, 0, 1, 2]), 1).tolist()
    [[2, 3], [2, 0]]
    """
    order = np.lexsort((ranks, keys))
    place = positions_in_runs(keys[order])
    partners = np.minimum(place, max_partners)
    later = np.repeat(np.arange(len(keys)), partners)
    within = np.arange(len(later)) - np.repeat(np.cumsum(partners) - partners, partners)
    earlier = later - place[later] + within
    return np.stack([order[earlier], order[later]], axis=1)


def positions_in_runs(sorted_keys: np.ndarray) -> np.ndarray:
    """Each element's position within its run of equal values."""
    count = len(sorted_keys)
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]) if count else np.empty(0, dtype=np.int64)
    return np.arange(count) - np.repeat(starts, np.diff(np.r_[starts, count]))


class PairSet:
    """Distinct unordered pairs of node numbers (below 2**31), kept compact as sorted int64 codes."""

    BASE = 1 << 32

    def __init__(self) -> None:
        self._codes = np.empty(0, dtype=np.int64)
        self._pending: list[np.ndarray] = []
        self._pending_size = 0

    @classmethod
    def encode(cls, pairs: np.ndarray) -> np.ndarray:
        return np.minimum(pairs[:, 0], pairs[:, 1]) * cls.BASE + np.maximum(pairs[:, 0], pairs[:, 1])

    @classmethod
    def decode(cls, codes: np.ndarray) -> np.ndarray:
        return np.stack([codes // cls.BASE, codes % cls.BASE], axis=1)

    def add(self, pairs: np.ndarray) -> None:
        self.add_codes(self.encode(pairs))

    def add_codes(self, codes: np.ndarray) -> None:
        self._pending.append(codes)
        self._pending_size += len(codes)
        if self._pending_size > max(len(self._codes), 1 << 20):
            self._merge()

    def _merge(self) -> None:
        codes = np.concatenate([self._codes, *self._pending])
        codes.sort()  # a SIMD sort; np.unique would hash, several times slower here
        self._codes = codes[np.r_[True, codes[1:] != codes[:-1]]] if len(codes) else codes
        self._pending, self._pending_size = [], 0

    def codes(self) -> np.ndarray:
        """The distinct pairs as sorted codes smaller * BASE + larger."""
        self._merge()
        return self._codes

    def pairs(self) -> np.ndarray:
        """int64[pairs, 2]: (smaller, larger), sorted."""
        return self.decode(self.codes())
