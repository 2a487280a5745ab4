"""The persistent dedup index: signatures, LSH buckets and clusters of earlier runs, in one SQLite file.

Tables::

    meta(key, value)                 the settings the index was built with
    batches(batch, documents, committed_at)
    docs(doc, ext_id UNIQUE, batch, n_tokens, n_shingles, n_head,
         full, head, cluster, similarity)
                                     full/head: num_perm uint32 little-endian
                                     (datasketch LeanMinHash values, scheme affine32);
                                     cluster: doc number of the cluster's representative
    clusters(rep, size)
    bands(band, key, doc)            LSH bucket keys (WITHOUT ROWID; band first, so that a
                                     batch's rows, sorted by key within each band, append)

Each run is one batch and one ``BEGIN IMMEDIATE ... COMMIT`` transaction
(WAL journal): a crash leaves all of a batch or none of it, and the write
lock is held from the first read, so two runs never interleave. Documents
are numbered in canonical order, so a smaller doc number means an earlier
batch or, within a batch, a longer document: the representative policy. The
index only grows: new documents, bucket rows and clusters are appended; an
existing cluster only has its size updated.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from itertools import repeat

import numpy as np

from cleanews.config import DedupConfig
from cleanews.dedup.lsh import band_keys
from cleanews.dedup.minhash import SCHEME, Sketches
from cleanews.errors import IndexFileError, IndexMismatchError

logger = logging.getLogger(__name__)

FORMAT = "cleanews-dedup-index/2"  # 2: short heads are half the document; min_shingles
SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE batches(batch INTEGER PRIMARY KEY, documents INTEGER NOT NULL, committed_at TEXT NOT NULL);
CREATE TABLE docs(
    doc INTEGER PRIMARY KEY, ext_id TEXT NOT NULL UNIQUE, batch INTEGER NOT NULL,
    n_tokens INTEGER NOT NULL, n_shingles INTEGER NOT NULL, n_head INTEGER NOT NULL,
    full BLOB NOT NULL, head BLOB NOT NULL, cluster INTEGER NOT NULL, similarity REAL NOT NULL);
CREATE TABLE clusters(rep INTEGER PRIMARY KEY, size INTEGER NOT NULL);
CREATE TABLE bands(band INTEGER NOT NULL, key INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY (band, key, doc)) WITHOUT ROWID;
"""
TABLES = frozenset({"meta", "batches", "docs", "clusters", "bands"})
# A run holds the write lock for its whole dedup stage (minutes for a million
# documents), so another run waits for it, saying so once, in steps of
# LOCK_POLL_SECONDS (short, so Ctrl-C stops the wait at once).
LOCK_POLL_SECONDS = 1
# busy_timeout first: switching a new file to WAL takes a lock that another
# process opening the file at the same moment may hold.
PRAGMAS = (f"PRAGMA busy_timeout={1000 * LOCK_POLL_SECONDS}", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
           "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-131072")
# Rows per executemany/IN query: bounds the Python objects alive at once.
CHUNK_ROWS = 50_000


def index_meta(config: DedupConfig) -> dict[str, str]:
    """Everything stored hashes and clusters depend on; a run must match it exactly."""
    return {
        "format": FORMAT,
        "scheme": SCHEME,
        "unicode": unicodedata.unidata_version,
        **{name: json.dumps(value) for name, value in asdict(config).items()},
    }


@dataclass(frozen=True)
class Known:
    """A document the index already holds, found by id."""

    doc: int
    full: np.ndarray
    cluster: int
    similarity: float


@dataclass(frozen=True)
class IndexNodes:
    """Documents fetched from the index, row-aligned: doc numbers, sketches, representatives."""

    docs: np.ndarray  # int64
    sketches: Sketches
    reps: np.ndarray  # int64: doc number of each one's cluster representative


@dataclass(frozen=True)
class NewDocs:
    """A batch's new documents as the index stores them, in canonical order."""

    ext_ids: list[str]
    sketches: Sketches
    clusters: np.ndarray  # int64 doc number of each one's representative
    similarity: np.ndarray  # float64
    keep: np.ndarray  # bool[docs, bands]: the bucket cells to store (full buckets are not grown)


