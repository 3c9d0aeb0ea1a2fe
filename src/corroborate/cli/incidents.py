"""CLI: incidents, sources, review, tallies, exports, evidence packages and sheet import.

Thin commands: each parses options, calls one library function and renders the result; every
rule (four eyes, what verified needs, validation) lives in `corroborate.incidents`.
"""

from __future__ import annotations

import csv
import io
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
    handles_errors,
    print_json,
)
from corroborate.config import Archive
from corroborate.core import CustodyEntry, Incident
from corroborate.errors import InputError
from corroborate.incidents.tally import REASONS

incident_app = typer.Typer(help="Record incidents, link evidence, cite sources, review.")
source_app = typer.Typer(help="Sources of information, graded A-F for reliability.")
export_app = typer.Typer(help="Export incidents (CSV, JSON Lines, GeoJSON) or evidence packages.")
import_app = typer.Typer(help="Import incidents from a spreadsheet (CSV).")


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
                ev.item_id or f"cluster {ev.cluster_id} ({len(ev.cluster_items)} items)",
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
        what = ev.item_id or f"cluster {ev.cluster_id}"
        console.print(escape(f"Linked {what} to {ev.incident_id} as {ev.role}"))


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
            f"{review.incident_id}: {review.decision}d by {escape(review.reviewer)}; "
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
        console.print(f"Merged {escape(other)} into [bold]{inc.id}[/]")


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
) -> None:
    """Re-grade a source's reliability (the old grade stays in the log)."""
    given = {g for g in (grade, reliability) if g is not None}
    if len(given) != 1:
        raise InputError("give the new grade once: `source grade SOURCE --reliability C`")
    src = lib.grade_source(
        _open(archive), source, given.pop(), actor=actor_name(as_user), note=note
    )
    console.print(f"{escape(src.name)} is now graded {src.reliability}", highlight=False)


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
    csv_out: bool = typer.Option(False, "--csv", help="Print the rows as CSV."),
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
            }
        )
        return
    cols = [*result.by, "incidents", "killed_low", "killed_high", "injured_low", "injured_high"]
    if csv_out:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        for row in [*result.rows, result.total]:
            key = [row.key.get(d, "TOTAL") for d in result.by]
            writer.writerow(
                [*key, row.incidents, row.killed_low, row.killed_high, row.injured_low,
                 row.injured_high]
            )  # fmt: skip
        sys.stdout.write(buf.getvalue())
        return
    render_tally(result)


def render_tally(result: lib.Tally) -> None:
    """The tally as a table, its one-sentence summary, and what it left out and why."""
    table = Table(*result.by, "incidents", "killed", "injured")
    for row in result.rows:
        table.add_row(
            *[row.key[d] for d in result.by],
            str(row.incidents),
            _figure(row.killed_low, row.killed_high),
            _figure(row.injured_low, row.injured_high),
        )
    t = result.total
    table.add_row(
        *([Text("total", style="bold")] + [""] * (len(result.by) - 1) if result.by else []),
        Text(str(t.incidents), style="bold"),
        _figure(t.killed_low, t.killed_high),
        _figure(t.injured_low, t.injured_high),
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
    no_sensitive: bool = typer.Option(False, "--no-sensitive", help="Leave sensitive ones out."),
    as_user: str | None = AsOption,
    archive: Path | None = ArchiveOption,
) -> None:
    """Export incidents for other tools (the export is logged with its SHA-256)."""
    from corroborate.report import export_incidents

    text = export_incidents(
        _open(archive),
        format,
        actor=actor_name(as_user),
        min_status=min_status,
        include_sensitive=not no_sensitive,
    )
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
        console.print(f"Wrote {escape(str(out))}", highlight=False)


@export_app.command("package")
@handles_errors
def export_package_cmd(
    incident: str = typer.Argument(...),
    out: Path = typer.Option(..., "--out", help="The zip file to write, e.g. case.zip."),
    as_user: str | None = AsOption,
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Write an evidence package a court can check offline."""
    from corroborate.report import build_package

    summary = build_package(_open(archive), incident, out, actor=actor_name(as_user))
    if json_out:
        print_json(summary)
    else:
        console.print(
            f"Wrote {escape(str(summary.path))}: {summary.files} files, "
            f"{summary.proofs} custody proofs "
            f"under log head {summary.tree_size} ({summary.root_hash[:16]}…); "
            f"SHA-256 {summary.sha256}"
        )


@handles_errors
def verify_package_cmd(
    package: Path = typer.Argument(..., help="An evidence package (.zip)."),
    json_out: bool = JsonOption,
) -> None:
    """Check an evidence package offline; names every altered, added or missing file."""
    from corroborate.report import verify_package

    check = verify_package(package)
    if json_out:
        print_json({**check.__dict__, "ok": check.ok})
    elif check.ok:
        console.print(
            f"[green]OK[/] {escape(str(package))}: {check.files_checked} files and "
            f"{check.proofs_checked} "
            f"custody proofs check out under log head {check.tree_size} signed by key "
            f"{check.key_id}",
            highlight=False,
        )
    else:
        for p in check.problems:
            console.print(f"[red]{escape(p.kind)}[/] {escape(p.message)}", highlight=False)
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
    """Import incidents from a CSV sheet: all rows or none."""
    report = lib.import_incidents(_open(archive), sheet, actor=actor_name(as_user))
    if json_out:
        print_json(report)
    else:
        console.print(
            f"Imported {len(report.incidents)} incidents from {escape(str(report.file))}: "
            f"{report.incidents[0].id} .. {report.incidents[-1].id}"
        )
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
