"""The junk-line table: each row a line and the rule that must (or must not) remove it."""

import json
import re
from pathlib import Path

import pytest

from cleanews.clean.lines import WORD
from cleanews.clean.rules import RULES, STRUCTURAL_RULES, first_matching_rule

ROWS = json.loads((Path(__file__).parent / "junk_lines.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("row", ROWS, ids=[row["label"] for row in ROWS])
def test_junk_line_table(row: dict) -> None:
    assert first_matching_rule(row["line"], len(WORD.findall(row["line"]))) == row["rule"]


def test_every_rule_is_exercised_by_the_table() -> None:
    assert {rule.name for rule in RULES} <= {row["rule"] for row in ROWS}


def test_rule_names_are_unique_and_explained() -> None:
    names = [rule.name for rule in RULES] + list(STRUCTURAL_RULES)
    assert len(names) == len(set(names))
    assert all(rule.why for rule in RULES)


def test_rules_never_remove_long_lines() -> None:
    long_line = "Sign up for our newsletter " + " ".join(["word"] * 100)
    assert first_matching_rule(long_line, len(re.findall(r"\w+", long_line))) is None
