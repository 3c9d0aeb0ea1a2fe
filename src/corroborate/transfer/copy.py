"""Moving an archive to another backend (a laptop's SQLite and folder to a team's PostgreSQL and
S3), with proof that nothing was lost or changed.

The copy is a resumable sync: blobs first (each re-hashed as it lands, so a blob is never
stored under an address its bytes do not have), then every table's rows in foreign-key order,
each batch its own transaction. A run that is killed leaves a target folder with `copy.json`
(what is being copied where) and no `archive.json`, so nothing opens it as an archive; the next
run brings the target up to date from where it is. Only when the target verifies in full is
one entry, `archive.copy`, appended to the target's log under the same signing key, and a
consistency proof shows that the target's log is the source's log plus that entry. The
completion marker, `archive.json`, is written last.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from corroborate.core import Problem
from corroborate.crashpoints import crash_point
from corroborate.errors import ArchiveError, IntegrityError
from corroborate.storage.archive import (
    CONFIG_NAME,
    PASSWORD_NAME,
    Archive,
    existing_archive,
    mask_password,
    split_password,
    with_password,
    write_owner_only,
)
from corroborate.storage.blobs import CHUNK, BlobStore

COPY_ACTION = "archive.copy"
STATE_NAME = "copy.json"
_BATCH = 500
_LOG_TABLES = ("custody_entries", "tree_heads")
# settings that describe where an archive lives, not what it is: the copy writes its own
_PLACE = frozenset({"database_url", "blob_url", "database_password_file", "blob_endpoint"})

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CopyReport:
    """What a finished copy moved and proved (no secret in any field: URLs are masked)."""

    target: str
    database: str
    blobs: str
    blobs_copied: int
    blobs_present: int
    rows_copied: int
    rows_updated: int
    rows_removed: int
    source_size: int
    source_root: str
    target_size: int
    target_root: str
    consistency_proof: list[str]
    problems: list[Problem]

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "database": self.database,
            "blobs": self.blobs,
            "blobs_copied": self.blobs_copied,
            "blobs_already_there": self.blobs_present,
            "rows_copied": self.rows_copied,
            "rows_updated": self.rows_updated,
            "rows_removed": self.rows_removed,
            "source_head": {"tree_size": self.source_size, "root_hash": self.source_root},
            "target_head": {"tree_size": self.target_size, "root_hash": self.target_root},
            "consistency_proof": self.consistency_proof,
            "verified": not self.problems,
        }


def copy_archive(
    source: Archive,
    target_dir: Path,
    *,
    database_url: str,
    blob_url: str,
    actor: str,
    os_login: str | None = None,
    progress: Progress | None = None,
) -> CopyReport:
    """Copy `source` to a new archive folder on another database and blob store; resumes an
    interrupted copy to the same place. Raises unless the target verifies and its log is
    proven to extend the source's exactly; only then is `archive.json` written."""
    from corroborate.custody import consistency, current_head
    from corroborate.custody.log import append
    from corroborate.db import make_engines
    from corroborate.db.migrate import upgrade

    target_dir = Path(target_dir)
    if (target_dir / CONFIG_NAME).exists():
        raise ArchiveError(f"{target_dir}: already a complete archive; copy to a new folder")
    url, password = split_password(database_url)
    shown = mask_password(database_url)
    wanted = {
        "source": str(source.dir.resolve()),
        "database_url": url,
        "blob_url": blob_url,
    }
    if not (target_dir / STATE_NAME).exists():
        existing = existing_archive(url, password, shown)
        if existing:
            raise ArchiveError(f"{shown} already holds {existing}; copy to an empty database")
    _claim_folder(target_dir, wanted, password)
    head = current_head(source)
    say = progress or (lambda _what, _done, _total: None)

    reader, writer = make_engines(with_password(url, password))
    try:
        try:
            upgrade(writer)
        except sa.exc.SQLAlchemyError as exc:
            raise ArchiveError(
                f"cannot open the database {shown}: {_line(exc, password)}"
            ) from None
        blobs = BlobStore(blob_url)  # its endpoint and keys: botocore's settings
        copied, present = _copy_blobs(source, blobs, say)
        sealed = _sealed_copy(writer, head.tree_size)
        counts = (0, 0, 0) if sealed else _sync_rows(source, writer, say)
        if current_head(source).tree_size != head.tree_size:
            raise ArchiveError(
                f"{source.dir}: the archive changed while it was copied; stop its writers and "
                "run the same `corroborate copy` again to bring the target up to date"
            )
        settings = {k: v for k, v in source.settings.items() if k not in _PLACE}
        settings.update(database_url=url, blob_url=blob_url)
        if password is not None:
            settings["database_password_file"] = PASSWORD_NAME
        target = Archive(target_dir, url, blob_url, reader, writer, blobs, settings, os_login)
        if not sealed:
            problems = _verify(target)
            if problems:
                raise IntegrityError(_refusal(target_dir, "before sealing", problems))
            with target.write() as session:
                append(
                    session,
                    actor=actor,
                    action=COPY_ACTION,
                    details={
                        "source_archive": str(source.dir.resolve()),
                        "source_database": mask_password(source.database_url),
                        "source_blobs": source.blob_url,
                        "source_tree_size": head.tree_size,
                        "source_root_hash": head.root_hash,
                    },
                )
            crash_point("copy-sealed")
        proof = consistency(target, head.tree_size, head.root_hash)
        if not proof.verify() or proof.new_head.tree_size != head.tree_size + 1:
            raise IntegrityError(
                f"{target_dir}: the target's custody log does not extend the source's "
                f"(source size {head.tree_size}, target size {proof.new_head.tree_size})"
            )
        problems = _verify(target)
        if problems:
            raise IntegrityError(_refusal(target_dir, "after sealing", problems))
        write_owner_only(target_dir / CONFIG_NAME, (json.dumps(settings, indent=2) + "\n").encode())
        (target_dir / STATE_NAME).unlink(missing_ok=True)
        return CopyReport(
            target=str(target_dir.resolve()),
            database=shown,
            blobs=blob_url,
            blobs_copied=copied,
            blobs_present=present,
            rows_copied=counts[0],
            rows_updated=counts[1],
            rows_removed=counts[2],
            source_size=head.tree_size,
            source_root=head.root_hash,
            target_size=proof.new_head.tree_size,
            target_root=proof.new_head.root_hash,
            consistency_proof=proof.proof,
            problems=problems,
        )
    finally:
        reader.dispose()
        writer.dispose()


