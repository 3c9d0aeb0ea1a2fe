"""CLI: `corroborate demo`, the bundled walk-through on sample data, every step shown."""

from __future__ import annotations

from pathlib import Path

import typer

from corroborate.cli.common import Table, command_name, console, escape, handles_errors


@handles_errors
def demo_cmd(
    archive: Path = typer.Option(Path("demo-archive"), "--archive", "-A", help="Demo archive."),
    fresh: bool = typer.Option(False, "--fresh", help="Replace an earlier demo archive."),
) -> None:
    """Build a demo archive from bundled sample footage and reports, and show every step."""
    from corroborate.archive import list_items, verify_archive
    from corroborate.claims import compare_stored
    from corroborate.cli.match import render_clusters
    from corroborate.cli.tally import render_tally
    from corroborate.custody import current_head
    from corroborate.geo import resolve_confidently
    from corroborate.incidents import tally
    from corroborate.incidents.demo import build_demo_incidents
    from corroborate.match import clusters
    from corroborate.samples.demo import build_demo_archive

    console.rule("[bold]corroborate demo")
    console.print("Rendering sample footage over real photographs (first run only), archiving…")
    demo = build_demo_archive(archive, fresh=fresh)
    opened = demo.archive
    titles = [
        "1. The original footage and reports are archived",
        "2. Later, reposts arrive from other channels",
    ]
    for title, batch in zip(titles, demo.batches, strict=True):
        console.rule(title)
        for entry, r in batch:
            if r.error:
                console.print(f"[red]error:[/] {escape(r.error)}", highlight=False)
                continue
            state = "archived" if r.new else "same bytes already archived: new sighting"
            console.print(
                f"[green]{r.item_id}[/] {r.kind:<8} {escape(str(r.original_name))}  "
                f"[dim]{escape(entry.source)} — {state}[/]",
                highlight=False,
            )
            for note in r.notes:
                console.print(f"    [bold magenta]>>> {escape(note)}[/]", highlight=False)

    console.rule("3. Pieces of footage, each counted once, with its earliest copy")
    render_clusters([c for c in clusters(opened) if len(c.items) > 1])
    singles = sum(1 for c in clusters(opened) if len(c.items) == 1)
    console.print(f"(and {singles} pieces of footage with a single copy)")

    console.rule("4. Claims read from the reports, compared across claimants")
    for group in compare_stored(opened)[:2]:
        table = Table(
            "claimant",
            "figure",
            "victims",
            title=(
                f"{group.event_family} · {group.victim_category}: from {group.low} to {group.high}"
            ),
        )
        for c in group.claims:
            figure = f"{c.count}-{c.count_high}" if c.count_high else str(c.count)
            table.add_row(
                c.claimant or "(unattributed)", f"{c.qualifier} {figure}", c.victims or ""
            )
        console.print(table)

    console.rule("5. Place names in every spelling")
    table = Table("as written", "resolved to", "region", "lat, lon")
    for name in (
        "Bachmout", "Artemovsk, Donetsk Oblast", "Бахмут", "Krasnoarmeysk", "Kupyansk",
        "Novoivanovka, Sudzha district", "Artemivsk", "Plekhovo",
    ):  # fmt: skip
        found = resolve_confidently(name)
        place = found.place
        if place is not None:
            table.add_row(
                name, place.name, place.admin1 or "", f"{place.latitude:.3f}, {place.longitude:.3f}"
            )
        elif found.best is not None:  # a name several places bear, no region: a guess only
            table.add_row(
                name,
                f"not located: only a guess ({found.best.place.name}, {found.best.place.admin1})",
                "",
                "",
            )
    console.print(table)

    console.rule("6. Incidents: recorded by alice, verified by a second reviewer (bob)")
    items = [
        demo.item_id(n)
        for n in ("bakhmut-surrender-drone.mp4", "field-strike-drone.mp4", "treeline-drone.mp4")
    ]
    build_demo_incidents(opened, items, "alice", "bob")
    render_tally(tally(opened, by=["month", "type"], min_status="verified"))

    console.rule("7. Everything archived, and verify")
    table = Table("id", "kind", "name", "sightings")
    for item in list_items(opened):
        table.add_row(item.id, item.kind, item.original_name, str(len(item.sightings)))
    console.print(table)
    problems = verify_archive(opened)
    head = current_head(opened)
    for p in problems:
        console.print(f"[red]FAIL[/] {escape(p.message)}", highlight=False)
    if not problems:
        console.print(
            f"[bold green]verify OK[/]: every blob intact; {head.tree_size} custody entries "
            f"under signed root {head.root_hash[:16]}… (key {head.key_id})"
        )
    console.rule("Done")
    cmd = command_name()
    console.print(
        escape(
            f"Demo archive: {Path(archive).resolve()}\n"
            f"Try: {cmd} items -A {archive}   {cmd} clusters -A {archive}   "
            f"{cmd} tally -A {archive} --by type --min-status any"
        ),
        highlight=False,
    )
    raise typer.Exit(1 if problems else 0)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_cmd)
