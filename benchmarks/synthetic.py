"""Synthetic wire-story corpora of any size, from the team's generator, in bounded memory.

The generator (``make_wire_dups.py``) builds its whole corpus in memory, so
large corpora are made in chunks of at most ``STORIES_PER_CHUNK`` stories,
each with its own seed; ids, clusters and parents get the chunk as prefix,
so clusters never span chunks and every id is unique.

    python benchmarks/synthetic.py --docs 100000 --seed 3 --out /tmp/synth-100k.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

GENERATOR = os.environ.get("CLEANEWS_WIRE_GENERATOR", "/work/shared/tools/make_wire_dups.py")
STORIES_PER_CHUNK = 30_000  # about 100,000 documents, 1 GB of generator memory
DOCS_PER_STORY = 3.5  # measured: 5290 documents from 1500 stories


def make_corpus(out: str, docs: int, seed: int, generator: str = GENERATOR) -> int:
    """Write ``docs`` synthetic records (fewer only if the generator runs dry) to ``out``; return the count."""
    written = 0
    chunk = 0
    with open(out, "w", encoding="utf-8") as sink, tempfile.TemporaryDirectory() as scratch:
        while written < docs:
            stories = min(STORIES_PER_CHUNK, max(10, int((docs - written) / DOCS_PER_STORY) + 10))
            part = os.path.join(scratch, f"chunk{chunk}.jsonl")
            subprocess.run([sys.executable, generator, "--stories", str(stories), "--seed", str(seed * 1000 + chunk),
                            "--out", part], check=True, stdout=subprocess.DEVNULL)
            with open(part, encoding="utf-8") as source:
                for line in source:
                    if written == docs:
                        break
                    record = json.loads(line)
                    for name in ("id", "cluster", "parent"):
                        record[name] = f"c{chunk}-{record[name]}"
                    sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                    written += 1
            os.unlink(part)
            chunk += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    parser.add_argument("--generator", default=GENERATOR)
    args = parser.parse_args()
    print(f"{make_corpus(args.out, args.docs, args.seed, args.generator)} records -> {args.out}")


if __name__ == "__main__":
    main()
