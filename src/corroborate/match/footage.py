"""Matching inside an archive: storing signatures at ingest, updating the index, finding
what a file or item shares footage with, grouping items into pieces of footage (clusters)
with their earliest known upload, and hashing items archived before this feature.
"""

from __future__ import annotations

import re
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from corroborate.db import utcnow
from corroborate.errors import InputError, InternalError, NotFoundError
from corroborate.match.index import FrameIndex, item_name
from corroborate.match.models import ClusterItemRow, ClusterRow, MatchRow, SignatureRow
from corroborate.match.signal import SignalType, matching_signal
from corroborate.match.signature import FileSignature, signature_for_file
from corroborate.match.temporal import Match, Segment, match_signatures
from corroborate.match.views import MIRRORED, N_STORED, SEARCHED, SEARCHED_MIRRORED

if TYPE_CHECKING:
    from corroborate.storage.archive import Archive

# A query hash that hits more distinct items than this is generic (black, sky, smoke,
# a studio logo card) and is not allowed to nominate candidates.
STOP_ITEMS = 20
# Distinct query sample times that must hit an item before it is verified in full.
MIN_CANDIDATE_TIMES = 3

# Full signatures (with query views) of files just hashed, by path, so that the match after
# an ingest does not decode the file a second time.
_recent: OrderedDict[str, FileSignature] = OrderedDict()


def _remember(path: Path, sig: FileSignature) -> None:
    _recent[str(Path(path).resolve())] = sig
    while len(_recent) > 4:
        _recent.popitem(last=False)


def full_signature(path: Path, kind: str) -> FileSignature | None:
    """signature_for_file, remembered for the match that follows an ingest."""
    key = str(Path(path).resolve())
    if key in _recent:
        return _recent[key]
    sig = signature_for_file(path, kind)
    if sig is not None:
        _remember(path, sig)
    return sig


# -- storing ------------------------------------------------------------------------------
def store_signature(session: Session, item_id: str, sig: FileSignature) -> None:
    """Store an item's stored views (inside the ingest transaction)."""
    signal = sig.signal_type
    stored = sig.stored()
    row = session.scalar(
        select(SignatureRow).where(
            SignatureRow.item_id == item_id,
            SignatureRow.signal == signal.name,
            SignatureRow.version == signal.version,
        )
    )
    if row is None:
        row = SignatureRow(item_id=item_id, signal=signal.name, version=signal.version)
        session.add(row)
    row.kind = sig.kind
    row.duration = sig.duration
    row.rows = len(stored)
    row.data = stored.to_bytes()
    session.flush()


def load_signature(
    session: Session, item_id: str, signal: SignalType | None = None
) -> FileSignature | None:
    """An item's stored signature, or None if it has none under this signal (by default
    the one archives are matched with)."""
    signal = signal or matching_signal()
    row = session.scalar(
        select(SignatureRow).where(
            SignatureRow.item_id == item_id,
            SignatureRow.signal == signal.name,
            SignatureRow.version == signal.version,
        )
    )
    return None if row is None else FileSignature.from_bytes(row.data)


def frame_index(archive: Archive, signal: SignalType | None = None) -> FrameIndex:
    return (signal or matching_signal()).index(archive.dir / "match")


def sync_index(archive: Archive, signal: SignalType | None = None) -> int:
    """Append every stored signature not yet in the index; returns items added."""
    signal = signal or matching_signal()
    with frame_index(archive, signal).locked() as index:
        have = index.items()
        with archive.session() as session:
            rows = session.execute(
                select(SignatureRow.item_id, SignatureRow.data).where(
                    SignatureRow.signal == signal.name, SignatureRow.version == signal.version
                )
            ).all()
        added = 0
        for item_id, data in rows:
            if item_id not in have:
                index.add(item_id, FileSignature.from_bytes(data))
                added += 1
        if added:
            index.save()
        return added


