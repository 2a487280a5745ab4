"""The review page of a run: what was removed from each document and why, and the duplicates.

It reads the JSONL that ``cleanews run`` (or ``clean``/``dedup``) wrote:
``cleaning.removed`` gives each removed line and its rule (with its position,
so it is shown struck through where it stood), ``dedup`` gives the clusters.
The file is read twice: once for the counts and the documents shown, once
for the texts of the largest clusters, so memory stays bounded on big runs.
"""

from __future__ import annotations

import heapq
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from typing import Any

from cleanews.config import RunReportConfig
from cleanews.document import Reject
from cleanews.io import open_binary
from cleanews.report.diff import diff_texts
from cleanews.report.page import figure, render_page, stat_cards
from cleanews.report.svg import bar_chart, column_chart
from cleanews.stats import plural

Record = dict[str, Any]


@dataclass
class RunTotals:
    """Counts over every record of the run."""

    documents: int = 0
    from_html: int = 0
    encoding_repaired: int = 0
    characters_kept: int = 0
    lines_by_rule: Counter[str] = field(default_factory=Counter)
    characters_by_rule: Counter[str] = field(default_factory=Counter)
    documents_by_rule: Counter[str] = field(default_factory=Counter)
    cluster_sizes: dict[str, int] = field(default_factory=dict)  # cluster id -> documents in it
    cluster_titles: dict[str, str] = field(default_factory=dict)
    deduplicated: bool = False

    def add(self, record: Record) -> None:
        self.documents += 1
        self.characters_kept += len(record.get("text") or "")
        cleaning = record.get("cleaning") or {}
        self.from_html += cleaning.get("source") == "html"
        self.encoding_repaired += bool(cleaning.get("encoding_repaired"))
        removed = cleaning.get("removed") or []
        for removal in removed:
            self.lines_by_rule[removal["rule"]] += 1
            self.characters_by_rule[removal["rule"]] += len(removal["line"])
        self.documents_by_rule.update({removal["rule"] for removal in removed})
        dedup = record.get("dedup")
        if dedup:
            self.deduplicated = True
            self.cluster_sizes[dedup["cluster_id"]] = dedup["cluster_size"]
            if dedup.get("is_representative") and record.get("title"):
                self.cluster_titles[dedup["cluster_id"]] = record["title"]


def read_records(path: str, on_reject: Callable[[Reject], None]) -> Iterator[Record]:
    """The output records of a run; a line that is not one is reported and skipped."""
    with open_binary(path) as stream:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                on_reject(Reject(f"{path}:{number}", f"not a JSON record ({error})"))
                continue
            problem = record_problem(record)
            if problem:
                on_reject(Reject(f"{path}:{number}", problem))
                continue
            yield record


def record_problem(record: Any) -> str | None:
    """Why a JSON value is not a cleanews output record, or None."""
    if not isinstance(record, dict):
        return f"a JSON {type(record).__name__}, not an object"
    if not isinstance(record.get("text"), str):
        return "no 'text' string: not a cleanews output record"
    cleaning = record.get("cleaning")
    if cleaning is not None and not isinstance(cleaning, dict):
        return f"'cleaning' is a JSON {type(cleaning).__name__}, not an object"
    removed = (cleaning or {}).get("removed", [])
    if not isinstance(removed, list) or not all(isinstance(r, dict) and isinstance(r.get("line"), str) and isinstance(r.get("rule"), str) for r in removed):
        return "'cleaning.removed' is not a list of {line, rule} objects"
    dedup = record.get("dedup")
    if dedup is not None and not (isinstance(dedup, dict) and isinstance(dedup.get("cluster_id"), str) and isinstance(dedup.get("cluster_size"), int)):
        return "'dedup' lacks cluster_id or cluster_size"
    return None


def interleave(text: str, removed: list[Record]) -> tuple[list[list[Any]], list[list[Any]]]:
    """The document's lines as the cleaner saw them: ``[rule or None, line]``.

    Removed lines go back where they stood (their ``position``); those
    without one (older records) come back separately, in the second list.

    >>> interleave("kept one\\nkept two", [{"line": "Share", "rule": "share", "position": 1}])
    ([[None, 'kept one'], ['share', 'Share'], [None, 'kept two']], [])
    """
    kept = [line for line in text.split("\n") if line.strip()]
    placed = sorted((r for r in removed if isinstance(r.get("position"), int)), key=lambda r: r["position"])
    unplaced = [[r["rule"], r["line"]] for r in removed if not isinstance(r.get("position"), int)]
    rows: list[list[Any]] = []
    k = p = 0
    while k < len(kept) or p < len(placed):
        if p < len(placed) and (placed[p]["position"] <= len(rows) or k == len(kept)):
            rows.append([placed[p]["rule"], placed[p]["line"]])
            p += 1
        else:
            rows.append([None, kept[k]])
            k += 1
    return rows, unplaced


