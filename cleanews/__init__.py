"""cleanews: clean, deduplicated JSONL corpora from scraped news.

The library API in one place::

    from cleanews import clean_text, clean_html, read_records, run_steps, RunConfig
    doc = clean_text(raw)          # CleanedDocument: .text, .title, .url, .cleaning.removed
    items = run_steps(read_records(dicts), RunConfig())   # what `cleanews run` does, over records
"""

from typing import TYPE_CHECKING, Any

from cleanews.config import CleanConfig, DedupConfig, Fields, RunConfig
from cleanews.dedup import Deduplicator
from cleanews.document import CleanedDocument, Cleaning, DedupInfo, Document, Item, Reject, Removal
from cleanews.errors import CleanewsError, RecordError
from cleanews.io import JsonlWriter, read_inputs, read_records
from cleanews.local_engine import run_corpus
from cleanews.steps import STEPS, Clean, CorpusStep, Dedup, DocumentStep, SiteBoilerplate, clean_step, dedup_step, run_steps

if TYPE_CHECKING:
    from cleanews.clean import clean_document, clean_html, clean_text

CLEANER = ("clean_document", "clean_html", "clean_text")


def __getattr__(name: str) -> Any:
    """The cleaner's functions, imported when first used: a process that only deduplicates never loads the cleaner."""
    if name in CLEANER:
        from cleanews import clean

        return getattr(clean, name)
    raise AttributeError(f"module 'cleanews' has no attribute {name!r}")

__all__ = [
    "STEPS", "Clean", "CleanConfig", "CleanedDocument", "Cleaning", "CleanewsError", "CorpusStep", "Dedup", "DedupConfig",
    "DedupInfo", "Deduplicator", "Document", "DocumentStep", "Fields", "Item", "JsonlWriter", "RecordError", "Reject",
    "Removal", "RunConfig", "SiteBoilerplate", "clean_document", "clean_html", "clean_step", "clean_text", "dedup_step",
    "read_inputs", "read_records", "run_corpus", "run_steps",
]
