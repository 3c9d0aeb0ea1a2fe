"""Exports of incidents for other tools: CSV (re-importable), JSON Lines and GeoJSON.

Exporters are small functions registered by format name; adding a format touches this file.
Every export is recorded in the custody log with the SHA-256 of what was handed out.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from corroborate.config import Archive
from corroborate.core import INCIDENT_STATUSES, Incident
from corroborate.custody import log
from corroborate.errors import InputError
from corroborate.incidents import list_incidents

CSV_COLUMNS = (
    "id", "status", "title", "type", "date_from", "date_to", "date_precision", "place",
    "latitude", "longitude", "place_precision", "region", "geolocation_note", "perpetrator",
    "victim_party", "killed", "injured", "victim_category", "description", "tags", "sensitive",
    "evidence", "citations",
)  # fmt: skip


def plain(value: Any) -> Any:
    """Dataclasses, dates and tuples as JSON values."""
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        return plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def incident_json(inc: Incident) -> dict[str, Any]:
    """An incident as one JSON object, with its Admiralty grades spelled out."""
    out: dict[str, Any] = plain(inc)
    for cit, raw in zip(out["citations"], inc.citations, strict=True):
        cit["grade"] = raw.grade
    return out


def figure(low: int | None, high: int | None) -> str:
    """A victim figure as people write it: `3`, `3-4`, or empty when unknown."""
    if low is None:
        return ""
    return str(low) if high == low else f"{low}-{high}"


def csv_row(inc: Incident) -> dict[str, str]:
    place = inc.place
    return {
        "id": inc.id,
        "status": inc.status,
        "title": inc.title,
        "type": inc.type,
        "date_from": inc.occurred_from.isoformat() if inc.occurred_from else "",
        "date_to": inc.occurred_to.isoformat() if inc.occurred_to else "",
        "date_precision": inc.date_precision,
        "place": place.name if place else "",
        "latitude": "" if not place or place.latitude is None else f"{place.latitude:.6f}",
        "longitude": "" if not place or place.longitude is None else f"{place.longitude:.6f}",
        "place_precision": place.precision if place else "",
        "region": (place.admin1 if place else None) or "",
        "geolocation_note": inc.geolocation_note or "",
        "perpetrator": inc.perpetrator_party or "",
        "victim_party": inc.victim_party or "",
        "killed": figure(inc.killed_low, inc.killed_high),
        "injured": figure(inc.injured_low, inc.injured_high),
        "victim_category": inc.victim_category,
        "description": inc.description,
        "tags": ",".join(inc.tags),
        "sensitive": "yes" if inc.sensitive else "no",
        "evidence": " ".join(
            f"{e.role}:{e.item_id or 'cluster-' + str(e.cluster_id)}" for e in inc.evidence
        ),
        "citations": " ".join(f"{c.source_id}:{c.grade}" for c in inc.citations),
    }


def to_csv(incidents: list[Incident]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for inc in incidents:
        writer.writerow(csv_row(inc))
    return buf.getvalue()


def to_jsonl(incidents: list[Incident]) -> str:
    return "".join(
        json.dumps(incident_json(inc), ensure_ascii=False, sort_keys=True) + "\n"
        for inc in incidents
    )


def to_geojson(incidents: list[Incident]) -> str:
    """A FeatureCollection, one Feature per incident; no geometry where no coordinates."""
    features = []
    for inc in incidents:
        place = inc.place
        geometry = None
        if place is not None and place.latitude is not None and place.longitude is not None:
            geometry = {"type": "Point", "coordinates": [place.longitude, place.latitude]}
        # The CSV strings, with figures, flag and tags given back their JSON types.
        props: dict[str, str | int | bool | list[str] | None] = dict(csv_row(inc))
        props.pop("latitude")
        props.pop("longitude")
        props.update(
            killed_low=inc.killed_low,
            killed_high=inc.killed_high,
            injured_low=inc.injured_low,
            injured_high=inc.injured_high,
            sensitive=inc.sensitive,
            tags=list(inc.tags),
        )
        features.append(
            {"type": "Feature", "id": inc.id, "geometry": geometry, "properties": props}
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


EXPORTERS: dict[str, Callable[[list[Incident]], str]] = {
    "csv": to_csv,
    "jsonl": to_jsonl,
    "geojson": to_geojson,
}


def export_incidents(
    archive: Archive,
    fmt: str,
    *,
    actor: str,
    min_status: str | None = None,
    include_sensitive: bool = True,
) -> str:
    """Incidents in one of EXPORTERS' formats; the export is logged with its SHA-256."""
    fmt = fmt.strip().lower()
    if fmt not in EXPORTERS:
        raise InputError(f"unknown export format {fmt!r}; use one of: {', '.join(EXPORTERS)}")
    if min_status is not None and min_status not in INCIDENT_STATUSES:
        raise InputError(
            f"unknown status {min_status!r}; use one of: {', '.join(INCIDENT_STATUSES)}"
        )
    rank = INCIDENT_STATUSES.index(min_status) if min_status else 0
    chosen = [
        inc
        for inc in list_incidents(archive)
        if INCIDENT_STATUSES.index(inc.status) >= rank and (include_sensitive or not inc.sensitive)
    ]
    text = EXPORTERS[fmt](chosen)
    with archive.write() as session:
        log.append(
            session,
            actor=actor,
            action="export.incidents",
            details={
                "format": fmt,
                "incidents": [inc.id for inc in chosen],
                "sha256": hashlib.sha256(text.encode()).hexdigest(),
                "min_status": min_status,
                "include_sensitive": include_sensitive,
            },
        )
    return text
