"""`verify`: re-hash every blob and re-check the custody log, naming each problem."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from corroborate.archive.models import DerivativeRow, ItemRow
from corroborate.core import Problem
from corroborate.custody.models import CustodyEntryRow
from corroborate.custody.state import verify_state
from corroborate.custody.verify import verify_log
from corroborate.storage.archive import Archive


def verify_archive(
    archive: Archive, *, progress: Callable[[int, int], None] | None = None
) -> list[Problem]:
    """All problems found; an empty list means every blob and the whole log check out."""
    problems: list[Problem] = []
    with archive.session() as session:
        items = list(session.execute(select(ItemRow.id, ItemRow.sha256, ItemRow.original_name)))
        derived = list(session.execute(select(DerivativeRow.item_id, DerivativeRow.sha256)))
        logged = set(
            session.scalars(
                select(CustodyEntryRow.subject_sha256).where(
                    CustodyEntryRow.action == "archive.ingest"
                )
            )
        )
    total = len(items) + len(derived)
    done = 0
    for item_id, sha, name in items:
        problems.extend(_check_blob(archive, sha, f"item {item_id} ({name})"))
        if sha not in logged:
            problems.append(
                Problem(
                    "unlogged_item",
                    f"item {item_id}",
                    f"item {item_id} ({name}) has no ingest entry in the custody log",
                )
            )
        done += 1
        if progress:
            progress(done, total)
    for item_id, sha in derived:
        problems.extend(_check_blob(archive, sha, f"keyframe of item {item_id}"))
        done += 1
        if progress:
            progress(done, total)
    problems.extend(verify_log(archive))
    with archive.session() as session:
        problems.extend(verify_state(session))
    return problems


def _check_blob(archive: Archive, sha: str, where: str) -> list[Problem]:
    if not archive.blobs.exists(sha):
        return [Problem("missing_blob", where, f"{where}: blob {sha} is missing")]
    actual = archive.blobs.rehash(sha)
    if actual != sha:
        return [
            Problem(
                "altered_blob",
                where,
                f"{where}: blob {sha} was altered (its bytes now hash to {actual[:16]}…)",
            )
        ]
    return []
