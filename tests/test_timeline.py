"""The timeline counts what the tally counts, and draws a month-precise date as a month."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest

from corroborate.accounts import User
from corroborate.custody.setup import init_archive
from corroborate.errors import InputError
from corroborate.incidents.ids import incident_ref
from corroborate.incidents.models import IncidentRow
from corroborate.incidents.tally import tally
from corroborate.report.mapview import parse_query
from corroborate.report.timeline import bin_start, timeline
from corroborate.samples.incidents import generate_incidents
from corroborate.storage.archive import Archive

VIEWER = User(1, "vera", "viewer", datetime(2026, 1, 1), "admin", False)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    made = init_archive(tmp_path_factory.mktemp("timeline") / "archive")
    generate_incidents(made, 1200, seed=11)
    return made


@pytest.mark.parametrize(
    "status, start, end",
    [(None, None, None), ("verified", None, None), ("under-review", "2023-03-01", "2024-02-29")],
)
@pytest.mark.parametrize("unit", ["day", "week", "month"])
def test_the_timeline_counts_exactly_what_the_tally_counts(
    archive: Archive, status: str | None, start: str | None, end: str | None, unit: str
) -> None:
    q = parse_query(min_status=status, date_from=start, date_to=end)
    line = timeline(archive, q, unit, actor=VIEWER)
    counted = tally(archive, min_status=status, date_from=start, date_to=end)
    assert line.counted == counted.total.incidents > 0
    assert sum(b.count for b in line.bins) + sum(s.count for s in line.spans) + line.undated == (
        line.counted
    )
    assert sum(line.left_out.values()) == len(counted.left_out)


def test_bins_hold_only_incidents_whose_whole_range_is_inside_them(archive: Archive) -> None:
    with archive.session() as session:
        rows = list(session.query(IncidentRow).all())
    counted = set(tally(archive, min_status=None).total.incident_ids)
    expected: Counter[tuple[date, str]] = Counter()
    for r in rows:
        if incident_ref(r.id) in counted and r.occurred_from is not None:
            first = bin_start(r.occurred_from, "month")
            if bin_start(r.occurred_to or r.occurred_from, "month") == first:
                expected[(first, r.type)] += 1
    line = timeline(archive, parse_query(), "month", actor=VIEWER)
    assert {(b.start, b.type): b.count for b in line.bins} == dict(expected)


def test_a_date_known_to_the_month_is_drawn_as_the_month_not_its_first_day(
    archive: Archive,
) -> None:
    daily = timeline(archive, parse_query(), "day", actor=VIEWER)
    months = [s for s in daily.spans if s.precision == "month"]
    assert months
    for s in months:
        assert s.start.day == 1 and s.end.month == s.start.month and s.end.day >= 28
    monthly = timeline(archive, parse_query(), "month", actor=VIEWER)
    assert not [s for s in monthly.spans if s.precision == "month"]  # a month fits its bin


def test_filters_narrow_the_timeline(archive: Archive) -> None:
    everything = timeline(archive, parse_query(), "month", actor=VIEWER)
    one_region = timeline(archive, parse_query(region="Kursk"), "month", actor=VIEWER)
    assert 0 < one_region.counted < everything.counted


def test_an_unknown_unit_is_refused() -> None:
    with pytest.raises(InputError, match="unknown timeline unit"):
        timeline(None, parse_query(), "fortnight", actor=VIEWER)  # type: ignore[arg-type]
