"""Import of incidents from the spreadsheets (CSV) teams already keep, and from our own export.

Every row is checked before anything is written; any bad row stops the whole import with a
list of errors naming row and column, so a sheet is never half imported.

Our own CSV export round-trips: a row whose `uid` is already in this archive is that
incident, so it is never imported twice (an unchanged row is skipped and said so; a changed
one is refused: change the record with `incident edit`). In a fresh archive the incident
keeps its uid; its evidence is linked when the same file is archived here, its citations are
kept when a source of that name is registered here, and its status is never imported: it
starts unverified and needs review in this archive (four eyes). Everything not imported is
said, row by row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corroborate.accounts import Actor, require
from corroborate.core import EVIDENCE_ROLES, EvidenceRole, Incident, Notice
from corroborate.errors import InputError
from corroborate.incidents.fields import (
    FieldError,
    IncidentFields,
    IncidentInput,
    IncidentNotes,
    changes,
    normalize,
    notices,
)
from corroborate.incidents.ids import incident_ref
from corroborate.incidents.models import IncidentRow, SourceRow
from corroborate.incidents.records import (
    add_evidence,
    field_values,
    fresh_incident,
    log_incident,
    new_row,
)
from corroborate.incidents.taxonomy import load_taxonomy
from corroborate.storage.archive import Archive

COLUMNS = tuple(f.name for f in fields(IncidentInput))
# Columns of our own export that say which record a row is and what it links to.
RECORD_COLUMNS = ("id", "uid", "status", "evidence", "citations")
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
# Columns other exports write that describe state an import must not set (read, not used).
IGNORED = (
    "created_at", "created_by", "merged_into",
    "killed_low", "killed_high", "injured_low", "injured_high", "district", "country",
)  # fmt: skip
# Record fields -> the input column that sets them, to name the column in an error.
_FIELD_COLUMN = {"date_from": "date_from", "date_to": "date_to"}
_UID = re.compile(r"^[0-9a-f]{32}$")
_CITATION = re.compile(r"^([A-F])([1-6])\s+(.+)$")
# A leading ' before a formula character is how our export (and OWASP) neutralise a cell
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")


@dataclass(frozen=True)
class ImportReport:
    """What an import created, what it skipped (already here) and what it did not keep."""

    file: str
    sha256: str
    incidents: list[Incident]
    skipped: list[str] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)


def _column(name: str) -> str:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def cell_text(value: str) -> str:
    """A cell's text as the person wrote it: the ' a CSV export put before `=`, `+`, `-`, `@`
    (so a spreadsheet shows it as text) is taken off; anything else is kept as written."""
    return _NEUTRALISED.sub("", value)


def read_rows(text: str, *, source: str) -> list[tuple[int, dict[str, str], dict[str, str]]]:
    """(row number as a spreadsheet shows it, values by column, header by column)."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{source}: the file is empty") from None
    names = [_column(h) for h in header]
    known = (*COLUMNS, *RECORD_COLUMNS, *IGNORED)
    errors = []
    for raw, name in zip(header, names, strict=True):
        if name and name not in known:
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
        row = {
            n: cell_text(v)
            for n, v in zip(names, values, strict=False)
            if (n in COLUMNS or n in RECORD_COLUMNS) and v.strip()
        }
        out.append((number, row, shown))
    return out


def _input(row: dict[str, str]) -> IncidentInput:
    return IncidentInput(**{k: v for k, v in row.items() if k in COLUMNS})


@dataclass
class _Row:
    number: int
    record: IncidentFields
    notes: IncidentNotes
    uid: str | None
    evidence: list[tuple[EvidenceRole, str]]  # (role, item id or "cluster:ID")
    citations: list[tuple[str, int, str]]  # (reliability, credibility, source name)
    status: str | None
    sheet_id: str | None
    given: IncidentInput


def _evidence_cell(text: str) -> list[tuple[EvidenceRole, str]]:
    out: list[tuple[EvidenceRole, str]] = []
    for token in text.split():
        role, colon, target = token.partition(":")
        role = role.strip().lower()
        if not colon or not target or role not in EVIDENCE_ROLES:
            raise FieldError(
                "evidence",
                f"evidence {token!r} is not ROLE:ITEM (roles: {', '.join(EVIDENCE_ROLES)})",
            )
        out.append((role, target))
    return out


