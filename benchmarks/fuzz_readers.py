"""A bounded fuzz run over the readers: damaged JSONL, gzip, zstd, HTML and text files.

    python benchmarks/fuzz_readers.py                 # 20,000 inputs, seed 6
    python benchmarks/fuzz_readers.py --inputs 2000 --keep /tmp/fuzz-failures

Each input is a seed file (well-formed records, the golden pages) damaged at
random: bytes flipped, inserted or deleted, spans duplicated or cut, NULs,
BOMs and over-long lines put in, the file truncated, compressed before or
after the damage. Every input is read with ``read_path`` (a quarter of them
under small caps, so the size and decompression caps trip too). Checked:

- reading never raises; every item is a Document or a Reject, and a Reject
  can be written as JSON;
- a plain JSONL file (no BOM, not compressed) gives one item per non-blank
  line: nothing is lost between the bytes and the records;
- every Document has text or HTML.

Prints how many inputs were tried, what came out (rejects by reason), and
each failure with the seed and mutations that made it.
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import json
import os
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

import zstandard

from cleanews import Document, Reject
from cleanews.config import ReadLimits
from cleanews.io import read_path

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SMALL_CAPS = ReadLimits(max_record_bytes=4096, max_decompressed_bytes=1 << 16, max_compression_ratio=8)


def seeds() -> list[tuple[str, bytes]]:
    """(file name, content) pairs to damage."""
    records = [json.dumps({"id": f"r{n}", "text": f"Story {n} about the harbour bridge, “quoted” café.", "lang": "en"},
                          ensure_ascii=n % 2 == 0).encode() for n in range(20)]
    jsonl = b"\n".join(records) + b"\n"
    wire = (GOLDEN / "dedup" / "wire-variants.jsonl").read_bytes()
    pages = [(path.name, path.read_bytes()) for path in sorted((GOLDEN / "input").iterdir())]
    return [("a.jsonl", jsonl), ("wire.jsonl", wire), ("b.jsonl.gz", jsonl), ("c.jsonl.zst", wire), *pages]


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    """Data with one to four random kinds of damage, and their names."""
    steps = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["flip", "insert", "delete", "duplicate", "cut", "nul", "bom", "long", "newlines", "splice"])
        steps.append(kind)
        where = rng.randrange(len(data) + 1)
        if kind == "flip" and data:
            where = min(where, len(data) - 1)
            data = data[:where] + bytes([data[where] ^ (1 << rng.randrange(8))]) + data[where + 1:]
        elif kind == "insert":
            data = data[:where] + rng.randbytes(rng.randint(1, 20)) + data[where:]
        elif kind == "delete":
            data = data[:where] + data[where + rng.randint(1, 50):]
        elif kind == "duplicate":
            span = data[where:where + rng.randint(1, 200)]
            data = data[:where] + span * rng.randint(2, 50) + data[where:]
        elif kind == "cut":
            data = data[:where]
        elif kind == "nul":
            data = data[:where] + b"\x00" * rng.randint(1, 5) + data[where:]
        elif kind == "bom":
            data = rng.choice([codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]) + data
        elif kind == "long":
            data = data[:where] + b"x" * rng.choice([5000, 70_000]) + data[where:]
        elif kind == "newlines":
            data = data.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\n \n", b""]))
        elif kind == "splice":
            data = data[:where] + rng.choice([b'{"id": ', b'"text": ', b"}", b"[", b'\\ud800', b'"\\u', b"\xff\xfe"]) + data[where:]
    return data, steps


def make_input(name: str, data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    """Damage, compressing before or after it for .gz/.zst names."""
    compress = gzip.compress if name.endswith(".gz") else zstandard.ZstdCompressor().compress if name.endswith(".zst") else None
    if compress is None:
        return mutate(data, rng)
    if rng.random() < 0.5:
        damaged, steps = mutate(data, rng)
        return compress(damaged), steps + ["then compressed"]
    damaged, steps = mutate(compress(data), rng)
    return damaged, ["compressed, then", *steps]


def plain_jsonl(name: str, data: bytes) -> bool:
    return name.endswith(".jsonl") and not data.startswith((b"\x1f\x8b", b"\x28\xb5\x2f\xfd", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))


def check(path: Path, name: str, data: bytes, limits: ReadLimits, reasons: Counter[str]) -> str | None:
    """None when the readers behaved, else what went wrong."""
    try:
        items = list(read_path(str(path), limits=limits))
    except BaseException:  # noqa: BLE001 - a fuzz harness reports every escape
        return traceback.format_exc()
    for item in items:
        if isinstance(item, Reject):
            json.dumps(item.to_record())
            reasons[re.sub(r"\(.*|\d[\d.,]*\s*\w*", "…", item.reason)[:70]] += 1
        elif not isinstance(item, Document) or not (item.text.strip() or (item.html or "").strip()):
            return f"bad item: {item!r}"[:500]
    if plain_jsonl(name, data) and limits.max_record_bytes >= len(data):
        expected = sum(1 for line in data.split(b"\n") if line.strip())
        if len(items) != expected:
            return f"{len(items)} items from {expected} non-blank lines"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", type=Path, default=None, help="save failing inputs here")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    sources = seeds()
    reasons: Counter[str] = Counter()
    failures = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        for number in range(args.inputs):
            name, seed = rng.choice(sources)
            data, steps = make_input(name, seed, rng)
            path = Path(scratch) / name
            path.write_bytes(data)
            limits = SMALL_CAPS if rng.random() < 0.25 else ReadLimits()
            problem = check(path, name, data, limits, reasons)
            if problem:
                failures += 1
                print(f"FAILURE {number}: {name} after {steps}:\n{problem}", file=sys.stderr)
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    (args.keep / f"{number}-{name}").write_bytes(data)
            os.remove(path)
    seconds = time.perf_counter() - started
    print(f"inputs tried: {args.inputs} (seed {args.seed}) in {seconds:.1f} s; failures: {failures}")
    print_reasons(reasons)
    return 1 if failures else 0


def print_reasons(reasons: Counter[str]) -> None:
    print(f"rejects: {sum(reasons.values())}, by reason:")
    for reason, count in reasons.most_common():
        print(f"  {count:7d}  {reason}")


if __name__ == "__main__":
    sys.exit(main())
