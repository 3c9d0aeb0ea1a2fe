"""Signal types: how content is hashed and compared, named and versioned like ThreatExchange's
`SignalType`, so a later algorithm is stored beside an older one, matching only ever compares
like with like, and every match names the signal, threshold and distances behind it.

A signal is a key with its version, a bit length, a file hasher, a comparison and an index
class (`SignalIndex`, as ThreatExchange's `SignalTypeIndex`). This module is the bottom of
`match/`: it imports no other part of it but its errors, and nothing else in `match/` knows
which hash a signal uses. The built-in signals (`signals.py`) are registered with `register`
exactly as an outside one would be.
"""

from __future__ import annotations

import contextlib
import io
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import faiss
import numpy as np

from corroborate.match.errors import SignalError

if TYPE_CHECKING:
    from corroborate.match.frames import VideoSamples

# popcount of every byte value, for Hamming distances on packed hashes
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def hamming(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise Hamming distances between packed hashes a[n, bytes] and b[m, bytes] -> [n, m]:
    the project's one distance between perceptual hashes."""
    x = np.bitwise_xor(a[:, None, :], b[None, :, :])
    distances: np.ndarray = _POPCOUNT[x].sum(axis=2, dtype=np.int32)
    return distances


def hamming_within(
    a: np.ndarray, b: np.ndarray, threshold: int, bits: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (row of a, row of b, distance) within `threshold` bits, as `hamming` would
    give them, found by FAISS's exact binary range search (far faster than the full matrix)."""
    if len(a) == 0 or len(b) == 0:
        none = np.zeros(0, dtype=np.int64)
        return none, none, np.zeros(0, dtype=np.int32)
    flat = faiss.IndexBinaryFlat(bits)
    flat.add(np.ascontiguousarray(b, dtype=np.uint8))
    lims, dist, ids = flat.range_search(np.ascontiguousarray(a, dtype=np.uint8), threshold + 1)
    rows = np.repeat(np.arange(len(a), dtype=np.int64), np.diff(lims).astype(np.int64))
    return rows, ids.astype(np.int64), dist.astype(np.int32)


@dataclass(eq=False)
class FileSignature:
    """Rows of (time in seconds, view id, quality, packed hash) for one file under `signal`.

    Stored views (id < the signal's `stored_views`) are what is kept in the archive and the
    index; query views (crops and mirror images) exist only while the file is being matched.
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
        signal = self.signal_type
        return (self.views < signal.stored_views) & (self.quality >= signal.min_quality)

    def usable(self) -> np.ndarray:
        """Mask of rows to query with: every view of good quality."""
        return self.quality >= self.signal_type.min_quality

    def query_rows(self) -> np.ndarray:
        """Mask of rows of query views (those never stored)."""
        return self.views >= self.signal_type.stored_views

    @property
    def has_query_views(self) -> bool:
        return bool(self.query_rows().any())

    def stored(self) -> FileSignature:
        """Only the stored views: what goes into the database."""
        keep = ~self.query_rows()
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


@dataclass
class Hits:
    """Index hits of a query: per query row, the index rows within the threshold."""

    query_rows: np.ndarray  # int64[h]
    items: np.ndarray  # int64[h] item numbers
    times: np.ndarray  # float32[h]
    distances: np.ndarray  # int32[h]

    @classmethod
    def none(cls) -> Hits:
        return cls(
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros(0, np.float32),
            np.zeros(0, np.int32),
        )


class SignalIndex(ABC):
    """The stored hashes of every archived item under one signal, kept in a folder: what
    the archive's search asks of a signal's `index_class`."""

    def __init__(self, folder: Path, signal: SignalType) -> None:
        self.folder = Path(folder)
        self.signal = signal

    @abstractmethod
    def locked(self) -> contextlib.AbstractContextManager[SignalIndex]:
        """Hold the index's lock, reload it, and let the caller update and `save` it."""

    @abstractmethod
    def load(self) -> SignalIndex:
        """Read what is saved (empty when nothing is)."""

    @abstractmethod
    def save(self) -> None:
        """Write atomically: a crash leaves the old index or the new one."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def items(self) -> set[str]:
        """Ids of the items with hashes in the index."""

    @abstractmethod
    def add(self, item_id: str, sig: FileSignature) -> int:
        """Append an item's stored views; returns the rows added."""

    @abstractmethod
    def search(self, hashes: np.ndarray, threshold: int, k: int = 16) -> Hits:
        """Index rows within `threshold` of each query hash (at most k per hash)."""


@dataclass(frozen=True)
class SignalType(ABC):
    """A perceptual signal: its stored name/version, its hasher and its comparison rules."""

    name: str
    version: int
    bits: int
    threshold: int  # two frame views match when their distance is at most this
    image_threshold: int  # a single still, with no time to verify, must be closer
    min_quality: int  # views below this quality (flat, dark, smoky) are ignored
    sample_rate: float  # video frames hashed (stored views) per second
    query_rate: float  # of those, frames also hashed with every query view, per second
    min_seconds: float  # shortest run of consistent hits accepted as shared footage
    stored_views: int  # view ids below this are stored; the others exist only in queries

    # the index that holds this signal's hashes (a class, as SignalTypeIndex)
    index_class: ClassVar[type[SignalIndex]]

    @property
    def key(self) -> str:
        """The name stored beside every hash, e.g. ``pdq-multiview/2``."""
        return f"{self.name}/{self.version}"

    @property
    def nbytes(self) -> int:
        """Bytes of one packed hash."""
        return (self.bits + 7) // 8

    def distance(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Pairwise distances between packed hashes a[n, nbytes] and b[m, nbytes]."""
        return hamming(a, b)

    def within(
        self, a: np.ndarray, b: np.ndarray, threshold: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row of a, row of b, distance) of every pair at most `threshold` apart; must agree
        with `distance`."""
        return hamming_within(a, b, threshold, self.bits)

    def searched(self, sig: FileSignature) -> np.ndarray:
        """Mask of a query's rows that search the index (all by default; verification
        still compares every row)."""
        return np.ones(len(sig), dtype=bool)

    def video_samples(self, path: Path, *, threads: int = 0) -> VideoSamples:
        """The frames of a video this signal hashes, decoded as it decodes them (the
        decoding a speed benchmark's decode-only ceiling must repeat)."""
        from corroborate.match.frames import VideoSamples

        return VideoSamples(path, self.sample_rate, threads=threads)

    @abstractmethod
    def hash_file(self, path: Path, kind: str, *, threads: int = 0) -> FileSignature | None:
        """The file's signature under this signal; None for kinds it does not hash.
        Raises MediaError when the file cannot be decoded."""

    def index(self, folder: Path) -> SignalIndex:
        """An (unloaded) index of this signal's hashes kept in `folder`."""
        return self.index_class(folder, self)


def hex_of(hash_bytes: np.ndarray) -> str:
    """A packed hash as hash-sharing tools write it (PDQ: 64 hex characters)."""
    return bytes(hash_bytes).hex()


SIGNALS: dict[str, SignalType] = {}
_matching: list[str] = []  # the key of the signal archives are matched with
_exchanged: list[str] = []  # the key of the signal hashes are exchanged under


def register(signal: SignalType, *, matching: bool = False, exchanged: bool = False) -> SignalType:
    """Make a signal known by its key; a key names one algorithm for ever, so registering
    a different signal under a taken key is refused. With `matching`, this signal is what
    ingest stores and `rehash` moves an archive to; with `exchanged`, it is what `show`
    gives other tools (ThreatExchange, hash-sharing programmes)."""
    held = SIGNALS.get(signal.key)
    if held is not None and held is not signal:
        raise SignalError(f"signal {signal.key} is already registered")
    SIGNALS[signal.key] = signal
    if matching:
        _matching[:] = [signal.key]
    if exchanged:
        _exchanged[:] = [signal.key]
    return signal


def matching_signal() -> SignalType:
    """The signal archives are matched with (ingest stores it, `rehash` moves to it)."""
    if not _matching:
        raise SignalError("no signal is registered for matching")
    return SIGNALS[_matching[0]]


def exchanged_signal() -> SignalType:
    """The signal whose hashes are given to other tools."""
    if not _exchanged:
        raise SignalError("no signal is registered for exchange")
    return SIGNALS[_exchanged[0]]


def signal_by_key(key: str) -> SignalType:
    """The signal type stored under `key`; unknown keys are a data error, not a guess."""
    try:
        return SIGNALS[key]
    except KeyError:
        raise SignalError(f"unknown signal {key!r}; known: {', '.join(SIGNALS)}") from None


def newest(name: str) -> SignalType:
    """The highest registered version of the signal called `name`."""
    versions = [s for s in SIGNALS.values() if s.name == name]
    if not versions:
        raise SignalError(f"unknown signal {name!r}; known: {', '.join(SIGNALS)}")
    return max(versions, key=lambda s: s.version)


__all__ = [
    "SIGNALS",
    "FileSignature",
    "Hits",
    "SignalIndex",
    "SignalType",
    "exchanged_signal",
    "hamming",
    "hex_of",
    "hamming_within",
    "matching_signal",
    "newest",
    "register",
    "signal_by_key",
]
