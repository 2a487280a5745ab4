"""Line features read the whole page at once; per line they give what a search of each line alone gives."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanews.clean import features
from cleanews.clean.features import Page

# Lines near what the patterns look for: bullets, joiners, stamps, addresses, glued words, quotes, wide spaces.
ATOMS = [" ", "\t", "\u00a0", "\u2003", "•", "|", "·", "»", "-", "a", "B", "ab", "Cd", "12:30", "2024", "1/2/2020", ".", "!", "”",
         "’", "http://x.com", "www.", "a@b.co", "@x", "東", "x.Y ", "ab.Cd ", " | ", " • "]
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
