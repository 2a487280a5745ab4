"""Text mode on whole scraped pages: the line classifier, its features and its provenance."""

import numpy as np
import pytest

from cleanews import clean_text
from cleanews.clean.features import FEATURE_NAMES, FEATURES, line_features
from cleanews.clean.lines import join_wrapped, split_lines
from cleanews.clean.model import best_run, load_model, viterbi
from cleanews.clean.rules import MODEL_RULE_PREFIX, RULES_BY_NAME, STRUCTURAL_RULES
from cleanews.clean.stopwords import load_stopwords
from cleanews.config import CleanConfig

MENU = ["Home", "World", "Politics", "Business", "Tech", "Sports", "Opinion", "Sign in", "Subscribe"]
FOOTER = ["About us", "Contact", "Terms of Use", "Privacy Policy", "Careers", "© 2024 The Lakeside Ledger"]
RELATED = ["Mayor names new parks chief", "Ferry fares to rise in July", "Storm knocks out power to 2,000 homes"]


def scraped_page(headline: str, paragraphs: list[str], teasers: list[str] = RELATED) -> str:
    """A page as a naive scraper flattens it: menus, headline, story, teasers, footer."""
    return "\n".join([*MENU, headline, "By Dana Whitfield", "May 14, 2024 10:32 AM", *paragraphs, "Most Read", *teasers, *FOOTER, *MENU])


ENGLISH = [
    "The Harbor Bridge reopened to traffic on Tuesday after two years of repairs that cost the city more than $40 million, officials said.",
    "Commuters who had spent up to an hour a day on detours said the reopening could not come soon enough.",
    "“It feels like getting a part of the city back,” said Maria Lopez, who drives across the bridge to work every morning.",
    "Engineers replaced the steel deck, repainted the towers and installed new sensors that will warn of cracks before they spread.",
    "The city plans to hold a street festival on the bridge next month to celebrate its return.",
]
GERMAN = [
    "Die Stadt Münster hat am Dienstag beschlossen, die Gebühren für Außengastronomie ab dem kommenden Jahr deutlich zu erhöhen.",
    "Viele Wirte am Prinzipalmarkt sind empört, weil sie in diesem Sommer ohnehin weniger Gäste hatten als vor der Pandemie.",
    "„Wir sind nicht dagegen, unseren Teil zu zahlen, aber das ist doppelt so viel wie im letzten Jahr“, sagte ein Cafébesitzer.",
    "Der Rat argumentiert, dass die Gebühren seit 2009 nicht gestiegen seien und das Geld für breitere Gehwege verwendet werde.",
]
SPANISH = [
    "El Ayuntamiento de Sevilla aprobó el martes un plan para plantar diez mil árboles en los barrios con más calor de la ciudad.",
    "Los vecinos de Tres Barrios llevan años pidiendo sombra en las calles, donde en verano se superan con frecuencia los cuarenta grados.",
    "Según el concejal de Medio Ambiente, las primeras plantaciones comenzarán en otoño y se completarán antes de que termine la legislatura.",
    "La oposición criticó que el plan no incluya fondos para el riego de los árboles durante los primeros años.",
]


@pytest.mark.parametrize("paragraphs", [ENGLISH, GERMAN, SPANISH], ids=["english", "german", "spanish"])
def test_scraped_page_keeps_exactly_the_story(paragraphs: list[str]) -> None:
    doc = clean_text(scraped_page("Harbor Bridge reopens after two years of repairs", paragraphs))
    assert doc.text.split("\n") == paragraphs
    assert doc.title == "Harbor Bridge reopens after two years of repairs"


def test_every_removed_line_has_a_named_reason() -> None:
    doc = clean_text(scraped_page("Harbor Bridge reopens after two years of repairs", ENGLISH))
    known = set(RULES_BY_NAME) | set(STRUCTURAL_RULES) | {MODEL_RULE_PREFIX + name for name in FEATURES} | {MODEL_RULE_PREFIX + "context"}
    assert doc.cleaning.removed
    assert {removal.rule for removal in doc.cleaning.removed} <= known
    assert ("copyright", "© 2024 The Lakeside Ledger") in [(r.rule, r.line) for r in doc.cleaning.removed]
    assert any(r.rule.startswith(MODEL_RULE_PREFIX) and r.line == "Politics" for r in doc.cleaning.removed)


def test_without_the_model_only_named_rules_remove_lines() -> None:
    doc = clean_text(scraped_page("Harbor Bridge reopens", ENGLISH), CleanConfig(line_model=False))
    assert "Politics" in doc.text.split("\n")
    assert not any(r.rule.startswith(MODEL_RULE_PREFIX) for r in doc.cleaning.removed)


def test_a_page_with_no_clear_article_keeps_its_best_run_rather_than_nothing() -> None:
    doc = clean_text("\n".join([*MENU, "Opening hours: Monday to Friday, 9am to 5pm", *FOOTER]))
    assert doc.text


def test_hard_wrapped_paragraphs_are_joined_and_kept() -> None:
    wrapped = []
    for paragraph in ENGLISH:
        words = paragraph.split()
        wrapped += [" ".join(words[:8]), " ".join(words[8:])]
    doc = clean_text(scraped_page("Harbor Bridge reopens after two years of repairs", wrapped))
    assert doc.text.split("\n") == ENGLISH


