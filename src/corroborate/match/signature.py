"""A file's perceptual signature: hashes of several views of frames sampled over time, under
one signal."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from corroborate.match.signal import SignalType, matching_signal, signal_by_key
from corroborate.match.views import N_STORED


@dataclass(eq=False)
class FileSignature:
    """Rows of (time in seconds, view id, quality, packed hash) for one file under `signal`.

    Stored views (id < N_STORED) are what is kept in the archive and the index; the many
    query views (crops and mirror images) exist only while the file is being matched.
    """

    kind: str
    duration: float
    times: np.ndarray  # float32[n]
    views: np.ndarray  # uint16[n]
    quality: np.ndarray  # uint8[n]
    hashes: np.ndarray  # uint8[n, signal's bytes]
    signal: str  # the signal's key, e.g. pdq-multiview/2

    @property
    def signal_type(self) -> SignalType:
        return signal_by_key(self.signal)

    def __len__(self) -> int:
        return int(self.times.shape[0])

    def plain(self) -> np.ndarray:
        """Mask of rows a candidate is compared on: stored views of good quality."""
        return (self.views < N_STORED) & (self.quality >= self.signal_type.min_quality)

    def usable(self) -> np.ndarray:
        """Mask of rows to query with: every view of good quality."""
        return self.quality >= self.signal_type.min_quality

    @property
    def has_query_views(self) -> bool:
        return bool((self.views >= N_STORED).any())

    def stored(self) -> FileSignature:
        """Only the stored views: what goes into the database."""
        keep = self.views < N_STORED
        return FileSignature(
            self.kind,
            self.duration,
            self.times[keep],
            self.views[keep],
            self.quality[keep],
            self.hashes[keep],
            self.signal,
        )

    def to_bytes(self) -> bytes:
        """NumPy .npz bytes (no pickle), for a database blob."""
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            signal=np.array(self.signal),
            kind=np.array(self.kind),
            duration=np.array(self.duration, dtype=np.float64),
            times=self.times,
            views=self.views,
            quality=self.quality,
            hashes=self.hashes,
        )
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> FileSignature:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            signal = signal_by_key(str(z["signal"]))
            return cls(
                kind=str(z["kind"]),
                duration=float(z["duration"]),
                times=z["times"].astype(np.float32),
                views=z["views"].astype(np.uint16),
                quality=z["quality"].astype(np.uint8),
                hashes=z["hashes"].astype(np.uint8).reshape(-1, signal.nbytes),
                signal=signal.key,
            )


def signature_for_file(
    path: Path, kind: str, *, threads: int = 0, signal: SignalType | None = None
) -> FileSignature | None:
    """The signature of a video or image file under `signal` (the newest multi-view signal
    by default); None for other kinds.

    Raises MediaError when the file cannot be decoded: an empty signature would silently
    hide the item from every future match.
    """
    return (signal or matching_signal()).hash_file(Path(path), kind, threads=threads)
