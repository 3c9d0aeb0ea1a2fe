"""CLI commands for same-footage recognition: match, clusters, rehash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from corroborate.cli.common import (
    ARCHIVE_OPTION,
    JSON_OPTION,
    SCHEDULER_OPTION,
    WORKERS_OPTION,
    Table,
    console,
    escape,
    handles_errors,
    open_archive,
    print_json,
    progress_bar,
)
from corroborate.report import shapes


def _ranges(ranges: list[list[float]]) -> str:
    from corroborate.match.temporal import clock

    return ", ".join(f"{clock(a)}-{clock(b)}" for a, b in ranges)


def render_clusters(found: list[Any]) -> None:
    """Each piece of footage, its earliest copy, and where it sits in every copy; then the
    matches held back for review because each alone would join two pieces of footage."""
    held: dict[tuple[str, str], Any] = {}
    for c in found:
        was = f"  (also named {', '.join(c.aliases)})" if c.aliases else ""
        console.print(
            f"[bold]footage {c.id}[/]  earliest: {escape(str(c.earliest))}  "
            f"copies: {len(c.items)}{was}",
            highlight=False,
        )
        if getattr(c, "earliest_by", ""):
            console.print(f"  earliest by {escape(c.earliest_by)}", highlight=False)
        for i in c.items:
            mark = " (compilation)" if i.compilation else ""
            console.print(f"  {i.id}  {escape(i.name)}  {_ranges(i.ranges)}{mark}", highlight=False)
        if len(c.items) > 1:
            console.print(f"  formed by {len(c.links)} matches", highlight=False)
        held.update({(h.query_id, h.item_id): h for h in getattr(c, "held", ())})
    for h in held.values():
        console.print(f"[yellow]held for review[/]  {escape(h.describe())}", highlight=False)


def render_item_footage(item_id: str, found: list[Any]) -> None:
    """Its footage cluster(s) and every other copy, for `show ITEM`."""
    for c in found:
        others = [i for i in c.items if i.id != item_id]
        first = "this one" if c.earliest == item_id else c.earliest
        console.print(
            f"  footage  {c.id}: {len(others)} other cop{'y' if len(others) == 1 else 'ies'}"
            f", earliest known: {first}",
            highlight=False,
        )
        if getattr(c, "earliest_by", ""):
            console.print(f"    (earliest by {escape(c.earliest_by)})", highlight=False)
        for i in others:
            mark = " (compilation)" if i.compilation else ""
            console.print(
                f"    {i.id}  {escape(i.name)}  {_ranges(i.ranges)}{mark}", highlight=False
            )
        for e in getattr(c, "incidents", ()) if others else ():
            console.print(
                f"    evidence of {e.incident} ({e.status}, linked as {e.through}): "
                f"{escape(e.title)}",
                highlight=False,
            )


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the main app."""

    @app.command("match")
    @handles_errors
    def match_cmd(
        file_or_item: str = typer.Argument(..., help="A file (archived or not) or an item id."),
        archive: Path | None = ARCHIVE_OPTION,
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Archived items that share footage with a file or item, and where."""
        from corroborate.match import find_matches

        matches = find_matches(open_archive(archive), file_or_item)
        if as_json:
            print_json(shapes.matches(matches))
            return
        if not matches:
            console.print("No archived item shares footage with it.")
            return
        table = Table(
            "item",
            "name",
            "here",
            "there",
            "share here",
            "share there",
            "score",
            "distances (median/max, threshold)",
        )
        for m in matches:
            d = m.as_dict()["distances"]
            table.add_row(
                m.item_id or "",
                m.name or "",
                _ranges(m.query_ranges),
                _ranges(m.item_ranges),
                f"{m.query_share:.0%}",
                f"{m.item_share:.0%}",
                f"{m.score:.2f}",
                f"{d['median']:.0f}/{d['max']} of {m.threshold} ({m.signal})",  # type: ignore[index]
            )
        console.print(table)

    @app.command("clusters")
    @handles_errors
    def clusters_cmd(archive: Path | None = ARCHIVE_OPTION, as_json: bool = JSON_OPTION) -> None:
        """Every piece of footage with all its copies and its earliest known upload."""
        from corroborate.match import clusters

        found = clusters(open_archive(archive))
        if as_json:
            print_json(shapes.clusters(found))
            return
        render_clusters(found)

    @app.command("rehash")
    @handles_errors
    def rehash_cmd(
        scheduler: str | None = SCHEDULER_OPTION,
        workers: int = WORKERS_OPTION,
        archive: Path | None = ARCHIVE_OPTION,
        as_json: bool = JSON_OPTION,
    ) -> None:
        """Compute perceptual signatures for items archived before matching existed, and say
        what now shares footage."""
        from corroborate.archive.workers import Workers
        from corroborate.match import rehash

        with progress_bar("hashing", quiet=as_json) as progress:
            done = rehash(
                open_archive(archive), progress=progress, workers=Workers(scheduler, workers)
            )
        if as_json:
            print_json(shapes.rehashed(done.hashed, done.matches))
            return
        n = done.hashed
        console.print(f"Hashed {n} item{'s' if n != 1 else ''}.")
        for line in done.notes():
            console.print(f"  {escape(line)}", highlight=False)
        if n and not done.matches:
            console.print("None of them shares footage with another item.")
