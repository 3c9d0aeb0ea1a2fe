"""A file's signature in the archive: computed under the matching signal (and remembered
for the match that follows an ingest), stored in the database beside its signal's key, and
added to the signal's index.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

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
    """The index of a signal's hashes in this archive (by default the matching signal's)."""
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


__all__ = [
    "FileSignature",
    "frame_index",
    "full_signature",
    "load_signature",
    "signature_for_file",
    "store_signature",
    "sync_index",
]
