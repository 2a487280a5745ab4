"""Cleaning quality and speed on real pages, every system measured in one run.

    python benchmarks/clean_quality.py                     # all three data sets, both modes
    python benchmarks/clean_quality.py --data DIR --sets scrapinghub
    python benchmarks/clean_quality.py --sets wcxb-dev --limit 300 --no-cross-validate

For each data set (JSONL records with ``html``, ``page_text`` and ``gold``):

- html mode: cleanews on the HTML next to trafilatura alone (``extract`` with
  default settings, no cleaning after). The shipped HTML model was trained on
  these very pages, so two honest rows follow it: the same cleaner with a
  model trained on the other data set only, and with models trained in
  5 folds grouped by host (each page scored by a model that saw no page of
  its site). ``--no-cross-validate`` skips them (they retrain: a minute or two).
  wcxb-dev is in no model's training data, so its rows are held-out as they stand;
- text mode: cleanews on ``page_text`` (what a naive scraper gets) next to
  that text unchanged, and trafilatura on the HTML for reference.

After each mode, the mission's junk: lines of each kind (reading times,
related lists, newsletter/share/print/email prompts, ad labels, captions and
credits, copyright lines) that a system's output has and the gold text does
not, per 1,000 documents (``junk_kinds.py`` defines the kinds).

Scores are the ScrapingHub article-extraction metric of ``cleanews.bench``
(word 4-gram shingles, P and R averaged over pages, F1 of the averages) and
the mean per-page F1, which exposes single-page failures. Speed is pages per
second on one core, every system timed in this same process.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from cleanews.bench import (
    Case,
    Summary,
    load_cases,
    score_text,
    summarise,
    system_outputs,
)
from cleanews.config import CleanConfig, Fields

sys.path.insert(0, str(Path(__file__).resolve().parent))
import junk_kinds  # noqa: E402  (the sibling junk measure)
import train_line_model as trainer  # noqa: E402  (the sibling training script)

DATA = Path("/work/shared/data/clean")
# The sets scored; the models train on trainer.SETS only, so the others are held out.
SETS = (*trainer.SETS, "wcxb-dev")


def measure(system: str, cases: list[Case], mode: str, junk: dict[str, dict[str, float]]) -> tuple[Summary, float]:
    """Scores of one system over the cases, and its pages per second; its junk rates go into ``junk``."""
    start = time.perf_counter()
    texts = list(system_outputs(system, cases, CleanConfig(mode=mode), jobs=1))
    elapsed = time.perf_counter() - start
    summary = summarise([score_text(text, case.gold) for text, case in zip(texts, cases, strict=True)])
    junk[system], _ = junk_kinds.per_thousand(texts, [case.gold for case in cases])
    return summary, len(cases) / elapsed


JUNK_LABELS = {"trafilatura": "trafilatura alone", "cleanews": "cleanews", "unchanged": "page_text unchanged"}


def print_junk(junk: dict[str, dict[str, float]]) -> None:
    """The junk table: lines per 1,000 documents, per kind, one column per system."""
    print(f"  junk not in the gold, lines per 1,000 docs: {'kind':<14}" + "".join(f"{JUNK_LABELS[name]:>21}" for name in junk))
    for kind in (*junk_kinds.KINDS, "all"):
        print(f"  {'':<43}{kind:<14}" + "".join(f"{rates[kind]:21.0f}" for rates in junk.values()))


def text_cases(path: Path, limit: int | None = None) -> list[Case]:
    """The cases with ``page_text`` as the text and no HTML (text mode's input)."""
    return [Case(case.doc.replace(html=None), case.gold) for case in html_cases(path, limit)]


def html_cases(path: Path, limit: int | None = None) -> list[Case]:
    """The set's first ``limit`` pages (all when None)."""
    return load_cases(str(path), Fields(text="page_text"))[:limit]


def row(label: str, summary: Summary, speed: float) -> str:
    return (f"  {label:<34} {summary.precision:6.3f} {summary.recall:6.3f} {summary.f1:6.3f} "
            f"{summary.mean_doc_f1:7.3f} {speed:9.1f}")


def cross_validated(data: Path) -> dict[str, dict[str, Summary]]:
    """HTML-mode scores of models that never saw the scored pages: per set, per scheme."""
    records = {name: trainer.read_records(data, name) for name in trainer.SETS}
    sets = {name: trainer.html_pages(name, records[name]) for name in trainer.SETS}
    make = lambda pages: trainer.train(pages, edge_cost=trainer.HTML_EDGE_COST)  # noqa: E731
    predictions = trainer.cross_validated_predictions(sets, make, FOLDS)
    return {
        name: {scheme: summarise([score_text(text, page.gold) for text, page in zip(texts, sets[name], strict=True)])
               for scheme, texts in by_scheme.items()}
        for name, by_scheme in predictions.items()
    }


FOLDS = 5


def run(data: Path, sets: Sequence[str], cross: dict[str, dict[str, Summary]], limit: int | None = None) -> None:
    header = f"  {'system':<34} {'P':>6} {'R':>6} {'F1':>6} {'docF1':>7} {'pages/s':>9}"
    for name in sets:
        path = data / f"{name}.jsonl.gz"
        pages = html_cases(path, limit)
        print(f"\n{name} ({len(pages)} pages)")
        print("html mode")
        print(header)
        html_junk: dict[str, dict[str, float]] = {}
        traf = measure("trafilatura", pages, "html", html_junk)
        print(row("trafilatura alone", *traf))
        print(row("cleanews --mode html", *measure("cleanews", pages, "html", html_junk)))
        for scheme, summary in cross.get(name, {}).items():
            print(row(f"  model {scheme}", summary, float("nan")))
        print_junk(html_junk)
        print("text mode (page_text)")
        print(header)
        texts = text_cases(path, limit)
        text_junk = {"trafilatura": html_junk["trafilatura"]}
        print(row("page_text unchanged", *measure("unchanged", texts, "text", text_junk)))
        print(row("cleanews --mode text", *measure("cleanews", texts, "text", text_junk)))
        print(row("trafilatura alone (on the HTML)", *traf))
        print_junk(text_junk)
        print(f"  (the junk measure calls {junk_kinds.gold_flag_rate(case.gold for case in pages):.0f} lines per 1,000 gold texts junk)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="directory with NAME.jsonl.gz files")
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--limit", type=int, default=None, help="score the first N pages of each set only")
    parser.add_argument("--no-cross-validate", action="store_true", help="skip retraining the HTML model on held-out splits")
    args = parser.parse_args(argv)
    missing = [name for name in args.sets if not (args.data / f"{name}.jsonl.gz").exists()]
    if missing:
        print(f"error: no {', '.join(missing)} in {args.data} (give --data DIR)", file=sys.stderr)
        return 1
    can_cross = not args.no_cross_validate and all((args.data / f"{name}.jsonl.gz").exists() for name in trainer.SETS)
    run(args.data, args.sets, cross_validated(args.data) if can_cross else {}, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
