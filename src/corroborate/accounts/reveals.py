"""Which session may see which sensitive original, for a short while.

A grant is held on the server, keyed by the SHA-256 of the session cookie (or API token) that
asked: never a flag the browser keeps, so it cannot be forged, copied to another session, or
outlive the session's logout (a new session has another key). The reveal itself, who saw what
and when, is a custody entry written by the caller (`report.media.reveal_media`).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from corroborate.accounts.models import MediaRevealRow
from corroborate.db import utcnow
from corroborate.storage.archive import Archive

REVEAL_LIFETIME = timedelta(minutes=30)  # long enough to watch a clip, short enough to lapse


def holder_of(credential: str) -> str:
    """The key a grant is held under: the SHA-256 of the cookie or token (never stored)."""
    return hashlib.sha256(credential.encode()).hexdigest()


def grant_reveal(
    archive: Archive, holder: str, item_id: str, *, now: datetime | None = None
) -> datetime:
    """Let `holder` see `item_id`'s original until the time returned; lapsed grants are swept."""
    now = now or utcnow()
    until = now + REVEAL_LIFETIME
    with Session(archive.writer, expire_on_commit=False) as session, session.begin():
        session.execute(delete(MediaRevealRow).where(MediaRevealRow.expires_at <= now))
        session.add(
            MediaRevealRow(holder_sha256=holder, item_id=item_id, granted_at=now, expires_at=until)
        )
    return until


def revealed_to(archive: Archive, holder: str | None, *, now: datetime | None = None) -> set[str]:
    """The items whose originals `holder` may see now (none without a holder)."""
    if not holder:
        return set()
    now = now or utcnow()
    with archive.session() as session:
        return set(
            session.scalars(
                select(MediaRevealRow.item_id).where(
                    MediaRevealRow.holder_sha256 == holder, MediaRevealRow.expires_at > now
                )
            )
        )
