"""Score cleaning against golden text: the ScrapingHub article-extraction metric.

Each document's output and gold text become multisets of word 4-gram
shingles (tokens ``\\w+``). Per document, true positives, false positives and
false negatives are normalised by their sum so long pages do not outweigh
short ones. P is the mean over documents that produced any shingle, R the
mean over documents whose gold has any, F1 = 2PR/(P+R).

>>> score = score_text("the cat sat on the mat today", "the cat sat on the mat")
>>> round(score.precision, 3), round(score.recall, 3)
(0.75, 1.0)
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cleanews.config import CleanConfig, Fields
from cleanews.document import Document, Reject
from cleanews.io import decode_bytes, read_inputs
from cleanews.steps import clean_step

WORD = re.compile(r"\w+")
SHINGLE_SIZE = 4
SYSTEMS = ("cleanews", "trafilatura", "unchanged")


@dataclass(frozen=True)
class DocScore:
    """Normalised shingle counts of one document (tp + fp + fn = 1 unless all are 0)."""

    tp: float
    fp: float
    fn: float
    exact: bool

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return harmonic(self.precision, self.recall)


@dataclass(frozen=True)
class Summary:
    precision: float
    recall: float
    f1: float
    mean_doc_f1: float
    exact_rate: float
    documents: int


def harmonic(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def shingles(text: str) -> Counter[tuple[str, ...]]:
    words = WORD.findall(text)
    return Counter(tuple(words[i : i + SHINGLE_SIZE]) for i in range(len(words) - SHINGLE_SIZE + 1))


def score_text(predicted: str, gold: str) -> DocScore:
    pred, true = shingles(predicted), shingles(gold)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    exact = " ".join(predicted.split()) == " ".join(gold.split())
    if not total:
        return DocScore(0.0, 0.0, 0.0, exact)
    return DocScore(tp / total, fp / total, fn / total, exact)


def word_f1(predicted: str, gold: str) -> float:
    """Bag-of-words F1 of one page (case-folded ``\\w+`` words as multisets): WCXB's per-page measure.

    >>> round(word_f1("the storm hit", "The storm hit the coast"), 3)
    0.75
    """
    guess, truth = Counter(WORD.findall(predicted.casefold())), Counter(WORD.findall(gold.casefold()))
    common = sum((guess & truth).values())
    if not common:
        return float(not guess and not truth)
    precision, recall = common / sum(guess.values()), common / sum(truth.values())
    return harmonic(precision, recall)


def summarise(scores: list[DocScore]) -> Summary:
    precisions = [s.precision for s in scores if s.tp + s.fp > 0]
    recalls = [s.recall for s in scores if s.tp + s.fn > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    return Summary(
        precision=precision,
        recall=recall,
        f1=harmonic(precision, recall),
        mean_doc_f1=statistics.fmean(s.f1 for s in scores) if scores else 0.0,
        exact_rate=sum(s.exact for s in scores) / len(scores) if scores else 0.0,
        documents=len(scores),
    )


@dataclass(frozen=True)
class Case:
    """A document to clean and the text it should become."""

    doc: Document
    gold: str


def load_cases(path: str, fields: Fields = Fields()) -> list[Case]:
    """Golden cases from a directory (``input/NAME.txt|html`` + ``expected/NAME.txt``) or a JSONL with ``gold``."""
    if Path(path).is_dir():
        return golden_dir_cases(Path(path))
    cases = []
    for item in read_inputs([path], fields):
        if isinstance(item, Reject):
            raise ValueError(f"{item.source}: {item.reason}")
        gold = item.extra.pop("gold", None)
        if not isinstance(gold, str):
            raise ValueError(f"{item.source}: no 'gold' text field to score against")
        cases.append(Case(item, gold))
    return cases


def golden_dir_cases(directory: Path) -> list[Case]:
    """One case per ``input/NAME.txt|html`` that has an ``expected/NAME.txt``."""
    cases = []
    for source in sorted((directory / "input").glob("*")):
        expected = directory / "expected" / f"{source.stem}.txt"
        if source.suffix not in (".txt", ".html", ".htm") or not expected.exists():
            continue
        content = decode_bytes(source.read_bytes()) or ""
        is_html = source.suffix in (".html", ".htm")
        doc = Document(id=source.stem, text="" if is_html else content, html=content if is_html else None, source=str(source))
        cases.append(Case(doc, expected.read_text(encoding="utf-8")))
    if not cases:
        raise ValueError(f"{directory}: no golden cases (input/NAME.txt or input/NAME.html with expected/NAME.txt)")
    return cases


def system_outputs(system: str, cases: list[Case], config: CleanConfig, jobs: int) -> Iterator[str]:
    """The text each system makes of each case, in case order."""
    if system == "cleanews":
        for item in clean_step((case.doc for case in cases), config, jobs, time_limit=None):
            yield "" if isinstance(item, Reject) else item.text
    elif system == "trafilatura":
        import trafilatura  # here: slow to import, and the other commands need it not

        for case in cases:
            # trafilatura as its users run it: default settings, no cleaning after.
            yield (trafilatura.extract(case.doc.html, url=case.doc.url) or "") if case.doc.html else case.doc.text
    elif system == "unchanged":
        for case in cases:
            yield case.doc.text
    else:
        raise ValueError(f"unknown system {system!r}; choose from {', '.join(SYSTEMS)}")


def run_bench(cases: list[Case], systems: Iterable[str], config: CleanConfig, jobs: int = 1) -> dict[str, list[DocScore]]:
    """Per-document scores of each system over the same cases."""
    return score_outputs(cases, bench_outputs(cases, systems, config, jobs))


def bench_outputs(cases: list[Case], systems: Iterable[str], config: CleanConfig, jobs: int = 1) -> dict[str, list[str]]:
    """The text each system makes of each case, in case order (kept for reports that show them)."""
    if config.mode == "text":
        cases = [dataclasses.replace(case, doc=case.doc.replace(html=None)) for case in cases]
    return {system: list(system_outputs(system, cases, config, jobs)) for system in systems}


def score_outputs(cases: list[Case], outputs: dict[str, list[str]]) -> dict[str, list[DocScore]]:
    return {system: [score_text(text, case.gold) for text, case in zip(texts, cases, strict=True)] for system, texts in outputs.items()}

