"""The map's clusters are counted on the server: every incident exactly once at every zoom,
incidents without a place counted beside the map, sensitive places rounded for viewers."""

from __future__ import annotations

import math
import random
from datetime import date, datetime

import pytest

from corroborate.accounts import User
from corroborate.archive.verify import verify_archive
from corroborate.custody.setup import init_archive
from corroborate.errors import InputError
from corroborate.incidents.ids import incident_ref
from corroborate.incidents.models import IncidentRow
from corroborate.incidents.tally import tally
from corroborate.report.mapview import (
    LIST_AT_MOST,
    LIST_CELLS,
    ROUND_LAT,
    ROUND_LON,
    BBox,
    IncidentQuery,
    cell_size,
    geojson,
    incidents_in_view,
    map_view,
    parse_bbox,
    parse_query,
    parse_zoom,
)
from corroborate.samples.incidents import generate_incidents
from corroborate.storage.archive import Archive

VIEWER = User(1, "vera", "viewer", datetime(2026, 1, 1), "admin", False)
ANALYST = User(2, "ana", "analyst", datetime(2026, 1, 1), "admin", False)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    made = init_archive(tmp_path_factory.mktemp("map") / "archive")
    generate_incidents(made, 1500, seed=7)
    return made


def _rows(archive: Archive) -> list[IncidentRow]:
    with archive.session() as session:
        return list(session.query(IncidentRow).all())


def _passes(row: IncidentRow, q: IncidentQuery) -> bool:
    """The filters written out again, plainly, to check the SQL against."""
    from corroborate.core import INCIDENT_STATUSES

    if row.merged_into_id is not None:
        return False
    if q.types and row.type not in q.types:
        return False
    if q.min_status and INCIDENT_STATUSES.index(row.status) < INCIDENT_STATUSES.index(q.min_status):
        return False
    if q.date_from and (row.occurred_from is None or row.occurred_from < q.date_from):
        return False
    if q.date_to and (row.occurred_from is None or row.occurred_from > q.date_to):
        return False
    if q.region and (row.region or "").lower() != q.region.lower():
        return False
    return True


def test_generated_incidents_verify(archive: Archive) -> None:
    assert verify_archive(archive) == []


@pytest.mark.parametrize("zoom", [0, 3, 5, 6, 8, 11, 14])
def test_every_incident_is_in_exactly_one_cluster_at_every_zoom(
    archive: Archive, zoom: int
) -> None:
    rows = _rows(archive)
    whole = parse_bbox(None)
    view = map_view(archive, IncidentQuery(), whole, zoom, actor=ANALYST)
    located = [r for r in rows if r.latitude is not None and r.longitude is not None]
    assert view.in_view == view.located == len(located) == sum(c.count for c in view.clusters)
    assert view.not_located == len(rows) - len(located) > 0
    size_lon, size_lat = cell_size(zoom)
    expected: dict[tuple[int, int], int] = {}
    for r in located:
        key = (math.floor((r.longitude + 180) / size_lon), math.floor((r.latitude + 90) / size_lat))
        expected[key] = expected.get(key, 0) + 1
    assert sorted(c.count for c in view.clusters) == sorted(expected.values())
    small = [c for c in view.clusters if c.count <= LIST_AT_MOST]
    for c in view.clusters:  # a cluster's centre is inside its own bounds
        assert c.south <= c.latitude <= c.north and c.west <= c.longitude <= c.east
        if c in small and len(small) <= LIST_CELLS:  # few small clusters list their incidents
            assert len(c.incident_ids) == c.count
        else:
            assert c.incident_ids == ()
    listed = [i for c in view.clusters for i in c.incident_ids]
    assert len(listed) == len(set(listed))


def test_a_viewport_counts_only_what_is_inside_it_against_a_brute_force_count(
    archive: Archive,
) -> None:
    rng = random.Random(3)
    rows = _rows(archive)
    for _ in range(25):
        west, east = sorted(rng.uniform(22, 40.3) for _ in range(2))
        south, north = sorted(rng.uniform(44.3, 52.4) for _ in range(2))
        q = parse_query(
            types=rng.choice([None, "execution-of-pow"]),
            min_status=rng.choice([None, "under-review", "verified"]),
            date_from=rng.choice([None, "2023-01-01"]),
            date_to=rng.choice([None, "2024-06-30"]),
            region=rng.choice([None, "kharkiv"]),
        )
        zoom = rng.randrange(4, 12)
        view = map_view(archive, q, BBox(west, south, east, north), zoom, actor=ANALYST)
        inside = [
            r
            for r in rows
            if _passes(r, q)
            and r.latitude is not None
            and south <= r.latitude <= north
            and west <= r.longitude <= east
        ]
        assert view.in_view == len(inside), (q, zoom)
        assert view.located + view.not_located == sum(_passes(r, q) for r in rows)
        total, listed = incidents_in_view(
            archive, q, BBox(west, south, east, north), actor=ANALYST, limit=5000
        )
        assert total == len(inside)
        assert {i.id for i in listed} == {incident_ref(r.id) for r in inside}


