"""The review report and the bench page, built from real runs of the golden files."""

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cleanews import clean_text
from cleanews.clean.encoding import repair
from cleanews.clean.lines import split_lines
from cleanews.cli import main
from cleanews.report.diff import diff_texts
from cleanews.report.run import RunReportConfig, interleave, run_report

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SEED = GOLDEN / "input" / "abcnews-us-strike-iraq.txt"


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def page_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.DOTALL)
    assert match, "the page carries its data"
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def run_output(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "clean.jsonl"
    assert invoke("run", str(GOLDEN / "input"), str(GOLDEN / "dedup"), "-o", str(out), "-j", "1", "-q").exit_code == 0
    return out


def test_removed_lines_go_back_where_they_stood() -> None:
    raw = SEED.read_text(encoding="utf-8")
    doc = clean_text(raw)
    rows, unplaced = interleave(doc.text, [removal.to_dict() for removal in doc.cleaning.removed])
    assert unplaced == []
    assert [text for _, text in rows] == [line.text for line in split_lines(repair(raw, False)[0])]
    assert rows[:2] == [["title", "Video Shows Aftermath of US Strike on Iran-Backed Group in Iraq"], ["reading_time", "4 min read"]]
    assert [rule for rule, _ in rows if rule] == [removal.rule for removal in doc.cleaning.removed]


def test_records_without_positions_list_removed_lines_apart() -> None:
    rows, unplaced = interleave("Body line.", [{"line": "4 min read", "rule": "reading_time"}])
    assert rows == [[None, "Body line."]] and unplaced == [["reading_time", "4 min read"]]


def test_run_report_shows_documents_rules_and_clusters(run_output: Path) -> None:
    page = run_report(str(run_output))
    data = page_data(page)
    assert data["total_docs"] == 9 and len(data["docs"]) == 9
    seed = next(doc for doc in data["docs"] if doc["id"] == "abcnews-us-strike-iraq")
    assert ["reading_time", "4 min read"] in seed["lines"]
    assert seed["removed"] == 6 and seed["unplaced"] == []
    (cluster,) = data["clusters"]  # the only cluster with duplicates: the wire story
    assert cluster["id"] == "wire-original" and cluster["size"] == 4
    assert cluster["members"][0]["id"] == "wire-original" and cluster["members"][0]["rep"]
    trimmed = next(m for m in cluster["members"] if m["id"] == "paper-trimmed")
    assert {kind for kind, _ in trimmed["rows"]} == {"=", "-"}  # a trimmed copy only loses lines
    assert 'data-key="reading_time"' in page and 'aria-label="Cluster size distribution"' in page


def test_report_limits_documents_but_counts_all(run_output: Path) -> None:
    data = page_data(run_report(str(run_output), RunReportConfig(max_documents=2, max_clusters=0)))
    assert len(data["docs"]) == 2 and data["total_docs"] == 9 and data["clusters"] == []
    assert sum(data["rule_docs"].values()) >= 3


def test_page_is_self_contained_and_data_cannot_break_out(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.jsonl"
    hostile.write_text(json.dumps({"id": "x", "text": "</script><script>alert(1)</script>", "cleaning": {"removed": []}}) + "\n")
    page = run_report(str(hostile))
    assert "<script>alert(1)" not in page
    assert page_data(page)["docs"][0]["lines"] == [[None, "</script><script>alert(1)</script>"]]
    assert not re.search(r"<link\b|\ssrc=|https?://(?!www\.w3\.org/2000/svg)", page), "nothing is fetched"
    assert "default-src 'none'" in page


def test_report_command_skips_bad_lines_and_names_them(run_output: Path, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed.jsonl"
    bad_cleaning = '{"id": "s", "text": "x", "cleaning": "html"}\n{"id": "l", "text": "x", "cleaning": [1]}\n'
    mixed.write_text(run_output.read_text(encoding="utf-8") + "not json\n[1]\n{\"id\": \"y\"}\n" + bad_cleaning)
    out = tmp_path / "report.html"
    result = invoke("report", str(mixed), "-o", str(out))
    assert result.exit_code == 0
    assert f"skipped {mixed}:10: not a JSON record" in result.stderr
    assert f"skipped {mixed}:11: a JSON list, not an object" in result.stderr
    assert f"skipped {mixed}:12: no 'text' string" in result.stderr
    assert f"skipped {mixed}:13: 'cleaning' is a JSON str, not an object" in result.stderr
    assert f"skipped {mixed}:14: 'cleaning' is a JSON list, not an object" in result.stderr
    assert page_data(out.read_text(encoding="utf-8"))["total_docs"] == 9


def test_a_page_that_would_overwrite_its_input_is_refused(run_output: Path, tmp_path: Path) -> None:
    before = run_output.read_bytes()
    result = invoke("report", str(run_output), "-o", str(run_output))
    assert result.exit_code == 2 and f"error: -o {run_output} would overwrite the input {run_output}" in result.stderr
    assert run_output.read_bytes() == before
    golden = tmp_path / "golden"
    shutil.copytree(GOLDEN, golden)
    gold = next((golden / "expected").iterdir())
    before = gold.read_bytes()
    result = invoke("bench", str(golden), "--html", str(gold), "-j", "1")
    assert result.exit_code == 2 and f"error: --html {gold} would overwrite the input {golden}" in result.stderr
    assert gold.read_bytes() == before


def test_bench_html_holds_every_system_and_its_diff(tmp_path: Path) -> None:
    out = tmp_path / "bench.html"
    result = invoke("bench", str(GOLDEN), "--compare", "unchanged", "--html", str(out), "-j", "1")
    assert result.exit_code == 0
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["systems"] == ["cleanews", "unchanged"]
    seed = next(doc for doc in data["docs"] if doc["id"] == "abcnews-us-strike-iraq")
    assert seed["scores"]["cleanews"][:3] == [1.0, 1.0, 1.0]
    assert all(kind == "=" for kind, _ in seed["diffs"]["cleanews"])
    assert ["+", "4 min read"] in seed["diffs"]["unchanged"]  # junk the unchanged text keeps, shown as extra


def test_diff_pairs_an_edited_line_after_an_inserted_one() -> None:
    rows = diff_texts("RIVERTON (AP) — A fire grew.\nEnd.", "By AP\nRIVERTON (AP) - A fire grew.\nEnd.")
    assert rows == [["+", "By AP"], ["~", [["=", "RIVERTON (AP) "], ["-", "—"], ["+", "-"], ["=", " A fire grew."]]], ["=", "End."]]


def test_diff_of_unlike_lines_is_out_and_in() -> None:
    assert diff_texts("Completely different words", "Nothing alike here at all") == [
        ["-", "Completely different words"], ["+", "Nothing alike here at all"]]


def test_diff_of_an_ordinary_article_is_not_cut() -> None:
    old = "\n".join(f"Paragraph {n} says the council met on Monday and voted." for n in range(200))
    new = old.replace("Monday", "Tuesday")
    rows = diff_texts(old, new)
    assert len(rows) == 200 and all(kind == "~" for kind, _ in rows)
    assert new_side(rows) == new.split("\n")


def test_diff_of_huge_single_line_copies_is_bounded_and_says_so() -> None:
    # A 6,000-word article on one line, and a copy with a changed word: a
    # word diff of it would take tens of seconds, so it is shown whole.
    words = [f"word{n % 3000}" for n in range(6000)]
    old, new = " ".join(words), " ".join(["changed"] + words[1:])
    rows = diff_texts(old, new)
    assert rows[:2] == [["-", old], ["+", new]]
    assert rows[-1][0] == "!" and "2 changed lines of over 1,000 tokens" in rows[-1][1]


def test_diff_work_on_a_small_vocabulary_is_bounded_and_says_so() -> None:
    # Lines from two words are difflib's worst case (cubic time unbounded).
    old = "\n".join(" ".join("ab"[(n * k) % 7 % 2] for k in range(400)) for n in range(300))
    new = "\n".join(" ".join("ab"[(n * k) % 5 % 2] for k in range(400)) for n in range(300))
    rows = diff_texts(old, new)
    assert rows[-1] == ["!", "Diff cut: past the word-diff budget, the rest of the changed lines are shown whole."]
    assert new_side(rows) == new.split("\n")  # cut, but every line still shown


def new_side(rows: list[list[Any]]) -> list[str]:
    """The new text's lines as a diff shows them."""
    return [payload if kind != "~" else "".join(text for part, text in payload if part != "-")
            for kind, payload in rows if kind in "=+~"]


def test_diff_of_very_many_lines_compares_the_first_ones_and_says_so() -> None:
    old = "\n".join("xy"[n % 2] for n in range(4000))
    rows = diff_texts(old, old)
    assert len(rows) == 1501 and rows[-1] == ["!", "Diff cut: only the first 1,500 lines of each text are compared."]


def test_cluster_size_chart_is_on_a_log_scale_so_small_clusters_stay_visible() -> None:
    from cleanews.report.svg import column_chart

    svg = column_chart(["1", "2", "25"], [("clusters", [268, 2, 1])], "Cluster sizes", log_scale=True)
    heights = [float(height) for height in re.findall(r'class="column"[^>]* height="([\d.]+)"', svg)]
    assert heights[0] > heights[1] > heights[2] > 0.1 * heights[0]  # linear: 2/268 of the tallest, under a pixel and a half
    assert ">1,000<" in svg and ">10<" in svg  # ticks at powers of ten
