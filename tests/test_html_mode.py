"""HTML mode: the page's blocks, their DOM features, and the bounded block classifier."""

from __future__ import annotations

import numpy as np

from cleanews import clean_html
from cleanews.clean import clean_body
from cleanews.clean.block_features import (
    APART_FEATURES,
    HTML_FEATURE_NAMES,
    block_matrix,
    coverage,
    earlier_copy,
)
from cleanews.clean.blocks import page_blocks
from cleanews.clean.html import hidden_copies, judge_blocks
from cleanews.clean.model import LineModel, load_model
from cleanews.config import CleanConfig
from cleanews.document import Document

PARAGRAPHS = {
    "en": [
        "The council voted on Tuesday to close the old library on Main Street, ending a debate that had run for more than two years.",
        "Members said the building needed repairs that the town could not afford, and that a new branch would open next spring.",
        "Residents who spoke at the meeting asked the council to keep the reading room open until the new branch is ready.",
        "The mayor said the town would look at renting a room in the school for the months between the two buildings.",
    ],
    "de": [
        "Der Stadtrat hat am Dienstag beschlossen, die alte Bibliothek in der Hauptstraße zu schließen, nach einer Debatte von mehr als zwei Jahren.",
        "Die Mitglieder sagten, das Gebäude brauche Reparaturen, die sich die Stadt nicht leisten könne, und eine neue Filiale werde im Frühjahr eröffnet.",
        "Anwohner, die bei der Sitzung sprachen, baten den Rat, den Lesesaal offen zu halten, bis die neue Filiale fertig ist.",
        "Der Bürgermeister sagte, die Stadt werde prüfen, ob sie für die Monate dazwischen einen Raum in der Schule mieten kann.",
    ],
    "es": [
        "El ayuntamiento votó el martes cerrar la antigua biblioteca de la calle Mayor, tras un debate que duró más de dos años.",
        "Los concejales dijeron que el edificio necesitaba reparaciones que el municipio no podía pagar y que una nueva sede abrirá en primavera.",
        "Los vecinos que hablaron en la reunión pidieron mantener abierta la sala de lectura hasta que la nueva sede esté lista.",
        "El alcalde dijo que el municipio estudiará alquilar una sala en la escuela durante los meses entre los dos edificios.",
    ],
}


def news_page(paragraphs: list[str], lang: str = "en") -> str:
    """A page shaped like real news: menus, teasers, a related box and a footer around the story."""
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    menu = "".join(f'<li><a href="/{word}">{word}</a></li>' for word in ("Home", "World", "Politics", "Sport", "Culture"))
    teasers = "".join(
        f'<li><a href="/t{index}">Teaser headline number {index} about another story</a></li>' for index in range(6)
    )
    return (
        f'<html lang="{lang}"><head><title>Library to close</title></head><body>'
        f'<header><nav class="main-menu"><ul>{menu}</ul></nav></header>'
        f'<main><article class="story"><h1>Library to close</h1>{body}</article>'
        f'<aside class="related-stories"><h2>More stories</h2><ul>{teasers}</ul></aside></main>'
        "<footer><p>About us</p><p>Contact</p><p>Privacy policy</p></footer></body></html>"
    )


def test_blocks_follow_the_page_and_skip_what_no_reader_sees() -> None:
    html = (
        "<html><head><style>p {}</style></head><body><script>var x = 1;</script>"
        "<div>Intro <b>bold</b> text<br>after break</div><pre>line one\nline two</pre>"
        "<ul><li>one</li><li><a href='/x'>two</a></li></ul><button>Accept</button></body></html>"
    )
    blocks = page_blocks(html)
    assert [block.text for block in blocks] == ["Intro bold text", "after break", "line one", "line two", "one", "two"]
    assert [block.tag for block in blocks] == ["div", "div", "pre", "pre", "li", "li"]
    assert blocks[-1].link_density == 1.0 and blocks[-2].link_density == 0.0


def test_blocks_carry_their_context() -> None:
    html = (
        '<body><div class="comments-area"><p>Nice story</p></div>'
        '<div style="display: none"><p>Hidden copy</p></div>'
        '<figure><figcaption class="wp-caption-text">A caption</figcaption></figure><nav><a>Home</a></nav></body>'
    )
    context = {block.text: block.context for block in page_blocks(html)}
    assert "role:comment" in context["Nice story"]
    assert "hidden" in context["Hidden copy"]
    assert {"in:figure", "role:caption"} <= context["A caption"]
    assert "in:nav" in context["Home"]


