"""Import of incidents from the spreadsheets (CSV) teams already keep.

Every row is checked before anything is written; any bad row stops the whole import with a
list of errors naming row and column, so a sheet is never half imported.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from corroborate.config import Archive
from corroborate.core import Incident
from corroborate.errors import InputError
from corroborate.incidents.fields import FieldError, IncidentInput, jsonable, normalize, notices
from corroborate.incidents.records import _fresh, log_incident, new_row
from corroborate.incidents.taxonomy import load_taxonomy

COLUMNS = tuple(f.name for f in fields(IncidentInput))
ALIASES = {
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "perpetrator_party": "perpetrator",
    "victims_killed": "killed",
    "victims_injured": "injured",
    "place_name": "place",
    "incident_type": "type",
}
# Columns our own CSV export writes that describe state an import must not set.
IGNORED = (
    "id", "status", "evidence", "citations", "created_at", "created_by", "merged_into",
    "killed_low", "killed_high", "injured_low", "injured_high", "district", "country",
)  # fmt: skip
# Record fields -> the input column that sets them, to name the column in an error.
_FIELD_COLUMN = {"date_from": "date_from", "date_to": "date_to"}


@dataclass(frozen=True)
class ImportReport:
    """What an import created."""

    file: str
    sha256: str
    incidents: list[Incident]


def _column(name: str) -> str:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def read_rows(text: str, *, source: str) -> list[tuple[int, dict[str, str], dict[str, str]]]:
    """(row number as a spreadsheet shows it, values by input column, header by column)."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{source}: the file is empty") from None
    names = [_column(h) for h in header]
    errors = []
    for raw, name in zip(header, names, strict=True):
        if name and name not in COLUMNS and name not in IGNORED:
            errors.append(f"{source}: row 1, column {raw!r}: unknown column")
    for required in ("title", "type"):
        if required not in names:
            errors.append(f"{source}: row 1: a {required!r} column is required")
    if errors:
        raise InputError("\n".join([f"{source}: nothing imported", *errors]))
    shown = dict(zip(names, header, strict=True))
    out = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(names):
            raise InputError(f"{source}: row {number}: more cells than the header has columns")
        row = {n: v for n, v in zip(names, values, strict=False) if n in COLUMNS and v.strip()}
        out.append((number, row, shown))
    return out


def _input(row: dict[str, str]) -> IncidentInput:
    return IncidentInput(**{k: v for k, v in row.items()})


def import_incidents(archive: Archive, path: Path, *, actor: str) -> ImportReport:
    """Create one unverified incident per row of a CSV file, all or nothing."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save the sheet as CSV UTF-8") from None
    sha = hashlib.sha256(data).hexdigest()
    taxonomy = load_taxonomy(archive.dir)
    rows = read_rows(text, source=path.name)
    records: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    errors: list[str] = []
    for number, values, shown in rows:
        try:
            record, notes = normalize(_input(values), taxonomy)
        except FieldError as exc:
            column = _FIELD_COLUMN.get(exc.field, exc.field)
            if column not in shown and column == "latitude" and "longitude" in shown:
                column = "longitude"
            label = shown.get(column, column)
            errors.append(f"{path.name}: row {number}, column {label!r}: {exc}")
            continue
        records.append((number, record, notes))
    if errors:
        raise InputError(
            "\n".join([f"{path.name}: {len(errors)} bad row(s); nothing imported", *errors])
        )
    if not records:
        raise InputError(f"{path.name}: no rows to import")
    created: list[tuple[int, tuple[str, ...]]] = []
    with archive.write() as session:
        for number, record, notes in records:
            row = new_row(session, record, actor=actor)
            log_incident(
                session,
                row,
                actor=actor,
                action="incident.create",
                details={
                    "record": {k: jsonable(v) for k, v in record.items()},
                    "import": {"file": path.name, "sha256": sha, "row": number},
                    **notes,
                },
            )
            created.append((row.id, notices(notes)))
        incidents = [replace(_fresh(session, pk), notices=said) for pk, said in created]
    return ImportReport(file=path.name, sha256=sha, incidents=incidents)
