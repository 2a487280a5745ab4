"""Page type and confidence: the page models on real-shaped pages, --articles-only, and the review order."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from cleanews import clean_html, clean_text
from cleanews.clean.blocks import blocks_of, parse_html
from cleanews.clean.page import PAGE_FEATURE_NAMES, PAGE_TYPES, dom_counts, load_page_models, page_feature_dict, text_blocks
from cleanews.cli import main
from cleanews.report.run import RunReportConfig, run_report

# Paragraphs of one story in three languages: an article page is an article in any of them.
PARAGRAPHS = {
    "en": "The regional rail operator said on Thursday that trains between the two cities would run every half hour from "
          "June, after a year of work on the signals along the line.",
    "de": "Der regionale Bahnbetreiber teilte am Donnerstag mit, dass die Züge zwischen den beiden Städten ab Juni jede "
          "halbe Stunde fahren werden, nach einem Jahr Arbeit an den Signalen der Strecke.",
    "fr": "L'exploitant ferroviaire régional a annoncé jeudi que les trains entre les deux villes circuleront toutes les "
          "demi-heures à partir de juin, après un an de travaux sur la signalisation de la ligne.",
}


def page_data(page: str) -> dict:
    """The data the review page carries, as its script reads it."""
    match = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.DOTALL)
    assert match
    return json.loads(match.group(1))

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def article_page(language: str) -> str:
    body = f"<p>{PARAGRAPHS[language]}</p>" * 6
    return (
        '<html><head><meta property="og:type" content="article">'
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle"}</script></head>'
        '<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article><h1>Council votes to close the old library</h1><time>2024-05-07</time>{body}</article>"
        "<footer><a href='/about'>About</a></footer></body></html>"
    )


def listing_page() -> str:
    """A section front: a grid of linked headlines, each with a one-line teaser."""
    teasers = "".join(
        f'<article class="card"><h3><a href="/news/2024/05/story-{i}">Story number {i} about the town</a></h3>'
        f'<p>A short teaser for story {i}.</p><a href="/news/2024/05/story-{i}">Read more</a></article>'
        for i in range(24)
    )
    return (
        '<html><head><script type="application/ld+json">{"@type": "CollectionPage"}</script></head>'
        f'<body><nav><a href="/">Home</a></nav><main><h1>Local news</h1>{teasers}</main></body></html>'
    )


@pytest.mark.parametrize("language", sorted(PARAGRAPHS))
def test_an_article_page_is_an_article(language: str) -> None:
    doc = clean_html(article_page(language), url="https://example.org/news/2024/05/07/council-votes-to-close-library")
    assert doc.page_type == "article"
    assert doc.cleaning is not None and 0.0 <= doc.cleaning.confidence <= 1.0


def test_a_section_front_is_a_listing() -> None:
    doc = clean_html(listing_page(), url="https://example.org/news/")
    assert doc.page_type == "listing"


def test_page_type_and_confidence_in_text_mode_too() -> None:
    doc = clean_text((GOLDEN / "input" / "abcnews-us-strike-iraq.txt").read_text(encoding="utf-8"))
    assert doc.page_type in PAGE_TYPES
    assert doc.cleaning is not None and 0.0 <= doc.cleaning.confidence <= 1.0
    assert doc.to_record()["page_type"] == doc.page_type and "confidence" in doc.to_record()["cleaning"]


def test_the_bundled_news_briefs_are_articles_and_articles_only_keeps_them(tmp_path: Path) -> None:
    """Short stories passed as text (a few paragraphs) were called listings by the page models, fitted on whole pages."""
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["run", str(GOLDEN / "input"), str(GOLDEN / "dedup"), "--articles-only", "-o", str(out),
                                       "-j", "1", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 9 and {record["page_type"] for record in records} == {"article"}


def test_a_short_menu_is_no_brief_article() -> None:
    from cleanews.clean.page import is_brief_article

    menu = "Home\nNews\nSport\nWeather\nContact us"
    assert not is_brief_article(menu, menu)


def test_features_read_the_page_shape_and_declared_types() -> None:
    tree = parse_html(listing_page())
    dom = dom_counts(tree)
    assert "collectionpage" in dom.types and dom.tags["article"] == 24
    features = page_feature_dict(list(blocks_of(tree)), "", "https://example.org/news/2024/05/story-1", dom)
    assert features["declares_listing"] == 1.0 and features["declares_article"] == 0.0
    assert features["log_linked_headings"] == pytest.approx(np.log1p(24))
    assert features["url_date"] == 1.0 and features["prose_share"] == 0.0
    assert tuple(features) == PAGE_FEATURE_NAMES


def test_layout_features_tell_a_teaser_grid_from_one_run_of_prose() -> None:
    teasers = "".join(f'<h3><a href="/story-{i}">Story number {i} about the town hall</a></h3>'
                      f"<p>The council met again on Monday to talk about the budget for the coming year {i}.</p>" for i in range(12))
    grid = parse_html(f"<html><body><main>{teasers}</main></body></html>")
    story = parse_html(article_page("de"))
    grid_features = page_feature_dict(list(blocks_of(grid)), "", None)
    story_features = page_feature_dict(list(blocks_of(story)), "", None)
    assert grid_features["log_teasers"] == pytest.approx(np.log1p(12)) and story_features["log_teasers"] == 0.0
    assert grid_features["linked_heading_share"] == 1.0 and story_features["linked_heading_share"] == 0.0
    # The article's words are one run; the grid's runs break at every linked title.
    assert story_features["main_run_share"] > 0.9 > 0.2 > grid_features["main_run_share"]
    assert grid_features["shape_repeat_share"] > 0.8 > story_features["shape_repeat_share"]


def test_text_blocks_are_the_non_empty_lines() -> None:
    assert [block.text for block in text_blocks("One\n\n  Two  \n")] == ["One", "Two"]


def test_shipped_models_load_for_both_modes() -> None:
    for mode in ("html", "text"):
        models = load_page_models(mode)
        # Two terms a feature: its value and its part above the knot.
        assert models.type_weights.shape == (2 * len(PAGE_FEATURE_NAMES), len(PAGE_TYPES))
        assert models.knots.shape == (len(PAGE_FEATURE_NAMES),)
        # The calibration is monotone: a page estimated to be cleaned better is never given less confidence.
        assert np.all(np.diff(models.calibration_estimates) > 0) and np.all(np.diff(models.calibration_measured) >= 0)
        assert 0.0 <= models.calibration_measured[0] and models.calibration_measured[-1] <= 1.0


def test_articles_only_rejects_a_listing_with_its_type(tmp_path: Path) -> None:
    pages = tmp_path / "pages.jsonl"
    rows = [{"id": "story", "html": article_page("en"), "url": "https://example.org/news/2024/05/07/council-votes"},
            {"id": "front", "html": listing_page(), "url": "https://example.org/news/"}]
    pages.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    result = CliRunner().invoke(main, ["clean", str(pages), "--articles-only", "-j", "1", "--rejects", str(rejects), "-q"],
                                catch_exceptions=False)
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["story"]
    (reject,) = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert reject["id"] == "front" and reject["reason"] == "not an article page (listing)"


def test_without_articles_only_every_page_comes_out_with_its_type(tmp_path: Path) -> None:
    pages = tmp_path / "pages.jsonl"
    pages.write_text(json.dumps({"id": "front", "html": listing_page(), "url": "https://example.org/news/"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["clean", str(pages), "-j", "1", "-q"], catch_exceptions=False)
    assert json.loads(result.stdout)["page_type"] == "listing"


def test_the_review_page_holds_the_least_confident_first(tmp_path: Path) -> None:
    run = tmp_path / "run.jsonl"
    confidences = [0.9, 0.2, None, 0.5, 0.95]
    run.write_text("".join(
        json.dumps({"id": f"d{i}", "text": "Some text.", "cleaning": {"removed": [], **({} if c is None else {"confidence": c})}}) + "\n"
        for i, c in enumerate(confidences)), encoding="utf-8")
    page = run_report(str(run), RunReportConfig(max_documents=3, max_clusters=0))
    data = page_data(page)
    assert [doc["id"] for doc in data["docs"]] == ["d1", "d3", "d0"]
    assert [doc["index"] for doc in data["docs"]] == [1, 3, 0]


def test_url_words_and_declared_facts_name_the_kind_of_page() -> None:
    forum = page_feature_dict([], "", "https://community.example.org/t/how-do-i-reset-it/4821")
    assert forum["url_says_forum"] == forum["host_says_forum"] == forum["url_last_numeric"] == 1.0
    assert forum["url_says_article"] == 0.0
    # A slug's words are not folder words: a story about a product page is no product page.
    story = page_feature_dict([], "", "https://example.org/blog/2024/05/the-product-we-did-not-buy/")
    assert story["url_says_article"] == story["url_trailing_slash"] == 1.0 and story["url_says_product"] == 0.0
    tree = parse_html('<html><head><meta property="article:published_time" content="2024-05-07">'
                      '<meta name="author" content="Jane Doe"></head><body><div class="comment-list">'
                      '<div class="comment reply">Nice.</div></div><p>Text.</p></body></html>')
    dom = dom_counts(tree)
    assert dom.facts == {"published", "author"} and dom.class_words["comment"] == 3 and dom.class_words["price"] == 0
    features = page_feature_dict(list(blocks_of(tree)), "", None, dom)
    assert features["declares_published"] == 1.0 and features["declares_price"] == 0.0
