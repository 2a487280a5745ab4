"""Exact and near-duplicate detection: MinHash LSH candidates, verified, then clustered.

>>> story = "The storm hit the coast on Monday and thousands of homes lost power, officials said. " * 3
>>> dedup = Deduplicator()
>>> for doc_id, text in [("a", story), ("b", story + "Local crews are helping."), ("c", "A different story entirely about elections in the north.")]:
...     dedup.add(doc_id, text)
>>> [(a.cluster_id, a.cluster_size, a.is_representative) for a in dedup.assignments()]
[('b', 2, False), ('b', 2, True), ('c', 1, True)]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from cleanews.config import DedupConfig
from cleanews.dedup.clusters import UnionFind, representative_key
from cleanews.dedup.shingles import containment, exact_key, shingle_hashes, tokens
from cleanews.document import DedupInfo

__all__ = ["Deduplicator", "DedupConfig"]


@dataclass
class _Sketch:
    doc_id: str
    n_tokens: int
    shingles: np.ndarray


class Deduplicator:
    """Collects documents, then assigns each a cluster.

    Documents are added in input order (``add``); ``assignments`` returns one
    ``DedupInfo`` per document in that order. Only sketches are held in
    memory, not texts.
    """

    def __init__(self, config: DedupConfig = DedupConfig()):
        self.config = config
        self._sketches: list[_Sketch] = []
        self._exact: dict[str, int] = {}
        self._exact_of: list[int] = []  # position of the first exact copy
        self._lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm)

    def add(self, doc_id: str, text: str) -> None:
        position = len(self._sketches)
        token_list = tokens(text)
        shingles = shingle_hashes(token_list, self.config.shingle_size)
        self._sketches.append(_Sketch(doc_id, len(token_list), shingles))
        first = self._exact.setdefault(exact_key(token_list), position)
        self._exact_of.append(first)
        if first == position and len(shingles):
            self._lsh.insert(position, self._minhash(shingles), check_duplication=False)

    def _minhash(self, shingles: np.ndarray) -> LeanMinHash:
        minhash = MinHash(num_perm=self.config.num_perm, seed=self.config.seed)
        minhash.update_batch([int(h).to_bytes(8, "little") for h in shingles])
        return LeanMinHash(minhash)

    def verified_pairs(self) -> list[tuple[int, int, float]]:
        """Candidate pairs from LSH whose exact containment passes the threshold."""
        pairs = []
        for position, sketch in enumerate(self._sketches):
            if self._exact_of[position] != position or not len(sketch.shingles):
                continue
            for other in self._lsh.query(self._minhash(sketch.shingles)):
                if other > position:
                    score = containment(sketch.shingles, self._sketches[other].shingles)
                    if score >= self.config.min_containment:
                        pairs.append((position, other, score))
        return pairs

    def assignments(self) -> list[DedupInfo]:
        count = len(self._sketches)
        groups = UnionFind(count)
        for position, first in enumerate(self._exact_of):
            groups.union(position, first)
        best_score = [1.0] * count
        for a, b, score in self.verified_pairs():
            groups.union(a, b)
        infos: list[DedupInfo | None] = [None] * count
        for members in groups.groups().values():
            rep = min(members, key=lambda p: representative_key(self._sketches[p].n_tokens, p))
            rep_shingles = self._sketches[rep].shingles
            for member in members:
                if member != rep and len(members) > 1:
                    best_score[member] = round(containment(self._sketches[member].shingles, rep_shingles), 4)
                infos[member] = DedupInfo(
                    cluster_id=self._sketches[rep].doc_id,
                    cluster_size=len(members),
                    is_representative=member == rep,
                    similarity=best_score[member],
                )
        return [info for info in infos if info is not None]
