"""Reader comments are not article text; a story's lede is (tests on page shapes seen on real sites)."""

from cleanews import clean_html, clean_text
from cleanews.clean.comments import thread_start
from cleanews.config import CleanConfig

REVIEW = [
    "The Lakeside Grill has reopened under a new chef, and the menu is better than it has been in a decade.",
    "The smoked trout starter is the best thing on it, served with pickled fennel and a sharp horseradish cream.",
    "Mains are more uneven: the lamb was perfectly pink, but the risotto arrived gluey and under-seasoned.",
    "Service was warm and quick even on a busy Saturday, and the wine list has several good bottles under $40.",
    "Verdict: go for the starters and the view, and share a dessert; three stars out of five.",
]
THREAD = [
    "47 Comments", "Margaret Ellis says:", "March 3, 2012 at 4:15 pm",
    "We went last week on your recommendation and the trout was every bit as good as you said, thank you.", "Reply",
    "Tom Baker says:", "March 4, 2012 at 9:02 am",
    "I have to disagree about the service, we waited forty minutes for our mains and nobody apologised.", "Reply",
    "Priya N. says:", "March 5, 2012 at 11:40 pm",
    "The risotto was fine when we had it, maybe they have fixed it since your visit, worth another try.", "Reply",
]
GERMAN_STORY = [
    "Die Stadt Münster hat am Dienstag beschlossen, die Gebühren für Außengastronomie ab dem kommenden Jahr deutlich zu erhöhen.",
    "Viele Wirte am Prinzipalmarkt sind empört, weil sie in diesem Sommer ohnehin weniger Gäste hatten als vor der Pandemie.",
    "Der Rat argumentiert, dass die Gebühren seit 2009 nicht gestiegen seien und das Geld für breitere Gehwege verwendet werde.",
]
GERMAN_THREAD = [
    "Kommentare (3)", "Klaus M.", "vor 2 Tagen",
    "Das ist doch eine Frechheit, die Wirte haben es ohnehin schon schwer genug in dieser Stadt.", "Antworten",
    "Sabine", "vor 1 Tag", "Breitere Gehwege finde ich gut, irgendwer muss das ja bezahlen.", "Antworten",
]
MENU = ["Home", "Food", "Reviews", "Travel", "Sign in"]
FOOTER = ["About us", "Contact", "Privacy Policy", "© 2012 The Lakeside Ledger"]


def test_reader_comments_under_a_review_go_in_text_mode() -> None:
    page = "\n".join([*MENU, "Lakeside Grill review: a fine view and a better menu", *REVIEW, *THREAD, *FOOTER])
    assert clean_text(page).text == "\n".join(REVIEW)
    by_rules = clean_text(page, CleanConfig(line_model=False))  # the thread's own rule, without the classifier
    assert THREAD[3] in [removal.line for removal in by_rules.cleaning.removed if removal.rule == "comments"]
    assert "Margaret Ellis" not in by_rules.text and REVIEW[-1] in by_rules.text


def test_reader_comments_under_a_german_article_go() -> None:
    doc = clean_text("\n".join(["Münster erhöht Gebühren für Cafés", *GERMAN_STORY, *GERMAN_THREAD]))
    assert doc.text == "\n".join(GERMAN_STORY)


def test_reader_comments_an_extractor_kept_go_in_html_mode() -> None:
    body = "".join(f"<p>{line}</p>" for line in [*REVIEW, *THREAD])
    doc = clean_html(f"<html><head><title>Lakeside Grill review</title></head><body><article><h1>Lakeside Grill review</h1>{body}"
                     "</article></body></html>")
    assert "Margaret Ellis" not in doc.text and "trout starter" in doc.text


def test_a_comments_link_under_the_headline_is_no_thread() -> None:
    lines = ["Lakeside Grill review", "Comments (12)", *REVIEW]
    assert thread_start(lines) is None


