"""Dedup on real cleaned pages: every page next to its gold text, and the clusters that join different pages.

The shared benchmark pages have no labelled near-duplicates, so each page
gets a known copy: its gold text, the same article as another extractor
would cut it (without the page's furniture, or with part of it). A good
deduplicator merges page and gold, and joins different pages only when
their texts are the same; this prints the first rate and every cluster of
the second kind, for reading.

    cleanews clean ../shared/data/clean/*.jsonl.gz --mode html -o /tmp/clean.jsonl
    python benchmarks/dedup_real_pages.py /tmp/clean.jsonl

The site-boilerplate step's templates are counted over the cleaned pages,
as ``cleanews run`` does, and left out of the compared text.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

from cleanews import DedupConfig, Deduplicator, Document
from cleanews.clean.site import SiteConfig, count_sites, without_template
from cleanews.dedup.shingles import tokens

GOLD = "gold:"


def shingles(text: str, size: int = 2) -> set[tuple[str, ...]]:
    words = tokens(text)
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def containment(first: str, second: str) -> float:
    a, b = shingles(first), shingles(second)
    return len(a & b) / max(1, min(len(a), len(b)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("cleaned", help="cleanews clean output whose records carry the gold field")
    args = parser.parse_args()
    with open(args.cleaned, encoding="utf-8") as source:
        records = [json.loads(line) for line in source]
    docs = [Document(id=r["id"], text=r["text"], url=r.get("url")) for r in records]
    gold = {r["id"]: r["gold"] for r in records}
    templates = count_sites(docs).templates(SiteConfig())
    compared = {doc.id: without_template(doc, templates) for doc in docs} | {GOLD + i: text for i, text in gold.items()}
    dedup = Deduplicator(DedupConfig())
    for doc_id, text in compared.items():
        dedup.add(doc_id, text)
    cluster = {doc_id: info.cluster_id for doc_id, info in zip(compared, dedup.assignments(), strict=True)}
    minimum = DedupConfig().min_shingles
    pairs = [i for i in gold if len(shingles(gold[i])) >= minimum and len(shingles(compared[i])) >= minimum
             and containment(compared[i], gold[i]) >= 0.8]
    missed = [i for i in pairs if cluster[i] != cluster[GOLD + i]]
    print(f"{len(docs)} pages; page and gold merged: {len(pairs) - len(missed)} of {len(pairs)} pairs "
          f"(both >= {minimum} shingles, gold 2-gram containment >= 0.8)")
    print("missed:", ", ".join(missed))
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, cluster_id in cluster.items():
        members[cluster_id].append(doc_id)
    joined = [sorted(group) for group in members.values() if len({i.removeprefix(GOLD) for i in group}) > 1]
    print(f"clusters joining different pages: {len(joined)}")
    for group in joined:
        print(" --", ", ".join(f"{i} ({len(tokens(compared[i]))} words)" for i in group))
        for doc_id in group[:3]:
            print(f"      {doc_id}: {compared[doc_id][:150]!r}")


if __name__ == "__main__":
    main()
