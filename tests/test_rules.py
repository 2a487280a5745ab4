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


def test_the_same_line_with_another_word_count_is_judged_anew() -> None:
    """Rules are looked up per line text and word count (remembered across calls): the count still decides."""
    for label in ("Advertisement", "Anzeige"):
        assert first_matching_rule(label, 1) == "advertisement"
        assert first_matching_rule(label, 9) is None  # past the rule's eight words
        assert first_matching_rule(label, 1) == "advertisement"


def test_rules_never_remove_long_lines() -> None:
    long_line = "Sign up for our newsletter " + " ".join(["word"] * 100)
    assert first_matching_rule(long_line, len(re.findall(r"\w+", long_line))) is None


# Lines near the needles: each rule's own cue words, glued, split and in other cases.
NEEDLE_PROBES = [row["line"] for row in ROWS] + [
    "Photo", "PHOTO: x", "x.Credit...Y", "x ©2020 Y", "Crédit photo : AFP", "x/AP", "x.AP", "(AP Photo/X)", "ＰＨＯＴＯ: x", "Photoſ",
    "SUBSCRIBE TODAY", "Abonnez-vous", "COOKIES settings", "(C) 2020 X", "All Rights Reserved", "Tous droits réservés", "Getty",
    "Bildquelle: dpa", "Pie de foto, x", "EPA-EFE", "Reuters/X", "x | © 2017 Y", "Image copyright", "IMAGE CAPTION X",
]


@pytest.mark.parametrize("rule", [rule for rule in RULES if rule.needles], ids=lambda rule: rule.name)
def test_a_rules_needles_are_in_every_line_it_matches(rule) -> None:
    """The needles only spare searches: a line without any is never one the pattern matches."""
    for line in NEEDLE_PROBES:
        if rule.pattern.search(line):
            assert any(needle in line.casefold() for needle in rule.needles), (rule.name, line)


def rule_by_rule(line: str, n_words: int) -> str | None:
    """first_matching_rule without its gate: every rule in turn."""
    return next((rule.name for rule in RULES if rule.matches(line, n_words)), None)


@pytest.mark.parametrize("line", NEEDLE_PROBES)
def test_the_gate_lets_through_every_line_a_rule_removes(line: str) -> None:
    """The gate before the table only spares searches: with it or without, the same rule or none, at every word count."""
    for n_words in (1, 5, 8, 9, 12, 14, 15, 16, 25, 30, 45, 80, 81):
        assert first_matching_rule(line, n_words) == rule_by_rule(line, n_words), (line, n_words)


def test_a_rule_without_needles_is_anchored_at_the_line_start() -> None:
    """The gate unites these in one pattern that is tried at one position only (a speed matter, not a correct one)."""
    assert all(rule.pattern.pattern.startswith("^") for rule in RULES if not rule.needles)
