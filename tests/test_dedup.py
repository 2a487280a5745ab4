"""Near-duplicate clusters: golden wire variants, a generated corpus, order independence, the clustering rules."""

import json
import random
from pathlib import Path

import numpy as np
import pytest

from cleanews import DedupConfig, Deduplicator
from cleanews.dedup.clusters import Edges, canonical_order, centre_clusters
from cleanews.dedup.evaluate import cluster_scores, merged_followups
from cleanews.dedup.lsh import PairSet, bucket_pairs
from cleanews.dedup.verify import EdgeRule, one_hop_pairs

VARIANTS = Path(__file__).resolve().parent.parent / "golden" / "dedup" / "wire-variants.jsonl"


def load() -> list[dict]:
    return [json.loads(line) for line in VARIANTS.read_text(encoding="utf-8").splitlines()]


def annotate(records: list[dict], config: DedupConfig = DedupConfig()) -> dict[str, object]:
    dedup = Deduplicator(config)
    for record in records:
        dedup.add(record["id"], record["text"])
    return {r["id"]: info for r, info in zip(records, dedup.assignments(), strict=True)}


def partition(assignments: dict) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for doc_id, info in assignments.items():
        groups.setdefault(info.cluster_id, set()).add(doc_id)
    return {frozenset(g) for g in groups.values()}


def test_republished_variants_cluster_and_the_followup_stays_apart() -> None:
    records = load()
    truth: dict[str, set[str]] = {}
    for record in records:
        truth.setdefault(record["expected_cluster"], set()).add(record["id"])
    assert partition(annotate(records)) == {frozenset(g) for g in truth.values()}


def test_representative_is_the_longest_copy() -> None:
    assignments = annotate(load())
    assert (assignments["wire-original"].cluster_id, assignments["wire-original"].is_representative) == ("wire-original", True)
    assert (assignments["paper-trimmed"].cluster_id, assignments["paper-trimmed"].is_representative) == ("wire-original", False)
    assert assignments["wire-original"].cluster_size == 4


def test_generated_corpus_copies_together_followups_apart(wire_corpus: list[dict]) -> None:
    assignments = annotate(wire_corpus)
    predicted = [assignments[r["id"]].cluster_id for r in wire_corpus]
    scores = cluster_scores([r["cluster"] for r in wire_corpus], predicted)
    assert scores.precision == 1.0
    assert scores.recall >= 0.95
    assert merged_followups(wire_corpus, predicted)[0] == 0


def test_annotations_do_not_depend_on_input_order(wire_corpus: list[dict]) -> None:
    expected = annotate(wire_corpus)
    for seed in range(3):
        shuffled = wire_corpus[:]
        random.Random(seed).shuffle(shuffled)
        assert annotate(shuffled) == expected


def test_exact_duplicates_up_to_case_and_punctuation() -> None:
    dedup = Deduplicator()
    dedup.add("a", "Short note: the road is closed.")
    dedup.add("b", "SHORT NOTE -- the road is closed!")
    a, b = dedup.assignments()
    assert a.cluster_id == b.cluster_id and a.cluster_size == 2


def test_documents_without_words_stay_alone() -> None:
    dedup = Deduplicator()
    for doc_id in ("a", "b"):
        dedup.add(doc_id, "!!! ...")
    assert [(a.cluster_id, a.cluster_size) for a in dedup.assignments()] == [("a", 1), ("b", 1)]


def test_a_bucket_of_identical_documents_is_one_cluster_in_linear_pairs() -> None:
    text = "Advertisement: subscribe to our newsletter for the latest headlines and offers today."
    config = DedupConfig(max_bucket_partners=5)
    dedup = Deduplicator(config)
    for number in range(300):
        dedup.add(f"ad{number:03d}", text)
    assignments = dedup.assignments()
    assert {a.cluster_size for a in assignments} == {300}
    assert sum(a.is_representative for a in assignments) == 1
    pairs = bucket_pairs(np.zeros(300, dtype=np.int64), np.arange(300), 5)
    assert len(pairs) == 5 * 300 - 15 and set(pairs[:, 0].tolist()) == {0, 1, 2, 3, 4}


