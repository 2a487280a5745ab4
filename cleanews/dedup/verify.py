"""Candidate pairs -> verified edges, from MinHash signatures and shingle counts only.

No text and no exact shingle set is needed, so pairs with documents of
earlier runs (known only from the index) are verified like the others, and
memory stays at about 1 KB a document.

- Containment |A∩B| / min(|A|,|B|), not Jaccard: papers trim wire copy from
  the bottom, so a trimmed copy is contained in the original even when it is
  half its length. Estimated from the Jaccard estimate J and the set sizes:
  |A∩B| = J (|A| + |B|) / (1 + J).
- Head containment, the same over the shingles of the first tokens only:
  copies keep the top of the story, while a follow-up has a new top and
  reuses the background lower down, so its whole-text containment can be
  high but its head containment is near zero.
- Enough text: both documents, and what they share, must hold at least
  ``min_shingles`` distinct shingles. A page left with an author box or
  "Newer Post Older Post Home" has too few for an estimate to mean
  anything; such a page merges only with an exact copy of itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cleanews.config import DedupConfig
from cleanews.dedup.clusters import Edges, orient
from cleanews.dedup.lsh import PairSet, positions_in_runs
from cleanews.dedup.minhash import Sketches

# Candidate pairs scored at a time: bounds the gathered signature rows
# (pairs x num_perm x 4 bytes, four times).
PAIR_CHUNK = 1 << 14
# One-hop expansion: how many of a document's best earlier verified
# neighbours (its likely representatives) its candidates are also paired with.
EXPANSION_WIDTH = 4


@dataclass(frozen=True)
class EdgeRule:
    """When a candidate pair is a duplicate (see DedupConfig)."""

    min_containment: float
    min_head_containment: float
    identical_jaccard: float
    min_shingles: int

    @classmethod
    def of(cls, config: DedupConfig) -> EdgeRule:
        return cls(config.min_containment, config.min_head_containment, config.identical_jaccard, config.min_shingles)


@dataclass(frozen=True)
class PairScores:
    jaccard: np.ndarray  # float64[pairs]
    containment: np.ndarray
    likely_containment: np.ndarray  # from the Jaccard estimate less one standard error: what the rule uses
    head_containment: np.ndarray
    smaller: np.ndarray  # int64[pairs]: distinct shingles of the smaller document
    shared: np.ndarray  # float64[pairs]: estimated distinct shingles in common
    exact: np.ndarray  # bool[pairs]: every signature value and count equal (the same normalised text)

    def passing(self, rule: EdgeRule) -> np.ndarray:
        both = (self.likely_containment >= rule.min_containment) & (self.head_containment >= rule.min_head_containment)
        enough = (self.smaller >= rule.min_shingles) & (self.shared >= rule.min_shingles)
        return ((both | (self.jaccard >= rule.identical_jaccard)) & enough) | self.exact


def jaccard(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Row-wise MinHash Jaccard estimate: the share of equal signature values."""
    return np.count_nonzero(first == second, axis=1) / first.shape[1]


def containment(similarity: np.ndarray, first_size: np.ndarray, second_size: np.ndarray) -> np.ndarray:
    """|A∩B| / min(|A|,|B|) from the Jaccard estimate and the set sizes, clipped to [0, 1].

    >>> float(containment(np.array([0.5]), np.array([50]), np.array([100]))[0])
    1.0
    """
    smaller = np.maximum(np.minimum(first_size, second_size), 1)
    return np.minimum(shared_size(similarity, first_size, second_size) / smaller, 1.0)


def shared_size(similarity: np.ndarray, first_size: np.ndarray, second_size: np.ndarray) -> np.ndarray:
    """|A∩B| from the Jaccard estimate and the set sizes: J (|A| + |B|) / (1 + J)."""
    return similarity * (first_size + second_size) / (1 + similarity)


