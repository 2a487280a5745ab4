"""Train the line classifier shipped in cleanews/clean/line_model.json.

    python benchmarks/train_line_model.py                 # cross-validate, then write the model
    python benchmarks/train_line_model.py --no-write      # cross-validate only

Data: the shared pages (/work/shared/data/clean/*.jsonl.gz, or --data DIR),
never copied into the repository. Each page's lines are labelled by the
benchmark's own unit: a word is article when a word 4-gram through it occurs
in the gold text, and a line is article when most of its words are.

Honest numbers: every score printed is on pages the model did not see.
- cross-set: train on scrapinghub, score on readability, and the reverse;
- grouped k-fold over both sets together, grouped by host, so one site's
  template is never on both sides.
The switch cost of the smoothing is chosen inside the training folds only.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from cleanews.bench import score_text, summarise
from cleanews.clean.features import FEATURE_NAMES, line_features
from cleanews.clean.lines import clean_lines, join_wrapped, split_lines
from cleanews.clean.model import MODEL_FILE, LineModel

DATA = Path("/work/shared/data/clean")
SETS = ("scrapinghub", "readability")
WORD = re.compile(r"\w+")
L2 = 1.0  # ridge penalty on standardised weights
# Raw pages begin and end with navigation: starting inside the article costs this.
TEXT_EDGE_COST = 1.0
SWITCH_COSTS = (0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0)


@dataclass
class Page:
    """One training page: its lines' features, labels and weights."""

    set_name: str
    id: str
    group: str
    texts: list[str]
    matrix: np.ndarray
    labels: np.ndarray  # 1 article, 0 other
    sizes: np.ndarray  # words per line
    gold: str


def host_group(set_name: str, record: dict) -> str:
    """Pages of one site share a group: the URL's host, or the readability test's name stem."""
    host = urlsplit(record.get("url") or "").netloc.removeprefix("www.")
    stem = re.sub(r"-\d+$", "", record["id"])
    return f"{set_name}:{host or stem}"


def word_labels(texts: Sequence[str], gold: str) -> np.ndarray:
    """Share of each line's words covered by a word 4-gram that occurs in the gold text."""
    gold_words = WORD.findall(gold)
    gold_grams = {tuple(gold_words[i : i + 4]) for i in range(len(gold_words) - 3)}
    words, owner = [], []
    for index, text in enumerate(texts):
        for word in WORD.findall(text):
            words.append(word)
            owner.append(index)
    covered = np.zeros(len(words), dtype=bool)
    for start in range(len(words) - 3):
        if tuple(words[start : start + 4]) in gold_grams:
            covered[start : start + 4] = True
    hits, totals = np.zeros(len(texts)), np.zeros(len(texts))
    np.add.at(totals, owner, 1)
    np.add.at(hits, owner, covered)
    return hits / np.maximum(totals, 1)


def text_pages(set_name: str, records: Sequence[dict], sources: Sequence[str] | None = None) -> list[Page]:
    """Pages as the cleaner sees them: the naive scraper's ``page_text``, or ``sources`` (an extractor's output)."""
    pages = []
    for index, record in enumerate(records):
        lines = join_wrapped(split_lines(record["page_text"] if sources is None else sources[index]))
        texts = [line.text for line in lines]
        words = [line.words for line in lines]
        pages.append(Page(
            set_name=set_name,
            id=record["id"],
            group=host_group(set_name, record),
            texts=texts,
            matrix=line_features(texts, words),
            labels=(word_labels(texts, record["gold"]) >= 0.5).astype(float),
            sizes=np.array([len(w) for w in words], dtype=float),
            gold=record["gold"],
        ))
    return pages


