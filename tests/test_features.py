"""Line features read the whole page at once; per line they give what a search of each line alone gives."""

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanews.clean import features, page
from cleanews.clean.features import Page
from cleanews.clean.lines import words_of, words_of_lines

# Lines near what the patterns look for: bullets, joiners, stamps, addresses, glued words, quotes, wide spaces.
ATOMS = [" ", "\t", "\u00a0", "\u2003", "•", "|", "·", "»", "-", "a", "B", "ab", "Cd", "12:30", "2024", "1/2/2020", ".", "!", "”", ")", "]", "[", "[12]", "[MP3 SP]", "…", "? ", "*",
         "’", "http://x.com", "www.", "a@b.co", "@x", "東", "x.Y ", "ab.Cd ", " | ", " • ", "HTTPſ", "://", "ttp", "wW", ".Com", ".html"]
line = st.lists(st.one_of(st.sampled_from(ATOMS), st.text(st.characters(codec=None, exclude_characters="\n"), max_size=3)),
                max_size=12).map("".join)
pages = st.lists(line, min_size=1, max_size=8)
PATTERNS = [value for value in vars(features).values() if isinstance(value, re.Pattern)]


@settings(deadline=None)
@given(pages)
def test_a_pattern_found_in_the_page_is_found_in_its_line(texts: list[str]) -> None:
    page = Page(texts)
    for pattern in PATTERNS:
        assert page.flags(pattern).tolist() == [float(pattern.search("\n" + text) is not None) for text in texts], pattern.pattern
        assert page.counts(pattern).tolist() == [float(len(pattern.findall("\n" + text))) for text in texts], pattern.pattern


@settings(deadline=None)
@given(pages)
def test_character_counts_are_strs_own(texts: list[str]) -> None:
    characters, letters, digits, capitalised = Page(texts).character_counts()
    initials = [[token[0] for token in text.split()] for text in texts]
    assert characters.tolist() == [float(len("".join(text.split()))) for text in texts]
    assert letters.tolist() == [float(sum(map(str.isalpha, text))) for text in texts]
    assert digits.tolist() == [float(sum(map(str.isdigit, text))) for text in texts]
    assert capitalised.tolist() == [sum(map(str.isupper, first)) / max(sum(map(str.isalpha, first)), 1) for first in initials]