def test_a_live_blog_of_times_and_posts_is_no_thread() -> None:
    posts = [line for pair in zip(("10:02 am", "10:15 am", "10:31 am", "10:48 am", "11:05 am"), REVIEW, strict=True) for line in pair]
    assert thread_start([*REVIEW[:2], "Comments", *posts]) is None


HBO_STORY = [
    "NEW YORK -- It is HBO to go.",
    "The cable network said Tuesday that it would sell its streaming service on its own, without a cable subscription, starting next month.",
    "The service will cost $15 a month and carry the network's whole library, from old comedies to this year's dramas.",
    "Analysts said the move could push other networks to follow, as more viewers cancel their cable packages every year.",
]


def test_a_datelined_lede_after_related_links_stays() -> None:
    page = ["HBO goes it alone", "Related", "Netflix raises prices again", "Disney buys Fox studios", *HBO_STORY]
    assert clean_text("\n".join([*MENU, *page, *FOOTER])).text == "\n".join(HBO_STORY)
    assert clean_text("\n".join(page), CleanConfig(line_model=False)).text == "\n".join(HBO_STORY)


def test_a_datelined_lede_above_the_byline_and_an_ad_stays_and_the_byline_names_the_author() -> None:
    """A wire story scraped flat: the lede, then the byline and an ad slot, then the rest of the story."""
    page = [*MENU, "HBO goes it alone", HBO_STORY[0], "By The Associated Press", "Advertisements", *HBO_STORY[1:], *FOOTER]
    doc = clean_text("\n".join(page))
    assert doc.text == "\n".join(HBO_STORY)
    assert doc.author == "The Associated Press"
    assert {removal.line: removal.rule for removal in doc.cleaning.removed}["Advertisements"] == "advertisement"


def test_a_spanish_lede_after_related_links_stays() -> None:
    story = ["MADRID, 3 jun (EFE).- El Gobierno aprobó el plan.",
             "El plan prevé plantar diez mil árboles en los barrios con más calor de la ciudad antes de que termine la legislatura."]
    doc = clean_text("\n".join(["Relacionados", "Sube el precio de la luz", "Huelga de taxis en Barcelona", *story]), CleanConfig(line_model=False))
    assert doc.text == "\n".join(story)


def test_a_header_that_names_the_story_starts_a_thread() -> None:
    """'34 responses to "Headline"', with the first commenter's name glued on (a WordPress page scraped flat)."""
    header = "3 responses to “Lakeside Grill review” Margaret Ellis says:"
    assert thread_start([*REVIEW, header, *THREAD[2:]]) == len(REVIEW)
    assert thread_start([*REVIEW, "12 Kommentare zu „Münster erhöht Gebühren“", *GERMAN_THREAD[1:]]) == len(REVIEW)
    assert thread_start([*REVIEW, "Responses to the plan came quickly on Monday", *THREAD[1:]]) is None
    assert thread_start([*REVIEW, "300 responses to the survey were positive, the council said.", *THREAD[2:]]) is None


def test_a_counted_header_in_a_phrase_starts_a_thread() -> None:
    """WordPress themes head a thread 'There are 13 comments' or '6 thoughts on "Headline"'."""
    assert thread_start([*REVIEW, "There are 13 comments", *THREAD[1:]]) == len(REVIEW)
    assert thread_start([*REVIEW, "6 thoughts on “Lakeside Grill review”", *THREAD[1:]]) == len(REVIEW)
    assert thread_start([*REVIEW, "15 Replies to “Lakeside Grill review”", *THREAD[1:]]) == len(REVIEW)
    assert thread_start([*REVIEW, "There are 13 comments", *REVIEW]) is None  # no thread's furniture after it
    assert thread_start([*REVIEW, "6 thoughts on the plan were shared", *THREAD[1:]]) is None


