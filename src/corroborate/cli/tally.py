"""CLI: `tally`: honest counts of incidents and victims, and their CSV export."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from corroborate import incidents as lib
from corroborate.cli.common import (
    ARCHIVE_OPTION,
    AS_OPTION,
    JSON_OPTION,
    Table,
    Text,
    actor_name,
    console,
    escape,
    handles_errors,
    min_status_option,
    open_archive,
    print_json,
)
from corroborate.errors import InputError
from corroborate.incidents.tally import REASONS
from corroborate.report import shapes
from corroborate.report.exports import export_tally


@handles_errors
def tally_cmd(
    by: str | None = typer.Option(None, "--by", help=f"Any of {', '.join(lib.DIMENSIONS)}."),
    min_status: str = min_status_option(
        "verified", "Count only incidents at or above it ('any': all)."
    ),
    date_from: str | None = typer.Option(None, "--from", help="Period start (2024-10)."),
    date_to: str | None = typer.Option(None, "--to", help="Period end (2024-12-31)."),
    csv_out: bool = typer.Option(
        False, "--csv", help="CSV with its caveats (left out, duplicates, unknown figures)."
    ),
    out: Path | None = typer.Option(None, "--out", help="With --csv: write here, not stdout."),
    as_user: str | None = AS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Count incidents and victims, saying what was left out and why."""
    opened = open_archive(archive)
    result = lib.tally(
        opened,
        by=by,
        min_status=min_status,
        date_from=date_from,
        date_to=date_to,
    )
    if json_out:
        print_json(shapes.tally(result))
        return
    if csv_out:
        done = export_tally(opened, result, actor=actor_name(as_user), out=out)
        if out is None:
            sys.stdout.write(done.text)
        else:
            console.print(f"Wrote {escape(str(out))}", highlight=False)
        return
    if out is not None:
        raise InputError("--out writes the CSV tally; give --csv with it")
    render_tally(result)


def render_tally(result: lib.Tally) -> None:
    """The tally as a table, its one-sentence summary, and what it left out and why.

    A figure some incident has no number for reads "at least N (k of n no figure)".
    """
    t = result.total
    if result.by:
        table = Table(*result.by, "incidents", "killed", "injured")
        for row in result.rows:
            table.add_row(
                *[row.key[d] for d in result.by],
                str(row.incidents),
                row.figure("killed"),
                row.figure("injured"),
            )
        label: list[Text | str] = [Text("total", style="bold")] + [""] * (len(result.by) - 1)
    else:
        table = Table("", "incidents", "killed", "injured")
        label = [Text("total", style="bold")]
    table.add_row(
        *label, Text(str(t.incidents), style="bold"), t.figure("killed"), t.figure("injured")
    )
    console.print(table)
    console.print(escape(result.summary()), highlight=False)
    if result.left_out:
        left = Table("left out", "why", "detail")
        for x in result.left_out:
            left.add_row(x.incident_id, REASONS[x.reason], x.detail)
        console.print(left)


def register(app: typer.Typer) -> None:
    """Add the `tally` command to the main app."""
    app.command("tally")(tally_cmd)