# -- matching -----------------------------------------------------------------------------
def retrieval_rows(query: FileSignature) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, times) a query searches the index with: the searched views (fewer for mirror
    images), one sample a second. Nominating candidates needs only a few hits; verification
    then uses every row.
    """
    usable = query.usable()
    if query.kind == "video" and query.has_query_views:
        base = query.views % MIRRORED
        usable &= np.where(query.views >= MIRRORED, SEARCHED_MIRRORED[base], SEARCHED[base])
        qtimes = np.unique(query.times[usable & (query.views >= N_STORED)])
        keep_times = qtimes[:: max(1, round(query.signal_type.query_rate))]
        usable &= np.isin(query.times, keep_times)
    hashes, first = np.unique(query.hashes[usable], axis=0, return_index=True)
    return hashes, query.times[usable][first]


def query_hashes(query: FileSignature) -> np.ndarray:
    """The distinct hashes a query searches the index with."""
    return retrieval_rows(query)[0]


def _candidates(index: FrameIndex, query: FileSignature, exclude: set[str]) -> list[str]:
    """Items whose indexed views are hit by enough distinct query times."""
    signal = query.signal_type
    hashes, times = retrieval_rows(query)
    threshold = signal.image_threshold if query.kind == "image" else signal.threshold
    hits = index.search(hashes, threshold)
    if len(hits.items) == 0:
        return []
    # stop hashes: query rows that hit too many distinct items
    pairs = np.unique(np.stack([hits.query_rows, hits.items], axis=1), axis=0)
    per_row = np.bincount(pairs[:, 0], minlength=len(hashes))
    ok = per_row[hits.query_rows] <= STOP_ITEMS
    seen: dict[int, set[float]] = defaultdict(set)
    best: dict[int, int] = {}
    for row, item, d in zip(hits.query_rows[ok], hits.items[ok], hits.distances[ok], strict=True):
        seen[int(item)].add(float(times[row]))
        best[int(item)] = min(best.get(int(item), signal.bits), int(d))
    need = 1 if query.kind == "image" else MIN_CANDIDATE_TIMES
    # a still in the archive can only be hit at one time: let a close hit nominate it
    found = [
        item_name(item)
        for item, ts in sorted(seen.items(), key=lambda kv: -len(kv[1]))
        if len(ts) >= need or best[item] <= signal.image_threshold
    ]
    return [i for i in found if i not in exclude]


def _verify(
    archive: Archive, query: FileSignature, candidates: list[str], query_id: str | None
) -> list[Match]:
    from corroborate.archive.models import ItemRow

    out: list[Match] = []
    with archive.session() as session:
        for item_id in candidates:
            if item_id == query_id:
                continue
            cand = load_signature(session, item_id, query.signal_type)
            if cand is None:
                continue
            m = match_signatures(query, cand)
            if m is None:
                continue
            item = session.get(ItemRow, item_id)
            out.append(
                m.with_ids(
                    item_id=item_id, name=item.original_name if item else None, query_id=query_id
                )
            )
    out.sort(key=lambda m: -m.score)
    return out


def matches_for_signature(
    archive: Archive, query: FileSignature, *, query_id: str | None = None
) -> list[Match]:
    """Archived items that share footage with a full (query-view) signature."""
    sync_index(archive, query.signal_type)
    index = frame_index(archive, query.signal_type).load()
    exclude = {query_id} if query_id else set()
    candidates = _candidates(index, query, exclude)
    return _verify(archive, query, candidates, query_id)


def _resolve_item(archive: Archive, ref: str) -> Any:
    from corroborate.archive.models import ItemRow

    ref = ref.strip().lower()
    with archive.session() as session:
        if len(ref) >= 4 and all(c in "0123456789abcdef" for c in ref):
            rows = list(session.scalars(select(ItemRow).where(ItemRow.id.startswith(ref[:12]))))
            if len(ref) > 12:
                rows = [r for r in rows if r.sha256.startswith(ref)]
            rows = [r for r in rows if r.id == ref] or rows  # an id as shown names its item
            if len(rows) == 1:
                return rows[0]
            if len(rows) > 1:
                raise InputError(f"{ref}: matches {len(rows)} items; give more characters")
    return None


def _item_signature(archive: Archive, item: Any) -> FileSignature:
    if item.kind not in ("video", "image"):
        raise InputError(f"{item.id} is a {item.kind}; only videos and images are matched")
    sig = full_signature(archive.blobs.local_path(item.sha256), item.kind)
    if sig is None:  # no signal hashes this kind
        raise InputError(f"{item.id} is a {item.kind}; only videos and images are matched")
    return sig


def find_matches(archive: Archive, path_or_item_id: str | Path) -> list[Match]:
    """Archived items that share footage with a file (archived or not) or an archived item."""
    from corroborate.media.detect import detect_kind

    ref = str(path_or_item_id)
    path = Path(ref)
    if path.is_file():
        kind, _ = detect_kind(path)
        if kind not in ("video", "image"):
            raise InputError(f"{path}: a {kind} file; only videos and images are matched")
        sig = full_signature(path, kind)
        if sig is None:  # no signal hashes this kind
            raise InputError(f"{path}: a {kind} file; only videos and images are matched")
        return matches_for_signature(archive, sig)
    item = _resolve_item(archive, ref)
    if item is None:
        raise NotFoundError(f"{ref}: no such file, and no archived item with that id")
    return matches_for_signature(archive, _item_signature(archive, item), query_id=item.id)


def _store_matches(archive: Archive, query_id: str, matches: list[Match]) -> None:
    with archive.write() as session:
        for m in matches:
            if m.item_id is None:  # matches_for_signature names every archived item it finds
                raise InternalError(f"a match for {query_id} names no archived item")
            row = session.scalar(
                select(MatchRow).where(
                    MatchRow.query_id == query_id,
                    MatchRow.item_id == m.item_id,
                    MatchRow.signal == m.signal,
                )
            )
            if row is None:
                row = MatchRow(query_id=query_id, item_id=m.item_id, signal=m.signal)
                session.add(row)
            d = m.as_dict()
            row.threshold = m.threshold
            row.score = m.score
            row.query_share = m.query_share
            row.item_share = m.item_share
            row.segments = [
                {
                    "query": [s.query_start, s.query_end],
                    "item": [s.item_start, s.item_end],
                    "speed": s.speed,
                    "hits": s.hits,
                    "median_distance": s.median_distance,
                }
                for s in m.segments
            ]
            row.distances = dict(d["distances"])  # type: ignore[call-overload]


def after_ingest(archive: Archive, item_ids: list[str]) -> list[Match]:
    """After the ingest commit: match the new items, store the matches, update the index."""
    from corroborate.archive.models import ItemRow

    found: list[Match] = []
    for item_id in item_ids:
        with archive.session() as session:
            item = session.get(ItemRow, item_id)
        if item is None or item.kind not in ("video", "image"):
            continue
        with archive.session() as session:
            if load_signature(session, item_id) is None:
                continue  # not hashed (unreadable media, or ingest --no-signatures)
        sig = _item_signature(archive, item)
        matches = matches_for_signature(archive, sig, query_id=item_id)
        matches = [m.with_ids(query_name=item.original_name) for m in matches]
        if matches:
            _store_matches(archive, item_id, matches)
        found.extend(matches)
    sync_index(archive)
    if found:
        clusters(archive)  # name pieces of footage as copies join them (singles: when asked)
    return found


@dataclass(frozen=True)
class RehashReport:
    """What `rehash` did: how many items it hashed and what now shares footage."""

    hashed: int
    matches: list[Match] = field(default_factory=list)

    def notes(self) -> list[str]:
        """One line per item that now shares footage with another: `A (name): shares ...`."""
        return [
            f"{m.query_id}" + (f" ({m.query_name})" if m.query_name else "") + f": {m.describe()}"
            for m in self.matches
        ]


def rehash(archive: Archive, *, progress: Callable[[int, int], None] | None = None) -> RehashReport:
    """Hash videos and images archived before matching existed (or under an older signal),
    then match them; says how many items were hashed and what now shares footage.
    `progress(done, total)` is told after each item."""
    from corroborate.archive.models import ItemRow

    signal = matching_signal()
    with archive.session() as session:
        done = set(
            session.scalars(
                select(SignatureRow.item_id).where(
                    SignatureRow.signal == signal.name, SignatureRow.version == signal.version
                )
            )
        )
        todo = [
            (i.id, i.sha256, i.kind)
            for i in session.scalars(
                select(ItemRow)
                .where(ItemRow.kind.in_(("video", "image")), ItemRow.media_readable.is_(True))
                .order_by(ItemRow.archived_at)
            )
            if i.id not in done
        ]
    found: list[Match] = []
    for count, (item_id, sha, kind) in enumerate(todo, 1):
        sig = full_signature(archive.blobs.local_path(sha), kind)
        if sig is not None:
            with archive.write() as session:
                store_signature(session, item_id, sig)
            found.extend(after_ingest(archive, [item_id]))
        if progress:
            progress(count, len(todo))
    return RehashReport(len(todo), found)


# -- clusters -----------------------------------------------------------------------------
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


@dataclass(frozen=True)
class Cluster:
    """A piece of footage: every archived copy, and the earliest known one."""

    id: str  # FC-0001: stable as copies arrive
    earliest: str
    items: list[ClusterItem] = field(default_factory=list)
    aliases: tuple[str, ...] = ()  # names of pieces of footage found to be this one

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "aliases": list(self.aliases),
            "earliest": self.earliest,
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


class _Sets:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        from datetime import UTC

        t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return t if t.tzinfo else t.replace(tzinfo=UTC)
    except ValueError:
        return None


def _computed(archive: Archive) -> list[list[ClusterItem]]:
    """Every piece of footage as computed from the stored matches, copies earliest first."""
    from corroborate.archive.models import ItemRow, SightingRow

    with archive.session() as session:
        items = {
            i.id: i
            for i in session.scalars(select(ItemRow).where(ItemRow.kind.in_(("video", "image"))))
        }
        durations = dict(session.execute(select(SignatureRow.item_id, SignatureRow.duration)).all())
        published: dict[str, datetime] = {}
        for item_id, at in session.execute(
            select(SightingRow.item_id, SightingRow.published_at).where(
                SightingRow.published_at.is_not(None)
            )
        ):
            if at is not None and (item_id not in published or at < published[item_id]):
                published[item_id] = at
        links = list(session.scalars(select(MatchRow)))

    # ranges of each item held in common with each neighbour
    shared: dict[str, dict[str, list[list[float]]]] = defaultdict(lambda: defaultdict(list))
    for link in links:
        if link.query_id not in items or link.item_id not in items:
            continue
        for seg in link.segments:
            shared[link.query_id][link.item_id].append(list(seg["query"]))
            shared[link.item_id][link.query_id].append(list(seg["item"]))
    linked = {(a, b) for a in shared for b in shared[a]}

    # a compilation holds footage of neighbours that are not linked and sit in separate parts
    groups_of: dict[str, list[list[str]]] = {}
    for x, nbrs in shared.items():
        sets = _Sets()
        names = list(nbrs)
        for i, a in enumerate(names):
            sets.find(a)
            for b in names[i + 1 :]:
                if (a, b) in linked or _overlap(nbrs[a], nbrs[b]) > 0.5:
                    sets.join(a, b)
        groups: dict[str, list[str]] = defaultdict(list)
        for a in names:
            groups[sets.find(a)].append(a)
        if len(groups) > 1:
            groups_of[x] = list(groups.values())

    sets = _Sets()
    for x in items:
        sets.find(x)
    for a, b in linked:
        if a not in groups_of and b not in groups_of:
            sets.join(a, b)
    members: dict[str, list[str]] = defaultdict(list)
    for x in items:
        if x not in groups_of:
            members[sets.find(x)].append(x)
    # compilations: one entry in each piece of footage they hold
    placed: dict[str, list[tuple[str, list[list[float]]]]] = defaultdict(list)
    for x, held in groups_of.items():
        roots: dict[str, list[list[float]]] = defaultdict(list)
        for group in held:
            for n in group:
                root = sets.find(n) if n not in groups_of else None
                if root is not None:
                    roots[root].extend(shared[x][n])
        if not roots:
            members[x].append(x)
        for root, ranges in roots.items():
            placed[root].append((x, _union(ranges)))

    def known(x: str) -> datetime | None:
        times = [published.get(x), _parse_time(items[x].metadata_json.get("creation_time"))]
        found = [t for t in times if t is not None]
        return min(found) if found else None

    def entry(x: str, ranges: list[list[float]] | None, compilation: bool) -> ClusterItem:
        item = items[x]
        if ranges is None:
            own = [r for n, rs in shared.get(x, {}).items() for r in rs]
            ranges = _union(own) if own else [[0.0, round(durations.get(x, 0.0), 2)]]
        return ClusterItem(
            x, item.sha256, item.original_name, ranges, compilation, known(x), item.archived_at
        )

    result: list[list[ClusterItem]] = []
    for root in sorted(set(members) | set(placed)):
        entries = [entry(x, None, False) for x in members.get(root, [])]
        entries += [entry(x, r, True) for x, r in placed.get(root, [])]
        if not entries:
            continue

        def when(e: ClusterItem) -> tuple[datetime, int]:
            # archive time bounds when a copy existed; a source's date may be earlier
            times = [t for t in (e.known_time, e.archived_at) if t is not None]
            return (min(times), 0 if e.known_time else 1)

        entries.sort(key=when)
        result.append(entries)
    return result


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
    from corroborate.custody import log

    groups = _computed(archive)
    with archive.session() as session:
        chosen, changed, _ = _name_groups(session, groups, write=False)
        names = _stored_names(session)
    if changed:
        with archive.write() as session:
            _stored_names(session)  # takes the write lock; then recompute what others committed
            groups = _computed(archive)
            chosen, changed, details = _name_groups(session, groups, write=True)
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
        )
        for pk, entries in zip(chosen, groups, strict=True)
        if pk is not None
    ]
    result.sort(key=lambda c: (-len(c.items), c.id))
    return result


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
    "RehashReport",
    "cluster_members",
    "cluster_ref",
    "find_cluster",
    "footage_of",
    "parse_cluster_ref",
    "Segment",
    "after_ingest",
    "clusters",
    "find_matches",
    "load_signature",
    "rehash",
    "store_signature",
    "sync_index",
]
