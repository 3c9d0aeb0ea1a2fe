"""The custody log's archive hook: what the storage layer calls without importing custody.

Every write transaction records the rows it changed (`state.record`) and seals the entries
appended in it under a new signed tree head, before its commit; an opened archive finishes a
key rotation that was killed half-way and records the state of an archive made before state
was bound to the log. Registered on import and declared in the `corroborate.archive_hooks`
entry-point group, so that storage finds it even when nothing imported custody.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from corroborate.custody import keys, log, rotation, state
from corroborate.storage import hooks
from corroborate.storage.archive import STATE_BOUND_FORMAT, Archive


class CustodyHook:
    """Binds every write of an archive to its signed custody log."""

    name = "custody"
    keeps_custody_log = True

    def opened(self, archive: Archive) -> None:
        if any(p.name != keys.PRIVATE for p in archive.key_dir.glob("*.key")):
            rotation.finish_interrupted(archive)
        baseline_state_if_older(archive)

    def begin(self, session: Session) -> None:
        state.track(session)

    def before_commit(self, archive: Archive, session: Session) -> None:
        # looked up at call time: tests stand in for these to play an older version or a crash
        state.record_pending(session)
        log.seal_pending(archive, session)


def baseline_state_if_older(archive: Archive) -> None:
    """An archive made before state was bound to the log gets its state recorded once."""
    if int(archive.settings.get("format", 1)) >= STATE_BOUND_FORMAT:
        return
    with archive.session() as session:
        if not state.needs_baseline(session):
            return
    with archive.write() as session:
        if state.needs_baseline(session):
            state.record_baseline(session, actor="corroborate (upgrade)")


HOOK = CustodyHook()
hooks.register(HOOK)
