"""Cleaning quality and speed on real pages, every system measured in one run.

    python benchmarks/clean_quality.py                     # all three data sets, both modes
    python benchmarks/clean_quality.py --data DIR --sets scrapinghub
    python benchmarks/clean_quality.py --sets wcxb-dev --limit 300 --no-cross-validate

For each data set (JSONL records with ``html``, ``page_text`` and ``gold``):

- html mode: cleanews on the HTML next to trafilatura alone (``extract`` with
  default settings, no cleaning after). The shipped line models were
  fitted on all three sets, so its row is not an honest one; the honest
  row follows it: the same cleaner with line models trained in 5 folds
  grouped by host over the three sets together (``train_line_model.py``:
  each page scored by a model that saw no page of its site).
  ``--no-cross-validate`` skips it (it retrains; the pages are cached in
  /tmp/quality-cache);
- text mode: cleanews on ``page_text`` (what a naive scraper gets) next to
  that text unchanged, the same 5-fold row, and trafilatura on the HTML
  for reference.

wcxb-dev's article pages (its ``page_type``) are scored again on their own,
and the 5-fold rows per language of the gold text (its best stop list;
"none" is CJK and other text without one).

After each mode, the mission's junk: lines of each kind (reading times,
related lists, newsletter/share/print/email prompts, ad labels, captions and
credits, copyright lines) that a system's output has and the gold text does
not, per 1,000 documents (``junk_kinds.py`` defines the kinds).

Scores are the ScrapingHub article-extraction metric of ``cleanews.bench``
(word 4-gram shingles, P and R averaged over pages, F1 of the averages),
the mean per-page shingle F1 (docF1), which exposes single-page failures,
and the mean per-page bag-of-words F1 (wordF1, WCXB's measure). Speed is
pages per second on one core, every system timed in this same process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cleanews.bench import Case, load_cases, score_text, summarise, system_outputs, word_f1
from cleanews.clean.lines import WORD
from cleanews.clean.stopwords import load_stopwords
from cleanews.config import CleanConfig, Fields

sys.path.insert(0, str(Path(__file__).resolve().parent))
import junk_kinds  # noqa: E402  (the sibling junk measure)
import train_line_model as trainer  # noqa: E402  (the sibling training script)

DATA = Path("/work/shared/data/clean")
SETS = trainer.SETS
FOLDS = 5
CV = f"{FOLDS}-fold by host"
MODES = ("html", "text")
# Languages with fewer pages than this are pooled as "other" in the per-language table.
MIN_LANGUAGE_PAGES = 8


def timed(system: str, cases: list[Case], mode: str) -> tuple[list[str], float]:
    """One system's outputs over the cases, and its pages per second."""
    start = time.perf_counter()
    texts = list(system_outputs(system, cases, CleanConfig(mode=mode), jobs=1))
    return texts, len(cases) / (time.perf_counter() - start)


HEADER = f"  {'system':<40} {'P':>6} {'R':>6} {'F1':>6} {'docF1':>7} {'wordF1':>7} {'pages/s':>9}"


def row(label: str, texts: Sequence[str], golds: Sequence[str], speed: float = float("nan")) -> str:
    summary = summarise([score_text(text, gold) for text, gold in zip(texts, golds, strict=True)])
    words = statistics.fmean(word_f1(text, gold) for text, gold in zip(texts, golds, strict=True))
    return (f"  {label:<40} {summary.precision:6.3f} {summary.recall:6.3f} {summary.f1:6.3f} "
            f"{summary.mean_doc_f1:7.3f} {words:7.3f} {speed:9.1f}")


JUNK_LABELS = {"trafilatura": "trafilatura alone", "cleanews": "cleanews", "unchanged": "page_text unchanged"}


def print_junk(junk: dict[str, dict[str, float]]) -> None:
    """The junk table: lines per 1,000 documents, per kind, one column per system."""
    print(f"  junk not in the gold, lines per 1,000 docs: {'kind':<14}" + "".join(f"{JUNK_LABELS[name]:>21}" for name in junk))
    for kind in (*junk_kinds.KINDS, "all"):
        print(f"  {'':<43}{kind:<14}" + "".join(f"{rates[kind]:21.0f}" for rates in junk.values()))


