"""The readable HTML report inside an evidence package, rendered from a Jinja2 template with
autoescaping (every value is data, never markup) so that it opens in any browser, offline, with no
scripts. The template is `templates/incident_report.html`; this module only gathers its rows."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from corroborate.core import CREDIBILITY, RELIABILITY, CustodyEntry, Incident, Item
from corroborate.report.history import describe

_ENVIRONMENT = Environment(
    loader=PackageLoader("corroborate.report", "templates"),
    autoescape=True,  # every value is escaped, whatever the template file is called
    undefined=StrictUndefined,  # a misspelt name in the template fails, not renders blank
    keep_trailing_newline=True,
)


def render_report(
    incident: Incident,
    items: list[tuple[Item, str]],
    history: list[CustodyEntry],
    *,
    type_label: str,
    generated_by: str,
    generated_at: str,
) -> str:
    """One self-contained HTML page describing the incident, its evidence and its history.

    `items` pairs each archived item with its file name inside the package.
    """
    inc = incident
    place = inc.place
    when = "not known"
    if inc.occurred_from:
        when = inc.occurred_from.isoformat()
        if inc.occurred_to and inc.occurred_to != inc.occurred_from:
            when += f" to {inc.occurred_to.isoformat()}"
        when += f" ({inc.date_precision})"
    coords = ""
    if place and place.latitude is not None:
        coords = f"{place.latitude:.5f}, {place.longitude:.5f} ({place.precision})"
    facts = [
        ("Incident", inc.id),
        ("Type", f"{type_label} ({inc.type})"),
        ("Status", inc.status),
        ("Occurred", when),
        ("Place", place.name if place else None),
        ("Region", place.admin1 if place else None),
        ("Coordinates", coords),
        ("How it was located", inc.geolocation_note),
        ("Alleged perpetrator", inc.perpetrator_party),
        ("Victims' party", inc.victim_party),
        ("Victim category", inc.victim_category),
        ("Tags", ", ".join(inc.tags)),
        ("Recorded", f"{inc.created_at:%Y-%m-%d %H:%M} UTC by {inc.created_by}"),
        ("Last change", f"{inc.updated_at:%Y-%m-%d %H:%M} UTC by {inc.last_changed_by}"),
    ]
    victims = [
        ("killed", inc.killed_low, inc.killed_high),
        ("injured", inc.injured_low, inc.injured_high),
    ]
    by_item = {it.id: (it, name) for it, name in items}
    evidence = []
    for ev in inc.evidence:
        for item_id in ([ev.item_id] if ev.item_id else []) + list(ev.cluster_items):
            found = by_item.get(item_id)
            evidence.append(
                (
                    ev.role + (f" (cluster {ev.cluster_id})" if ev.cluster_id else ""),
                    item_id,
                    found[1] if found else "not in package",
                    found[0].sha256 if found else "",
                    found[0].kind if found else "",
                    f"{ev.linked_by}, {ev.linked_at:%Y-%m-%d}",
                )
            )
    sources = [
        (
            f"{c.source_name} ({c.source_id})",
            c.grade,
            f"{RELIABILITY.get(c.reliability, '')}; {CREDIBILITY.get(c.credibility, '')}",
            c.item_id,
            c.note,
            f"{c.cited_by}, {c.cited_at:%Y-%m-%d}",
        )
        for c in inc.citations
    ]
    reviews = [
        (
            f"{r.time:%Y-%m-%d %H:%M}",
            r.reviewer,
            r.decision,
            f"{r.status_before} → {r.status_after}",
            r.note,
        )
        for r in inc.reviews
    ]
    rows = [(e.seq, f"{e.time:%Y-%m-%d %H:%M:%S}", e.who, e.action, describe(e)) for e in history]
    return _ENVIRONMENT.get_template("incident_report.html").render(
        incident=inc,
        facts=facts,
        victims=victims,
        evidence=evidence,
        sources=sources,
        reviews=reviews,
        history=rows,
        generated_by=generated_by,
        generated_at=generated_at,
    )
