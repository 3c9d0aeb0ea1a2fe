"""CLI: `source`: sources of information and their A-F reliability grades."""

from __future__ import annotations

from pathlib import Path

import typer

from corroborate import incidents as lib
from corroborate.cli.common import (
    ARCHIVE_OPTION,
    AS_OPTION,
    JSON_OPTION,
    NOTE_OPTION,
    Table,
    actor_name,
    console,
    escape,
    handles_errors,
    open_archive,
    print_json,
)
from corroborate.errors import InputError

source_app = typer.Typer(help="Sources of information, graded A-F for reliability.")


@source_app.command("add")
@handles_errors
def source_add_cmd(
    name: str = typer.Argument(..., help='e.g. "UN HRMMU".'),
    kind: str = typer.Option(
        ...,
        "--kind",
        help="official-body, monitoring-mission, media, social-media, witness or other.",
    ),
    reliability: str = typer.Option(..., "--reliability", help="A (reliable) .. F (unknown)."),
    url: str | None = typer.Option(None, "--url"),
    note: str | None = NOTE_OPTION,
    as_user: str | None = AS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Register a source with its reliability grade."""
    src = lib.add_source(
        open_archive(archive),
        name,
        kind=kind,
        reliability=reliability,
        url=url,
        note=note,
        actor=actor_name(as_user),
    )
    if json_out:
        print_json(src)
    else:
        console.print(
            f"Added source [bold]{src.id}[/] {escape(src.name)} ({src.kind}, {src.reliability})",
            highlight=False,
        )


@source_app.command("grade")
@handles_errors
def source_grade_cmd(
    source: str = typer.Argument(...),
    grade: str | None = typer.Argument(None, help="A .. F (or give it as --reliability)."),
    reliability: str | None = typer.Option(None, "--reliability", help="A (reliable) .. F."),
    note: str | None = NOTE_OPTION,
    as_user: str | None = AS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Re-grade a source's reliability (the old grade stays in the log); verified incidents
    citing it go back to review."""
    given = {g for g in (grade, reliability) if g is not None}
    if len(given) != 1:
        raise InputError("give the new grade once: `source grade SOURCE --reliability C`")
    src = lib.grade_source(
        open_archive(archive), source, given.pop(), actor=actor_name(as_user), note=note
    )
    if json_out:
        print_json(src)
        return
    console.print(f"{escape(src.name)} is now graded {src.reliability}", highlight=False)
    if src.reopened:
        console.print(
            f"[yellow]note:[/] back to review (were verified, cite this source): "
            f"{', '.join(src.reopened)}",
            highlight=False,
        )


@source_app.command("list")
@handles_errors
def source_list_cmd(archive: Path | None = ARCHIVE_OPTION, json_out: bool = JSON_OPTION) -> None:
    """Sources and their grades."""
    sources = lib.list_sources(open_archive(archive))
    if json_out:
        print_json(sources)
        return
    table = Table("id", "name", "kind", "reliability")
    for s in sources:
        table.add_row(s.id, s.name, s.kind, s.reliability)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the `source` group to the main app."""
    app.add_typer(source_app, name="source")
