"""Union-find over verified duplicate pairs, and the representative policy."""

from __future__ import annotations


class UnionFind:
    """Disjoint sets over 0..n-1 with path halving and union by size."""

    def __init__(self, size: int):
        self.parent = list(range(size))
        self.size = [1] * size

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return
        if self.size[root_a] < self.size[root_b]:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.size[root_a] += self.size[root_b]

    def groups(self) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = {}
        for item in range(len(self.parent)):
            groups.setdefault(self.find(item), []).append(item)
        return groups


def representative_key(n_tokens: int, position: int) -> tuple[int, int]:
    """The representative policy: the longest document, then the earliest in the input.

    The longest copy of a wire story is usually the untrimmed original.
    Sorting by this key is deterministic, so the same input always gives
    the same representatives.
    """
    return (-n_tokens, position)
