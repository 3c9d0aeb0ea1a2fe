"""The readable HTML report inside an evidence package, built with the stdlib `html` module
(every value escaped) so that it opens in any browser, offline, with no scripts."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from corroborate.core import CREDIBILITY, RELIABILITY, CustodyEntry, Incident, Item

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}code{font-size:.85em;word-break:break-all}
.status{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;background:#eee}
.verified{background:#d4edda}.disputed,.discounted{background:#f8d7da}
.sensitive{color:#a00;font-weight:bold}
"""


def _table(headers: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    head = "".join(f"<th>{escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "&mdash;"
    return escape(str(value))


def _figure(low: int | None, high: int | None) -> str:
    if low is None:
        return "not known"
    return str(low) if low == high else f"{low}&ndash;{high}"


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
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(inc.id)}: {escape(inc.title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(inc.id)}: {escape(inc.title)}</h1>",
        f"<p><span class='status {escape(inc.status)}'>{escape(inc.status)}</span>",
    ]
    if inc.sensitive:
        parts.append(" <span class='sensitive'>SENSITIVE: handle with care</span>")
    parts.append("</p>")
    parts.append(_table(("", ""), facts))
    parts.append("<h2>Victims</h2>")
    parts.append(
        _table(
            ("", "low", "high"),
            [
                ("killed", inc.killed_low, inc.killed_high),
                ("injured", inc.injured_low, inc.injured_high),
            ],
        )
    )
    if inc.description:
        parts.append(f"<h2>Description</h2><p>{escape(inc.description)}</p>")
    parts.append("<h2>Evidence</h2>")
    by_item = {it.id: (it, name) for it, name in items}
    rows = []
    for ev in inc.evidence:
        for item_id in ([ev.item_id] if ev.item_id else []) + list(ev.cluster_items):
            found = by_item.get(item_id)
            rows.append(
                (
                    ev.role + (f" (cluster {ev.cluster_id})" if ev.cluster_id else ""),
                    item_id,
                    found[1] if found else "not in package",
                    found[0].sha256 if found else "",
                    found[0].kind if found else "",
                    f"{ev.linked_by}, {ev.linked_at:%Y-%m-%d}",
                )
            )
    parts.append(_table(("role", "item", "file in package", "SHA-256", "kind", "linked"), rows))
    parts.append("<h2>Sources</h2>")
    parts.append(
        _table(
            ("source", "grade", "meaning", "item", "note", "cited"),
            [
                (
                    f"{c.source_name} ({c.source_id})",
                    c.grade,
                    f"{RELIABILITY.get(c.reliability, '')}; {CREDIBILITY.get(c.credibility, '')}",
                    c.item_id,
                    c.note,
                    f"{c.cited_by}, {c.cited_at:%Y-%m-%d}",
                )
                for c in inc.citations
            ],
        )
    )
    parts.append("<h2>Reviews</h2>")
    parts.append(
        _table(
            ("when (UTC)", "reviewer", "decision", "status", "note"),
            [
                (
                    f"{r.time:%Y-%m-%d %H:%M}",
                    r.reviewer,
                    r.decision,
                    f"{r.status_before} → {r.status_after}",
                    r.note,
                )
                for r in inc.reviews
            ],
        )
    )
    parts.append("<h2>History (custody log)</h2>")
    parts.append(
        _table(
            ("entry", "when (UTC)", "who", "action", "what"),
            [(e.seq, f"{e.time:%Y-%m-%d %H:%M:%S}", e.actor, e.action, _what(e)) for e in history],
        )
    )
    parts.append(
        "<h2>Checking this package</h2><p>Every file is listed with its SHA-256 in "
        "<code>MANIFEST.sha256</code> (check with <code>sha256sum -c MANIFEST.sha256</code>). "
        "<code>custody/proofs.json</code> proves each custody entry is in the archive's "
        "append-only log under the signed head in <code>custody/head.json</code>; the export "
        "entry there records the hash of every file as exported. "
        "Run <code>corroborate verify-package THIS.zip --key custody.pub</code> with the "
        "archive's published public key (or its fingerprint) to check it all offline.</p>"
    )
    parts.append(
        f"<p><small>Generated {escape(generated_at)} by {escape(generated_by)} with "
        "corroborate.</small></p></body></html>"
    )
    return "".join(parts)


def _what(entry: CustodyEntry) -> str:
    d = entry.details
    if "changes" in d:
        return "; ".join(f"{k}: {v[0]} → {v[1]}" for k, v in d["changes"].items())
    if entry.action == "incident.link":
        return f"{d.get('role')} {d.get('item') or 'cluster ' + str(d.get('cluster'))}"
    if entry.action == "incident.cite":
        return f"{d.get('source_name')} graded {d.get('grade')}"
    if "status" in d:
        return f"{d['status'][0]} → {d['status'][1]}" + (f" ({d['note']})" if d.get("note") else "")
    if entry.action == "incident.create":
        return str(d.get("record", {}).get("title", ""))
    if entry.action == "incident.merge":
        return f"merged {d.get('merged')} into {d.get('kept')}"
    return ", ".join(f"{k}: {v}" for k, v in d.items() if k != "incident" and v is not None)
