"""A whole run on a corpus salted with bad records: every record is written, rejected or dropped, per file."""

import gzip
import json
import os
import random
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanews import Document, Reject, RunConfig, clean_step, run_corpus
from cleanews.cli import EXIT_REJECTED, EXIT_USAGE, main
from cleanews.workers import Failure, ordered_map

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
STORIES = [
    "The harbour bridge reopened on Tuesday after eight months of repairs, the city council said.",
    "Schools in the northern district will close early on Friday because of the heat, officials said.",
    "The regional train line will add two night services from June, the operator announced on Monday.",
    "A new library opened in the old post office building, with a reading room for children.",
]


def salted_corpus(directory: Path) -> list[Path]:
    """Six inputs, each with known fates for its records."""
    good = [json.dumps({"id": f"a{i}", "text": text}).encode() for i, text in enumerate(STORIES)]
    bad = [b"{not json", b'["a", "list"]', b'{"id": "n", "text": 7}', b'{"id": "e", "text": "  "}', b'{"id": "u", "text": "caf\xe9"}']
    a = directory / "a.jsonl"
    a.write_bytes(b"\n".join([good[0], bad[0], good[1], bad[1], bad[2], b"", good[2], bad[3], bad[4], good[3]]) + b"\n")
    b = directory / "b.jsonl.gz"
    b.write_bytes(gzip.compress((GOLDEN / "dedup" / "wire-variants.jsonl").read_bytes() + b'{"id": 1, "html": 2}\n'))
    c = directory / "c.html"
    c.write_bytes(random.Random(0).randbytes(20_000))
    d = directory / "d.html"
    d.write_bytes((GOLDEN / "input" / "harbor-bridge-reopens.html").read_bytes())
    e = directory / "e.txt"
    e.write_text("Share\nAdvertisement\n4 min read\n", encoding="utf-8")
    f = directory / "f.jsonl"
    f.write_bytes(b"")
    return [a, b, c, d, e, f]


def test_every_record_of_every_file_is_accounted_for(tmp_path: Path) -> None:
    inputs = salted_corpus(tmp_path)
    out, rejects_path = tmp_path / "out" / "clean.jsonl", tmp_path / "out" / "rejects.jsonl"
    heard: list[Reject] = []
    stats = run_corpus(RunConfig(inputs=tuple(map(str, inputs)), output=str(out), rejects=str(rejects_path),
                                 drop_duplicates=True, jobs=1), on_reject=heard.append)
    per_file = {Path(f.path).name: (f.records_in, f.records_out, f.rejected, f.duplicates_dropped) for f in stats.files}
    assert per_file == {
        "a.jsonl": (9, 4, 5, 0),
        "b.jsonl.gz": (7, 3, 1, 3),
        "c.html": (1, 0, 1, 0),
        "d.html": (1, 1, 0, 0),
        "e.txt": (1, 0, 1, 0),
        "f.jsonl": (0, 0, 0, 0),
    }
    assert stats.unbalanced() == []
    assert (stats.records_in, stats.records_out, stats.rejected, stats.duplicates_dropped) == (19, 8, 8, 3)
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in written] == ["a0", "a1", "a2", "a3", "wire-original", "followup", "unrelated", "d"]
    rejected = [json.loads(line) for line in rejects_path.read_text(encoding="utf-8").splitlines()]
    assert [(r["source"].rsplit("/", 1)[-1], r["reason"].split(" (")[0]) for r in rejected] == [
        ("a.jsonl:2", "invalid JSON"),
        ("a.jsonl:4", "a JSON list, not an object"),
        ("a.jsonl:5", "field 'text' is a int, not a string"),
        ("a.jsonl:8", "empty record: no text in 'text' or 'html'"),
        ("a.jsonl:9", "not valid UTF-8"),
        ("b.jsonl.gz:7", "field 'html' is a int, not a string"),
        ("c.html", "binary data, not text"),
        ("e.txt", "no text left after cleaning"),
    ]
    assert rejected[2]["record"] == {"id": "n", "text": 7} and rejected[2]["id"] == "n"
    assert rejected[7]["record"]["text"] == "Share\nAdvertisement\n4 min read\n"
    assert [r.to_record() for r in heard] == rejected
    assert sorted(os.listdir(tmp_path / "out")) == ["clean.jsonl", "rejects.jsonl"]  # no work files left


