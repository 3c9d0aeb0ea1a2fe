"""CLI: `incident`: record, edit, link evidence, cite sources, review, merge, list and show.

Thin commands: each parses options, calls one library function and renders the result; every
rule (four eyes, what verified needs, validation, edit and status together) lives in
`corroborate.incidents`.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from corroborate import incidents as lib
from corroborate.cli.common import (
    ARCHIVE_OPTION,
    AS_OPTION,
    JSON_OPTION,
    NOTE_OPTION,
    Table,
    Text,
    actor_name,
    archive_path,
    console,
    err_console,
    handles_errors,
    open_archive,
    print_json,
    say_notices,
)
from corroborate.core import Incident
from corroborate.errors import InputError
from corroborate.report.history import describe

incident_app = typer.Typer(help="Record incidents, link evidence, cite sources, review.")


PAST = {"approve": "approved", "reject": "rejected"}


def _figure(low: int | None, high: int | None) -> str:
    if low is None:
        return "?"
    return str(low) if low == high else f"{low}-{high}"


# -- shared options of add and edit --------------------------------------------------------
TitleOpt = typer.Option(None, "--title", help="A short title.")
TypeOpt = typer.Option(None, "--type", help="Incident type id (see `incident types`).")
DateOpt = typer.Option(None, "--date", help="2024-10-10, 2024-10, or 2024-10-10..2024-10-12.")
FromOpt = typer.Option(None, "--date-from", help="First possible day (YYYY-MM-DD).")
ToOpt = typer.Option(None, "--date-to", help="Last possible day (YYYY-MM-DD).")
DatePrecOpt = typer.Option(None, "--date-precision", help="day, month or approximate.")
PlaceOpt = typer.Option(None, "--place", help="Place name (resolved by the gazetteer if any).")
LatOpt = typer.Option(None, "--lat", help="Latitude, decimal degrees.")
LonOpt = typer.Option(None, "--lon", help="Longitude, decimal degrees.")
PlacePrecOpt = typer.Option(
    None, "--place-precision", help="exact, settlement, district, region or country."
)
RegionOpt = typer.Option(None, "--region", help="Region (oblast), if not resolved.")
GeoNoteOpt = typer.Option(None, "--geolocation-note", help="How the place was established.")
PerpOpt = typer.Option(None, "--perpetrator", help="Alleged perpetrator party.")
VictimPartyOpt = typer.Option(None, "--victim-party", help="Party of the victims.")
KilledOpt = typer.Option(None, "--victims-killed", "--killed", help="3, or low-high: 3-4.")
InjuredOpt = typer.Option(None, "--victims-injured", "--injured", help="3, or low-high: 3-4.")
CategoryOpt = typer.Option(
    None, "--victim-category", help="hors-de-combat, civilian, combatant or unknown."
)
DescOpt = typer.Option(None, "--description", help="What happened.")
TagsOpt = typer.Option(None, "--tags", help="Comma-separated tags.")
SensitiveOpt = typer.Option(
    None, "--sensitive/--not-sensitive", help="Handle with care (victims identifiable)."
)


def _input(**kw: object) -> lib.IncidentInput:
    return lib.IncidentInput(
        title=kw["title"],  # type: ignore[arg-type]
        type=kw["type"],  # type: ignore[arg-type]
        date=kw["date"],  # type: ignore[arg-type]
        date_from=kw["date_from"],  # type: ignore[arg-type]
        date_to=kw["date_to"],  # type: ignore[arg-type]
        date_precision=kw["date_precision"],  # type: ignore[arg-type]
        place=kw["place"],  # type: ignore[arg-type]
        latitude=kw["lat"],  # type: ignore[arg-type]
        longitude=kw["lon"],  # type: ignore[arg-type]
        place_precision=kw["place_precision"],  # type: ignore[arg-type]
        region=kw["region"],  # type: ignore[arg-type]
        geolocation_note=kw["geolocation_note"],  # type: ignore[arg-type]
        perpetrator=kw["perpetrator"],  # type: ignore[arg-type]
        victim_party=kw["victim_party"],  # type: ignore[arg-type]
        killed=kw["killed"],  # type: ignore[arg-type]
        injured=kw["injured"],  # type: ignore[arg-type]
        victim_category=kw["victim_category"],  # type: ignore[arg-type]
        description=kw["description"],  # type: ignore[arg-type]
        tags=kw["tags"],  # type: ignore[arg-type]
        sensitive=kw["sensitive"],  # type: ignore[arg-type]
    )


def _show(inc: Incident) -> None:
    place = inc.place
    when = "?"
    if inc.occurred_from:
        when = str(inc.occurred_from)
        if inc.occurred_to != inc.occurred_from:
            when += f" .. {inc.occurred_to}"
        when += f" ({inc.date_precision})"
    console.print(f"[bold]{inc.id}[/] {escape(inc.title)}  ({inc.status})", highlight=False)
    facts = Table.grid(padding=(0, 2))
    for label, value in (
        ("type", inc.type),
        ("when", when),
        (
            "where",
            (place.name if place else "?")
            + (
                f" ({place.latitude:.5f}, {place.longitude:.5f}, {place.precision})"
                if place and place.latitude is not None
                else ""
            )
            + (f", {place.admin1}" if place and place.admin1 else ""),
        ),
        ("located by", inc.geolocation_note or "?"),
        ("perpetrator", inc.perpetrator_party or "?"),
        ("victims", f"{inc.victim_party or '?'} ({inc.victim_category})"),
        ("killed", _figure(inc.killed_low, inc.killed_high)),
        ("injured", _figure(inc.injured_low, inc.injured_high)),
        ("tags", ", ".join(inc.tags)),
        ("sensitive", "yes" if inc.sensitive else "no"),
        ("last change", f"{inc.last_changed_by}, {inc.updated_at:%Y-%m-%d %H:%M}"),
        ("merged into", inc.merged_into or ""),
    ):
        if value:
            facts.add_row(Text(label, style="dim"), str(value))
    console.print(facts)
    if inc.evidence:
        table = Table("evidence", "role", "linked by", title=None)
        for ev in inc.evidence:
            table.add_row(
                ev.item_id or f"footage {ev.cluster_id} ({len(ev.cluster_items)} copies now)",
                ev.role,
                ev.linked_by,
            )
        console.print(table)
    if inc.citations:
        table = Table("source", "grade", "item", "note", whole=("item",))
        for c in inc.citations:
            table.add_row(c.source_name, c.grade, c.item_id or "", c.note or "")
        console.print(table)
    gaps = lib.verification_gaps(inc)
    if gaps and inc.status != "verified":
        console.print(f"[yellow]before it can be verified:[/] {escape('; '.join(gaps))}")


# -- incident ------------------------------------------------------------------------------
@incident_app.command("add")
@handles_errors
def add_cmd(
    type: str = typer.Option(..., "--type", help="Incident type id (see `incident types`)."),
    title: str = typer.Option(..., "--title", help="A short title."),
    date: str | None = DateOpt,
    date_from: str | None = FromOpt,
    date_to: str | None = ToOpt,
    date_precision: str | None = DatePrecOpt,
    place: str | None = PlaceOpt,
    lat: str | None = LatOpt,
    lon: str | None = LonOpt,
    place_precision: str | None = PlacePrecOpt,
    region: str | None = RegionOpt,
    geolocation_note: str | None = GeoNoteOpt,
    perpetrator: str | None = PerpOpt,
    victim_party: str | None = VictimPartyOpt,
    killed: str | None = KilledOpt,
    injured: str | None = InjuredOpt,
    victim_category: str | None = CategoryOpt,
    description: str | None = DescOpt,
    tags: str | None = TagsOpt,
    sensitive: bool | None = SensitiveOpt,
    as_user: str | None = AS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Record a new incident (unverified until a second person approves it)."""
    data = _input(**locals())
    inc = lib.create_incident(open_archive(archive), data, actor=actor_name(as_user))
    if json_out:
        print_json(inc)
    else:
        console.print(f"Recorded [bold]{inc.id}[/] ({inc.status})")
        say_notices(inc.notices)


