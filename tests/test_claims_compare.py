"""`claims compare` sets side by side only claims about the same quantity.

An analyst comparing a ministry's figure with a monitor's must not be shown a one-day strike
toll beside a national toll since 2022, one side's losses beside the other's, or a "killed or
wounded" figure beside a death toll: each would make a spread out of two different numbers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from corroborate.claims import compare, extract_claims
from corroborate.claims._compare import party_of
from corroborate.core import Claim


def read(text: str) -> list[Claim]:
    return extract_claims(text, resolve_places=False)


def groups_of(text: str) -> list[list[int]]:
    return sorted(sorted(c.count for c in g.claims) for g in compare(read(text)))


def test_the_same_strike_toll_from_two_claimants_is_compared() -> None:
    text = (
        "KYIV, March 14, 2024 (Reuters) - The governor said 14 civilians were killed in "
        "the missile strike on Wednesday. The city council said 17 civilians were killed in "
        "the strike on Wednesday."
    )
    assert groups_of(text) == [[14, 17]]


def test_a_one_day_strike_toll_is_never_set_against_a_toll_since_2022() -> None:
    text = (
        "KYIV, March 14, 2024 (Reuters) - The governor said 14 civilians were killed in "
        "a missile strike on Wednesday. The UN monitoring mission said 10,582 civilians have "
        "been killed since February 2022."
    )
    assert groups_of(text) == [[14], [10582]]


def test_an_undated_strike_toll_is_not_set_against_a_national_total() -> None:
    text = (
        "Rescuers said 9 civilians were killed when a drone hit the building. "
        "The ministry said 11,000 civilians have been killed in total."
    )
    assert groups_of(text) == [[9], [11000]]


def test_a_month_is_not_set_against_the_year_that_contains_it() -> None:
    text = (
        "OHCHR said 174 civilians were killed in May 2024. "
        "The ministry said 1,900 civilians were killed in 2024."
    )
    assert groups_of(text) == [[174], [1900]]


def test_one_sides_losses_are_never_set_against_the_others() -> None:
    text = (
        "The General Staff said 1,140 Russian soldiers were killed over the past day. "
        "The Russian Defence Ministry said 520 Ukrainian servicemen were killed over the "
        "past day."
    )
    assert groups_of(text) == [[520], [1140]]


def test_the_enemy_is_the_other_side_of_whoever_says_it() -> None:
    found = read(
        "The enemy lost up to 480 servicemen over the past day, the Russian Defence "
        "Ministry said. Ukraine's General Staff said the enemy lost 1,200 troops over the "
        "past day."
    )
    assert [party_of(c) for c in found] == ["ukrainian", "russian"]
    assert len(compare(found)) == 2


def test_the_same_sides_losses_from_two_claimants_are_compared() -> None:
    text = (
        "NATO said 2,000 Russian troops were killed near Avdiivka in October 2023. "
        "Ukraine's military said 3,500 Russian soldiers were killed near Avdiivka in "
        "October 2023."
    )
    groups = compare(read(text))
    assert [sorted(c.count for c in g.claims) for g in groups] == [[2000, 3500]]
    assert groups[0].party == "russian"


def test_killed_or_wounded_is_not_compared_with_killed() -> None:
    text = (
        "Western officials said 70,000 Russian troops were killed or wounded in Bakhmut. "
        "A Ukrainian commander said 20,000 Russian troops were killed in Bakhmut."
    )
    found = read(text)
    assert sorted(c.event for c in found) == ["casualties", "killed"]
    assert groups_of(text) == [[20000], [70000]]


def test_an_analyst_comparing_archived_reports_sees_only_like_with_like(
    cli: Any, tmp_path: Path
) -> None:
    """Four reports archived; `claims compare` pairs the two tolls of the same strike only."""
    reports = {
        "governor.txt": "KYIV, March 14, 2024 (Reuters) - The governor said 14 civilians were "
        "killed in the missile strike on Odesa on Wednesday.",
        "council.txt": "KYIV, March 14, 2024 (Reuters) - The city council said 17 civilians "
        "were killed in the missile strike on Odesa on Wednesday.",
        "national.txt": "The UN monitoring mission said 10,582 civilians have been killed in "
        "Ukraine since February 2022.",
        "wounded.txt": "Officials said 40 civilians were killed or wounded in the missile "
        "strike on Odesa on Wednesday.",
    }
    paths = []
    for name, text in reports.items():
        paths.append(tmp_path / name)
        paths[-1].write_text(text, encoding="utf-8")
    assert cli("ingest", *paths).exit_code == 0
    result = cli("claims", "compare", "--json")
    groups = json.loads(result.stdout)["groups"]
    together = [sorted(c["count"] for c in g["claims"]) for g in groups]
    assert sorted(together) == [[14, 17], [40], [10582]]
    table = cli("claims", "compare").stdout
    assert "casualties" in table and "deaths" in table


def test_the_attackers_side_is_not_taken_for_the_victims_side() -> None:
    """ "Russian shelling killed 7 soldiers" says who fired, not whose soldiers they were."""
    found = read("Russian shelling killed 7 soldiers near Kupiansk, the brigade said.")
    assert [party_of(c) for c in found] == [None]
    found = read("Russian shelling killed 7 Ukrainian soldiers near Kupiansk.")
    assert [party_of(c) for c in found] == ["ukrainian"]


def test_an_unknown_side_is_not_set_beside_a_known_one() -> None:
    text = (
        "The brigade said 12 soldiers were killed near Bakhmut on Tuesday. "
        "The ministry said 30 Russian soldiers were killed near Bakhmut on Tuesday."
    )
    assert groups_of(text) == [[12], [30]]
