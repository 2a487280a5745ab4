"""Whole process against whole process: ``cleanews dedup`` next to the plain datasketch way, in one run.

Each round runs both as fresh processes on the same JSONL file, one after
the other in alternating order, so load on the shared machine hits both
alike; the wall time of a process counts everything (start-up, imports,
reading, dedup, writing). The ratio is reported per round, then the median
and the spread (lowest, highest).

The plain datasketch way (``--baseline IN OUT``, what this script runs as
the other process): read the JSONL with ``json``, word 5-grams of
lower-cased ``\\w+`` tokens, ``MinHash.bulk`` with num_perm 128,
``MinHashLSH`` at threshold 0.7, union-find over the LSH matches, and each
record written back with its cluster.

    python benchmarks/dedup_process.py --docs 20000 --rounds 5
    python benchmarks/dedup_process.py --corpus crawl.jsonl --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

WORD = re.compile(r"\w+")


def baseline(source: str, target: str) -> None:
    """The plain datasketch way, end to end: read, cluster, write."""
    from datasketch_baseline import datasketch_clusters

    with open(source, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    clusters = datasketch_clusters([record.get("text", "") for record in records], lambda text: WORD.findall(text.lower()))
    with open(target, "w", encoding="utf-8") as out:
        for record, cluster in zip(records, clusters, strict=True):
            record["cluster"] = records[cluster].get("id", cluster)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def measured(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of a child process: on a shared machine the CPU time varies less."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20_000, help="synthetic articles to generate (without --corpus)")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", help="JSONL with id and text fields (default: a fresh synthetic corpus)")
    parser.add_argument("--baseline", nargs=2, metavar=("IN", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        baseline(*args.baseline)
        return
    with tempfile.TemporaryDirectory() as scratch:
        corpus = args.corpus
        if corpus is None:
            from synthetic import make_corpus

            corpus = os.path.join(scratch, "corpus.jsonl")
            make_corpus(corpus, args.docs, args.seed)
        documents = sum(1 for _ in open(corpus, encoding="utf-8"))
        theirs_cmd = [sys.executable, os.path.abspath(__file__), "--baseline", corpus, os.path.join(scratch, "datasketch.jsonl")]
        ours_cmd = [os.path.join(os.path.dirname(sys.executable), "cleanews"), "dedup", corpus, "-o", os.path.join(scratch, "cleanews.jsonl"), "--quiet"]
        print(f"{documents} documents, {os.path.getsize(corpus) / 1e6:.0f} MB of JSONL; wall time of each whole process")
        print(f"{'round':>5} {'datasketch s':>13} {'cleanews s':>11} {'ratio':>7} {'CPU ratio':>10}")
        ratios, cpu_ratios = [], []
        for round_number in range(1, args.rounds + 1):
            if round_number % 2:
                theirs, ours = measured(theirs_cmd), measured(ours_cmd)
            else:
                ours, theirs = measured(ours_cmd), measured(theirs_cmd)
            ratios.append(theirs[0] / ours[0])
            cpu_ratios.append(theirs[1] / ours[1])
            print(f"{round_number:>5} {theirs[0]:>13.2f} {ours[0]:>11.2f} {ratios[-1]:>6.2f}x {cpu_ratios[-1]:>9.2f}x")
        for name, values in (("wall-time ratio", ratios), ("CPU-time ratio", cpu_ratios)):
            print(f"{name}: median {statistics.median(values):.2f}x, spread {min(values):.2f}x to {max(values):.2f}x "
                  f"over {len(values)} rounds")


if __name__ == "__main__":
    main()
