"""Train the page-type and confidence models shipped in cleanews/clean/page_model.json.

    python benchmarks/train_page_model.py                # cross-validate, then write the models
    python benchmarks/train_page_model.py --no-write     # cross-validate only

Data: the WCXB development split (``wcxb-dev.jsonl.gz`` in --data; WCXB, a
2026 web-content extraction benchmark, CC-BY-4.0), whose pages carry a
``page_type``; WCXB's ``collection`` counts as ``listing``. The shipped
line models saw wcxb-dev, so each page is cleaned once in both modes by
out-of-fold line models instead: the models of ``train_line_model.py``'s
host-grouped folds, each fitted on the other folds of all three sets
(their pages built, or read, in --cache), so a page's cleaning, its F1 and
its confidence are those of a site the line models never saw, as on a
user's pages. What the page models read of each page is cached in --cache,
keyed by the data and the cleaner's code (not ``page.py``: its features
are computed from the cached views at fit time), so later runs only refit.

Both models read each feature as two terms (``page.terms``): its value and
its part above a knot, the training pages' median of it.

- page type: softmax regression;
- confidence: ridge regression of the cleaned text's word F1 (bag of
  words against the gold text), then a monotone calibration map from its
  estimate to the measured F1, fitted on the estimates of an inner
  cross-validation grouped by host (each training page estimated by a
  ridge that did not see its site), clipped to [0, 1].

Every figure printed is from 5-fold cross-validation grouped by host: no
page is scored by a model that saw a page of its site. The softmax's
penalty is chosen inside each fit (an inner grouped cross-validation of its
training pages), the ridge's is fixed: neither is tuned on the scored folds.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import pickle
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from cleanews.bench import word_f1
from cleanews.clean import clean_body
from cleanews.clean.model import LineModel
from cleanews.clean.page import PAGE_FEATURE_NAMES, PAGE_MODEL_FILE, PAGE_MODEL_FORMAT, PAGE_TYPES, PageView, terms
from cleanews.config import CleanConfig
from cleanews.document import Document

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_line_model as line_trainer  # noqa: E402  (the sibling training script: its folds and models)

DATA = Path("/work/shared/data/clean")
CACHE = Path("/tmp/quality-cache")
SET = "wcxb-dev"
MODES = ("html", "text")
FOLDS = 5
# Ridge penalties of the softmax tried (on standardised features, against the summed log-loss): each fit
# takes the one whose held-out pages of an inner grouped cross-validation are likeliest (``chosen_type_l2``).
TYPE_L2_GRID = (1.0, 3.0, 10.0, 30.0, 100.0)
CONFIDENCE_L2 = 10.0
CALIBRATION_BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01)
CALIBRATION_KNOTS = 20  # equal-count bins of the estimates, pooled where they would fall


def page_type_label(record: dict) -> str:
    return "listing" if record["page_type"] == "collection" else record["page_type"]


def host(record: dict) -> str:
    return line_trainer.host_group(SET, record)


def fold_of(group: str) -> int:
    return line_trainer.fold_of(group, FOLDS)


def fold_line_models(data: Path, cache: Path, jobs: int) -> list[dict[str, LineModel]]:
    """Per fold, both modes' line models fitted on the pages of all three sets outside it (``train_line_model.fold_models``)."""
    per_mode = {mode: line_trainer.fold_models(mode, data, cache, jobs, FOLDS) for mode in MODES}
    return [{mode: models[fold] for mode, models in per_mode.items()} for fold in range(FOLDS)]


def view_of(record: dict, models: dict[str, LineModel]) -> dict[str, tuple[PageView, float]]:
    """Both modes' page views of one record, cleaned with ``models``, and the word F1 of each mode's cleaned text."""
    out = {}
    for mode, doc in (("html", Document(id=record["id"], text="", html=record["html"], url=record["url"])),
                      ("text", Document(id=record["id"], text=record["page_text"], url=record["url"]))):
        if not (doc.text.strip() or (doc.html or "").strip()):
            continue  # a page saved without its text (21 wcxb-dev forum pages): a run rejects it as empty, so no view
        cleaned, view = clean_body(doc, CleanConfig(mode=mode), models[mode])
        out[mode] = (view, word_f1(cleaned.text, record["gold"]))
    return out


