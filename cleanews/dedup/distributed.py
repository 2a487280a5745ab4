"""The dedup graph on a Dask cluster: ``deduplicator.assign_batch`` for partitions spread over workers.

Each function is the distributed form of the local one it is named after,
and gives the same result (``tests/test_dask_engine.py`` checks identical
clusters); the per-row work is done by the local functions themselves:

1. ``canonical_ranks``: ranks in ``clusters.canonical_order`` from a
   distributed sort on (-tokens, id, position), so node numbers are the
   local engine's;
2. ``candidate_pairs``: ``lsh.band_keys`` per partition, a shuffle on
   (band, key), and ``lsh.bucket_pairs`` per bucket;
3. ``verified_edges``: ``verify.score_pairs`` on candidate rows joined with
   both sketches; then ``one_hop_pairs`` (``verify.EXPANSION_WIDTH`` best
   earlier neighbours), verified the same way;
4. ``connected_components`` by min-label propagation over DataFrame joins,
   iterated until no label changes;
5. ``centre_clusters``: ``clusters.centre_clusters`` per component, in
   canonical order; ``name_clusters``: ids and sizes.

Only without an index: with one, the batch is clustered in the client
against the SQLite file (``steps.Dedup.combine``).
"""

from __future__ import annotations

from typing import Any

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pyarrow as pa
from dask.delayed import Delayed, delayed
from distributed import Client

from cleanews.config import DedupConfig
from cleanews.dedup import clusters
from cleanews.dedup.clusters import Edges
from cleanews.dedup.deduplicator import Sketched
from cleanews.dedup.lsh import PairSet, band_keys, bucket_pairs
from cleanews.dedup.minhash import SketchBuffer, Sketches
from cleanews.dedup.verify import EXPANSION_WIDTH, EdgeRule, score_pairs
from cleanews.document import DedupInfo


def assign_partitions(states: list[Delayed], config: DedupConfig, client: Client) -> list[Delayed]:
    """One list of DedupInfo per partition (in its documents' order) from the partitions' ``Sketched`` states.

    The distributed ``deduplicator.assign_batch`` (without an index), step by step.
    """
    sketched = client.persist([delayed(sketch_frame)(state, number, config.num_perm) for number, state in enumerate(states)])
    nodes = canonical_ranks(sketched, config.num_perm, client)  # part, pos, rank, id, n_tokens + sketch columns
    candidates = candidate_pairs(nodes, config)
    rule = EdgeRule.of(config)
    edges = verified_edges(candidates, nodes, rule).persist()
    extra = one_hop_pairs(candidates, edges)
    edges = dd.concat([edges, verified_edges(extra, nodes, rule)]).persist()
    labels = connected_components(edges)
    chosen = centre_clusters(edges, labels)  # rank -> rep rank, score
    info = name_clusters(nodes, chosen)
    # One partition per input partition: partition i holds exactly part i.
    by_part = info.set_index("part", divisions=list(range(len(states) + 1)))
    return [delayed(partition_infos)(frame) for frame in by_part.to_delayed()]


# Signatures travel as Arrow binary cells (num_perm uint32 values each):
# pandas object columns would be turned into strings by Dask, and one column
# per value made every join copy hundreds of columns.
BINARY = pd.ArrowDtype(pa.binary())


def sketch_frame(state: Sketched, part: int, num_perm: int) -> pd.DataFrame:
    """One row per document: where it is, what orders it, and its sketch."""
    sketches = state.sketches.all()
    count = len(state.ids)
    return pd.DataFrame({
        "part": np.full(count, part, dtype=np.int64),
        "pos": np.arange(count, dtype=np.int64),
        "id": state.ids,
        "neg_tokens": -sketches.n_tokens.astype(np.int64),
        "n_shingles": sketches.n_shingles.astype(np.int64),
        "n_head": sketches.n_head.astype(np.int64),
        "full": pd.Series([row.tobytes() for row in sketches.full], dtype=BINARY),
        "head": pd.Series([row.tobytes() for row in sketches.head], dtype=BINARY),
    })


def canonical_ranks(sketched: list[Delayed], num_perm: int, client: Client) -> dd.DataFrame:
    """Every document with its rank in ``clusters.canonical_order`` (-tokens, id, input position)."""
    frame = dd.from_delayed(sketched, meta=sketch_frame(Sketched(SketchBuffer(num_perm)), 0, num_perm), verify_meta=False)
    ordered = frame.sort_values(["neg_tokens", "id", "part", "pos"])
    sizes = client.compute(ordered.map_partitions(len), sync=True).tolist()
    offsets = np.cumsum([0, *sizes[:-1]])
    ranked = ordered.map_partitions(with_ranks, offsets, meta={**ordered._meta.dtypes.to_dict(), "rank": np.int64})
    return ranked.persist()


def with_ranks(frame: pd.DataFrame, offsets: np.ndarray, partition_info: dict[str, Any] | None = None) -> pd.DataFrame:
    start = int(offsets[partition_info["number"]]) if partition_info else 0
    return frame.assign(rank=np.arange(start, start + len(frame), dtype=np.int64))


