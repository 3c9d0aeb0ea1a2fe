"""The bundled demo: real footage rendered over real photographs, reposted the way Telegram
channels repost, plus real news reports, run through the whole pipeline."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.table import Table

from corroborate.archive import IngestResult, ingest, list_items, verify_archive
from corroborate.config import Archive
from corroborate.custody import current_head
from corroborate.errors import ArchiveError
from corroborate.samples import render_flight, render_still

MARKER = ".corroborate-demo"


@dataclass(frozen=True)
class DemoInput:
    path: Path
    source: str


def prepare_inputs(folder: Path) -> list[list[DemoInput]]:
    """Render the sample footage and copy the sample reports; returns ingest batches in order.

    Batch 1 is the original material; batch 2 arrives later from other channels: a captioned,
    cropped repost and a compilation that reuses part of an original clip.
    """
    from corroborate.samples import transforms

    folder.mkdir(parents=True, exist_ok=True)
    flight_a = folder / "bakhmut-surrender-drone.mp4"
    flight_b = folder / "field-strike-drone.mp4"
    flight_c = folder / "treeline-drone.mp4"
    if not flight_a.exists():
        render_flight(flight_a, "gravel", seconds=12, seed=11, creation_time="2023-05-10T05:40:00Z")
        render_flight(flight_b, "grass", seconds=10, seed=5, creation_time="2024-10-09T14:02:00Z")
        render_flight(flight_c, "grass", seconds=10, seed=23)  # same fields, another flight
        render_still(folder / "crater.jpg", "moon", seed=2)
        repost = transforms.crop(flight_a, folder / "_cropped.mp4", left=0.1, bottom=0.1)
        transforms.caption(repost, folder / "repost-channel-b.mp4", text="EXCLUSIVE: surrender")
        (folder / "_cropped.mp4").unlink()
        transforms.compilation(
            [(flight_c, 0.0, 6.0), (flight_a, 3.0, 10.0)], folder / "compilation-week-review.mp4"
        )
    reports = folder / "reports"
    reports.mkdir(exist_ok=True)
    for entry in resources.files("corroborate.samples").joinpath("reports").iterdir():
        if entry.name.endswith(".txt"):
            (reports / entry.name).write_bytes(entry.read_bytes())
    return [
        [
            DemoInput(flight_a, "Telegram: @frontline_ua"),
            DemoInput(flight_b, "Telegram: @frontline_ua"),
            DemoInput(flight_c, "Telegram: @field_reports"),
            DemoInput(folder / "crater.jpg", "Telegram: @field_reports"),
            DemoInput(reports, "News reports (sample)"),
        ],
        [
            DemoInput(folder / "repost-channel-b.mp4", "Telegram: @channel_b"),
            DemoInput(folder / "compilation-week-review.mp4", "Telegram: @weekly_compilations"),
            DemoInput(flight_a, "Telegram: @mirror_channel"),
        ],
    ]


def run_demo(directory: Path, *, fresh: bool = False, console: Console | None = None) -> int:
    """Build a demo archive in `directory` and show what corroborate does; returns exit code."""
    console = console or Console()
    directory = Path(directory)
    if fresh and directory.exists():
        if not (directory / MARKER).exists():
            raise ArchiveError(f"{directory}: exists and is not a demo archive; not touching it")
        shutil.rmtree(directory)
    console.rule("[bold]corroborate demo")
    console.print("Rendering sample footage over real photographs (first run only)…")
    batches = prepare_inputs(directory.parent / f"{directory.name}-inputs")
    archive = Archive.init(directory)
    (directory / MARKER).write_text("made by `corroborate demo`; safe to delete\n")

    console.rule("1. Archiving the original footage and reports")
    for batch_no, batch in enumerate(batches):
        if batch_no == 1:
            console.rule("2. Later, reposts arrive from other channels")
        for entry in batch:
            report = ingest(archive, [str(entry.path)], actor="alice", source=entry.source)
            for r in report.results:
                _print_result(console, r, entry.source)

    console.rule("3. Everything archived")
    table = Table()
    for col in ("id", "kind", "name", "sightings", "sources"):
        table.add_column(col)
    for item in list_items(archive):
        table.add_row(item.id, item.kind, item.original_name, str(len(item.sightings)),
                      ", ".join(sorted({s.source_label or "" for s in item.sightings})))
    console.print(table)

    console.rule("4. Verify: every blob re-hashed, the custody log re-checked")
    problems = verify_archive(archive)
    head = current_head(archive)
    for p in problems:
        console.print(f"[red]FAIL[/] {p.message}")
    if not problems:
        console.print(
            f"[bold green]verify OK[/]: all blobs intact; {head.tree_size} custody entries "
            f"under signed root {head.root_hash[:16]}… (key {head.key_id})"
        )
    console.rule("Done")
    console.print(f"Demo archive: {directory.resolve()}  (try: corroborate items -A {directory})")
    return 1 if problems else 0


def _print_result(console: Console, r: IngestResult, source: str) -> None:
    if r.error:
        console.print(f"[red]error:[/] {r.error}")
        return
    state = "archived" if r.new else "same bytes already archived: new sighting"
    console.print(f"[green]{r.item_id}[/] {r.kind:<8} {r.original_name}  [dim]{source} — {state}[/]")
    for note in r.notes:
        console.print(f"    [bold magenta]>>> {note}[/]")
