"""One batch of documents -> clusters, optionally against a persistent index of earlier batches.

The steps are engine-agnostic functions; a parallel engine that runs the
same ones, with the same canonical ranks, gets byte-identical results:

1. record -> sketch: ``minhash.sketch_block`` (a document's sketch does not
   depend on the block it is computed in)
2. sketch -> bucket keys: ``lsh.band_keys`` (``lsh.band_key`` for one band)
3. bucket -> candidate pairs: ``lsh.bucket_pairs``, given the documents'
   ranks in ``clusters.canonical_order`` over the whole batch
4. pairs -> verified edges: ``verify.verified_edges``; then
   ``verify.one_hop_pairs`` and ``verified_edges`` once more
5. component -> clusters: ``clusters.centre_clusters``, per connected
   component of the verified edges or on the whole graph (the same result)

Only sketches (about 1 KB a document) are held, never texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np

from cleanews.config import DedupConfig
from cleanews.dedup.clusters import Edges, canonical_order, centre_clusters
from cleanews.dedup.index import DedupIndex, IndexNodes, Known, NewDocs
from cleanews.dedup.lsh import (
    PairSet,
    band_keys,
    bands,
    bucket_pairs,
    positions_in_runs,
)
from cleanews.dedup.minhash import (
    BLOCK_CODE_POINTS,
    Permutations,
    SketchBuffer,
    Sketches,
    SketchSettings,
    sketch_block,
)
from cleanews.dedup.verify import EdgeRule, one_hop_pairs, verified_edges
from cleanews.document import DedupInfo


@dataclass(frozen=True)
class IdConflict:
    """A record whose id the index (or this batch) already has with another text."""

    reason: str


Assignment = DedupInfo | IdConflict


@dataclass
class Sketched:
    """Documents sketched elsewhere (one partition, say): their ids and sketches, in order."""

    sketches: SketchBuffer
    ids: list[str] = field(default_factory=list)


def sketch_settings(config: DedupConfig) -> SketchSettings:
    return SketchSettings(config.shingle_size, config.head_tokens, Permutations.make(config.num_perm, config.seed))


class Deduplicator:
    """Collects documents, then assigns each a cluster.

    ``add`` documents in input order; ``assignments`` returns one
    ``DedupInfo`` (or ``IdConflict``) per document in that order. With an
    ``index``, the batch is deduplicated against earlier batches and stored.

    >>> story = ("The storm hit the coast on Monday and thousands of homes lost power, officials said. "
    ...          "Crews from three states worked through the night to clear roads, and the governor asked "
    ...          "people to stay indoors until the wind dropped. Schools will stay closed on Tuesday while "
    ...          "engineers check bridges along the river, the mayor told reporters at the town hall.")
    >>> dedup = Deduplicator()
    >>> for doc_id, text in [("a", story), ("b", story + "Local crews are helping."), ("c", "Elections in the north.")]:
    ...     dedup.add(doc_id, text)
    >>> [(a.cluster_id, a.cluster_size, a.is_representative) for a in dedup.assignments()]
    [('b', 2, False), ('b', 2, True), ('c', 1, True)]
    """

    def __init__(self, config: DedupConfig = DedupConfig(), index: DedupIndex | None = None):
        self.config = config
        self.index = index
        self.settings = sketch_settings(config)
        self._ids: list[str] = []
        self._pending: list[str] = []
        self._pending_points = 0
        self._buffer = SketchBuffer(config.num_perm)

    def add(self, doc_id: str, text: str) -> None:
        self._ids.append(doc_id)
        self._pending.append(text)
        self._pending_points += len(text)
        if self._pending_points >= BLOCK_CODE_POINTS:
            self._flush()

    def add_sketched(self, sketched: Sketched) -> None:
        """Add documents sketched elsewhere (``sketch_block`` in another process), in input order; ``sketched`` is emptied."""
        self._flush()
        self._ids.extend(sketched.ids)
        self._buffer.extend(sketched.sketches)
        sketched.ids = []

    def _flush(self) -> None:
        if self._pending:
            self._buffer.append(sketch_block(self._pending, self.settings))
            self._pending, self._pending_points = [], 0

    def assignments(self) -> Assignments:
        """Cluster the documents added so far (one batch); the deduplicator is then empty again."""
        self._flush()
        ids, self._ids = self._ids, []
        buffer, self._buffer = self._buffer, SketchBuffer(self.config.num_perm)
        if self.index is None:
            return assign_batch(ids, buffer, self.config, None)
        with self.index.batch():
            return assign_batch(ids, buffer, self.config, self.index)


@dataclass
class Split:
    """How a batch's records relate to what is already known."""

    new: list[int] = field(default_factory=list)  # input positions of documents to cluster
    stored: dict[int, Known] = field(default_factory=dict)  # already in the index, same text
    aliases: dict[int, int] = field(default_factory=dict)  # same id and text as an earlier record
    conflicts: dict[int, IdConflict] = field(default_factory=dict)


