"""Pieces of footage (clusters): every archived copy grouped from the stored matches, a
compilation placed in each piece it holds, the earliest known copy first, and names
(`FC-0001`) that stay put as copies arrive and are logged when given or merged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from corroborate.archive.telegram import PostCopy, post_copies
from corroborate.db import utcnow
from corroborate.errors import InternalError
from corroborate.match.grouping import DisjointSets
from corroborate.match.models import ClusterItemRow, ClusterRow, MatchRow, SignatureRow

if TYPE_CHECKING:
    from corroborate.storage.archive import Archive


@dataclass(frozen=True)
class ClusterItem:
    """One copy of a piece of footage and where the footage is in it (seconds)."""

    id: str
    sha256: str
    name: str
    ranges: list[list[float]]
    compilation: bool = False
    known_time: datetime | None = None
    archived_at: datetime | None = None
    known_by: str = ""  # what the copy's time rests on: a post date, a forward chain, ...


Link = tuple[str, str]  # (query item, matched item) of a stored match


@dataclass(frozen=True)
class HeldLink:
    """A match that would join two pieces of footage that nothing else ties together: kept
    out of the clusters and shown for review, since one false link would otherwise make
    every copy of two events "the same footage"."""

    query_id: str
    item_id: str
    sides: tuple[tuple[str, ...], tuple[str, ...]]  # the copies on each side of it

    def as_dict(self) -> dict[str, Any]:
        return {
            "query_id": self.query_id,
            "item_id": self.item_id,
            "sides": [list(self.sides[0]), list(self.sides[1])],
        }

    def describe(self) -> str:
        a, b = self.sides
        return (
            f"{self.query_id} ~ {self.item_id}: would join {len(a)} and {len(b)} copies "
            "that share nothing else; held for review"
        )


@dataclass(frozen=True)
class Cluster:
    """A piece of footage: every archived copy, the earliest known one, and the matches
    that made it."""

    id: str  # FC-0001: stable as copies arrive
    earliest: str
    items: list[ClusterItem] = field(default_factory=list)
    aliases: tuple[str, ...] = ()  # names of pieces of footage found to be this one
    links: tuple[Link, ...] = ()  # the stored matches between its plain copies
    held: tuple[HeldLink, ...] = ()  # matches to another piece of footage, held for review

    @property
    def earliest_by(self) -> str:
        """What made the earliest copy the earliest (post date, forward chain, archive time)."""
        return self.items[0].known_by if self.items else ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "aliases": list(self.aliases),
            "earliest": self.earliest,
            "earliest_by": self.earliest_by,
            "links": [list(link) for link in self.links],
            "held_for_review": [h.as_dict() for h in self.held],
            "items": [
                {
                    "id": i.id,
                    "sha256": i.sha256,
                    "name": i.name,
                    "ranges": i.ranges,
                    "compilation": i.compilation,
                }
                for i in self.items
            ],
        }


def _union(ranges: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 0.5:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [[round(a, 2), round(b, 2)] for a, b in out]


def _overlap(a: list[list[float]], b: list[list[float]]) -> float:
    inter = sum(max(0.0, min(x1, y1) - max(x0, y0)) for x0, x1 in a for y0, y1 in b)
    shorter = min(sum(x1 - x0 for x0, x1 in a), sum(y1 - y0 for y0, y1 in b))
    return inter / max(shorter, 1e-6)


# A neighbour whose footage covers this share of a file is a copy of the whole file.
WHOLE_COPY = 0.8


def _covered(ranges: list[list[float]]) -> float:
    return sum(b - a for a, b in _union([list(r) for r in ranges]))


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        from datetime import UTC

        t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return t if t.tzinfo else t.replace(tzinfo=UTC)
    except ValueError:
        return None


# Seconds a time mapping composed through a third copy may differ from the direct one.
MAPPING_TOLERANCE = 1.5


def _mappings(segments: list[dict[str, Any]]) -> list[tuple[float, float, float]]:
    """Each segment of a link as (speed, offset, query midpoint): item time = speed * query
    time + offset."""
    out = []
    for seg in segments:
        (q0, q1), (i0, _), speed = seg["query"], seg["item"], float(seg.get("speed", 1.0))
        out.append((speed, float(i0) - speed * float(q0), (float(q0) + float(q1)) / 2))
    return out


class _Mapped:
    """The time mappings of links, in both directions, and whether three copies agree."""

    def __init__(self) -> None:
        self.maps: dict[Link, list[tuple[float, float, float]]] = defaultdict(list)

    def add(self, a: str, b: str, segments: list[dict[str, Any]]) -> None:
        for speed, off, mid in _mappings(segments):
            self.maps[(a, b)].append((speed, off, mid))
            self.maps[(b, a)].append((1.0 / speed, -off / speed, speed * mid + off))

    def agree(self, a: str, b: str, c: str) -> bool:
        """Whether a -> c -> b places a's footage where a -> b does (within tolerance)."""
        for s_ab, o_ab, mid in self.maps[(a, b)]:
            for s_ac, o_ac, _ in self.maps[(a, c)]:
                for s_cb, o_cb, _ in self.maps[(c, b)]:
                    via = s_cb * (s_ac * mid + o_ac) + o_cb
                    if abs(via - (s_ab * mid + o_ab)) <= MAPPING_TOLERANCE:
                        return True
        return False


