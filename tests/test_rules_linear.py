"""Every junk rule stays linear-time on text crafted against it.

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
"""

import math
import timeit
from collections.abc import Callable
from itertools import product

import pytest

from cleanews.clean.rules import RULES, JunkRule

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


def seconds(rule: JunkRule, line: str) -> float:
    """Best of three timings of one search, each looped long enough to be measurable."""
    number = 1
    while True:
        best = min(timeit.repeat(lambda: rule.pattern.search(line), number=number, repeat=3))
        if best > 2e-3 or best > ENOUGH_SECONDS / 10:
            return best / number
        number *= 4


def growth_exponent(rule: JunkRule, make: Callable[[int], str]) -> float:
    lengths, times = [SHORTEST], [seconds(rule, make(SHORTEST))]
    for doubling in range(1, DOUBLINGS + 1):
        lengths.append(SHORTEST << doubling)
        times.append(seconds(rule, make(lengths[-1])))
        if times[-1] > ENOUGH_SECONDS:
            break
    return math.log(times[-1] / times[0]) / math.log(lengths[-1] / lengths[0])


def most_hostile(rule: JunkRule, count: int = 4) -> list[tuple[str, str, str]]:
    """The families on which one search of a short line takes longest."""
    def cost(family: tuple[str, str, str]) -> float:
        line = hostile_line(*family)(SHORTEST)
        return min(timeit.repeat(lambda: rule.pattern.search(line), number=3, repeat=2))
    return sorted(product(PREFIXES, ATOMS, TAILS), key=cost, reverse=True)[:count]


@pytest.mark.parametrize("rule", RULES, ids=[rule.name for rule in RULES])
def test_rule_time_grows_linearly_with_line_length(rule: JunkRule) -> None:
    exponents = {family: growth_exponent(rule, hostile_line(*family)) for family in most_hostile(rule)}
    worst = max(exponents, key=exponents.__getitem__)
    assert exponents[worst] < MAX_EXPONENT, f"{rule.name}: time grows as length^{exponents[worst]:.2f} on {worst!r}"


def test_the_measure_tells_quadratic_from_linear() -> None:
    """The exponent separates a known quadratic pattern from a linear one (the test above can fail)."""
    import re

    quadratic = JunkRule("quadratic", re.compile(r"^\d+\s*\d*x"), 99, "")
    linear = JunkRule("linear", re.compile(r"^\d++\s*+\d*+x"), 99, "")
    digits = hostile_line("", "1", "!")
    assert growth_exponent(quadratic, digits) > 1.7
    assert growth_exponent(linear, digits) < MAX_EXPONENT