def split_batch(ids: list[str], sketches: SketchBuffer, index: DedupIndex | None) -> Split:
    """With an index, ids name documents: a known id with the same text is reused, with another text rejected."""
    split = Split()
    if index is None:
        split.new = list(range(len(ids)))
        return split
    known = index.known(ids)
    first: dict[str, int] = {}
    for position, doc_id in enumerate(ids):
        earlier = known.get(doc_id)
        if doc_id in first:
            if np.array_equal(sketches.row("full", first[doc_id]), sketches.row("full", position)):
                split.aliases[position] = first[doc_id]
            else:
                split.conflicts[position] = IdConflict(f"id {doc_id!r} appears earlier in this batch with a different text")
            continue
        first[doc_id] = position
        if earlier is None:
            split.new.append(position)
        elif np.array_equal(earlier.full, sketches.row("full", position)):
            split.stored[position] = earlier
        else:
            split.conflicts[position] = IdConflict(f"id {doc_id!r} is already in the index with a different text")
    return split


@dataclass
class Graph:
    """The nodes of one batch: its new documents (0..n-1, canonical order), then index documents."""

    sketches: Sketches
    ranks: np.ndarray
    fixed: np.ndarray  # representative node of index documents, -1 for new ones
    keep_bands: np.ndarray  # bool[new docs, bands]: bucket cells to store in the index
    index_nodes: IndexNodes


def assign_batch(ids: list[str], sketches: SketchBuffer, config: DedupConfig, index: DedupIndex | None) -> Assignments:
    """Every record's assignment, in input order (the buffer is emptied on the way)."""
    split = split_batch(ids, sketches, index)
    new_ids = [ids[p] for p in split.new]
    order = canonical_order(sketches.column("n_tokens")[split.new], new_ids)
    positions = np.array(split.new, dtype=np.int64)[order]
    new_ids = [new_ids[p] for p in order]
    graph, rep, score = clustered(sketches.layout(positions), config, index)
    first_doc = index.next_doc() if index is not None else 0
    clusters = name_clusters(rep, split, new_ids, graph, first_doc, index)
    results = in_input_order(len(ids), split, positions, rep, score, clusters)
    if index is not None:
        count = len(new_ids)
        index.append(NewDocs(new_ids, graph.sketches.take(slice(0, count)), clusters.of_node, score[:count], graph.keep_bands),
                     first_doc, clusters.grown)
    return results


def clustered(new: Sketches, config: DedupConfig, index: DedupIndex | None) -> tuple[Graph, np.ndarray, np.ndarray]:
    """The batch's graph, each node's representative and its score (``centre_clusters``).

    The candidate pairs and edges die here, before the index is written.
    """
    graph, candidates = build_graph(new, config, index)
    rule = EdgeRule.of(config)
    edges = verified_edges(graph.sketches, candidates, rule)
    extra = one_hop_pairs(candidates, with_membership(edges, graph), graph.ranks, len(new))
    del candidates
    edges = Edges.concat([edges, verified_edges(graph.sketches, extra, rule)])
    del extra
    return graph, *centre_clusters(graph.ranks, edges, graph.fixed)