@incident_app.command("edit")
@handles_errors
def edit_cmd(
    incident: str = typer.Argument(..., help="Incident id, e.g. INC-0001."),
    title: str | None = TitleOpt,
    type: str | None = TypeOpt,
    date: str | None = DateOpt,
    date_from: str | None = FromOpt,
    date_to: str | None = ToOpt,
    date_precision: str | None = DatePrecOpt,
    place: str | None = PlaceOpt,
    lat: str | None = LatOpt,
    lon: str | None = LonOpt,
    place_precision: str | None = PlacePrecOpt,
    region: str | None = RegionOpt,
    geolocation_note: str | None = GeoNoteOpt,
    perpetrator: str | None = PerpOpt,
    victim_party: str | None = VictimPartyOpt,
    killed: str | None = KilledOpt,
    injured: str | None = InjuredOpt,
    victim_category: str | None = CategoryOpt,
    description: str | None = DescOpt,
    tags: str | None = TagsOpt,
    sensitive: bool | None = SensitiveOpt,
    status: str | None = typer.Option(
        None, "--status", help="under-review, disputed, discounted or unverified."
    ),
    note: str | None = typer.Option(None, "--note", help="Why the change was made."),
    expect_version: int | None = typer.Option(
        None,
        "--expect-version",
        help="The version you read (`incident show`); refused if someone changed it since.",
    ),
    as_user: str | None = AS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Change an incident; a substantive change to a verified incident re-opens its review."""
    inc = lib.edit_incident(
        open_archive(archive),
        incident,
        _input(**locals()),
        actor=actor_name(as_user),
        note=note,
        status=status,
        expected_version=expect_version,
    )
    if json_out:
        print_json(inc)
    else:
        console.print(f"Changed [bold]{inc.id}[/] ({inc.status})")
        say_notices(inc.notices)


@incident_app.command("link")
@handles_errors
def link_cmd(
    incident: str = typer.Argument(..., help="Incident id."),
    target: str = typer.Argument(..., help="Archived item id / SHA-256 prefix, or cluster id."),
    role: str = typer.Option(
        "primary",
        "--role",
        help="primary, corroborating, satellite, witness-statement or report.",
    ),
    note: str | None = NOTE_OPTION,
    as_user: str | None = AS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Link evidence (an archived item or a footage cluster) to an incident."""
    ev = lib.link_evidence(
        open_archive(archive), incident, target, role=role, actor=actor_name(as_user), note=note
    )
    if json_out:
        print_json(ev)
    else:
        what = ev.item_id or (
            f"footage {ev.cluster_id} ({len(ev.cluster_items)} copies; copies archived later "
            "are covered too)"
        )
        console.print(escape(f"Linked {what} to {ev.incident_id} as {ev.role}"), highlight=False)


@incident_app.command("cite")
@handles_errors
def cite_cmd(
    incident: str = typer.Argument(..., help="Incident id."),
    source: str = typer.Argument(..., help="Source id (SRC-0001) or name."),
    credibility: int = typer.Option(..., "--credibility", help="1 (confirmed) .. 6 (unknown)."),
    item: str | None = typer.Option(None, "--item", help="The archived item it published."),
    note: str | None = typer.Option(None, "--note", help="What the source said."),
    as_user: str | None = AS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Record what a source said about an incident, graded 1-6 for credibility."""
    cit = lib.cite_source(
        open_archive(archive),
        incident,
        source,
        credibility=credibility,
        item=item,
        note=note,
        actor=actor_name(as_user),
    )
    if json_out:
        print_json(cit)
    else:
        console.print(
            f"Cited {escape(cit.source_name)} on {cit.incident_id}: graded {cit.grade}",
            highlight=False,
        )
    for warning in cit.warnings:
        err_console.print(f"warning: {escape(warning)}", highlight=False)


@incident_app.command("review")
@handles_errors
def review_cmd(
    incident: str = typer.Argument(..., help="Incident id."),
    approve: bool = typer.Option(False, "--approve", help="Approve: mark it verified."),
    reject: bool = typer.Option(False, "--reject", help="Reject, saying why in --note."),
    note: str | None = NOTE_OPTION,
    as_user: str | None = AS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Review an incident; approval needs someone other than the last change's author."""
    if approve == reject:
        raise InputError("give exactly one of --approve or --reject")
    review = lib.review_incident(
        open_archive(archive),
        incident,
        decision="approve" if approve else "reject",
        actor=actor_name(as_user),
        note=note,
    )
    if json_out:
        print_json(review)
    else:
        console.print(
            f"{review.incident_id}: {PAST[review.decision]} by {escape(review.reviewer)}; "
            f"{review.status_before} → {review.status_after}"
        )


@incident_app.command("merge")
@handles_errors
def merge_cmd(
    keep: str = typer.Argument(..., help="The incident to keep."),
    other: str = typer.Argument(..., help="The duplicate to merge into it."),
    note: str | None = NOTE_OPTION,
    as_user: str | None = AS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Join a duplicate into another incident; both histories are kept."""
    opened = open_archive(archive)
    inc = lib.merge_incidents(opened, keep, other, actor=actor_name(as_user), note=note)
    if json_out:
        print_json(inc)
    else:
        console.print(f"Merged {escape(other)} into [bold]{inc.id}[/] ({inc.status})")
        say_notices(inc.notices)


@incident_app.command("distinct")
@handles_errors
def distinct_cmd(
    first: str = typer.Argument(...),
    second: str = typer.Argument(...),
    note: str = typer.Option(..., "--note", help="Why they are different events."),
    as_user: str | None = AS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
) -> None:
    """Rule that two incidents sharing footage are different events, so both are counted."""
    lib.mark_distinct(open_archive(archive), first, second, actor=actor_name(as_user), note=note)
    console.print(escape(f"{first} and {second} are recorded as distinct events"))


@incident_app.command("duplicates")
@handles_errors
def duplicates_cmd(archive: Path | None = ARCHIVE_OPTION, json_out: bool = JSON_OPTION) -> None:
    """Incidents that may be the same event (they share footage)."""
    groups = lib.possible_duplicates(open_archive(archive))
    if json_out:
        print_json(groups)
        return
    if not groups:
        console.print("No possible duplicates.")
    for g in groups:
        console.print(escape(f"{' = '.join(g.incidents)}  (share {', '.join(g.shared)})"))


@incident_app.command("list")
@handles_errors
def list_cmd(
    status: str | None = typer.Option(None, "--status"),
    type: str | None = typer.Option(None, "--type", help="Only incidents of this type id."),
    merged: bool = typer.Option(False, "--merged", help="Include merged incidents."),
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Incidents, oldest first."""
    found = lib.list_incidents(
        open_archive(archive), status=status, type=type, include_merged=merged
    )
    if json_out:
        print_json(found)
        return
    table = Table("id", "status", "type", "date", "place", "killed", "injured", "title")
    for inc in found:
        table.add_row(
            inc.id,
            inc.status,
            inc.type,
            str(inc.occurred_from or "?"),
            inc.place.name if inc.place else "?",
            _figure(inc.killed_low, inc.killed_high),
            _figure(inc.injured_low, inc.injured_high),
            inc.title,
        )
    console.print(table)


@incident_app.command("show")
@handles_errors
def show_cmd(
    incident: str = typer.Argument(...),
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """One incident with its evidence and sources."""
    inc = lib.get_incident(open_archive(archive), incident)
    if json_out:
        print_json(inc)
    else:
        _show(inc)


@incident_app.command("history")
@handles_errors
def history_cmd(
    incident: str = typer.Argument(...),
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Every recorded change to an incident (from the custody log), with who and when."""
    entries = lib.history(open_archive(archive), incident)
    if json_out:
        print_json(entries)
        return
    table = Table("entry", "when (UTC)", "who", "action", "details")
    for e in entries:
        table.add_row(str(e.seq), f"{e.time:%Y-%m-%d %H:%M:%S}", e.who, e.action, describe(e))
    console.print(table)


@incident_app.command("types")
@handles_errors
def types_cmd(archive: Path | None = ARCHIVE_OPTION, json_out: bool = JSON_OPTION) -> None:
    """The incident taxonomy (shipped, plus the archive's own taxonomy.json)."""
    path = archive_path(archive)
    types = lib.load_taxonomy(path if path.exists() else None)
    if json_out:
        print_json(list(types.values()))
        return
    table = Table("id", "label")
    for t in types.values():
        table.add_row(t.id, t.label)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the `incident` group to the main app."""
    app.add_typer(incident_app, name="incident")
