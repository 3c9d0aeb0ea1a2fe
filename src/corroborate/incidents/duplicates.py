"""Possible duplicates: two incidents whose evidence is the same item or the same footage
(the same cluster of reposts, recuts and screen recordings), until a person merges them or
rules them distinct."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from corroborate.accounts import Actor, require
from corroborate.core import Incident
from corroborate.db import utcnow
from corroborate.errors import InputError
from corroborate.incidents.ids import incident_ref, parse_ref
from corroborate.incidents.models import DistinctPairRow
from corroborate.incidents.records import list_incidents, log_incident, writable
from corroborate.storage.archive import Archive


@dataclass(frozen=True)
class DuplicateGroup:
    """Incidents that may be one event, and the footage they share."""

    incidents: tuple[str, ...]
    shared: tuple[str, ...]  # "item 0a1b2c3d4e5f", "cluster 7"


def item_clusters(archive: Archive) -> dict[str, str]:
    """Footage cluster id of every clustered item."""
    from corroborate.match import clusters  # match loads FAISS: only when asked

    out: dict[str, str] = {}
    for cluster in clusters(archive):
        for item in cluster.items:
            out[str(getattr(item, "id", item))] = str(cluster.id)
    return out


def footage_keys(incident: Incident, clusters: dict[str, str]) -> set[str]:
    """What an incident's evidence shows: each item, and the footage cluster each belongs to."""
    return evidence_keys(
        ((ev.item_id, ev.cluster_id, ev.cluster_items) for ev in incident.evidence), clusters
    )


def evidence_keys(
    links: Iterable[tuple[str | None, str | None, Iterable[str]]], clusters: dict[str, str]
) -> set[str]:
    """`footage_keys` of evidence links given as (item id, cluster id, the cluster's items)."""
    keys: set[str] = set()
    for item_id, cluster_id, cluster_items in links:
        if cluster_id:
            keys.add(f"cluster {cluster_id}")
        for item in (item_id, *cluster_items) if item_id else tuple(cluster_items):
            keys.add(f"item {item}")
            if item in clusters:
                keys.add(f"cluster {clusters[item]}")
    return keys


def distinct_pairs(archive: Archive) -> set[frozenset[str]]:
    """Pairs of incidents a person has ruled are different events."""
    with archive.session() as session:
        rows = session.scalars(select(DistinctPairRow)).all()
        return {frozenset((incident_ref(r.first_id), incident_ref(r.second_id))) for r in rows}


def group_duplicates(
    incidents: list[Incident],
    clusters: dict[str, str],
    distinct: set[frozenset[str]],
) -> list[DuplicateGroup]:
    """Connected groups of incidents that share footage (pairs ruled distinct do not connect)."""
    from corroborate.match.grouping import DisjointSets  # match loads FAISS: only when asked

    keys = {inc.id: footage_keys(inc, clusters) for inc in incidents}
    sets = DisjointSets(inc.id for inc in incidents)
    shared: dict[str, set[str]] = {}
    # Only incidents listed under one key can share one: pairs are found per key, not by
    # comparing every incident with every other (100,000 incidents are 5e9 pairs).
    holding: dict[str, list[str]] = {}
    for inc in incidents:
        for key in keys[inc.id]:
            holding.setdefault(key, []).append(inc.id)
    seen: set[tuple[str, str]] = set()
    for members in holding.values():
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if (a, b) in seen:
                    continue
                seen.add((a, b))
                common = keys[a] & keys[b]
                if frozenset((a, b)) not in distinct:
                    sets.union(a, b)
                    shared.setdefault(a, set()).update(common)
                    shared.setdefault(b, set()).update(common)
    out = []
    for members in sets.groups().values():
        if len(members) > 1:
            common = set().union(*(shared.get(m, set()) for m in members))
            out.append(DuplicateGroup(tuple(sorted(members)), tuple(sorted(common))))
    return sorted(out, key=lambda g: g.incidents)


def possible_duplicates(archive: Archive) -> list[DuplicateGroup]:
    """Every group of unmerged incidents that may be the same event."""
    incidents = list_incidents(archive)
    return group_duplicates(incidents, item_clusters(archive), distinct_pairs(archive))


def mark_distinct(
    archive: Archive, first: str, second: str, *, actor: Actor, note: str | None = None
) -> None:
    """Rule that two incidents sharing footage are different events, so both count."""
    actor = require(actor, "edit")
    if not (note and note.strip()):
        raise InputError("say why the two incidents are different events (--note)")
    if parse_ref(first) == parse_ref(second):
        raise InputError("an incident cannot be distinct from itself")
    with archive.write() as session:
        a, b = writable(session, first), writable(session, second)
        session.add(
            DistinctPairRow(
                first_id=a.id, second_id=b.id, note=note, marked_at=utcnow(), marked_by=actor
            )
        )
        for row, other in ((a, b), (b, a)):
            log_incident(
                session,
                row,
                actor=actor,
                action="incident.distinct",
                details={"distinct_from": incident_ref(other.id), "note": note},
            )
