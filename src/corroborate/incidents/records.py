"""Incident records: create, edit, link evidence, merge, read, and the history from the log.

Every write runs in one `archive.write()` transaction with its custody entry, so the record and
the log can never disagree; a failed check raises before anything is written.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from corroborate.accounts import Actor, require
from corroborate.archive.models import ItemRow
from corroborate.core import (
    CREDIBILITY_GRADES,
    DATE_PRECISIONS,
    EVIDENCE_ROLES,
    INCIDENT_STATUSES,
    PLACE_PRECISIONS,
    RELIABILITY_GRADES,
    REVIEW_DECISIONS,
    VICTIM_CATEGORIES,
    Citation,
    CustodyEntry,
    Evidence,
    Incident,
    Notice,
    Place,
    Review,
    stored_word,
)
from corroborate.custody import log
from corroborate.custody.models import CustodyEntryRow
from corroborate.db import utcnow
from corroborate.errors import InputError, NotFoundError, ReviewError, StaleEditError
from corroborate.incidents.fields import (
    SUBSTANTIVE,
    FieldError,
    FormEdit,
    IncidentFields,
    IncidentInput,
    IncidentNotes,
    changes,
    normalize,
    notices,
)
from corroborate.incidents.ids import incident_ref, parse_ref, source_ref, subject_for
from corroborate.incidents.models import CitationRow, EvidenceRow, IncidentRow
from corroborate.incidents.taxonomy import load_taxonomy
from corroborate.storage.archive import Archive

REOPENED_BY_MERGE = "it was verified; the joined record needs a new approval"


def _load(session: Session, ref: str) -> IncidentRow:
    row = session.get(IncidentRow, parse_ref(ref))
    if row is None:
        raise NotFoundError(f"no incident {ref}")
    return row


def writable(session: Session, ref: str) -> IncidentRow:
    """An incident's row to change; one merged into another is refused, naming that one."""
    row = _load(session, ref)
    if row.merged_into_id is not None:
        raise InputError(
            f"{incident_ref(row.id)} was merged into {incident_ref(row.merged_into_id)}; "
            "change that incident instead"
        )
    return row


# -- plain data ----------------------------------------------------------------------------
def field_values(row: IncidentRow) -> IncidentFields:
    """The row's fields (as the custody log records them before a change)."""
    return IncidentFields.of(row)


def _evidence(row: EvidenceRow, ref: str) -> Evidence:
    return Evidence(
        id=row.id,
        incident_id=ref,
        role=stored_word(row.role, EVIDENCE_ROLES, f"{ref} evidence {row.id}: role"),
        item_id=row.item_id,
        item_sha256=row.item.sha256 if row.item is not None else None,
        cluster_id=row.cluster_id,
        cluster_items=tuple(row.cluster_items or ()),
        note=row.note,
        linked_at=row.linked_at,
        linked_by=row.linked_by,
    )


def to_citation(row: CitationRow, ref: str) -> Citation:
    """The plain record of a citation (of the incident `ref`)."""
    return Citation(
        id=row.id,
        incident_id=ref,
        source_id=source_ref(row.source.id),
        source_name=row.source.name,
        reliability=stored_word(
            row.source.reliability, RELIABILITY_GRADES, f"{ref} citation {row.id}: reliability"
        ),
        credibility=stored_word(
            row.credibility, CREDIBILITY_GRADES, f"{ref} citation {row.id}: credibility"
        ),
        item_id=row.item_id,
        note=row.note,
        cited_at=row.cited_at,
        cited_by=row.cited_by,
    )


