"""Photo galleries: a run of captions, or numbered slides, leaves the body; one caption stays."""

from cleanews.clean.lines import clean_judged_lines, clean_lines

STORY = [
    "The sprinter won the final on Sunday evening, his third title at the championships.",
    "He said afterwards that the track had been faster than he expected.",
]


def kept(lines: list[str]) -> list[str]:
    """What HTML mode keeps of lines the block classifier kept."""
    return list(clean_judged_lines(lines, [None] * len(lines)).lines)


def removed_by(lines: list[str], rule: str) -> list[str]:
    result = clean_judged_lines(lines, [None] * len(lines))
    return [removal.line for removal in result.removed if removal.rule == rule]


def test_a_run_of_english_captions_is_a_gallery() -> None:
    gallery = [
        "Jamaica's Usain Bolt gestures before competing in a men's 100-meter heat at the championships in London.",
        "Britain's Mo Farah celebrates after winning the men's 10,000-meter final at the championships in London.",
        "United States' Allyson Felix reacts after the women's 400-meter final at the championships in London.",
    ]
    lines = [STORY[0], *gallery, STORY[1]]
    assert kept(lines) == STORY
    assert removed_by(lines, "gallery") == gallery


def test_a_run_of_german_and_spanish_captions_is_a_gallery() -> None:
    german = [
        "Bundeskanzler Olaf Scholz spricht am Montag vor dem Bundestag in Berlin über den Haushalt.",
        "Der Abgeordnete Friedrich Merz gestikuliert während der Debatte im Bundestag in Berlin.",
        "Die Ministerin Annalena Baerbock lacht nach der Abstimmung im Plenarsaal des Bundestags.",
    ]
    spanish = [
        "El delantero Lionel Messi celebra su gol ante el Sevilla en el estadio Camp Nou de Barcelona.",
        "El portero Marc-André ter Stegen reacciona tras el penalti en el partido de la Liga en Barcelona.",
        "El entrenador Xavi Hernández gesticula durante el partido contra el Sevilla en Barcelona.",
    ]
    for gallery in (german, spanish):
        assert kept([STORY[0], *gallery, STORY[1]]) == STORY


def test_one_caption_in_the_story_stays() -> None:
    lines = [STORY[0], "Jamaica's Usain Bolt gestures before competing in a men's 100-meter heat in London.", STORY[1]]
    assert kept(lines) == lines


def test_present_tense_prose_and_plural_nouns_are_no_captions() -> None:
    prose = [
        "Guided tours in Iceland are safer for solo travellers, while rental cars suit confident drivers.",
        "SEO typically delivers returns of five to ten times the spend, but it needs patience.",
        "The company makes most of its money from advertising and expects sales to grow.",
        "Self-drive tours let you rent a car and follow a planned route across the country.",
    ]
    assert kept(prose) == prose


def test_numbered_slides_with_titles_are_a_gallery() -> None:
    slides = []
    for number, title in enumerate(("United goin down", "Star Wars boosts economy", "Pinewood expands", "Sky grows"), start=1):
        slides += [f"{number}/4 {title}", f"The story behind slide {number}, told in a sentence or two of caption.", "GETTY IMAGES"]
    lines = [STORY[0], *slides, STORY[1]]
    assert kept(lines) == STORY


def test_bare_counters_go_but_a_carousel_of_the_pages_own_text_stays() -> None:
    carousel = ["1/3", "Cleans when and where you want.", "2/3", "Keeps your data safe.", "3/3", "Learns your home."]
    assert kept([STORY[0], *carousel, STORY[1]]) == [STORY[0], *carousel[1::2], STORY[1]]


def test_slides_count_up_among_lines_already_removed() -> None:
    """The classifier took the first counters out; the last ones are still the gallery's."""
    lines = [STORY[0], "1/4", "Crowds gather outside parliament.", "2/4", "Police close the square.", "3/4", "The vote is counted.",
             "4/4", "The result is read out.", STORY[1]]
    verdicts = [None, "model:words", None, "model:words", None, None, None, None, None, None]
    result = clean_judged_lines(lines, verdicts)
    assert [(removal.rule, removal.line) for removal in result.removed if removal.rule == "gallery"] == [("gallery", "3/4"), ("gallery", "4/4")]


def test_fractions_are_no_slides() -> None:
    recipe = ["1/2 cup sugar", "3/4 cup milk", "1/4 teaspoon salt", "2/3 cup flour"]
    assert kept(recipe) == recipe


def test_galleries_go_in_text_mode_too() -> None:
    text = "\n".join([
        STORY[0],
        "Britain's Mo Farah celebrates after winning the men's 10,000-meter final at the championships in London.",
        "United States' Allyson Felix reacts after the women's 400-meter final at the championships in London.",
        "Jamaica's Usain Bolt gestures before competing in a men's 100-meter heat at the championships in London.",
        STORY[1],
    ])
    result = clean_lines(text, detect_title=False)
    assert list(result.lines) == STORY
