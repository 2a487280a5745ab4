"""Every junk rule, every line feature and the joining of lines stay linear-time on text crafted against them.

A backtracking regex can need time quadratic (or worse) in the length of a
line it fails on: ``\\d+\\s*\\d*`` on a run of digits tries every split. One
such line in a corpus stalls a worker. So each rule's pattern is searched in
hostile lines of growing length: runs of what patterns repeat (digits,
spaces, punctuation, cue words) behind the cues that get a pattern past its
anchor, with and without a tail that makes the match fail at the end. The
test measures how time grows with length, as an exponent fitted between the
shortest and the longest line (1 linear, 2 quadratic): a ratio of times
measured side by side, not a wall-clock limit.

The patterns are tested bare, not behind their word limits, so the proof
does not lean on callers normalising whitespace or counting words first.
The line features are tested as the classifier computes them, on a page of
ordinary lines with one hostile line; the joining of hard-wrapped lines on
pages of growing numbers of lines.
"""

import math
import timeit
from collections.abc import Callable
from itertools import product

import pytest

from cleanews.clean.features import line_features
from cleanews.clean.lines import WORD, Line, join_across_removed, join_wrapped, split_lines
from cleanews.clean.rules import RULES, JunkRule

Search = Callable[[str], object]

ATOMS = ["1", "1 ", " ", "\t", "a", "a ", "ab", "-", "- ", " -", ":", ".", ". ", ",", "|", "/", "–", "»", "©", "s",
         "x", "1-", "1 -", " to ", "min ", "read ", "share ", "photo ", "cookie ", "we use ", "more ", "(c) "]
PREFIXES = ["", "4 ", "4 min read", "read time ", "lesezeit ", "related", "more from ", "read more", "share", "subscribe",
            "advertisement", "cookies ", "we use ", "© ", "source: ", "photo:", "photo by ", "getty images"]
TAILS = ["", " x!", "\x00"]
SHORTEST = 250
DOUBLINGS = 5  # up to 8,000 characters
# Stop lengthening a family once one search takes this long: its exponent is already clear.
ENOUGH_SECONDS = 0.05
MAX_EXPONENT = 1.4  # linear searches measure 0.8-1.1 here; a quadratic one 1.7-2


