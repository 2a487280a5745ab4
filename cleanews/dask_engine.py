"""The same pipeline on a Dask cluster: ``cleanews run ... --engine dask``.

Nothing here re-implements a step: each Dask task calls the functions the
local engine calls, and only the data movement differs.

- Partitions are input files (any fsspec path: local, ``s3://``...).
- Cleaning: ``pipeline.clean_one`` per record, partition by partition.
- Site boilerplate: ``site.count_sites`` per partition, counts summed in a
  tree, then ``site.strip_template`` per partition.
- Dedup, with the functions of ``cleanews.dedup``:
  1. ``minhash.sketch_block`` per partition;
  2. canonical ranks from a distributed sort on (-tokens, id, position), so
     node numbers are the local engine's;
  3. ``lsh.band_keys`` per partition, a shuffle on (band, key), and
     ``lsh.bucket_pairs`` per bucket: the candidate pairs;
  4. ``verify.score_pairs`` on candidate rows joined with both sketches;
     then the one-hop pairs (``verify.EXPANSION_WIDTH`` best earlier
     neighbours), verified the same way;
  5. connected components by min-label propagation over DataFrame merges,
     iterated until no label changes;
  6. ``clusters.centre_clusters`` per component, in canonical order: the
     same representatives and scores as one process computes.
- Output: one JSONL file per partition (``part-00000.jsonl.gz``...), the
  rejects beside them (``rejects-00000.jsonl.gz``, only when there are some),
  and the run's counts in ``stats.json``. Each file is written under a
  temporary name and renamed when complete.

With ``--index`` the clustering itself runs in the client process, against
the SQLite file (see ``indexed_assignments``); everything else stays on the
workers. Not on Dask: the per-document time limit (Dask runs tasks in
threads of its workers, which cannot be stopped) and ``--resume``.
"""

from __future__ import annotations

import json
import logging
import posixpath
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

import dask
import dask.dataframe as dd
import fsspec
import numpy as np
import pandas as pd
import pyarrow as pa
from dask.delayed import Delayed, delayed
from distributed import Client, LocalCluster
from fsspec.implementations.local import LocalFileSystem

from cleanews.clean.site import SiteCounts, SiteTemplates, count_sites, strip_template
from cleanews.config import DedupConfig
from cleanews.dedup import Assignment, DedupIndex, Deduplicator, IdConflict
from cleanews.dedup.clusters import Edges, centre_clusters
from cleanews.dedup.deduplicator import sketch_settings
from cleanews.dedup.lsh import PairSet, band_keys, bucket_pairs
from cleanews.dedup.minhash import Sketches, sketch_block
from cleanews.dedup.verify import EXPANSION_WIDTH, EdgeRule, score_pairs
from cleanews.document import DedupInfo, Document
from cleanews.errors import InputError
from cleanews.io import STDIN, Item, Reject, is_supported, read_path
from cleanews.pipeline import FileStats, RunConfig, Stats, clean_one, reject_document

PART_NAME = "part-{:05d}.jsonl.gz"
REJECTS_NAME = "rejects-{:05d}.jsonl.gz"
STATS_NAME = "stats.json"


def run_on_dask(config: RunConfig, scheduler: str | None = None, workers: int | None = None) -> Stats:
    """Run ``config`` on the cluster at ``scheduler`` (a LocalCluster of ``workers`` processes when None)."""
    if config.resume or config.rejects is not None:
        raise InputError("--resume and --rejects are not available with --engine dask "
                         "(rejects are written beside the output parts)")
    # Task-based shuffles: the peer-to-peer ones hung now and then on the
    # repeated joins of the label propagation (distributed 2026.8).
    with connect(scheduler, workers or config.jobs) as client, dask.config.set({"dataframe.shuffle.method": "tasks"}):
        return run_partitions(config, client)


@contextmanager
def connect(scheduler: str | None, workers: int) -> Iterator[Client]:
    """A client for ``scheduler``, or for a new LocalCluster that is closed again afterwards."""
    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client


def run_partitions(config: RunConfig, client: Client) -> Stats:
    paths = input_paths(config.inputs)
    parts = [delayed(read_and_clean)(path, config) for path in paths]
    parts = client.persist(parts)
    if config.clean is not None and config.site is not None:
        templates = delayed(SiteCounts.templates)(tree_sum([delayed(partition_site_counts)(p) for p in parts]), config.site)
        parts = client.persist([delayed(strip_partition)(p, templates) for p in parts])
    if config.dedup is not None:
        assignments: list[Any] = (indexed_assignments(parts, config.dedup, config.index, client) if config.index is not None
                                  else dedup_assignments(parts, config.dedup, client))
        parts = [delayed(annotate_partition)(p, a) for p, a in zip(parts, assignments, strict=True)]
    output = output_dir(config.output)
    written = [delayed(write_partition)(p, path, output, number, config.drop_duplicates)
               for number, (p, path) in enumerate(zip(parts, paths, strict=True))]
    stats = merged(dask.compute(*written))
    with fsspec.open(posixpath.join(output, STATS_NAME), "w") as handle:
        json.dump(stats.to_dict(), handle, indent=2)
    return stats


