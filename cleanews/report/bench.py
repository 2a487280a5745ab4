"""The bench page: per-document scores of each system, sortable, worst first, with diffs against gold.

>>> from cleanews.bench import Case, score_outputs
>>> from cleanews.document import Document
>>> cases = [Case(Document(id="p", text="x"), "The mayor opened the new bridge on Tuesday.")]
>>> outputs = {"cleanews": ["The mayor opened the new bridge on Tuesday.\\nShare this story"]}
>>> page = bench_report(cases, outputs, score_outputs(cases, outputs), "cases.jsonl")
>>> page.startswith("<!DOCTYPE html>") and '"Share this story"' in page
True
"""

from __future__ import annotations

from html import escape
from typing import Any

from cleanews.bench import Case, DocScore, summarise
from cleanews.report.diff import diff_texts
from cleanews.report.page import figure, render_page
from cleanews.report.svg import column_chart, scatter

# Bins named by their lower edge: "0.3" holds 0.3 <= F1 < 0.4; "1" holds perfect documents only.
F1_BINS = tuple(f"{low / 10:.1f}" for low in range(10)) + ("1",)


def bench_report(cases: list[Case], outputs: dict[str, list[str]], scores: dict[str, list[DocScore]], source: str) -> str:
    """The page for one bench run; the first system is the one sorted on and compared against."""
    systems = list(outputs)
    data = {
        "systems": systems,
        "docs": [
            {
                "id": case.doc.id,
                "scores": {system: score_cells(scores[system][index]) for system in systems},
                "diffs": {system: diff_texts(case.gold, outputs[system][index]) for system in systems},
            }
            for index, case in enumerate(cases)
        ],
    }
    return render_page(f"cleanews bench: {source}", bench_body(source, systems, scores), data, ["common.js", "bench.js"])


def score_cells(score: DocScore) -> list[Any]:
    """[P, R, F1, exact]; P is None when the system produced nothing to score."""
    has_output = score.tp + score.fp > 0
    return [round(score.precision, 4) if has_output else None, round(score.recall, 4), round(score.f1, 4), score.exact]


def f1_histogram(scores: list[DocScore]) -> list[int]:
    """Documents per F1 bin: [0, 0.1), ..., [0.9, 1), and exactly 1."""
    counts = [0] * len(F1_BINS)
    for score in scores:
        counts[10 if score.f1 >= 1.0 else min(9, int(score.f1 * 10))] += 1
    return counts


def bench_body(source: str, systems: list[str], scores: dict[str, list[DocScore]]) -> str:
    rows = "".join(
        f"<tr><td>{escape(system)}</td>" + "".join(f"<td>{value:.3f}</td>" for value in (s.precision, s.recall, s.f1, s.mean_doc_f1, s.exact_rate))
        + f"<td>{s.documents}</td></tr>"
        for system in systems for s in [summarise(scores[system])]
    )
    summary = ('<table class="summary"><thead><tr><th>system</th><th>precision</th><th>recall</th><th>F1</th>'
               f"<th>mean document F1</th><th>exact</th><th>documents</th></tr></thead><tbody>{rows}</tbody></table>")
    charts = [figure("F1 per document", column_chart(F1_BINS, [(system, f1_histogram(scores[system])) for system in systems],
                                                     "F1 distribution", "F1 (bins of 0.1 from their lower edge; 1 = perfect)", "documents"))]
    first = systems[0]
    for other in systems[1:3]:
        points = [(b.f1, a.f1, str(index)) for index, (a, b) in enumerate(zip(scores[first], scores[other], strict=True))]
        charts.append(figure(f"{first} vs {other}", scatter(points, f"{first} vs {other} F1", f"{other} F1", f"{first} F1"),
                             f"One point per document; above the diagonal {first} did better."))
    return (
        f'<header class="page"><h1>cleanews bench</h1><p class="sub">{escape(source)}</p></header><main>'
        f'<h2>Summary</h2>{summary}<section class="charts">{"".join(charts)}</section>'
        '<section id="documents"><h2>Documents</h2>'
        '<p class="legend against-gold">Click a row to see each system\'s output against the gold text: '
        "<ins>extra: in the output, not in gold</ins> <del>missing: in gold, not in the output</del></p>"
        '<div class="toolbar" id="bench-toolbar"></div><table class="scores" id="scores"></table></section></main>'
    )