def test_a_section_named_by_its_headings_words_is_no_comment_box() -> None:
    """A docs page's anchor ('receive-and-reply-to-an-inbound-sms-message') held 'reply': its whole guide read as comments."""
    html = ('<body><section id="receive-and-reply-to-an-inbound-sms-message-section"><h2>Receive and reply</h2>'
            '<p>Install the library first.</p></section><div class="comment-reply-list"><p>Great post!</p></div></body>')
    context = {block.text: block.context for block in page_blocks(html)}
    assert not any(name.startswith("role:") for name in context["Install the library first."])
    assert "role:comment" in context["Great post!"]


def test_unparseable_pages_give_no_blocks() -> None:
    assert page_blocks("") == []
    assert page_blocks("   ") == []
    assert [block.text for block in page_blocks('<?xml version="1.0" encoding="utf-8"?><p>Text</p>')] == ["Text"]


def test_coverage_and_earlier_copy() -> None:
    words = [["the", "council", "voted", "on", "tuesday"], ["menu"], ["the", "council", "voted", "on", "tuesday"]]
    anywhere, in_place = coverage(words, "The council voted on Tuesday to close")
    assert anywhere.tolist() == [1.0, 0.0, 1.0]
    assert in_place.tolist() == [1.0, 0.0, 0.0]  # one copy kept: the first
    assert coverage(words, "The council voted on Tuesday to close. The council voted on Tuesday")[1].tolist() == [1.0, 0.0, 1.0]
    assert earlier_copy(words).tolist() == [0.0, 0.0, 1.0]


def test_coverage_gives_kept_text_to_the_copy_that_runs_on() -> None:
    """A caption repeating the subtitle above the story is not what trafilatura kept; the subtitle leading into the story is."""
    caption, subtitle, story = ["die", "stadt", "sperrt", "die", "brücke"], ["die", "stadt", "sperrt", "die", "brücke"], ["der", "rat", "hat", "am", "dienstag", "entschieden"]
    reference = "Die Stadt sperrt die Brücke\nDer Rat hat am Dienstag entschieden"
    assert coverage([caption, ["foto"], subtitle, story], reference)[1].tolist() == [0.0, 0.0, 1.0, 1.0]
    _, shown_first = coverage([story, ["menü"], story], "Der Rat hat am Dienstag entschieden", hidden=[True, False, False])
    assert shown_first.tolist() == [0.0, 0.0, 1.0]


def test_a_tag_around_the_whole_article_says_nothing() -> None:
    """A page wrapped whole in a <form> (ASP.NET sites) must not make its article look like a form."""
    story = "".join(f"<p>{text}</p>" for text in PARAGRAPHS["en"])
    blocks = page_blocks(f"<body><form><nav><a>Home</a></nav><article>{story}</article></form></body>")
    matrix = block_matrix(blocks, "\n".join(PARAGRAPHS["en"]))
    in_form = matrix[:, HTML_FEATURE_NAMES.index("in_form")]
    in_nav = matrix[:, HTML_FEATURE_NAMES.index("in_nav")]
    assert in_form.tolist() == [0.0] * len(blocks)
    assert in_nav.tolist() == [1.0] + [0.0] * len(PARAGRAPHS["en"])


def test_an_article_split_around_ads_shares_what_trafilatura_kept_of_it() -> None:
    """A page that cuts its story into chunks of one template around the ads: a chunk trafilatura missed shares the kept one's share."""
    story = PARAGRAPHS["de"]

    def chunk(paragraphs: list[str]) -> str:
        return '<div class="article-chunk">' + "".join(f"<p>{text}</p>" for text in paragraphs) + "</div>"

    blocks = page_blocks(
        f'<body><main>{chunk(story[:2])}<div class="ad-slot"><p>Anzeige</p></div>{chunk(story[2:])}'
        '<ul><li class="teaser"><a href="/x">Eine andere Geschichte von heute</a></li></ul></main></body>'
    )
    assert blocks[0].template == blocks[-2].template == "div.article-chunk" != blocks[-1].template
    matrix = block_matrix(blocks, "\n".join(story[:2]))  # trafilatura kept the first chunk only
    share = dict(zip((block.text for block in blocks), matrix[:, HTML_FEATURE_NAMES.index("template_extractor")], strict=True))
    kept_words = sum(len(text.split()) for text in story[:2]) / sum(len(text.split()) for text in story)
    assert share[story[3]] == share[story[0]] == kept_words
    assert share["Anzeige"] == share["Eine andere Geschichte von heute"] == 0.0


