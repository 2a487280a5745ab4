"""A whole ``cleanews dedup --index`` run on N synthetic articles: wall time, peak RSS, index size, quality.

    nice python benchmarks/dedup_scale.py --docs 1000000 --workdir /tmp/cleanews-scale
    nice python benchmarks/dedup_scale.py --docs 200000 --batches 2 --workdir /tmp/cleanews-scale

The corpus is generated once into the work directory (reused when present);
each batch is one ``cleanews dedup`` process on a fresh index (later batches
add to it), measured from outside: wall time and the process's peak
resident memory and CPU time (``wait4`` rusage; CPU time is the figure to
compare on a loaded machine), and the run's seconds by stage. The output is then scored against the
true clusters.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from synthetic import make_corpus

from cleanews.dedup.evaluate import cluster_scores, merged_followups


def run_measured(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of a child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def split_corpus(corpus: str, batches: int, docs: int, workdir: str) -> list[str]:
    if batches == 1:
        return [corpus]
    paths = [os.path.join(workdir, f"batch{number + 1}.jsonl") for number in range(batches)]
    per_batch = -(-docs // batches)
    with open(corpus, encoding="utf-8") as source:
        for path in paths:
            with open(path, "w", encoding="utf-8") as sink:
                for _, line in zip(range(per_batch), source, strict=False):
                    sink.write(line)
    return paths


def index_bytes(index: str) -> int:
    return sum(os.path.getsize(index + suffix) for suffix in ("", "-wal", "-shm") if os.path.exists(index + suffix))


def score(corpus: str, outputs: list[str]) -> None:
    predicted: dict[str, str] = {}
    for output in outputs:
        with open(output, encoding="utf-8") as source:
            for line in source:
                record = json.loads(line)
                predicted[record["id"]] = record["dedup"]["cluster_id"]
    records = []
    with open(corpus, encoding="utf-8") as source:
        for line in source:
            record = json.loads(line)
            records.append({key: record[key] for key in ("id", "cluster", "kind", "parent")})
    labels = [predicted[r["id"]] for r in records]
    scores = cluster_scores([r["cluster"] for r in records], labels)
    merged, followups = merged_followups(records, labels)
    print(f"quality: ARI {scores.ari:.4f}, precision {scores.precision:.4f}, recall {scores.recall:.4f}, "
          f"follow-ups merged {merged}/{followups} ({merged / max(followups, 1):.2%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, required=True)
    parser.add_argument("--batches", type=int, default=1)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    corpus = os.path.join(args.workdir, f"synthetic-{args.docs}-seed{args.seed}.jsonl")
    if not os.path.exists(corpus):
        start = time.perf_counter()
        make_corpus(corpus + ".part", args.docs, args.seed)
        os.replace(corpus + ".part", corpus)
        print(f"generated {corpus} in {time.perf_counter() - start:.0f}s")
    index = os.path.join(args.workdir, "index.sqlite")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(index + suffix):
            os.unlink(index + suffix)
    outputs = []
    total_docs = 0
    for number, batch in enumerate(split_corpus(corpus, args.batches, args.docs, args.workdir), start=1):
        output = os.path.join(args.workdir, f"out{number}.jsonl")
        with open(batch, encoding="utf-8") as source:
            docs = sum(1 for _ in source)
        total_docs += docs
        stats = os.path.join(args.workdir, f"stats{number}.json")
        command = ["cleanews", "dedup", batch, "--index", index, "-o", output, "--stats", stats]
        seconds, cpu_seconds, peak_mb = run_measured(command)
        size = index_bytes(index)
        with open(stats, encoding="utf-8") as source:
            stages = json.load(source)["seconds_by_stage"]
        print(f"batch {number}: {docs} documents in {seconds:.0f}s wall ({docs / seconds:.0f} docs/s; "
              f"{', '.join(f'{stage} {value:.0f}s' for stage, value in stages.items())}), {cpu_seconds:.0f}s CPU, "
              f"load {os.getloadavg()[0]:.1f}; peak RSS {peak_mb:.0f} MB; index {size / 1e6:.0f} MB = {size / total_docs:.0f} bytes a document")
        outputs.append(output)
    score(corpus, outputs)


if __name__ == "__main__":
    main()
