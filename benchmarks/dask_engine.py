"""Local engine vs Dask LocalCluster on the same partitioned corpus, side by side.

Make a corpus with the team's generator, split into partitions, e.g.::

    python ../shared/tools/make_wire_dups.py --stories 60000 --max-docs 200000 --seed 11 --out synth.jsonl
    split -l 10000 -d -a 2 --additional-suffix=.jsonl synth.jsonl parts/part- && gzip parts/*.jsonl
    python benchmarks/dask_engine.py parts --command dedup --workers 2

It reports, for each engine: wall time, peak RSS of every process (the
local run; the Dask client and each worker), how the tasks divide across
workers, and whether both engines wrote the same records.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import dask
from distributed import Client, LocalCluster, get_task_stream

from cleanews.config import CleanConfig, DedupConfig, RunConfig, SiteConfig
from cleanews.dask_engine import run_on_dask


def run_local(inputs: list[str], command: str, workers: int, output: Path) -> dict:
    started = time.perf_counter()
    jobs = ["-j", str(workers)] if command != "dedup" else []  # dedup runs in one process
    subprocess.run([sys.executable, "-c", "from cleanews.cli import main; main()", command, *inputs, "-o", str(output), *jobs, "-q"],
                   check=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": round(seconds, 1), "peak_rss_mb": {"largest local process": round(peak)}}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_dask(inputs: list[str], command: str, workers: int, output: Path) -> dict:
    config = RunConfig(inputs=tuple(inputs), output=str(output),
                       clean=CleanConfig() if command != "dedup" else None,
                       site=SiteConfig() if command != "dedup" else None,
                       dedup=DedupConfig() if command != "clean" else None)
    # Workers that may start processes, as the engine's own LocalCluster: the per-document time limit needs them.
    with dask.config.set({"distributed.worker.daemon": False}), \
            LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None, silence_logs=50) as cluster, \
            Client(cluster) as client:
        started = time.perf_counter()
        with get_task_stream(client) as stream:
            run_on_dask(config, cluster.scheduler_address)
        seconds = time.perf_counter() - started
        worker_peaks = client.run(peak_rss_mb)
    busy: dict[str, float] = defaultdict(float)
    tasks: dict[str, int] = defaultdict(int)
    for task in stream.data:
        for span in task["startstops"]:
            if span["action"] == "compute":
                busy[task["worker"]] += span["stop"] - span["start"]
        tasks[task["worker"]] += 1
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": {"client (scheduler + driver)": round(peak_rss_mb()),
                        **{f"worker {n}": round(mb) for n, mb in enumerate(worker_peaks.values())}},
        "workers": {f"worker {n}": {"tasks": tasks[address], "busy_seconds": round(busy[address], 1)}
                    for n, address in enumerate(worker_peaks)},
    }


def records_local(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def records_parts(directory: Path) -> list[dict]:
    return [json.loads(line) for part in sorted(directory.glob("part-*.jsonl.gz")) for line in gzip.open(part, "rt", encoding="utf-8")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("parts", type=Path, help="directory of JSONL partitions")
    parser.add_argument("--command", choices=["clean", "dedup", "run"], default="dedup")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N partitions")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each engine, alternating which goes first")
    args = parser.parse_args()
    inputs = sorted(str(p) for p in args.parts.iterdir() if p.name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst")))
    inputs = inputs[: args.limit] if args.limit else inputs
    seconds: dict[str, list[float]] = {"local": [], "dask": []}
    last: dict[str, dict] = {}
    same = True
    for round_number in range(args.rounds):
        with tempfile.TemporaryDirectory(dir=".") as work:
            local_out, dask_out = Path(work) / "local.jsonl", Path(work) / "dask"
            runs = {"local": (run_local, local_out), "dask": (run_dask, dask_out)}
            for engine in (["local", "dask"] if round_number % 2 == 0 else ["dask", "local"]):
                run, output = runs[engine]
                last[engine] = run(inputs, args.command, args.workers, output)
                seconds[engine].append(last[engine]["seconds"])
            same = same and records_local(local_out) == records_parts(dask_out)
        print(json.dumps({"round": round_number, "seconds": {engine: values[-1] for engine, values in seconds.items()}}),
              file=sys.stderr, flush=True)
    ratios = [d / loc for d, loc in zip(seconds["dask"], seconds["local"], strict=True)]
    print(json.dumps({"command": args.command, "partitions": len(inputs), "workers": args.workers, "rounds": args.rounds,
                      "seconds": {engine: {"median": statistics.median(values), "all": values} for engine, values in seconds.items()},
                      "dask_over_local_time": {"median": round(statistics.median(ratios), 2),
                                               "range": [round(min(ratios), 2), round(max(ratios), 2)]},
                      "last_round": last, "identical_output": same}, indent=2))


if __name__ == "__main__":
    main()