def test_a_lede_shown_as_a_teaser_above_the_story_stays_in_it() -> None:
    """A repeat is dropped only after a copy that was kept: the teaser copy among the menus went, the story's own stays."""
    teaser = REVIEW[0]
    page = "\n".join([*MENU, teaser, "Most read", "Best pizza in town", "Lakeside Grill review: a fine view and a better menu",
                      *REVIEW, *FOOTER])
    doc = clean_text(page)
    assert teaser in doc.text.split("\n")
    assert "repeated_line" not in [removal.rule for removal in doc.cleaning.removed if removal.line == teaser]


PRESS_RELEASE = """SPRINGFIELD, Ill., Oct. 21, 2025 /PRNewswire/ -- Acme Corp (NYSE: ACME) today
reported record revenue of $1.2 billion for the third quarter, up 14 percent
from a year earlier, driven by strong demand for its industrial products.

"We delivered another quarter of growth across every segment," said Jane
Roe, chief executive officer. "Our teams executed well despite higher costs."

The company raised its full-year outlook and expects revenue of between
$4.6 billion and $4.8 billion."""
PARAGRAPHS = [" ".join(paragraph.split("\n")) for paragraph in PRESS_RELEASE.split("\n\n")]
HEADLINE = "Acme Corp Reports Record Third Quarter Results"


def test_a_press_release_wrapped_at_a_fixed_width_is_joined_whatever_its_lines_start_with() -> None:
    page = (f"<html><head><title>{HEADLINE} | Wire</title></head><body><h1>{HEADLINE}</h1>"
            f"<pre>{HEADLINE.upper()}\n\n{PRESS_RELEASE}</pre></body></html>")
    html_doc = clean_html(page)
    text_doc = clean_text(f"{HEADLINE}\n\n{HEADLINE.upper()}\n\n{PRESS_RELEASE}")
    for doc in (html_doc, text_doc):
        assert doc.text.split("\n") == PARAGRAPHS
        assert doc.title == HEADLINE


def test_short_lines_that_are_not_wrapped_stay_apart() -> None:
    teasers = ["Mayor names new parks chief after long search", "Ferry fares to rise in July for all riders",
               "Storm knocks out power to homes on the coast", "Library to close early on Fridays this winter"]
    doc = clean_text("\n".join(teasers), CleanConfig(line_model=False, detect_title=False))
    assert doc.text.split("\n") == teasers


SIGNED_THREAD = [  # each comment signed only by a name over its time, as many comment widgets do
    "[ 3 comments ]", "Top Rated Comments", "Nick A", "2 days ago at 07:47 am",
    "We went last week on your recommendation and the trout was every bit as good as you said.", "Rating: 25 Votes",
    "fmcshan", "2 days ago at 07:50 am", "I have to disagree about the service, we waited forty minutes for our mains.",
    "Jess Jones", "November 15, 2022 at 7:03 am", "The risotto was fine when we had it, worth another try.",
]


def test_comments_signed_by_a_name_over_their_time_are_a_thread() -> None:
    lines = ["Lakeside Grill review", *REVIEW, *SIGNED_THREAD, *FOOTER]
    assert thread_start(lines) == 1 + len(REVIEW)
    assert "trout was every bit" not in clean_text("\n".join(lines)).text


def test_a_header_under_every_post_heads_no_thread_over_the_answers() -> None:
    """A Q&A page: 'Add a comment' under the question and under each answer; the answers are the page."""
    answers = []
    for name, time in (("Ann Lee", "Mar 3, 2021 at 14:05"), ("bob", "Mar 4, 2021 at 09:12"), ("Cy Twombly", "Mar 5, 2021 at 18:40")):
        answers += [f"You can check the cable first, then reset the router and wait a minute before you try again, {name} wrote.",
                    "Share", name, time, "Add a comment"]
    lines = ["How do I reset my router?", *REVIEW, "Add a comment", *answers]
    assert thread_start(lines) is None


def test_a_sidebar_of_the_sites_latest_comments_is_no_thread() -> None:
    lines = [*REVIEW, "Latest Comments", "Nick A", "3 weeks ago", "Great review, thanks", "MK", "1 month ago", "Agreed", *REVIEW]
    assert thread_start(lines) is None
