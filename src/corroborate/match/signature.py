"""A file's signature in the archive: computed under the matching signal (and remembered
for the match that follows an ingest), stored in the database beside its signal's key, and
added to the signal's index.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corroborate.errors import InternalError
from corroborate.match.models import SignatureRow
from corroborate.match.signal import FileSignature, SignalIndex, SignalType, matching_signal

if TYPE_CHECKING:
    from corroborate.storage.archive import Archive


def signature_for_file(
    path: Path, kind: str, *, threads: int = 0, signal: SignalType | None = None
) -> FileSignature | None:
    """The signature of a video or image file under `signal` (by default the one archives
    are matched with); None for other kinds.

    Raises MediaError when the file cannot be decoded: an empty signature would silently
    hide the item from every future match.
    """
    return (signal or matching_signal()).hash_file(Path(path), kind, threads=threads)


# Full signatures (with query views) of files just hashed, by path, so that the match after
# an ingest does not decode the file a second time.
_recent: OrderedDict[str, FileSignature] = OrderedDict()


def _remember(path: Path, sig: FileSignature) -> None:
    _recent[str(Path(path).resolve())] = sig
    while len(_recent) > 4:
        _recent.popitem(last=False)


def remember(path: Path, sig: FileSignature) -> None:
    """Keep a full signature computed elsewhere (another process) for the match that follows."""
    _remember(path, sig)


def full_signature(path: Path, kind: str) -> FileSignature | None:
    """signature_for_file, remembered for the match that follows an ingest."""
    key = str(Path(path).resolve())
    if key in _recent:
        return _recent[key]
    sig = signature_for_file(path, kind)
    if sig is not None:
        _remember(path, sig)
    return sig


def store_signature(session: Session, item_id: str, sig: FileSignature) -> str:
    """Store an item's stored views (inside the caller's write transaction); returns the
    SHA-256 of the stored bytes, for the custody entry that records them."""
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
    return hashlib.sha256(row.data).hexdigest()


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


def frame_index(archive: Archive, signal: SignalType | None = None) -> SignalIndex:
    """The copy on this machine's disk of a signal's index (unloaded): a cache, see
    `current_index`."""
    return (signal or matching_signal()).index(archive.dir / "match")


# A process writes the index it holds to the disk cache at most this often.
CACHE_SAVE_S = 60.0


@dataclass
class _Held:
    """The index one process holds, and which items it holds."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    index: SignalIndex | None = None
    items: set[str] = field(default_factory=set)
    token: str | None = None
    saved_at: float = 0.0
    unsaved: bool = False


@contextlib.contextmanager
def current_index(archive: Archive, signal: SignalType | None = None) -> Iterator[SignalIndex]:
    """A signal's index as this process holds it, brought up to date from the database first,
    held for the caller alone (no other thread adds to it while it is searched).

    The signatures stored in the database are the index's truth: every process (web workers,
    ingest workers, on any machine) adds what others stored since it last looked, so all see
    the same matches. The copy under the archive folder (`frame_index`) is a cache that saves
    a starting process the work of adding every signature: it is read once, brought up to
    date from the database, and written back at most every CACHE_SAVE_S; deleting it, or a
    cache from another time, loses nothing.
    """
    signal = signal or matching_signal()
    held = archive.kept(("frame-index", signal.key), _Held)
    with held.lock:
        _bring_up_to_date(archive, signal, held)
        if held.index is None:
            raise InternalError("the frame index was not loaded")
        yield held.index


def _bring_up_to_date(archive: Archive, signal: SignalType, held: _Held) -> None:
    token = archive.change_token()
    if held.index is not None and token == held.token:
        return
    where = (SignatureRow.signal == signal.name, SignatureRow.version == signal.version)
    with archive.session() as session:
        count = session.scalar(select(func.count()).select_from(SignatureRow).where(*where))
        stale = held.index is None or count != len(held.items)
        in_db = set(session.scalars(select(SignatureRow.item_id).where(*where))) if stale else None
    if in_db is not None:
        if held.index is None or held.items - in_db:  # first use, or rows gone: from disk
            _from_disk(archive, signal, held, in_db)
        else:
            _add(archive, signal, held.index, in_db - held.items)
            held.items |= in_db
            held.unsaved = True
    if held.unsaved and time.monotonic() - held.saved_at > CACHE_SAVE_S:
        _from_disk(archive, signal, held, in_db or held.items)
    held.token = token


def _from_disk(archive: Archive, signal: SignalType, held: _Held, in_db: set[str]) -> None:
    """Read the disk cache under its lock, bring it to `in_db` and write it back if it changed;
    a cache holding items the database does not is started afresh."""
    with frame_index(archive, signal).locked() as index:
        have = index.items()
        if have - in_db:
            index = signal.index(archive.dir / "match")  # unloaded: empty
            have = set()
        if _add(archive, signal, index, in_db - have):
            index.save()
    held.index, held.items = index, set(in_db)
    held.saved_at, held.unsaved = time.monotonic(), False


def _add(archive: Archive, signal: SignalType, index: SignalIndex, missing: set[str]) -> int:
    """Add the stored signatures of `missing` items in the order they were stored, a few
    hundred read at a time."""
    wanted = sorted(missing)
    for start in range(0, len(wanted), 500):
        with archive.session() as session:
            rows = session.execute(
                select(SignatureRow.item_id, SignatureRow.data)
                .where(
                    SignatureRow.signal == signal.name,
                    SignatureRow.version == signal.version,
                    SignatureRow.item_id.in_(wanted[start : start + 500]),
                )
                .order_by(SignatureRow.id)
            ).all()
        for item_id, data in rows:
            index.add(item_id, FileSignature.from_bytes(data))
    return len(wanted)


def sync_index(archive: Archive, signal: SignalType | None = None) -> int:
    """Bring the disk cache of the index up to date with the database now; returns items
    added to it."""
    signal = signal or matching_signal()
    held = archive.kept(("frame-index", signal.key), _Held)
    with held.lock:
        where = (SignatureRow.signal == signal.name, SignatureRow.version == signal.version)
        with archive.session() as session:
            in_db = set(session.scalars(select(SignatureRow.item_id).where(*where)))
        before = frame_index(archive, signal).load().items()
        _from_disk(archive, signal, held, in_db)
        held.token = None
        return len(in_db - before)


__all__ = [
    "FileSignature",
    "frame_index",
    "full_signature",
    "load_signature",
    "current_index",
    "signature_for_file",
    "store_signature",
    "sync_index",
]
