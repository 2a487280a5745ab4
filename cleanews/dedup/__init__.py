"""Exact and near-duplicate detection: MinHash LSH candidates, verified, then centre-clustered.

See ``deduplicator`` for the steps and ``clusters`` for the representative policy.
"""

from cleanews.config import DedupConfig
from cleanews.dedup.deduplicator import Assignment, Deduplicator, IdConflict
from cleanews.dedup.index import DedupIndex

__all__ = ["Assignment", "DedupConfig", "DedupIndex", "Deduplicator", "IdConflict"]