def build_graph(new: Sketches, config: DedupConfig, index: DedupIndex | None) -> tuple[Graph, np.ndarray]:
    """The nodes, and the candidate pairs (sorted ``PairSet`` codes) of the new documents among themselves and with the index's."""
    count = len(new)
    has_shingles = np.flatnonzero(new.n_shingles > 0)  # documents without words are never candidates
    pairs = PairSet()
    cross: list[np.ndarray] = []
    keep = np.zeros((count, len(bands(config))), dtype=bool)
    store = index if index is not None and not index.is_empty() else None  # only a non-empty index is probed
    for band, all_keys in enumerate(band_keys(new, config)):
        keys = all_keys[has_shingles]
        pairs.add(has_shingles[bucket_pairs(keys, has_shingles, config.max_bucket_partners)])
        existing = np.zeros(len(keys), dtype=np.int64)
        if store is not None:
            found_keys, found_docs = store.probe(band, keys)
            cross.append(match_keys(keys, has_shingles, found_keys, found_docs))
            existing = np.searchsorted(found_keys, keys, "right") - np.searchsorted(found_keys, keys, "left")
        order = np.lexsort((has_shingles, keys))
        place = np.empty(len(keys), dtype=np.int64)
        place[order] = positions_in_runs(keys[order])
        keep[has_shingles, band] = place + existing < config.max_bucket_partners
    cross_pairs = np.concatenate(cross) if cross else np.empty((0, 2), dtype=np.int64)
    if store is None or not len(cross_pairs):
        return Graph(new, np.arange(count), np.full(count, -1, dtype=np.int64), keep, no_index_nodes(config)), pairs.codes()
    nodes = store.fetch(cross_pairs[:, 1])
    pairs.add(np.stack([cross_pairs[:, 0], count + np.searchsorted(nodes.docs, cross_pairs[:, 1])], axis=1))
    fixed = np.concatenate([np.full(count, -1, dtype=np.int64), count + np.searchsorted(nodes.docs, nodes.reps)])
    ranks = np.concatenate([len(nodes.docs) + np.arange(count), np.arange(len(nodes.docs))])
    return Graph(Sketches.concat([new, nodes.sketches], config.num_perm), ranks, fixed, keep, nodes), pairs.codes()


def no_index_nodes(config: DedupConfig) -> IndexNodes:
    return IndexNodes(np.empty(0, dtype=np.int64), Sketches.empty(config.num_perm), np.empty(0, dtype=np.int64))


def match_keys(keys: np.ndarray, nodes: np.ndarray, found_keys: np.ndarray, found_docs: np.ndarray) -> np.ndarray:
    """(node, index doc) for every batch key that the index also has."""
    low = np.searchsorted(found_keys, keys, "left")
    counts = np.searchsorted(found_keys, keys, "right") - low
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.stack([np.repeat(nodes, counts), found_docs[np.repeat(low, counts) + within]], axis=1)


def with_membership(edges: Edges, graph: Graph) -> Edges:
    """The verified edges plus each index document's edge to its representative."""
    count = len(graph.ranks) - len(graph.index_nodes.docs)
    members = np.flatnonzero(graph.fixed[count:] != np.arange(count, len(graph.ranks))) + count
    return Edges.concat([edges, Edges(members, graph.fixed[members], np.ones(len(members)))])


@dataclass(frozen=True)
class Clusters:
    """Where the new documents went. Clusters are named by their representative's doc number."""

    of_node: np.ndarray  # int64: each new document's cluster
    names: dict[int, str]  # cluster -> cluster_id (the representative's id)
    sizes: dict[int, int]  # cluster -> size after this batch
    grown: dict[int, int]  # the clusters this batch adds to or creates -> their new size


