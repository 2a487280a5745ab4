"""Cleaning speed, whole process against whole process, side by side in one run.

    python benchmarks/clean_speed.py                    # 5 rounds on the scrapinghub pages
    python benchmarks/clean_speed.py --rounds 7 --data DIR
    python benchmarks/clean_speed.py --text-only        # text mode's documents per core only
    python benchmarks/clean_speed.py --handoff          # only the cost of passing pages to workers
    python benchmarks/clean_speed.py --baseline ../main # also the html-inproc of another checkout, as html-base,
                                                        # and its text mode side by side with this one's
    python benchmarks/clean_speed.py --html-only        # no text-mode documents per core

Each round runs, one after another in alternating order so that load on a
shared machine hits all alike, these separate processes on the same pages:

- ``trafilatura``: a Python process that reads the JSONL, runs
  ``trafilatura.extract(html, include_comments=False)`` on every page and
  writes the texts as JSONL (what a user would run instead of cleanews);
- ``html``: ``cleanews clean --mode html --jobs 1`` (one worker process
  under the default time limit, the parent reading and writing);
- ``html-inproc``: the same with ``--time-limit 0``: no worker, everything
  in one process, so its peak memory is what one worker needs, and its time
  against ``html`` is what handing pages to a worker costs;
- ``html-jobs``: the default ``--jobs`` (all cores);
- ``text``: ``cleanews clean --mode text --text-field page_text --jobs 1``.

It prints, per system, the median wall time and its spread (min-max) over
the rounds, pages/s, the median CPU seconds (the process and the children
it waited for: for ``html`` and ``html-jobs`` not the workers) and the peak resident memory of the main process (the
workers are children of the fork server and do not count there: the
``html-inproc`` figure is what one worker needs). Ratios are per round, then
the median: HTML against trafilatura, the default --jobs against one worker.

Then, in one process, where HTML mode's time goes: CPU milliseconds per page
of each part (parse, block walk, trafilatura with its fallback where it runs,
the metadata, the block features, what is left after the classifier, the whole ``clean_html``), next to
``trafilatura.extract`` alone, page by page in turn.

Text mode's documents per second per core are then measured in one process
(``clean_text`` on every ``page_text`` of each set, after a warm-up, so
imports and model loading do not count), and on the seed article repeated.
With ``--baseline DIR`` (another checkout of cleanews, e.g. main's), each
set is then timed in separate processes of this checkout and that one, in
alternating order, and the ratio of their rates is given per round.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "clean"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "abcnews-us-strike-iraq.txt"
TEXT_SETS = ("scrapinghub", "readability", "wcxb-dev")

TRAFILATURA_ALONE = """
import gzip, json, sys
import trafilatura
with gzip.open(sys.argv[1], "rt", encoding="utf-8") as source, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in source:
        record = json.loads(line)
        text = trafilatura.extract(record["html"], include_comments=False) or ""
        out.write(json.dumps({"id": record.get("id"), "text": text}) + "\\n")
"""
CLEANEWS = "import sys; from cleanews.cli import main; sys.argv[0] = 'cleanews'; sys.exit(main())"


def commands(pages: Path, out: Path, baseline: Path | None = None) -> dict[str, list[str]]:
    """The systems' command lines; with ``baseline`` (another checkout) also ``html-base``: its html-inproc."""
    cleanews = [sys.executable, "-c", CLEANEWS, "clean", str(pages), "-o", str(out), "--quiet"]
    inproc = ["--mode", "html", "--jobs", "1", "--time-limit", "0"]
    systems = {
        "trafilatura": [sys.executable, "-c", TRAFILATURA_ALONE, str(pages), str(out)],
        "html": [*cleanews, "--mode", "html", "--jobs", "1"],
        "html-inproc": [*cleanews, *inproc],
        "html-jobs": [*cleanews, "--mode", "html"],
        "text": [*cleanews, "--mode", "text", "--text-field", "page_text", "--jobs", "1"],
    }
    if baseline is not None:  # its code first on the path, ahead of this checkout's installed one
        path_first = f"import sys; sys.path.insert(0, {str(baseline.resolve())!r}); " + CLEANEWS
        systems["html-base"] = [sys.executable, "-c", path_first, *cleanews[3:], *inproc]
    return systems


