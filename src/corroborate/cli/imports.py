"""CLI: `import`: incidents from a spreadsheet, all rows or none."""

from __future__ import annotations

from pathlib import Path

import typer

from corroborate import incidents as lib
from corroborate.cli.common import (
    ARCHIVE_OPTION,
    AS_OPTION,
    JSON_OPTION,
    actor_name,
    console,
    escape,
    handles_errors,
    open_archive,
    print_json,
    say_notices,
)

import_app = typer.Typer(help="Import incidents from a spreadsheet (CSV).")


@import_app.command("incidents")
@handles_errors
def import_incidents_cmd(
    sheet: Path = typer.Argument(..., help="CSV file, one incident per row."),
    as_user: str | None = AS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Import incidents from a CSV sheet: all rows or none.

    \b
    Columns (header names; case, spaces and - or _ do not matter):
      title, type                       required
      date (2024-10-10, 2024-10, 2024, FROM..TO) or date_from, date_to; date_precision
      place, latitude (lat), longitude (lon, lng), place_precision, region, geolocation_note
      perpetrator, victim_party, killed, injured (3 or 3-4; empty: not known)
      victim_category, description, tags (comma-separated), sensitive (yes/no)
    \b
    Columns of corroborate's own export (export incidents --format csv):
      uid        a row whose uid is already in this archive is never imported twice
                 (unchanged: skipped; changed: refused, use incident edit)
      id         kept only as a note: incidents get this archive's ids
      status     not imported: every incident starts unverified (four eyes here)
      evidence   ROLE:ITEM ...: linked when the item is archived here
      citations  GRADE NAME; ...: cited when a source of that name is registered here
    """
    report = lib.import_incidents(open_archive(archive), sheet, actor=actor_name(as_user))
    if json_out:
        print_json(report)
        return
    if report.incidents:
        console.print(
            f"Imported {len(report.incidents)} incidents from {escape(report.file)}: "
            f"{report.incidents[0].id} .. {report.incidents[-1].id}",
            highlight=False,
        )
    else:
        console.print(
            f"Nothing imported from {escape(str(report.file))}: "
            "every row is in this archive already",
            highlight=False,
        )
    for line in report.skipped:
        console.print(f"[dim]skipped:[/] {escape(line)}", highlight=False)
    for inc in report.incidents:
        say_notices(inc.notices, f"{inc.id}: ")


def register(app: typer.Typer) -> None:
    """Add the `import` group to the main app."""
    app.add_typer(import_app, name="import")
