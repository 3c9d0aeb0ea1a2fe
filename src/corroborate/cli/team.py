"""Team-server commands: `copy` (move an archive to another backend, proven) and `migrate`
(upgrade an archive's schema, after a backup)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from corroborate.cli.common import (
    ARCHIVE_OPTION,
    AS_OPTION,
    JSON_OPTION,
    actor_name,
    archive_path,
    console,
    err_console,
    escape,
    handles_errors,
    open_archive,
    os_login,
    print_json,
    progress_bar,
)
from corroborate.report.shapes import to_json
from corroborate.storage.archive import migrate_archive, pending_migration
from corroborate.transfer import copy_archive
from corroborate.transfer.copy import Progress


@handles_errors
def copy_cmd(
    to_database_url: str = typer.Option(
        ..., "--to-database-url", help="The target's empty database (SQLAlchemy URL)."
    ),
    to_blob_url: str = typer.Option(
        ..., "--to-blob-url", help="The target's blob store (folder or s3://bucket/prefix)."
    ),
    to_archive: Path | None = typer.Option(
        None, "--to", help="The target's new archive folder (default: this one's name + -copy)."
    ),
    archive: Path | None = ARCHIVE_OPTION,
    as_user: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Copy the archive to another database and blob store, verified; resumes if interrupted."""
    source = open_archive(archive)
    target = to_archive or source.dir.with_name(source.dir.name + "-copy")
    try:
        with _bar(json_out) as progress:
            report = copy_archive(
                source,
                target,
                database_url=to_database_url,
                blob_url=to_blob_url,
                actor=actor_name(as_user),
                os_login=os_login(),
                progress=progress,
            )
    finally:
        source.close()
    if json_out:
        print_json(to_json(report))
        return
    console.print(
        f"[bold green]Copied[/] to {escape(report.target)} ({escape(report.database)}, "
        f"{escape(report.blobs)}): {report.blobs_copied} blobs copied "
        f"({report.blobs_present} already there), {report.rows_copied} rows",
        highlight=False,
    )
    console.print(
        f"  the target's log ({report.target_size} entries, root {report.target_root[:16]}…) "
        f"extends the source's ({report.source_size} entries, root {report.source_root[:16]}…) "
        "by one copy entry: consistency proof checked, full verify passed",
        highlight=False,
    )


@contextmanager
def _bar(json_out: bool) -> Iterator[Progress | None]:
    """The shared progress bar, fed by the copy's (stage, done, total) calls."""
    with progress_bar("copying", quiet=json_out) as tick:
        if tick is None:
            yield None
        else:
            yield lambda _stage, done, total: tick(done, total)


@handles_errors
def migrate_cmd(archive: Path | None = ARCHIVE_OPTION, json_out: bool = JSON_OPTION) -> None:
    """Upgrade the archive's database schema to this version (back up first)."""
    path = archive_path(archive)
    pending = pending_migration(path)
    if pending.changed and not json_out:
        err_console.print(
            f"upgrading {escape(pending.database)} from schema {pending.before} to "
            f"{pending.after}: back up the database and the object store first "
            "(docs/deploy.md, Backups)",
            highlight=False,
        )
    done = migrate_archive(path, os_login=os_login())
    if json_out:
        print_json({"database": done.database, "before": done.before, "after": done.after})
        return
    if done.changed:
        console.print(f"[bold green]Upgraded[/] to schema {done.after}", highlight=False)
    else:
        console.print(f"Already at schema {done.after}; nothing to do", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("copy")(copy_cmd)
    app.command("migrate")(migrate_cmd)