def _agreeing(linked: set[Link], mapped: _Mapped, nodes: set[str]) -> tuple[list[Link], list[Link]]:
    """Links among plain copies split into those that form footage and those held back.

    A link forms footage when another copy agrees with it (linked to both ends, with time
    mappings that compose) or when one end has no other link (a copy found once). The rest
    would join two groups only through themselves; each is held back unless the groups are
    joined by agreeing links anyway.
    """
    nbrs: dict[str, set[str]] = defaultdict(set)
    pairs = sorted({tuple(sorted(p)) for p in linked if p[0] in nodes and p[1] in nodes})
    for a, b in pairs:
        nbrs[a].add(b)
        nbrs[b].add(a)
    forming: list[Link] = []
    doubtful: list[Link] = []
    for a, b in pairs:
        leaf = len(nbrs[a]) == 1 or len(nbrs[b]) == 1
        if leaf or any(mapped.agree(a, b, c) for c in nbrs[a] & nbrs[b]):
            forming.append((a, b))
        else:
            doubtful.append((a, b))
    return forming, doubtful


@dataclass
class _Footage:
    """Pieces of footage as computed: copies earliest first, the links that formed each,
    and the links held back for review."""

    groups: list[list[ClusterItem]]
    links: list[tuple[Link, ...]]
    held: list[tuple[HeldLink, ...]]