def test_join_wrapped_leaves_sentences_and_capitalised_lines_apart() -> None:
    lines = join_wrapped(split_lines("Ends here.\nnot joined after a full stop\nNo stop\nStarts capitalised\nno stop\nand lower"))
    assert [line.text for line in lines] == ["Ends here.", "not joined after a full stop", "No stop", "Starts capitalised no stop and lower"]


def test_feature_matrix_has_one_named_column_per_feature() -> None:
    lines = split_lines("\n".join(MENU + ENGLISH))
    matrix = line_features([line.text for line in lines], [line.words for line in lines])
    assert matrix.shape == (len(lines), len(FEATURE_NAMES))
    assert np.isfinite(matrix).all()
    stop = matrix[:, FEATURE_NAMES.index("stop_density")]
    ends = matrix[:, FEATURE_NAMES.index("sentence_end")]
    assert stop[len(MENU):].mean() > stop[: len(MENU)].mean() + 0.1
    assert ends.tolist() == [0.0] * len(MENU) + [1.0] * len(ENGLISH)


def test_stop_words_are_chosen_per_language() -> None:
    stop = load_stopwords()
    german = stop.best_list(word.casefold() for line in GERMAN for word in line.split())
    spanish = stop.best_list(word.casefold() for line in SPANISH for word in line.split())
    assert "und" in german and "der" in german
    assert "el" in spanish and "los" in spanish


def test_shipped_model_fits_the_code_and_prose_scores_above_menus() -> None:
    model = load_model("text")
    assert model.features == FEATURE_NAMES
    lines = split_lines("\n".join(MENU + ENGLISH + FOOTER))
    log_odds = model.log_odds(line_features([line.text for line in lines], [line.words for line in lines]))
    assert log_odds[len(MENU) : len(MENU) + len(ENGLISH)].min() > log_odds[: len(MENU)].max()


def test_viterbi_bridges_a_weak_line_between_strong_ones_and_cuts_a_strong_gap() -> None:
    assert viterbi(np.array([5.0, -0.5, 5.0]), switch_cost=1.0).tolist() == [True, True, True]
    assert viterbi(np.array([5.0, -4.0, 5.0]), switch_cost=1.0).tolist() == [True, False, True]
    assert viterbi(np.array([0.5, 5.0, 0.5]), switch_cost=0.0, edge_cost=1.0).tolist() == [False, True, False]
    assert best_run(np.array([-2.0, -1.0, -3.0])).tolist() == [False, True, False]


def test_a_short_brief_is_not_cut_by_the_classifier() -> None:
    brief = "The mayor opened the new bridge on Tuesday morning, officials said.\nThe council will vote on the budget next week, the clerk said."
    assert clean_text(brief).text == brief


@pytest.mark.parametrize(("headline", "byline", "author", "paragraphs"), [
    ("Harbor Bridge reopens after two years of repairs", "By The Associated Press", "The Associated Press", ENGLISH),
    ("El puente del puerto reabre tras dos años de obras", "Por Ana Gómez", "Ana Gómez", SPANISH),
])
def test_a_byline_names_the_author_and_is_never_the_title(headline: str, byline: str, author: str, paragraphs: list[str]) -> None:
    """Between the menus and the story, a byline the classifier takes out with the furniture is still the author's."""
    page = "\n".join([*MENU, headline, byline, *paragraphs, *FOOTER])
    doc = clean_text(page)
    assert doc.author == author
    assert doc.title != byline
    assert byline not in doc.text
    assert doc.text.startswith(paragraphs[0][:30])


@pytest.mark.parametrize("stamp", ["5 days ago", "20 July 2012", "17.05.2021", "OCTOBER 13, 2025"])
def test_a_date_line_at_the_top_of_the_story_is_no_article_text(stamp: str) -> None:
    doc = clean_text("\n".join([*MENU, "Harbor Bridge reopens after two years", stamp, *ENGLISH, *FOOTER]))
    assert doc.text == "\n".join(ENGLISH)
    rule = {removal.line: removal.rule for removal in doc.cleaning.removed}[stamp]
    assert rule == "date" or rule.startswith(MODEL_RULE_PREFIX)  # where the classifier already took it out
    assert doc.title == "Harbor Bridge reopens after two years"


def test_a_price_at_the_top_is_no_date_line() -> None:
    doc = clean_text("\n".join(["$59.00", *ENGLISH]), CleanConfig(line_model=False))
    assert doc.text.split("\n")[0] == "$59.00"


def test_a_time_stamp_above_the_story_is_no_title_and_goes_as_a_date() -> None:
    text = "\n".join(["Nov. 19, 2019 8:03 am ET", *ENGLISH])
    doc = clean_text(text)
    assert doc.title != "Nov. 19, 2019 8:03 am ET" and doc.text.split("\n") == ENGLISH
    assert ("date", "Nov. 19, 2019 8:03 am ET") in [(r.rule, r.line) for r in doc.cleaning.removed]