def to_incident(row: IncidentRow) -> Incident:
    """The plain record of a row, with its evidence, citations and reviews."""
    ref = incident_ref(row.id)
    place = None
    if row.place_name or row.latitude is not None:
        place = Place(
            name=row.place_name or "",
            latitude=row.latitude,
            longitude=row.longitude,
            admin1=row.region,
            admin2=row.district,
            country=row.country,
            precision=stored_word(
                row.place_precision or "settlement", PLACE_PRECISIONS, f"{ref}: place precision"
            ),
        )
    return Incident(
        id=ref,
        title=row.title,
        type=row.type,
        status=stored_word(row.status, INCIDENT_STATUSES, f"{ref}: status"),
        occurred_from=row.occurred_from,
        occurred_to=row.occurred_to,
        date_precision=stored_word(row.date_precision, DATE_PRECISIONS, f"{ref}: date precision"),
        place=place,
        geolocation_note=row.geolocation_note,
        perpetrator_party=row.perpetrator_party,
        victim_party=row.victim_party,
        killed_low=row.killed_low,
        killed_high=row.killed_high,
        injured_low=row.injured_low,
        injured_high=row.injured_high,
        victim_category=stored_word(
            row.victim_category, VICTIM_CATEGORIES, f"{ref}: victim category"
        ),
        description=row.description,
        tags=tuple(row.tags or ()),
        sensitive=row.sensitive,
        created_at=row.created_at,
        created_by=row.created_by,
        updated_at=row.updated_at,
        last_changed_by=row.last_changed_by,
        version=row.version,
        subject_sha256=subject_for("incident", row.uid),
        uid=row.uid,
        merged_into=incident_ref(row.merged_into_id) if row.merged_into_id else None,
        evidence=tuple(_evidence(e, ref) for e in row.evidence),
        citations=tuple(to_citation(c, ref) for c in row.citations),
        reviews=tuple(
            Review(
                id=r.id,
                incident_id=ref,
                reviewer=r.reviewer,
                decision=stored_word(r.decision, REVIEW_DECISIONS, f"{ref} review {r.id}"),
                note=r.note,
                time=r.time,
                status_before=stored_word(
                    r.status_before, INCIDENT_STATUSES, f"{ref} review {r.id}: status before"
                ),
                status_after=stored_word(
                    r.status_after, INCIDENT_STATUSES, f"{ref} review {r.id}: status after"
                ),
            )
            for r in row.reviews
        ),
    )


def _query() -> Any:
    return select(IncidentRow).options(
        selectinload(IncidentRow.evidence).selectinload(EvidenceRow.item),
        selectinload(IncidentRow.citations).selectinload(CitationRow.source),
        selectinload(IncidentRow.reviews),
    )


def fresh_incident(session: Session, pk: int) -> Incident:
    """The plain record of an incident as this transaction now has it."""
    session.flush()
    session.expire_all()
    row = session.scalars(_query().where(IncidentRow.id == pk)).one()
    return to_incident(row)


def log_incident(
    session: Session, row: IncidentRow, *, actor: str, action: str, details: dict[str, Any]
) -> CustodyEntry:
    """Append the custody entry of a change to an incident (its subject names the incident)."""
    return log.append(
        session,
        actor=actor,
        action=action,
        subject_sha256=subject_for("incident", row.uid),
        details={"incident": incident_ref(row.id), "version": row.version, **details},
    )


def touch(row: IncidentRow, actor: str) -> None:
    """Mark who made the last change: the four-eyes rule asks someone else to approve."""
    row.updated_at = utcnow()
    row.last_changed_by = actor
    bump_version(row)


def bump_version(row: IncidentRow) -> None:
    """A new version for every change, so a save based on the one before it is refused."""
    row.version = (row.version or 1) + 1


def check_version(session: Session, row: IncidentRow, expected: int | None) -> None:
    """Refuse a save based on an older version: name who changed what since, write nothing.

    What changed is read from the incident's custody entries, each of which carries the
    version it made (`log_incident`), so the caller learns the fields, not just a number.
    """
    if expected is None or expected == row.version:
        return
    ref = incident_ref(row.id)
    if expected > row.version:
        raise StaleEditError(
            f"{ref} is at version {row.version}, not {expected}: reload it and try again"
        )
    changed: list[str] = []
    by: list[str] = []
    query = (
        select(CustodyEntryRow.actor, CustodyEntryRow.action, CustodyEntryRow.details)
        .where(CustodyEntryRow.subject_sha256 == subject_for("incident", row.uid))
        .order_by(CustodyEntryRow.seq)
    )
    for actor, action, text in session.execute(query):
        details = json.loads(text)
        if not isinstance(details, dict) or not isinstance(details.get("version"), int):
            continue  # written before versions were logged, so before any version we compare
        if details["version"] <= expected:
            continue
        what = list(details.get("changes") or {})
        if "status" in details:
            what.append("status")
        if action not in ("incident.edit", "incident.status"):
            what.append(action.removeprefix("incident."))  # link, cite, review, merge ...
        changed.extend(w for w in what if w not in changed)
        if actor not in by:
            by.append(actor)
    raise StaleEditError(
        f"{ref} was changed since you loaded version {expected}: it is now version "
        f"{row.version}, changed by {', '.join(by) or row.last_changed_by}"
        + (f" ({', '.join(changed)})" if changed else "")
        + "; your save was not written: reload it and make your change again"
    )


