"""Hashes to exchange with other tools: an archived item under the signal registered for
exchange (plain PDQ, `pdq/1`: 64 hex characters and a quality, the form ThreatExchange and
hash-sharing programmes use).

Computed from the stored original when asked (a still is one hash; a video one per sampled
second), so exchanging hashes needs no migration and cannot drift from the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from corroborate.match.signal import SignalType, exchanged_signal, hex_of

if TYPE_CHECKING:
    from corroborate.storage.archive import Archive


def exchange_hashes(
    archive: Archive, item_id: str, sha256: str, kind: str, signal: SignalType | None = None
) -> dict[str, Any] | None:
    """{"signal", "hashes": [{"time", "hash", "quality"}]} of an archived video or image
    under a signal (by default the one registered for exchange); None for other kinds."""
    signal = signal or exchanged_signal()
    sig = signal.hash_file(archive.blobs.local_path(sha256), kind)
    if sig is None:
        return None
    return {
        "item": item_id,
        "signal": signal.key,
        "hashes": [
            {"time": round(float(t), 3), "hash": hex_of(h), "quality": int(q)}
            for t, h, q in zip(sig.times, sig.hashes, sig.quality, strict=True)
        ],
    }