def run_once(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident memory (MB) of one process.

    The CPU time is the process's own and its waited-for children's: the
    worker processes of a pool (children of the fork server) are not in it.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"error: {command[:4]} ... exited with status {status}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def spread(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def whole_process(pages: Path, rounds: int, baseline: Path | None = None) -> None:
    count = sum(1 for _ in gzip.open(pages, "rt", encoding="utf-8"))
    with tempfile.TemporaryDirectory() as work:
        systems = commands(pages, Path(work) / "out.jsonl", baseline)
        names = list(systems)
        seconds: dict[str, list[float]] = {name: [] for name in names}
        cpu: dict[str, list[float]] = {name: [] for name in names}
        memory: dict[str, list[float]] = {name: [] for name in names}
        for round_number in range(rounds):
            for name in names if round_number % 2 == 0 else reversed(names):
                wall, processor, peak = run_once(systems[name])
                seconds[name].append(wall)
                cpu[name].append(processor)
                memory[name].append(peak)
    print(f"{pages.name}: {count} pages, {rounds} rounds, {os.cpu_count()} cores")
    print(f"  {'system':<12} {'seconds: median (min-max)':<28} {'pages/s':>8} {'CPU s':>7} {'peak RSS MB':>12}")
    for name in names:
        print(f"  {name:<12} {spread(seconds[name]):<28} {count / statistics.median(seconds[name]):8.1f}"
              f" {statistics.median(cpu[name]):7.2f} {max(memory[name]):12.0f}")
    ratios = lambda slow, fast, times=seconds: [a / b for a, b in zip(times[slow], times[fast], strict=True)]  # noqa: E731
    print(f"  html / trafilatura throughput: {spread(ratios('trafilatura', 'html'))}")
    print(f"  html-inproc / trafilatura throughput: {spread(ratios('trafilatura', 'html-inproc'))}")
    print(f"  html-inproc / trafilatura in CPU time (one process each): {spread(ratios('trafilatura', 'html-inproc', cpu))}")
    print(f"  default --jobs / --jobs 1 throughput: {spread(ratios('html', 'html-jobs'))}")
    if baseline is not None:
        print(f"  html-inproc / html-base ({baseline}) in CPU time: {spread(ratios('html-base', 'html-inproc', cpu))}")
    if os.getloadavg()[0] > (os.cpu_count() or 1):
        print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: other work shared them, ratios are rough)")


def html_parts(pages: Path) -> None:
    """CPU ms per page of HTML mode's parts and of trafilatura alone, timed page by page in turn."""
    import trafilatura

    from cleanews import clean_html
    from cleanews.clean import warm_up
    from cleanews.clean.block_features import block_matrix
    from cleanews.clean.blocks import blocks_of, parse_html
    from cleanews.clean.html import extract
    from cleanews.clean.metadata import page_metadata

    with gzip.open(pages, "rt", encoding="utf-8") as source:
        records = [json.loads(line) for line in source]
    warm_up()
    totals: dict[str, float] = {}

    def timed(name: str, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        result = work(*args, **kwargs)
        totals[name] = totals.get(name, 0.0) + time.process_time() - start
        return result

    for record in records:
        html, url = record["html"], record.get("url")
        timed("trafilatura.extract alone", trafilatura.extract, html, include_comments=False)
        timed("clean_html, whole", clean_html, html, url=url)
        tree = timed("  parse", parse_html, html)
        if tree is None:
            continue
        blocks = timed("  block walk", lambda root: list(blocks_of(root)), tree)
        words = sum(len(block.text.split()) for block in blocks)
        extracted = timed("  trafilatura (+ fallback where needed) + metadata", extract, tree, url, words)
        timed("    of which metadata", page_metadata, tree, url)
        timed("  block features", block_matrix, blocks, extracted.text)
    parts = ("  parse", "  block walk", "  trafilatura (+ fallback where needed) + metadata", "  block features")
    totals["  after the classifier (the whole less the parts above)"] = totals["clean_html, whole"] - sum(totals[name] for name in parts)
    print(f"where HTML mode's time goes, CPU ms per page ({len(records)} pages, one process)")
    for name, seconds in totals.items():
        print(f"  {name:<56} {1000 * seconds / len(records):6.1f}")


def unchanged(doc: Any) -> Any:
    """A document step that does no work: what is left of a worker run is the hand-off."""
    return doc.replace(html=None)


def handoff(pages: Path, copies: int = 3) -> None:
    """The parent's CPU ms and the wall ms per page of passing pages to workers and back, with no cleaning."""
    from cleanews.document import Document
    from cleanews.workers import ordered_map

    with gzip.open(pages, "rt", encoding="utf-8") as source:
        docs = [Document(id=record["id"], text="", html=record["html"]) for record in map(json.loads, source)] * copies
    print(f"hand-off of {len(docs)} pages to workers and back, no cleaning (the default 5 s limit)")
    for jobs in (1, 2):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in ordered_map(unchanged, docs, jobs=jobs, time_limit=5.0):
            pass
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"  {jobs} worker(s): parent CPU {1000 * cpu / len(docs):.2f} ms/page, wall {1000 * wall / len(docs):.2f} ms/page (pool start included)")