def review_order(record: Record) -> float:
    """A record's confidence; records without one sort after every confidence."""
    confidence = (record.get("cleaning") or {}).get("confidence")
    return float(confidence) if isinstance(confidence, int | float) else 2.0


def document_view(record: Record) -> Record:
    """What the page shows of one document."""
    cleaning = record.get("cleaning") or {}
    removed = cleaning.get("removed") or []
    lines, unplaced = interleave(record["text"], removed)
    dedup = record.get("dedup")
    return {
        "id": str(record.get("id", "")),
        "title": record.get("title") if isinstance(record.get("title"), str) else None,
        "url": record.get("url") if isinstance(record.get("url"), str) else None,
        "source": cleaning.get("source", ""),
        "confidence": cleaning.get("confidence") if isinstance(cleaning.get("confidence"), int | float) else None,
        "page_type": record.get("page_type") if isinstance(record.get("page_type"), str) else None,
        "repaired": bool(cleaning.get("encoding_repaired")),
        "removed": len(removed),
        "removed_chars": sum(len(r["line"]) for r in removed),
        "lines": lines,
        "unplaced": unplaced,
        "cluster": None if not dedup else {
            "id": dedup["cluster_id"], "size": dedup["cluster_size"],
            "rep": bool(dedup.get("is_representative")), "sim": dedup.get("similarity"),
        },
    }


def largest_clusters(totals: RunTotals, count: int) -> list[str]:
    """Ids of the ``count`` largest clusters with duplicates, largest first (ties: first seen)."""
    multi = [(size, cluster_id) for cluster_id, size in totals.cluster_sizes.items() if size > 1]
    order = {cluster_id: index for index, cluster_id in enumerate(totals.cluster_sizes)}
    multi.sort(key=lambda item: (-item[0], order[item[1]]))
    return [cluster_id for _, cluster_id in multi[:count]]


def cluster_views(path: str, cluster_ids: list[str], config: RunReportConfig) -> list[Record]:
    """Second pass: the members of the chosen clusters, each diffed against its representative."""
    wanted = set(cluster_ids)
    members: dict[str, list[Record]] = {cluster_id: [] for cluster_id in cluster_ids}
    for record in read_records(path, on_reject=lambda reject: None):
        dedup = record.get("dedup")
        if dedup and dedup["cluster_id"] in wanted:
            members[dedup["cluster_id"]].append(record)
    views = []
    for cluster_id in cluster_ids:
        records = members[cluster_id]
        representative = next((r for r in records if r["dedup"].get("is_representative")), records[0])
        others = [r for r in records if r is not representative][: max(0, config.max_cluster_members - 1)]
        views.append({
            "id": cluster_id,
            "size": representative["dedup"]["cluster_size"],
            "title": representative.get("title"),
            "members": [member_view(representative, representative)] + [member_view(r, representative) for r in others],
        })
    return views


def member_view(record: Record, representative: Record) -> Record:
    is_rep = record is representative
    return {
        "id": str(record.get("id", "")),
        "title": record.get("title"),
        "rep": is_rep,
        "sim": record["dedup"].get("similarity"),
        "rows": [["=", line] for line in record["text"].split("\n") if line.strip()] if is_rep
        else diff_texts(representative["text"], record["text"]),
    }


def run_report(path: str, config: RunReportConfig = RunReportConfig(), on_reject: Callable[[Reject], None] = lambda reject: None) -> str:
    """The review page of the run whose output is ``path``, as HTML."""
    totals = RunTotals()
    worst: list[tuple[float, int, Record]] = []  # a heap of the least confident, the most confident on top
    for index, record in enumerate(read_records(path, on_reject)):
        totals.add(record)
        heapq.heappush(worst, (-review_order(record), -index, record))
        if len(worst) > config.max_documents:
            heapq.heappop(worst)
    shown = [document_view(record) | {"index": -negative_index}
             for _, negative_index, record in sorted(worst, key=lambda entry: (-entry[0], -entry[1]))]
    clusters = cluster_views(path, largest_clusters(totals, config.max_clusters), config) if config.max_cluster_members else []
    rule_order = [rule for rule, _ in totals.lines_by_rule.most_common()]
    data = {
        "docs": shown,
        "total_docs": totals.documents,
        "rule_order": rule_order,
        "rule_docs": dict(totals.documents_by_rule),
        "clusters": clusters,
    }
    return render_page(f"cleanews review: {path}", run_body(path, totals, clusters), data, ["common.js", "run.js"])