def read_records(data: Path, set_name: str) -> list[dict]:
    with gzip.open(data / f"{set_name}.jsonl.gz", "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def fit_logistic(matrix: np.ndarray, labels: np.ndarray, weights: np.ndarray, l2: float = L2) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Weighted ridge logistic regression by Newton's method on standardised features."""
    mean = np.average(matrix, axis=0, weights=weights)
    scale = np.sqrt(np.average((matrix - mean) ** 2, axis=0, weights=weights))
    scale[scale < 1e-9] = 1.0
    design = np.column_stack([(matrix - mean) / scale, np.ones(len(matrix))])
    beta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    weights = weights / weights.sum() * len(weights)
    for _ in range(50):
        prob = 1 / (1 + np.exp(-(design @ beta)))
        gradient = design.T @ (weights * (prob - labels)) + penalty * beta
        hessian = (design * (weights * prob * (1 - prob))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return mean, scale, beta[:-1], float(beta[-1])


def line_weights(pages: Sequence[Page]) -> np.ndarray:
    """Each page weighs the same in total (the metric averages pages); within it, lines by words."""
    parts = []
    for page in pages:
        size = page.sizes + 1.0
        parts.append(size / size.sum())
    return np.concatenate(parts)


def train(pages: Sequence[Page], edge_cost: float, switch_costs: Sequence[float] = SWITCH_COSTS) -> LineModel:
    """Fit weights on ``pages``; pick the switch cost by an inner split of the same pages."""
    mean, scale, weights, bias = fit_logistic(
        np.vstack([p.matrix for p in pages]), np.concatenate([p.labels for p in pages]), line_weights(pages)
    )
    model = LineModel(FEATURE_NAMES, mean, scale, weights, bias, switch_cost=0.0, edge_cost=edge_cost)
    best = max(switch_costs, key=lambda cost: f1_of(pages, with_costs(model, cost)))
    return with_costs(model, best)


def with_costs(model: LineModel, switch_cost: float) -> LineModel:
    return LineModel(model.features, model.mean, model.scale, model.weights, model.bias, switch_cost, model.edge_cost)


def predict(page: Page, model: LineModel) -> str:
    """The page as the text-mode cleaner makes it with ``model``: classifier, rules and all."""
    return "\n".join(clean_lines("\n".join(page.texts), model=model).lines)


def classifier_only(page: Page, model: LineModel) -> str:
    keep = model.decode(model.log_odds(page.matrix), page.sizes)
    return "\n".join(text for text, kept in zip(page.texts, keep) if kept)


def f1_of(pages: Sequence[Page], model: LineModel) -> float:
    return summarise([score_text(classifier_only(page, model), page.gold) for page in pages]).f1


def report(title: str, pages: Sequence[Page], predictions: Sequence[str]) -> None:
    s = summarise([score_text(text, page.gold) for text, page in zip(predictions, pages)])
    print(f"{title:<44} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  docF1 {s.mean_doc_f1:.3f}  ({s.documents} pages)")


def grouped_folds(pages: Sequence[Page], folds: int) -> list[list[int]]:
    """Page indices per fold; all pages of a group land in the same fold (by group hash)."""
    out: list[list[int]] = [[] for _ in range(folds)]
    for index, page in enumerate(pages):
        out[int(hashlib.sha256(page.group.encode()).hexdigest(), 16) % folds].append(index)
    return out


def cross_validate(sets: dict[str, list[Page]], make: Callable[[Sequence[Page]], LineModel], folds: int) -> None:
    for train_name, test_name in ((SETS[0], SETS[1]), (SETS[1], SETS[0])):
        model = make(sets[train_name])
        report(f"train {train_name}, score {test_name}", sets[test_name], [predict(p, model) for p in sets[test_name]])
    pages = [page for name in SETS for page in sets[name]]
    predictions: dict[int, str] = {}
    for fold in grouped_folds(pages, folds):
        held = set(fold)
        model = make([p for i, p in enumerate(pages) if i not in held])
        predictions.update({i: predict(pages[i], model) for i in fold})
    for name in SETS:
        indices = [i for i, p in enumerate(pages) if p.set_name == name]
        report(f"{folds}-fold by host, score {name}", [pages[i] for i in indices], [predictions[i] for i in indices])


def model_json(model: LineModel, trained_on: str) -> dict:
    return {
        "features": [
            {"name": name, "mean": round(float(m), 6), "scale": round(float(s), 6), "weight": round(float(w), 6)}
            for name, m, s, w in zip(model.features, model.mean, model.scale, model.weights)
        ],
        "bias": round(model.bias, 6),
        "switch_cost": model.switch_cost,
        "edge_cost": model.edge_cost,
        "trained_on": trained_on,
    }


def data_digest(data: Path) -> str:
    digest = hashlib.sha256()
    for name in SETS:
        digest.update((data / f"{name}.jsonl.gz").read_bytes())
    return digest.hexdigest()[:16]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="cross-validate only")
    args = parser.parse_args(argv)
    sets = {name: text_pages(name, read_records(args.data, name)) for name in SETS}
    make = lambda pages: train(pages, edge_cost=TEXT_EDGE_COST)  # noqa: E731
    cross_validate(sets, make, args.folds)
    if not args.no_write:
        model = make([page for name in SETS for page in sets[name]])
        write_models({"text": model_json(model, "scrapinghub+readability page_text")}, data_digest(args.data))
    return 0


def write_models(models: dict[str, dict], digest: str) -> None:
    path = Path(__file__).resolve().parent.parent / "cleanews" / "clean" / MODEL_FILE
    document = {
        "format": 1,
        "about": "Line classifier weights written by benchmarks/train_line_model.py; "
        "log-odds = sum(weight * (value - mean) / scale) + bias, then Viterbi with switch_cost and edge_cost.",
        "data_sha256": digest,
        "models": models,
    }
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
