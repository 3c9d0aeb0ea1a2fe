"""The project's one union-find: connected groups of things linked in pairs (copies of one
piece of footage, incidents that share evidence)."""

from __future__ import annotations

from collections.abc import Iterable


class DisjointSets:
    """Union-find over ids, with path halving. The root of a set is its smallest id, so
    groups and their keys do not depend on the order links arrive in."""

    def __init__(self, members: Iterable[str] = ()) -> None:
        self._parent: dict[str, str] = {}
        for x in members:
            self.find(x)

    def find(self, x: str) -> str:
        """The root of x's set (x joins as a set of its own when new)."""
        parent = self._parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        """Join the sets of a and b."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> dict[str, list[str]]:
        """Every set by its root, members in the order they were first seen."""
        out: dict[str, list[str]] = {}
        for x in list(self._parent):
            out.setdefault(self.find(x), []).append(x)
        return out
