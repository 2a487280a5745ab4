"""What `cleanews dedup` and `dedup_step` take: a record that has html but no text is rejected, named, with what to do."""

import json
from pathlib import Path

from click.testing import CliRunner

from cleanews import DedupConfig, Document, Reject, dedup_step
from cleanews.cli import main

STORY = "The council approved the new budget on Tuesday after a long debate about schools and roads. " * 3


def test_cleanews_dedup_rejects_html_without_text_and_keeps_the_others(tmp_path: Path) -> None:
    pages = tmp_path / "pages.jsonl"
    pages.write_text(json.dumps({"id": "page", "html": "<html><body><p>A story.</p></body></html>"}) + "\n"
                     + json.dumps({"id": "story", "text": STORY}) + "\n", encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    result = CliRunner().invoke(main, ["dedup", str(pages), "--rejects", str(rejects)], catch_exceptions=False)
    assert result.exit_code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["story"]
    assert f"rejected {pages}:1: has html but no text: use `cleanews run`" in result.stderr
    [reject] = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert reject["id"] == "page" and reject["reason"].startswith("has html but no text: use `cleanews run`")


def test_dedup_step_rejects_html_without_text() -> None:
    items = list(dedup_step([Document(id="page", text="", html="<p>A story.</p>", source="pages.jsonl:1"),
                             Document(id="story", text=STORY)], DedupConfig()))
    assert isinstance(items[0], Reject) and items[0].source == "pages.jsonl:1"
    assert "has html but no text" in items[0].reason
    assert isinstance(items[1], Document) and items[1].dedup is not None


def test_cleanews_dedup_imports_neither_trafilatura_nor_datasketch(tmp_path: Path) -> None:
    import subprocess
    import sys

    story = tmp_path / "story.jsonl"
    story.write_text(json.dumps({"id": "story", "text": STORY}) + "\n", encoding="utf-8")
    script = ("import sys\nfrom click.testing import CliRunner\nfrom cleanews.cli import main\n"
              f"result = CliRunner().invoke(main, ['dedup', {str(story)!r}, '-q'])\nassert result.exit_code == 0, result.output\n"
              "print(sorted(name for name in ('trafilatura', 'datasketch', 'scipy') if name in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