@settings(deadline=None)
@given(pages)
def test_word_and_character_set_counts_are_the_regexs(texts: list[str]) -> None:
    page = Page(texts)
    assert page.word_counts().tolist() == [float(len(re.findall(r"\w+", text))) for text in texts]
    assert page.per_line((page.classes & features.COMMA) > 0).tolist() == [float(len(re.findall(r"[,;，、؛]", text))) for text in texts]
    assert page.per_line((page.classes & features.CJK_CHAR) > 0).tolist() == [
        float(len(re.findall(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", text))) for text in texts]


def test_the_word_character_bit_is_the_regex_word_class() -> None:
    word = re.compile(r"\w")
    table = features.plane_classes()
    assert [code for code in range(features.PLANE) if bool(table[code] & features.WORD_CHAR) != bool(word.match(chr(code)))] == []


# Line shapes read from the code points, and the patterns they stand for (searched in "\n" + the line).
SHAPES = {
    "sentence_ends": (r"[.!?…。！？؟]['\"’”»)\]]*$|[.!?…。！？؟]['\"’”»)]*[^\S\n]?(?:\[[^\[\]\n.…]{1,30}\])+[^\S\n]*$", "search"),
    "sentence_marks": (r"[.!?…。！？؟]['\"’”»)\]]*(?:[^\S\n]|$)", "count"),
    "bullets": (r"\n[^\S\n]*[•·▪►▶›»|*>→-][^\S\n]|[|•·](?<=[^\S\n][|•·])[^\S\n]", "search"),
}


@settings(deadline=None)
@given(pages)
def test_shapes_read_from_code_points_are_the_patterns_they_stand_for(texts: list[str]) -> None:
    page = Page(texts)
    for name, (pattern, kind) in SHAPES.items():
        found = [re.findall(pattern, "\n" + text) for text in texts]
        expected = [float(len(hits)) if kind == "count" else float(bool(hits)) for hits in found]
        assert getattr(page, name)().tolist() == expected, name


def test_a_sentence_ends_before_its_citation_marks_but_a_list_of_links_does_not() -> None:
    """A long article whose paragraphs end in references ('[MP3 SP]') was read as no prose at all and cut to its first part."""
    lines = ["It was first given in 1911.[11][12]", "Nothing escaped the planet. [MP3 SP]",
             "Psychiatr Danub. 2017;29:459–465. [DOI] [PubMed] [Google Scholar]", "Sea Level [ft]"]
    assert Page(lines).sentence_ends().tolist() == [1.0, 1.0, 0.0, 0.0]


# The patterns written so that re skips ahead to their first characters, and the plain forms they stand for.
PLAIN_FORMS = {
    "_TIMESTAMP": r"\b\d{1,2}:\d{2}\b|\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b|\b(?:19|20)\d{2}\b.{0,12}\b\d{1,2}:\d{2}",
    "_WEB_ADDRESS": r"(?i:https?://|www\.|\.(?:com|org|net|html?)\b)",
}


@settings(deadline=None)
@given(pages)
def test_fast_forms_of_patterns_match_where_their_plain_forms_do(texts: list[str]) -> None:
    for name, plain in PLAIN_FORMS.items():
        fast = getattr(features, name)
        for text in texts:
            if isinstance(fast, tuple):  # patterns that together find the lines the plain form is found in
                assert any(pattern.search(text) for pattern in fast) == bool(re.search(plain, text)), (name, text)
                assert Page([text]).flags(*fast).tolist() == [float(re.search(plain, text) is not None)], (name, text)
            else:
                assert [m.span() for m in fast.finditer(text)] == [m.span() for m in re.finditer(plain, text)], (name, text)


# What the page features (page.py) search for, in the plain form each pattern stands for (one block at a time).
BLOCK_ATOMS = ["$", "€", "5", "12", " ", "\u00a0", "zł", "kr", "Kč", "USD", "xEUR", "GBP", ":", "30", "2024-05-01", "1/2/24", ".", "?",
               "”", "a", "!", "٣", "₹"]
block_text = st.lists(st.sampled_from(BLOCK_ATOMS), max_size=10).map(lambda parts: " ".join("".join(parts).split()))
PLAIN_BLOCK_FORMS = {
    "_PRICE": r"[$€£¥₹]\s?\d|\d\s?(?:[$€£¥₹]|zł|kr|Kč)|\b(?:USD|EUR|GBP)\b",
    "_DATE_SHAPE": r"\b\d{1,2}:\d{2}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b",
    "_SENTENCE_END": r"[.!?。！？؟…]['\"’”»)]*$",
}


@settings(deadline=None)
@given(st.lists(block_text, min_size=1, max_size=6))
def test_page_patterns_find_in_the_joined_blocks_what_each_block_holds(texts: list[str]) -> None:
    joined = Page(texts)
    for name, plain in PLAIN_BLOCK_FORMS.items():
        patterns = getattr(page, name)
        patterns = patterns if isinstance(patterns, tuple) else (patterns,)
        assert joined.flags(*patterns).tolist() == [float(re.search(plain, text) is not None) for text in texts], name


@settings(deadline=None)
@given(pages)
def test_the_words_of_all_lines_at_once_are_each_lines_own(texts: list[str]) -> None:
    assert words_of_lines(texts) == [words_of(text) for text in texts]


def brute_best_sum(values: list[float]) -> float:
    return max(sum(values[start:end + 1]) for start in range(len(values)) for end in range(start, len(values)))


@settings(deadline=None)
@given(st.lists(st.sampled_from([-4.0, 8.0, 12.0, 30.0]), min_size=1, max_size=30))
def test_main_runs_are_disjoint_and_each_holds_a_share_of_the_best(values: list[float]) -> None:
    runs = features.main_runs(np.array(values))
    best = brute_best_sum(values)
    if best <= 0:
        return
    sums = [sum(values[first:last + 1]) for first, last in runs]
    assert max(sums) == best
    assert all(total >= features.MAIN_RUN_SHARE * best for total in sums)
    assert all(previous[1] < following[0] for previous, following in zip(runs, runs[1:]))


def test_an_article_in_two_sections_has_both_as_main_runs() -> None:
    """A second section as long as the first, after a code listing, is no farther from the article than the first."""
    sizes = np.array([1, 2, 1] + [25] * 6 + [3] * 40 + [25] * 4 + [2, 1], dtype=float)
    ends = np.array([0, 0, 0] + [1] * 6 + [0] * 40 + [1] * 4 + [0, 0], dtype=float)
    distance = features.distance_to_main_run(sizes, ends)
    assert distance[3:9].tolist() == [0] * 6 and distance[49:53].tolist() == [0] * 4
    assert distance[:3].tolist() == [3, 2, 1] and distance[30] > 0


def test_a_tutorials_lines_that_open_code_with_a_colon_keep_it_one_main_run() -> None:
    """'... is the mean:' then code, again and again: the sections between are prose, not gaps before the conclusion."""
    prose = "The council said on Monday that the new library would open in the spring of next year after repairs to its old roof."
    opener = "To find the anomaly we first need to know what a reasonable value for the series is:"
    texts = [prose, prose] + [opener, "SELECT avg(n)", "FROM series;", "4.33"] * 6 + [prose] * 5
    matrix = features.line_features(texts, words_of_lines(texts))
    distance = matrix[:, features.FEATURE_NAMES.index("main_distance")]
    assert (distance == 0).all()  # one main run from the opening paragraphs to the conclusion