# -- reading -------------------------------------------------------------------------------
def get_incident(archive: Archive, ref: str) -> Incident:
    """One incident by id (`INC-0001`, `inc-1` or `1`)."""
    pk = parse_ref(ref)
    with archive.session() as session:
        row = session.scalars(_query().where(IncidentRow.id == pk)).first()
        if row is None:
            raise NotFoundError(f"no incident {ref}")
        found = to_incident(row)
    return current_evidence(archive, [found])[0]


def list_incidents(
    archive: Archive,
    *,
    status: str | None = None,
    type: str | None = None,
    include_merged: bool = False,
) -> list[Incident]:
    """Incidents, oldest first; those merged into another are left out unless asked for.

    `status` (one of the statuses) and `type` (a taxonomy id) narrow the list."""
    with archive.session() as session:
        query = _query().order_by(IncidentRow.id)
        if status:
            query = query.where(IncidentRow.status == _status_word(status))
        if type:
            query = query.where(IncidentRow.type == type.strip())
        if not include_merged:
            query = query.where(IncidentRow.merged_into_id.is_(None))
        found = [to_incident(r) for r in session.scalars(query)]
    return current_evidence(archive, found)


def history(archive: Archive, ref: str) -> list[CustodyEntry]:
    """Every custody entry about the incident and the incidents merged into it, oldest first."""
    pk = parse_ref(ref)
    with archive.session() as session:
        if session.get(IncidentRow, pk) is None:
            raise NotFoundError(f"no incident {ref}")
        uids = [r.uid for r in _merged_family(session, pk)]
    subjects = {subject_for("incident", uid) for uid in uids}
    found: dict[int, CustodyEntry] = {}
    for subject in subjects:
        for entry in log.entries(archive, subject_sha256=subject):
            found[entry.seq] = entry
    return [found[k] for k in sorted(found)]


def _merged_family(session: Session, pk: int) -> list[IncidentRow]:
    """The incident and, recursively, every incident merged into it."""
    out: list[IncidentRow] = []
    todo = [pk]
    while todo:
        current = todo.pop()
        row = session.get(IncidentRow, current)
        if row is None:
            continue
        out.append(row)
        todo.extend(
            session.scalars(
                select(IncidentRow.id).where(IncidentRow.merged_into_id == current)
            ).all()
        )
    return out


# -- writing -------------------------------------------------------------------------------
def new_row(
    session: Session, record: IncidentFields, *, actor: str, uid: str | None = None
) -> IncidentRow:
    """Insert a checked record as a new unverified incident (inside a write transaction);
    `uid` keeps the identity an incident had in the archive it was exported from."""
    now = utcnow()
    row = IncidentRow(
        uid=uid or uuid.uuid4().hex,
        status="unverified",
        created_at=now,
        created_by=actor,
        updated_at=now,
        last_changed_by=actor,
        version=1,
        **record.columns(),
    )
    session.add(row)
    session.flush()
    return row


def create_incident(archive: Archive, data: IncidentInput, *, actor: Actor) -> Incident:
    """Record a new incident (status `unverified`); its creation is logged with the full record."""
    actor = require(actor, "edit")
    record, notes = normalize(data, load_taxonomy(archive.dir))
    with archive.write() as session:
        row = new_row(session, record, actor=actor)
        log_incident(
            session,
            row,
            actor=actor,
            action="incident.create",
            details={"record": record.to_json(), **notes},
        )
        return replace(fresh_incident(session, row.id), notices=notices(notes))


