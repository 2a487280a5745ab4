"""The line classifier: logistic regression over line features, smoothed by Viterbi.

A page is a sequence of lines; article lines come in runs. Each line gets
log-odds of being article from a logistic regression over ``features.py``;
Viterbi over two states (article, other) with a cost for every switch then
picks the best labelling of the whole page, so a short subhead inside the
story stays and a long junk line among menus goes.

Weights ship as readable JSON (``line_model.json``), written by
``benchmarks/train_line_model.py`` from the shared training pages only.
Inference is one matrix product and an O(n) dynamic programme.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

from cleanews.clean.block_features import HTML_FEATURE_NAMES
from cleanews.clean.features import FEATURE_NAMES, max_sum_run
from cleanews.errors import CleanewsError

MODEL_FILE = "line_model.json"


class ModelError(CleanewsError):
    """The model file does not fit this version of the code."""


@dataclass(frozen=True)
class LineModel:
    """One trained classifier: standardisation, weights, and the smoothing costs.

    - ``switch_cost``: log-odds a labelling pays for each switch between
      article and other; higher gives fewer, longer runs.
    - ``edge_cost``: what starting or ending the page inside the article
      costs; positive when pages begin and end with furniture (raw pages),
      zero for text an extractor already cut down.
    - ``removal_margin``: (HTML pages) a block the extractor kept is removed
      only when its log-odds are below minus this; infinite for text.
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    switch_cost: float
    edge_cost: float
    removal_margin: float = float("inf")

    def log_odds(self, matrix: np.ndarray) -> np.ndarray:
        return ((matrix - self.mean) / self.scale) @ self.weights + self.bias

    def strongest_against(self, matrix: np.ndarray) -> list[str]:
        """For each line (row), the feature that pushed it furthest towards 'other': a removal's reason."""
        contributions = ((matrix - self.mean) / self.scale) * self.weights
        return [self.features[index] for index in np.argmin(contributions, axis=1)]

    def decode(self, log_odds: np.ndarray, sizes: np.ndarray) -> np.ndarray:
        """Kept (True) or not for each line: the best path of the two-state chain.

        When that keeps almost nothing (a page the model finds no article
        in), the best-scoring run of lines is kept instead: an extractor that
        returns nothing is worse than one that returns its best guess.
        """
        keep = viterbi(log_odds, self.switch_cost, self.edge_cost)
        if sizes[keep].sum() < MIN_KEPT_WORDS:
            keep = best_run(log_odds)
        return keep


# Fewer kept words than this and the page falls back to its best run.
MIN_KEPT_WORDS = 50


def best_run(log_odds: np.ndarray) -> np.ndarray:
    """The contiguous run of lines with the highest total log-odds (Kadane).

    >>> best_run(np.array([-1.0, 0.5, -0.2, 0.6, -3.0])).tolist()
    [False, True, True, True, False]
    """
    best_start, best_end = max_sum_run(log_odds)
    keep = np.zeros(len(log_odds), dtype=bool)
    keep[best_start : best_end + 1] = True
    return keep


def viterbi(log_odds: np.ndarray, switch_cost: float, edge_cost: float = 0.0) -> np.ndarray:
    """Best article/other labelling: sum of chosen lines' log-odds minus switch costs.

    Keeping a line earns its log-odds, dropping it earns nothing; every change
    of state costs ``switch_cost``; being in the article at either edge costs
    ``edge_cost``.

    >>> viterbi(np.array([-3.0, 4.0, -0.5, 4.0, -3.0]), switch_cost=1.0).tolist()
    [False, True, True, True, False]
    >>> viterbi(np.array([-3.0, 4.0, -5.0, 4.0, -3.0]), switch_cost=1.0).tolist()
    [False, True, False, True, False]
    """
    n = len(log_odds)
    if n == 0:
        return np.zeros(0, dtype=bool)
    # Python floats, not NumPy scalars: the same arithmetic, several times faster per step.
    scores = log_odds.tolist()
    # other/article = best score of a path ending in that state; back[i] = previous states.
    other, article = 0.0, scores[0] - edge_cost
    back: list[tuple[int, int]] = [(0, 0)]
    for score in scores[1:]:
        from_article, from_other = article - switch_cost, other - switch_cost
        back.append((0 if other >= from_article else 1, 1 if article >= from_other else 0))
        other, article = max(other, from_article), max(article, from_other) + score
    state = 1 if article - edge_cost > other else 0
    path = np.zeros(n, dtype=bool)
    for index in range(n - 1, -1, -1):
        path[index] = bool(state)
        state = back[index][state]
    return path


def model_from_dict(data: dict, expected_features: tuple[str, ...]) -> LineModel:
    """A LineModel from its JSON form; the feature names must match the code's."""
    names = tuple(feature["name"] for feature in data["features"])
    if names != expected_features:
        raise ModelError(f"model features {names} do not match the code's {expected_features}; retrain the model")
    column = lambda key: np.array([float(feature[key]) for feature in data["features"]])  # noqa: E731
    return LineModel(
        features=names,
        mean=column("mean"),
        scale=column("scale"),
        weights=column("weight"),
        bias=float(data["bias"]),
        switch_cost=float(data["switch_cost"]),
        edge_cost=float(data["edge_cost"]),
        removal_margin=float(data.get("removal_margin", "inf")),
    )


@functools.cache
def load_models() -> dict[str, dict]:
    """The shipped model file, parsed once per process (read-only afterwards)."""
    text = resources.files("cleanews.clean").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return json.loads(text)["models"]


# The features each shipped model reads: "text" judges the lines of scraped
# text, "html" the blocks of an HTML page.
MODEL_FEATURES: dict[str, tuple[str, ...]] = {"text": FEATURE_NAMES, "html": HTML_FEATURE_NAMES}


@functools.cache
def load_model(name: str) -> LineModel:
    """A shipped model by name ("text": whole scraped pages; "html": blocks of HTML pages)."""
    models = load_models()
    if name not in models or name not in MODEL_FEATURES:
        raise ModelError(f"no model {name!r} in {MODEL_FILE}; it has {', '.join(sorted(models))}")
    return model_from_dict(models[name], MODEL_FEATURES[name])
