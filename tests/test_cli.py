"""The cleanews command, through click's CliRunner."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanews.cli import EXIT_REJECTED, main

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
VARIANTS = GOLDEN / "dedup" / "wire-variants.jsonl"


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("command", ["clean", "dedup", "run", "bench", "report"])
def test_every_command_has_help(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Usage: main " + command in result.output or "Usage: cleanews " + command in result.output


def test_clean_a_directory_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "clean.jsonl.gz"
    result = invoke("clean", str(GOLDEN / "input" / "abcnews-us-strike-iraq.txt"), str(GOLDEN / "input" / "harbor-bridge-reopens.html"), "-o", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    from cleanews import read_inputs

    docs = {doc.id: doc for doc in read_inputs([str(out)])}
    assert docs["abcnews-us-strike-iraq"].text == (GOLDEN / "expected" / "abcnews-us-strike-iraq.txt").read_text(encoding="utf-8").rstrip("\n")
    assert docs["harbor-bridge-reopens"].extra["cleaning"]["source"] == "html"
    assert "records in: 2, out: 2, rejected: 0" in result.stderr


def test_output_record_schema() -> None:
    result = invoke("run", str(GOLDEN / "input" / "abcnews-us-strike-iraq.txt"), "-j", "1", "-q")
    (record,) = records(result.stdout)
    assert list(record)[:4] == ["id", "text", "title", "url"]
    assert {"rule": "reading_time", "line": "4 min read", "position": 1} in record["cleaning"]["removed"]
    assert record["cleaning"]["encoding_repaired"] is False
    assert record["dedup"] == {"cluster_id": "abcnews-us-strike-iraq", "cluster_size": 1, "is_representative": True, "similarity": 1.0}


def test_run_clusters_wire_variants_and_drops_duplicates() -> None:
    annotated = records(invoke("run", str(VARIANTS), "-j", "1").stdout)
    assert len(annotated) == 6
    by_id = {r["id"]: r["dedup"] for r in annotated}
    assert by_id["paper-trimmed"]["cluster_id"] == "wire-original"
    assert by_id["followup"]["cluster_size"] == 1
    kept = records(invoke("run", str(VARIANTS), "-j", "1", "--drop-duplicates").stdout)
    assert sorted(r["id"] for r in kept) == ["followup", "unrelated", "wire-original"]


def test_stdin_to_stdout_and_carried_fields() -> None:
    line = json.dumps({"doc": "x1", "body": "A short article about the vote on Tuesday, officials said.", "lang": "en"})
    result = invoke("clean", "-", "--id-field", "doc", "--text-field", "body", "-q", input=line + "\n")
    (record,) = records(result.stdout)
    assert (record["id"], record["text"], record["lang"]) == ("x1", "A short article about the vote on Tuesday, officials said.", "en")
    assert "body" not in record


def test_output_does_not_depend_on_jobs() -> None:
    one = invoke("run", str(GOLDEN / "input"), str(VARIANTS), "-j", "1", "-q").stdout
    two = invoke("run", str(GOLDEN / "input"), str(VARIANTS), "-j", "2", "-q").stdout
    assert one == two and len(records(one)) == 3 + 6


def test_bad_records_are_named_and_the_rest_come_out(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "ok", "text": "A fine article about the harbour."}\nnot json\n{"id": "x", "text": "\xff\xfe"}\n{}\n')
    result = invoke("clean", str(bad), "-j", "1")
    assert result.exit_code == 0
    assert [r["id"] for r in records(result.stdout)] == ["ok"]
    assert f"rejected {bad}:2: invalid JSON" in result.stderr
    assert f"rejected {bad}:3: not valid UTF-8" in result.stderr
    assert f"rejected {bad}:4: empty record" in result.stderr
    assert invoke("clean", str(bad), "-j", "1", "--strict").exit_code == EXIT_REJECTED


def test_missing_input_is_a_clear_error(tmp_path: Path) -> None:
    result = invoke("clean", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 1
    assert "nope.jsonl: no such file, directory or matching glob" in result.stderr


def test_bench_scores_the_golden_directory() -> None:
    result = invoke("bench", str(GOLDEN), "-j", "1")
    assert result.exit_code == 0
    summary = [line for line in result.stdout.splitlines() if line.startswith("cleanews ")]
    assert summary and summary[0].split()[1:4] == ["1.000", "1.000", "1.000"]


def test_bench_json_compare_and_gate(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"id": "p", "text": "Ad\nThe mayor opened the new bridge on Tuesday morning, officials said.\nShare",
                                 "gold": "The mayor opened the new bridge on Tuesday morning, officials said."}) + "\n")
    result = invoke("bench", str(cases), "--format", "json", "--compare", "unchanged", "-j", "1")
    scores = json.loads(result.stdout)
    assert scores["cleanews"]["summary"]["f1"] == 1.0
    assert scores["unchanged"]["summary"]["precision"] < 1.0
    assert invoke("bench", str(cases), "--min-f1", "0.99", "-j", "1").exit_code == 0
    gold_only = tmp_path / "harder.jsonl"
    gold_only.write_text(json.dumps({"id": "q", "text": "Completely different words here today", "gold": "The mayor opened the bridge"}) + "\n")
    assert invoke("bench", str(gold_only), "--min-f1", "0.5", "-j", "1").exit_code == 1


def test_bench_and_report_say_what_is_wrong_as_every_command_does(tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here"
    result = invoke("bench", str(missing), "-j", "1")
    assert result.exit_code == 1 and result.stderr.startswith("error: ") and str(missing) in result.stderr
    broken = tmp_path / "out.jsonl.gz"
    broken.write_bytes(b"not gzip at all")
    result = invoke("report", str(broken), "-o", str(tmp_path / "report.html"))
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {broken}: cannot read: ")


@pytest.mark.parametrize(("piped", "kind"), [("<!DOCTYPE html>\n<html><body><p>Hi</p></body></html>\n", "HTML"),
                                             ("Fire near Riverton\n\nThe fire grew on Wednesday.\n", "plain text")])
def test_a_page_or_text_on_stdin_is_one_clear_error(piped: str, kind: str) -> None:
    result = invoke("clean", "-", "-j", "1", "--time-limit", "0", input=piped)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: stdin is not JSONL: its first line is {kind}")
    assert "rejected" not in result.stderr and "page.html" in result.stderr


def test_a_named_file_of_another_format_is_an_error_and_skipped_files_are_counted(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,text\n1,hello\n", encoding="utf-8")
    result = invoke("clean", str(tmp_path / "a.csv"))
    assert result.exit_code == 1
    assert f"{tmp_path / 'a.csv'}: cleanews does not read this kind of file" in result.stderr
    (tmp_path / "notes.md").write_text("# notes\n", encoding="utf-8")
    (tmp_path / "story.txt").write_text("The council voted on Tuesday to close the library, officials said.\n", encoding="utf-8")
    stats_path = tmp_path / "stats.json"
    result = invoke("clean", str(tmp_path), "-j", "1", "--time-limit", "0", "--stats", str(stats_path))
    assert result.exit_code == 0
    assert "skipped 2 files of the input directories and globs" in result.stderr
    assert json.loads(stats_path.read_text())["files_skipped"] == 2


def test_bench_warns_when_unchanged_scores_html_without_text() -> None:
    result = invoke("bench", str(GOLDEN), "--compare", "unchanged", "-j", "1")
    assert result.exit_code == 0
    assert "warning: 1 of 3 documents have HTML and no 'text' text: 'unchanged' scores them 0" in result.stderr


def test_top_level_help_shows_whole_command_descriptions() -> None:
    result = invoke("--help")
    assert "Write a page to review a run: removed lines struck through with their rule, duplicates side by side." in \
        " ".join(result.stdout.split())