def test_cli_rejects_file_and_exit_codes(tmp_path: Path) -> None:
    inputs = [str(p) for p in salted_corpus(tmp_path)]
    out, rejects = tmp_path / "clean.jsonl", tmp_path / "rejects.jsonl"
    runner = CliRunner()
    result = runner.invoke(main, ["run", *inputs, "-o", str(out), "--rejects", str(rejects), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "records in: 19, out: 11, rejected: 8" in result.stderr
    assert len(rejects.read_text(encoding="utf-8").splitlines()) == 8
    strict = runner.invoke(main, ["clean", *inputs, "-o", str(out), "--strict", "-j", "1"])
    assert strict.exit_code == EXIT_REJECTED
    clean_only = runner.invoke(main, ["clean", inputs[3], "-o", str(out), "--strict", "-j", "1"])
    assert clean_only.exit_code == 0


@pytest.mark.parametrize(("args", "message"), [
    (["--resume"], "--resume needs an output file"),
    (["-o", "same.jsonl", "--rejects", "same.jsonl"], "the rejects file must not be the output file"),
    (["--max-record-size", "lots"], "'lots' is not a size"),
    (["--time-limit", "-1"], "Invalid value for '--time-limit'"),
])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    source = tmp_path / "in.txt"
    source.write_text("A short article about the harbour bridge, officials said.")
    result = CliRunner().invoke(main, ["clean", str(source), *args])
    assert result.exit_code == EXIT_USAGE
    assert message in result.stderr


def slow_page(paragraphs: int = 40_000) -> str:
    """A page trafilatura needs seconds for (about 5 s on the 2-core dev machine)."""
    para = "<p>The council met on Tuesday to discuss the harbour bridge, and members said repairs would take months.</p>"
    return "<html><body>" + para * paragraphs + "</body></html>"


def test_a_page_over_the_time_limit_is_rejected_and_the_run_goes_on(tmp_path: Path) -> None:
    records = [
        {"id": "before", "text": STORIES[0]},
        {"id": "slow", "html": slow_page()},
        {"id": "after", "html": (GOLDEN / "input" / "harbor-bridge-reopens.html").read_text(encoding="utf-8")},
    ]
    source = tmp_path / "pages.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out, rejects = tmp_path / "clean.jsonl", tmp_path / "rejects.jsonl"
    stats = run_corpus(RunConfig(inputs=(str(source),), output=str(out), rejects=str(rejects), dedup=None, time_limit=0.5))
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["before", "after"]
    (reject,) = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert reject["source"] == f"{source}:2" and reject["id"] == "slow"
    assert reject["reason"] == "timed out: took longer than the 0.5 s limit (--time-limit)"
    assert reject["record"]["html"] == records[1]["html"]  # the page is kept for a later look
    assert stats.unbalanced() == []


def test_ordered_map_times_out_and_survives_dying_workers() -> None:
    started = time.perf_counter()
    results = list(ordered_map(time.sleep, [0, 30, 0.01, 0], jobs=2, time_limit=0.5))
    assert time.perf_counter() - started < 25  # the 30 s task was stopped, not waited for
    assert [item for item, _ in results] == [0, 30, 0.01, 0]
    assert [result for _, result in results] == [None, Failure("timed out: took longer than the 0.5 s limit (--time-limit)"), None, None]
    died = list(ordered_map(os._exit, [3], jobs=1, time_limit=5))
    assert died == [(3, Failure("worker process died (exit status 3)"))]
    assert list(ordered_map(abs, range(-20, 0), jobs=2)) == [(n, -n) for n in range(-20, 0)]


def test_clean_step_keeps_order_across_workers() -> None:
    docs = [Document(id=str(i), text=f"{STORIES[i % 4]} Item {i}.") for i in range(30)]
    one = [item.text for item in clean_step(docs, jobs=1)]
    two = [item.text for item in clean_step(docs, jobs=2, time_limit=5)]
    assert one == two and len(one) == 30