def input_paths(inputs: tuple[str, ...]) -> list[str]:
    """Files named by paths, directories or globs on any fsspec filesystem, in a stable order."""
    paths: list[str] = []
    for spec in inputs:
        if spec == STDIN:
            raise InputError("--engine dask reads files, not stdin")
        fs, root = fsspec.core.url_to_fs(spec)
        found = [p for p in fs.find(root) if is_supported(p)] if fs.isdir(root) else [p for p in fs.glob(root) if fs.isfile(p)]
        if not found:
            raise InputError(f"{spec}: no such file, directory or matching glob")
        local = isinstance(fs, LocalFileSystem)
        paths.extend(p if local else fs.unstrip_protocol(p) for p in sorted(found))
    return paths


def open_remote(path: str) -> IO[bytes]:
    return fsspec.open(path, "rb").open()


# --- cleaning -------------------------------------------------------------

def read_and_clean(path: str, config: RunConfig) -> list[Item]:
    items: Iterable[Item] = read_path(path, config.fields, config.limits, opener=open_remote)
    if config.clean is not None:
        clean = config.clean
        items = (clean_one(item, clean) for item in items)
    return list(items)


def partition_site_counts(items: list[Item]) -> SiteCounts:
    return count_sites(item for item in items if isinstance(item, Document))


def tree_sum(counts: list[Delayed]) -> Delayed:
    """Sum partial SiteCounts pairwise, so no task merges them all."""
    while len(counts) > 1:
        counts = [delayed(SiteCounts.merge)(counts[i], counts[i + 1]) if i + 1 < len(counts) else counts[i]
                  for i in range(0, len(counts), 2)]
    return counts[0] if counts else delayed(SiteCounts)()


def strip_partition(items: list[Item], templates: SiteTemplates) -> list[Item]:
    return [strip_template(item, templates) if isinstance(item, Document) else item for item in items]


# --- dedup -------------------------------------------------------------------

def dedup_assignments(parts: list[Delayed], config: DedupConfig, client: Client) -> list[Delayed]:
    """One list of DedupInfo per partition (in its documents' order)."""
    sketched = client.persist([delayed(sketch_partition)(p, number, config) for number, p in enumerate(parts)])
    nodes = ranked_nodes(sketched, client)  # part, pos, rank, id, n_tokens + sketch columns
    candidates = candidate_pairs(nodes, config)
    rule = EdgeRule.of(config)
    edges = verify(candidates, nodes, rule).persist()
    extra = one_hop(candidates, edges)
    edges = dd.concat([edges, verify(extra, nodes, rule)]).persist()
    labels = components(edges)
    chosen = centres(edges, labels)  # rank -> rep rank, score
    info = name_clusters(nodes, chosen)
    # One partition per input partition: partition i holds exactly part i.
    by_part = info.set_index("part", divisions=list(range(len(parts) + 1)))
    return [delayed(partition_infos)(frame) for frame in by_part.to_delayed()]


def indexed_assignments(parts: list[Delayed], config: DedupConfig, index: str, client: Client) -> list[list[Assignment]]:
    """With a persistent index: sketches are made on the workers, clustering runs here against the index.

    The SQLite index is one file that every run reads and extends in one
    transaction, so its batch is clustered where the file is, by the same
    ``Deduplicator`` the local engine uses. Only sketches (about 1 KB a
    document) travel to this process, one partition at a time.
    """
    sketched = [delayed(sketch_partition)(p, number, config) for number, p in enumerate(parts)]
    counts = []
    with DedupIndex(index, config) as store:
        dedup = Deduplicator(config, store)
        for future in client.compute(sketched):
            frame = future.result()
            dedup.add_sketches(frame["id"].tolist(), sketches_of(frame))
            counts.append(len(frame))
        assignments = dedup.assignments()
    starts = np.cumsum([0, *counts])
    return [assignments[start:stop] for start, stop in zip(starts[:-1], starts[1:], strict=True)]


# Signatures travel as Arrow binary cells (num_perm uint32 values each):
# pandas object columns would be turned into strings by Dask, and one column
# per value made every join copy hundreds of columns.
BINARY = pd.ArrowDtype(pa.binary())


def sketch_partition(items: list[Item], part: int, config: DedupConfig) -> pd.DataFrame:
    """One row per document: where it is, what orders it, and its sketch."""
    docs = [item for item in items if isinstance(item, Document)]
    sketches = sketch_block([doc.text for doc in docs], sketch_settings(config)) if docs else Sketches.empty(config.num_perm)
    return pd.DataFrame({
        "part": np.full(len(docs), part, dtype=np.int64),
        "pos": np.arange(len(docs), dtype=np.int64),
        "id": [doc.id for doc in docs],
        "neg_tokens": -sketches.n_tokens.astype(np.int64),
        "n_shingles": sketches.n_shingles.astype(np.int64),
        "n_head": sketches.n_head.astype(np.int64),
        "full": pd.Series([row.tobytes() for row in sketches.full], dtype=BINARY),
        "head": pd.Series([row.tobytes() for row in sketches.head], dtype=BINARY),
    })


