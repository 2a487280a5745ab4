"""Dedup quality against true clusters: cleanews next to datasketch's default-style setting, in one run.

Scores: adjusted Rand index (ARI), pairwise precision and recall (a pair is
positive when both documents are in one cluster), and the share of
follow-up stories put in one cluster with the story they follow.

    python benchmarks/dedup_quality.py                                  # wire-dev
    python benchmarks/dedup_quality.py --synthetic 2000 --seed 9        # a fresh synthetic corpus
    python benchmarks/dedup_quality.py --clean                          # also: cleaned first (cleanews run)

The baseline is datasketch as its README suggests using it: word 5-gram
shingles, MinHashLSH(threshold=0.7, num_perm=128), and clusters as connected
components of the LSH matches, with no verification.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable

from cleanews import CleanConfig, DedupConfig, Deduplicator, Document, clean_step
from cleanews.dedup.evaluate import cluster_scores, merged_followups
from cleanews.dedup.shingles import tokens

WIRE_DEV = "/work/shared/data/dedup/wire-dev.jsonl.gz"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from datasketch_baseline import datasketch_clusters as baseline_clusters  # noqa: E402


def load(path: str) -> list[dict]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def cleanews_clusters(records: list[dict], texts: list[str]) -> list[str]:
    dedup = Deduplicator(DedupConfig())
    for record, text in zip(records, texts, strict=True):
        dedup.add(record["id"], text)
    return [assignment.cluster_id for assignment in dedup.assignments()]


def datasketch_clusters(records: list[dict], texts: list[str]) -> list[int]:
    """datasketch default-style (``datasketch_baseline``), on cleanews's tokens."""
    return baseline_clusters(texts, tokens)


def cleaned_texts(records: list[dict]) -> list[str]:
    docs = clean_step((Document(id=r["id"], text=r["text"]) for r in records), CleanConfig(), jobs=os.cpu_count() or 1)
    return [getattr(doc, "text", "") for doc in docs]


def report(name: str, records: list[dict], run: Callable[[], list], seconds_out: list[float]) -> None:
    start = time.perf_counter()
    predicted = run()
    seconds = time.perf_counter() - start
    scores = cluster_scores([r["cluster"] for r in records], predicted)
    merged, followups = merged_followups(records, predicted)
    print(f"{name:<40} {scores.ari:>7.4f} {scores.precision:>9.4f} {scores.recall:>7.4f} "
          f"{merged / max(followups, 1):>8.2%} ({merged}/{followups}) {seconds:>7.2f}s")
    seconds_out.append(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=WIRE_DEV, help="labelled JSONL (id, text, cluster, kind, parent)")
    parser.add_argument("--synthetic", type=int, metavar="STORIES", help="score a fresh synthetic corpus of this many stories instead")
    parser.add_argument("--seed", type=int, default=9, help="seed of the synthetic corpus")
    parser.add_argument("--clean", action="store_true", help="also score cleanews on cleaned text (cleanews run)")
    args = parser.parse_args()
    if args.synthetic:
        with tempfile.TemporaryDirectory() as scratch:
            path = os.path.join(scratch, "synthetic.jsonl")
            generate(path, args.synthetic, args.seed)
            records = load(path)
        label = f"synthetic corpus ({args.synthetic} stories, seed {args.seed})"
    else:
        records = load(args.data)
        label = args.data
    texts = [r["text"] for r in records]
    print(f"{label}: {len(records)} documents, {len({r['cluster'] for r in records})} true clusters")
    print(f"{'system':<40} {'ARI':>7} {'precision':>9} {'recall':>7} {'follow-ups merged':>20} {'time':>8}")
    seconds: list[float] = []
    report("cleanews (defaults)", records, lambda: cleanews_clusters(records, texts), seconds)
    if args.clean:
        cleaned = cleaned_texts(records)
        report("cleanews run (cleaned, then dedup)", records, lambda: cleanews_clusters(records, cleaned), seconds)
    report("datasketch 5-gram, LSH 0.7, no verif.", records, lambda: datasketch_clusters(records, texts), seconds)


def generate(path: str, stories: int, seed: int) -> None:
    """One run of the team's generator (no chunking: quality corpora are small)."""
    import subprocess

    from synthetic import GENERATOR

    subprocess.run([sys.executable, GENERATOR, "--stories", str(stories), "--seed", str(seed), "--out", path],
                   check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