def text_rate(texts: list[str], rounds: int) -> list[float]:
    """Documents per second of ``clean_text`` in this process, per round."""
    from cleanews import clean_text

    for text in texts[:20]:  # warm up: stop lists, models
        clean_text(text)
    rates = []
    for _ in range(rounds):
        start = time.process_time()
        for text in texts:
            clean_text(text)
        rates.append(len(texts) / (time.process_time() - start))
    return rates


def in_process_text(data: Path, rounds: int) -> None:
    print("text mode in one process (documents per CPU second: per core)")
    for name in TEXT_SETS:
        if (data / f"{name}.jsonl.gz").exists():
            texts = texts_of(data, name)
            words = sum(len(text.split()) for text in texts) / len(texts)
            print(f"  {name:<12} page_text, {len(texts)} docs, {words:.0f} words/doc: {spread(text_rate(texts, rounds))} docs/s")
    if SEED.exists():
        seed = texts_of(data, "seed")
        print(f"  {'seed':<12} {SEED.name}, {len(seed[0].split())} words, x200: {spread(text_rate(seed, rounds))} docs/s")


# Text mode's documents per CPU second in a fresh process of the checkout on
# PYTHONPATH, on one set's page_text (or the seed repeated): in_process_text's measure.
TEXT_RATE = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import clean_speed
import cleanews
texts = clean_speed.texts_of(Path(sys.argv[2]), sys.argv[3])
print(clean_speed.text_rate(texts, 1)[0], Path(cleanews.__file__).resolve().parents[1])
"""


def texts_of(data: Path, name: str) -> list[str]:
    """The non-empty page_text of set ``name`` in ``data``, or the seed article 200 times (name 'seed')."""
    if name == "seed":
        return [SEED.read_text(encoding="utf-8")] * 200
    with gzip.open(data / f"{name}.jsonl.gz", "rt", encoding="utf-8") as source:
        # An empty page_text is a rejected record, not a document to time.
        return [text for line in source if (text := json.loads(line).get("page_text") or "").strip()]


def text_against(data: Path, rounds: int, baseline: Path) -> None:
    """Text mode here and in the checkout ``baseline``, process against process, alternating; the ratio per round."""
    checkouts = {"this": Path(__file__).resolve().parents[1], "against": baseline.resolve()}
    print(f"text mode, this checkout against {checkouts['against']} (documents per CPU second, {rounds} rounds)")
    for name in [name for name in TEXT_SETS if (data / f"{name}.jsonl.gz").exists()] + (["seed"] if SEED.exists() else []):
        rates: dict[str, list[float]] = {which: [] for which in checkouts}
        for round_number in range(rounds):
            for which in checkouts if round_number % 2 == 0 else reversed(checkouts):
                command = [sys.executable, "-c", TEXT_RATE, str(Path(__file__).parent), str(data.resolve()), name]
                # Run outside any checkout, so that PYTHONPATH decides which cleanews is imported.
                output = subprocess.run(command, env={**os.environ, "PYTHONPATH": str(checkouts[which])}, capture_output=True,
                                        text=True, check=True, cwd=tempfile.gettempdir())
                rate, imported = output.stdout.split()
                if Path(imported) != checkouts[which]:
                    raise SystemExit(f"error: {checkouts[which]} imported cleanews from {imported}")
                rates[which].append(float(rate))
        ratios = [mine / theirs for mine, theirs in zip(rates["this"], rates["against"], strict=True)]
        print(f"  {name:<12} this {spread(rates['this'])}, against {spread(rates['against'])} docs/s: ratio {spread(ratios)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="directory with the shared NAME.jsonl.gz sets")
    parser.add_argument("--set", default="scrapinghub", help="the set of pages for the whole-process runs")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--text-only", action="store_true", help="skip the whole-process runs: text mode in one process only")
    parser.add_argument("--handoff", action="store_true", help="only measure what passing pages to workers costs")
    parser.add_argument("--html-only", action="store_true", help="skip text mode's documents per core")
    parser.add_argument("--baseline", type=Path,
                        help="another checkout (e.g. of main) whose html-inproc runs alongside, as html-base, and whose text mode is timed side by side")
    args = parser.parse_args(argv)
    pages = args.data / f"{args.set}.jsonl.gz"
    if not pages.exists():
        print(f"error: no {pages} (give --data DIR)", file=sys.stderr)
        return 1
    if args.handoff:
        handoff(pages)
        return 0
    if not args.text_only:
        whole_process(pages, args.rounds, args.baseline)
        html_parts(pages)
    if not args.html_only:
        in_process_text(args.data, args.rounds)
        if args.baseline:
            text_against(args.data, args.rounds, args.baseline)
    return 0


if __name__ == "__main__":
    sys.exit(main())