def constant_model(log_odds: float, removal_margin: float = 1.0) -> LineModel:
    """A model that gives every block the same log-odds (weights zero)."""
    width = len(HTML_FEATURE_NAMES)
    zeros, ones = np.zeros(width), np.ones(width)
    return LineModel(HTML_FEATURE_NAMES, zeros, ones, zeros, log_odds, switch_cost=0.0, edge_cost=0.0, removal_margin=removal_margin)


def test_the_classifier_never_adds_a_block_set_apart_from_the_article() -> None:
    html = news_page(PARAGRAPHS["en"])
    blocks = page_blocks(html)
    extracted = "\n".join(PARAGRAPHS["en"])
    lines, verdicts = judge_blocks(blocks, block_matrix(blocks, extracted), constant_model(5.0))
    kept = [line for line, verdict in zip(lines, verdicts, strict=True) if verdict is None]
    # Every block looks like article to this model, but menus, the related box
    # and the footer are set apart (nav, aside, footer): only the article comes.
    assert kept == ["Library to close", *PARAGRAPHS["en"]]
    assert APART_FEATURES  # the bound is a named list of features


def test_the_classifier_removes_extracted_text_only_when_sure() -> None:
    html = news_page(PARAGRAPHS["en"])
    blocks = page_blocks(html)
    matrix = block_matrix(blocks, "\n".join(PARAGRAPHS["en"]))
    lines, verdicts = judge_blocks(blocks, matrix, constant_model(-0.5, removal_margin=1.0))
    assert [line for line, verdict in zip(lines, verdicts, strict=True) if verdict is None] == PARAGRAPHS["en"]
    lines, verdicts = judge_blocks(blocks, matrix, constant_model(-2.0, removal_margin=1.0))
    assert lines == tuple(PARAGRAPHS["en"]) and all(verdict and verdict.startswith("model:") for verdict in verdicts)


def test_shipped_html_model_reads_the_html_features() -> None:
    model = load_model("html")
    assert model.features == HTML_FEATURE_NAMES
    assert np.isfinite(model.removal_margin) and model.removal_margin > 0


def test_html_pages_in_three_languages_keep_the_whole_article() -> None:
    for lang, paragraphs in PARAGRAPHS.items():
        doc = clean_html(news_page(paragraphs, lang), url=f"https://example.com/{lang}/library")
        assert doc.text.split("\n") == paragraphs, lang
        for junk in ("Teaser headline", "Privacy policy", "Politics", "More stories"):
            assert junk not in doc.text, (lang, junk)


def test_every_html_removal_is_named() -> None:
    paragraphs = [*PARAGRAPHS["en"][:2], "Advertisement", *PARAGRAPHS["en"][2:]]
    doc = clean_html(news_page(paragraphs))
    assert "Advertisement" not in doc.text
    rules = {removal.rule for removal in doc.cleaning.removed}
    assert "advertisement" in rules
    for rule in rules:
        assert rule in ("advertisement", "title") or rule.removeprefix("model:") in HTML_FEATURE_NAMES


METADATA_PAGES = {
    "meta tags": (
        '<html><head><title>Harbor bridge reopens | City Paper</title>'
        '<meta property="og:title" content="Harbor bridge reopens after repairs">'
        '<meta name="author" content="Ana Lima"><link rel="canonical" href="https://paper.example/news/bridge">'
        '<meta property="article:published_time" content="2024-05-03T08:00:00Z"></head>'
        "<body><article><h1>Harbor bridge reopens after repairs</h1><p>" + " ".join(PARAGRAPHS["en"]) + "</p></article></body></html>"
    ),
    "JSON-LD over meta": (
        '<html><head><title>Council closes the library - Town News</title>'
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
        '"headline": "Council closes the library", "datePublished": "2023-11-20", '
        '"author": {"@type": "Person", "name": "Jo Park"}}</script></head>'
        "<body><h1>Council closes the library</h1><p>" + " ".join(PARAGRAPHS["en"]) + "</p></body></html>"
    ),
    "markup only": (
        "<html><body><h1>Bibliothek schließt</h1><p class='byline'>Von Eva Braun</p><p>12.03.2022</p><p>"
        + " ".join(PARAGRAPHS["de"]) + "</p></body></html>"
    ),
}


