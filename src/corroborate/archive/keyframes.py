"""The keyframes derivation: a few JPEG thumbnails of each new video, stored as blobs.

A built-in, declared in the `corroborate.derivations` entry-point group like any other.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from corroborate.archive.derivations import Failure, Stage, Subject, Workspace, register
from corroborate.archive.models import DerivativeRow
from corroborate.custody import log
from corroborate.media import keyframes
from corroborate.storage.archive import Archive

ACTION = "media.keyframes"

Thumbs = list[tuple[str, float]]  # (SHA-256 of the JPEG blob, time in seconds)


class Keyframes:
    """Thumbnails spread over a readable video; the blobs are stored before the transaction."""

    name = "keyframes"
    deferrable = False

    def applies(self, subject: Subject) -> bool:
        return subject.kind == "video" and subject.media_readable

    def derive(self, archive: Workspace, subject: Subject) -> Thumbs:
        thumbs: Thumbs = []
        for frame in keyframes(subject.path, subject.metadata.get("duration_s")):
            thumb_sha, _ = archive.blobs.put_bytes(frame.jpeg)
            thumbs.append((thumb_sha, frame.time_s))
        return thumbs

    def store(
        self, session: Session, item_id: str, subject: Subject, derived: Thumbs, *, actor: str
    ) -> None:
        for thumb_sha, t in derived:
            session.add(
                DerivativeRow(
                    item_id=item_id, role="keyframe", sha256=thumb_sha, mime="image/jpeg", time_s=t
                )
            )
        log.append(  # none found is a result too
            session,
            actor=actor,
            action=ACTION,
            subject_sha256=subject.sha256,
            details={"keyframes": [{"sha256": s, "time_s": t} for s, t in derived]},
        )

    def after_commit(
        self, archive: Archive, item_id: str, subject: Subject, derived: Thumbs, *, actor: str
    ) -> list[str]:
        return []

    def failure(self, subject: Subject, error: Exception, stage: Stage) -> Failure:
        return Failure(f"{subject.shown}: no keyframes ({error})")


KEYFRAMES = register(Keyframes())
