"""The `corroborate` command line: thin Typer commands over the library."""

from __future__ import annotations

import typer

from corroborate.cli import archive, claims, custody, demo, geo, incidents, match

app = typer.Typer(
    name="corroborate",
    help="Archive war footage with chain of custody, recognise reposts, record incidents, "
    "read claims and tally honestly.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

for _module in (archive, custody, match, incidents, claims, geo, demo):
    _module.register(app)


def main() -> None:
    """Entry point of the console script."""
    app()
