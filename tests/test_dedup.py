"""Near-duplicate clusters on the team's golden wire variants."""

import json
import random
from pathlib import Path

from cleanews import DedupConfig, Deduplicator
from cleanews.dedup.shingles import containment, shingle_hashes, tokens

VARIANTS = Path(__file__).resolve().parent.parent / "golden" / "dedup" / "wire-variants.jsonl"


def load() -> list[dict]:
    return [json.loads(line) for line in VARIANTS.read_text(encoding="utf-8").splitlines()]


def cluster(records: list[dict], config: DedupConfig = DedupConfig()) -> dict[str, tuple[str, bool]]:
    dedup = Deduplicator(config)
    for record in records:
        dedup.add(record["id"], record["text"])
    return {r["id"]: (info.cluster_id, info.is_representative) for r, info in zip(records, dedup.assignments(), strict=True)}


def partition(assignments: dict[str, tuple[str, bool]]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for doc_id, (cluster_id, _) in assignments.items():
        groups.setdefault(cluster_id, set()).add(doc_id)
    return {frozenset(g) for g in groups.values()}


def test_republished_variants_cluster_and_the_followup_stays_apart() -> None:
    records = load()
    truth: dict[str, set[str]] = {}
    for record in records:
        truth.setdefault(record["expected_cluster"], set()).add(record["id"])
    assert partition(cluster(records)) == {frozenset(g) for g in truth.values()}


def test_representative_is_the_longest_copy() -> None:
    assignments = cluster(load())
    assert assignments["wire-original"] == ("wire-original", True)
    assert assignments["paper-trimmed"] == ("wire-original", False)


def test_clusters_do_not_depend_on_input_order() -> None:
    records = load()
    expected = partition(cluster(records))
    for seed in range(3):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        assert partition(cluster(shuffled)) == expected


def test_exact_duplicates_up_to_case_and_punctuation() -> None:
    dedup = Deduplicator()
    dedup.add("a", "Short note: the road is closed.")
    dedup.add("b", "SHORT NOTE -- the road is closed!")
    a, b = dedup.assignments()
    assert a.cluster_id == b.cluster_id and a.cluster_size == 2


def test_unicode_text_is_not_emptied() -> None:
    assert tokens("서울 시장은 월요일") == ["서울", "시장은", "월요일"]
    assert len(shingle_hashes(tokens("Москва заявила в понедельник о новых мерах"), 3)) == 5


def test_containment_measures_the_shorter_document() -> None:
    whole = shingle_hashes(tokens(" ".join(f"w{i}" for i in range(100))), 3)
    head = shingle_hashes(tokens(" ".join(f"w{i}" for i in range(40))), 3)
    assert containment(head, whole) == 1.0
    assert containment(whole, head) == 1.0