def _line(exc: Exception, password: str | None) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line.replace(password, "***") if password else line


def _refusal(target_dir: Path, when: str, problems: list[Problem]) -> str:
    named = "; ".join(p.message for p in problems[:3])
    more = f" and {len(problems) - 3} more" if len(problems) > 3 else ""
    return f"{target_dir}: the copy does not verify {when} ({named}{more}); it is not complete"


def _verify(target: Archive) -> list[Problem]:
    from corroborate.archive.verify import verify_archive

    return verify_archive(target)


def _claim_folder(target_dir: Path, wanted: dict[str, str], password: str | None) -> None:
    """Start the target folder (keys, copy.json), or check that an interrupted copy there was
    of the same archive to the same place."""
    state = target_dir / STATE_NAME
    if state.exists():
        try:
            before = json.loads(state.read_text())
        except (OSError, ValueError) as exc:
            raise ArchiveError(f"{state}: cannot read the copy's state ({exc})") from None
        if before != wanted:
            raise ArchiveError(
                f"{target_dir}: holds an unfinished copy of {before.get('source')} to "
                f"{mask_password(str(before.get('database_url')))}; resume it with the same "
                "source and URLs, or copy to a new folder"
            )
    else:
        if target_dir.exists() and any(target_dir.iterdir()):
            raise ArchiveError(f"{target_dir}: the folder is not empty; copy to a new folder")
        target_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(target_dir, 0o700)
        write_owner_only(state, (json.dumps(wanted, indent=2) + "\n").encode())
    keys = target_dir / "keys"
    source_keys = Path(wanted["source"]) / "keys"
    keys.mkdir(mode=0o700, exist_ok=True)
    for path in sorted(source_keys.iterdir()):
        if path.is_file():
            write_owner_only(keys / path.name, path.read_bytes())
    if password is not None:
        write_owner_only(target_dir / PASSWORD_NAME, password.encode())


