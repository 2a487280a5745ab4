"""Document-level line rules: repeats, captions shown twice, link lists, titles."""

import pytest

from cleanews import CleanConfig, clean_text
from cleanews.clean.encoding import repair
from cleanews.clean.lines import clean_lines

BODY = [
    "The council voted 7-2 on Tuesday to close the old library on Main Street next spring.",
    "Supporters of the library said they would collect signatures to put the question on the ballot.",
]


def removed(result) -> list[tuple[str, str]]:
    return [(r.rule, r.line) for r in result.removed]


def test_caption_repeated_with_credit_glued_on_goes_both_times() -> None:
    caption = "Crews work to clear the road near Elk Flat on Monday, Oct. 7, 2024."
    text = "\n".join([BODY[0], f"PHOTO: {caption}", caption + "Oregon Department of Transportation", BODY[1]])
    result = clean_lines(text, detect_title=False)
    assert result.lines == tuple(BODY)
    assert [rule for rule, _ in removed(result)] == ["caption", "caption_repeat"]


def test_caption_repeat_compares_quote_styles_as_equal() -> None:
    text = "\n".join([BODY[0], "PHOTO: A strike on Kata'ib Hizballah sites in Iraq, Dec. 29.", "A strike on Kata’ib Hizballah sites in Iraq, Dec. 29.Reuters", BODY[1]])
    assert clean_lines(text, detect_title=False).lines == tuple(BODY)


def test_unlabelled_caption_shown_twice_goes_both_times() -> None:
    caption = "Residents line up for water at a relief station in the city centre."
    text = "\n".join([BODY[0], caption, BODY[1], caption + " Jane Doe/AP"])
    assert clean_lines(text, detect_title=False).lines == tuple(BODY)


def test_repeated_paragraph_keeps_its_first_copy() -> None:
    text = "\n".join([BODY[0], BODY[1], BODY[0]])
    result = clean_lines(text, detect_title=False)
    assert result.lines == (BODY[0], BODY[1])
    assert removed(result) == [("repeated_line", BODY[0])]


def test_related_header_takes_its_link_titles_with_it() -> None:
    text = "\n".join([BODY[0], "Related", "Library hours cut again", "Mayor names new parks chief", BODY[1]])
    result = clean_lines(text, detect_title=False)
    assert result.lines == tuple(BODY)
    assert [rule for rule, _ in removed(result)] == ["related", "related_links", "related_links"]


def test_related_teasers_with_a_summary_and_a_date_go_and_the_story_after_them_stays() -> None:
    """WordPress's related posts: title, summary, date under the header; a summary is a sentence, its date says it is a teaser's."""
    teasers = ["Library hours cut again", "The council cut the library's opening hours for the second time this year, citing costs.",
               "March 17, 2016", "Mayor names new parks chief", "The mayor named a former ranger to run the city's parks department on Friday.",
               "April 8, 2015"]
    result = clean_lines("\n".join([BODY[0], "Related", *teasers, BODY[1]]), detect_title=False)
    assert result.lines == tuple(BODY)
    assert [rule for rule, _ in removed(result)] == ["related", *["related_links"] * len(teasers)]
    assert clean_lines("Related", detect_title=False).lines == ()  # the header last, nothing under it


@pytest.mark.parametrize("header, teasers, body", [
    ("Most read in world news", ["Floods cut off villages in the north", "Minister quits over expenses row"], BODY),
    ("Meistgelesen", ["Hochwasser schneidet Dörfer im Norden ab", "Ministerin tritt nach Spesenaffäre zurück"],
     ["Der Stadtrat stimmte am Dienstag mit sieben zu zwei Stimmen dafür, die alte Bibliothek im Frühjahr zu schließen.",
      "Die Unterstützer der Bibliothek wollen nun Unterschriften sammeln, um die Frage zur Abstimmung zu bringen."]),
    ("Lo más leído", ["Las inundaciones aíslan pueblos del norte", "Dimite la ministra por los gastos"],
     ["El ayuntamiento votó el martes por siete votos a dos cerrar la antigua biblioteca de la calle Mayor en primavera.",
      "Los defensores de la biblioteca dijeron que recogerían firmas para someter la cuestión a votación."]),
])
def test_a_most_read_header_takes_its_teasers_with_it(header: str, teasers: list[str], body: list[str]) -> None:
    result = clean_lines("\n".join([body[0], header, *teasers, body[1]]), detect_title=False)
    assert result.lines == tuple(body)
    assert [rule for rule, _ in removed(result)] == ["related", "related_links", "related_links"]


def test_headline_becomes_the_title_but_a_sentence_does_not() -> None:
    assert clean_lines("Library to close in spring\n" + "\n".join(BODY)).title == "Library to close in spring"
    result = clean_lines("\n".join(BODY))
    assert result.title is None and result.lines == tuple(BODY)


def test_trailing_source_url_becomes_metadata() -> None:
    doc = clean_text("\n".join(BODY + ["source: example.com/news/library-vote"]))
    assert doc.url == "example.com/news/library-vote"
    assert "source" not in doc.text


def test_whitespace_and_invisible_characters_are_normalised() -> None:
    doc = clean_text("  The\u00a0council  voted\u200b on\tTuesday to close the library on Main Street.  \n\n\n")
    assert doc.text == "The council voted on Tuesday to close the library on Main Street."


def test_mojibake_is_repaired_and_reported() -> None:
    doc = clean_text("The cafÃ© in MÃ¼nster said it would close, the ownerâ€™s lawyer said on Monday.")
    assert doc.text == "The café in Münster said it would close, the owner’s lawyer said on Monday."
    assert doc.cleaning.encoding_repaired


def test_typographic_quotes_are_kept_unless_asked() -> None:
    text = "“We are not done,” she said on Monday after the vote in the council chamber."
    assert clean_text(text).text == text
    assert clean_text(text, CleanConfig(uncurl_quotes=True)).text == '"We are not done," she said on Monday after the vote in the council chamber.'


def test_html_entities_are_decoded() -> None:
    assert repair("Smith &amp; Wesson said &quot;no&quot;")[0] == 'Smith & Wesson said "no"'


def test_cleaning_is_idempotent_on_the_seed(golden) -> None:
    once = clean_text((golden / "input" / "abcnews-us-strike-iraq.txt").read_text(encoding="utf-8"))
    twice = clean_text(once.text, CleanConfig(detect_title=False))
    assert twice.text == once.text
    assert twice.cleaning.removed == ()
