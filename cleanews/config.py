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
    """How to find near-duplicates.

    - ``shingle_size``: words per shingle. Small shingles (2-3) keep copies
      with edited words similar; the verification step restores precision.
    - ``num_perm``: MinHash permutations (signature length).
    - ``threshold``: LSH similarity (Jaccard) at which two documents become
      candidates. Set low on purpose: every candidate is verified.
    - ``min_containment``: verified share of the shorter document's shingles
      found in the longer one, needed to join a cluster. Containment, not
      Jaccard, because newspapers trim wire copy from the bottom.
    - ``seed``: MinHash seed; same seed, same signatures, same clusters.
    """

    shingle_size: int = 3
    num_perm: int = 128
    threshold: float = 0.3
    min_containment: float = 0.6
    seed: int = 1

    def __post_init__(self) -> None:
        if self.shingle_size < 1:
            raise ValueError(f"shingle_size must be >= 1, not {self.shingle_size}")
        if self.num_perm < 16:
            raise ValueError(f"num_perm must be >= 16 (signatures too noisy below), not {self.num_perm}")
        for name in ("threshold", "min_containment"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], not {value}")