def candidate_pairs(nodes: dd.DataFrame, config: DedupConfig) -> dd.DataFrame:
    """Distinct candidate pairs (``PairSet`` codes) from the LSH buckets."""
    rows = nodes.map_partitions(band_rows, config, meta={"band": np.int64, "key": np.int64, "rank": np.int64})
    buckets = rows.shuffle(["band", "key"])
    pairs = buckets.map_partitions(bucket_codes, config.max_bucket_partners, meta={"code": np.int64})
    return pairs.drop_duplicates(split_out=pairs.npartitions).persist()


def sketches_of(frame: pd.DataFrame, prefix: str = "") -> Sketches:
    """The Sketches of a frame's rows (columns as ``sketch_partition`` makes them, behind ``prefix``)."""
    def signatures(column: str) -> np.ndarray:
        cells = frame[prefix + column].tolist()
        width = len(cells[0]) // 4 if cells else 0
        return np.frombuffer(b"".join(cells), dtype=np.uint32).reshape(len(cells), width)

    return Sketches(signatures("full"), signatures("head"), frame[prefix + "n_shingles"].to_numpy(np.int64),
                    frame[prefix + "n_head"].to_numpy(np.int64), -frame[prefix + "neg_tokens"].to_numpy(np.int64))


def band_rows(frame: pd.DataFrame, config: DedupConfig) -> pd.DataFrame:
    frame = frame[frame["n_shingles"] > 0]
    sketches = sketches_of(frame)
    parts = [pd.DataFrame({"band": band, "key": keys, "rank": frame["rank"].to_numpy(np.int64)})
             for band, keys in enumerate(band_keys(sketches, config))] if len(frame) else []
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"band": [], "key": [], "rank": []}, dtype=np.int64)


def bucket_codes(rows: pd.DataFrame, max_partners: int) -> pd.DataFrame:
    """Candidate pairs of whole buckets (the shuffle put every bucket in one partition)."""
    codes = [np.empty(0, dtype=np.int64)]
    for _, band in rows.groupby("band", sort=True):
        ranks = band["rank"].to_numpy(np.int64)
        pairs = bucket_pairs(band["key"].to_numpy(np.int64), ranks, max_partners)
        codes.append(PairSet.encode(ranks[pairs]))
    return pd.DataFrame({"code": np.unique(np.concatenate(codes))})


def hash_join(left: dd.DataFrame, right: dd.DataFrame, left_on: str, right_on: str, how: str = "inner") -> dd.DataFrame:
    """A join done as one: both sides shuffled by the hash of their key into the same number of
    partitions, then partition i of one merged with partition i of the other.

    Spelled out rather than left to ``DataFrame.merge``, which on some inputs
    assumed both sides were already partitioned alike and lost rows.
    """
    count = max(left.npartitions, right.npartitions)
    left = left.shuffle(left_on, npartitions=count)
    right = right.shuffle(right_on, npartitions=count)
    meta = left._meta.merge(right._meta, left_on=left_on, right_on=right_on, how=how)
    return dd.map_partitions(pd.merge, left, right, left_on=left_on, right_on=right_on, how=how,
                             meta=meta, align_dataframes=False)


