"""The whole picture: the map with its timeline and list, the tally with its caveats, and the
claims compared. Every figure comes from the library (map clusters, timeline bins, the tally,
claim groups); the pages draw them, and `/api/` gives the same data as JSON."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from corroborate.claims import compare_sourced
from corroborate.geo.gazetteer import default_gazetteer
from corroborate.incidents.statuses import STATUS_FILTERS
from corroborate.incidents.tally import DIMENSIONS, REASONS, tally
from corroborate.incidents.taxonomy import load_taxonomy
from corroborate.report import shapes
from corroborate.report.exports import export_tally
from corroborate.report.mapview import (
    IncidentQuery,
    geojson,
    incidents_in_view,
    map_view,
    parse_bbox,
    parse_query,
    parse_zoom,
)
from corroborate.report.timeline import UNITS, parse_unit, timeline
from corroborate.web.access import archive_of
from corroborate.web.site import Site, user_of


def query_of(
    type: str = Query("", description="incident types, comma-separated"),
    status: str = Query("", description="lowest status counted ('any' or blank: all)"),
    date_from: str = Query("", alias="from", description="first day (2024-03 or 2024-03-01)"),
    date_to: str = Query("", alias="to", description="last day"),
    region: str = Query(""),
    perpetrator: str = Query(""),
    victim: str = Query(""),
) -> IncidentQuery:
    """The filters every view shares, parsed by the library (InputError names the bad one)."""
    return parse_query(
        types=type,
        min_status=status,
        date_from=date_from,
        date_to=date_to,
        region=region,
        perpetrator=perpetrator,
        victim=victim,
    )


@dataclass(frozen=True)
class TallyAsked:
    """What a tally request asks for, as typed (the library parses it)."""

    by: str
    status: str
    date_from: str
    date_to: str


def tally_asked(
    by: str = Query("", description=f"any of {', '.join(DIMENSIONS)}, comma-separated"),
    status: str = Query("verified", description="lowest status counted ('any': all)"),
    date_from: str = Query("", alias="from"),
    date_to: str = Query("", alias="to"),
) -> TallyAsked:
    return TallyAsked(by, status, date_from, date_to)


LEFT_OUT_LISTED = 200  # left-out incidents the page lists (the CSV and JSON have them all)


def register(site: Site) -> None:
    """The map, timeline, tally and claims pages and their API."""
    QUERY = Depends(query_of)

    def choices(request: Request) -> dict[str, Any]:
        return {
            "types": sorted(load_taxonomy(archive_of(request).dir).values(), key=lambda t: t.id),
            "statuses": STATUS_FILTERS,
            "units": UNITS,
        }

    # -- the map ---------------------------------------------------------------------------
    @site.route("GET", "/map", "read", response_class=HTMLResponse)
    def map_page(request: Request, query: IncidentQuery = QUERY) -> Response:
        return site.page(
            request, "map.html", query=query, params=request.url.query, **choices(request)
        )

    @site.route("GET", "/map/list", "read", response_class=HTMLResponse)
    def map_list(
        request: Request,
        query: IncidentQuery = QUERY,
        bbox: str = Query(""),
        offset: int = Query(0),
    ) -> Response:
        box = parse_bbox(bbox) if bbox else None
        total, found = incidents_in_view(
            archive_of(request), query, box, actor=user_of(request), limit=100, offset=offset
        )
        return site.page(request, "map_list.html", total=total, incidents=found, offset=offset)

    @site.route("GET", "/api/map/clusters", "read")
    def api_clusters(
        request: Request,
        query: IncidentQuery = QUERY,
        bbox: str = Query("", description="west,south,east,north"),
        zoom: str = Query("6"),
    ) -> dict[str, Any]:
        """Clusters of incidents for a viewport and zoom, and the incidents not located."""
        view = map_view(
            archive_of(request), query, parse_bbox(bbox), parse_zoom(zoom), actor=user_of(request)
        )
        return shapes.to_json(view)  # type: ignore[no-any-return]

    @site.route("GET", "/api/map/incidents", "read")
    def api_map_incidents(
        request: Request,
        query: IncidentQuery = QUERY,
        bbox: str = Query(""),
        limit: int = Query(200),
        offset: int = Query(0),
    ) -> dict[str, Any]:
        """The incidents in a viewport (or all, without bbox), newest first, a page at a time."""
        total, found = incidents_in_view(
            archive_of(request),
            query,
            parse_bbox(bbox) if bbox else None,
            actor=user_of(request),
            limit=limit,
            offset=offset,
        )
        return {"total": total, "offset": offset, "incidents": shapes.to_json(found)}

    @site.route("GET", "/api/map/geojson", "read")
    def api_geojson(request: Request, query: IncidentQuery = QUERY) -> Response:
        """Every located incident passing the filters, as GeoJSON (positions as the role sees
        them)."""
        return JSONResponse(
            geojson(archive_of(request), query, actor=user_of(request)),
            media_type="application/geo+json",
            headers={"Content-Disposition": 'attachment; filename="incidents.geojson"'},
        )

    @site.route("GET", "/api/map/places", "read")
    def api_places(request: Request, bbox: str = Query("")) -> dict[str, Any]:
        """The gazetteer's most important places in a viewport: the map's labels."""
        box = parse_bbox(bbox)
        found = default_gazetteer().landmarks(box.south, box.west, box.north, box.east, 40)
        return {
            "places": [
                {"name": p.name, "latitude": p.latitude, "longitude": p.longitude} for p in found
            ]
        }

    @site.route("GET", "/api/timeline", "read")
    def api_timeline(
        request: Request, query: IncidentQuery = QUERY, unit: str = Query("month")
    ) -> dict[str, Any]:
        """Incidents per day, week or month by type, counted as the tally counts them."""
        line = timeline(archive_of(request), query, parse_unit(unit), actor=user_of(request))
        return shapes.to_json(line)  # type: ignore[no-any-return]

    # -- the tally -------------------------------------------------------------------------
    TALLY = Depends(tally_asked)

    def tally_of(request: Request, asked: TallyAsked) -> Any:
        return tally(
            archive_of(request),
            by=asked.by or None,
            min_status=asked.status or "verified",
            date_from=asked.date_from or None,
            date_to=asked.date_to or None,
        )

    @site.route("GET", "/tally", "read", response_class=HTMLResponse)
    def tally_page(request: Request, asked: TallyAsked = TALLY) -> Response:
        if "by" not in request.query_params:  # the page opens counted by type
            asked = replace(asked, by="type")
        result = tally_of(request, asked)
        return site.page(
            request,
            "tally.html",
            result=result,
            reasons=REASONS,
            dimensions=DIMENSIONS,
            statuses=STATUS_FILTERS,
            by=asked.by,
            status=asked.status,
            date_from=asked.date_from,
            date_to=asked.date_to,
            params=request.url.query,
            chart=chart(result),
            listed=LEFT_OUT_LISTED,
        )

    @site.route("GET", "/api/tally", "read")
    def api_tally(
        request: Request,
        asked: TallyAsked = TALLY,
        ids: bool = Query(
            False,
            description="also list every incident counted and left out (as `corroborate "
            "tally --json`); without it, their numbers",
        ),
    ) -> dict[str, Any]:
        """The tally: figures, what was left out and why (counts, or every incident with
        `ids`)."""
        return shapes.tally(tally_of(request, asked), ids=ids)

    @site.route("GET", "/tally.csv", "read")
    def tally_csv(request: Request, asked: TallyAsked = TALLY) -> Response:
        done = export_tally(archive_of(request), tally_of(request, asked), actor=user_of(request))
        return Response(
            done.text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="tally.csv"'},
        )

    # -- claims ----------------------------------------------------------------------------
    @site.route("GET", "/claims", "read", response_class=HTMLResponse)
    def claims_page(request: Request) -> Response:
        return site.page(request, "claims.html", groups=compare_sourced(archive_of(request)))

    @site.route("GET", "/api/claims/compare", "read")
    def api_claims(request: Request) -> dict[str, Any]:
        """Claims about the same quantity side by side (as `corroborate claims compare
        --json`), each with the report it was read from."""
        return shapes.claim_groups(compare_sourced(archive_of(request)))


def chart(result: Any) -> list[dict[str, Any]]:
    """Bars for the tally's rows: the incidents counted and the killed (low to high), scaled to
    the largest; unknown figures are drawn as unknown (hatched), never as a zero-length bar."""
    rows = result.rows or [result.total]
    widest = max((r.incidents for r in rows), default=0) or 1
    most_killed = max(((r.killed_high or r.killed_low) for r in rows), default=0) or 1
    bars = []
    for r in rows:
        label = " · ".join(r.key.values()) if r.key else "total"
        bars.append(
            {
                "label": label,
                "incidents": r.incidents,
                "incidents_pct": round(100 * r.incidents / widest, 1),
                "killed": r.figure("killed"),
                "killed_low_pct": round(100 * r.killed_low / most_killed, 1),
                "killed_high_pct": (
                    round(100 * r.killed_high / most_killed, 1)
                    if r.killed_high is not None
                    else None
                ),
                "killed_unknown": r.killed_unknown,
            }
        )
    return bars