def test_page_metadata_is_trafilaturas_for_the_fields_kept() -> None:
    """The four fields come out exactly as trafilatura's whole metadata search gives them."""
    from pathlib import Path

    from trafilatura.metadata import extract_metadata

    from cleanews.clean.blocks import parse_html
    from cleanews.clean.metadata import page_metadata

    pages = dict(METADATA_PAGES, golden=Path("golden/input/harbor-bridge-reopens.html").read_text(encoding="utf-8"))
    for name, html in pages.items():
        ours, theirs = page_metadata(parse_html(html), "https://paper.example/x"), extract_metadata(parse_html(html), "https://paper.example/x")
        assert (ours.title, ours.author, ours.url, ours.date) == (theirs.title, theirs.author, theirs.url, theirs.date), name
    found = page_metadata(parse_html(METADATA_PAGES["JSON-LD over meta"]))
    assert (found.title, found.author, found.date) == ("Council closes the library", "Jo Park", "2023-11-20")
    found = page_metadata(parse_html(METADATA_PAGES["meta tags"]))
    assert (found.url, found.date, found.author) == ("https://paper.example/news/bridge", "2024-05-03", "Ana Lima")


def test_an_article_swallowed_by_an_unclosed_button_or_kept_in_noscript_is_read() -> None:
    story = "".join(f"<p>{line}</p>" for line in (
        "Digital marketing is the use of websites, apps, mobile devices and search engines to promote and sell products.",
        "It grew with the web in the 1990s and now takes most of what companies spend on advertising each year.",
        "Its results can be measured closely, which is why budgets have moved to it from print and television."))
    for wrapper in ("<header><button class='menu'>Menu<main><article>{}</article></main></header>",  # the button is never closed
                    "<noscript><div id='crawler'>{}</div></noscript>"):  # a forum's crawler view
        doc = clean_html(f"<html><head><title>What is digital marketing</title></head><body>{wrapper.format(story)}</body></html>")
        assert "budgets have moved" in doc.text, wrapper


BYLINE_PAGES = {
    "class byline": '<body><p class="byline">By Jane Roe</p><p>Text.</p></body>',
    "date cut out of the byline": '<body><div class="author-box">By Jane Roe<span class="date">May 2, 2024</span>and Max Mustermann</div></body>',
    "time cut out, tail kept": '<body><p class="byline">Ana Lima<time>10:00</time>, Lisbon</p></body>',
    "byline inside comments": '<body><div id="comments"><span class="author">Troll Account</span></div><a rel="author">Jo Park</a></body>',
    "byline inside a figure": '<body><figure><span class="author">Photo Agency</span></figure><span itemprop="author">Sam Lee</span></body>',
    "author element": "<body><author>Kim Nguyen</author></body>",
    "rel child": "<body><div><rel>me</rel>Chris Doe</div></body>",
    "any element, last resort": '<body><section data-component="Byline">Lee Kim and Ana Lima</section></body>',
    "too long, then a shorter one": '<body><p class="byline">' + "word " * 40 + '</p><h4 class="byline">Pat Poe</h4></body>',
    "e-mail only": '<body><span class="author">jane@paper.example</span></body>',
    "none": "<body><p>No byline here.</p></body>",
}


def test_byline_search_finds_trafilaturas_author() -> None:
    """The one-pass byline search gives what trafilatura's XPath search over a pruned copy gives."""
    from trafilatura.metadata import extract_author

    from cleanews.clean.blocks import parse_html
    from cleanews.clean.metadata import byline_author

    for name, html in {**BYLINE_PAGES, **METADATA_PAGES}.items():
        assert byline_author(parse_html(html)) == extract_author(parse_html(html)), name
    assert byline_author(parse_html(BYLINE_PAGES["byline inside comments"])) == "Jo Park"
    assert byline_author(parse_html(BYLINE_PAGES["date cut out of the byline"])) == "Jane Roeand Max Mustermann"  # as trafilatura joins the cut text
    assert byline_author(parse_html(BYLINE_PAGES["time cut out, tail kept"])) == "Ana Lima; Lisbon"  # the cut time leaves its tail; trafilatura reads the comma as a separator


HEADLINES = {"en": ("Council closes the old library after a vote", "Other News Video"),
             "de": ("Stadtrat schließt die alte Bibliothek nach einer Abstimmung", "Weitere Nachrichten Video")}