def _copy_blobs(source: Archive, target: BlobStore, say: Progress) -> tuple[int, int]:
    """Every stored blob, streamed and re-hashed on the way: a blob whose bytes no longer match
    its address is refused, not spread."""
    digests = sorted(source.blobs.iter_digests())
    copied = present = 0
    for n, sha in enumerate(digests, 1):
        if target.exists(sha):
            present += 1
        else:
            with source.blobs.open(sha) as src:
                got, _size = target.put_chunks(iter(lambda: src.read(CHUNK), b""))
            if got != sha:
                raise IntegrityError(
                    f"{source.blob_url}: blob {sha} was altered (its bytes hash to {got}); "
                    "run `corroborate verify` on the source; nothing of it was copied"
                )
            copied += 1
            crash_point("copy-blob")
        say("blobs", n, len(digests))
    return copied, present


def _tables() -> list[sa.Table]:
    from corroborate.db import Base, import_all_models

    import_all_models()
    return list(Base.metadata.sorted_tables)


def _pk(table: sa.Table) -> sa.Column[Any]:
    (column,) = table.primary_key.columns
    return column


def _rows(conn: sa.Connection, table: sa.Table) -> Iterator[dict[str, Any]]:
    result = conn.execution_options(yield_per=_BATCH).execute(sa.select(table).order_by(_pk(table)))
    for row in result.mappings():
        yield dict(row)


def _sealed_copy(writer: sa.Engine, source_size: int) -> bool:
    """Whether an earlier run already appended the copy entry (and was killed after it)."""
    with writer.connect() as conn:
        extra = conn.execute(
            sa.text("SELECT action FROM custody_entries WHERE seq > :n ORDER BY seq"),
            {"n": source_size},
        ).scalars()
        found = list(extra)
    if not found:
        return False
    if found == [COPY_ACTION]:
        return True
    raise IntegrityError(
        f"the target's custody log has {len(found)} entries past the source's {source_size}: "
        "it is not a copy of this archive (or the source changed after it was sealed)"
    )


def _sync_rows(source: Archive, writer: sa.Engine, say: Progress) -> tuple[int, int, int]:
    """Make every table of the target hold exactly the source's rows; the log tables are only
    ever appended to, and a target log entry that differs from the source's is refused."""
    tables = _tables()
    plans: list[tuple[sa.Table, list[dict[str, Any]], list[dict[str, Any]], list[Any]]] = []
    with source.reader.connect() as src, writer.connect() as dst:
        for table in tables:
            pk = _pk(table)
            there = {row[pk.name]: row for row in _rows(dst, table)}
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            for row in _rows(src, table):
                key = row[pk.name]
                found = there.pop(key, None)
                if found is None:
                    inserts.append(row)
                elif found != row:
                    if table.name in _LOG_TABLES:
                        raise IntegrityError(
                            f"the target's {table.name} row {key} differs from the source's: "
                            "its log is not a copy of this archive's"
                        )
                    updates.append(row)
            if there and table.name in _LOG_TABLES:
                raise IntegrityError(
                    f"the target's {table.name} has rows the source lacks: it is not a copy "
                    "of this archive (or the source changed after it was sealed)"
                )
            plans.append((table, inserts, updates, list(there)))
    removed = 0
    for table, _ins, _upd, gone in reversed(plans):  # children first
        pk = _pk(table)
        for start in range(0, len(gone), _BATCH):
            with writer.begin() as conn:
                conn.execute(table.delete().where(pk.in_(gone[start : start + _BATCH])))
            removed += len(gone[start : start + _BATCH])
    inserted = updated = 0
    total = sum(len(i) + len(u) for _t, i, u, _g in plans)
    for table, inserts, updates, _gone in plans:  # parents first
        pk = _pk(table)
        for start in range(0, len(inserts), _BATCH):
            batch = inserts[start : start + _BATCH]
            with writer.begin() as conn:
                conn.execute(table.insert(), batch)
            inserted += len(batch)
            say("rows", inserted + updated, total)
            crash_point("copy-rows")
        for row in updates:
            with writer.begin() as conn:
                conn.execute(table.update().where(pk == row[pk.name]).values(row))
            updated += 1
        if writer.dialect.name == "postgresql" and isinstance(pk.type, sa.Integer):
            if pk.autoincrement in (True, "auto"):
                with writer.begin() as conn:
                    conn.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk.name}'), "
                            f"COALESCE(MAX({pk.name}), 1), MAX({pk.name}) IS NOT NULL) "
                            f"FROM {table.name}"
                        )
                    )
    return inserted, updated, removed
