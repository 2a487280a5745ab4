"""Watching a long run: a progress bar on stderr, and the wall time each stage takes.

The bar draws only on a terminal; the total, when the inputs tell it, is
counted in a background thread so the run starts at once and the ETA appears
when the count is in.
"""

from __future__ import annotations

import os
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

import zstandard

from cleanews.config import STDIN
from cleanews.errors import InputError
from cleanews.io import HTML_SUFFIXES, PARQUET_SUFFIXES, TEXT_SUFFIXES, WARC_SUFFIXES, expand_inputs, open_binary

T = TypeVar("T")
# Redraw at most this often (seconds): often enough to look alive, rarely enough to cost nothing.
REDRAW_INTERVAL = 0.2
BAR_WIDTH = 24
CHUNK = 1 << 20


class StageClock:
    """Wall time per pipeline stage, each stage charged only for its own work.

    Steps are nested generators: pulling a document from ``dedup`` pulls it
    from ``clean``, which pulls it from ``read``. Time is charged to the
    innermost stage running, per thread, so the stages add up to the run
    (a stage fed by a worker pool's thread runs alongside, and its time is
    counted in that thread).
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter):
        self.seconds: dict[str, float] = {}
        self._clock = clock
        self._local = threading.local()

    def timed(self, stage: str, items: Iterable[T]) -> Iterator[T]:
        """Yield ``items``, charging the time spent producing them to ``stage``."""
        iterator = iter(items)
        while True:
            with self.stage(stage):
                try:
                    item = next(iterator)
                except StopIteration:
                    return
            yield item

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        stack: list[str] = self._local.__dict__.setdefault("stack", [])
        self._charge(stack)
        stack.append(name)
        try:
            yield
        finally:
            self._charge(stack)
            stack.pop()

    def _charge(self, stack: list[str]) -> None:
        """Give the time since the last switch to the stage on top of this thread's stack."""
        now = self._clock()
        if stack:
            self.seconds[stack[-1]] = self.seconds.get(stack[-1], 0.0) + now - self._local.since
        self._local.since = now


class ProgressBar:
    """``[#####-----]  45%  1,234/2,740 records  56.7/s  ETA 0:27`` redrawn in place on a terminal.

    ``total`` may arrive late (or never: then count, rate and elapsed time only).
    """

    def __init__(self, stream: TextIO, noun: str = "records", clock: Callable[[], float] = time.monotonic):
        self.stream = stream
        self.noun = noun
        self.total: int | None = None
        self.done = 0
        self.note = ""
        self._clock = clock
        self._start = clock()
        self._drawn_at = float("-inf")
        self._width = 0

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self._clock() - self._drawn_at >= REDRAW_INTERVAL:
            self.draw()

    def track(self, items: Iterable[T], then: str = "") -> Iterator[T]:
        """Yield ``items``, advancing once per item; show ``then`` when they run out."""
        for item in items:
            self.advance()
            yield item
        if then:
            self.set_note(then)

    def set_note(self, note: str) -> None:
        """A word on what the run is doing when records stop moving (e.g. clustering)."""
        self.note = note
        self.draw()

    def draw(self) -> None:
        self._drawn_at = self._clock()
        line = self.line(self._drawn_at - self._start)
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)

    def clear(self) -> None:
        """Wipe the bar, e.g. before a message or at the end."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def message(self, text: str) -> None:
        """Print a line above the bar (a reject, say) and redraw the bar under it."""
        self.clear()
        self.stream.write(text + "\n")
        self.draw()

    def line(self, elapsed: float) -> str:
        """The bar's text after ``elapsed`` seconds.

        >>> bar = ProgressBar(stream=None, clock=lambda: 0.0)
        >>> bar.done, bar.total = 50, 200
        >>> bar.line(10.0)
        '[######------------------]  25%  50/200 records  5.0/s  ETA 0:30'
        >>> bar.total = None
        >>> bar.line(10.0)
        '50 records  5.0/s  0:10 elapsed'
        """
        rate = self.done / elapsed if elapsed > 0 else 0.0
        parts = []
        if self.total:
            share = min(1.0, self.done / self.total)
            filled = int(share * BAR_WIDTH)
            parts.append(f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {share:4.0%}")
            parts.append(f"{self.done:,}/{self.total:,} {self.noun}")
        else:
            parts.append(f"{self.done:,} {self.noun}")
        parts.append(f"{rate:,.1f}/s")
        if self.total and rate > 0 and self.done < self.total:
            parts.append(f"ETA {clock_time((self.total - self.done) / rate)}")
        else:
            parts.append(f"{clock_time(elapsed)} elapsed")
        if self.note:
            parts.append(self.note)
        return "  ".join(parts)

    def count_in_background(self, inputs: list[str]) -> None:
        """Count the input records in a daemon thread; the ETA shows once it is done."""

        def count() -> None:
            self.total = count_records(inputs)

        threading.Thread(target=count, name="cleanews-count", daemon=True).start()


def clock_time(seconds: float) -> str:
    """Seconds as m:ss or h:mm:ss.

    >>> clock_time(65.9), clock_time(3725.2)
    ('1:05', '1:02:05')
    """
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def count_records(inputs: list[str]) -> int | None:
    """How many records the inputs hold (one per HTML/text file, one per JSONL line), or None when unknowable.

    Stdin cannot be read twice, and a file that cannot be read will be
    reported by the run itself: either way there is no total, only no ETA.
    """
    try:
        paths = expand_inputs(inputs)
        # which records of a WARC are pages is known only once each is parsed
        if STDIN in paths or any(path.lower().endswith(WARC_SUFFIXES) for path in paths):
            return None
        return sum(count_lines(path) for path in paths)
    # ValueError: pyarrow's ArrowInvalid for a file that is not Parquet
    except (InputError, OSError, EOFError, ValueError, ImportError, zlib.error, zstandard.ZstdError):
        return None


def count_lines(path: str) -> int:
    if path.lower().endswith(HTML_SUFFIXES + TEXT_SUFFIXES):
        return 1
    if path.lower().endswith(PARQUET_SUFFIXES):
        import pyarrow.parquet as pq  # a Parquet input needs the extra anyway

        return int(pq.ParquetFile(path).metadata.num_rows)
    lines, last = 0, b"\n"
    with open_binary(path) as stream:
        while chunk := stream.read(CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def terminal_progress(stream: TextIO, quiet: bool) -> ProgressBar | None:
    """A bar when ``stream`` is a terminal and the user did not ask for quiet; else None."""
    if quiet or not stream.isatty() or os.environ.get("TERM") == "dumb":
        return None
    return ProgressBar(stream)
