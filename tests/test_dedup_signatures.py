"""Vectorised tokens, shingles and MinHash signatures against their references (and datasketch)."""

import pickle
import unicodedata

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanews.dedup.minhash import (
    SKETCH_FIELDS,
    Permutations,
    SketchBuffer,
    Sketches,
    SketchSettings,
    lean_minhash,
    signatures,
    sketch_block,
)
from cleanews.dedup.shingles import (
    CODE_POINTS,
    DECOMPOSABLE_BELOW,
    MASK64,
    SHINGLE_BASE,
    composition_seconds,
    reference_token_hash,
    shingle_block,
    token_hashes,
    tokens,
)

TRICKY = [
    "“Don’t” PANIC, said Ωmega", "ﬁne ﬂour", "cafe\u0301 CAFÉ", "İstanbul ß Straße", "서울 시장은 월요일",
    "Москва заявила в понедельник", "Ａｂｃ ｄｅｆ", "ᄀ\u1161 가", "x_y 12 ٣٤", "", "!!!", "a", "a b", "\ud800 lone",
]
# Characters that exercise normalisation: ligatures, combining marks, fullwidth, Hangul jamo, case folding.
ALPHABET = st.sampled_from(list("aZ09_ .,\n—“”’") + ["ﬁ", "\u0301", "É", "ß", "İ", "Ａ", "ᄀ", "\u1161", "가", "Ω", "٣", "\u00a0", "ǅ"])


def reference_shingles(text: str, size: int) -> list[int]:
    hashes = [reference_token_hash(token) for token in tokens(text)]
    width = min(size, len(hashes))
    out = []
    for start in range(len(hashes) - width + 1) if hashes else []:
        total = 0
        for value in hashes[start : start + width]:
            total = (total * SHINGLE_BASE + value) & MASK64
        out.append(total >> 32)
    return out


@given(st.lists(st.text(ALPHABET, max_size=30), min_size=1, max_size=6))
@settings(max_examples=150, deadline=None)
def test_token_hashes_equal_hashing_the_reference_tokens(texts: list[str]) -> None:
    hashes, offsets = token_hashes(texts)
    for number, text in enumerate(texts):
        assert hashes[offsets[number] : offsets[number + 1]].tolist() == [reference_token_hash(t) for t in tokens(text)]


def test_tricky_texts_tokenise_like_the_reference() -> None:
    hashes, offsets = token_hashes(TRICKY)
    for number, text in enumerate(TRICKY):
        assert hashes[offsets[number] : offsets[number + 1]].tolist() == [reference_token_hash(t) for t in tokens(text)]
    assert tokens("서울 시장은 월요일") == ["서울", "시장은", "월요일"]


def test_composition_seconds_need_not_look_past_the_decomposable_range() -> None:
    assert not any(unicodedata.decomposition(chr(code)) for code in range(DECOMPOSABLE_BELOW, CODE_POINTS))
    assert {0x0301, 0x0308, 0x3099} <= composition_seconds()  # acute, diaeresis, kana voicing


def test_shingles_heads_and_set_sizes() -> None:
    texts = ["one two three four five", "one two", "", "w " * 10]
    block = shingle_block(texts, 3, 4)
    for number, text in enumerate(texts):
        values = block.values[block.offsets[number] : block.offsets[number + 1]].tolist()
        assert values == reference_shingles(text, 3)
    assert np.diff(block.offsets).tolist() == [3, 1, 0, 8]
    # shingles inside the first 4 tokens, or inside the first half (rounded up) of a shorter text
    assert (block.head_ends - block.offsets[:-1]).tolist() == [1, 1, 0, 2]
    assert block.distinct.tolist() == [3, 1, 0, 1] and block.distinct_head.tolist() == [1, 1, 0, 1]


def test_permutations_are_datasketchs() -> None:
    ours = Permutations.make(64, 7)
    theirs = MinHash(num_perm=64, seed=7, scheme="affine32").permutations
    assert np.array_equal(ours.a, theirs[0]) and np.array_equal(ours.b, theirs[1])


def test_signatures_equal_datasketch_affine32_bit_for_bit() -> None:
    texts = TRICKY + [" ".join(f"word{i % 97} w{i}" for i in range(700))]
    block = shingle_block(texts, 2, 150)
    signed = signatures(block, Permutations.make(128, 3))
    for number in range(len(texts)):
        for part, end in ((signed.full, block.offsets[number + 1]), (signed.head, block.head_ends[number])):
            oracle = MinHash(num_perm=128, seed=3, scheme="affine32", hashfunc=lambda value: value)
            oracle.update_batch(block.values[block.offsets[number] : end].tolist())
            assert np.array_equal(part[number], oracle.hashvalues)


def test_a_sketch_does_not_depend_on_its_block() -> None:
    settings_ = SketchSettings(2, 150, Permutations.make(128, 1))
    alone = sketch_block(["The council voted on Tuesday to raise fees."], settings_)
    among = sketch_block(["Other text first.", "The council voted on Tuesday to raise fees.", ""], settings_)
    for name in ("full", "head", "n_shingles", "n_head", "n_tokens"):
        assert np.array_equal(getattr(alone, name)[0], getattr(among, name)[1])


def test_signatures_serve_datasketch_lsh() -> None:
    story = "The storm hit the coast on Monday and thousands of homes lost power, officials said."
    sketches = sketch_block([story * 2, story * 2 + " Crews are at work.", "A budget vote in the north."],
                            SketchSettings(2, 150, Permutations.make(128, 1)))
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for number in range(3):
        lsh.insert(number, lean_minhash(sketches.full[number], seed=1))
    assert sorted(lsh.query(lean_minhash(sketches.full[0], seed=1))) == [0, 1]
    lean = lean_minhash(sketches.full[0], seed=1)
    buffer = bytearray(lean.bytesize())
    lean.serialize(buffer)
    assert LeanMinHash.deserialize(buffer) == lean


def numbered_sketches(start: int, count: int, num_perm: int = 4) -> Sketches:
    """Sketches whose every value names its document, so that a misplaced row shows."""
    numbers = np.arange(start, start + count)
    signature = np.repeat(numbers[:, None], num_perm, axis=1).astype(np.uint32)
    return Sketches(signature, signature + 1000, numbers * 2, numbers * 3, numbers * 5)


@given(st.lists(st.integers(1, 9), min_size=1, max_size=6), st.randoms(use_true_random=False), st.integers(1, 5))
@settings(max_examples=100, deadline=None)
def test_sketch_buffer_lays_out_any_rows_in_any_order(blocks: list[int], random, chunk_docs: int) -> None:
    buffer, other = SketchBuffer(4, chunk_docs), SketchBuffer(4, chunk_docs)
    start = 0
    for number, size in enumerate(blocks):  # the second half sketched elsewhere, pickled on its way back
        (buffer if number < len(blocks) // 2 else other).append(numbered_sketches(start, size))
        start += size
    received = pickle.loads(pickle.dumps(other))
    buffer.extend(received)
    assert len(buffer) == start and len(received) == 0
    expected = numbered_sketches(0, start)
    assert all(np.array_equal(getattr(buffer.all(), name), getattr(expected, name)) for name in SKETCH_FIELDS)
    assert np.array_equal(buffer.row("head", start - 1), expected.head[start - 1])
    rows = np.array(random.sample(range(start), random.randint(0, start)), dtype=np.int64)
    laid_out = buffer.layout(rows)
    assert all(np.array_equal(getattr(laid_out, name), getattr(expected, name)[rows]) for name in SKETCH_FIELDS)
    assert len(buffer) == 0
