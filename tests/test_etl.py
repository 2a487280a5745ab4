"""cleanews as a step of an ETL job: records in, the settings of the CLI, the job going on when workers fail."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanews import (
    Document,
    Fields,
    RecordError,
    Reject,
    RunConfig,
    clean_text,
    read_records,
    run_steps,
)
from cleanews.cli import main, run, run_config
from cleanews.workers import Failure, ordered_map

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
WIRE = GOLDEN / "dedup" / "wire-variants.jsonl"


def wire_records() -> list[dict]:
    return [json.loads(line) for line in WIRE.read_text(encoding="utf-8").splitlines()]


def test_a_records_own_title_wins_over_the_detected_one() -> None:
    (local,) = [r for r in wire_records() if r["id"] == "paper-local"]
    assert local["text"].startswith("By The Associated Press")  # what the cleaner would take for a headline
    (item,) = run_steps(read_records([local]), RunConfig(dedup=None, jobs=1, time_limit=None))
    assert isinstance(item, Document)
    assert item.title == "Fire near Riverton forces evacuations"
    assert item.extra == {"expected_cluster": "fire"}


def test_read_records_maps_fields_as_the_cli_does_and_rejects_what_it_cannot_read() -> None:
    records = [{"key": 7, "body": "The council met.", "url": "https://example.com/a", "lang": "en"},
               {"body": "   "}, ["not", "a", "dict"], {"body": 3}]
    items = list(read_records(records, fields=Fields(id="key", text="body"), source="rows"))
    first = items[0]
    assert isinstance(first, Document)
    assert (first.id, first.text, first.url, first.extra, first.source) == ("7", "The council met.", "https://example.com/a",
                                                                           {"lang": "en"}, "rows:1")
    assert [(item.source, item.reason) for item in items[1:] if isinstance(item, Reject)] == [
        ("rows:2", "empty record: no text in 'body' or 'html'"),
        ("rows:3", "a list, not a dict"),
        ("rows:4", "field 'body' is a int, not a string"),
    ]


def test_the_cli_defaults_are_the_library_defaults() -> None:
    options = run.make_context("run", ["in.jsonl"]).params
    assert run_config(options, clean=True, dedup=True) == RunConfig(inputs=("in.jsonl",))


def test_the_same_settings_give_the_same_output_through_the_library_and_the_cli(tmp_path: Path) -> None:
    config = RunConfig(jobs=1, time_limit=None)  # no worker processes: a loaded machine cannot time a page out
    library = [item.to_record() for item in run_steps(read_records(wire_records(), source=str(WIRE)), config)
               if isinstance(item, Document)]
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["run", str(WIRE), "-o", str(out), "--jobs", "1", "--time-limit", "0", "-q"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] == library
    assert {record["dedup"]["cluster_id"] for record in library} == {"wire-original", "followup", "unrelated"}


def test_empty_input_is_refused_by_the_library_as_by_the_cli(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="empty record"):
        clean_text("  \n")
    (item,) = run_steps([Document(id="e", text="", source="made:1")], RunConfig(dedup=None, jobs=1, time_limit=None))
    assert isinstance(item, Reject) and item.reason.startswith("empty record")
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "e", "text": ""}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["clean", str(source), "--jobs", "1", "--time-limit", "0"])
    assert "rejected " + str(source) + ":1: empty record" in result.stderr


SCRIPT = """
from cleanews import RunConfig, read_records, run_steps
for item in run_steps(read_records([{"id": "a", "text": "The council met on Monday."}]), RunConfig(dedup=None, jobs=1)):
    print(item)
"""


def test_a_script_without_the_main_guard_gets_one_error_that_names_the_fix(tmp_path: Path) -> None:
    script = tmp_path / "job.py"
    script.write_text(SCRIPT, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("cleanews.errors.WorkerStartError: worker processes could not start")
    assert 'if __name__ == "__main__":' in last
    assert result.stderr.count("Traceback") == 1  # the workers stop quietly; only the job reports


class LoadsNowhere:
    """Pickles in a worker, but cannot be unpickled in the parent."""

    def __reduce__(self):  # noqa: ANN204
        return (refuse_to_load, ())


def refuse_to_load() -> None:
    raise TypeError("cannot be loaded here")


def poisoned(item: str) -> object:
    return LoadsNowhere() if item == "poison" else item.upper()


def test_a_result_the_parent_cannot_read_back_is_a_failure_and_the_rest_goes_on() -> None:
    items = ["a", "b", "poison", *"cdefghijkl"]
    outcomes = list(ordered_map(poisoned, items, jobs=1, time_limit=60))
    assert [item for item, _ in outcomes] == items
    failed = {item: result.reason for item, result in outcomes if isinstance(result, Failure)}
    assert list(failed) == ["poison"] and "could not be read back" in failed["poison"]
    assert [result for item, result in outcomes if item != "poison"] == [item.upper() for item in items if item != "poison"]


def test_import_cleanews_leaves_datasketch_and_scipy_alone() -> None:
    code = "import sys, cleanews; print(sorted({m.split('.')[0] for m in sys.modules} & {'datasketch', 'scipy'}))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
