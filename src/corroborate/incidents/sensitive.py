"""Which items are shown as sensitive, and why: the one decision every page, the API and the CLI
share.

An item is sensitive when a person marked it so, when it is evidence of an incident marked
sensitive (linked itself, or inside a linked footage cluster), or when it is a copy of the same
footage as such an item: a repost of a killing shows the same killing, so every copy in its
footage cluster is blurred too.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from corroborate.archive.models import ItemRow
from corroborate.incidents.ids import incident_ref
from corroborate.incidents.models import EvidenceRow, IncidentRow
from corroborate.match import cluster_members
from corroborate.storage.archive import Archive

Reasons = dict[str, list[str]]  # item id -> why it is shown sensitive (never empty)


def sensitive_items(archive: Archive) -> Reasons:
    """Every item shown sensitive with its reasons (an item not in the map is not sensitive)."""
    current, members = cluster_members(archive)
    clusters_of: dict[str, list[str]] = defaultdict(list)
    for cluster, items in members.items():
        for item_id in items:
            clusters_of[item_id].append(cluster)
    with archive.session() as session:
        marked = list(session.scalars(select(ItemRow.id).where(ItemRow.sensitive.is_(True))))
        evidence = session.execute(
            select(
                IncidentRow.id,
                EvidenceRow.item_id,
                EvidenceRow.cluster_id,
                EvidenceRow.cluster_items,
            )
            .join(EvidenceRow, EvidenceRow.incident_id == IncidentRow.id)
            .where(IncidentRow.sensitive.is_(True))
            .order_by(IncidentRow.id, EvidenceRow.id)
        ).all()
    reasons: Reasons = defaultdict(list)

    def add(item_id: str, why: str) -> None:
        if why not in reasons[item_id]:
            reasons[item_id].append(why)

    roots: list[tuple[str, str]] = []  # (item, why its copies are sensitive too)
    for marked_id in marked:
        add(marked_id, "marked sensitive")
        roots.append((marked_id, f"a copy of the same footage as {marked_id}, marked sensitive"))
    for pk, evidence_id, cluster_id, linked in evidence:
        ref = incident_ref(pk)
        if evidence_id:
            add(evidence_id, f"evidence of {ref}, marked sensitive")
            roots.append((evidence_id, f"shares footage with evidence of {ref}, marked sensitive"))
        if cluster_id:
            now = current.get(cluster_id, cluster_id)
            for copy in [*members.get(now, []), *(linked or [])]:  # today's copies and as linked
                add(copy, f"in footage {now}, evidence of {ref}, marked sensitive")
    for item_id, why in roots:
        for cluster in clusters_of.get(item_id, []):
            for copy in members.get(cluster, []):
                if copy != item_id:
                    add(copy, why)
    return dict(reasons)


def sensitivity(archive: Archive, item_id: str) -> list[str]:
    """Why one item is shown sensitive (empty: it is not)."""
    return sensitive_items(archive).get(item_id, [])


def is_sensitive(archive: Archive, item_id: str) -> bool:
    """True when the item's pictures are served blurred until revealed."""
    return bool(sensitivity(archive, item_id))
