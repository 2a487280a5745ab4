"""MinHash signatures from raw text: cleanews against datasketch's MinHash.bulk, side by side in one run.

Both start from the same raw texts and produce num_perm-value signatures of
the same word shingles (same tokens: NFKC, casefolded ``\\w+``):

- datasketch: Python tokens and shingles (bytes), then ``MinHash.bulk``
  (its default SHA-1 hash, scheme affine32);
- cleanews: ``sketch_texts`` (blocks of texts, as ``Deduplicator.add``
  does), which also computes the head signature and the distinct-shingle
  counts.

Rounds alternate between the two, so that load on the shared machine hits
both alike; the ratio is the median over rounds. One process each.

    python benchmarks/dedup_speed.py --docs 3000 --rounds 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

from datasketch import MinHash

from cleanews import DedupConfig
from cleanews.dedup.deduplicator import sketch_settings
from cleanews.dedup.minhash import sketch_texts
from cleanews.dedup.shingles import tokens

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def datasketch_signatures(texts: list[str], shingle_size: int, num_perm: int) -> list[MinHash]:
    shingle_sets = []
    for text in texts:
        words = tokens(text)
        size = min(shingle_size, len(words))
        shingle_sets.append([" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)])
    return MinHash.bulk(shingle_sets, num_perm=num_perm)


def cleanews_signatures(texts: list[str], config: DedupConfig) -> object:
    return sketch_texts(texts, sketch_settings(config))


def timed(function, *args) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def load_texts(corpus: str | None, docs: int) -> list[str]:
    import json

    if corpus is not None:
        with open(corpus, encoding="utf-8") as source:
            return [json.loads(line)["text"] for _, line in zip(range(docs), source, strict=False)]
    from synthetic import make_corpus

    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "synthetic.jsonl")
        make_corpus(path, docs, seed=4)
        return load_texts(path, docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--num-perm", type=int, default=DedupConfig.num_perm)
    parser.add_argument("--shingle-size", type=int, default=DedupConfig.shingle_size)
    parser.add_argument("--corpus", help="JSONL with a text field (default: a fresh synthetic corpus)")
    args = parser.parse_args()
    texts = load_texts(args.corpus, args.docs)
    words = sum(len(t.split()) for t in texts) / len(texts)
    config = DedupConfig(num_perm=args.num_perm, shingle_size=args.shingle_size)
    cleanews_signatures(texts[:10], config)  # code point tables, built once per process: not a per-document cost
    print(f"{len(texts)} documents, {words:.0f} words on average, num_perm={args.num_perm}, word {args.shingle_size}-grams")
    print(f"{'round':>5} {'datasketch docs/s':>18} {'cleanews docs/s':>16} {'ratio':>7}")
    ratios = []
    for round_number in range(1, args.rounds + 1):
        theirs = timed(datasketch_signatures, texts, args.shingle_size, args.num_perm)
        ours = timed(cleanews_signatures, texts, config)
        ratios.append(theirs / ours)
        print(f"{round_number:>5} {len(texts) / theirs:>18.0f} {len(texts) / ours:>16.0f} {theirs / ours:>6.1f}x")
    print(f"median ratio: {statistics.median(ratios):.1f}x")


if __name__ == "__main__":
    main()