def _computed(archive: Archive) -> _Footage:
    """Every piece of footage as computed from the stored matches, copies earliest first."""
    from corroborate.archive.models import ItemRow, SightingRow

    with archive.session() as session:
        items = {
            i.id: i
            for i in session.scalars(select(ItemRow).where(ItemRow.kind.in_(("video", "image"))))
        }
        durations = dict(session.execute(select(SignatureRow.item_id, SignatureRow.duration)).all())
        published: dict[str, tuple[datetime, str]] = {}
        for item_id, at, url, label in session.execute(
            select(
                SightingRow.item_id,
                SightingRow.published_at,
                SightingRow.url,
                SightingRow.source_label,
            ).where(SightingRow.published_at.is_not(None))
        ):
            if at is not None and (item_id not in published or at < published[item_id][0]):
                published[item_id] = (at, f"publication date of {url or label or 'a sighting'}")
        posts = post_copies(session)
        links = list(session.scalars(select(MatchRow)))

    # ranges of each item held in common with each neighbour
    shared: dict[str, dict[str, list[list[float]]]] = defaultdict(lambda: defaultdict(list))
    mapped = _Mapped()
    for link in links:
        if link.query_id not in items or link.item_id not in items:
            continue
        mapped.add(link.query_id, link.item_id, link.segments)
        for seg in link.segments:
            shared[link.query_id][link.item_id].append(list(seg["query"]))
            shared[link.item_id][link.query_id].append(list(seg["item"]))
    linked = {(a, b) for a in shared for b in shared[a]}

    # a compilation holds footage of neighbours that are not linked and sit in separate parts;
    # a copy of the whole compilation (a screen recording of it) spans those parts, and says
    # nothing about whether they are one piece of footage
    groups_of: dict[str, list[list[str]]] = {}
    for x, nbrs in shared.items():
        sets = DisjointSets()
        length = durations.get(x) or 0.0
        names = [
            n
            for n in nbrs
            if not length or _covered(nbrs[n]) < WHOLE_COPY * length or len(nbrs) < 3
        ]
        for i, a in enumerate(names):
            sets.find(a)
            for b in names[i + 1 :]:
                if (a, b) in linked or _overlap(nbrs[a], nbrs[b]) > 0.5:
                    sets.union(a, b)
        groups: dict[str, list[str]] = defaultdict(list)
        for a in names:
            groups[sets.find(a)].append(a)
        if len(groups) > 1:
            groups_of[x] = list(groups.values())

    sets = DisjointSets()
    for x in items:
        sets.find(x)
    forming, doubtful = _agreeing(linked, mapped, set(items) - set(groups_of))
    for a, b in forming:
        sets.union(a, b)
    made_by: dict[str, list[Link]] = defaultdict(list)
    for a, b in forming:
        made_by[sets.find(a)].append((a, b))
    held_by: dict[str, list[HeldLink]] = defaultdict(list)
    of_root: dict[str, list[str]] = defaultdict(list)
    for x in sorted(items):
        if x not in groups_of:
            of_root[sets.find(x)].append(x)
    directed = {(link.query_id, link.item_id) for link in links}
    for a, b in doubtful:
        ra, rb = sets.find(a), sets.find(b)
        if ra == rb:  # the two groups are one through links that agree
            made_by[ra].append((a, b))
            continue
        side_a, side_b = tuple(of_root[ra]), tuple(of_root[rb])
        query, item = (a, b) if (a, b) in directed else (b, a)
        review = HeldLink(query, item, (side_a, side_b) if query == a else (side_b, side_a))
        held_by[ra].append(review)
        held_by[rb].append(review)
    members: dict[str, list[str]] = defaultdict(list)
    for x in items:
        if x not in groups_of:
            members[sets.find(x)].append(x)
    # compilations: one entry in each piece of footage they hold
    placed: dict[str, list[tuple[str, list[list[float]]]]] = defaultdict(list)
    for x, holds in groups_of.items():
        roots: dict[str, list[list[float]]] = defaultdict(list)
        for group in holds:
            for n in group:
                root = sets.find(n) if n not in groups_of else None
                if root is not None:
                    roots[root].extend(shared[x][n])
        if not roots:
            members[x].append(x)
        for root, ranges in roots.items():
            placed[root].append((x, _union(ranges)))

    def known(x: str) -> tuple[datetime | None, str]:
        found: list[tuple[datetime, str]] = []
        if x in published:
            found.append(published[x])
        for p in posts.get(x, ()):
            found.append((p.posted_at, f"post date of {p.label}"))
            if p.forwarded_at is not None:  # the HTML form gives the original's date
                found.append(
                    (
                        p.forwarded_at,
                        f"forward chain: {p.label} forwarded it from {p.origin_label}, "
                        f"posted {p.forwarded_at:%Y-%m-%d %H:%M} UTC as the export says",
                    )
                )
        created = _parse_time(items[x].metadata_json.get("creation_time"))
        if created is not None:
            found.append((created, "creation time in the file's metadata"))
        if not found:
            return None, "archive time (no publication date known)"
        return min(found, key=lambda f: (f[0], not f[1].startswith("post date")))

    def entry(x: str, ranges: list[list[float]] | None, compilation: bool) -> ClusterItem:
        item = items[x]
        if ranges is None:
            own = [r for n, rs in shared.get(x, {}).items() for r in rs]
            ranges = _union(own) if own else [[0.0, round(durations.get(x, 0.0), 2)]]
        at, by = known(x)
        return ClusterItem(
            x, item.sha256, item.original_name, ranges, compilation, at, item.archived_at, by
        )

    result: list[list[ClusterItem]] = []
    result_links: list[tuple[Link, ...]] = []
    result_held: list[tuple[HeldLink, ...]] = []
    for root in sorted(set(members) | set(placed)):
        entries = [entry(x, None, False) for x in members.get(root, [])]
        entries += [entry(x, r, True) for x, r in placed.get(root, [])]
        if not entries:
            continue
        result_links.append(tuple(sorted(made_by.get(root, []))))
        result_held.append(tuple(held_by.get(root, [])))

        def when(e: ClusterItem) -> tuple[datetime, int]:
            # archive time bounds when a copy existed; a source's date may be earlier
            times = [t for t in (e.known_time, e.archived_at) if t is not None]
            return (min(times), 0 if e.known_time else 1)

        entries.sort(key=when)
        result.append(forwards_after_origins(entries, posts))
    return _Footage(result, result_links, result_held)