def read_records(data: Path) -> Iterator[dict]:
    with gzip.open(data / f"{SET}.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def cached_pages(data: Path, cache: Path, jobs: int, cached_only: bool = False) -> list[dict]:
    """Per page: type, host and both modes' views and F1, each computed once and appended to ``cache``.

    Each page is cleaned by the line models of its fold (``fold_line_models``).
    Pages are cleaned in a fixed shuffled order (by a hash of the id), so an
    interrupted run leaves a sample of every type, and the next run goes on
    where it stopped; ``cached_only`` fits on what is there.
    """
    # The views depend on what the fold models do: the data and the cleaner's code, but page.py.
    path = cache / f"{SET}-pages-{line_trainer.training_digest(data)}.pickle"
    pages = list(read_cache(path))
    if cached_only:
        return pages
    models = fold_line_models(data, cache, jobs)
    done = {page["id"] for page in pages}
    records = sorted((r for r in read_records(data) if r["id"] not in done), key=lambda r: hashlib.sha256(r["id"].encode()).digest())
    judges = [models[fold_of(host(record))] for record in records]
    with ProcessPoolExecutor(jobs) as pool, path.open("ab") as out:
        for record, views in zip(records, pool.map(view_of, records, judges, chunksize=4), strict=True):
            page = {"type": page_type_label(record), "group": host(record), "id": record["id"], **views}
            pickle.dump(page, out)
            out.flush()
            pages.append(page)
    return pages


def read_cache(path: Path) -> Iterator[dict]:
    if not path.exists():
        return
    with path.open("rb") as handle:
        while True:
            try:
                yield pickle.load(handle)
            except EOFError:  # the end, or a page cut off by an interrupted run
                return


def standardise(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return mean, scale


def fit_softmax(design: np.ndarray, labels: np.ndarray, l2: float, steps: int = 3000) -> tuple[np.ndarray, np.ndarray]:
    """Ridge softmax regression by gradient descent (design already standardised).

    Classes keep their natural weights: balancing them raised article
    precision (0.91 against 0.84) but cost more recall (0.81 against 0.89)
    in grouped CV on the first 540 pages.
    """
    onehot = np.eye(len(PAGE_TYPES))[labels]
    weights, bias = np.zeros((design.shape[1], len(PAGE_TYPES))), np.zeros(len(PAGE_TYPES))
    rate = 0.5
    for _ in range(steps):
        error = (softmax_probabilities(design, weights, bias) - onehot) / len(labels)
        weights -= rate * (design.T @ error + l2 * weights / len(labels))
        bias -= rate * error.sum(axis=0)
    return weights, bias


def softmax_probabilities(design: np.ndarray, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    scores = design @ weights + bias
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    return scores / scores.sum(axis=1, keepdims=True)


def chosen_type_l2(design: np.ndarray, labels: np.ndarray, groups: np.ndarray) -> float:
    """The penalty of TYPE_L2_GRID under which softmaxes fitted on the other folds (grouped by host) give the held-out pages' types the highest likelihood."""
    folds = np.array([fold_of(group) for group in groups])
    def held_out_log_likelihood(l2: float) -> float:
        total = 0.0
        for fold in np.unique(folds):
            held = folds == fold
            probabilities = softmax_probabilities(design[held], *fit_softmax(design[~held], labels[~held], l2))
            total += np.log(probabilities[np.arange(held.sum()), labels[held]] + 1e-12).sum()
        return total
    return max(TYPE_L2_GRID, key=held_out_log_likelihood)


def fit_ridge(design: np.ndarray, target: np.ndarray, l2: float = CONFIDENCE_L2) -> tuple[np.ndarray, float]:
    centre = target.mean()
    weights = np.linalg.solve(design.T @ design + l2 * np.eye(design.shape[1]), design.T @ (target - centre))
    return weights, float(centre)


def ridge_estimates(matrix: np.ndarray, f1: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each page's confidence estimate from a ridge fitted on the pages of the other folds (grouped by host)."""
    folds = np.array([fold_of(group) for group in groups])
    estimates = np.zeros(len(f1))
    for fold in np.unique(folds):
        held = folds == fold
        mean, scale = standardise(matrix[~held])
        weights, bias = fit_ridge((matrix[~held] - mean) / scale, f1[~held])
        estimates[held] = ((matrix[held] - mean) / scale) @ weights + bias
    return estimates


def calibration_knots(estimates: np.ndarray, measured: np.ndarray, knots: int = CALIBRATION_KNOTS) -> list[tuple[float, float]]:
    """A monotone map from estimate to measured F1: equal-count bins, then adjacent bins pooled where F1 would fall.

    >>> calibration_knots(np.array([0.1, 0.2, 0.3, 0.4]), np.array([0.3, 0.1, 0.5, 0.9]), knots=4)
    [(0.15, 0.2), (0.3, 0.5), (0.4, 0.9)]
    """
    pooled: list[tuple[float, float, int]] = []
    for part in np.array_split(np.argsort(estimates), knots):
        point = (float(estimates[part].mean()), float(measured[part].mean()), len(part))
        while pooled and pooled[-1][1] > point[1]:
            x, y, n = pooled.pop()
            point = ((x * n + point[0] * point[2]) / (n + point[2]), (y * n + point[1] * point[2]) / (n + point[2]), n + point[2])
        pooled.append(point)
    return [(round(x, 4), round(y, 4)) for x, y, _ in pooled]


def fit(features: np.ndarray, labels: np.ndarray, f1: np.ndarray, groups: np.ndarray) -> dict:
    knots = np.median(features, axis=0)
    matrix = terms(features, knots)
    mean, scale = standardise(matrix)
    design = (matrix - mean) / scale
    type_l2 = chosen_type_l2(design, labels, groups)
    type_weights, type_bias = fit_softmax(design, labels, type_l2)
    confidence_weights, confidence_bias = fit_ridge(design, f1)
    return {"knots": knots, "mean": mean, "scale": scale, "type_l2": type_l2, "type_weights": type_weights, "type_bias": type_bias,
            "confidence_weights": confidence_weights, "confidence_bias": confidence_bias,
            "calibration": calibration_knots(ridge_estimates(matrix, f1, groups), f1)}


def predict(model: dict, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    design = (terms(features, model["knots"]) - model["mean"]) / model["scale"]
    types = np.argmax(design @ model["type_weights"] + model["type_bias"], axis=1)
    estimates = design @ model["confidence_weights"] + model["confidence_bias"]
    knots = np.array(model["calibration"])
    return types, np.clip(np.interp(estimates, knots[:, 0], knots[:, 1]), 0.0, 1.0)


def cross_validate(matrix: np.ndarray, labels: np.ndarray, f1: np.ndarray, groups: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Page types and calibrated confidences, each page's from models (and a calibration) that never saw its site."""
    groups = np.array(groups)
    folds = np.array([fold_of(group) for group in groups])
    types, confidence = np.zeros(len(labels), dtype=int), np.zeros(len(labels))
    penalties = []
    for fold in range(FOLDS):
        held = folds == fold
        model = fit(matrix[~held], labels[~held], f1[~held], groups[~held])
        types[held], confidence[held] = predict(model, matrix[held])
        penalties.append(model["type_l2"])
    print(f"  softmax penalties chosen per fold: {', '.join(f'{l2:g}' for l2 in penalties)}")
    return types, confidence


def report(mode: str, labels: np.ndarray, types: np.ndarray, f1: np.ndarray, confidence: np.ndarray) -> None:
    article = PAGE_TYPES.index("article")
    called, truly = types == article, labels == article
    precision = (called & truly).sum() / max(called.sum(), 1)
    recall = (called & truly).sum() / max(truly.sum(), 1)
    print(f"\n{mode} mode, {FOLDS}-fold by host, {len(labels)} pages")
    print(f"  article precision {precision:.3f}  recall {recall:.3f}  accuracy (6 types) {(types == labels).mean():.3f}")
    for index, name in enumerate(PAGE_TYPES):
        mask = labels == index
        print(f"  {name:<14} {mask.sum():4d} pages, called {name}: {(types[mask] == index).mean():.3f}")
    print(f"  confidence: mean absolute error {np.abs(confidence - f1).mean():.3f}, "
          f"correlation with word F1 {np.corrcoef(confidence, f1)[0, 1]:.3f}")
    print("  | predicted | pages | mean predicted | mean measured word F1 |")
    print("  |---|---|---|---|")
    for low, high in zip(CALIBRATION_BINS, CALIBRATION_BINS[1:], strict=False):
        mask = (confidence >= low) & (confidence < high)
        if mask.any():
            print(f"  | {low:.2f}-{min(high, 1.0):.2f} | {mask.sum()} | {confidence[mask].mean():.3f} | {f1[mask].mean():.3f} |")


def model_json(model: dict) -> dict:
    r = lambda value: round(float(value), 6)  # noqa: E731
    count = len(PAGE_FEATURE_NAMES)
    def term(i: int) -> dict:  # the i-th term: feature i, or (from count on) the part of feature i - count above its knot
        return {"mean": r(model["mean"][i]), "scale": r(model["scale"][i]),
                "type_weights": {kind: r(model["type_weights"][i, k]) for k, kind in enumerate(PAGE_TYPES)},
                "confidence_weight": r(model["confidence_weights"][i])}
    return {
        "features": [
            {"name": name, "knot": r(model["knots"][i]), **term(i), "above_knot": term(count + i)}
            for i, name in enumerate(PAGE_FEATURE_NAMES)
        ],
        "page_types": list(PAGE_TYPES),
        "type_bias": {kind: r(model["type_bias"][k]) for k, kind in enumerate(PAGE_TYPES)},
        "type_l2": model["type_l2"],
        "confidence_bias": r(model["confidence_bias"]),
        "calibration": [list(knot) for knot in model["calibration"]],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", type=Path, default=CACHE, help="where the cleaned pages' views are kept between runs")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="cross-validate only")
    parser.add_argument("--cached-only", action="store_true", help="fit on the pages cached so far (of an interrupted run)")
    args = parser.parse_args(argv)
    all_pages = cached_pages(args.data, args.cache, args.jobs, args.cached_only)
    models = {}
    for mode in MODES:
        pages = [page for page in all_pages if mode in page]
        labels = np.array([PAGE_TYPES.index(page["type"]) for page in pages])
        groups = [page["group"] for page in pages]
        matrix = np.array([page[mode][0].features() for page in pages])
        f1 = np.array([page[mode][1] for page in pages])
        types, confidence = cross_validate(matrix, labels, f1, groups)
        report(mode, labels, types, f1, confidence)
        models[mode] = model_json(fit(matrix, labels, f1, np.array(groups)))
    if not args.no_write:
        path = Path(__file__).resolve().parent.parent / "cleanews" / "clean" / PAGE_MODEL_FILE
        document = {
            "format": PAGE_MODEL_FORMAT,
            "about": "Page-type and confidence models written by benchmarks/train_page_model.py from the WCXB dev split "
                     "(CC-BY-4.0). Each feature gives two terms: its value, and above_knot: max(0, value - knot). "
                     "Score per type = sum over terms of type_weight * (term - mean) / scale, + type_bias; highest wins. "
                     "Confidence = the estimate sum(confidence_weight * (term - mean) / scale) + confidence_bias, mapped "
                     "piecewise-linearly through calibration's [estimate, measured word F1] points, clipped to [0, 1].",
            "models": models,
        }
        path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
