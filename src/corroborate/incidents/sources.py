"""Sources and citations graded on the Admiralty scale: a source's reliability (A-F) and the
credibility (1-6) of each piece of information it gave about an incident."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corroborate.accounts import Actor, require
from corroborate.core import (
    CREDIBILITY_GRADES,
    RELIABILITY_GRADES,
    SOURCE_KINDS,
    Citation,
    Credibility,
    Reliability,
    Source,
    SourceKind,
    stored_word,
    word_in,
)
from corroborate.custody import log
from corroborate.db import utcnow
from corroborate.errors import InputError, NotFoundError
from corroborate.incidents.fields import FieldError
from corroborate.incidents.ids import incident_ref, source_pk, source_ref, subject_for
from corroborate.incidents.models import CitationRow, IncidentRow, SourceRow
from corroborate.incidents.records import log_incident, to_citation, touch, writable
from corroborate.storage.archive import Archive


def to_source(row: SourceRow) -> Source:
    return Source(
        id=source_ref(row.id),
        name=row.name,
        kind=stored_word(row.kind, SOURCE_KINDS, f"{source_ref(row.id)}: kind"),
        reliability=stored_word(
            row.reliability, RELIABILITY_GRADES, f"{source_ref(row.id)}: reliability"
        ),
        url=row.url,
        note=row.note,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def check_reliability(value: str) -> Reliability:
    grade = word_in(value.strip().upper(), RELIABILITY_GRADES)
    if grade is None:
        raise FieldError(
            "reliability", f"source reliability {value!r} must be one of A-F (Admiralty scale)"
        )
    return grade


def check_credibility(value: int | str) -> Credibility:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    grade = word_in(number, CREDIBILITY_GRADES)
    if grade is None:
        raise FieldError(
            "credibility", f"credibility {value!r} must be a number 1-6 (Admiralty scale)"
        )
    return grade


def check_kind(value: str) -> SourceKind:
    kind = word_in(value.strip().lower().replace("_", "-").replace(" ", "-"), SOURCE_KINDS)
    if kind is None:
        raise FieldError(
            "kind", f"unknown source kind {value!r}; use one of: {', '.join(SOURCE_KINDS)}"
        )
    return kind


def _find(session: Session, ref: str) -> SourceRow:
    text = ref.strip()
    pk = source_pk(text)
    row = session.get(SourceRow, pk) if pk is not None else None
    if row is None:
        row = session.scalars(
            select(SourceRow).where(func.lower(SourceRow.name) == text.lower())
        ).first()
    if row is None:
        raise NotFoundError(f"no source {ref!r} (add it with `corroborate source add`)")
    return row


def _log_source(
    session: Session, row: SourceRow, *, actor: str, action: str, details: dict[str, Any]
) -> None:
    log.append(
        session,
        actor=actor,
        action=action,
        subject_sha256=subject_for("source", row.uid),
        details={"source": source_ref(row.id), **details},
    )


def add_source(
    archive: Archive,
    name: str,
    *,
    kind: str,
    reliability: str,
    actor: Actor,
    url: str | None = None,
    note: str | None = None,
) -> Source:
    """Register who publishes or supplies information, with its reliability grade."""
    actor = require(actor, "edit")
    name = name.strip()
    if not name:
        raise FieldError("name", "a source needs a name")
    kind, reliability = check_kind(kind), check_reliability(reliability)
    with archive.write() as session:
        clash = session.scalars(
            select(SourceRow).where(func.lower(SourceRow.name) == name.lower())
        ).first()
        if clash is not None:
            raise InputError(
                f"a source named {clash.name!r} exists already ({source_ref(clash.id)})"
            )
        row = SourceRow(
            uid=uuid.uuid4().hex,
            name=name,
            kind=kind,
            reliability=reliability,
            url=url,
            note=note,
            created_at=utcnow(),
            created_by=actor,
        )
        session.add(row)
        session.flush()
        _log_source(
            session,
            row,
            actor=actor,
            action="source.create",
            details={"name": name, "kind": kind, "reliability": reliability, "url": url},
        )
        return to_source(row)


def grade_source(
    archive: Archive, ref: str, reliability: str, *, actor: Actor, note: str | None = None
) -> Source:
    """Re-grade a source's reliability; the old grade stays in the log.

    Every verified incident citing the source changes grade under its reviewer, so it goes
    back to review (status under-review, logged on the incident); `reopened` names them.
    """
    actor = require(actor, "edit")
    grade = check_reliability(reliability)
    with archive.write() as session:
        row = _find(session, ref)
        if row.reliability == grade:
            raise InputError(f"{row.name} is already graded {grade}")
        before, row.reliability = row.reliability, grade
        # a subquery, not JOIN ... DISTINCT: PostgreSQL has no equality for JSON columns
        citing = session.scalars(
            select(IncidentRow)
            .where(
                IncidentRow.id.in_(
                    select(CitationRow.incident_id).where(CitationRow.source_id == row.id)
                ),
                IncidentRow.status == "verified",
                IncidentRow.merged_into_id.is_(None),
            )
            .order_by(IncidentRow.id)
        ).all()
        reopened = []
        for inc in citing:
            inc.status = "under-review"
            touch(inc, actor)
            log_incident(
                session,
                inc,
                actor=actor,
                action="incident.status",
                details={
                    "status": ["verified", "under-review"],
                    "reason": f"source {source_ref(row.id)} ({row.name}) re-graded "
                    f"{before} -> {grade}; a verified record's citation changed, so it needs "
                    "a new approval",
                    "source": source_ref(row.id),
                },
            )
            reopened.append(incident_ref(inc.id))
        _log_source(
            session,
            row,
            actor=actor,
            action="source.grade",
            details={"reliability": [before, grade], "note": note, "reopened": reopened},
        )
        return replace(to_source(row), reopened=tuple(reopened))


def get_source(archive: Archive, ref: str) -> Source:
    """A source by id (`SRC-0001`) or by name."""
    with archive.session() as session:
        return to_source(_find(session, ref))


def list_sources(archive: Archive) -> list[Source]:
    with archive.session() as session:
        return [to_source(r) for r in session.scalars(select(SourceRow).order_by(SourceRow.id))]


def cite_source(
    archive: Archive,
    incident: str,
    source: str,
    *,
    credibility: int | str,
    actor: Actor,
    item: str | None = None,
    note: str | None = None,
) -> Citation:
    """Record that a source said something about an incident, and how credible that is."""
    from corroborate.archive import get_item

    actor = require(actor, "edit")
    grade = check_credibility(credibility)
    item_id = get_item(archive, item).id if item else None
    with archive.write() as session:
        row = writable(session, incident)
        src = _find(session, source)
        cit, warnings = add_citation(
            session, row, src, grade, actor=actor, item_id=item_id, note=note
        )
        return replace(to_citation(cit, incident_ref(row.id)), warnings=tuple(warnings))


def add_citation(
    session: Session,
    row: IncidentRow,
    src: SourceRow,
    credibility: int,
    *,
    actor: str,
    item_id: str | None = None,
    note: str | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[CitationRow, list[str]]:
    """Cite a source on an incident inside a write transaction, with its entry; plus warnings
    (the incident cites this source already: one source said twice is not two confirmations)."""
    warnings = [
        f"{incident_ref(row.id)} already cites {src.name} (citation {c.id}, graded "
        f"{src.reliability}{c.credibility}); a source cited twice is still one source"
        for c in session.scalars(
            select(CitationRow)
            .where(CitationRow.incident_id == row.id, CitationRow.source_id == src.id)
            .order_by(CitationRow.id)
        )
    ]
    cit = CitationRow(
        incident_id=row.id,
        source_id=src.id,
        credibility=credibility,
        item_id=item_id,
        note=note,
        cited_at=utcnow(),
        cited_by=actor,
    )
    session.add(cit)
    session.flush()
    session.refresh(cit)
    touch(row, actor)
    log_incident(
        session,
        row,
        actor=actor,
        action="incident.cite",
        details={
            "citation": cit.id,
            "source": source_ref(src.id),
            "source_name": src.name,
            "grade": f"{src.reliability}{credibility}",
            "item": item_id,
            "note": note,
            **({"warnings": warnings} if warnings else {}),
            **(extra or {}),
        },
    )
    return cit, warnings
