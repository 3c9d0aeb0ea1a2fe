"""Exports of incidents for other tools: CSV (re-importable), JSON Lines and GeoJSON; and the
CSV of a tally with its caveats.

Exporters are small functions registered by format name; adding a format touches this file.
Every export is recorded in the custody log with the SHA-256 of what was handed out, once the
file is in place. CSV cells a spreadsheet would evaluate as a formula are neutralised.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from corroborate.accounts import Actor, require
from corroborate.core import Incident
from corroborate.crashpoints import crash_point
from corroborate.custody import log
from corroborate.errors import InputError
from corroborate.incidents import list_incidents
from corroborate.incidents.statuses import meets, parse_min_status
from corroborate.incidents.tally import REASONS, Tally, TallyRow
from corroborate.storage.archive import Archive

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and
# Google Sheets; OWASP's advice is to prefix it with a single quote, which shows as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A text cell as a spreadsheet will show it, never evaluate it: `=1+1` -> `'=1+1`.

    Only for text: numbers we write ourselves (coordinates, figures) are left as numbers.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv(rows: Iterable[Iterable[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows(rows)
    return buf.getvalue()


CSV_COLUMNS = (
    "id", "uid", "status", "title", "type", "date_from", "date_to", "date_precision", "place",
    "latitude", "longitude", "place_precision", "region", "geolocation_note", "perpetrator",
    "victim_party", "killed", "injured", "victim_category", "description", "tags", "sensitive",
    "evidence", "citations",
)  # fmt: skip
# Columns we write from numbers, not a person's text: not neutralised (-33.5 stays a number).
NUMERIC_COLUMNS = ("latitude", "longitude")


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
        "uid": inc.uid,
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
            f"{e.role}:{e.item_id or 'cluster:' + str(e.cluster_id)}" for e in inc.evidence
        ),
        # "B2 UN HRMMU; A1 Reuters": grade, then the source's name, as the importer reads it
        "citations": "; ".join(f"{c.grade} {c.source_name}" for c in inc.citations),
    }


def to_csv(incidents: list[Incident]) -> str:
    """One row per incident under CSV_COLUMNS; text cells neutralised (see `safe_cell`)."""

    def cells(inc: Incident) -> list[str]:
        row = csv_row(inc)
        return [row[c] if c in NUMERIC_COLUMNS else safe_cell(row[c]) for c in CSV_COLUMNS]

    return _csv([list(CSV_COLUMNS), *(cells(inc) for inc in incidents)])


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


@dataclass(frozen=True)
class IncidentExport:
    """What an export handed out: its text, where it was written, and what it left out."""

    format: str
    text: str
    sha256: str
    incidents: list[str]
    sensitive_left_out: int
    path: Path | None = None


class AtomicFile:
    """Bytes written to a temporary file beside `path` and fsynced; `commit` renames it into
    place, `discard` removes it. An unwritable place raises InputError naming it, in one line."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = Path(path)
        self.folder = self.path.parent
        if self.path.is_dir():
            raise InputError(f"{self.path}: is a folder; give a file name to write")
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.folder)
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write here ({exc.strerror or exc})") from None
        self.tmp = Path(tmp)
        self.committed = False
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            self.discard()
            raise InputError(f"{self.path}: cannot write ({exc.strerror or exc})") from None

    def commit(self) -> None:
        try:
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.discard()
            raise InputError(f"{self.path}: cannot write ({exc.strerror or exc})") from None
        self.committed = True
        try:
            dfd = os.open(self.folder, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dfd)
        except OSError:
            pass
        finally:
            os.close(dfd)

    def discard(self) -> None:
        self.tmp.unlink(missing_ok=True)


def export_incidents(
    archive: Archive,
    fmt: str,
    *,
    actor: Actor,
    min_status: str | None = None,
    include_sensitive: bool = False,
    out: Path | None = None,
) -> IncidentExport:
    """Incidents in one of EXPORTERS' formats, sensitive ones left out unless asked for.

    With `out`, the file is written atomically and the custody entry (with its SHA-256) is
    committed only once the file is in place; a failed write leaves neither.
    """
    actor = require(actor, "read")
    fmt = fmt.strip().lower()
    if fmt not in EXPORTERS:
        raise InputError(f"unknown export format {fmt!r}; use one of: {', '.join(EXPORTERS)}")
    min_status = parse_min_status(min_status)
    ranked = [inc for inc in list_incidents(archive) if meets(inc.status, min_status)]
    chosen = [inc for inc in ranked if include_sensitive or not inc.sensitive]
    text = EXPORTERS[fmt](chosen)
    sha = logged_export(
        archive,
        text.encode(),
        out,
        actor=actor,
        action="export.incidents",
        details={
            "format": fmt,
            "incidents": [inc.id for inc in chosen],
            "min_status": min_status,
            "include_sensitive": include_sensitive,
            "sensitive_left_out": len(ranked) - len(chosen),
        },
    )
    return IncidentExport(
        format=fmt,
        text=text,
        sha256=sha,
        incidents=[inc.id for inc in chosen],
        sensitive_left_out=len(ranked) - len(chosen),
        path=out,
    )


