"""Stop words of about 100 languages, read from the installed jusText package.

jusText (a trafilatura dependency) ships one stop list per language, built
from Wikipedia word frequencies. They are read at run time, not copied here.
A document's language is the list that covers most of its words; the share
of a line's words on that list ("stop-word density") is one of the strongest
signals that a line is prose and not navigation.
"""

from __future__ import annotations

import functools
import pkgutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import justext

# Below this share of stop words in its best language a document's language
# is unknown (CJK, Thai, code): stop-word features then carry no signal.
MIN_LANGUAGE_DENSITY = 0.1


@dataclass(frozen=True)
class StopWords:
    """Stop lists by language, and for each word the languages that list it."""

    lists: dict[str, frozenset[str]]
    languages_of: dict[str, tuple[str, ...]]

    def best_list(self, words: Iterable[str]) -> frozenset[str]:
        """The stop list that covers most of ``words`` (casefolded); empty when none fits.

        >>> stop = load_stopwords()
        >>> "und" in stop.best_list("der hund und die katze sind im haus".split())
        True
        >>> stop.best_list(["東京都", "大阪"])
        frozenset()
        """
        language = self.language(words)
        return self.lists[language] if language else frozenset()

    def language(self, words: Iterable[str]) -> str | None:
        """The name of the stop list that covers most of ``words`` (jusText's: 'English', 'German'), or None.

        >>> load_stopwords().language("der hund und die katze sind im haus".split())
        'German'
        """
        counts = Counter(words)
        total = sum(counts.values())
        hits: Counter[str] = Counter()
        for word, count in counts.items():  # distinct words: a page repeats most of its words
            for language in self.languages_of.get(word, ()):
                hits[language] += count
        if not hits:
            return None
        # Ties (a word on many lists) go to the larger list's language by name order: stable.
        language, count = max(hits.items(), key=lambda item: (item[1], len(self.lists[item[0]]), item[0]))
        return language if count >= MIN_LANGUAGE_DENSITY * total else None


@functools.cache
def load_stopwords() -> StopWords:
    """All of jusText's stop lists, loaded once per process (about 0.1 s) and never changed."""
    lists = {name: read_stoplist(name) for name in justext.get_stoplists()}
    languages: dict[str, list[str]] = {}
    for name in sorted(lists):
        for word in lists[name]:
            languages.setdefault(word, []).append(name)
    return StopWords(lists, {word: tuple(names) for word, names in languages.items()})


def read_stoplist(name: str) -> frozenset[str]:
    """jusText's stop list ``name``, casefolded: ``justext.get_stoplist`` read in one pass, not word by word."""
    data = pkgutil.get_data("justext", f"stoplists/{name}.txt")
    if data is None:  # a loader that cannot read package data
        return frozenset(word.casefold() for word in justext.get_stoplist(name))
    return frozenset(data.decode("utf-8").casefold().splitlines())
