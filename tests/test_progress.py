"""Progress on a terminal, time per stage, and the --stats counts."""

import io
import json
import os
import pty
import re
import select
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cleanews.cli import main
from cleanews.progress import ProgressBar, StageClock, count_records

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_stage_clock_charges_each_stage_its_own_time() -> None:
    clock = FakeClock()
    stages = StageClock(clock)

    def read():
        for number in range(3):
            clock.now += 1
            yield number

    def clean(items):
        for item in items:
            clock.now += 2
            yield item

    assert list(stages.timed("clean", clean(stages.timed("read", read())))) == [0, 1, 2]
    with stages.stage("write"):
        clock.now += 0.5
    assert stages.seconds == {"read": 3.0, "clean": 6.0, "write": 0.5}


def test_progress_bar_redraws_in_place_at_most_five_times_a_second() -> None:
    clock, stream = FakeClock(), io.StringIO()
    bar = ProgressBar(stream, clock=clock)
    bar.total = 100
    for _ in range(10):
        clock.now += 0.05
        bar.advance()
    assert stream.getvalue().count("\r") == 3  # at 0.05 s, 0.25 s and 0.45 s
    bar.message("rejected x.jsonl:3: invalid JSON")
    assert "\nrejected x.jsonl:3: invalid JSON\n" in "\n" + stream.getvalue().split("\r")[-2].lstrip()
    assert stream.getvalue().endswith("[##----------------------]  10%  10/100 records  20.0/s  ETA 0:04")
    bar.clear()
    assert stream.getvalue().endswith("\r")


def test_count_records_knows_files_and_lines_but_not_stdin(tmp_path: Path) -> None:
    assert count_records([str(GOLDEN / "input"), str(GOLDEN / "dedup")]) == 3 + 6
    assert count_records(["-"]) is None
    assert count_records([str(tmp_path / "missing.jsonl")]) is None


def test_stats_file_and_summary_match_the_output(tmp_path: Path) -> None:
    out, stats_path = tmp_path / "clean.jsonl", tmp_path / "stats.json"
    result = CliRunner().invoke(main, ["run", str(GOLDEN / "input"), str(GOLDEN / "dedup"), "-o", str(out), "-j", "1",
                                       "--stats", str(stats_path)], catch_exceptions=False)
    assert result.exit_code == 0
    stats = json.loads(stats_path.read_text())
    records = [json.loads(line) for line in out.read_text().splitlines()]
    removed = [r for record in records for r in record["cleaning"]["removed"]]
    assert (stats["records_in"], stats["records_out"], stats["rejected"]) == (9, 9, 0)
    assert stats["lines_removed"] == len(removed) == sum(stats["lines_removed_by_rule"].values())
    assert stats["characters_removed"] == sum(len(r["line"]) for r in removed)
    assert stats["characters_out"] == sum(len(record["text"]) for record in records)
    assert stats["encoding_repaired"] == sum(record["cleaning"]["encoding_repaired"] for record in records)
    assert stats["cluster_sizes"] == {"1": 5, "4": 1} and stats["clusters_with_duplicates"] == 1
    assert list(stats["seconds_by_stage"]) == ["read", "clean", "dedup", "write"]
    assert sum(stats["seconds_by_stage"].values()) <= stats["seconds_total"] + 0.01
    assert f"characters removed: {stats['characters_removed']:,}" in result.stderr
    assert "clusters by size 1: 5, 4: 1" in result.stderr
    assert re.search(r"time: [\d.]+ s \(read [\d.]+, clean [\d.]+, dedup [\d.]+, write [\d.]+\)", result.stderr)
    assert "\r" not in result.stderr  # stderr is no terminal here: no progress bar


def run_on_terminal(*args: str) -> str:
    """Run the CLI with stderr on a pseudo-terminal; what it drew there."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", "from cleanews.cli import main; main()", *args],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower,
                               env={**os.environ, "TERM": "xterm"})
    os.close(follower)
    drawn = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
        elif process.poll() is not None:
            break
    assert process.wait(timeout=60) == 0
    os.close(leader)
    return drawn.decode("utf-8")


def test_progress_bar_on_a_terminal_then_the_summary(tmp_path: Path) -> None:
    drawn = run_on_terminal("run", str(GOLDEN / "input"), str(GOLDEN / "dedup"), "-o", str(tmp_path / "out.jsonl"), "-j", "1")
    assert re.search(r"\r(\[#+\] 100%  9/9|9) records  [\d.]+/s", drawn)
    assert re.search(r"\r +\rrecords in: 9", drawn), "the bar is wiped before the summary"
    assert run_on_terminal("run", str(GOLDEN / "input"), "-o", str(tmp_path / "quiet.jsonl"), "-j", "1", "--quiet") == ""