class DedupIndex:
    """An open index file; use as a context manager, and ``batch()`` for one run's transaction."""

    def __init__(self, path: str, config: DedupConfig):
        self.path = path
        self.config = config
        self.db = sqlite3.connect(path, isolation_level=None)
        try:
            for pragma in PRAGMAS:
                self._execute_waiting(pragma)
            with self._transaction():
                self._adopt()
        except sqlite3.DatabaseError as error:
            self.db.close()
            raise IndexFileError(f"{path}: not a usable cleanews dedup index ({error})") from error
        except BaseException:
            self.db.close()
            raise

    def __enter__(self) -> DedupIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    def _adopt(self) -> None:
        """Lay out a new (empty) file, or check that a file with tables is an index built with these settings.

        A SQLite file of another program is refused untouched. Run inside the
        write transaction, so processes creating one index at once take turns.
        """
        tables = {name for (name,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        wanted = index_meta(self.config)
        if not tables:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(wanted.items()))
            return
        stored = dict(self.db.execute("SELECT key, value FROM meta").fetchall()) if "meta" in tables else {}
        if not TABLES <= tables or stored.get("format") != FORMAT:
            raise IndexFileError(f"{self.path}: not a cleanews dedup index (a SQLite file with tables {', '.join(sorted(tables))}); "
                                 "name a new file for --index")
        differences = [f"{key}={stored.get(key)} in the index, {value} in this run"
                       for key, value in wanted.items() if stored.get(key) != value]
        if differences:
            raise IndexMismatchError(
                f"{self.path} was built with other dedup settings: {'; '.join(differences)}. "
                "Use the index's settings, or start a new index."
            )

    def _execute_waiting(self, statement: str) -> None:
        """Run ``statement``; while another run holds the index's lock, wait, and say so once."""
        said = False
        while True:
            try:
                self.db.execute(statement)
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                if not said:
                    logger.warning("waiting for %s: another cleanews run is using this index (Ctrl-C stops)", self.path)
                    said = True

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._execute_waiting("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One run: holds the write lock from the first lookup to the commit (or rollback)."""
        with self._transaction():
            yield

    def is_empty(self) -> bool:
        return self.db.execute("SELECT 1 FROM docs LIMIT 1").fetchone() is None

    def known(self, ext_ids: list[str]) -> dict[str, Known]:
        """The documents among ``ext_ids`` that the index already holds."""
        found = {}
        unique = list(dict.fromkeys(ext_ids))
        for start in range(0, len(unique), CHUNK_ROWS):
            chunk = unique[start : start + CHUNK_ROWS]
            rows = self._select_in("SELECT ext_id, doc, full, cluster, similarity FROM docs WHERE ext_id IN ({})", chunk)
            for ext_id, doc, full, cluster, similarity in rows:
                found[ext_id] = Known(doc, np.frombuffer(full, dtype="<u4"), cluster, similarity)
        return found

    def probe(self, band: int, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(key, doc) rows of the index's buckets of ``band`` for the given keys, sorted."""
        unique = np.unique(keys)
        found_keys, found_docs = [], []
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS probe(key INTEGER PRIMARY KEY)")
        self.db.execute("DELETE FROM probe")
        for start in range(0, len(unique), CHUNK_ROWS):
            self.db.executemany("INSERT INTO probe VALUES (?)", ((int(k),) for k in unique[start : start + CHUNK_ROWS]))
        rows = self.db.execute("SELECT b.key, b.doc FROM probe p JOIN bands b ON b.band = ? AND b.key = p.key "
                               "ORDER BY b.key, b.doc", (band,))
        for key, doc in rows:
            found_keys.append(key)
            found_docs.append(doc)
        self.db.execute("DELETE FROM probe")
        return np.array(found_keys, dtype=np.int64), np.array(found_docs, dtype=np.int64)

    def fetch(self, docs: np.ndarray) -> IndexNodes:
        """Sketches of the given documents and of their clusters' representatives, doc numbers sorted."""
        rows = self._rows(np.unique(docs))
        reps = np.unique([row[7] for row in rows])
        missing = np.setdiff1d(reps, [row[0] for row in rows])
        rows = sorted(rows + self._rows(missing))
        num_perm = self.config.num_perm
        if not rows:
            return IndexNodes(np.empty(0, dtype=np.int64), Sketches.empty(num_perm), np.empty(0, dtype=np.int64))
        columns = list(zip(*rows, strict=True))
        sketches = Sketches(
            full=np.frombuffer(b"".join(columns[4]), dtype="<u4").reshape(-1, num_perm).astype(np.uint32),
            head=np.frombuffer(b"".join(columns[5]), dtype="<u4").reshape(-1, num_perm).astype(np.uint32),
            n_shingles=np.array(columns[2], dtype=np.int64),
            n_head=np.array(columns[3], dtype=np.int64),
            n_tokens=np.array(columns[1], dtype=np.int64),
        )
        return IndexNodes(np.array(columns[0], dtype=np.int64), sketches, np.array(columns[7], dtype=np.int64))

    def _rows(self, docs: np.ndarray) -> list[tuple]:
        rows: list[tuple] = []
        for start in range(0, len(docs), CHUNK_ROWS):
            rows += self._select_in(
                "SELECT doc, n_tokens, n_shingles, n_head, full, head, similarity, cluster FROM docs WHERE doc IN ({})",
                [int(d) for d in docs[start : start + CHUNK_ROWS]],
            )
        return rows

    def _select_in(self, query: str, values: list) -> list[tuple]:
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted(value PRIMARY KEY)")
        self.db.execute("DELETE FROM wanted")
        self.db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((value,) for value in values))
        rows = self.db.execute(query.format("SELECT value FROM wanted")).fetchall()
        self.db.execute("DELETE FROM wanted")
        return rows

    def ext_ids(self, docs: list[int]) -> dict[int, str]:
        return dict(self._select_in("SELECT doc, ext_id FROM docs WHERE doc IN ({})", docs))

    def cluster_sizes(self, reps: list[int]) -> dict[int, int]:
        return dict(self._select_in("SELECT rep, size FROM clusters WHERE rep IN ({})", reps))

    def next_doc(self) -> int:
        return (self.db.execute("SELECT max(doc) FROM docs").fetchone()[0] or 0) + 1

    def append(self, new: NewDocs, first_doc: int, grown: dict[int, int]) -> None:
        """Store a batch's new documents (numbered from ``first_doc``), their buckets and clusters.

        ``grown`` maps representatives (existing or new) to their cluster's new size.
        A batch with no new documents (a re-run) changes nothing.
        """
        if not new.ext_ids:
            return
        batch = (self.db.execute("SELECT max(batch) FROM batches").fetchone()[0] or 0) + 1
        docs = np.arange(first_doc, first_doc + len(new.ext_ids))
        sketches = new.sketches
        for start in range(0, len(docs), CHUNK_ROWS):
            stop = start + CHUNK_ROWS
            self.db.executemany(
                "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                zip(docs[start:stop].tolist(), new.ext_ids[start:stop], [batch] * len(docs[start:stop]),
                    sketches.n_tokens[start:stop].tolist(), sketches.n_shingles[start:stop].tolist(),
                    sketches.n_head[start:stop].tolist(),
                    [row.astype("<u4").tobytes() for row in sketches.full[start:stop]],
                    [row.astype("<u4").tobytes() for row in sketches.head[start:stop]],
                    new.clusters[start:stop].tolist(), new.similarity[start:stop].tolist(), strict=False),
            )
        for band, keys in enumerate(band_keys(sketches, self.config)):
            kept = np.flatnonzero(new.keep[:, band])
            order = kept[np.argsort(keys[kept], kind="stable")]
            for start in range(0, len(order), CHUNK_ROWS):
                part = order[start : start + CHUNK_ROWS]
                self.db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?, ?)",
                                    zip(repeat(band), keys[part].tolist(), docs[part].tolist()))
        self.db.executemany("INSERT INTO clusters VALUES (?, ?) ON CONFLICT(rep) DO UPDATE SET size = excluded.size",
                            sorted(grown.items()))
        self.db.execute("INSERT INTO batches VALUES (?, ?, ?)",
                        (batch, len(docs), time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))
