"""The claims derivation: numeric claims read from each new text report at ingest.

A built-in, declared in the `corroborate.derivations` entry-point group like any other; its
custody entry is `claims.extract` (written by `store_claims`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from corroborate.archive.derivations import Failure, Stage, Subject, Workspace, register
from corroborate.archive.telegram import is_export_file
from corroborate.claims.store import claims_for_file, store_claims
from corroborate.core import Claim
from corroborate.storage.archive import Archive


class Claims:
    """Claims in documents and web pages (none for binary documents such as PDF)."""

    name = "claims"
    deferrable = False

    def applies(self, subject: Subject) -> bool:
        # a Telegram export's own result.json or page: its posts are read one by one instead
        return subject.kind in ("document", "webpage") and not is_export_file(subject.path)

    def derive(self, archive: Workspace, subject: Subject) -> list[Claim]:
        return claims_for_file(subject.path, subject.kind)

    def store(
        self, session: Session, item_id: str, subject: Subject, derived: list[Claim], *, actor: str
    ) -> None:
        store_claims(session, item_id, derived, actor=actor)  # none read is a result too

    def after_commit(
        self, archive: Archive, item_id: str, subject: Subject, derived: list[Claim], *, actor: str
    ) -> list[str]:
        return []

    def failure(self, subject: Subject, error: Exception, stage: Stage) -> Failure:
        return Failure(f"claims not read: {error}", warning=False)


CLAIMS = register(Claims())
