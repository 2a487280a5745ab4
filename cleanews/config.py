"""Settings, one frozen dataclass per concern, validated when made."""

from __future__ import annotations

from dataclasses import dataclass

MODES = ("auto", "html", "text")


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
    """

    mode: str = "auto"
    fix_encoding: bool = True
    uncurl_quotes: bool = False
    drop_repeated_lines: bool = True
    detect_title: bool = True
    line_model: bool = True

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
    max_bucket_partners: int = 100

    def __post_init__(self) -> None:
        for name, minimum in (("shingle_size", 1), ("head_tokens", 1), ("num_perm", 16), ("max_bucket_partners", 1)):
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
