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
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from distributed import Client, LocalCluster, get_task_stream

from cleanews.clean.site import SiteConfig
from cleanews.config import CleanConfig, DedupConfig
from cleanews.dask_engine import run_on_dask
from cleanews.pipeline import RunConfig


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
    config = RunConfig(inputs=tuple(inputs), output=str(output), time_limit=None,
                       clean=CleanConfig() if command != "dedup" else None,
                       site=SiteConfig() if command != "dedup" else None,
                       dedup=DedupConfig() if command != "clean" else None)
    with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None, silence_logs=50) as cluster, \
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
    args = parser.parse_args()
    inputs = sorted(str(p) for p in args.parts.iterdir() if p.name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst")))
    inputs = inputs[: args.limit] if args.limit else inputs
    with tempfile.TemporaryDirectory(dir=".") as work:
        local_out, dask_out = Path(work) / "local.jsonl", Path(work) / "dask"
        local = run_local(inputs, args.command, args.workers, local_out)
        distributed = run_dask(inputs, args.command, args.workers, dask_out)
        same = records_local(local_out) == records_parts(dask_out)
    print(json.dumps({"command": args.command, "partitions": len(inputs), "workers": args.workers,
                      "local": local, "dask": distributed, "identical_output": same,
                      "dask_over_local_time": round(distributed["seconds"] / local["seconds"], 2)}, indent=2))


if __name__ == "__main__":
    main()
