"""A bounded fuzz run over hostile JSON values, through whole runs (clean, site boilerplate, dedup with an index).

    python benchmarks/fuzz_values.py                      # 20 runs of 200 records, seed 14
    python benchmarks/fuzz_values.py --runs 3 --engine dask

Each record puts, in a random field (id, text, html, url, title, date,
author, an extra field, a nested extra), a value of one class: nesting from
2 to 3,000 deep, integers of 4,000 to 6,000 digits, NaN, Infinity and
numbers past a double (1e400), strings with lone surrogates, control
characters, newlines, invalid or NFKC-changing URLs, ids of every JSON
type; the rest are ordinary records. Checked, per run:

- the run never raises (nor hangs: each run has a time limit of its own);
- every record is accounted for, per file (in = out + rejected);
- every line written (output and rejects) is strict JSON: no NaN, no Infinity;
- no output document has empty text.

Prints the runs tried, the rejects by reason, and each failure.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from fuzz_readers import print_reasons  # the sibling script (benchmarks/ is on the path)

from cleanews import RunConfig, run_corpus

FIELDS = ["id", "text", "html", "url", "title", "date", "author", "extra", "nested"]
WORDS = "the mayor spoke on monday about a new bridge over river council voted budget roads school".split()


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(6, 14))).capitalize() + "."


def hostile_value(rng: random.Random) -> tuple[str, str]:
    """(JSON text of a hostile value, its class)."""
    kind = rng.choice(["deep", "big_int", "non_finite", "surrogate", "control", "bad_url", "odd_type"])
    if kind == "deep":
        depth = rng.choice([2, 50, 99, 100, 101, 500, 3000])
        return "[" * depth + "]" * depth, kind
    if kind == "big_int":
        return "-" * rng.randint(0, 1) + "9" * rng.randint(4000, 6000), kind
    if kind == "non_finite":
        return rng.choice(["NaN", "Infinity", "-Infinity", "1e400", "-1e999", "1.5e308"]), kind
    if kind == "surrogate":
        return json.dumps(sentence(rng))[:-1] + rng.choice(["\\ud800", "\\udc80", "\\udfff x", "\\ud83d"]) + '"', kind
    if kind == "control":
        return json.dumps(sentence(rng) + rng.choice(["\n", "\r\n", "\x00", "\x1b[2J", "\u2028", "\ufeff"]) + sentence(rng)), kind
    if kind == "bad_url":
        return json.dumps(rng.choice(["http://[oops/x", "https://exa\uff03mple.com", "http://[::1/", "//", "http://\ud800.com/"])), kind
    return rng.choice(["1.5", "true", "false", "null", "{}", "[]", '{"a": 1}', "0", "-7", '""']), kind


def record_line(number: int, rng: random.Random, classes: Counter[str]) -> str:
    fields = {"id": json.dumps(f"r{number}"), "text": json.dumps("\n".join(sentence(rng) for _ in range(rng.randint(1, 8)))),
              "url": json.dumps(f"https://site{rng.randint(0, 3)}.example/{number}")}
    if rng.random() < 0.7:
        name = rng.choice(FIELDS)
        value, kind = hostile_value(rng)
        classes[f"{kind} in {name}"] += 1
        fields[name] = '{"inner": ' + value + "}" if name == "nested" else value
    return "{" + ", ".join(f"{json.dumps(name)}: {value}" for name, value in fields.items()) + "}"


def no_constant(name: str) -> None:
    raise ValueError(f"{name} written: not JSON")


def written_lines(path: Path) -> list[str]:
    if path.is_dir():
        text = "".join(gzip.open(part, "rt", encoding="utf-8", newline="\n").read() for part in sorted(path.glob("part-*.jsonl.gz")))
    else:
        text = path.read_bytes().decode("utf-8") if path.exists() else ""
    return text.split("\n")[:-1]  # not splitlines: U+2028 and the like are text inside a JSON string


def one_run(scratch: Path, lines: list[str], engine: str, reasons: Counter[str]) -> str | None:
    """None when the run behaved, else what went wrong."""
    source = scratch / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output, rejects = scratch / ("out" if engine == "dask" else "out.jsonl"), scratch / "rejects.jsonl"
    config = RunConfig(inputs=(str(source),), output=str(output), rejects=str(rejects), index=str(scratch / "seen.sqlite"),
                       time_limit=30, jobs=2)
    try:
        if engine == "dask":
            from cleanews.dask_engine import run_on_dask

            stats = run_on_dask(config, workers=2)
        else:
            stats = run_corpus(config)
    except BaseException:  # noqa: BLE001 - a fuzz harness reports every escape
        return traceback.format_exc()
    out, rejected = written_lines(output), written_lines(rejects)
    if stats.unbalanced() or stats.records_in != len(lines) or len(out) + len(rejected) != len(lines):
        return f"{len(lines)} records in, {len(out)} out, {len(rejected)} rejected; stats {stats.to_dict()['files']}"
    for line in out + rejected:
        try:
            record = json.loads(line, parse_constant=no_constant)
        except ValueError as error:
            return f"{error}: {line[:300]}"
        if "reason" in record and "source" in record:
            reasons[re.sub(r"\d[\d.,]*", "N", record["reason"])[:80]] += 1
        elif not record["text"].strip():
            return f"empty document written: {line[:300]}"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--engine", choices=["local", "dask"], default="local")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    reasons: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    failures = 0
    started = time.perf_counter()
    for number in range(args.runs):
        lines = [record_line(record, rng, classes) for record in range(args.records)]
        with tempfile.TemporaryDirectory() as scratch:
            problem = one_run(Path(scratch), lines, args.engine, reasons)
        if problem:
            failures += 1
            print(f"FAILURE in run {number}:\n{problem}", file=sys.stderr)
    seconds = time.perf_counter() - started
    print(f"runs: {args.runs} of {args.records} records (seed {args.seed}, {args.engine}) in {seconds:.1f} s; failures: {failures}")
    print(f"hostile values: {sum(classes.values())} in {len(classes)} classes (value kind in field)")
    print_reasons(reasons)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
