"""The persistent index: later batches join earlier clusters; re-runs, crashes and mismatches are safe."""

import json
import logging
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanews import DedupConfig, Deduplicator
from cleanews.cli import main
from cleanews.dedup import DedupIndex, IdConflict
from cleanews.errors import IndexFileError, IndexMismatchError

STORY = (
    "RIVERTON, Ore. (AP) — A wildfire that forced thousands of people from their homes grew overnight, officials said. "
    "Crews worked through the night to protect two small towns as winds pushed the flames east. "
    "The fire has burned more than 40 square miles of timber and brush since it started on Friday. "
    "No injuries have been reported, but at least a dozen buildings were destroyed, the county sheriff said. "
)
OTHER = "The Riverton school board on Tuesday approved a $48 million budget for next year, raising teacher pay by three percent."


def run_batch(path: Path, records: list[tuple[str, str]], config: DedupConfig = DedupConfig()) -> dict:
    with DedupIndex(str(path), config) as index:
        dedup = Deduplicator(config, index)
        for doc_id, text in records:
            dedup.add(doc_id, text)
        return {doc_id: a for (doc_id, _), a in zip(records, dedup.assignments(), strict=True)}


def counts(path: Path) -> tuple[int, ...]:
    with sqlite3.connect(path) as db:
        return tuple(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("docs", "bands", "clusters", "batches"))


def test_a_later_duplicate_joins_the_earlier_cluster_with_its_id(tmp_path: Path) -> None:
    index = tmp_path / "dedup.sqlite"
    first = run_batch(index, [("orig", STORY * 2), ("budget", OTHER)])
    # The later copy is even longer (a local paragraph) but the earlier cluster keeps its representative.
    second = run_batch(index, [("copy", STORY * 2 + "Local officials opened a shelter at the high school."), ("new", "A new story.")])
    assert first["orig"].cluster_id == "orig" and first["orig"].is_representative
    assert (second["copy"].cluster_id, second["copy"].cluster_size, second["copy"].is_representative) == ("orig", 2, False)
    assert (second["new"].cluster_id, second["new"].cluster_size) == ("new", 1)
    again = run_batch(index, [("orig", STORY * 2)])
    assert (again["orig"].cluster_id, again["orig"].cluster_size, again["orig"].is_representative) == ("orig", 2, True)


def test_a_re_run_gives_the_same_answers_and_adds_nothing(tmp_path: Path) -> None:
    index = tmp_path / "dedup.sqlite"
    batch = [("a", STORY * 2), ("b", STORY * 2 + "More."), ("c", OTHER)]
    first = run_batch(index, batch)
    before = counts(index)
    assert run_batch(index, batch) == first
    assert counts(index) == before


