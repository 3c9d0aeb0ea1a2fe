"""CLI commands for claims: read numeric harm claims from a report (library does the reading)."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.table import Table

from corroborate.claims import extract_claims, read_text_source
from corroborate.cli.common import JsonOption, console, err_console, handles_errors, to_jsonable
from corroborate.core import Claim

claims_app = typer.Typer(
    name="claims",
    help="Read numeric harm claims (who says how many) from reports.",
    no_args_is_help=True,
)


def claim_record(claim: Claim) -> dict[str, Any]:
    """A claim as the JSON object the CLI prints: `from`/`to` for its dates."""
    record = to_jsonable(claim)
    record["from"] = record.pop("date_from")
    record["to"] = record.pop("date_to")
    return record


@claims_app.command("extract")
@handles_errors
def extract(
    source: str = typer.Argument(..., help="A text file, an http(s) URL, or - for standard input."),
    as_json: bool = JsonOption,
) -> None:
    """Print the numeric harm claims a report makes, one per line with --json."""
    text, label = read_text_source(source)
    claims = extract_claims(text)
    if as_json:
        for claim in claims:
            sys.stdout.write(json.dumps(claim_record(claim), ensure_ascii=False) + "\n")
        return
    if not claims:
        err_console.print(f"{label}: no numeric harm claims found", highlight=False)
        return
    table = Table(title=f"Claims in {label}")
    for column in (
        "count",
        "qualifier",
        "event",
        "victims",
        "category",
        "claimant",
        "period",
        "place",
    ):
        table.add_column(column, overflow="fold")
    for c in claims:
        count = f"{c.count}–{c.count_high}" if c.count_high is not None else str(c.count)
        table.add_row(
            count,
            c.qualifier,
            c.event,
            c.victims or "",
            c.victim_category,
            c.claimant or "",
            c.period or "",
            c.place or "",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the main app."""
    app.add_typer(claims_app, name="claims")
