"""The map: incidents clustered on the server for a viewport and zoom, never all sent at once.

The clusters are cells of a fixed grid (the same cells whatever the viewport, so panning does
not move them), counted in the database with one GROUP BY. Every located incident that passes
the filters falls in exactly one cell; incidents without coordinates are counted beside the map,
never dropped. Positions of incidents marked sensitive are rounded to about 10 km for anyone
who may not see them exactly (viewers): the rounding is done before clustering, so neither a
cluster's centre nor its bounds give the exact place away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Float, Integer, and_, case, cast, func, select
from sqlalchemy.sql.elements import ColumnElement

from corroborate.accounts import Actor, can, require
from corroborate.core import INCIDENT_STATUSES
from corroborate.errors import InputError
from corroborate.incidents.fields import parse_day
from corroborate.incidents.ids import incident_ref
from corroborate.incidents.models import IncidentRow
from corroborate.incidents.statuses import parse_min_status
from corroborate.storage.archive import Archive

# Grid cells are this many screen pixels wide at a zoom level (256-pixel tiles).
CELL_PIXELS = 64
MAX_ZOOM = 18
# The map covers Ukraine and its border regions; cells are made roughly square there.
MAP_LATITUDE = 48.5
# Rounded positions of sensitive incidents: steps of about 10 km at the map's latitude.
ROUND_LAT = 0.1
ROUND_LON = round(ROUND_LAT / math.cos(math.radians(MAP_LATITUDE)), 2)
# A cluster this small lists its incidents; a larger one gives its count and bounds.
LIST_AT_MOST = 20
LIST_CELLS = 400  # at most this many small clusters list their incidents in one answer
CELL_KEY = 10_000_000  # a cell's key: column * CELL_KEY + row (rows < 2**18 * 4 at zoom 18)


@dataclass(frozen=True)
class IncidentQuery:
    """Which incidents a view shows: the same filters on the map, the list and the timeline.

    The period is on the day an incident began (as the tally counts it); with a period set,
    undated incidents are left out.
    """

    types: tuple[str, ...] = ()
    min_status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    region: str | None = None
    perpetrator: str | None = None
    victim: str | None = None

    def where(self) -> list[ColumnElement[bool]]:
        """The filters as SQL conditions on `incidents` (merged records never count)."""
        conditions: list[ColumnElement[bool]] = [IncidentRow.merged_into_id.is_(None)]
        if self.types:
            conditions.append(IncidentRow.type.in_(self.types))
        if self.min_status is not None:
            at_or_above = INCIDENT_STATUSES[INCIDENT_STATUSES.index(self.min_status) :]
            conditions.append(IncidentRow.status.in_(at_or_above))
        if self.date_from is not None:
            conditions.append(IncidentRow.occurred_from >= self.date_from)
        if self.date_to is not None:
            conditions.append(IncidentRow.occurred_from <= self.date_to)
        for column, value in (
            (IncidentRow.region, self.region),
            (IncidentRow.perpetrator_party, self.perpetrator),
            (IncidentRow.victim_party, self.victim),
        ):
            if value is not None:
                conditions.append(func.lower(column) == value.lower())
        return conditions


def parse_query(
    *,
    types: list[str] | tuple[str, ...] | str | None = None,
    min_status: str | None = None,
    date_from: str | date | None = None,
    date_to: str | date | None = None,
    region: str | None = None,
    perpetrator: str | None = None,
    victim: str | None = None,
) -> IncidentQuery:
    """Filters as people type them (blank means "any"); InputError naming the bad one."""
    if isinstance(types, str):
        types = [t for t in types.split(",")]
    start = parse_day(date_from, "from") if date_from not in (None, "") else None
    end = parse_day(date_to, "to") if date_to not in (None, "") else None
    if start and end and start > end:
        raise InputError(f"the period starts ({start}) after it ends ({end})")
    return IncidentQuery(
        types=tuple(sorted({t.strip() for t in types or () if t.strip()})),
        min_status=parse_min_status(min_status or None),
        date_from=start,
        date_to=end,
        region=(region or "").strip() or None,
        perpetrator=(perpetrator or "").strip() or None,
        victim=(victim or "").strip() or None,
    )


@dataclass(frozen=True)
class BBox:
    """A viewport: west, south, east, north in degrees (west <= east: no antimeridian here)."""

    west: float
    south: float
    east: float
    north: float


def parse_bbox(text: str | None) -> BBox:
    """`west,south,east,north` as the map sends it; the whole world when absent."""
    if not text:
        return BBox(-180.0, -90.0, 180.0, 90.0)
    parts = text.split(",")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise InputError(
            f"bbox {text!r}: give four numbers, west,south,east,north (degrees)"
        ) from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise InputError(f"bbox {text!r}: the numbers must be finite")
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise InputError(
            f"bbox {text!r}: west <= east within -180..180 and south <= north within -90..90"
        )
    return BBox(west, south, east, north)


def parse_zoom(value: int | str | None) -> int:
    """A zoom level 0..MAX_ZOOM (the map's own numbering)."""
    try:
        zoom = int(value if value is not None else 6)
    except ValueError:
        raise InputError(f"zoom {value!r}: give a whole number from 0 to {MAX_ZOOM}") from None
    if not 0 <= zoom <= MAX_ZOOM:
        raise InputError(f"zoom {zoom}: give a whole number from 0 to {MAX_ZOOM}")
    return zoom


def cell_size(zoom: int) -> tuple[float, float]:
    """A grid cell at `zoom`, in degrees of longitude and latitude."""
    lon = 360.0 / (2**zoom) * CELL_PIXELS / 256
    return lon, lon * math.cos(math.radians(MAP_LATITUDE))


@dataclass(frozen=True)
class MapCluster:
    """A grid cell's incidents: their count, mean position and bounds (ids when few)."""

    latitude: float
    longitude: float
    count: int
    south: float
    west: float
    north: float
    east: float
    incident_ids: tuple[str, ...]  # empty when count > LIST_AT_MOST (or > LIST_CELLS small)


@dataclass(frozen=True)
class MapView:
    """What the map draws for a viewport, and what it must say beside it."""

    zoom: int
    bbox: BBox
    clusters: list[MapCluster]
    in_view: int  # located incidents in the viewport (the clusters' counts add up to it)
    located: int  # located incidents anywhere that pass the filters
    not_located: int  # incidents that pass the filters but have no coordinates
    positions_rounded: bool  # sensitive incidents' positions rounded for this account


def exact_positions(actor: Actor) -> bool:
    """Whether the account sees sensitive incidents' exact positions (analysts and above)."""
    return isinstance(actor, str) or can(actor, "edit")


def _positions(exact: bool) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Latitude and longitude as this account may see them."""
    if exact:
        return IncidentRow.latitude, IncidentRow.longitude  # type: ignore[return-value]
    lat = case(
        (
            IncidentRow.sensitive.is_(True),
            func.round(IncidentRow.latitude / ROUND_LAT) * ROUND_LAT,
        ),
        else_=IncidentRow.latitude,
    )
    lon = case(
        (
            IncidentRow.sensitive.is_(True),
            func.round(IncidentRow.longitude / ROUND_LON) * ROUND_LON,
        ),
        else_=IncidentRow.longitude,
    )
    return cast(lat, Float), cast(lon, Float)


def _cell(value: ColumnElement[Any], origin: float, size: float, dialect: str) -> Any:
    """The grid index of a coordinate: floor((value - origin) / size), in either database."""
    shifted = (value - origin) / size  # never negative: origin is the lowest coordinate
    if dialect == "postgresql":
        return cast(func.floor(shifted), Integer)  # a cast alone would round
    return cast(shifted, Integer)  # SQLite truncates toward zero: the floor for values >= 0


def map_view(
    archive: Archive, query: IncidentQuery, bbox: BBox, zoom: int, *, actor: Actor
) -> MapView:
    """Clusters of the incidents passing `query` in `bbox` at `zoom`, counted in the database."""
    require(actor, "read")
    exact = exact_positions(actor)
    lat, lon = _positions(exact)
    size_lon, size_lat = cell_size(zoom)
    dialect = archive.reader.dialect.name
    where = query.where()
    located = and_(IncidentRow.latitude.is_not(None), IncidentRow.longitude.is_not(None))
    inside = and_(lat >= bbox.south, lat <= bbox.north, lon >= bbox.west, lon <= bbox.east)
    positioned = (
        select(
            IncidentRow.id.label("pk"),
            lat.label("lat"),
            lon.label("lon"),
        )
        .where(*where, located, inside)
        .subquery()
    )
    cx = _cell(positioned.c.lon, -180.0, size_lon, dialect).label("cx")
    cy = _cell(positioned.c.lat, -90.0, size_lat, dialect).label("cy")
    grouped = (
        select(
            cx,
            cy,
            func.count().label("n"),
            func.avg(positioned.c.lat),
            func.avg(positioned.c.lon),
            func.min(positioned.c.lat),
            func.min(positioned.c.lon),
            func.max(positioned.c.lat),
            func.max(positioned.c.lon),
            func.min(positioned.c.pk),
        )
        .group_by(cx, cy)
        .order_by(cy, cx)
    )
    with archive.session() as session:
        cells = session.execute(grouped).all()
        # The few incidents of small clusters are listed; only theirs are read (by cell key),
        # and only when there are few such cells (a close zoom over a wide box has thousands).
        small = [int(c[0]) * CELL_KEY + int(c[1]) for c in cells if c[2] <= LIST_AT_MOST]
        members: dict[tuple[int, int], list[int]] = {}
        if 0 < len(small) <= LIST_CELLS:
            key = (cx * CELL_KEY + cy).label("key")
            keyed = select(key, positioned.c.pk).subquery()
            rows = session.execute(
                select(keyed.c.key, keyed.c.pk).where(keyed.c.key.in_(small)).order_by(keyed.c.pk)
            ).all()
            for k, pk in rows:
                members.setdefault(divmod(int(k), CELL_KEY), []).append(pk)
        totals = session.execute(
            select(
                func.count().filter(located),
                func.count().filter(~located),
            ).where(*where)
        ).one()
    clusters = [
        MapCluster(
            latitude=float(mean_lat),
            longitude=float(mean_lon),
            count=int(n),
            south=float(south),
            west=float(west),
            north=float(north),
            east=float(east),
            incident_ids=tuple(incident_ref(pk) for pk in members.get((x, y), [])),
        )
        for x, y, n, mean_lat, mean_lon, south, west, north, east, _ in cells
    ]
    return MapView(
        zoom=zoom,
        bbox=bbox,
        clusters=clusters,
        in_view=sum(c.count for c in clusters),
        located=int(totals[0]),
        not_located=int(totals[1]),
        positions_rounded=not exact,
    )


@dataclass(frozen=True)
class MapIncident:
    """One incident as the list beside the map shows it (position as this account may see it)."""

    id: str
    title: str
    type: str
    status: str
    occurred_from: date | None
    occurred_to: date | None
    date_precision: str
    place: str | None
    region: str | None
    latitude: float | None
    longitude: float | None
    position_rounded: bool
    killed_low: int | None
    killed_high: int | None


def incidents_in_view(
    archive: Archive,
    query: IncidentQuery,
    bbox: BBox | None,
    *,
    actor: Actor,
    limit: int | None = 200,
    offset: int = 0,
) -> tuple[int, list[MapIncident]]:
    """The incidents passing `query` inside `bbox` (None: every one, located or not), newest
    first, a page at a time (limit None: all of them); and how many there are in all."""
    require(actor, "read")
    if (limit is not None and not 1 <= limit <= 5000) or offset < 0:
        raise InputError("limit is 1..5000 and offset 0 or more")
    exact = exact_positions(actor)
    lat, lon = _positions(exact)
    conditions = query.where()
    if bbox is not None:
        conditions += [
            IncidentRow.latitude.is_not(None),
            IncidentRow.longitude.is_not(None),
            lat >= bbox.south,
            lat <= bbox.north,
            lon >= bbox.west,
            lon <= bbox.east,
        ]
    shown = select(
        IncidentRow.id,
        IncidentRow.title,
        IncidentRow.type,
        IncidentRow.status,
        IncidentRow.occurred_from,
        IncidentRow.occurred_to,
        IncidentRow.date_precision,
        IncidentRow.place_name,
        IncidentRow.region,
        lat,
        lon,
        IncidentRow.sensitive,
        IncidentRow.killed_low,
        IncidentRow.killed_high,
    ).where(*conditions)
    with archive.session() as session:
        total = session.scalar(select(func.count()).select_from(shown.subquery())) or 0
        rows = session.execute(
            shown.order_by(IncidentRow.occurred_from.desc().nulls_last(), IncidentRow.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
    return total, [
        MapIncident(
            id=incident_ref(r[0]),
            title=r[1],
            type=r[2],
            status=r[3],
            occurred_from=r[4],
            occurred_to=r[5],
            date_precision=r[6],
            place=r[7],
            region=r[8],
            latitude=r[9],
            longitude=r[10],
            position_rounded=bool(r[11]) and not exact,
            killed_low=r[12],
            killed_high=r[13],
        )
        for r in rows
    ]


def geojson(
    archive: Archive, query: IncidentQuery, *, actor: Actor, limit: int = 5000
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the located incidents passing `query`, positions as
    this account may see them (the download beside the map)."""
    _, found = incidents_in_view(archive, query, parse_bbox(None), actor=actor, limit=limit)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": inc.id,
                "geometry": {"type": "Point", "coordinates": [inc.longitude, inc.latitude]},
                "properties": {
                    "id": inc.id,
                    "title": inc.title,
                    "type": inc.type,
                    "status": inc.status,
                    "occurred_from": inc.occurred_from.isoformat() if inc.occurred_from else None,
                    "occurred_to": inc.occurred_to.isoformat() if inc.occurred_to else None,
                    "date_precision": inc.date_precision,
                    "place": inc.place,
                    "region": inc.region,
                    "position_rounded": inc.position_rounded,
                },
            }
            for inc in found
        ],
    }