def ranked_nodes(sketched: list[Delayed], client: Client) -> dd.DataFrame:
    """Every document with its rank in the canonical order (-tokens, id, input position)."""
    frame = dd.from_delayed(sketched, meta=sketch_partition([], 0, DedupConfig()), verify_meta=False)
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


def verify(codes: dd.DataFrame, nodes: dd.DataFrame, rule: EdgeRule) -> dd.DataFrame:
    """The candidate pairs that pass ``rule``: (first, second, score) in ranks."""
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


def one_hop(candidates: dd.DataFrame, edges: dd.DataFrame) -> dd.DataFrame:
    """Pairs (d, x): (d, c) a candidate, x one of c's best earlier verified neighbours, not a candidate already."""
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


def components(edges: dd.DataFrame) -> dd.DataFrame:
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


def centres(edges: dd.DataFrame, labels: dd.DataFrame) -> dd.DataFrame:
    """Per component, ``centre_clusters``: (rank, rep, score) for every node with an edge."""
    labelled = hash_join(edges, labels.rename(columns={"node": "first"}), "first", "first")
    return labelled.shuffle("label").map_partitions(
        centre_partition, meta={"rank": np.int64, "rep": np.int64, "score": float})


def centre_partition(frame: pd.DataFrame) -> pd.DataFrame:
    results = []
    for _, component in frame.groupby("label", sort=True):
        first, second = component["first"].to_numpy(np.int64), component["second"].to_numpy(np.int64)
        members = np.unique(np.concatenate([first, second]))  # sorted ranks
        edges = Edges(np.searchsorted(members, first), np.searchsorted(members, second), component["score"].to_numpy(float))
        rep, score = centre_clusters(np.arange(len(members)), edges, np.full(len(members), -1, dtype=np.int64))
        results.append(pd.DataFrame({"rank": members, "rep": members[rep], "score": score}))
    return pd.concat(results, ignore_index=True) if results else pd.DataFrame(
        {"rank": [], "rep": [], "score": []}).astype({"rank": np.int64, "rep": np.int64})


def name_clusters(nodes: dd.DataFrame, chosen: dd.DataFrame) -> dd.DataFrame:
    """Every document's DedupInfo fields, with its part and position."""
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


def annotate_partition(items: list[Item], infos: list[Assignment]) -> list[Item]:
    """Each document with its cluster; one whose id the index holds with another text becomes a Reject."""
    documents = sum(isinstance(item, Document) for item in items)
    if documents != len(infos):
        raise AssertionError(f"{len(infos)} cluster assignments for {documents} documents")
    found = iter(infos)
    return [annotated(item, next(found)) if isinstance(item, Document) else item for item in items]


def annotated(doc: Document, assignment: Assignment) -> Item:
    if isinstance(assignment, IdConflict):
        return reject_document(doc, assignment.reason)
    return doc.replace(dedup=assignment)


# --- output ------------------------------------------------------------------

def output_dir(output: str) -> str:
    if output == "-":
        raise InputError("--engine dask writes one file per partition: give -o a directory")
    fs, path = fsspec.core.url_to_fs(output)
    fs.makedirs(path, exist_ok=True)
    return output


def write_partition(items: list[Item], path: str, output: str, number: int, drop_duplicates: bool) -> Stats:
    """Write one partition's documents and rejects; its counts, as the local engine counts them."""
    stats = Stats(files=[FileStats(path)])
    stats.count_read(0, len(items))
    kept = []
    for item in items:
        if isinstance(item, Reject):
            stats.count_reject(0)
        elif drop_duplicates and item.dedup is not None and not item.dedup.is_representative:
            stats.count_dropped(0)
        else:
            stats.count_output(0, item)
            kept.append(item.to_record())
    write_lines(posixpath.join(output, PART_NAME.format(number)), kept)
    rejects = [item.to_record() for item in items if isinstance(item, Reject)]
    if rejects:
        write_lines(posixpath.join(output, REJECTS_NAME.format(number)), rejects)
    return stats


def write_lines(path: str, records: list[dict[str, Any]]) -> None:
    """JSONL, compressed by extension, written under a temporary name and renamed when complete."""
    fs, target = fsspec.core.url_to_fs(path)
    temporary = f"{target}.incomplete"
    with fs.open(temporary, "wb", compression=fsspec.utils.infer_compression(target)) as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
    fs.mv(temporary, target)


def merged(parts: Iterable[Stats]) -> Stats:
    """The run's counts from its partitions' counts."""
    total = Stats()
    for part in parts:
        for name in ("records_in", "records_out", "rejected", "duplicates_dropped", "encoding_repaired",
                     "clusters", "clusters_with_duplicates", "characters_out"):
            setattr(total, name, getattr(total, name) + getattr(part, name))
        for name in ("removed_by_rule", "characters_removed_by_rule", "cluster_sizes"):
            getattr(total, name).update(getattr(part, name))
        total.files.extend(part.files)
    return total
