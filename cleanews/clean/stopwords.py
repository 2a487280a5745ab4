"""Stop words of about 100 languages, read from the installed jusText package.

jusText (a trafilatura dependency) ships one stop list per language, built
from Wikipedia word frequencies. They are read at run time, not copied here.
A document's language is the list that covers most of its words; the share
of a line's words on that list ("stop-word density") is one of the strongest
signals that a line is prose and not navigation.
"""

from __future__ import annotations

import functools
import itertools
import pkgutil
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import justext
import numpy as np

# Below this share of stop words in its best language a document's language
# is unknown (CJK, Thai, code): stop-word features then carry no signal.
MIN_LANGUAGE_DENSITY = 0.1


@dataclass(frozen=True)
class StopWords:
    """Stop lists by language, and for each word the languages that list it.

    The languages of a word are a slice of ``language_ids``: those of the
    word numbered ``i`` in ``word_ids`` run from ``offsets[i]`` to
    ``offsets[i + 1]``, so a document's vote is counted in NumPy, not word
    by word and language by language.
    """

    lists: dict[str, frozenset[str]]
    names: tuple[str, ...]  # the languages, in name order: language_ids index this
    word_ids: dict[str, int]
    offsets: np.ndarray
    language_ids: np.ndarray

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
        return self.on_best_list(list(words))[0]

    def on_best_list(self, words: Sequence[str]) -> tuple[str | None, np.ndarray]:
        """The language of ``words`` (as ``language``), and for each word whether its stop list holds it.

        >>> load_stopwords().on_best_list("der hund und die katze".split())
        ('German', array([ True, False,  True,  True, False]))
        """
        counts = Counter(words)  # distinct words: a page repeats most of its words
        # The listed ones found by one set intersection in C: a lookup a word in the large index costs more.
        listed = counts.keys() & self.word_ids.keys()
        ids = np.fromiter(map(self.word_ids.__getitem__, listed), dtype=np.int64, count=len(listed))
        language = self.winner(ids, np.fromiter(map(counts.__getitem__, listed), dtype=np.int64, count=len(listed)), len(words))
        if language is None:
            return None, np.zeros(len(words), dtype=bool)
        return language, np.fromiter(map(self.lists[language].__contains__, words), dtype=bool, count=len(words))

    def winner(self, ids: np.ndarray, counts: np.ndarray, total: int) -> str | None:
        """The language with most hits of the words numbered ``ids`` (seen ``counts`` times), if it covers enough of ``total``.

        Hits are whole numbers, so the order of the words does not change them.
        """
        starts = self.offsets[ids]
        spans = self.offsets[ids + 1] - starts
        # Every (word, language) pair: the languages of each word in turn, weighted by its count.
        pairs = np.repeat(starts - np.cumsum(spans) + spans, spans) + np.arange(spans.sum())
        hits = np.bincount(self.language_ids[pairs], weights=np.repeat(counts, spans), minlength=len(self.names))
        best = hits.max()
        if best == 0 or best < MIN_LANGUAGE_DENSITY * total:
            return None
        # Ties (a word on many lists) go to the larger list's language by name order: stable.
        tied = [self.names[index] for index in np.flatnonzero(hits == best)]
        return max(tied, key=lambda name: (len(self.lists[name]), name))


@functools.cache
def load_stopwords() -> StopWords:
    """All of jusText's stop lists, loaded once per process (about 0.1 s) and never changed.

    The word -> languages index is built in bulk (every word of every list in
    one sequence, numbered by one dict, grouped by one stable sort), not
    word by word: that cost a process 0.3 s of CPU at its start.
    """
    lists = {name: read_stoplist(name) for name in justext.get_stoplists()}
    names = tuple(sorted(lists))
    words = [word for name in names for word in lists[name]]  # by language, in name order
    word_ids = dict(zip(dict.fromkeys(words), itertools.count()))
    ids = np.fromiter(map(word_ids.__getitem__, words), dtype=np.int64, count=len(words))
    languages = np.repeat(np.arange(len(names), dtype=np.int64), [len(lists[name]) for name in names])
    # Each word's languages together, in name order (a stable sort keeps it).
    language_ids = languages[np.argsort(ids, kind="stable")]
    offsets = np.concatenate([[0], np.cumsum(np.bincount(ids, minlength=len(word_ids)))])
    return StopWords(lists, names, word_ids, offsets, language_ids)


def read_stoplist(name: str) -> frozenset[str]:
    """jusText's stop list ``name``, casefolded: ``justext.get_stoplist`` read in one pass, not word by word."""
    data = pkgutil.get_data("justext", f"stoplists/{name}.txt")
    if data is None:  # a loader that cannot read package data
        return frozenset(word.casefold() for word in justext.get_stoplist(name))
    return frozenset(data.decode("utf-8").casefold().splitlines())