def edit_incident(
    archive: Archive,
    ref: str,
    data: IncidentInput | FormEdit,
    *,
    actor: Actor,
    note: str | None = None,
    status: str | None = None,
    expected_version: int | None = None,
) -> Incident:
    """Change fields of an incident and, with `status`, its status, in one transaction.

    A substantive change to a verified one re-opens review. Each part is logged as its own
    entry (`incident.edit`, `incident.status`), but both are committed or neither: a status
    that cannot be set leaves the fields unchanged too. With `expected_version` (the version
    the caller's form was loaded at), a save over a newer version raises `StaleEditError`.
    A `FormEdit` (a whole form, as a page sends it) changes only the fields the person changed
    from what the form showed: the record at `expected_version`, checked first.
    """
    actor = require(actor, "edit")
    wanted = _status_wanted(status) if status is not None else None
    if wanted is None and isinstance(data, IncidentInput) and not data.given():
        raise InputError("nothing to change: give at least one option")
    taxonomy = load_taxonomy(archive.dir)
    with archive.write() as session:
        row = writable(session, ref)
        check_version(session, row, expected_version)
        if isinstance(data, FormEdit):
            data = data.against(field_values(row))
            if wanted is None and not data.given():
                raise InputError(f"{incident_ref(row.id)}: nothing to change")
        notes: IncidentNotes = {}
        if data.given():
            notes = _edit_row(session, row, data, taxonomy, actor=actor, note=note)
        if wanted is not None:
            _status_row(session, row, wanted, actor=actor, note=note)
        return replace(fresh_incident(session, row.id), notices=notices(notes))


def _edit_row(
    session: Session,
    row: IncidentRow,
    data: IncidentInput,
    taxonomy: Any,
    *,
    actor: str,
    note: str | None,
) -> IncidentNotes:
    """Apply and log an edit inside the caller's transaction; the normalisation notes."""
    before = field_values(row)
    after, notes = normalize(data, taxonomy, before)
    diff = changes(before, after)
    if not diff:
        raise InputError(f"{incident_ref(row.id)}: nothing to change")
    for key, value in after.columns().items():
        setattr(row, key, value)
    details: dict[str, Any] = {"changes": diff, **notes}
    if note:
        details["note"] = note
    if row.status == "verified" and any(k in SUBSTANTIVE for k in diff):
        row.status = "under-review"
        details["status"] = ["verified", "under-review"]
        details["reason"] = "a verified record changed; it needs a new approval"
    touch(row, actor)
    log_incident(session, row, actor=actor, action="incident.edit", details=details)
    return notes


def _cluster(archive: Archive, ref: str) -> tuple[str, list[str]] | None:
    """The current name and items of a footage cluster (`FC-0001`, or a name merged into
    another), or None when there is no such cluster."""
    from corroborate.match import find_cluster  # match loads FAISS and numba: when asked

    cluster = find_cluster(archive, ref)
    if cluster is None:
        return None
    return cluster.id, sorted(i.id for i in cluster.items)


def _current_names(archive: Archive) -> dict[str, str]:
    from corroborate.match import cluster_members  # FAISS and numba: only when asked

    return cluster_members(archive)[0]


def cluster_now(
    cluster_id: str,
    items: Iterable[str],
    current: dict[str, str],
    members: dict[str, list[str]],
) -> tuple[str, tuple[str, ...]]:
    """A linked cluster as it is now: its current name and every copy it holds today (the
    items as linked when it is not known any more)."""
    if cluster_id not in current:
        return cluster_id, tuple(items)
    name = current[cluster_id]
    return name, tuple(sorted(members.get(name, items)))


