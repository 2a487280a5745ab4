"""WARC input against JSONL input: the same pages, the same `cleanews run`, pages per second for both.

Builds, from the shared benchmark pages (``../shared/data/clean``; scrapinghub
and readability unless ``--sets`` says otherwise), a
``.warc.gz`` the way a crawler writes one (a request and a response record
per page, a warcinfo record first, HTTP headers with the charset) and the
same pages as ``.jsonl.gz`` (url and html fields), then runs
``cleanews run`` on each, alternating, ``--rounds`` times, and prints
pages/s (median and range) for both, the time the reading alone takes
(``read_inputs`` over each file), and whether both runs wrote the same
texts for the same URLs::

    python benchmarks/warc_input.py --rounds 3
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleanews import Document, read_inputs

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "clean"
SETS = ("scrapinghub", "readability", "wcxb-dev")


def load_pages(data: Path, sets: tuple[str, ...], limit: int | None) -> list[dict]:
    """url and html of every page (a made-up URL where a set has none), one host per page for honest site counts."""
    pages = []
    for name in sets:
        with gzip.open(data / f"{name}.jsonl.gz", "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                record = json.loads(line)
                pages.append({"url": record.get("url") or f"https://{name}-{number}.example/story", "html": record["html"]})
    return pages[:limit]


def write_warc(pages: list[dict], path: Path) -> None:
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "cleanews benchmark"}))
        for page in pages:
            request = f"GET / HTTP/1.1\r\nHost: {page['url'].split('/')[2]}\r\n\r\n".encode()
            writer.write_record(writer.create_warc_record(page["url"], "request", payload=io.BytesIO(request)))
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(page["url"], "response", payload=io.BytesIO(page["html"].encode("utf-8")),
                                                          http_headers=http))


def write_jsonl(pages: list[dict], path: Path) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for number, page in enumerate(pages):
            handle.write(json.dumps({"id": str(number), **page}) + "\n")


def run(path: Path, output: Path, jobs: int) -> float:
    started = time.perf_counter()
    # No time limit: on a loaded machine a page may time out in one run and not the other, and the outputs would differ.
    subprocess.run([sys.executable, "-c", "from cleanews.cli import main; main()", "run", str(path), "-o", str(output), "-q",
                    "-j", str(jobs), "--time-limit", "0"], check=True)
    return time.perf_counter() - started


def read_seconds(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    count = sum(isinstance(item, Document) for item in read_inputs([str(path)]))
    return time.perf_counter() - started, count


def texts_by_url(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8") as handle:
        return {record["url"]: record["text"] for record in map(json.loads, handle)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="use the first N pages only")
    parser.add_argument("--sets", nargs="+", choices=SETS, default=["scrapinghub", "readability"])
    parser.add_argument("--data", type=Path, default=DATA, help=f"where the sets are [default: {DATA}]")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"{args.data}: the shared benchmark pages are not there")
    pages = load_pages(args.data, tuple(args.sets), args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inputs = {"warc.gz": work / "pages.warc.gz", "jsonl.gz": work / "pages.jsonl.gz"}
        write_warc(pages, inputs["warc.gz"])
        write_jsonl(pages, inputs["jsonl.gz"])
        seconds: dict[str, list[float]] = {name: [] for name in inputs}
        reads: dict[str, list[float]] = {name: [] for name in inputs}
        for _ in range(args.rounds):
            for name, path in inputs.items():
                reads[name].append(read_seconds(path)[0])
                seconds[name].append(run(path, work / f"out-{name}.jsonl", args.jobs))
        print(f"{len(pages)} pages; {args.rounds} rounds, alternating; cleanews run -j {args.jobs}")
        print(f"{'input':<10} {'MB':>6} {'pages/s (median)':>17} {'range':>13} {'read only, s':>13} {'read pages/s':>13}")
        for name, path in inputs.items():
            rates = [len(pages) / s for s in seconds[name]]
            read = statistics.median(reads[name])
            print(f"{name:<10} {path.stat().st_size / 1e6:>6.1f} {statistics.median(rates):>17.1f} "
                  f"{min(rates):>6.1f}-{max(rates):<6.1f} {read:>13.2f} {len(pages) / read:>13.0f}")
        ratios = [jsonl / warc for warc, jsonl in zip(seconds["warc.gz"], seconds["jsonl.gz"], strict=True)]
        print(f"WARC pages/s over JSONL pages/s, round by round: median {statistics.median(ratios):.2f} "
              f"(range {min(ratios):.2f}-{max(ratios):.2f})")
        same = texts_by_url(work / "out-warc.gz.jsonl") == texts_by_url(work / "out-jsonl.gz.jsonl")
        print(f"same texts for the same URLs: {same}")


if __name__ == "__main__":
    main()