def verified_edges(codes: dd.DataFrame, nodes: dd.DataFrame, rule: EdgeRule) -> dd.DataFrame:
    """``verify.verified_edges``: the candidate pairs that pass ``rule``, (first, second, score) in ranks."""
    pairs = codes.assign(first=codes["code"] // PairSet.BASE, second=codes["code"] % PairSet.BASE)
    sketch = nodes.drop(columns=["part", "pos", "id"])
    joined = hash_join(pairs, sketch.rename(columns=lambda c: "a_" + c), "first", "a_rank")
    joined = hash_join(joined, sketch.rename(columns=lambda c: "b_" + c), "second", "b_rank")
    return joined.map_partitions(passing_edges, rule, meta={"first": np.int64, "second": np.int64, "score": float})


def passing_edges(frame: pd.DataFrame, rule: EdgeRule) -> pd.DataFrame:
    count = len(frame)
    if not count:
        return pd.DataFrame({"first": [], "second": [], "score": []}).astype({"first": np.int64, "second": np.int64})
    first = sketches_of(frame, "a_")
    both = Sketches.concat([first, sketches_of(frame, "b_")], first.full.shape[1])
    scores = score_pairs(both, np.stack([np.arange(count), count + np.arange(count)], axis=1), rule)
    keep = scores.passing(rule)
    return pd.DataFrame({"first": frame["first"].to_numpy(np.int64)[keep], "second": frame["second"].to_numpy(np.int64)[keep],
                         "score": scores.containment[keep]})


def one_hop_pairs(candidates: dd.DataFrame, edges: dd.DataFrame) -> dd.DataFrame:
    """``verify.one_hop_pairs``: (d, x) with (d, c) a candidate, x one of c's best earlier verified neighbours, not a candidate already."""
    oriented = edges.assign(earlier=edges[["first", "second"]].min(axis=1), later=edges[["first", "second"]].max(axis=1))
    best = oriented.shuffle("later").map_partitions(best_earlier, meta={"later": np.int64, "earlier": np.int64})
    pairs = candidates.assign(a=candidates["code"] // PairSet.BASE, b=candidates["code"] % PairSet.BASE)
    both = dd.concat([pairs[["a", "b"]].rename(columns={"a": "origin", "b": "via"}),
                      pairs[["b", "a"]].rename(columns={"b": "origin", "a": "via"})])
    found = hash_join(both, best, "via", "later")
    found = found[found["origin"] != found["earlier"]]
    codes = found.map_partitions(pair_codes, "origin", "earlier", meta={"code": np.int64}).drop_duplicates()
    new = hash_join(codes, candidates.assign(known=True), "code", "code", how="left")
    return new[new["known"].isna()][["code"]]


def pair_codes(frame: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    return pd.DataFrame({"code": PairSet.encode(frame[[first, second]].to_numpy(np.int64))})


def best_earlier(frame: pd.DataFrame) -> pd.DataFrame:
    """Each node's EXPANSION_WIDTH best earlier neighbours: by score, then rank (ranks are the canonical order)."""
    ordered = frame.assign(neg_score=-frame["score"]).sort_values(["later", "neg_score", "earlier"])
    return ordered.groupby("later", sort=False).head(EXPANSION_WIDTH)[["later", "earlier"]]


def connected_components(edges: dd.DataFrame) -> dd.DataFrame:
    """(rank, label): each node that has an edge and the smallest rank of its connected component.

    Min-label propagation: every node takes the smallest label among itself
    and its neighbours, until no label changes (rounds ~ the diameter).
    """
    links = dd.concat([edges[["first", "second"]].rename(columns={"first": "node", "second": "other"}),
                       edges[["second", "first"]].rename(columns={"second": "node", "first": "other"})]).persist()
    labels = links.groupby("node")["other"].min().to_frame("label").reset_index()
    labels = labels.assign(label=labels[["node", "label"]].min(axis=1)).persist()
    while True:
        seen = hash_join(links, labels.rename(columns={"node": "other", "label": "other_label"}), "other", "other")
        fresh = seen.groupby("node")["other_label"].min().to_frame("candidate").reset_index()
        merged = hash_join(labels, fresh, "node", "node")
        merged = merged.assign(new=merged[["label", "candidate"]].min(axis=1))
        changed = int((merged["new"] != merged["label"]).sum().compute())
        labels = merged[["node"]].assign(label=merged["new"]).persist()
        if not changed:
            return labels


def centre_clusters(edges: dd.DataFrame, labels: dd.DataFrame) -> dd.DataFrame:
    """``clusters.centre_clusters`` per connected component: (rank, rep, score) for every node with an edge."""
    labelled = hash_join(edges, labels.rename(columns={"node": "first"}), "first", "first")
    return labelled.shuffle("label").map_partitions(
        centre_partition, meta={"rank": np.int64, "rep": np.int64, "score": float})


def centre_partition(frame: pd.DataFrame) -> pd.DataFrame:
    results = []
    for _, component in frame.groupby("label", sort=True):
        first, second = component["first"].to_numpy(np.int64), component["second"].to_numpy(np.int64)
        members = np.unique(np.concatenate([first, second]))  # sorted ranks
        edges = Edges(np.searchsorted(members, first), np.searchsorted(members, second), component["score"].to_numpy(float))
        rep, score = clusters.centre_clusters(np.arange(len(members)), edges, np.full(len(members), -1, dtype=np.int64))
        results.append(pd.DataFrame({"rank": members, "rep": members[rep], "score": score}))
    return pd.concat(results, ignore_index=True) if results else pd.DataFrame(
        {"rank": [], "rep": [], "score": []}).astype({"rank": np.int64, "rep": np.int64})


def name_clusters(nodes: dd.DataFrame, chosen: dd.DataFrame) -> dd.DataFrame:
    """``deduplicator.name_clusters``: each document's cluster id (its representative's id) and size, with its part and position."""
    placed = hash_join(nodes[["part", "pos", "rank", "id"]], chosen, "rank", "rank", how="left")
    placed = placed.assign(rep=placed["rep"].fillna(placed["rank"]).astype(np.int64), score=placed["score"].fillna(1.0))
    sizes = placed.groupby("rep").size().to_frame("size").reset_index()
    names = nodes[["rank", "id"]].rename(columns={"rank": "rep", "id": "cluster_id"})
    return hash_join(hash_join(placed, sizes, "rep", "rep"), names, "rep", "rep")


def partition_infos(rows: pd.DataFrame) -> list[DedupInfo]:
    """The DedupInfo of a partition's documents, in their order."""
    rows = rows.sort_values("pos")
    return [DedupInfo(row.cluster_id, int(row.size), bool(row.rep == row.rank), round(float(row.score), 4))
            for row in rows.itertuples()]
