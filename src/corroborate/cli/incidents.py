"""CLI: incidents, sources, review, tallies, exports, evidence packages and sheet import.

Thin commands: each parses options, calls one library function and renders the result; every
rule (four eyes, what verified needs, validation) lives in `corroborate.incidents`.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import typer
from rich.markup import escape

from corroborate import incidents as lib
from corroborate.cli.common import (
    ArchiveOption,
    AsOption,
    JsonOption,
    Table,
    Text,
    actor_name,
    archive_path,
    console,
    err_console,
    handles_errors,
    print_json,
    progress_bar,
)
from corroborate.storage.archive import Archive
from corroborate.core import CustodyEntry, Incident
from corroborate.errors import InputError
from corroborate.incidents.tally import REASONS

incident_app = typer.Typer(help="Record incidents, link evidence, cite sources, review.")
source_app = typer.Typer(help="Sources of information, graded A-F for reliability.")
export_app = typer.Typer(help="Export incidents (CSV, JSON Lines, GeoJSON) or evidence packages.")
import_app = typer.Typer(help="Import incidents from a spreadsheet (CSV).")


PAST = {"approve": "approved", "reject": "rejected"}


def _open(archive: Path | None) -> Archive:
    return Archive.open(archive_path(archive))


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


def _say(notices: tuple[str, ...], prefix: str = "") -> None:
    """Print what the library says the user should know about a change, with how to act on it."""
    for notice in notices:
        console.print(f"[yellow]note:[/] {escape(prefix + notice)}", highlight=False)
        if "without coordinates" in notice:
            console.print(
                "      pin it with --lat/--lon, or a more specific name such as "
                "--place 'NAME, Oblast' (or --region); candidates: corroborate geo resolve NAME",
                highlight=False,
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
    as_user: str | None = AsOption,
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Record a new incident (unverified until a second person approves it)."""
    data = _input(**locals())
    inc = lib.create_incident(_open(archive), data, actor=actor_name(as_user))
    if json_out:
        print_json(inc)
    else:
        console.print(f"Recorded [bold]{inc.id}[/] ({inc.status})")
        _say(inc.notices)


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
    as_user: str | None = AsOption,
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Change an incident; a substantive change to a verified incident re-opens its review."""
    opened = _open(archive)
    actor = actor_name(as_user)
    data = _input(**locals())
    inc = None
    said: tuple[str, ...] = ()
    if data.given():
        inc = lib.edit_incident(opened, incident, data, actor=actor, note=note)
        said = inc.notices
    if status:
        inc = replace(
            lib.set_status(opened, incident, status, actor=actor, note=note), notices=said
        )
    if inc is None:
        raise InputError("nothing to change: give at least one option")
    if json_out:
        print_json(inc)
    else:
        console.print(f"Changed [bold]{inc.id}[/] ({inc.status})")
        _say(inc.notices)


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
    note: str | None = typer.Option(None, "--note"),
    as_user: str | None = AsOption,
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Link evidence (an archived item or a footage cluster) to an incident."""
    ev = lib.link_evidence(
        _open(archive), incident, target, role=role, actor=actor_name(as_user), note=note
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
    as_user: str | None = AsOption,
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Record what a source said about an incident, graded 1-6 for credibility."""
    cit = lib.cite_source(
        _open(archive),
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
    note: str | None = typer.Option(None, "--note"),
    as_user: str | None = AsOption,
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Review an incident; approval needs someone other than the last change's author."""
    if approve == reject:
        raise InputError("give exactly one of --approve or --reject")
    review = lib.review_incident(
        _open(archive),
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
    note: str | None = typer.Option(None, "--note"),
    as_user: str | None = AsOption,
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Join a duplicate into another incident; both histories are kept."""
    inc = lib.merge_incidents(_open(archive), keep, other, actor=actor_name(as_user), note=note)
    if json_out:
        print_json(inc)
    else:
        console.print(f"Merged {escape(other)} into [bold]{inc.id}[/] ({inc.status})")
        if inc.status == "under-review":
            console.print(
                "[yellow]note:[/] it was verified; the joined record needs a new approval",
                highlight=False,
            )


@incident_app.command("distinct")
@handles_errors
def distinct_cmd(
    first: str = typer.Argument(...),
    second: str = typer.Argument(...),
    note: str = typer.Option(..., "--note", help="Why they are different events."),
    as_user: str | None = AsOption,
    archive: Path | None = ArchiveOption,
) -> None:
    """Rule that two incidents sharing footage are different events, so both are counted."""
    lib.mark_distinct(_open(archive), first, second, actor=actor_name(as_user), note=note)
    console.print(escape(f"{first} and {second} are recorded as distinct events"))


@incident_app.command("duplicates")
@handles_errors
def duplicates_cmd(archive: Path | None = ArchiveOption, json_out: bool = JsonOption) -> None:
    """Incidents that may be the same event (they share footage)."""
    groups = lib.possible_duplicates(_open(archive))
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
    merged: bool = typer.Option(False, "--merged", help="Include merged incidents."),
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Incidents, oldest first."""
    found = lib.list_incidents(_open(archive), status=status, include_merged=merged)
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
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """One incident with its evidence and sources."""
    inc = lib.get_incident(_open(archive), incident)
    if json_out:
        print_json(inc)
    else:
        _show(inc)


@incident_app.command("history")
@handles_errors
def history_cmd(
    incident: str = typer.Argument(...),
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Every recorded change to an incident (from the custody log), with who and when."""
    entries = lib.history(_open(archive), incident)
    if json_out:
        print_json(entries)
        return
    table = Table("entry", "when (UTC)", "who", "action", "details")
    for e in entries:
        table.add_row(str(e.seq), f"{e.time:%Y-%m-%d %H:%M:%S}", e.actor, e.action, _brief(e))
    console.print(table)


def _brief(entry: CustodyEntry) -> str:
    d = entry.details
    if "changes" in d:
        return "; ".join(f"{k}: {v[0]} → {v[1]}" for k, v in d["changes"].items())
    if entry.action == "incident.create":
        return str(d.get("record", {}).get("title", ""))
    if entry.action == "export.package":
        return f"{d.get('package')} ({len(d.get('files', {}))} files)"
    skip = ("incident", "record", "files", "merged_record", "item_sha256", "cluster_items")
    return ", ".join(f"{k}={v}" for k, v in d.items() if k not in skip and v is not None)


@incident_app.command("types")
@handles_errors
def types_cmd(archive: Path | None = ArchiveOption, json_out: bool = JsonOption) -> None:
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


# -- source --------------------------------------------------------------------------------
@source_app.command("add")
@handles_errors
def source_add_cmd(
    name: str = typer.Argument(..., help='e.g. "UN HRMMU".'),
    kind: str = typer.Option(
        ...,
        "--kind",
        help="official-body, monitoring-mission, media, social-media, witness or other.",
    ),
    reliability: str = typer.Option(..., "--reliability", help="A (reliable) .. F (unknown)."),
    url: str | None = typer.Option(None, "--url"),
    note: str | None = typer.Option(None, "--note"),
    as_user: str | None = AsOption,
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Register a source with its reliability grade."""
    src = lib.add_source(
        _open(archive),
        name,
        kind=kind,
        reliability=reliability,
        url=url,
        note=note,
        actor=actor_name(as_user),
    )
    if json_out:
        print_json(src)
    else:
        console.print(
            f"Added source [bold]{src.id}[/] {escape(src.name)} ({src.kind}, {src.reliability})",
            highlight=False,
        )


@source_app.command("grade")
@handles_errors
def source_grade_cmd(
    source: str = typer.Argument(...),
    grade: str | None = typer.Argument(None, help="A .. F (or give it as --reliability)."),
    reliability: str | None = typer.Option(None, "--reliability", help="A (reliable) .. F."),
    note: str | None = typer.Option(None, "--note"),
    as_user: str | None = AsOption,
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Re-grade a source's reliability (the old grade stays in the log); verified incidents
    citing it go back to review."""
    given = {g for g in (grade, reliability) if g is not None}
    if len(given) != 1:
        raise InputError("give the new grade once: `source grade SOURCE --reliability C`")
    src = lib.grade_source(
        _open(archive), source, given.pop(), actor=actor_name(as_user), note=note
    )
    if json_out:
        print_json(src)
        return
    console.print(f"{escape(src.name)} is now graded {src.reliability}", highlight=False)
    if src.reopened:
        console.print(
            f"[yellow]note:[/] back to review (were verified, cite this source): "
            f"{', '.join(src.reopened)}",
            highlight=False,
        )


@source_app.command("list")
@handles_errors
def source_list_cmd(archive: Path | None = ArchiveOption, json_out: bool = JsonOption) -> None:
    """Sources and their grades."""
    sources = lib.list_sources(_open(archive))
    if json_out:
        print_json(sources)
        return
    table = Table("id", "name", "kind", "reliability")
    for s in sources:
        table.add_row(s.id, s.name, s.kind, s.reliability)
    console.print(table)


# -- tally ---------------------------------------------------------------------------------
@handles_errors
def tally_cmd(
    by: str | None = typer.Option(None, "--by", help=f"Any of {', '.join(lib.DIMENSIONS)}."),
    min_status: str = typer.Option(
        "verified", "--min-status", help="Count only incidents at or above it ('any': all)."
    ),
    date_from: str | None = typer.Option(None, "--from", help="Period start (2024-10)."),
    date_to: str | None = typer.Option(None, "--to", help="Period end (2024-12-31)."),
    csv_out: bool = typer.Option(
        False, "--csv", help="CSV with its caveats (left out, duplicates, unknown figures)."
    ),
    out: Path | None = typer.Option(None, "--out", help="With --csv: write here, not stdout."),
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Count incidents and victims, saying what was left out and why."""
    result = lib.tally(
        _open(archive),
        by=by,
        min_status=None if min_status == "any" else min_status,
        date_from=date_from,
        date_to=date_to,
    )
    if json_out:
        print_json(
            {
                "summary": result.summary(),
                "by": result.by,
                "min_status": result.min_status,
                "from": result.date_from,
                "to": result.date_to,
                "rows": result.rows,
                "total": result.total,
                "left_out": result.left_out,
                "left_out_counts": result.left_out_counts,
                "possible_duplicates": result.duplicates,
                "caveats": result.caveats(),
            }
        )
        return
    if csv_out:
        from corroborate.report.exports import tally_csv

        text = tally_csv(result)
        if out is None:
            sys.stdout.write(text)
        else:
            from corroborate.report.exports import AtomicFile

            AtomicFile(out, text.encode()).commit()
            console.print(f"Wrote {escape(str(out))}", highlight=False)
        return
    if out is not None:
        raise InputError("--out writes the CSV tally; give --csv with it")
    render_tally(result)


def render_tally(result: lib.Tally) -> None:
    """The tally as a table, its one-sentence summary, and what it left out and why.

    A figure some incident has no number for reads "at least N (k of n no figure)".
    """
    t = result.total
    if result.by:
        table = Table(*result.by, "incidents", "killed", "injured")
        for row in result.rows:
            table.add_row(
                *[row.key[d] for d in result.by],
                str(row.incidents),
                row.figure("killed"),
                row.figure("injured"),
            )
        label: list[Text | str] = [Text("total", style="bold")] + [""] * (len(result.by) - 1)
    else:
        table = Table("", "incidents", "killed", "injured")
        label = [Text("total", style="bold")]
    table.add_row(
        *label, Text(str(t.incidents), style="bold"), t.figure("killed"), t.figure("injured")
    )
    console.print(table)
    console.print(escape(result.summary()), highlight=False)
    if result.left_out:
        left = Table("left out", "why", "detail")
        for x in result.left_out:
            left.add_row(x.incident_id, REASONS[x.reason], x.detail)
        console.print(left)


# -- export, package, import ---------------------------------------------------------------
@export_app.command("incidents")
@handles_errors
def export_incidents_cmd(
    format: str = typer.Option("csv", "--format", help="csv, jsonl or geojson."),
    out: Path | None = typer.Option(None, "--out", help="Write here (default: stdout)."),
    min_status: str | None = typer.Option(None, "--min-status"),
    include_sensitive: bool = typer.Option(
        False,
        "--include-sensitive",
        help="Also export incidents marked sensitive (left out by default).",
    ),
    as_user: str | None = AsOption,
    archive: Path | None = ArchiveOption,
    json_out: bool = typer.Option(
        False, "--json", help="Print what was exported (and what left out) as JSON."
    ),
) -> None:
    """Export incidents for other tools (the export is logged with its SHA-256).

    Incidents marked sensitive are left out unless --include-sensitive; CSV cells a spreadsheet
    would run as a formula (starting = + - @) are written with a leading '.
    """
    from corroborate.report import export_incidents

    done = export_incidents(
        _open(archive),
        format,
        actor=actor_name(as_user),
        min_status=min_status,
        include_sensitive=include_sensitive,
        out=out,
    )
    left = done.sensitive_left_out
    if json_out:
        summary: dict[str, object] = {
            "file": str(out) if out is not None else None,
            "format": done.format,
            "sha256": done.sha256,
            "incidents": done.incidents,
            "sensitive_left_out": left,
        }
        if out is None:
            summary["content"] = done.text  # the export itself, when no file was written
        print_json(summary)
    elif out is None:
        text = done.text
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        console.print(f"Wrote {escape(str(out))}: {len(done.incidents)} incidents", highlight=False)
    if left and not json_out:
        err_console.print(
            f"note: {left} incident{'s' if left != 1 else ''} marked sensitive left out "
            "(--include-sensitive to export them)",
            highlight=False,
        )


@export_app.command("package")
@handles_errors
def export_package_cmd(
    incident: str = typer.Argument(...),
    out: Path = typer.Option(..., "--out", help="The zip file to write, e.g. case.zip."),
    force: bool = typer.Option(False, "--force", help="Replace --out if it already exists."),
    as_user: str | None = AsOption,
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Write an evidence package a court can check offline."""
    from corroborate.report import build_package

    with progress_bar("packaging", quiet=json_out, bytes_=True) as progress:
        summary = build_package(
            _open(archive), incident, out, actor=actor_name(as_user), force=force,
            progress=progress,
        )  # fmt: skip
    if json_out:
        print_json(summary)
    else:
        console.print(
            f"Wrote {escape(str(summary.path))}: {summary.files} files, {summary.proofs} custody "
            f"proofs, {summary.timestamp_tokens} timestamp tokens under log head "
            f"{summary.tree_size} ({summary.root_hash[:16]}…); SHA-256 {summary.sha256}",
            highlight=False,
        )
        console.print(f"key fingerprint {summary.key_fingerprint}", highlight=False)


@handles_errors
def verify_package_cmd(
    package: Path = typer.Argument(..., help="An evidence package (.zip)."),
    key: Path | None = typer.Option(
        None,
        "--key",
        help="The archive's public key (PEM, e.g. custody.pub) or a file holding its "
        "SHA-256 fingerprint: the head must be signed by it.",
    ),
    fingerprint: str | None = typer.Option(
        None, "--fingerprint", help="The archive key's SHA-256 fingerprint (64 hex), pinned."
    ),
    tsa_ca: Path | None = typer.Option(
        None, "--tsa-ca", help="CA certificate(s) (PEM) of the timestamp authorities you trust."
    ),
    json_out: bool = JsonOption,
) -> None:
    """Check an evidence package offline; names every altered, added or missing file."""
    from corroborate.report import pinned_key, pinned_key_file, verify_package

    pinned = None
    if key is not None:
        pinned = pinned_key_file(key)
    if fingerprint is not None:
        given = pinned_key(fingerprint.encode(), "--fingerprint")
        if pinned is not None and pinned.fingerprint != given.fingerprint:
            raise InputError(
                f"--key {key} has fingerprint {pinned.fingerprint}, not {given.fingerprint}"
            )
        pinned = pinned or given
    ca_pem = None
    if tsa_ca is not None:
        try:
            ca_pem = tsa_ca.read_bytes()
        except OSError as exc:
            raise InputError(f"{tsa_ca}: cannot read ({exc.strerror or exc})") from None
    with progress_bar("checking", quiet=json_out, bytes_=True) as progress:
        check = verify_package(package, key=pinned, tsa_ca_pem=ca_pem, progress=progress)
    if json_out:
        print_json({**check.__dict__, "ok": check.ok})
    else:
        for p in check.problems:
            console.print(
                f"[red]{escape(p.kind)}[/] {escape(p.message)}", highlight=False, soft_wrap=True
            )
        if check.ok:
            console.print(
                f"[green]OK[/] {escape(str(package))}: {check.files_checked} files and "
                f"{check.proofs_checked} custody proofs check out under log head "
                f"{check.tree_size} signed by key {check.key_fingerprint}"
                + (" (pinned)" if check.key_pinned else ""),
                highlight=False,
                soft_wrap=True,
            )
        for t in check.timestamps:
            console.print(
                f"timestamp: the log's first {t.tree_size} entries existed by "
                f"{t.gen_time:%Y-%m-%d %H:%M:%S} UTC, says {escape(t.tsa)}"
                + ("" if t.tsa_trusted else " (TSA not checked against a CA you trust)"),
                highlight=False,
                soft_wrap=True,
            )
        for note in check.notes:
            console.print(f"note: {escape(note)}", highlight=False, soft_wrap=True)
    if not check.ok:
        raise typer.Exit(1)


@import_app.command("incidents")
@handles_errors
def import_incidents_cmd(
    sheet: Path = typer.Argument(..., help="CSV file, one incident per row."),
    as_user: str | None = AsOption,
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Import incidents from a CSV sheet: all rows or none.

    \b
    Columns (header names; case, spaces and - or _ do not matter):
      title, type                       required
      date (2024-10-10, 2024-10, 2024, FROM..TO) or date_from, date_to; date_precision
      place, latitude (lat), longitude (lon, lng), place_precision, region, geolocation_note
      perpetrator, victim_party, killed, injured (3 or 3-4; empty: not known)
      victim_category, description, tags (comma-separated), sensitive (yes/no)
    \b
    Columns of corroborate's own export (export incidents --format csv):
      uid        a row whose uid is already in this archive is never imported twice
                 (unchanged: skipped; changed: refused, use incident edit)
      id         kept only as a note: incidents get this archive's ids
      status     not imported: every incident starts unverified (four eyes here)
      evidence   ROLE:ITEM ...: linked when the item is archived here
      citations  GRADE NAME; ...: cited when a source of that name is registered here
    """
    report = lib.import_incidents(_open(archive), sheet, actor=actor_name(as_user))
    if json_out:
        print_json(report)
        return
    if report.incidents:
        console.print(
            f"Imported {len(report.incidents)} incidents from {escape(report.file)}: "
            f"{report.incidents[0].id} .. {report.incidents[-1].id}",
            highlight=False,
        )
    else:
        console.print(
            f"Nothing imported from {escape(str(report.file))}: "
            "every row is in this archive already",
            highlight=False,
        )
    for line in report.skipped:
        console.print(f"[dim]skipped:[/] {escape(line)}", highlight=False)
    for inc in report.incidents:
        _say(inc.notices, f"{inc.id}: ")


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the main app."""
    app.add_typer(incident_app, name="incident")
    app.add_typer(source_app, name="source")
    app.add_typer(export_app, name="export")
    app.add_typer(import_app, name="import")
    app.command("tally")(tally_cmd)
    app.command("verify-package")(verify_package_cmd)