def logged_export(
    archive: Archive,
    data: bytes,
    out: Path | None,
    *,
    actor: Actor,
    action: str,
    details: dict[str, Any],
) -> str:
    """Log an export (`details` plus its SHA-256 and file name) and, with `out`, write it.

    The file is written under a temporary name beside `out`, fsynced, and renamed into place
    inside the transaction that logs it, before that commits: a write that fails leaves no
    entry and no file, and a commit that fails removes the file it would have described. A
    process killed between the rename and the commit leaves the file without its entry (never
    an entry without its file). The SHA-256 is returned. Anyone who may read may export: the
    entry names the account that handed the evidence out.
    """
    actor = require(actor, "read")
    sha = hashlib.sha256(data).hexdigest()
    pending = AtomicFile(out, data) if out is not None else None
    try:
        crash_point("export-written")
        with archive.write() as session:
            log.append(
                session,
                actor=actor,
                action=action,
                details={
                    **details,
                    "sha256": sha,
                    "file": out.name if out is not None else None,
                },
            )
            if pending is not None:
                pending.commit()  # the file is in place before its entry is committed
                crash_point("export-placed")
    except BaseException:
        if pending is not None:
            pending.discard()
            if pending.committed and _holds(pending.path, sha):
                pending.path.unlink()  # in place but its entry not committed: no unlogged file
        raise
    return sha


def _holds(path: Path | None, sha: str) -> bool:
    try:
        return path is not None and hashlib.sha256(path.read_bytes()).hexdigest() == sha
    except OSError:
        return False


# -- tallies -------------------------------------------------------------------------------
TALLY_FIGURES = (
    "incidents", "killed_low", "killed_high", "killed_no_figure",
    "injured_low", "injured_high", "injured_no_figure",
)  # fmt: skip


def tally_csv(result: Tally) -> str:
    """A tally as CSV that keeps its caveats where a spreadsheet user sees them.

    The first column says what each row is (`group`, `total`, `caveat`); every figure row
    has a `reads` column ("at least ...", with how many incidents have no figure), and the
    caveat rows after the total say what was left out and why. A high figure is empty when
    some incident has no figure (no upper figure is known); unknown is never written as 0.
    """
    header = ["row", *result.by, *TALLY_FIGURES, "reads"]

    def figures(row: TallyRow) -> list[object]:
        return [
            row.incidents,
            row.killed_low,
            "" if row.killed_high is None else row.killed_high,
            row.killed_unknown,
            row.injured_low,
            "" if row.injured_high is None else row.injured_high,
            row.injured_unknown,
        ]

    def reads(row: TallyRow) -> str:
        return f"killed: {row.figure('killed')}; injured: {row.figure('injured')}"

    pad = [""] * (len(result.by) + len(TALLY_FIGURES))
    rows: list[list[object]] = [[*header]]
    for row in result.rows if result.by else []:  # without --by the total is the one row
        rows.append(["group", *(safe_cell(row.key[d]) for d in result.by), *figures(row),
                     safe_cell(reads(row))])  # fmt: skip
    rows.append(["total", *(["all"] * len(result.by)), *figures(result.total),
                 safe_cell(reads(result.total))])  # fmt: skip
    for caveat in result.caveats():
        rows.append(["caveat", *pad, safe_cell(caveat)])
    return _csv(rows)


@dataclass(frozen=True)
class TallyExport:
    """A tally handed out as CSV: its text, digest and where it was written."""

    text: str
    sha256: str
    path: Path | None = None


def export_tally(
    archive: Archive, result: Tally, *, actor: Actor, out: Path | None = None
) -> TallyExport:
    """The CSV of a tally (see `tally_csv`), logged as `export.tally` with its SHA-256 and the
    scope it counted; with `out`, written atomically as every export is."""
    actor = require(actor, "read")
    text = tally_csv(result)
    sha = logged_export(
        archive,
        text.encode(),
        out,
        actor=actor,
        action="export.tally",
        details={
            "format": "csv",
            "by": list(result.by),
            "min_status": result.min_status,
            "from": result.date_from.isoformat() if result.date_from else None,
            "to": result.date_to.isoformat() if result.date_to else None,
            "incidents": result.total.incidents,
            "left_out": [x.incident_id for x in result.left_out],
        },
    )
    return TallyExport(text=text, sha256=sha, path=out)


__all__ = [
    "CSV_COLUMNS",
    "EXPORTERS",
    "IncidentExport",
    "REASONS",
    "TallyExport",
    "export_incidents",
    "export_tally",
    "logged_export",
    "safe_cell",
    "tally_csv",
    "AtomicFile",
]