def name_clusters(rep: np.ndarray, split: Split, new_ids: list[str], graph: Graph, first_doc: int,
                  index: DedupIndex | None) -> Clusters:
    """Clusters of the new documents (new ones are numbered ``first_doc + node``), with names and sizes."""
    count = len(new_ids)
    of_node = first_doc + rep[:count]
    joined = np.flatnonzero(rep[:count] >= count)
    of_node[joined] = graph.index_nodes.docs[rep[joined] - count]
    old = sorted(set(of_node[joined].tolist()) | {known.cluster for known in split.stored.values()})
    sizes = index.cluster_sizes(old) if index is not None else {}
    names = index.ext_ids(old) if index is not None else {}
    names.update({first_doc + node: new_ids[node] for node in np.flatnonzero(rep[:count] == np.arange(count)).tolist()})
    clusters, added = np.unique(of_node, return_counts=True)
    grown = {cluster: sizes.get(cluster, 0) + extra for cluster, extra in zip(clusters.tolist(), added.tolist(), strict=True)}
    return Clusters(of_node, names, {**sizes, **grown}, grown)


class Assignments(Sequence[Assignment]):
    """Every record's assignment in input order, kept as arrays: a million DedupInfo objects would cost 200 MB.

    A sequence of ``DedupInfo`` (or ``IdConflict``), each made when it is looked at.
    """

    def __init__(self, cluster: np.ndarray, is_representative: np.ndarray, similarity: np.ndarray, clusters: Clusters,
                 conflicts: dict[int, IdConflict]):
        self.cluster = cluster  # int64: each record's cluster (its representative's doc number); any value for a conflict
        self.is_representative = is_representative  # bool
        self.similarity = similarity  # float64
        self.clusters = clusters
        self.conflicts = conflicts  # by position

    def __len__(self) -> int:
        return len(self.cluster)

    @overload
    def __getitem__(self, position: int) -> Assignment: ...

    @overload
    def __getitem__(self, position: slice) -> Assignments: ...

    def __getitem__(self, position: int | slice) -> Assignment | Assignments:
        if isinstance(position, slice):
            return self._part(*position.indices(len(self)))
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        conflict = self.conflicts.get(position)
        if conflict is not None:
            return conflict
        cluster = int(self.cluster[position])
        return DedupInfo(self.clusters.names[cluster], self.clusters.sizes[cluster], bool(self.is_representative[position]),
                         round(float(self.similarity[position]), 4))

    def _part(self, start: int, stop: int, step: int) -> Assignments:
        if step != 1:
            raise ValueError("assignments are sliced in steps of 1")
        conflicts = {position - start: conflict for position, conflict in self.conflicts.items() if start <= position < stop}
        return Assignments(self.cluster[start:stop], self.is_representative[start:stop], self.similarity[start:stop],
                           self.clusters, conflicts)


def in_input_order(records: int, split: Split, positions: np.ndarray, rep: np.ndarray, score: np.ndarray,
                   clusters: Clusters) -> Assignments:
    count = len(positions)
    cluster = np.zeros(records, dtype=np.int64)
    is_representative = np.zeros(records, dtype=bool)
    similarity = np.ones(records)
    cluster[positions] = clusters.of_node
    is_representative[positions] = rep[:count] == np.arange(count)
    similarity[positions] = score[:count]
    for position, known in split.stored.items():
        cluster[position] = known.cluster
        is_representative[position] = known.doc == known.cluster
        similarity[position] = known.similarity
    for position, earlier in split.aliases.items():
        # A repeat of an earlier record (same id, same text) is its copy: never a second representative.
        cluster[position] = cluster[earlier]
        similarity[position] = 1.0
    conflicts = {**split.conflicts, **{position: split.conflicts[earlier] for position, earlier in split.aliases.items()
                                       if earlier in split.conflicts}}
    return Assignments(cluster, is_representative, similarity, clusters, conflicts)