def fold_task(mode: str, data: Path, fold: int) -> dict[int, str]:
    """One fold of the cross-validation, in a process of its own (the pages come from the cache)."""
    sets = trainer.all_pages(mode, data)
    return trainer.fold_predictions(sets, trainer.fold_model(sets, trainer.trainer_of(mode), FOLDS, fold), FOLDS, fold)


def system_task(system: str, mode: str, path: Path, limit: int | None) -> tuple[list[str], float]:
    """One system over one set, timed in a process of its own."""
    cases = load_cases(str(path), Fields(text="page_text"))[:limit]
    if mode == "text":
        cases = [Case(case.doc.replace(html=None), case.gold) for case in cases]
    return timed(system, cases, mode)


def all_outputs(data: Path, sets: Sequence[str], cross: bool, limit: int | None, jobs: int) -> dict[str, tuple[dict, dict]]:
    """Per set, every system's outputs and speeds; the systems and the folds run as tasks on ``jobs`` processes."""
    systems = (("trafilatura", "trafilatura", "html"), ("cleanews html", "cleanews", "html"),
               ("unchanged", "unchanged", "text"), ("cleanews text", "cleanews", "text"))
    if cross:  # the pages are built (or read from the cache) once, before the folds share them
        for mode in MODES:
            trainer.all_pages(mode, data)
    with ProcessPoolExecutor(jobs) as pool:
        folds = {mode: [pool.submit(fold_task, mode, data, fold) for fold in range(FOLDS)] for mode in (MODES if cross else ())}
        runs = {(name, label): pool.submit(system_task, system, mode, data / f"{name}.jsonl.gz", limit)
                for name in sets for label, system, mode in systems}
        out: dict[str, tuple[dict, dict]] = {name: ({}, {}) for name in sets}
        for (name, label), future in runs.items():
            out[name][0][label], out[name][1][label] = future.result()
        for mode, futures in folds.items():
            predictions = {index: text for future in futures for index, text in future.result().items()}
            per_set = trainer.by_set(trainer.all_pages(mode, data), predictions)
            for name in sets:
                out[name][0][f"{mode} {CV}"] = per_set[name][:limit]
    return out


def language_of(gold: str) -> str:
    return load_stopwords().language(word.casefold() for word in WORD.findall(gold)) or "none"


def subset(outputs: dict[str, list[str]], keep: Sequence[bool]) -> dict[str, list[str]]:
    return {system: [text for text, kept in zip(texts, keep, strict=True) if kept] for system, texts in outputs.items()}


def print_tables(outputs: dict[str, list[str]], golds: list[str], speeds: dict[str, float]) -> None:
    """The html-mode and text-mode tables over one set (or part of it)."""
    print("html mode")
    print(HEADER)
    for system, label in (("trafilatura", "trafilatura alone"), ("cleanews html", "cleanews (shipped model)"),
                          (f"html {CV}", f"cleanews, {CV}")):
        if system in outputs:
            print(row(label, outputs[system], golds, speeds.get(system, float("nan"))))
    print("text mode (page_text)")
    print(HEADER)
    for system, label in (("unchanged", "page_text unchanged"), ("cleanews text", "cleanews (shipped model)"),
                          (f"text {CV}", f"cleanews, {CV}"), ("trafilatura", "trafilatura alone (on the HTML)")):
        if system in outputs:
            print(row(label, outputs[system], golds, speeds.get(system, float("nan"))))