def current_evidence(archive: Archive, incidents: list[Incident]) -> list[Incident]:
    """Incidents whose cluster evidence names the cluster as it is now: its current name (a
    cluster merged into an older one is that one) and every copy it holds today, so a link
    made before new copies arrived covers them. Links to items are as made."""
    if not any(ev.cluster_id for inc in incidents for ev in inc.evidence):
        return incidents
    from corroborate.match import cluster_members  # FAISS and numba: only when asked

    current, members = cluster_members(archive)

    def now(ev: Evidence) -> Evidence:
        if not ev.cluster_id or ev.cluster_id not in current:
            return ev
        name, items = cluster_now(ev.cluster_id, ev.cluster_items, current, members)
        return replace(ev, cluster_id=name, cluster_items=items)

    return [replace(inc, evidence=tuple(now(ev) for ev in inc.evidence)) for inc in incidents]


def link_evidence(
    archive: Archive,
    ref: str,
    target: str,
    *,
    role: str,
    actor: Actor,
    note: str | None = None,
) -> Evidence:
    """Link an archived item (by id or SHA-256 prefix) or a footage cluster to an incident."""
    from corroborate.archive import get_item

    actor = require(actor, "edit")
    role = role.strip().lower()
    if role not in EVIDENCE_ROLES:
        raise InputError(f"unknown evidence role {role!r}; use one of: {', '.join(EVIDENCE_ROLES)}")
    item_id: str | None = None
    cluster_id: str | None = None
    cluster_items: list[str] = []
    try:
        item_id = get_item(archive, target).id
    except (NotFoundError, InputError) as exc:
        found = _cluster(archive, target.strip())
        if found is None:
            if isinstance(exc, InputError):
                raise
            raise NotFoundError(
                f"no archived item or footage cluster {target!r}; nothing linked"
            ) from None
        cluster_id, cluster_items = found
    linked_as = _current_names(archive) if cluster_id else {}
    with archive.write() as session:
        row = writable(session, ref)
        for existing in row.evidence:
            if existing.cluster_id and linked_as.get(existing.cluster_id) == cluster_id:
                raise InputError(
                    f"{target} is already linked to {incident_ref(row.id)} as {existing.role} "
                    f"(as {existing.cluster_id}, now named {cluster_id})"
                )
        evidence = add_evidence(
            session,
            row,
            role=role,
            item_id=item_id,
            cluster_id=cluster_id,
            cluster_items=cluster_items,
            actor=actor,
            note=note,
            shown=target,
        )
        return _evidence(evidence, incident_ref(row.id))


def add_evidence(
    session: Session,
    row: IncidentRow,
    *,
    role: str,
    item_id: str | None,
    cluster_id: str | None,
    cluster_items: list[str],
    actor: str,
    note: str | None = None,
    shown: str | None = None,
    extra: dict[str, Any] | None = None,
) -> EvidenceRow:
    """Link checked evidence to an incident inside a write transaction, with its entry."""
    for existing in row.evidence:
        if (item_id and existing.item_id == item_id) or (
            cluster_id and existing.cluster_id == cluster_id
        ):
            raise InputError(
                f"{shown or item_id or cluster_id} is already linked to "
                f"{incident_ref(row.id)} as {existing.role}"
            )
    evidence = EvidenceRow(
        incident_id=row.id,
        role=role,
        item_id=item_id,
        cluster_id=cluster_id,
        cluster_items=cluster_items,
        note=note,
        linked_at=utcnow(),
        linked_by=actor,
    )
    session.add(evidence)
    session.flush()
    item = session.get(ItemRow, item_id) if item_id else None
    touch(row, actor)
    log_incident(
        session,
        row,
        actor=actor,
        action="incident.link",
        details={
            "evidence": evidence.id,
            "role": role,
            "item": item_id,
            "item_sha256": item.sha256 if item is not None else None,
            "cluster": cluster_id,
            "cluster_items": cluster_items,
            "note": note,
            **(extra or {}),
        },
    )
    session.refresh(evidence)
    return evidence


