"""What an item's footage is already part of: every other archived copy (with where the footage
is in it) and every incident that the footage, or one of its copies, is evidence of. An upload's
row and the item page show this so that a repost of documented footage cannot go unnoticed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corroborate.incidents.records import list_incidents
from corroborate.match import Cluster, ClusterItem, footage_of
from corroborate.storage.archive import Archive


@dataclass(frozen=True)
class EvidenceOf:
    """An incident the footage is evidence of, and what its evidence links (`through`: the
    cluster `FC-0001` or one copy's item id)."""

    incident: str  # INC-0001
    title: str
    status: str
    through: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "incident": self.incident,
            "title": self.title,
            "status": self.status,
            "through": self.through,
        }


@dataclass(frozen=True)
class SharedFootage:
    """One piece of footage an item is a copy of: the item's own time ranges in it, the other
    copies, and the incidents any of them (or the cluster) is evidence of."""

    cluster: Cluster
    item: str
    ranges: list[list[float]]
    others: tuple[ClusterItem, ...]
    incidents: tuple[EvidenceOf, ...]

    @property
    def id(self) -> str:
        return self.cluster.id

    @property
    def earliest(self) -> str:
        return self.cluster.earliest

    @property
    def items(self) -> list[ClusterItem]:
        return self.cluster.items

    @property
    def shared(self) -> bool:
        """True when other archived items hold this footage too (what an alert is for)."""
        return bool(self.others)

    def incidents_of(self, item_id: str) -> list[EvidenceOf]:
        """The incidents whose evidence names this copy itself."""
        return [e for e in self.incidents if e.through == item_id]

    def as_dict(self) -> dict[str, Any]:
        """The cluster as `clusters --json` shows it, with its incidents, each copy's own."""
        shown = self.cluster.as_dict()
        for entry in shown["items"]:
            entry["incidents"] = [e.incident for e in self.incidents_of(entry["id"])]
        shown["incidents"] = [e.as_dict() for e in self.incidents]
        return shown


def item_footage(archive: Archive, item_id: str) -> list[SharedFootage]:
    """Each piece of footage the item is a copy of (a compilation: each it holds; a video or
    still with no other copy: its own), with its other copies and the incidents (not merged
    away) that the footage or any copy is evidence of."""
    found = footage_of(archive, item_id)
    if not found:
        return []
    incidents = list_incidents(archive)
    shared = []
    for cluster in found:
        names = {cluster.id, *cluster.aliases}
        copies = {i.id for i in cluster.items}
        links: list[EvidenceOf] = []
        for incident in incidents:
            for ev in incident.evidence:
                through = None
                if ev.cluster_id in names:
                    through = cluster.id
                elif ev.item_id in copies:
                    through = ev.item_id
                if through is not None:
                    link = EvidenceOf(incident.id, incident.title, incident.status, through)
                    if link not in links:
                        links.append(link)
        own = [i for i in cluster.items if i.id == item_id]
        shared.append(
            SharedFootage(
                cluster=cluster,
                item=item_id,
                ranges=own[0].ranges if own else [],
                others=tuple(i for i in cluster.items if i.id != item_id),
                incidents=tuple(links),
            )
        )
    return shared


def shared_footage(archive: Archive, item_id: str) -> list[SharedFootage]:
    """Only the footage the item shares with other archived items (what is to be told)."""
    return [s for s in item_footage(archive, item_id) if s.shared]


__all__ = ["EvidenceOf", "SharedFootage", "item_footage", "shared_footage"]
