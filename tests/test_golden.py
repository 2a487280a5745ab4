"""Every golden case: the cleaned body must equal the expected text exactly."""

import json
from pathlib import Path

import pytest

from cleanews import clean_html, clean_text
from cleanews.bench import golden_dir_cases

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
INPUTS = sorted((GOLDEN / "input").iterdir())


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.stem)
def test_golden_case(source: Path) -> None:
    expected = GOLDEN / "expected" / f"{source.stem}.txt"
    content = source.read_text(encoding="utf-8")
    doc = clean_html(content) if source.suffix == ".html" else clean_text(content)
    assert doc.text + "\n" == expected.read_text(encoding="utf-8")
    meta_path = expected.with_suffix(".json")
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    for field in ("title", "url", "author", "date"):
        if field in meta:
            assert getattr(doc, field) == meta[field], field
    if "removed_rules" in meta:
        assert sorted({r.rule for r in doc.cleaning.removed}) == meta["removed_rules"]
    if "encoding_repaired" in meta:
        assert doc.cleaning.encoding_repaired == meta["encoding_repaired"]


def test_seed_case_is_the_users_article() -> None:
    """The user's own example is among the golden cases, junk and all."""
    seed = (GOLDEN / "input" / "abcnews-us-strike-iraq.txt").read_text(encoding="utf-8")
    for junk in ("4 min read", "PHOTO:", "facilities.Department of Defense", "source:", "You May Also Like"):
        assert junk in seed
    doc = clean_text(seed)
    for junk in ("4 min read", "PHOTO:", "Department of Defense", "source:", "You May Also Like", "Kata'ib Hizballah facilities"):
        assert junk not in doc.text
    assert doc.title == "Video Shows Aftermath of US Strike on Iran-Backed Group in Iraq"


def test_every_golden_input_has_an_expected_output() -> None:
    assert [case.doc.source for case in golden_dir_cases(GOLDEN)] == [str(p) for p in INPUTS]