def print_languages(outputs: dict[str, list[str]], golds: list[str]) -> None:
    """Word F1 per language of the gold text: trafilatura alone against the 5-fold rows of both modes."""
    languages = [language_of(gold) for gold in golds]
    counts = Counter(languages)
    languages = [name if counts[name] >= MIN_LANGUAGE_PAGES else "other" for name in languages]
    systems = [system for system in ("trafilatura", f"html {CV}", f"text {CV}") if system in outputs]
    print(f"  per language (wordF1 / shingle F1): {'pages':>5}" + "".join(f"{system:>24}" for system in systems))
    for language, pages in Counter(languages).most_common():
        keep = [name == language for name in languages]
        part, part_golds = subset(outputs, keep), [gold for gold, kept in zip(golds, keep, strict=True) if kept]
        cells = []
        for system in systems:
            texts = part[system]
            shingle = summarise([score_text(text, gold) for text, gold in zip(texts, part_golds, strict=True)]).f1
            words = statistics.fmean(word_f1(text, gold) for text, gold in zip(texts, part_golds, strict=True))
            cells.append(f"{words:.3f} / {shingle:.3f}")
        print(f"  {language:<36}{pages:>5}" + "".join(f"{cell:>24}" for cell in cells))


def print_losses(ids: Sequence[str], outputs: dict[str, list[str]], golds: Sequence[str], count: int) -> None:
    """The pages where the 5-fold html row loses most shingle F1 to trafilatura alone, worst first."""
    scored = [(score_text(mine, gold), score_text(theirs, gold), page_id)
              for mine, theirs, gold, page_id in zip(outputs[f"html {CV}"], outputs["trafilatura"], golds, ids, strict=True)]
    scored.sort(key=lambda item: item[0].f1 - item[1].f1)
    print(f"  biggest losses of html {CV} against trafilatura alone (shingle F1; P / R):")
    for mine, theirs, page_id in scored[:count]:
        if mine.f1 < theirs.f1:
            print(f"    {page_id[:16]:<16} {mine.f1 - theirs.f1:+.3f}  cleanews {mine.precision:.2f} / {mine.recall:.2f}"
                  f"  trafilatura {theirs.precision:.2f} / {theirs.recall:.2f}")


def run(data: Path, sets: Sequence[str], cross: bool, limit: int | None = None, losses: int = 0, jobs: int = 1) -> None:
    for name, (outputs, speeds) in all_outputs(data, sets, cross, limit, jobs).items():
        cases = load_cases(str(data / f"{name}.jsonl.gz"), Fields(text="page_text"))[:limit]
        golds = [case.gold for case in cases]
        print(f"\n{name} ({len(cases)} pages)")
        print_tables(outputs, golds, speeds)
        rates = {system: junk_kinds.per_thousand(outputs[system], golds)[0] for system in speeds}
        print("html mode junk")
        print_junk({"trafilatura": rates["trafilatura"], "cleanews": rates["cleanews html"]})
        print("text mode junk")
        print_junk({"trafilatura": rates["trafilatura"], "cleanews": rates["cleanews text"], "unchanged": rates["unchanged"]})
        print(f"  (the junk measure calls {junk_kinds.gold_flag_rate(golds):.0f} lines per 1,000 gold texts junk)")
        types = [record.get("page_type") for record in trainer.read_records(data, name)][: len(cases)]
        if "article" in types:
            articles = [kind == "article" for kind in types]
            print(f"\n{name}, article pages only ({sum(articles)} pages)")
            print_tables(subset(outputs, articles), [gold for gold, kept in zip(golds, articles, strict=True) if kept], {})
        if cross:
            print_languages(outputs, golds)
            print_losses([case.doc.id for case in cases], outputs, golds, losses)
        sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="directory with NAME.jsonl.gz files")
    parser.add_argument("--sets", nargs="+", default=list(SETS))
    parser.add_argument("--limit", type=int, default=None, help="score the first N pages of each set only")
    parser.add_argument("--no-cross-validate", action="store_true", help="skip retraining the line models on held-out folds")
    parser.add_argument("--losses", type=int, default=10, help="list the N pages where the 5-fold html row loses most")
    parser.add_argument("--jobs", type=int, default=1, help="processes for the systems and the folds (pages/s stay per process)")
    args = parser.parse_args(argv)
    missing = [name for name in args.sets if not (args.data / f"{name}.jsonl.gz").exists()]
    if missing:
        print(f"error: no {', '.join(missing)} in {args.data} (give --data DIR)", file=sys.stderr)
        return 1
    can_cross = not args.no_cross_validate and all((args.data / f"{name}.jsonl.gz").exists() for name in trainer.SETS)
    run(args.data, args.sets, can_cross, args.limit, args.losses, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