def forwards_after_origins(
    entries: list[ClusterItem], posts: dict[str, list[PostCopy]]
) -> list[ClusterItem]:
    """A forward is never earlier than its origin: a copy posted as a forward from a channel
    whose own post of this footage is archived comes after that copy, and says so."""
    from dataclasses import replace

    out = list(entries)
    for _ in range(len(out)):  # forward chains are short; stop when nothing moves
        moved = False
        for i, e in enumerate(out):
            origins = [
                (j, o, op)
                for j, o in enumerate(out)
                if o.id != e.id
                for p in posts.get(e.id, ())
                for op in posts.get(o.id, ())
                if p.forwards_from(op)
            ]
            if not origins:
                continue
            j, o, op = min(origins, key=lambda t: t[0])
            forward = next(p for p in posts[e.id] if p.forwards_from(op))
            by = f"forward chain: {forward.label} forwarded it from {op.label} ({o.id})"
            at = (
                max(t for t in (e.known_time, o.known_time) if t is not None)
                if (e.known_time or o.known_time)
                else None
            )
            if e.known_by != by:
                out[i] = e = replace(e, known_by=by, known_time=at)
            if j > i:
                note = f"; {forward.label} is a forward of it, so later whatever its date"
                if note not in o.known_by:
                    out[j] = replace(o, known_by=o.known_by + note)
                out.insert(j, out.pop(i))
                moved = True
                break
        if not moved:
            break
    return out


def cluster_ref(pk: int) -> str:
    """The public name of a piece of footage."""
    return f"FC-{pk:04d}"


_CLUSTER_REF = re.compile(r"^fc-?0*(\d+)$", re.IGNORECASE)


def parse_cluster_ref(ref: str) -> int | None:
    """The key of `FC-0001` (or `fc-1`), or None when `ref` is not a cluster name."""
    m = _CLUSTER_REF.match(str(ref).strip())
    return int(m[1]) if m else None


@dataclass
class _Names:
    """The names stored for pieces of footage: aliases and who holds which item."""

    into: dict[int, int | None]
    held: dict[str, set[int]]  # item -> current names of the clusters it is a plain copy in
    rows: set[tuple[int, str, bool]]  # (cluster, item, compilation) as stored

    def current(self, pk: int) -> int:
        seen = set()
        while (nxt := self.into.get(pk)) is not None and pk not in seen:
            seen.add(pk)
            pk = nxt
        return pk

    def aliases(self) -> dict[int, tuple[str, ...]]:
        """Every current name and the older names that resolve to it."""
        out: dict[int, list[str]] = defaultdict(list)
        for a in sorted(self.into):
            if self.into[a] is not None:
                out[self.current(a)].append(cluster_ref(a))
        return {k: tuple(v) for k, v in out.items()}


def _stored_names(session: Session) -> _Names:
    into = dict(session.execute(select(ClusterRow.id, ClusterRow.merged_into_id)).all())
    names = _Names(into, defaultdict(set), set())
    for cid, item_id, comp in session.execute(
        select(ClusterItemRow.cluster_id, ClusterItemRow.item_id, ClusterItemRow.compilation)
    ):
        names.rows.add((cid, item_id, bool(comp)))
        if not comp:
            names.held[item_id].add(names.current(cid))
    return names


def _name_groups(
    session: Session, groups: list[list[ClusterItem]], *, write: bool
) -> tuple[list[int | None], bool, dict[str, Any]]:
    """A stored name for each computed piece of footage: the name its copies already had (the
    oldest, when copies of two named pieces now join: the other becomes its alias), else a new
    one. Returns the names (None: would be new), whether anything changes, and what changed."""
    names = _stored_names(session)
    wanted = [
        sorted({pk for e in g if not e.compilation for pk in names.held.get(e.id, ())})
        for g in groups
    ]
    claims: dict[int, int] = defaultdict(int)
    for cands in wanted:
        for pk in cands:
            claims[pk] += 1

    def first_archived(i: int) -> float:
        times = [e.archived_at.timestamp() for e in groups[i] if e.archived_at is not None]
        return min(times) if times else float("inf")

    # named pieces first (oldest name first), then new ones in the order they were archived
    order = sorted(
        range(len(groups)),
        key=lambda i: (wanted[i][0] if wanted[i] else 1 << 60, first_archived(i), i),
    )
    taken: set[int] = set()
    chosen: list[int | None] = [None] * len(groups)
    merged: list[tuple[int, int]] = []
    formed: list[int] = []
    for i in order:
        free = [pk for pk in wanted[i] if pk not in taken]
        if free:
            keep = free[0]
            for other in free[1:]:
                if claims[other] == 1:  # only this piece of footage holds it: one and the same
                    merged.append((other, keep))
                    taken.add(other)
        elif write:
            row = ClusterRow()
            session.add(row)
            session.flush()
            keep = row.id
            formed.append(keep)
        else:
            continue
        chosen[i] = keep
        taken.add(keep)
    desired = {
        (pk, e.id, e.compilation)
        for pk, g in zip(chosen, groups, strict=True)
        for e in g
        if pk is not None
    }
    changed = bool(merged) or None in chosen or desired != names.rows
    details: dict[str, Any] = {}
    if write and changed:
        now = utcnow()
        for other, keep in merged:
            alias = session.get(ClusterRow, other)
            if alias is None:  # read in this same write transaction a moment ago
                raise InternalError(f"footage cluster {other} vanished while clusters were named")
            alias.merged_into_id, alias.merged_at = keep, now
        for pk, item_id, comp in names.rows - desired:
            session.execute(
                delete(ClusterItemRow).where(
                    ClusterItemRow.cluster_id == pk,
                    ClusterItemRow.item_id == item_id,
                    ClusterItemRow.compilation == comp,
                )
            )
        session.flush()
        for pk, item_id, comp in sorted(desired - names.rows):
            session.add(ClusterItemRow(cluster_id=pk, item_id=item_id, compilation=comp))
        touched = {pk for pk, _, _ in desired ^ names.rows} | {k for _, k in merged}
        details = {
            "formed": [cluster_ref(pk) for pk in formed],
            "merged": [{"cluster": cluster_ref(a), "into": cluster_ref(b)} for a, b in merged],
            "members": {
                cluster_ref(pk): sorted(e.id for e in g)
                for pk, g in zip(chosen, groups, strict=True)
                if pk in touched
            },
        }
    return chosen, changed, details


