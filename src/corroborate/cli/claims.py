"""CLI commands for claims: read numeric harm claims from a report (library does the reading)."""

from __future__ import annotations

from pathlib import Path

import typer

from corroborate.claims import extract_claims, language_note, read_text_source
from corroborate.cli.common import (
    ALLOW_ADDRESS_OPTION,
    ALLOW_PRIVATE_OPTION,
    ARCHIVE_OPTION,
    JSON_OPTION,
    Table,
    console,
    err_console,
    escape,
    fetch_policy,
    handles_errors,
    open_archive,
    print_json,
)
from corroborate.core import Claim
from corroborate.report import shapes

claims_app = typer.Typer(
    name="claims",
    help="Read numeric harm claims (who says how many) from reports.",
    no_args_is_help=True,
)


@claims_app.command("extract")
@handles_errors
def extract(
    source: str = typer.Argument(..., help="A text file, an http(s) URL, or - for standard input."),
    as_json: bool = JSON_OPTION,
    max_size: str = typer.Option(
        "50M", "--max-size", help="Refuse a report URL larger than this (e.g. 10M)."
    ),
    allow_private: bool = ALLOW_PRIVATE_OPTION,
    allow_address: list[str] = ALLOW_ADDRESS_OPTION,
) -> None:
    """Print the numeric harm claims a report makes (--json: one document, its "claims" list)."""
    policy = fetch_policy(allow_private, allow_address, max_size, timeout=30)
    text, label = read_text_source(source, policy)
    claims = extract_claims(text)
    if not claims:  # a note on stderr, so that --json stays one document
        note = language_note(text)  # why: empty, or a language the reader does not read
        said = "no numeric harm claims found" + (f" ({note})" if note else "")
        err_console.print(f"{escape(label)}: {said}", highlight=False)
    if as_json:
        print_json(shapes.claims_read(label, claims))
        return
    if not claims:
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
    archive: Path | None = ARCHIVE_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Claims read from archived reports."""
    from corroborate.claims import list_claims

    stored = list_claims(open_archive(archive), event=event, item=item)
    if as_json:
        print_json(shapes.stored_claims(stored))
        return
    table = Table(title=f"{len(stored)} claims in archived reports")
    for column in ("#", "count", "event", "victims", "claimant", "period", "report"):
        table.add_column(column, overflow="fold")
    for s in stored:
        c = s.claim
        table.add_row(
            str(s.id),
            _count(c),
            c.event,
            c.victims or "",
            c.claimant or "",
            c.period or "",
            s.item_name,
        )
    console.print(table)


@claims_app.command("compare")
@handles_errors
def compare_cmd(archive: Path | None = ARCHIVE_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Claims about the same quantity from different claimants, side by side, with spread."""
    from corroborate.claims import compare_sourced

    sourced = compare_sourced(open_archive(archive))
    if as_json:
        print_json(shapes.claim_groups(sourced))
        return
    for g in (s.group for s in sourced):
        title = f"{g.event_family} · {g.victim_category}"
        if g.period:
            title += f" · {g.period}"
        if g.place:
            title += f" · {g.place}"
        table = Table(title=f"{title}  (from {g.low} to {g.high}, spread {g.spread})")
        for column in ("claimant", "count", "qualifier", "victims", "sentence"):
            table.add_column(column, overflow="fold")
        for c in g.claims:
            table.add_row(
                c.claimant or "(unattributed)",
                _count(c),
                c.qualifier,
                c.victims or "",
                c.sentence[:160],
            )
        console.print(table)


def _count(c: Claim) -> str:
    return f"{c.count}–{c.count_high}" if c.count_high is not None else str(c.count)


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the main app."""
    app.add_typer(claims_app, name="claims")