def merge_incidents(
    archive: Archive, keep: str, other: str, *, actor: Actor, note: str | None = None
) -> Incident:
    """Join a duplicate into the incident kept: its evidence and citations move over, both
    histories stay in the log, and the duplicate stops counting in tallies. A verified
    incident kept goes back to review: its approval did not see what was merged in."""
    actor = require(actor, "edit")
    with archive.write() as session:
        kept = writable(session, keep)
        gone = writable(session, other)
        if kept.id == gone.id:
            raise InputError("an incident cannot be merged into itself")
        have_items = {e.item_id for e in kept.evidence if e.item_id}
        have_clusters = {e.cluster_id for e in kept.evidence if e.cluster_id}
        moved_evidence, moved_citations = [], []
        for ev in list(gone.evidence):
            if (ev.item_id and ev.item_id in have_items) or (
                ev.cluster_id and ev.cluster_id in have_clusters
            ):
                continue
            ev.incident_id = kept.id
            moved_evidence.append(ev.id)
        for cit in list(gone.citations):
            cit.incident_id = kept.id
            moved_citations.append(cit.id)
        gone.merged_into_id = kept.id
        touch(gone, actor)
        touch(kept, actor)
        reopened = kept.status == "verified"
        if reopened:  # new evidence and citations under an approval that did not see them
            kept.status = "under-review"
        details: dict[str, Any] = {
            "kept": incident_ref(kept.id),
            "merged": incident_ref(gone.id),
            "merged_subject": subject_for("incident", gone.uid),
            "evidence_moved": moved_evidence,
            "citations_moved": moved_citations,
            "merged_record": field_values(gone).to_json(),
            "merged_status": gone.status,
            "note": note,
        }
        if reopened:
            details["status"] = ["verified", "under-review"]
            details["reason"] = (
                f"{incident_ref(gone.id)} was merged into a verified record; the joined record "
                "needs a new approval"
            )
        log_incident(session, kept, actor=actor, action="incident.merge", details=details)
        log_incident(
            session,
            gone,
            actor=actor,
            action="incident.merged-into",
            details={"into": incident_ref(kept.id), "note": note},
        )
        said = (Notice("review-reopened", REOPENED_BY_MERGE),) if reopened else ()
        return replace(fresh_incident(session, kept.id), notices=said)


def _status_word(status: str) -> str:
    """One of the statuses, however it was written (`Under_Review`)."""
    status = status.strip().lower().replace("_", "-").replace(" ", "-")
    if status not in INCIDENT_STATUSES:
        raise FieldError(
            "status", f"unknown status {status!r}; use one of: {', '.join(INCIDENT_STATUSES)}"
        )
    return status


def _status_wanted(status: str) -> str:
    """A status a person may set directly; `verified` is reached only through review."""
    status = _status_word(status)
    if status == "verified":
        raise ReviewError(
            "an incident becomes verified only when a second person approves it "
            "(`corroborate incident review INCIDENT --approve`)"
        )
    return status


def _status_row(
    session: Session, row: IncidentRow, status: str, *, actor: str, note: str | None
) -> None:
    """Move and log a status inside the caller's transaction."""
    if row.status == status:
        raise InputError(f"{incident_ref(row.id)} is already {status}")
    before = row.status
    row.status = status
    touch(row, actor)  # who moved it: four eyes asks someone else to approve it next
    log_incident(
        session,
        row,
        actor=actor,
        action="incident.status",
        details={"status": [before, status], "note": note},
    )


def set_status(
    archive: Archive,
    ref: str,
    status: str,
    *,
    actor: Actor,
    note: str | None = None,
    expected_version: int | None = None,
) -> Incident:
    """Move an incident to under-review, disputed, discounted or back to unverified.

    `verified` is reached only through an approving review (see `review_incident`); asking
    for review (under-review) is an edit like any other, and makes the asker its last author.
    """
    actor = require(actor, "edit")
    wanted = _status_wanted(status)
    with archive.write() as session:
        row = writable(session, ref)
        check_version(session, row, expected_version)
        _status_row(session, row, wanted, actor=actor, note=note)
        return fresh_incident(session, row.id)


def item_ids(incident: Incident) -> Iterable[str]:
    """Every archived item an incident's evidence names, directly or through a cluster."""
    for ev in incident.evidence:
        if ev.item_id:
            yield ev.item_id
        yield from ev.cluster_items
