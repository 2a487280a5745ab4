"""Does a change keep dedup's output? ``cleanews dedup`` from this checkout and from another, byte for byte.

    python benchmarks/dedup_same.py --base /path/to/other/checkout
    python benchmarks/dedup_same.py --base ../main --synthetic 20000 --seeds 4 9 --workdir /tmp/same

Each corpus (wire-dev, and synthetic corpora made with ``synthetic.py``) is
deduplicated by both checkouts three ways: without an index, with a fresh
index, and in two batches into one index (the second against the first).
Every output file must be identical to the other checkout's. The other
checkout runs with its own code first on ``PYTHONPATH``. Exit status 1 on
any difference.
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from synthetic import make_corpus

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WIRE_DEV = os.path.join(HERE, "..", "shared", "data", "dedup", "wire-dev.jsonl.gz")


def dedup(checkout: str, inputs: list[str], output: str, index: str | None) -> None:
    environment = {**os.environ, "PYTHONPATH": checkout}
    command = [sys.executable, "-c", "import sys; from cleanews.cli import main; sys.exit(main())",
               "dedup", *inputs, "-o", output, "-q"]
    subprocess.run(command + (["--index", index] if index else []), check=True, env=environment, cwd=checkout)


def outputs(checkout: str, corpus: str, halves: list[str], directory: str) -> list[str]:
    """The output files of the three ways, in ``directory``."""
    os.makedirs(directory)
    dedup(checkout, [corpus], os.path.join(directory, "plain.jsonl"), None)
    dedup(checkout, [corpus], os.path.join(directory, "indexed.jsonl"), os.path.join(directory, "one.sqlite"))
    for number, half in enumerate(halves, start=1):
        dedup(checkout, [half], os.path.join(directory, f"batch{number}.jsonl"), os.path.join(directory, "two.sqlite"))
    return sorted(name for name in os.listdir(directory) if name.endswith(".jsonl"))


def split_in_two(corpus: str, directory: str) -> list[str]:
    with open(corpus, encoding="utf-8") as source:
        lines = source.readlines()
    halves = [os.path.join(directory, "first.jsonl"), os.path.join(directory, "second.jsonl")]
    for path, part in zip(halves, (lines[: len(lines) // 2], lines[len(lines) // 2 :]), strict=True):
        with open(path, "w", encoding="utf-8") as sink:
            sink.writelines(part)
    return halves


def compare(name: str, corpus: str, base: str, workdir: str) -> bool:
    directory = os.path.join(workdir, name)
    os.makedirs(directory)
    halves = split_in_two(corpus, directory)
    here = outputs(HERE, corpus, halves, os.path.join(directory, "this"))
    there = outputs(os.path.abspath(base), corpus, halves, os.path.join(directory, "base"))
    same = here == there and all(filecmp.cmp(os.path.join(directory, "this", file), os.path.join(directory, "base", file),
                                             shallow=False) for file in here)
    print(f"{name}: {', '.join(here)}: {'identical' if same else 'DIFFERENT'}", flush=True)
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="the other checkout (its directory holds the cleanews package)")
    parser.add_argument("--synthetic", type=int, default=20000, help="documents in each synthetic corpus")
    parser.add_argument("--seeds", type=int, nargs="*", default=[4, 9])
    parser.add_argument("--workdir", default=None, help="kept when given (a temporary directory otherwise)")
    args = parser.parse_args()
    workdir = os.path.abspath(args.workdir or tempfile.mkdtemp(prefix="dedup-same-"))
    os.makedirs(workdir, exist_ok=True)
    corpora = []
    if os.path.exists(WIRE_DEV):
        corpus = os.path.join(workdir, "wire-dev.jsonl")
        with gzip.open(WIRE_DEV, "rb") as source, open(corpus, "wb") as sink:
            shutil.copyfileobj(source, sink)
        corpora.append(("wire-dev", corpus))
    for seed in args.seeds:
        corpus = os.path.join(workdir, f"synthetic-{args.synthetic}-seed{seed}.jsonl")
        make_corpus(corpus, args.synthetic, seed)
        corpora.append((f"synthetic {args.synthetic} seed {seed}", corpus))
    results = [compare(name.replace(" ", "-"), corpus, args.base, workdir) for name, corpus in corpora]
    if not args.workdir:
        shutil.rmtree(workdir)
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
