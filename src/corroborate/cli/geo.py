"""CLI commands for geo: resolve place names offline (the library does the ranking)."""

from __future__ import annotations

import typer
from rich.markup import escape

from corroborate.cli.common import (
    JSON_OPTION,
    Table,
    console,
    fail,
    handles_errors,
    print_json,
)
from corroborate.geo import ATTRIBUTION, default_gazetteer
from corroborate.report import shapes

geo_app = typer.Typer(
    name="geo",
    help="Resolve place names in Ukraine and the regions of Russia and Belarus next to it, "
    "offline. " + ATTRIBUTION,
    no_args_is_help=True,
)


@geo_app.command("resolve")
@handles_errors
def resolve_command(
    name: str = typer.Argument(..., help="A place name in any spelling or script."),
    context: str = typer.Option(
        None, "--context", "-c", help='Where it is, e.g. "Kursk region" or the sentence around it.'
    ),
    limit: int = typer.Option(5, "--limit", "-n", min=1, max=100, help="Candidates to show."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Ranked candidates for a place name, best first, and whether a record would take the first."""
    resolution = default_gazetteer().resolve_confidently(name, context=context, limit=limit)
    candidates = resolution.candidates
    if as_json:
        print_json(
            [shapes.candidate(c, i == 0 and resolution.confident) for i, c in enumerate(candidates)]
        )
        return
    if not candidates:
        raise fail(f"no place in the gazetteer matches {name!r}", 1)
    table = Table(title=f"Places matching {name!r}" + (f" near {context!r}" if context else ""))
    table.add_column("score", no_wrap=True)
    table.add_column("name", no_wrap=True)
    table.add_column("where", overflow="fold")
    table.add_column("lat, lon", no_wrap=True)
    table.add_column("precision", overflow="fold")
    table.add_column("how", overflow="fold")
    for c in candidates:
        p = c.place
        how = c.how if c.how != "fuzzy" else f"fuzzy {c.similarity:.0f}%"
        if c.context_match:
            how += f", {c.context_match}"
        where = ", ".join(x for x in (p.admin2, p.admin1, p.country) if x)
        point = f"{p.latitude:.4f}, {p.longitude:.4f}" if p.latitude is not None else ""
        score = f"{p.score:.3f}" if p.score is not None else ""
        table.add_row(score, p.name, where, point, p.precision, how)
    console.print(table)
    if resolution.place is not None:
        console.print(
            f"[green]Records take {escape(resolution.place.name)}[/] "
            f"({escape(resolution.reason)}).",
            highlight=False,
        )
    else:
        console.print(
            f"[yellow]Not confident; records keep the name without a point:[/] "
            f"{escape(resolution.reason)}",
            highlight=False,
        )
    console.print(f"[dim]{ATTRIBUTION}[/]", highlight=False)


@geo_app.command("find")
@handles_errors
def find_command(
    text: str = typer.Argument(
        ..., help="A sentence or report; places after in/near/... are found."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Places named inside a text, with their character offsets."""
    found = default_gazetteer().find_places_in_text(text)
    if as_json:
        print_json(shapes.places_in_text(text, found))
        return
    table = Table(title="Places in the text")
    for column in ("text", "name", "admin1", "lat", "lon", "precision"):
        table.add_column(column, overflow="fold")
    for s, e, p in found:
        table.add_row(
            text[s:e],
            p.name,
            p.admin1 or "",
            f"{p.latitude:.4f}" if p.latitude is not None else "",
            f"{p.longitude:.4f}" if p.longitude is not None else "",
            p.precision,
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the main app."""
    app.add_typer(geo_app, name="geo")
