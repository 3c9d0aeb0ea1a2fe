"""Searching an archive for shared footage: a query's searched views nominate candidates
from the signal's index, temporal verification confirms them, and the matches found at
ingest (or `rehash`) are stored with their signal, threshold and distances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select

from corroborate.archive.workers import Workers
from corroborate.errors import CorroborateError, InputError, InternalError, NotFoundError
from corroborate.match.clusters import clusters
from corroborate.match.index import item_name
from corroborate.match.models import MatchRow, SignatureRow
from corroborate.match.signal import FileSignature, SignalIndex, matching_signal
from corroborate.match.signature import (
    current_index,
    full_signature,
    load_signature,
    store_signature,
)
from corroborate.match.temporal import Match, match_signatures

if TYPE_CHECKING:
    from corroborate.storage.archive import Archive


# A query hash that hits more distinct items than this is generic (black, sky, smoke,
# a studio logo card) and is not allowed to nominate candidates.
STOP_ITEMS = 20
# Distinct query sample times that must hit an item before it is verified in full.
MIN_CANDIDATE_TIMES = 3


def retrieval_rows(query: FileSignature) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, times) a query searches the index with: the views its signal searches with,
    one query sample a second. Nominating candidates needs only a few hits; verification
    then uses every row.
    """
    signal = query.signal_type
    usable = query.usable() & signal.searched(query)
    if query.kind == "video" and query.has_query_views:
        qtimes = np.unique(query.times[usable & query.query_rows()])
        keep_times = qtimes[:: max(1, round(signal.query_rate))]
        usable &= np.isin(query.times, keep_times)
    hashes, first = np.unique(query.hashes[usable], axis=0, return_index=True)
    return hashes, query.times[usable][first]


def query_hashes(query: FileSignature) -> np.ndarray:
    """The distinct hashes a query searches the index with."""
    return retrieval_rows(query)[0]


def _candidates(index: SignalIndex, query: FileSignature, exclude: set[str]) -> list[str]:
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
    out.sort(key=lambda m: (-m.score, m.item_id or ""))  # ties by id: not by index order
    return out


def matches_for_signature(
    archive: Archive, query: FileSignature, *, query_id: str | None = None
) -> list[Match]:
    """Archived items that share footage with a full (query-view) signature."""
    exclude = {query_id} if query_id else set()
    with current_index(archive, query.signal_type) as index:
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


def after_ingest(
    archive: Archive, item_ids: list[str], hashed: dict[str, FileSignature] | None = None
) -> list[Match]:
    """After the ingest commit: match the new items, store the matches, update the index.

    `hashed`: full signatures of these items already computed (by a worker), so that the
    writer does not decode the files again."""
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
        sig = (hashed or {}).get(item_id) or _item_signature(archive, item)
        matches = matches_for_signature(archive, sig, query_id=item_id)
        matches = [m.with_ids(query_name=item.original_name) for m in matches]
        if matches:
            _store_matches(archive, item_id, matches)
        found.extend(matches)
    with current_index(archive):  # this process's copy holds them before the next query
        pass
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


@dataclass(frozen=True)
class HashTask:
    """One archived blob for a worker to hash."""

    item_id: str
    sha256: str
    kind: str


def hash_blob(blob_url: str, task: HashTask) -> tuple[FileSignature | None, str | None]:
    """A blob's full signature, on a worker that reads it from the blob store (no database);
    a file that cannot be decoded gives its error, for the writer to raise as `rehash` does."""
    from corroborate.storage.blobs import BlobStore

    try:
        with BlobStore(blob_url).fetched(task.sha256) as path:
            return full_signature(path, task.kind), None
    except CorroborateError as exc:
        return None, f"{task.item_id}: {exc}"


def _hash_lost(task: HashTask, why: str) -> tuple[FileSignature | None, str | None]:
    return None, f"{task.item_id}: not hashed ({why})"


def rehash(
    archive: Archive,
    *,
    progress: Callable[[int, int], None] | None = None,
    actor: str = "corroborate",
    workers: Workers[Any] | None = None,
) -> RehashReport:
    """Hash videos and images archived before matching existed (or under an older signal),
    then match them; says how many items were hashed and what now shares footage.
    Each signature stored is a custody entry (`match.rehash`: signal, rows and the SHA-256
    of the stored bytes), since matches and "earliest copy" rest on it.
    `progress(done, total)` is told after each item. `workers`: where the hashing runs (by
    default on every core of this machine); the signatures are stored here, in order."""
    from corroborate.archive.models import ItemRow
    from corroborate.custody import log

    signal = matching_signal()
    with archive.session() as session:
        done = set(
            session.scalars(
                select(SignatureRow.item_id).where(
                    SignatureRow.signal == signal.name, SignatureRow.version == signal.version
                )
            )
        )
        rows = [
            i
            for i in session.scalars(
                select(ItemRow)
                .where(ItemRow.kind.in_(("video", "image")), ItemRow.media_readable.is_(True))
                .order_by(ItemRow.archived_at)
            )
            if i.id not in done
        ]
        todo = [(i.id, i.sha256, i.kind) for i in rows]
        size = sum(i.size for i in rows)
    found: list[Match] = []
    workers = workers or Workers()
    tasks = [HashTask(*t) for t in todo]
    if workers.runs_here(len(tasks), size):
        hashed: Iterator[tuple[FileSignature | None, str | None]] = (
            (full_signature(archive.blobs.local_path(t.sha256), t.kind), None) for t in tasks
        )
    else:
        hashed = workers.map(hash_blob, archive.blob_url, tasks, _hash_lost)
    for count, ((item_id, sha, _), (sig, error)) in enumerate(zip(todo, hashed, strict=True), 1):
        if error is not None:
            raise CorroborateError(error)
        if sig is not None:
            with archive.write() as session:
                digest = store_signature(session, item_id, sig)
                log.append(
                    session,
                    actor=actor,
                    action="match.rehash",
                    subject_sha256=sha,
                    details={
                        "item": item_id,
                        "signal": sig.signal,
                        "rows": int((~sig.query_rows()).sum()),
                        "signature_sha256": digest,
                    },
                )
            found.extend(after_ingest(archive, [item_id], {item_id: sig}))
        if progress:
            progress(count, len(todo))
    return RehashReport(len(todo), found)


__all__ = [
    "MIN_CANDIDATE_TIMES",
    "STOP_ITEMS",
    "RehashReport",
    "after_ingest",
    "find_matches",
    "matches_for_signature",
    "query_hashes",
    "rehash",
    "retrieval_rows",
]