def test_centre_clustering_does_not_chain() -> None:
    # a ~ b ~ c but a !~ c: c shares b's tail only. b joins a; c cannot join b (not a representative).
    ranks = np.arange(3)
    edges = Edges(np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.8]))
    rep, score = centre_clusters(ranks, edges, np.full(3, -1))
    assert rep.tolist() == [0, 0, 2]
    assert score.tolist() == [1.0, 0.9, 1.0]


def test_a_member_joins_its_best_representative_and_ties_go_to_the_earlier() -> None:
    ranks = np.array([0, 1, 2])
    edges = Edges(np.array([0, 1]), np.array([2, 2]), np.array([0.5, 0.7]))
    assert centre_clusters(ranks, edges, np.full(3, -1))[0].tolist() == [0, 1, 1]
    tied = Edges(np.array([1, 0]), np.array([2, 2]), np.array([0.7, 0.7]))
    assert centre_clusters(ranks, tied, np.full(3, -1))[0].tolist() == [0, 1, 0]


def test_one_hop_pairs_reach_the_representative_through_a_copy() -> None:
    # 2 is a candidate of copy 1 only; 1's verified earlier neighbour is 0.
    edges = Edges(np.array([0]), np.array([1]), np.array([0.9]))
    candidates = PairSet.encode(np.array([[1, 2]]))
    assert PairSet.decode(one_hop_pairs(candidates, edges, np.arange(3), new_count=3)).tolist() == [[0, 2]]
    assert len(one_hop_pairs(candidates, edges, np.arange(3), new_count=0)) == 0  # only nodes of earlier batches


def test_canonical_order_is_longest_then_id() -> None:
    assert canonical_order(np.array([10, 30, 30]), ["z", "b", "a"]).tolist() == [2, 1, 0]


def test_edge_rule_needs_both_containments_unless_near_identical() -> None:
    from cleanews.dedup.verify import PairScores

    many = np.array([300, 300, 300])
    contained = np.array([0.9, 0.9, 0.9])
    scores = PairScores(np.array([0.3, 0.3, 0.85]), contained, contained, np.array([0.5, 0.05, 0.0]), many, np.array([200.0, 200.0, 280.0]), np.zeros(3, dtype=bool))
    assert scores.passing(EdgeRule(0.4, 0.2, 0.8, 50)).tolist() == [True, False, True]


def test_containment_of_a_small_document_in_a_large_one_is_judged_on_its_likely_value() -> None:
    from cleanews.dedup.minhash import Sketches
    from cleanews.dedup.verify import score_pairs

    # 11 of 128 values equal between 245 and 1217 shingles: containment 0.47 at the estimate, 0.34 one error lower.
    full = np.zeros((2, 128), dtype=np.uint32)
    full[1, 11:] = 1
    counts = np.array([1217, 245])
    scores = score_pairs(Sketches(full, full, counts, counts, counts), np.array([[0, 1]]), EdgeRule.of(DedupConfig()))
    assert round(float(scores.containment[0]), 2) == 0.47 and round(float(scores.likely_containment[0]), 2) == 0.34
    assert not scores.passing(EdgeRule.of(DedupConfig()))[0]


def test_edge_rule_needs_enough_text_on_both_sides_and_in_common_unless_exact() -> None:
    from cleanews.dedup.verify import PairScores

    high = np.ones(4)
    scores = PairScores(high, high, high, high, np.array([30, 300, 300, 20]), np.array([30.0, 40.0, 300.0, 20.0]),
                        np.array([False, False, False, True]))
    assert scores.passing(EdgeRule(0.4, 0.2, 0.8, 50)).tolist() == [False, False, True, True]


@pytest.mark.parametrize("field, value", [("shingle_size", 0), ("num_perm", 8), ("threshold", 0.0), ("min_head_containment", 1.5),
                                          ("head_tokens", 1)])
def test_bad_settings_are_refused_with_the_setting_named(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        DedupConfig(**{field: value})