def run_body(path: str, totals: RunTotals, clusters: list[Record]) -> str:
    removed_lines = sum(totals.lines_by_rule.values())
    removed_chars = sum(totals.characters_by_rule.values())
    share = removed_chars / (removed_chars + totals.characters_kept) if removed_chars + totals.characters_kept else 0.0
    sizes = Counter(totals.cluster_sizes.values())
    with_duplicates = sum(n for size, n in sizes.items() if size > 1)
    cards = [
        ("documents", f"{totals.documents:,}", f"{totals.from_html:,} from HTML" if totals.from_html else ""),
        ("lines removed", f"{removed_lines:,}", plural(len(totals.lines_by_rule), "rule")),
        ("characters removed", f"{removed_chars:,}", f"{share:.1%} of the text"),
        ("encoding repaired", f"{totals.encoding_repaired:,}", "documents"),
    ]
    if totals.deduplicated:
        in_clusters = sum(size * n for size, n in sizes.items() if size > 1)
        cards.append(("clusters", f"{len(totals.cluster_sizes):,}", f"{with_duplicates:,} with duplicates, {plural(in_clusters, 'document')} in them"))
    rules = [(rule, n) for rule, n in totals.lines_by_rule.most_common()]
    charts = [figure("Lines removed per rule", bar_chart(rules, "Lines removed per rule") if rules else '<p class="empty">No line was removed.</p>',
                     "Click a bar to see the documents it removed lines from.", figure_id="rule-chart")]
    if totals.deduplicated:
        buckets = size_buckets(sizes)
        charts.append(figure("Cluster sizes", column_chart([b for b, _ in buckets], [("clusters", [n for _, n in buckets])],
                                                          "Cluster size distribution", "documents in the cluster", "clusters (log scale)",
                                                          log_scale=True)))
    cluster_section = ""
    if totals.deduplicated:
        cluster_section = ('<section id="clusters"><h2>Largest duplicate clusters</h2>'
                           '<p class="legend">Each copy is compared with the cluster\'s representative: '
                           "<ins>only in this copy</ins> <del>only in the representative</del></p>"
                           + ('<div id="cluster-list"></div>' if clusters else '<p class="empty">No document has a duplicate.</p>')
                           + "</section>")
    return (
        f'<header class="page"><h1>cleanews review</h1><p class="sub">{escape(path)}</p>'
        '<nav><a href="#charts">Charts</a><a href="#documents">Documents</a>'
        + ('<a href="#clusters">Duplicate clusters</a>' if totals.deduplicated else "")
        + "</nav></header><main>"
        + stat_cards(cards)
        + f'<section class="charts" id="charts">{"".join(charts)}</section>'
        + '<section id="documents"><h2>Documents</h2><div class="toolbar" id="doc-toolbar"></div><div id="doc-list"></div></section>'
        + cluster_section + "</main>"
    )


# Cluster sizes shown one by one up to this; larger ones share a bucket.
SINGLE_SIZES = 6
SIZE_BUCKETS = ((7, 10), (11, 20), (21, 50), (51, 100), (101, 1000), (1001, None))


def size_buckets(sizes: Counter[int]) -> list[tuple[str, int]]:
    """Clusters per size: 1..6 each, then ranges; empty ranges past the largest size are left out.

    >>> size_buckets(Counter({1: 5, 3: 2, 12: 1}))
    [('1', 5), ('2', 0), ('3', 2), ('4', 0), ('5', 0), ('6', 0), ('7–10', 0), ('11–20', 1)]
    """
    largest = max(sizes, default=1)
    buckets = [(str(size), sizes.get(size, 0)) for size in range(1, min(largest, SINGLE_SIZES) + 1)]
    for low, high in SIZE_BUCKETS:
        if low > largest:
            break
        label = f"{low}+" if high is None else f"{low}–{high}"
        buckets.append((label, sum(n for size, n in sizes.items() if low <= size and (high is None or size <= high))))
    return buckets
