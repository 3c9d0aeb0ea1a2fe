"""CLI commands for claims: read numeric harm claims from a report (library does the reading)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from corroborate.claims import extract_claims, read_text_source
from corroborate.cli.common import (
    ArchiveOption,
    JsonOption,
    Table,
    archive_path,
    console,
    err_console,
    escape,
    handles_errors,
    print_json,
    to_jsonable,
)
from corroborate.storage.archive import Archive
from corroborate.core import Claim

claims_app = typer.Typer(
    name="claims",
    help="Read numeric harm claims (who says how many) from reports.",
    no_args_is_help=True,
)


def claim_record(claim: Claim) -> dict[str, Any]:
    """A claim as the JSON object the CLI prints: `from`/`to` for its dates."""
    record: dict[str, Any] = to_jsonable(claim)
    record["from"] = record.pop("date_from")
    record["to"] = record.pop("date_to")
    return record


@claims_app.command("extract")
@handles_errors
def extract(
    source: str = typer.Argument(..., help="A text file, an http(s) URL, or - for standard input."),
    as_json: bool = JsonOption,
) -> None:
    """Print the numeric harm claims a report makes (--json: one document, its "claims" list)."""
    text, label = read_text_source(source)
    claims = extract_claims(text)
    if as_json:
        print_json({"source": label, "claims": [claim_record(claim) for claim in claims]})
        return
    if not claims:
        err_console.print(f"{escape(label)}: no numeric harm claims found", highlight=False)
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


@claims_app.command("list")
@handles_errors
def list_cmd(
    event: str | None = typer.Option(None, "--event", help="Only claims of this event."),
    item: str | None = typer.Option(None, "--item", help="Only claims read from this item."),
    archive: Path | None = ArchiveOption,
    as_json: bool = JsonOption,
) -> None:
    """Claims read from archived reports."""
    from corroborate.claims import list_claims

    stored = list_claims(Archive.open(archive_path(archive)), event=event, item=item)
    if as_json:
        print_json({"claims": [
            {"id": s.id, "item": s.item_id, "item_name": s.item_name, **claim_record(s.claim)}
            for s in stored
        ]})
        return
    table = Table(title=f"{len(stored)} claims in archived reports")
    for column in ("#", "count", "event", "victims", "claimant", "period", "report"):
        table.add_column(column, overflow="fold")
    for s in stored:
        c = s.claim
        table.add_row(str(s.id), _count(c), c.event, c.victims or "", c.claimant or "",
                      c.period or "", s.item_name)
    console.print(table)


@claims_app.command("compare")
@handles_errors
def compare_cmd(archive: Path | None = ArchiveOption, as_json: bool = JsonOption) -> None:
    """Claims about the same quantity from different claimants, side by side, with spread."""
    from corroborate.claims import compare_stored

    groups = compare_stored(Archive.open(archive_path(archive)))
    if as_json:
        print_json({"groups": [
            {"event_family": g.event_family, "victim_category": g.victim_category,
             "period": g.period, "place": g.place, "low": g.low, "high": g.high,
             "spread": g.spread, "claimants": list(g.claimants),
             "claims": [claim_record(c) for c in g.claims]}
            for g in groups
        ]})
        return
    for g in groups:
        title = f"{g.event_family} · {g.victim_category}"
        if g.period:
            title += f" · {g.period}"
        if g.place:
            title += f" · {g.place}"
        table = Table(title=f"{title}  (from {g.low} to {g.high}, spread {g.spread})")
        for column in ("claimant", "count", "qualifier", "victims", "sentence"):
            table.add_column(column, overflow="fold")
        for c in g.claims:
            table.add_row(c.claimant or "(unattributed)", _count(c), c.qualifier, c.victims or "",
                          c.sentence[:160])
        console.print(table)


def _count(c: Claim) -> str:
    return f"{c.count}–{c.count_high}" if c.count_high is not None else str(c.count)


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the main app."""
    app.add_typer(claims_app, name="claims")
