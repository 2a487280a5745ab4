"""MinHash signatures of shingle blocks, vectorised, bit-identical to datasketch's "affine32" scheme.

datasketch 2 (``MinHash(scheme="affine32")``) pre-mixes each 32-bit input
hash with MurmurHash3's fmix32, then applies ``a * h + b mod 2**32`` for each
permutation (``a`` odd) and keeps the minimum. Here the same arithmetic runs
over a (permutations x shingles) matrix for many documents at once, and
``np.minimum.reduceat`` takes each document's minimum. A signature equals
``MinHash(num_perm, seed, scheme="affine32", hashfunc=lambda v: v)`` fed
with the document's shingle values (tests check this against datasketch),
so ``LeanMinHash`` and datasketch's LSH can use it.

The head signature (shingles of the first tokens only) costs nothing extra:
it is the minimum over the first part of each document's segment.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cleanews.dedup.shingles import Shingles, shingle_block

if TYPE_CHECKING:
    from datasketch import LeanMinHash

SCHEME = "affine32"
EMPTY = np.uint32(0xFFFFFFFF)  # datasketch's value for a MinHash that saw nothing
# Shingles per matrix slice: with 128 permutations a slice is 2 MB, which
# keeps the working set near the cache instead of the whole block's.
SLICE_SHINGLES = 1 << 12
# Code points sketched together: large enough to amortise NumPy calls, small
# enough to stay in the CPU cache (measured: 2**18 is about 2x faster than 2**22).
BLOCK_CODE_POINTS = 1 << 18
# Blocks sketched at once, a thread each: NumPy lets go of the GIL in its
# loops, so blocks are sketched while the caller reads the next documents.
SKETCH_THREADS = 2


@dataclass(frozen=True)
class Permutations:
    """The ``a`` (odd) and ``b`` parameters of datasketch's affine32 permutations."""

    a: np.ndarray  # uint32[num_perm]
    b: np.ndarray  # uint32[num_perm]

    @classmethod
    def make(cls, num_perm: int, seed: int) -> Permutations:
        """The parameters datasketch draws for ``MinHash(num_perm, seed, scheme="affine32")``."""
        generator = np.random.RandomState(seed)
        a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
        return cls(a, b)

    def __len__(self) -> int:
        return len(self.a)


def fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (datasketch's pre-mix)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


@dataclass(frozen=True)
class Signatures:
    """MinHash signatures of a block of documents: whole text and head."""

    full: np.ndarray  # uint32[docs, num_perm]
    head: np.ndarray  # uint32[docs, num_perm]


def signatures(shingles: Shingles, permutations: Permutations) -> Signatures:
    """Signatures of every document of the block (all ``EMPTY`` for a document without shingles)."""
    count = len(shingles)
    full = np.full((count, len(permutations)), EMPTY, dtype=np.uint32)
    head = full.copy()
    mixed = fmix32(shingles.values)
    buffer = np.empty((len(permutations), SLICE_SHINGLES), dtype=np.uint32)
    start = 0
    while start < count:
        stop = slice_end(shingles.offsets, start)
        fill_slice(shingles, mixed, permutations, (start, stop), buffer, (full, head))
        start = stop
    return Signatures(full, head)


def slice_end(offsets: np.ndarray, start: int) -> int:
    """The first document after ``start`` that no longer fits in one slice (at least one more)."""
    stop = int(np.searchsorted(offsets, offsets[start] + SLICE_SHINGLES, side="right")) - 1
    return min(max(stop, start + 1), len(offsets) - 1)


def fill_slice(shingles: Shingles, mixed: np.ndarray, permutations: Permutations, docs: tuple[int, int],
               buffer: np.ndarray, out: tuple[np.ndarray, np.ndarray]) -> None:
    """Signatures of documents ``docs[0]:docs[1]``, written into ``out`` (full, head)."""
    start, stop = docs
    full, head = out
    base = shingles.offsets[start]
    doc_starts = shingles.offsets[start:stop] - base
    head_ends = shingles.head_ends[start:stop] - base
    doc_ends = shingles.offsets[start + 1 : stop + 1] - base
    if doc_ends[-1] == 0:
        return
    width = int(doc_ends[-1])
    matrix = buffer[:, :width] if width <= buffer.shape[1] else np.empty((len(permutations), width), dtype=np.uint32)
    np.multiply(permutations.a[:, None], mixed[None, base : base + width], out=matrix)
    matrix += permutations.b[:, None]
    # Segments [doc start, head end) and [head end, doc end), skipping empty ones.
    has_head = doc_ends > doc_starts
    has_rest = doc_ends > head_ends
    bounds = np.concatenate([doc_starts[has_head], head_ends[has_rest]])
    order = np.argsort(bounds, kind="stable")
    minima = np.minimum.reduceat(matrix, bounds[order], axis=1).T
    position = np.empty(len(bounds), dtype=np.int64)
    position[order] = np.arange(len(bounds))
    heads = np.flatnonzero(has_head) + start
    head[heads] = minima[position[: has_head.sum()]]
    full[heads] = head[heads]
    rests = np.flatnonzero(has_rest) + start
    full[rests] = np.minimum(full[rests], minima[position[has_head.sum() :]])


@dataclass(frozen=True)
class Sketches:
    """What dedup keeps of each document: signatures and sizes, about 1 KB, never the text.

    ``n_shingles`` and ``n_head`` count distinct shingles, the set sizes
    that containment estimates need; ``n_tokens`` is the document length
    the representative policy uses.
    """

    full: np.ndarray  # uint32[docs, num_perm]
    head: np.ndarray  # uint32[docs, num_perm]
    n_shingles: np.ndarray  # int64[docs]
    n_head: np.ndarray  # int64[docs]
    n_tokens: np.ndarray  # int64[docs]

    def __len__(self) -> int:
        return len(self.n_tokens)

    def take(self, rows: np.ndarray | slice) -> Sketches:
        return Sketches(*(getattr(self, name)[rows] for name in SKETCH_FIELDS))

    @classmethod
    def concat(cls, parts: list[Sketches], num_perm: int) -> Sketches:
        if not parts:
            return cls.empty(num_perm)
        return cls(*(np.concatenate([getattr(part, name) for part in parts]) for name in SKETCH_FIELDS))

    @classmethod
    def empty(cls, num_perm: int) -> Sketches:
        signature = np.empty((0, num_perm), dtype=np.uint32)
        count = np.empty(0, dtype=np.int64)
        return cls(signature, signature, count, count, count)


SKETCH_FIELDS = ("full", "head", "n_shingles", "n_head", "n_tokens")


class SketchBuffer:
    """Sketches collected block by block in fixed-size chunks, then laid out once in any row order.

    Laying out moves the chunks' rows, in input order, into one array,
    freeing each chunk once copied, then permutes that array's rows in
    place: memory peaks at one copy of all sketches plus one chunk, not at
    two copies (as concatenating, scattering into a new array, or growing
    an array by doubling would).
    """

    def __init__(self, num_perm: int, chunk_docs: int = 1 << 16):
        self.num_perm = num_perm
        self.chunk_docs = chunk_docs  # 1 << 16 documents: 32 MB signature chunks, allocated with mmap
        self._chunks: list[Sketches] = []
        self._used: list[int] = []  # rows filled in each chunk; only the last one is ever filled further
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def __getstate__(self) -> dict[str, object]:
        """Pickled with the filled rows only (a partition's state travels between processes)."""
        chunks = [chunk.take(slice(0, used)) for chunk, used in zip(self._chunks, self._used, strict=True)]
        return {**self.__dict__, "_chunks": chunks}

    def append(self, sketches: Sketches) -> None:
        done = 0
        while done < len(sketches):
            if not self._chunks or self._used[-1] == len(self._chunks[-1]):
                self._chunks.append(self._new_chunk())
                self._used.append(0)
            at = self._used[-1]
            size = min(len(sketches) - done, len(self._chunks[-1]) - at)
            for name in SKETCH_FIELDS:
                getattr(self._chunks[-1], name)[at : at + size] = getattr(sketches, name)[done : done + size]
            done += size
            self._used[-1] += size
            self._count += size

    def extend(self, other: SketchBuffer) -> None:
        """Take over ``other``'s sketches after these, without copying them; ``other`` is left empty."""
        self._chunks += other._chunks
        self._used += other._used
        self._count += other._count
        other._chunks, other._used, other._count = [], [], 0

    def _new_chunk(self) -> Sketches:
        signature = (self.chunk_docs, self.num_perm)
        count = self.chunk_docs
        return Sketches(np.empty(signature, np.uint32), np.empty(signature, np.uint32),
                        np.empty(count, np.int64), np.empty(count, np.int64), np.empty(count, np.int64))

    def column(self, name: str) -> np.ndarray:
        """One field for all documents."""
        parts = [getattr(chunk, name)[:used] for chunk, used in zip(self._chunks, self._used, strict=True)]
        return np.concatenate(parts) if parts else getattr(Sketches.empty(self.num_perm), name)

    def all(self) -> Sketches:
        """Every document's sketch, in input order (a copy: the buffer keeps its own)."""
        return Sketches(*(self.column(name) for name in SKETCH_FIELDS))

    def row(self, name: str, position: int) -> np.ndarray:
        for chunk, used in zip(self._chunks, self._used, strict=True):
            if position < used:
                return getattr(chunk, name)[position]  # type: ignore[no-any-return]
            position -= used
        raise IndexError(position)

    def layout(self, rows: np.ndarray) -> Sketches:
        """The sketches of input positions ``rows`` (distinct), in that order. Empties the buffer."""
        ascending = np.sort(rows)
        out = self._compacted(ascending)
        source = np.searchsorted(ascending, rows)
        permute_rows([out.full, out.head], source)
        return Sketches(out.full, out.head, out.n_shingles[source], out.n_head[source], out.n_tokens[source])

    def _compacted(self, ascending: np.ndarray) -> Sketches:
        """The rows at ``ascending`` positions, in input order: copied chunk after chunk, each freed once copied."""
        empty = Sketches.empty(self.num_perm)
        out = Sketches(*(np.empty((len(ascending),) + getattr(empty, name).shape[1:], getattr(empty, name).dtype)
                         for name in SKETCH_FIELDS))
        chunks, used, self._chunks, self._used, self._count = self._chunks, self._used, [], [], 0
        start = written = 0
        for number in range(len(chunks)):
            chunk, chunks[number] = chunks[number], None  # type: ignore[call-overload]
            low, high = np.searchsorted(ascending, [start, start + used[number]])
            for name in SKETCH_FIELDS:
                getattr(out, name)[written : written + high - low] = getattr(chunk, name)[ascending[low:high] - start]
            written += high - low
            start += used[number]
            del chunk
        return out


def permute_rows(arrays: list[np.ndarray], source: np.ndarray) -> None:
    """Reorder the rows of each array in place so that row ``i`` becomes the old row ``source[i]`` (a permutation).

    Follows the permutation's cycles, holding one spare row per array: a
    gather (``array[source]``) would hold a second copy of the arrays.
    """
    following = source.tolist()
    seen = bytearray(len(following))
    for start, first in enumerate(following):
        if seen[start] or first == start:
            continue
        saved = [array[start].copy() for array in arrays]
        row = start
        while following[row] != start:
            seen[row] = 1
            for array in arrays:
                array[row] = array[following[row]]
            row = following[row]
        seen[row] = 1
        for array, spare in zip(arrays, saved, strict=True):
            array[row] = spare


def sketch_texts(texts: list[str], settings: SketchSettings, block_code_points: int = BLOCK_CODE_POINTS) -> Sketches:
    """Sketches of any number of texts, computed in blocks of about ``block_code_points`` code points.

    The result does not depend on the block size.
    """
    buffer = SketchBuffer(len(settings.permutations))
    start = 0
    while start < len(texts):
        stop, size = start, 0
        while stop < len(texts) and (size < block_code_points or stop == start):
            size += len(texts[stop])
            stop += 1
        buffer.append(sketch_block(texts[start:stop], settings))
        start = stop
    return buffer.all()


def sketch_blocks(blocks: Iterable[list[str]], settings: SketchSettings) -> Iterator[Sketches]:
    """``sketch_block`` of each block of texts, in order, ``SKETCH_THREADS`` blocks at a time."""
    with ThreadPoolExecutor(SKETCH_THREADS, thread_name_prefix="cleanews-sketch") as pool:
        pending: deque[Future[Sketches]] = deque()
        for texts in blocks:
            pending.append(pool.submit(sketch_block, texts, settings))
            if len(pending) > SKETCH_THREADS:  # a bounded queue: memory stays a few blocks
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def sketch_block(texts: list[str], settings: SketchSettings) -> Sketches:
    """The sketches of a block of texts: the record -> sketch step of every engine.

    A document's sketch depends only on its own text and the settings, not
    on the block it is computed in.
    """
    shingles = shingle_block(texts, settings.shingle_size, settings.head_tokens)
    signed = signatures(shingles, settings.permutations)
    return Sketches(
        full=signed.full,
        head=signed.head,
        n_shingles=shingles.distinct,
        n_head=shingles.distinct_head,
        n_tokens=shingles.n_tokens,
    )


@dataclass(frozen=True)
class SketchSettings:
    """How texts become sketches (everything a stored sketch depends on)."""

    shingle_size: int
    head_tokens: int
    permutations: Permutations


def lean_minhash(signature: np.ndarray, seed: int) -> LeanMinHash:
    """A signature as datasketch's LeanMinHash, for its LSH classes and storage."""
    from datasketch import LeanMinHash  # here: datasketch pulls in scipy, a second of start-up dedup does not need

    return LeanMinHash(seed=seed, hashvalues=signature, scheme=SCHEME)
