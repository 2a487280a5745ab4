"""Crashes and interruption: SIGKILL then --resume gives the uninterrupted output; Ctrl-C stops cleanly."""

import gzip
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanews import clean as cleaner
from cleanews import local_engine
from cleanews.cli import EXIT_INTERRUPTED, EXIT_USAGE, main

WORDS = ("council harbour bridge said Tuesday repairs would take months officials city train school district "
         "library opened new mayor budget vote river police fire crews storm power").split()
PAGES = 160
WORK = ".out.jsonl.cleanews-work"


def page(rng: random.Random, number: int) -> str:
    paragraphs = "".join(f"<p>{' '.join(rng.choices(WORDS, k=30)).capitalize()}.</p>" for _ in range(4))
    return f"<html><head><title>Story {number}</title></head><body><article>{paragraphs}</article></body></html>"


def corpus(directory: Path, pages: int = PAGES) -> list[str]:
    """Two inputs of small distinct pages, a few of them republished (so dedup has work to do)."""
    rng = random.Random(6)
    records = [{"id": f"p{n}", "html": page(rng, n)} for n in range(pages)]
    for n in range(0, pages, 20):
        records[n + 1]["html"] = records[n]["html"]
    half = pages // 2
    first, second = directory / "a.jsonl", directory / "b.jsonl.gz"
    first.write_text("".join(json.dumps(r) + "\n" for r in records[:half]), encoding="utf-8")
    second.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in records[half:]).encode()))
    return [str(first), str(second)]


def cleanews_process(args: list[str]) -> subprocess.Popen:
    """The CLI in a process of its own, Ctrl-C-able even when these tests run where SIGINT is ignored (a background job)."""
    start = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); from cleanews.cli import main; main()"
    return subprocess.Popen([sys.executable, "-c", start, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.fixture
def interruptible() -> Iterator[None]:
    """SIGINT raising KeyboardInterrupt here, as in a terminal, also where the suite was started with it ignored."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def wait_for(condition: Callable[[], bool], process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"cleanews ended first: {process.stderr.read() if process.stderr else ''}"
        assert time.monotonic() < deadline, "no checkpoint appeared"
        time.sleep(0.005)


def test_a_killed_run_resumes_to_the_same_output_without_redoing_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = corpus(tmp_path)
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    # --time-limit 0 cleans in this process, so the resumed run's cleaning can be counted below.
    args = ["run", *inputs, "-o", str(out), "--rejects", str(rejects), "--drop-duplicates",
            "--resume", "--checkpoint-every", "10", "-j", "1", "--time-limit", "0"]
    process = cleanews_process(args)
    wait_for(lambda: (tmp_path / WORK / "part-000002.jsonl.zst").exists(), process)
    process.kill()
    assert process.wait() == -signal.SIGKILL
    assert not out.exists() and not rejects.exists()  # nothing that looks complete

    cleaned: list[str] = []
    clean_document = cleaner.clean_document
    monkeypatch.setattr(cleaner, "clean_document", lambda doc, config: cleaned.append(doc.id) or clean_document(doc, config))
    resumed = CliRunner().invoke(main, args)
    assert resumed.exit_code == 0, resumed.output
    done_before = int(re.search(r"resumed: (\d+) records were already done", resumed.stderr).group(1))
    assert done_before >= 30
    assert cleaned == [f"p{n}" for n in range(done_before, PAGES)]  # each record cleaned once, in one of the runs
    assert not (tmp_path / WORK).exists()

    reference = CliRunner().invoke(main, ["run", *inputs, "-o", str(tmp_path / "ref.jsonl"), "--rejects", str(tmp_path / "ref-rejects.jsonl"),
                                          "--drop-duplicates", "-j", "1", "--time-limit", "0"])
    assert reference.exit_code == 0, reference.output
    assert out.read_bytes() == (tmp_path / "ref.jsonl").read_bytes()
    assert rejects.read_bytes() == (tmp_path / "ref-rejects.jsonl").read_bytes()
    assert "records in: 160, out: 152, rejected: 0, duplicates dropped: 8" in resumed.stderr


def test_ctrl_c_stops_cleanly_and_says_what_was_written(tmp_path: Path) -> None:
    inputs = corpus(tmp_path, pages=2000)  # plenty left to clean when Ctrl-C comes, on a fast idle machine too
    out = tmp_path / "out.jsonl"
    out.write_text("an earlier output\n")
    process = cleanews_process(["run", *inputs, "-o", str(out), "--checkpoint-every", "10", "-j", "2"])
    wait_for(lambda: (tmp_path / WORK / "part-000001.jsonl.zst").exists(), process)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == EXIT_INTERRUPTED
    stderr = process.stderr.read() if process.stderr else ""
    message = re.fullmatch(
        rf"interrupted while cleaning: {re.escape(str(out))} was not written \(the earlier file is left as it was\); "
        rf"(\d+) records are done and kept in {re.escape(str(tmp_path / WORK))}; run the same command with --resume to go on\n",
        stderr,
    )
    assert message is not None, stderr
    assert int(message.group(1)) >= 20
    assert out.read_text() == "an earlier output\n"
    assert not list((tmp_path / WORK).glob(".cleanews-*"))  # the part being written was removed, not left half done


def test_resume_refuses_work_from_other_inputs(tmp_path: Path) -> None:
    inputs = corpus(tmp_path)
    out = tmp_path / "out.jsonl"
    work = tmp_path / WORK
    work.mkdir()
    (work / "run.json").write_text(json.dumps({"format": 1, "inputs": [], "fields": {}, "limits": {}, "clean": None}))
    result = CliRunner().invoke(main, ["clean", *inputs, "-o", str(out), "--resume", "-j", "1"])
    assert result.exit_code == EXIT_USAGE
    assert "holds the work of a run with other inputs or settings (changed: clean, fields, inputs, limits, names)" in result.stderr
    fresh = CliRunner().invoke(main, ["clean", *inputs, "-o", str(out), "-j", "1", "--time-limit", "0"])
    assert fresh.exit_code == 0 and not work.exists()


def test_a_dedup_run_keeps_no_checkpoint_and_resume_runs_it_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = [{"id": f"d{n}", "text": " ".join(random.Random(n // 2).choices(WORDS, k=80))} for n in range(40)]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    reference = CliRunner().invoke(main, ["dedup", str(source), "-o", str(tmp_path / "ref.jsonl"), "-q"])
    assert reference.exit_code == 0, reference.output

    def no_checkpoint(output: str) -> None:
        raise AssertionError(f"a dedup run made a checkpoint for {output}")

    monkeypatch.setattr(local_engine.WorkDir, "for_output", no_checkpoint)
    for _ in range(2):  # nothing to resume: the run is done again, whole
        result = CliRunner().invoke(main, ["dedup", str(source), "-o", str(tmp_path / "out.jsonl"), "--resume", "--checkpoint-every", "5"])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "out.jsonl").read_bytes() == (tmp_path / "ref.jsonl").read_bytes()
        assert "records in: 40, out: 40" in result.stderr and "resumed" not in result.stderr


class InterruptedWhileFinalised:
    def __del__(self) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # the handler runs here, where Python drops what it raises


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.usefixtures("interruptible")
def test_a_ctrl_c_that_python_drops_in_a_finaliser_still_stops_the_run() -> None:
    with local_engine.KeptInterrupts() as interrupts:
        del_now = InterruptedWhileFinalised()
        del del_now  # "Exception ignored in ... __del__": the KeyboardInterrupt itself is lost
        with pytest.raises(KeyboardInterrupt):
            list(interrupts.checked(range(3)))
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