def _citations_cell(text: str) -> list[tuple[str, int, str]]:
    out = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        m = _CITATION.match(part)
        if not m:
            raise FieldError(
                "citations",
                f"citation {part!r} is not GRADE NAME (e.g. 'B2 UN HRMMU'; A-F then 1-6)",
            )
        out.append((m[1], int(m[2]), m[3].strip()))
    return out


# Record fields -> the sheet column that sets them, to say which cells differ.
_RECORD_COLUMN = {
    "occurred_from": "date_from", "occurred_to": "date_to", "place_name": "place",
    "perpetrator_party": "perpetrator", "killed_low": "killed", "killed_high": "killed",
    "injured_low": "injured", "injured_high": "injured",
}  # fmt: skip


def _differs(before: IncidentFields, after: IncidentFields) -> list[str]:
    """The sheet columns whose cells differ from the record, floats compared to the six
    decimals a CSV export keeps."""
    diff = changes(before, after)
    for key in list(diff):
        old, new = diff[key]
        if isinstance(old, float) and isinstance(new, float) and abs(old - new) < 5e-7:
            del diff[key]
    return sorted({_RECORD_COLUMN.get(k, k) for k in diff})


def import_incidents(archive: Archive, path: Path, *, actor: Actor) -> ImportReport:
    """Create one unverified incident per new row of a CSV file, all or nothing; rows already
    in this archive (by uid) are never imported twice."""
    actor = require(actor, "edit")
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
    checked: list[_Row] = []
    errors: list[str] = []
    seen_uids: dict[str, int] = {}

    def bad(number: int, column: str, shown: dict[str, str], message: str) -> None:
        errors.append(f"{path.name}: row {number}, column {shown.get(column, column)!r}: {message}")

    for number, values, shown in rows:
        uid = values.get("uid", "").strip().lower() or None
        if uid is not None and not _UID.match(uid):
            bad(number, "uid", shown, f"{uid!r} is not an incident uid (32 hex digits)")
            continue
        if uid is not None and uid in seen_uids:
            bad(number, "uid", shown, f"the same incident as row {seen_uids[uid]}")
            continue
        if uid is not None:
            seen_uids[uid] = number
        try:
            record, notes = normalize(_input(values), taxonomy)
            evidence = _evidence_cell(values.get("evidence", ""))
            citations = _citations_cell(values.get("citations", ""))
        except FieldError as exc:
            column = _FIELD_COLUMN.get(exc.field, exc.field)
            if column not in shown and column == "latitude" and "longitude" in shown:
                column = "longitude"
            bad(number, column, shown, str(exc))
            continue
        checked.append(
            _Row(
                number, record, notes, uid, evidence, citations,
                values.get("status", "").strip().lower() or None,
                values.get("id", "").strip() or None, _input(values),
            )
        )  # fmt: skip
    if errors:
        raise InputError(
            "\n".join([f"{path.name}: {len(errors)} bad row(s); nothing imported", *errors])
        )
    if not checked:
        raise InputError(f"{path.name}: no rows to import")

    created: list[tuple[int, tuple[Notice, ...]]] = []
    skipped: list[str] = []
    not_imported: list[str] = []
    with archive.write() as session:
        new: list[_Row] = []
        for r in checked:
            existing = _existing(session, r)
            if existing is None:
                new.append(r)
                continue
            ref = incident_ref(existing.id)
            before = field_values(existing)
            diff = _differs(before, normalize(r.given, taxonomy, before)[0])
            if diff:
                errors.append(
                    f"{path.name}: row {r.number}: {ref} is already in this archive and this row "
                    f"differs from it ({', '.join(diff)}); change it with `corroborate "
                    "incident edit`, or clear the row's id and uid cells to import it as a new "
                    "incident"
                )
                continue
            where = (
                f", merged into {incident_ref(existing.merged_into_id)}"
                if existing.merged_into_id
                else ""
            )
            skipped.append(
                f"row {r.number}: already in this archive as {ref}{where}; not imported again"
            )
        if errors:
            raise InputError(
                "\n".join([f"{path.name}: {len(errors)} bad row(s); nothing imported", *errors])
            )
        for r in new:
            row = new_row(session, r.record, actor=actor, uid=r.uid)
            ref = incident_ref(row.id)
            lost: list[str] = []
            if r.status and r.status != "unverified":
                lost.append(
                    f"status {r.status!r} in the sheet not imported: {ref} starts unverified and "
                    "needs review in this archive (four eyes)"
                )
            if r.sheet_id and r.uid is None:
                lost.append(f"id {r.sheet_id!r} of the sheet is not kept; recorded as {ref}")
            log_incident(
                session,
                row,
                actor=actor,
                action="incident.create",
                details={
                    "record": r.record.to_json(),
                    "import": {
                        "file": path.name,
                        "sha256": sha,
                        "row": r.number,
                        "sheet_status": r.status,
                        "sheet_id": r.sheet_id,
                        "uid_from_sheet": r.uid is not None,
                    },
                    **r.notes,
                },
            )
            lost += _link_rows(session, row, r, actor=actor, source=path.name)
            not_imported += [f"row {r.number} ({ref}): {x}" for x in lost]
            created.append(
                (row.id, (*notices(r.notes), *(Notice("not-imported", x) for x in lost)))
            )
        incidents = [replace(fresh_incident(session, pk), notices=s) for pk, s in created]
    return ImportReport(
        file=path.name, sha256=sha, incidents=incidents, skipped=skipped, not_imported=not_imported
    )


