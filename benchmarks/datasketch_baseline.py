"""The plain datasketch way to cluster near-duplicates, as its README suggests using it (the benchmarks' baseline).

Word 5-gram shingles, ``MinHash.bulk`` with num_perm 128, ``MinHashLSH`` at
threshold 0.7, and clusters as connected components (union-find) of the LSH
matches, with no verification. Imports datasketch only, so a process
running it pays for nothing of cleanews.
"""

from __future__ import annotations

from collections.abc import Callable

from datasketch import MinHash, MinHashLSH


def datasketch_clusters(texts: list[str], tokenize: Callable[[str], list[str]], shingle_size: int = 5,
                        threshold: float = 0.7, num_perm: int = 128) -> list[int]:
    """Each text's cluster: the number of one text in its connected component."""
    shingle_sets = []
    for text in texts:
        words = tokenize(text)
        size = min(shingle_size, len(words))
        shingle_sets.append({" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)} or {b""})
    minhashes = MinHash.bulk(shingle_sets, num_perm=num_perm)
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    for number, minhash in enumerate(minhashes):
        lsh.insert(number, minhash)
    parent = list(range(len(texts)))

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for number, minhash in enumerate(minhashes):
        for other in lsh.query(minhash):
            parent[find(other)] = find(number)
    return [find(number) for number in range(len(texts))]