def clusters(archive: Archive) -> list[Cluster]:
    """Every piece of footage with all its copies; a compilation is listed in each piece of
    footage it holds (with its time ranges), every other video or image in exactly one.

    Each piece of footage keeps the name (`FC-0001`) it got when first formed, however many
    copies arrive; when two named pieces turn out to be one, the older name is kept and the
    other resolves to it (`aliases`). Names given or changed are written to the custody log.
    """
    # Kept while the database is unchanged: every item page, tally and upload row asks.
    return list(archive.cached(("footage clusters",), lambda: _clusters(archive)))


def _clusters(archive: Archive) -> list[Cluster]:
    from corroborate.custody import log

    footage = _computed(archive)
    with archive.session() as session:
        chosen, changed, _ = _name_groups(session, footage.groups, write=False)
        names = _stored_names(session)
    if changed:
        with archive.write() as session:
            _stored_names(session)  # takes the write lock; then recompute what others committed
            footage = _computed(archive)
            chosen, changed, details = _name_groups(session, footage.groups, write=True)
            if changed:
                log.append(session, actor="corroborate", action="footage.clusters", details=details)
            session.flush()
            names = _stored_names(session)
    aliases = names.aliases()
    result = [
        Cluster(
            id=cluster_ref(pk),
            earliest=entries[0].id,
            items=entries,
            aliases=aliases.get(pk, ()),
            links=made,
            held=held,
        )
        for pk, entries, made, held in zip(
            chosen, footage.groups, footage.links, footage.held, strict=True
        )
        if pk is not None
    ]
    result.sort(key=lambda c: (-len(c.items), c.id))
    return result


def held_links(archive: Archive) -> list[HeldLink]:
    """Every match held out of the clusters for review: each would join two pieces of
    footage that share nothing else."""
    seen: dict[Link, HeldLink] = {}
    for c in clusters(archive):
        for h in c.held:
            seen[(h.query_id, h.item_id)] = h
    return [seen[k] for k in sorted(seen)]


def find_cluster(archive: Archive, ref: str) -> Cluster | None:
    """The piece of footage a name means now (`FC-0002` merged into `FC-0001` is FC-0001)."""
    if parse_cluster_ref(ref) is None:
        return None
    wanted = cluster_ref(parse_cluster_ref(ref) or 0)
    for cluster in clusters(archive):
        if cluster.id == wanted or wanted in cluster.aliases:
            return cluster
    return None


def footage_of(archive: Archive, item_id: str) -> list[Cluster]:
    """The pieces of footage an item is a copy of (a compilation: each it holds)."""
    return [c for c in clusters(archive) if any(i.id == item_id for i in c.items)]


def cluster_members(archive: Archive) -> tuple[dict[str, str], dict[str, list[str]]]:
    """As stored, without recomputing: the current name of every cluster name (aliases
    included), and the items of each current cluster."""
    with archive.session() as session:
        names = _stored_names(session)
        current = {cluster_ref(pk): cluster_ref(names.current(pk)) for pk in names.into}
        members: dict[str, list[str]] = defaultdict(list)
        for pk, item_id, _ in sorted(names.rows):
            members[cluster_ref(names.current(pk))].append(item_id)
    return current, dict(members)


__all__ = [
    "Cluster",
    "ClusterItem",
    "HeldLink",
    "held_links",
    "cluster_members",
    "cluster_ref",
    "clusters",
    "find_cluster",
    "footage_of",
    "parse_cluster_ref",
]
