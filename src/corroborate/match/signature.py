"""A file's perceptual signature: PDQ hashes of several views of frames sampled over time."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corroborate.match.errors import MediaError
from corroborate.match.frames import SampledFrame, VideoSamples, load_image
from corroborate.match.signal import PDQ_MULTIVIEW, SignalType, signal_by_key
from corroborate.match.views import N_STORED, boxed_pieces, hash_frame


@dataclass(eq=False)
class FileSignature:
    """Rows of (time in seconds, view id, PDQ quality, 32-byte hash) for one file.

    Stored views (id < N_STORED) are what is kept in the archive and the index; the many
    query views (crops and mirror images) exist only while the file is being matched.
    """

    kind: str
    duration: float
    times: np.ndarray  # float32[n]
    views: np.ndarray  # uint16[n]
    quality: np.ndarray  # uint8[n]
    hashes: np.ndarray  # uint8[n, 32]
    signal: str = field(default=PDQ_MULTIVIEW.key)

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
            return cls(
                kind=str(z["kind"]),
                duration=float(z["duration"]),
                times=z["times"].astype(np.float32),
                views=z["views"].astype(np.uint16),
                quality=z["quality"].astype(np.uint8),
                hashes=z["hashes"].astype(np.uint8).reshape(-1, 32),
                signal=str(z["signal"]),
            )


def signature_of_frames(
    frames: Iterable[SampledFrame],
    kind: str,
    duration: float | Callable[[], float],
    signal: SignalType = PDQ_MULTIVIEW,
) -> FileSignature:
    """Hash every view of frames as they are decoded, a shot (or 30 s) at a time, so only
    the hashes are kept for the whole file. `duration` may be a callable read at the end,
    when a streamed video's length is known."""
    hashes: list[np.ndarray] = []
    times: list[np.ndarray] = []
    views: list[np.ndarray] = []
    quality: list[np.ndarray] = []
    query_every = max(1, round(signal.sample_rate / signal.query_rate))
    i = 0
    for piece, box in boxed_pieces(frames):
        for frame in piece:
            ids, digests, q = hash_frame(frame.gray, box, query=i % query_every == 0)
            hashes.append(digests)
            views.append(ids)
            quality.append(q)
            times.append(np.full(len(ids), frame.time, dtype=np.float32))
            i += 1
    return FileSignature(
        kind=kind,
        duration=float(duration() if callable(duration) else duration),
        times=np.concatenate(times),
        views=np.concatenate(views).astype(np.uint16, copy=False),
        quality=np.concatenate(quality).astype(np.uint8, copy=False),
        hashes=np.concatenate(hashes).astype(np.uint8, copy=False),
        signal=signal.key,
    )


def signature_for_file(path: Path, kind: str, *, threads: int = 0) -> FileSignature | None:
    """The signature of a video or image file; None for other kinds.

    Raises MediaError when the file cannot be decoded: an empty signature would silently
    hide the item from every future match.
    """
    path = Path(path)
    if kind == "video":
        samples = VideoSamples(path, PDQ_MULTIVIEW.sample_rate, threads=threads)
        return signature_of_frames(samples, "video", lambda: samples.duration)
    if kind == "image":
        gray = load_image(path)
        return signature_of_frames([SampledFrame(0.0, gray)], "image", 0.0)
    if kind not in ("audio", "document", "webpage", "other"):
        raise MediaError(f"unknown media kind {kind!r}")
    return None
