"""What an incident's pages show (the workspace's list, page and forms): decided once here, so
the front ends only lay it out."""

from __future__ import annotations

from dataclasses import dataclass

from corroborate.core import CustodyEntry, Incident, Source
from corroborate.incidents import (
    IncidentType,
    get_incident,
    history,
    list_incidents,
    list_sources,
    load_taxonomy,
    verification_gaps,
)
from corroborate.incidents.fields import form_text
from corroborate.incidents.records import field_values, to_incident, writable
from corroborate.storage.archive import Archive


@dataclass(frozen=True)
class IncidentIndex:
    """Incidents matching a filter, and the types a filter can name."""

    incidents: list[Incident]
    types: dict[str, IncidentType]


@dataclass(frozen=True)
class IncidentPage:
    """An incident with everything its page shows."""

    incident: Incident
    history: list[CustodyEntry]
    gaps: list[str]  # what it still lacks before it can be verified
    sources: list[Source]  # every source, to cite
    type_label: str
    item_names: dict[str, str]  # archived item id -> its original name, for the evidence


@dataclass(frozen=True)
class IncidentForm:
    """What a new or edit form shows: each field's text, and the version it was read at."""

    values: dict[str, str]
    version: int | None  # None for a new incident
    types: dict[str, IncidentType]
    incident: Incident | None


def incident_index(
    archive: Archive, *, status: str | None = None, type: str | None = None
) -> IncidentIndex:
    """Incidents (not those merged into another), oldest first, by status and type."""
    return IncidentIndex(
        list_incidents(archive, status=status, type=type), load_taxonomy(archive.dir)
    )


def incident_page(archive: Archive, ref: str) -> IncidentPage:
    """The incident named by id, its history from the custody log, and what it lacks."""
    from corroborate.archive import list_items

    inc = get_incident(archive, ref)
    taxonomy = load_taxonomy(archive.dir)
    wanted = {i for ev in inc.evidence for i in (ev.item_id, *ev.cluster_items) if i}
    wanted |= {c.item_id for c in inc.citations if c.item_id}
    names = {i.id: i.original_name for i in list_items(archive) if i.id in wanted}
    return IncidentPage(
        incident=inc,
        history=history(archive, ref),
        gaps=verification_gaps(inc),
        sources=list_sources(archive),
        type_label=taxonomy[inc.type].label if inc.type in taxonomy else inc.type,
        item_names=names,
    )


def incident_form(archive: Archive, ref: str | None = None) -> IncidentForm:
    """A blank form for a new incident, or the edit form of `ref` at its current version."""
    taxonomy = load_taxonomy(archive.dir)
    if ref is None:
        return IncidentForm({"date_precision": "day"}, None, taxonomy, None)
    with archive.session() as session:  # the values and the version read together
        row = writable(session, ref)
        inc = to_incident(row)
        values = form_text(field_values(row))
    return IncidentForm(values, inc.version, taxonomy, inc)
