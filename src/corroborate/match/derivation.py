"""The signature derivation: each new video or image is hashed, stored, and matched.

A built-in, declared in the `corroborate.derivations` entry-point group like any other. The
signature is stored in the ingest transaction with a `derive.signature` entry (signal, version
and the SHA-256 of the stored bytes); once the item is committed it is matched against the
archive, and the matches stored are recorded in a `derive.matches` entry with the SHA-256 of
the stored rows (their canonical serialisation, as `state.record` computes it).
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from corroborate.archive.derivations import Failure, Stage, Subject, Workspace, register
from corroborate.custody import log, state
from corroborate.match import FileSignature, after_ingest, signature_for_file, store_signature
from corroborate.match.models import MatchRow, SignatureRow
from corroborate.storage.archive import Archive

SIGNATURE_ACTION = "derive.signature"
MATCHES_ACTION = "derive.matches"


class Signature:
    """Perceptual signature of readable videos and images; left for `rehash` in bulk intake."""

    name = "signature"
    deferrable = True

    def applies(self, subject: Subject) -> bool:
        return subject.kind in ("video", "image") and subject.media_readable

    def derive(self, archive: Workspace, subject: Subject) -> FileSignature | None:
        return signature_for_file(subject.path, subject.kind)

    def store(
        self,
        session: Session,
        item_id: str,
        subject: Subject,
        derived: FileSignature | None,
        *,
        actor: str,
    ) -> None:
        if derived is None:
            return
        store_signature(session, item_id, derived)
        for row in session.scalars(
            select(SignatureRow).where(SignatureRow.item_id == item_id).order_by(SignatureRow.id)
        ):
            log.append(
                session,
                actor=actor,
                action=SIGNATURE_ACTION,
                subject_sha256=subject.sha256,
                details={
                    "item": item_id,
                    "signal": f"{row.signal}/{row.version}",
                    "rows": row.rows,
                    "sha256": hashlib.sha256(row.data).hexdigest(),
                },
            )

    def after_commit(
        self,
        archive: Archive,
        item_id: str,
        subject: Subject,
        derived: FileSignature | None,
        *,
        actor: str,
    ) -> list[str]:
        if derived is None:
            return []
        found = after_ingest(archive, [item_id], {item_id: derived})
        if found:
            log_stored_matches(archive, item_id, subject.sha256, actor=actor)
        return [m.describe() for m in found]

    def failure(self, subject: Subject, error: Exception, stage: Stage) -> Failure:
        if stage == "after_commit":
            return Failure(
                f"{subject.shown}: archived, but not compared with the archive ({error})"
            )
        return Failure(f"{subject.shown}: no perceptual signature ({error})")


def log_stored_matches(archive: Archive, item_id: str, sha256: str, *, actor: str) -> None:
    """One `derive.matches` entry for the matches stored for `item_id`, with their digest."""
    table = state.table_named(MatchRow.__tablename__)
    with archive.write() as session:
        rows = list(
            session.execute(
                select(table).where(table.c.query_id == item_id).order_by(table.c.id)
            ).mappings()
        )
        canonical = "\n".join(state.canonical_row(table, row) for row in rows)
        log.append(
            session,
            actor=actor,
            action=MATCHES_ACTION,
            subject_sha256=sha256,
            details={
                "item": item_id,
                "matches": [
                    {
                        "item": row["item_id"],
                        "signal": row["signal"],
                        "threshold": row["threshold"],
                        "score": row["score"],
                    }
                    for row in rows
                ],
                "sha256": hashlib.sha256(canonical.encode()).hexdigest(),
            },
        )


SIGNATURE = register(Signature())
