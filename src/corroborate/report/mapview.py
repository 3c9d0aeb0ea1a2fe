"""The map: incidents clustered on the server for a viewport and zoom, never all sent at once.

The clusters are cells of a fixed grid (the same cells whatever the viewport, so panning does
not move them), counted over the incidents' columns as the database holds them
(`incidents.columns`, read again after any change): a viewport of 100,000 incidents is a few
array operations, not a query over every row. Every located incident that passes
the filters falls in exactly one cell; incidents without coordinates are counted beside the map,
never dropped. Positions of incidents marked sensitive are rounded to about 10 km for anyone
who may not see them exactly (viewers): the rounding is done before clustering, so neither a
cluster's centre nor its bounds give the exact place away.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select

from corroborate.accounts import Actor, can, require
from corroborate.core import INCIDENT_STATUSES
from corroborate.errors import InputError
from corroborate.incidents.columns import UNDATED, IncidentColumns, incident_columns
from corroborate.incidents.fields import parse_day
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
CELL_KEY = 10_000_000  # a cell's key: row * CELL_KEY + column (columns < 2**20 at zoom 18)


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

    def mask(self, c: IncidentColumns) -> NDArray[np.bool_]:
        """The incidents (rows of the columns) that pass the filters."""
        keep = np.ones(len(c), dtype=bool)
        if self.types:
            keep &= c.type.where(lambda v: v in self.types)
        if self.min_status is not None:
            keep &= c.status >= INCIDENT_STATUSES.index(self.min_status)
        if self.date_from is not None:
            keep &= (c.began != UNDATED) & (c.began >= self.date_from.toordinal())
        if self.date_to is not None:
            keep &= (c.began != UNDATED) & (c.began <= self.date_to.toordinal())
        for codes, value in (
            (c.region, self.region),
            (c.perpetrator, self.perpetrator),
            (c.victim, self.victim),
        ):
            if value is not None:
                keep &= codes.where(_same_word(value))
        return keep


def _same_word(wanted: str) -> Callable[[str | None], bool]:
    """A test of a recorded word against a filter's, case aside."""
    folded = wanted.lower()
    return lambda v: v is not None and v.lower() == folded


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


def positions(c: IncidentColumns, exact: bool) -> tuple[NDArray[np.float64], ...]:
    """Latitudes and longitudes as this account may see them (NaN where not located)."""
    if exact:
        return c.latitude, c.longitude
    lat = np.where(c.sensitive, np.round(c.latitude / ROUND_LAT) * ROUND_LAT, c.latitude)
    lon = np.where(c.sensitive, np.round(c.longitude / ROUND_LON) * ROUND_LON, c.longitude)
    return lat, lon


def _inside(lat: NDArray[np.float64], lon: NDArray[np.float64], bbox: BBox) -> NDArray[np.bool_]:
    with np.errstate(invalid="ignore"):  # NaN (not located) is never inside
        return (lat >= bbox.south) & (lat <= bbox.north) & (lon >= bbox.west) & (lon <= bbox.east)


def map_view(
    archive: Archive, query: IncidentQuery, bbox: BBox, zoom: int, *, actor: Actor
) -> MapView:
    """Clusters of the incidents passing `query` in `bbox` at `zoom`."""
    require(actor, "read")
    exact = exact_positions(actor)
    c = incident_columns(archive)
    keep = query.mask(c)
    located = c.located()
    lat, lon = positions(c, exact)
    rows = np.flatnonzero(keep & located & _inside(lat, lon, bbox))
    size_lon, size_lat = cell_size(zoom)
    cx = np.floor((lon[rows] + 180.0) / size_lon).astype(np.int64)
    cy = np.floor((lat[rows] + 90.0) / size_lat).astype(np.int64)
    # cells in order of row, then column; every incident in view falls in exactly one
    cells, inverse, counts = np.unique(cy * CELL_KEY + cx, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    order = np.argsort(inverse, kind="stable")  # rows by cell, each cell's by id
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)
    sorted_lat, sorted_lon = lat[rows][order], lon[rows][order]
    mean_lat = np.bincount(inverse, weights=lat[rows]) / np.maximum(counts, 1)
    mean_lon = np.bincount(inverse, weights=lon[rows]) / np.maximum(counts, 1)
    bounds = [
        np.minimum.reduceat(sorted_lat, starts) if len(rows) else sorted_lat,
        np.minimum.reduceat(sorted_lon, starts) if len(rows) else sorted_lon,
        np.maximum.reduceat(sorted_lat, starts) if len(rows) else sorted_lat,
        np.maximum.reduceat(sorted_lon, starts) if len(rows) else sorted_lon,
    ]
    # The few incidents of small clusters are listed, when there are few such cells (a close
    # zoom over a wide box has thousands).
    small = np.flatnonzero(counts <= LIST_AT_MOST)
    listed = 0 < len(small) <= LIST_CELLS
    clusters = []
    for k in range(len(cells)):
        ids: tuple[str, ...] = ()
        if listed and counts[k] <= LIST_AT_MOST:
            members = rows[order[starts[k] : starts[k] + counts[k]]]
            ids = tuple(c.refs[i] for i in members)
        clusters.append(
            MapCluster(
                latitude=float(mean_lat[k]),
                longitude=float(mean_lon[k]),
                count=int(counts[k]),
                south=float(bounds[0][k]),
                west=float(bounds[1][k]),
                north=float(bounds[2][k]),
                east=float(bounds[3][k]),
                incident_ids=ids,
            )
        )
    return MapView(
        zoom=zoom,
        bbox=bbox,
        clusters=clusters,
        in_view=len(rows),
        located=int((keep & located).sum()),
        not_located=int((keep & ~located).sum()),
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
    c = incident_columns(archive)
    lat, lon = positions(c, exact)
    keep = query.mask(c)
    if bbox is not None:
        keep &= c.located() & _inside(lat, lon, bbox)
    rows = np.flatnonzero(keep)
    # newest first (undated last), then the higher id first
    newest = rows[np.lexsort((-c.pk[rows], -c.began[rows].astype(np.int64)))]
    page = newest[offset : None if limit is None else offset + limit]
    wanted = [int(c.pk[i]) for i in page]
    found: dict[int, Any] = {}
    with archive.session() as session:
        for start in range(0, len(wanted), 500):
            for got in session.execute(
                select(
                    IncidentRow.id,
                    IncidentRow.title,
                    IncidentRow.type,
                    IncidentRow.status,
                    IncidentRow.occurred_from,
                    IncidentRow.occurred_to,
                    IncidentRow.date_precision,
                    IncidentRow.place_name,
                    IncidentRow.region,
                    IncidentRow.killed_low,
                    IncidentRow.killed_high,
                ).where(IncidentRow.id.in_(wanted[start : start + 500]))
            ):
                found[got[0]] = got
    out = []
    for i in page:
        r = found.get(int(c.pk[i]), None)
        if r is None:
            continue  # deleted since the columns were read: the next read will not have it
        out.append(
            MapIncident(
                id=c.refs[i],
                title=r[1],
                type=r[2],
                status=r[3],
                occurred_from=r[4],
                occurred_to=r[5],
                date_precision=r[6],
                place=r[7],
                region=r[8],
                latitude=None if np.isnan(lat[i]) else float(lat[i]),
                longitude=None if np.isnan(lon[i]) else float(lon[i]),
                position_rounded=bool(c.sensitive[i]) and not exact,
                killed_low=r[9],
                killed_high=r[10],
            )
        )
    return len(rows), out


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
