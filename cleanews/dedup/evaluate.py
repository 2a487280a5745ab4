"""Scores of a clustering against true clusters: adjusted Rand index, pairwise precision and recall.

Pairwise: a pair of documents is positive when both are in one cluster;
precision is the share of predicted same-cluster pairs that are truly in one
cluster, recall the share of true same-cluster pairs that are predicted.

>>> scores = cluster_scores(["a", "a", "b", "b"], [1, 1, 1, 2])
>>> round(scores.precision, 3), round(scores.recall, 3), round(scores.ari, 3)
(0.333, 0.5, 0.0)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from math import comb


@dataclass(frozen=True)
class ClusterScores:
    ari: float
    precision: float
    recall: float
    documents: int


def cluster_scores(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> ClusterScores:
    """Adjusted Rand index (Hubert and Arabie) and pairwise precision/recall of two labelings."""
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} true labels but {len(predicted)} predicted ones")
    both = sum(comb(n, 2) for n in Counter(zip(truth, predicted, strict=True)).values())
    true_pairs = sum(comb(n, 2) for n in Counter(truth).values())
    predicted_pairs = sum(comb(n, 2) for n in Counter(predicted).values())
    total = comb(len(truth), 2)
    expected = true_pairs * predicted_pairs / total if total else 0.0
    best = (true_pairs + predicted_pairs) / 2
    ari = 1.0 if best == expected else (both - expected) / (best - expected)
    return ClusterScores(
        ari=ari,
        precision=both / predicted_pairs if predicted_pairs else 1.0,
        recall=both / true_pairs if true_pairs else 1.0,
        documents=len(truth),
    )


def merged_followups(records: Sequence[dict], predicted: Sequence[Hashable]) -> tuple[int, int]:
    """(merged, total): follow-up documents put in one cluster with a document of the story they follow.

    Records carry the benchmark's ``kind`` (original, copy, followup,
    followup_copy) and ``parent`` (the story a follow-up follows).
    """
    story_clusters: dict[Hashable, set[Hashable]] = {}
    for record, cluster in zip(records, predicted, strict=True):
        if record["kind"] in ("original", "copy"):
            story_clusters.setdefault(record["parent"], set()).add(cluster)
    followups = [(r, c) for r, c in zip(records, predicted, strict=True) if r["kind"] in ("followup", "followup_copy")]
    merged = sum(cluster in story_clusters.get(record["parent"], ()) for record, cluster in followups)
    return merged, len(followups)