def test_a_sidebar_heading_is_no_title_when_the_page_title_names_the_headline() -> None:
    # No title in the page's metadata and two <h1>: trafilatura takes the sidebar's 'article-title' heading.
    for lang, (headline, stray) in HEADLINES.items():
        html = (f'<html lang="{lang}"><head><title>{headline} | Daily Post</title></head><body><header><h1>Daily Post</h1></header>'
                f'<aside><h2 class="article-title">{stray}</h2><a href="/v/1">A clip of the fire on the bridge</a></aside>'
                f"<article><h1>{headline}</h1>" + "".join(f"<p>{text}</p>" for text in PARAGRAPHS[lang]) + "</article></body></html>")
        doc = clean_html(html, url="https://example.org/news/2024/05/07/council-library")
        assert doc.title == headline
        assert headline not in doc.text and PARAGRAPHS[lang][0] in doc.text


def test_a_title_from_the_page_metadata_stands() -> None:
    headline = "Library to close"  # og:title: the publisher's own, even where the <title> names a section
    html = (f'<html><head><title>Local news | Daily Post</title><meta property="og:title" content="{headline}"></head><body>'
            f'<h2 class="article-title">Local news</h2><article>' + "".join(f"<p>{text}</p>" for text in PARAGRAPHS["en"]) + "</article></body></html>")
    assert clean_html(html).title == headline


TEASERS = {"en": ("Mayor opens the new bridge over the river",
                  "CITY: The mayor on Monday opened the new bridge, which took three years to build and cost the town more than..."),
           "es": ("El alcalde inaugura el nuevo puente sobre el río",
                  "CIUDAD: El alcalde inauguró el lunes el nuevo puente, que tardó tres años en construirse y costó al municipio más de…")}


def test_teasers_with_cut_off_summaries_are_not_added_back() -> None:
    # A list of other stories under the article, in no box a class names: trafilatura leaves it out, and so does the classifier.
    for lang, (headline, summary) in TEASERS.items():
        items = "".join(f'<li><a href="/story-{i}">{headline} {i}</a> <span>{summary}</span></li>' for i in range(6))
        html = (f'<html lang="{lang}"><head><title>Library to close</title></head><body><div class="content">'
                "<article><h1>Library to close</h1>" + "".join(f"<p>{text}</p>" for text in PARAGRAPHS[lang]) + "</article>"
                f'<div class="latest"><ul>{items}</ul></div></div></body></html>')
        doc = clean_html(html, url="https://example.org/a/library")
        assert doc.text.split("\n") == PARAGRAPHS[lang], lang


def test_a_hidden_copy_of_the_story_is_left_out() -> None:
    # The article, then the same story again in hidden nodes (an app's template, an AMP copy): the reader sees it once.
    for lang in ("en", "de"):
        story = "".join(f"<p>{text}</p>" for text in PARAGRAPHS[lang])
        copy = " ".join(PARAGRAPHS[lang])
        html = (f'<html lang="{lang}"><head><title>Library to close</title></head><body><div class="content">'
                f"<article><h1>Library to close</h1>{story}</article>"
                f'<div style="display:none"><div>{copy}</div></div><div hidden><div>{copy}</div></div></div></body></html>')
        blocks = page_blocks(html)
        copies = hidden_copies(block_matrix(blocks, copy), np.array([len(block.text.split()) for block in blocks], dtype=float))
        assert [block.text == copy for block in blocks] == copies.tolist(), lang
        doc = clean_html(html, url="https://example.org/a/library")
        assert doc.text.split("\n") == PARAGRAPHS[lang], lang


def test_clean_body_judges_with_the_line_model_it_is_given() -> None:
    # The page model is trained on pages cleaned by out-of-fold line models: clean_body must use the one it gets.
    doc = Document(id="library", text="", html=news_page(PARAGRAPHS["en"]), url="https://example.org/a/library")
    shipped, _ = clean_body(doc, CleanConfig(mode="html"))
    assert shipped.text.split("\n") == PARAGRAPHS["en"]
    doubtful, _ = clean_body(doc, CleanConfig(mode="html"), constant_model(-2.0, removal_margin=1.0))
    assert len(doubtful.text.split("\n")) < len(PARAGRAPHS["en"])
    assert any(removed.rule.startswith("model:") for removed in doubtful.cleaning.removed)
