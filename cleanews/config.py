"""Settings, one frozen dataclass per concern, validated when made: every setting of cleanews is here.

``RunConfig`` is one corpus run; the others are what one part of it needs
(``CleanConfig`` the cleaner, ``SiteConfig`` the site-boilerplate step,
``DedupConfig`` the deduplicator, ``Fields`` and ``ReadLimits`` the readers,
``RunReportConfig`` the review page).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

MODES = ("auto", "html", "text")
STDIN = "-"  # as an input: stdin; as an output: stdout

# Seconds one document may take to clean. On the 297 benchmark pages under
# /work/shared/data/clean the slowest took 1.05 s (median 0.02 s) on one core
# of the 2-core dev machine: five times that leaves room for a loaded machine.
DEFAULT_TIME_LIMIT = 5.0
# Records per checkpoint part: about half a minute of HTML cleaning on two
# cores, so a killed run loses little; parts stay a few MB.
DEFAULT_CHECKPOINT_EVERY = 1000


def all_cores() -> int:
    """Worker processes by default: one per core, as the CLI's ``--jobs``."""
    return os.cpu_count() or 1


@dataclass(frozen=True)
class CleanConfig:
    """How to clean one document.

    - ``mode``: ``auto`` extracts from HTML when a record has a non-empty html
      field and cleans its text field otherwise; ``html`` and ``text`` force one.
    - ``fix_encoding``: repair mojibake and HTML entities with ftfy.
    - ``uncurl_quotes``: turn typographic quotes into ASCII ones (off: curly
      quotes are text, not junk).
    - ``drop_repeated_lines``: in plain text, drop a line that repeats an
      earlier one (in HTML the extractor has already dropped repeated parts).
    - ``detect_title``: in plain text, take the first line as the title when it
      looks like a headline.
    - ``line_model``: let the trained classifiers decide which lines are
      article: the line classifier in plain text, the block classifier over
      an HTML page (off: the named rules alone on the text, or on
      trafilatura's output for HTML).
    - ``articles_only``: reject every document the page-type model does not
      call an article (a section front, tag page, forum, shop or service
      page), with the reason ``not an article page (<type>)``.
    """

    mode: str = "auto"
    fix_encoding: bool = True
    uncurl_quotes: bool = False
    drop_repeated_lines: bool = True
    detect_title: bool = True
    line_model: bool = True
    articles_only: bool = False

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")


@dataclass(frozen=True)
class DedupConfig:
    """How to find near-duplicates (defaults calibrated on wire-dev, see benchmarks/dedup_quality.py).

    - ``shingle_size``: words per shingle. Word pairs keep copies with OCR
      noise or edited words similar; verification restores precision.
    - ``head_tokens``: the head of a document is its first this many tokens.
      Copies keep the top of a story; follow-ups write a new one.
    - ``num_perm``: MinHash permutations (signature length).
    - ``seed``: MinHash seed; same seed, same signatures, same clusters.
    - ``threshold``: LSH knee (estimated Jaccard) of the whole-text bands at
      which two documents become candidates. Low on purpose: every candidate
      is verified.
    - ``head_threshold``: the same for the bands over the head signature,
      which catch copies cut from the bottom (low whole-text Jaccard).
    - ``min_containment``: estimated share of the shorter document's
      shingles found in the other, needed for a duplicate. Containment, not
      Jaccard, because newspapers trim wire copy from the bottom.
    - ``min_head_containment``: the same over the heads only; this is what
      keeps a follow-up story apart from the story whose background it reuses.
    - ``identical_jaccard``: estimated Jaccard at which a pair is a duplicate
      whatever its head (a copy with a rewritten top).
    - ``min_shingles``: a near-duplicate needs at least this many distinct
      shingles in both documents and in common (template lines the site
      step knows do not count). Below, estimates are noise and a page left
      with an author box or a pager looks like every other such page; short
      texts merge only when they are the same text.
    - ``max_bucket_partners``: in an LSH bucket each document pairs with at
      most this many members before it, so buckets of boilerplate or exact
      copies cost linear, not quadratic, time.
    """

    shingle_size: int = 2
    head_tokens: int = 150
    num_perm: int = 128
    seed: int = 1
    threshold: float = 0.45
    head_threshold: float = 0.3
    min_containment: float = 0.4
    min_head_containment: float = 0.2
    identical_jaccard: float = 0.8
    min_shingles: int = 50
    max_bucket_partners: int = 100

    def __post_init__(self) -> None:
        for name, minimum in (("shingle_size", 1), ("head_tokens", 1), ("num_perm", 16), ("min_shingles", 1),
                                ("max_bucket_partners", 1)):
            value = getattr(self, name)
            if not isinstance(value, int) or value < minimum:
                reason = " (signatures too noisy below)" if name == "num_perm" else ""
                raise ValueError(f"{name} must be an integer >= {minimum}{reason}, not {value!r}")
        for name in ("threshold", "head_threshold", "min_containment", "min_head_containment", "identical_jaccard"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], not {value}")
        if self.head_tokens < self.shingle_size:
            raise ValueError(f"head_tokens ({self.head_tokens}) must be at least shingle_size ({self.shingle_size})")


@dataclass(frozen=True)
class SiteConfig:
    """When a line counts as a site's template.

    - ``min_documents``: the line occurs in at least this many documents of
      the host...
    - ``min_share``: ...and in at least this share of the host's documents
      (a site with 1000 pages does not lose a sentence three of its stories
      share).
    - ``long_line_words`` / ``long_line_share``: lines this long are prose
      more often than template (a quote several stories repeat), so they need
      the higher share.
    """

    min_documents: int = 3
    min_share: float = 0.3
    long_line_words: int = 25
    long_line_share: float = 0.6

    def __post_init__(self) -> None:
        if self.min_documents < 2:
            raise ValueError(f"min_documents must be >= 2 (a line in one document is not repeated), not {self.min_documents}")
        for name in ("min_share", "long_line_share"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], not {value}")