def _existing(session: Session, r: _Row) -> IncidentRow | None:
    """The incident a row of our own export is, when it is in this archive already."""
    if r.uid is not None:
        return session.scalars(select(IncidentRow).where(IncidentRow.uid == r.uid)).first()
    if r.sheet_id is None:
        return None
    m = re.match(r"^(?:inc-?)?0*(\d+)$", r.sheet_id, re.IGNORECASE)
    row = session.get(IncidentRow, int(m[1])) if m else None
    # an export older than the uid column: the same id, title and date is the same record
    if (
        row is not None
        and row.title == r.record.title
        and row.occurred_from == r.record.occurred_from
    ):
        return row
    return None


def _link_rows(
    session: Session, row: IncidentRow, r: _Row, *, actor: str, source: str
) -> list[str]:
    """Link the row's evidence and citations where this archive has them; what was not kept."""
    from corroborate.archive.models import ItemRow
    from corroborate.incidents.sources import add_citation

    said: list[str] = []
    extra = {"import": {"file": source, "row": r.number}}
    for role, target in r.evidence:
        if target.lower().startswith("cluster:") or target.lower().startswith("cluster-"):
            said.append(
                f"evidence {role}:{target} not linked: footage clusters are named per archive; "
                "link the cluster again with `corroborate incident link`"
            )
            continue
        item = session.get(ItemRow, target.lower())
        if item is None:
            said.append(
                f"evidence {role}:{target} not linked: no such item in this archive (ingest the "
                "file, then `corroborate incident link`)"
            )
            continue
        add_evidence(
            session, row, role=role, item_id=item.id, cluster_id=None, cluster_items=[],
            actor=actor, extra=extra,
        )  # fmt: skip
    for reliability, credibility, name in r.citations:
        src = session.scalars(
            select(SourceRow).where(func.lower(SourceRow.name) == name.lower())
        ).first()
        if src is None:
            said.append(
                f"citation {reliability}{credibility} {name} not kept: no source of that name "
                "in this archive (`corroborate source add`, then `incident cite`)"
            )
            continue
        add_citation(session, row, src, credibility, actor=actor, extra=extra)
        if src.reliability != reliability:
            said.append(
                f"citation of {src.name}: graded {reliability} in the sheet, {src.reliability} "
                f"in this archive; this archive's grade applies ({src.reliability}{credibility})"
            )
    return said
