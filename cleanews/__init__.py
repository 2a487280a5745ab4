"""cleanews: clean, deduplicated JSONL corpora from scraped news.

The library API in one place::

    from cleanews import clean_text, clean_html, Deduplicator
    doc = clean_text(raw)          # Document: .text, .title, .url, .cleaning.removed
"""

from cleanews.clean import clean_document, clean_html, clean_text
from cleanews.config import CleanConfig, DedupConfig, Fields, RunConfig
from cleanews.dedup import Deduplicator
from cleanews.document import Cleaning, DedupInfo, Document, Reject, Removal
from cleanews.io import JsonlWriter, read_inputs
from cleanews.local_engine import run_corpus
from cleanews.steps import clean_step, dedup_step

__all__ = [
    "CleanConfig", "Cleaning", "DedupConfig", "DedupInfo", "Deduplicator", "Document", "Fields",
    "JsonlWriter", "Reject", "Removal", "clean_document", "clean_html", "clean_step", "clean_text",
    "dedup_step", "read_inputs", "RunConfig", "run_corpus",
]
