"""The one union-find: copies of a piece of footage, and incidents that share evidence, are
grouped the same way whatever order their links arrive in."""

from __future__ import annotations

import itertools

from corroborate.match.grouping import DisjointSets


def test_groups_do_not_depend_on_the_order_links_arrive_in() -> None:
    links = [("c", "a"), ("d", "e"), ("b", "c"), ("f", "f")]
    seen = set()
    for order in itertools.permutations(links):
        sets = DisjointSets("abcdefg")
        for x, y in order:
            sets.union(x, y)
        groups = sets.groups()
        seen.add(tuple(sorted((root, tuple(sorted(m))) for root, m in groups.items())))
        assert all(root == min(members) for root, members in groups.items())
    assert seen == {(("a", ("a", "b", "c")), ("d", ("d", "e")), ("f", ("f",)), ("g", ("g",)))}


def test_an_id_never_linked_is_its_own_group() -> None:
    sets = DisjointSets()
    assert sets.find("x") == "x" and sets.groups() == {"x": ["x"]}