@dataclass(frozen=True)
class Fields:
    """Which JSONL fields hold the id, the plain text and the HTML."""

    id: str = "id"
    text: str = "text"
    html: str = "html"


@dataclass(frozen=True)
class ReadLimits:
    """Caps that keep one hostile input from exhausting memory or time.

    - ``max_record_bytes``: the longest JSONL line, or the largest .html/.txt
      file, read as one record; a longer one is rejected without being held in
      memory. 16 MiB: the largest page in the benchmark sets under
      /work/shared/data is 1.7 MB, so ten times that leaves room.
    - ``max_decompressed_bytes``: the most one compressed input may expand to;
      past it the rest of that file is rejected. It bounds the time a bomb can
      cost; 64 GiB is far beyond a corpus shard.
    - ``max_compression_ratio``: expansion over compressed size that marks a
      compression bomb (checked once ``RATIO_CHECK_AFTER`` bytes are out).
      JSONL of news compresses 3-6x with gzip (5.2x and 6.0x on the benchmark
      sets); a gzip bomb reaches about 1000x.
    """

    max_record_bytes: int = 16 << 20
    max_decompressed_bytes: int = 64 << 30
    max_compression_ratio: float = 100.0

    def __post_init__(self) -> None:
        if self.max_record_bytes < 1 or self.max_decompressed_bytes < 1:
            raise ValueError("max_record_bytes and max_decompressed_bytes must be positive byte counts")
        if self.max_compression_ratio <= 1:
            raise ValueError(f"max_compression_ratio must be above 1, not {self.max_compression_ratio}")


@dataclass(frozen=True)
class RunReportConfig:
    """How much of a run the page holds.

    - ``max_documents``: documents shown in full: the least confident ones
      (``cleaning.confidence``, the cleaner's estimate of its own word F1;
      records without one come after, in file order); counts and charts
      always cover every record.
    - ``max_clusters``: the largest duplicate clusters shown side by side.
    - ``max_cluster_members``: copies shown per cluster, the representative first.
    """

    max_documents: int = 1000
    max_clusters: int = 10
    max_cluster_members: int = 6

    def __post_init__(self) -> None:
        for name in ("max_documents", "max_clusters", "max_cluster_members"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, not {getattr(self, name)}")


PART_FORMATS = ("jsonl", "parquet")


@dataclass(frozen=True)
class RunConfig:
    """One corpus run: which steps, on what, into where.

    The CLI builds one from its options and the library takes it as is, with
    the same defaults: ``RunConfig()`` is ``cleanews run``, ``RunConfig(dedup=None)``
    is ``cleanews clean``, ``RunConfig(clean=None)`` is ``cleanews dedup``.
    ``inputs`` and ``output`` are for ``run_corpus``; ``run_steps`` takes records.

    - ``clean``, ``site`` or ``dedup`` is None to skip that step; ``site``
      (lines recurring across a site's documents) runs only after cleaning.
    - ``jobs``: worker processes for the document steps (default: all cores).
    - ``rejects``: a JSONL file for rejected records (source, id, reason, record).
    - ``time_limit``: seconds one document may take to clean (None: no limit).
    - ``resume``: reuse the checkpoint of an interrupted run with the same
      inputs and settings (needs an output file, not stdout, and no stdin input).
    - ``checkpoint_every``: records per checkpoint part.
    - ``index``: a persistent dedup index (SQLite file): deduplicate against
      earlier runs, then add this run's documents to it.
    - ``part_format``: what the Dask engine writes its parts as, ``jsonl``
      (``part-NNNNN.jsonl.gz``) or ``parquet`` (``part-NNNNN.parquet``); the
      local engine writes the format of the output's name.
    - ``stats``: where the run's counts go (``--stats``; written by the
      caller): named here so that no input or other output is that file.
    """

    inputs: tuple[str, ...] = ()
    output: str = STDIN
    rejects: str | None = None
    fields: Fields = Fields()
    limits: ReadLimits = ReadLimits()
    clean: CleanConfig | None = CleanConfig()
    site: SiteConfig | None = SiteConfig()
    dedup: DedupConfig | None = DedupConfig()
    drop_duplicates: bool = False
    index: str | None = None  # persistent dedup index (SQLite file) shared by runs
    jobs: int = field(default_factory=all_cores)
    time_limit: float | None = DEFAULT_TIME_LIMIT
    resume: bool = False
    checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY
    part_format: str = "jsonl"
    stats: str | None = None

    def __post_init__(self) -> None:
        if self.part_format not in PART_FORMATS:
            raise ValueError(f"part_format must be one of {', '.join(PART_FORMATS)}, not {self.part_format!r}")
        if self.resume and (self.output == STDIN or STDIN in self.inputs):
            raise ValueError("--resume needs an output file (-o FILE) and input files, not stdin or stdout")
        if self.rejects is not None and self.rejects == self.output:
            raise ValueError("the rejects file must not be the output file")
        if self.time_limit is not None and self.time_limit <= 0:
            raise ValueError(f"time_limit must be positive seconds or None, not {self.time_limit}")
        if self.jobs < 1 or self.checkpoint_every < 1:
            raise ValueError("jobs and checkpoint_every must be at least 1")