def hostile_line(prefix: str, atom: str, tail: str) -> Callable[[int], str]:
    return lambda length: prefix + atom * (length // len(atom)) + tail


def seconds(search: Search, line: str) -> float:
    """Best of three timings of one call, each looped long enough to be measurable."""
    number = 1
    while True:
        best = min(timeit.repeat(lambda: search(line), number=number, repeat=3))
        if best > 2e-3 or best > ENOUGH_SECONDS / 10:
            return best / number
        number *= 4


def growth_exponent(search: Search, make: Callable[[int], str], shortest: int = SHORTEST) -> float:
    lengths, times = [shortest], [seconds(search, make(shortest))]
    for doubling in range(1, DOUBLINGS + 1):
        lengths.append(shortest << doubling)
        times.append(seconds(search, make(lengths[-1])))
        if times[-1] > ENOUGH_SECONDS:
            break
    return math.log(times[-1] / times[0]) / math.log(lengths[-1] / lengths[0])


def most_hostile(search: Search, families: list[tuple[str, str, str]], count: int = 4) -> list[tuple[str, str, str]]:
    """The families on which one call on a short line takes longest."""
    def cost(family: tuple[str, str, str]) -> float:
        line = hostile_line(*family)(SHORTEST)
        return min(timeit.repeat(lambda: search(line), number=3, repeat=2))
    return sorted(families, key=cost, reverse=True)[:count]


def confirmed_exponent(search: Search, make: Callable[[int], str], shortest: int = SHORTEST) -> float:
    """The growth exponent; one over the limit is measured twice more and the lowest kept.

    A super-linear search measures high every time; a burst of load on a
    shared machine makes one measurement high now and then.
    """
    exponent = growth_exponent(search, make, shortest)
    for _ in range(2):
        if exponent < MAX_EXPONENT:
            break
        exponent = min(exponent, growth_exponent(search, make, shortest))
    return exponent


def worst_growth(search: Search, families: list[tuple[str, str, str]], shortest: int = SHORTEST) -> tuple[float, tuple[str, str, str]]:
    exponents = {family: confirmed_exponent(search, hostile_line(*family), shortest) for family in most_hostile(search, families)}
    worst = max(exponents, key=exponents.__getitem__)
    return exponents[worst], worst


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_rule_time_grows_linearly_with_line_length(rule: JunkRule) -> None:
    exponent, family = worst_growth(rule.pattern.search, list(product(PREFIXES, ATOMS, TAILS)))
    assert exponent < MAX_EXPONENT, f"{rule.name}: time grows as length^{exponent:.2f} on {family!r}"


# What the line features' patterns look for: addresses, handles, stamps, dates, glued words, sentence marks, quotes.
FEATURE_ATOMS = [*ATOMS, "a.", ".a", "a@", "@", "@a ", "a+", "1:", "1:1", "1/", "1.", "19", "2024 ", "aA", "aa.A", "'", ".'",
                 "\"", "“", "•", " | ", "› ", "http", "www.", ".com", "、", "東"]
FEATURE_PREFIXES = ["", "www.", "http://", "@", "a@b.c ", "2024 ", "12:30 ", "• "]
ORDINARY_LINES = ["Home", "News", "Sport", "The council met on Monday to discuss the plan for the new bridge.",
                  "Officials said the work would start in the spring.", "Share this article"]


# A page's fixed cost (a dozen NumPy columns) hides growth in a short line: start longer.
FEATURE_SHORTEST = 1000


def page_features(line: str) -> object:
    """The feature matrix of an ordinary page with ``line`` in the middle of it."""
    texts = [*ORDINARY_LINES[:3], line, *ORDINARY_LINES[3:]]
    return line_features(texts, [[word.casefold() for word in WORD.findall(text)] for text in texts])


def test_line_features_grow_linearly_with_line_length() -> None:
    exponent, family = worst_growth(page_features, list(product(FEATURE_PREFIXES, FEATURE_ATOMS, TAILS)), FEATURE_SHORTEST)
    assert exponent < MAX_EXPONENT, f"line features: time grows as length^{exponent:.2f} on {family!r}"


def test_an_address_run_does_not_make_the_link_feature_quadratic() -> None:
    """The reported case: a run of 'a.' (an e-mail address that never reaches its '@')."""
    assert confirmed_exponent(page_features, hostile_line("", "a.", ""), shortest=FEATURE_SHORTEST) < MAX_EXPONENT


# Pages of hard-wrapped lines that all continue the one before (lowercase start, no sentence end).
WRAPPED_PAGES = [("", "and more words\n", ""), ("", "x\n", ""), ("Start\n", "and so on\nAdvertisement\n", "")]


def join_page(text: str) -> list[Line]:
    lines = join_wrapped(split_lines(text))
    for line in lines:
        line.rule = "advertisement" if line.text == "Advertisement" else None
    return join_across_removed(lines)


@pytest.mark.parametrize("family", WRAPPED_PAGES, ids=["words", "letters", "interrupted"])
def test_joining_wrapped_lines_grows_linearly_with_the_page(family: tuple[str, str, str]) -> None:
    assert confirmed_exponent(join_page, hostile_line(*family)) < MAX_EXPONENT


def test_the_measure_tells_quadratic_from_linear() -> None:
    """The exponent separates a known quadratic pattern from a linear one (the tests above can fail)."""
    import re

    quadratic = re.compile(r"^\d+\s*\d*x")
    linear = re.compile(r"^\d++\s*+\d*+x")
    digits = hostile_line("", "1", "!")
    assert growth_exponent(quadratic.search, digits) > 1.7
    assert growth_exponent(linear.search, digits) < MAX_EXPONENT
