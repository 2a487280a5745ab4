"""The ScrapingHub shingle metric on hand-checked cases."""

import pytest

from cleanews.bench import DocScore, score_text, summarise


def test_perfect_output_scores_one() -> None:
    text = "one two three four five six"
    score = score_text(text, text)
    assert (score.precision, score.recall, score.f1, score.exact) == (1.0, 1.0, 1.0, True)


def test_extra_junk_costs_precision_not_recall() -> None:
    # gold has 3 shingles; output adds 2 more -> tp 3, fp 2, fn 0
    score = score_text("a b c d e f g", "a b c d e f")
    assert score.tp == pytest.approx(3 / 4)
    assert score.fp == pytest.approx(1 / 4)
    assert score.precision == pytest.approx(0.75) and score.recall == 1.0


def test_shingles_are_counted_as_a_multiset() -> None:
    # the same sentence twice in the output: its shingles count twice
    score = score_text("a b c d a b c d", "a b c d")
    assert score.precision < 1.0 and score.recall == 1.0


def test_whitespace_and_punctuation_do_not_matter_for_exact_match() -> None:
    assert score_text("a b\nc d", "a  b c\td").exact


def test_summary_averages_over_documents_with_shingles() -> None:
    empty_output = score_text("", "a b c d e")
    perfect = score_text("a b c d e", "a b c d e")
    summary = summarise([empty_output, perfect])
    assert summary.precision == 1.0  # the empty output has no precision to average
    assert summary.recall == 0.5
    assert summary.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert summary.exact_rate == 0.5


def test_doc_score_without_shingles_is_zero() -> None:
    assert DocScore(0, 0, 0, False).f1 == 0.0