def test_a_crash_mid_batch_leaves_the_index_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = tmp_path / "dedup.sqlite"
    run_batch(index, [("a", STORY * 2)])
    before = counts(index)
    original = DedupIndex.append

    def append_then_crash(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        raise KeyboardInterrupt  # as if the process were stopped after writing

    monkeypatch.setattr(DedupIndex, "append", append_then_crash)
    with pytest.raises(KeyboardInterrupt):
        run_batch(index, [("b", STORY * 2 + "More."), ("c", OTHER)])
    monkeypatch.undo()
    assert counts(index) == before
    assert run_batch(index, [("b", STORY * 2 + "More.")])["b"].cluster_id == "a"


def test_an_index_refuses_other_settings(tmp_path: Path) -> None:
    index = tmp_path / "dedup.sqlite"
    run_batch(index, [("a", STORY)])
    with pytest.raises(IndexMismatchError, match="shingle_size=2 in the index, 3 in this run"):
        DedupIndex(str(index), DedupConfig(shingle_size=3))


def test_a_file_that_is_no_index_is_named(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database, just some text that is long enough " * 20)
    with pytest.raises(IndexFileError, match="notes.txt"):
        DedupIndex(str(bogus), DedupConfig())


def test_index_uses_write_ahead_logging(tmp_path: Path) -> None:
    index = tmp_path / "dedup.sqlite"
    run_batch(index, [("a", STORY)])
    with sqlite3.connect(index) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_id_reused_for_another_text_is_a_conflict(tmp_path: Path) -> None:
    index = tmp_path / "dedup.sqlite"
    run_batch(index, [("a", STORY)])
    result = run_batch(index, [("a", OTHER), ("b", OTHER), ("b", STORY + " Changed.")])
    assert isinstance(result["a"], IdConflict) and "already in the index" in result["a"].reason
    assert isinstance(result["b"], IdConflict) and "earlier in this batch" in result["b"].reason


def test_cli_index_across_two_runs(tmp_path: Path) -> None:
    index, day1, day2 = tmp_path / "seen.sqlite", tmp_path / "day1.jsonl", tmp_path / "day2.jsonl"
    day1.write_text(json.dumps({"id": "ap-1", "text": STORY * 2}) + "\n")
    day2.write_text(json.dumps({"id": "paper-9", "text": STORY * 2 + "Local officials opened a shelter."}) + "\n"
                    + json.dumps({"id": "ap-1", "text": OTHER}) + "\n")
    runner = CliRunner()
    assert runner.invoke(main, ["dedup", str(day1), "--index", str(index), "-q"]).exit_code == 0
    result = runner.invoke(main, ["dedup", str(day2), "--index", str(index)])
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["dedup"]["cluster_id"] == "ap-1" and record["dedup"]["is_representative"] is False
    assert f"rejected {day2}:2: id 'ap-1' is already in the index with a different text" in result.stderr
    mismatch = runner.invoke(main, ["dedup", str(day1), "--index", str(index), "--shingle-size", "3"])
    assert mismatch.exit_code == 1 and "other dedup settings" in mismatch.stderr


def foreign_database(path: Path, schema: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        db.executescript(schema)
        return db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()


@pytest.mark.parametrize("schema", [
    "CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('keep me');",
    "CREATE TABLE docs(id INTEGER, body TEXT); CREATE TABLE meta(key TEXT, value TEXT);",
])
def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path: Path, schema: str) -> None:
    path = tmp_path / "other.sqlite"
    before = foreign_database(path, schema)
    with pytest.raises(IndexFileError, match="not a cleanews dedup index"):
        DedupIndex(str(path), DedupConfig())
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall() == before
        if "meta" in schema:
            assert db.execute("SELECT count(*) FROM meta").fetchone()[0] == 0


def test_cli_exits_1_on_a_foreign_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    foreign_database(path, "CREATE TABLE notes(body TEXT);")
    records = tmp_path / "in.jsonl"
    records.write_text(json.dumps({"id": "a", "text": STORY}) + "\n")
    result = CliRunner().invoke(main, ["dedup", str(records), "--index", str(path), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 1 and "not a cleanews dedup index" in result.stderr


# Each creator is its own interpreter, as two real runs are: a child forked
# from pytest would inherit SQLite's in-process lock table, which SQLite says
# must never cross a fork.
CREATE_WHEN_TOLD = """
import os, sys, time
from cleanews import DedupConfig
from cleanews.dedup import DedupIndex
path, ready, go = sys.argv[1:]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.001)
DedupIndex(path, DedupConfig()).close()
"""


def test_processes_creating_one_index_at_once_take_turns(tmp_path: Path) -> None:
    for attempt in range(4):
        path, go = tmp_path / f"new-{attempt}.sqlite", tmp_path / f"go-{attempt}"
        ready = [tmp_path / f"ready-{attempt}-{n}" for n in range(3)]
        creators = [subprocess.Popen([sys.executable, "-c", CREATE_WHEN_TOLD, str(path), str(flag), str(go)]) for flag in ready]
        try:
            deadline = time.monotonic() + 120
            while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
                time.sleep(0.01)
            go.touch()
            assert [creator.wait(timeout=120) for creator in creators] == [0, 0, 0]
        finally:
            for creator in creators:
                creator.kill()
                creator.wait()
        assert run_batch(path, [("a", STORY)])["a"].is_representative


def test_a_run_waits_for_another_runs_lock_and_says_so(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "dedup.sqlite"
    run_batch(path, [("a", STORY)])
    holding, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with DedupIndex(str(path), DedupConfig()) as other, other.batch():
            holding.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    holding.wait(timeout=30)
    threading.Timer(2.5, release.set).start()  # past the old 1 s step, so the run must wait, not fail
    with caplog.at_level(logging.WARNING, logger="cleanews.dedup.index"):
        result = run_batch(path, [("b", STORY)])
    holder.join()
    assert result["b"].cluster_id == "a"
    assert any("another cleanews run is using this index" in message for message in caplog.messages)


def test_exact_repeats_of_an_id_are_copies_not_representatives(tmp_path: Path) -> None:
    config = DedupConfig()
    with DedupIndex(str(tmp_path / "dedup.sqlite"), config) as index:
        dedup = Deduplicator(config, index)
        for doc_id in ("a", "a", "b"):
            dedup.add(doc_id, STORY)
        first, repeat, other = dedup.assignments()
    assert [first.is_representative, repeat.is_representative, other.is_representative] == [True, False, False]
    assert repeat.cluster_id == other.cluster_id == "a" and repeat.similarity == 1.0


def test_cli_drop_duplicates_with_index_keeps_one_of_exact_repeats(tmp_path: Path) -> None:
    records = tmp_path / "in.jsonl"
    records.write_text("".join(json.dumps({"id": doc_id, "text": STORY}) + "\n" for doc_id in ("a", "a", "b")))
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["dedup", str(records), "--index", str(tmp_path / "i.sqlite"), "--drop-duplicates", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a"]


def test_assignments_slice_into_partitions_with_their_conflicts(tmp_path: Path) -> None:
    run_batch(tmp_path / "dedup.sqlite", [("a", STORY)])
    config = DedupConfig()
    with DedupIndex(str(tmp_path / "dedup.sqlite"), config) as index:
        dedup = Deduplicator(config, index)
        for doc_id, text in [("b", STORY), ("c", OTHER), ("a", OTHER), ("a", OTHER)]:
            dedup.add(doc_id, text)
        assignments = dedup.assignments()
    whole = list(assignments)
    assert list(assignments[0:2]) + list(assignments[2:4]) == whole  # as Dedup.combine hands them to partitions
    assert all(isinstance(a, IdConflict) for a in assignments[2:4])  # a's repeat too
    assert (assignments[0].cluster_id, assignments[-3].cluster_id, len(assignments)) == ("a", "c", 4)
    with pytest.raises(IndexError):
        assignments[4]
