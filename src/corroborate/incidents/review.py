"""Review: the rules that make an incident `verified`, kept here so every front end obeys them.

Verified needs (1) at least one primary evidence item, (2) a place with a note saying how it
was located, and (3) approval by someone other than the author of the last change (four eyes).
"""

from __future__ import annotations

from corroborate.accounts import Actor, require
from corroborate.core import (
    INCIDENT_STATUSES,
    REVIEW_DECISIONS,
    Incident,
    IncidentStatus,
    Review,
    stored_word,
    word_in,
)
from corroborate.db import utcnow
from corroborate.errors import InputError, ReviewError
from corroborate.incidents.ids import incident_ref
from corroborate.incidents.models import IncidentRow, ReviewRow
from corroborate.incidents.records import bump_version, log_incident, to_incident, writable
from corroborate.storage.archive import Archive

DECISIONS = REVIEW_DECISIONS


def verification_gaps(incident: Incident) -> list[str]:
    """What an incident still lacks before it can be verified; empty when nothing."""
    gaps = []
    if not any(e.role == "primary" for e in incident.evidence):
        gaps.append("no primary evidence is linked")
    if incident.place is None or not incident.place.name:
        gaps.append("no place is given")
    if not incident.geolocation_note:
        gaps.append("no geolocation note says how the place was established")
    return gaps


def _check_approval(row: IncidentRow, reviewer: str) -> None:
    ref = incident_ref(row.id)
    if row.status == "verified":
        raise ReviewError(f"{ref} is verified already")
    gaps = verification_gaps(to_incident(row))
    if gaps:
        raise ReviewError(f"{ref} cannot be verified: {'; '.join(gaps)}")
    if reviewer.strip().lower() == row.last_changed_by.strip().lower():
        raise ReviewError(
            f"{ref}: {reviewer} made the last change, so another reviewer must approve it "
            "(four eyes)"
        )


def review_incident(
    archive: Archive,
    ref: str,
    *,
    decision: str,
    actor: Actor,
    note: str | None = None,
) -> Review:
    """Approve (-> verified, if the rules allow) or reject (-> unverified, with the reasons).

    Needs the reviewer role; with a logged-in account, four eyes compares account names, so
    the author of the last change cannot approve it under another spelling of their name.
    """
    actor = require(actor, "review")
    decision = decision.strip().lower()
    chosen = word_in(decision, REVIEW_DECISIONS)
    if chosen is None:
        raise InputError(f"unknown review decision {decision!r}; use approve or reject")
    if chosen == "reject" and not (note and note.strip()):
        raise InputError("a rejection needs a note saying what is missing or wrong")
    with archive.write() as session:
        row = writable(session, ref)
        before = stored_word(row.status, INCIDENT_STATUSES, f"{incident_ref(row.id)}: status")
        after: IncidentStatus
        if chosen == "approve":
            _check_approval(row, actor)
            after = "verified"
        else:
            after = "unverified" if before in ("verified", "under-review") else before
        review = ReviewRow(
            incident_id=row.id,
            reviewer=actor,
            decision=chosen,
            note=note,
            time=utcnow(),
            status_before=before,
            status_after=after,
        )
        session.add(review)
        row.status = after
        row.updated_at = review.time
        bump_version(row)  # not touch(): the author, not the reviewer, stays the last to change it
        session.flush()
        log_incident(
            session,
            row,
            actor=actor,
            action="incident.review",
            details={
                "review": review.id,
                "decision": chosen,
                "status": [before, after],
                "last_change_by": row.last_changed_by,
                "note": note,
            },
        )
        return Review(
            id=review.id,
            incident_id=incident_ref(row.id),
            reviewer=actor,
            decision=chosen,
            note=note,
            time=review.time,
            status_before=before,
            status_after=after,
        )
