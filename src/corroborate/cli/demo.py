"""CLI: `corroborate demo`, the bundled walk-through on sample data."""

from __future__ import annotations

from pathlib import Path

import typer

from corroborate.cli.common import console, handles_errors


@handles_errors
def demo_cmd(
    archive: Path = typer.Option(Path("demo-archive"), "--archive", "-A", help="Demo archive."),
    fresh: bool = typer.Option(False, "--fresh", help="Replace an earlier demo archive."),
) -> None:
    """Build a demo archive from bundled sample footage and reports, and show every step."""
    from corroborate.samples.demo import run_demo

    raise typer.Exit(run_demo(archive, fresh=fresh, console=console))


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_cmd)