def test_the_map_counts_what_the_tally_counts(archive: Archive) -> None:
    q = parse_query(min_status="under-review", date_from="2023-01-01", date_to="2023-12-31")
    view = map_view(archive, q, parse_bbox(None), 5, actor=ANALYST)
    counted = tally(
        archive, min_status="under-review", date_from="2023-01-01", date_to="2023-12-31"
    )
    assert counted.total.incidents > 0
    assert view.located + view.not_located == counted.total.incidents


def test_viewers_see_sensitive_places_rounded_to_about_ten_km(archive: Archive) -> None:
    rows = {incident_ref(r.id): r for r in _rows(archive)}
    sensitive = {i for i, r in rows.items() if r.sensitive and r.latitude is not None}
    assert sensitive
    _, seen = incidents_in_view(archive, IncidentQuery(), None, actor=VIEWER, limit=5000)
    _, exact = incidents_in_view(archive, IncidentQuery(), None, actor=ANALYST, limit=5000)
    by_viewer = {i.id: i for i in seen}
    by_analyst = {i.id: i for i in exact}
    for ref in sensitive:
        row = rows[ref]
        v = by_viewer[ref]
        assert v.position_rounded and not by_analyst[ref].position_rounded
        assert (by_analyst[ref].latitude, by_analyst[ref].longitude) == (
            row.latitude,
            row.longitude,
        )
        assert (v.latitude, v.longitude) != (row.latitude, row.longitude)
        assert abs(v.latitude - row.latitude) <= ROUND_LAT / 2 + 1e-9
        assert abs(v.longitude - row.longitude) <= ROUND_LON / 2 + 1e-9
        # on a grid: the same rounded place for every incident in that ~10 km cell
        assert abs(v.latitude / ROUND_LAT - round(v.latitude / ROUND_LAT)) < 1e-6
    for ref, v in by_viewer.items():
        if ref not in sensitive and v.latitude is not None:
            assert (v.latitude, v.longitude) == (rows[ref].latitude, rows[ref].longitude)
    # and a viewer's clusters never hold an exact sensitive position, even at the closest zoom
    view = map_view(archive, IncidentQuery(), parse_bbox(None), 18, actor=VIEWER)
    exact_places = {(rows[ref].latitude, rows[ref].longitude) for ref in sensitive}
    singles = [c for c in view.clusters if c.count == 1]
    assert len(singles) > len(view.clusters) / 2  # at zoom 18 nearly every incident is alone
    assert not exact_places & {(c.latitude, c.longitude) for c in singles}
    assert not exact_places & {(c.south, c.west) for c in view.clusters}
    features = geojson(archive, IncidentQuery(), actor=VIEWER)["features"]
    for f in features:
        if f["id"] in sensitive:
            lon, lat = f["geometry"]["coordinates"]
            assert (lat, lon) != (rows[f["id"]].latitude, rows[f["id"]].longitude)
            assert f["properties"]["position_rounded"] is True
    assert len(features) == sum(1 for r in rows.values() if r.latitude is not None)


@pytest.mark.parametrize(
    "call",
    [
        lambda: parse_bbox("1,2,3"),
        lambda: parse_bbox("a,b,c,d"),
        lambda: parse_bbox("30,50,20,40"),
        lambda: parse_bbox("nan,1,2,3"),
        lambda: parse_zoom("x"),
        lambda: parse_zoom(40),
        lambda: parse_query(date_from="2024-13-01"),
        lambda: parse_query(date_from="2024-05-01", date_to="2024-01-01"),
        lambda: parse_query(min_status="approved-ish"),
    ],
)
def test_bad_filters_are_one_clear_input_error(call: object) -> None:
    with pytest.raises(InputError):
        call()  # type: ignore[operator]


def test_a_period_is_on_the_day_an_incident_began() -> None:
    q = parse_query(date_from=date(2024, 1, 1), date_to="2024-01-31")
    assert (q.date_from, q.date_to) == (date(2024, 1, 1), date(2024, 1, 31))