def score_pairs(sketches: Sketches, pairs: np.ndarray, rule: EdgeRule | None = None) -> PairScores:
    """Scores of the document pairs (rows of int64[pairs, 2] indexing ``sketches``).

    With a ``rule``, heads are compared only for pairs whose whole texts
    could still pass it (the others get head containment 0): most
    candidates fail on the whole text, and this halves the memory traffic.
    """
    full = np.empty(len(pairs))
    for start in range(0, len(pairs), PAIR_CHUNK):
        first, second = pairs[start : start + PAIR_CHUNK, 0], pairs[start : start + PAIR_CHUNK, 1]
        full[start : start + PAIR_CHUNK] = jaccard(sketches.full[first], sketches.full[second])
    first, second = pairs[:, 0], pairs[:, 1]
    sizes = sketches.n_shingles[first], sketches.n_shingles[second]
    whole = containment(full, *sizes)
    # A small document against a large one shares few signature values, and
    # one standard error of the Jaccard estimate moves its containment by a third.
    likely = containment(np.maximum(full - np.sqrt(full * (1 - full) / sketches.full.shape[1]), 0), *sizes)
    need_head = np.flatnonzero(likely >= rule.min_containment) if rule is not None else np.arange(len(pairs))
    head = np.zeros(len(pairs))
    for start in range(0, len(need_head), PAIR_CHUNK):
        rows = need_head[start : start + PAIR_CHUNK]
        head[rows] = jaccard(sketches.head[first[rows]], sketches.head[second[rows]])
    # With 128 values, two sets that differ by one shingle in twenty agree
    # everywhere with probability 1e-3; equal counts on top make it the same text.
    exact = (full == 1.0) & (sizes[0] == sizes[1]) & (sketches.n_tokens[first] == sketches.n_tokens[second]) & (sizes[0] > 0)
    return PairScores(
        jaccard=full,
        containment=whole,
        likely_containment=likely,
        head_containment=containment(head, sketches.n_head[first], sketches.n_head[second]),
        smaller=np.minimum(*sizes),
        shared=shared_size(full, *sizes),
        exact=exact,
    )


def verified_edges(sketches: Sketches, codes: np.ndarray, rule: EdgeRule) -> Edges:
    """The pairs (``PairSet`` codes) that pass the rule, scored by their estimated containment.

    Scored chunk by chunk: only the edges are kept, so memory does not grow
    with the number of candidates.
    """
    parts = []
    for start in range(0, len(codes), PAIR_CHUNK * 16):
        pairs = PairSet.decode(codes[start : start + PAIR_CHUNK * 16])
        scores = score_pairs(sketches, pairs, rule)
        keep = scores.passing(rule)
        parts.append(Edges(pairs[keep, 0], pairs[keep, 1], scores.containment[keep]))
    return Edges.concat(parts)


def one_hop_pairs(candidates: np.ndarray, edges: Edges, ranks: np.ndarray, new_count: int) -> np.ndarray:
    """New pairs (d, x): (d, c) is a candidate and x one of c's best earlier verified neighbours.

    LSH misses some copy-original pairs (heavy edits leave a low Jaccard)
    while finding the copy with another copy of the same story; that copy's
    representative is then among its best earlier neighbours. ``candidates``
    and the result are sorted ``PairSet`` codes; the result holds the pairs
    that are not candidates already and involve a node below ``new_count``
    (a document of this batch). Deterministic: "best" is by score, then
    rank; built chunk by chunk, so memory stays bounded.
    """
    earlier, later, score = orient(edges, ranks)
    order = np.lexsort((ranks[earlier], -score, later))
    earlier, later = earlier[order], later[order]
    keep = positions_in_runs(later) < EXPANSION_WIDTH
    earlier, later = earlier[keep], later[keep]
    starts = np.searchsorted(later, np.arange(len(ranks) + 1))
    found = PairSet()
    for start in range(0, len(candidates), PAIR_CHUNK * 16):
        part = PairSet.decode(candidates[start : start + PAIR_CHUNK * 16])
        both = np.concatenate([part, part[:, ::-1]])
        counts = starts[both[:, 1] + 1] - starts[both[:, 1]]
        origin = np.repeat(both[:, 0], counts)
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        target = earlier[np.repeat(starts[both[:, 1]], counts) + within]
        useful = (origin != target) & ((origin < new_count) | (target < new_count))
        codes = PairSet.encode(np.stack([origin[useful], target[useful]], axis=1))
        found.add_codes(codes[~in_sorted(codes, candidates)])
    return found.codes()


def in_sorted(values: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """bool per value: present in the sorted array (binary search; np.isin would sort it again each call)."""
    places = np.minimum(np.searchsorted(sorted_values, values), max(len(sorted_values) - 1, 0))
    return sorted_values[places] == values if len(sorted_values) else np.zeros(len(values), dtype=bool)
