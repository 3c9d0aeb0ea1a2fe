"""Signal types: how content is hashed and compared, named and versioned like ThreatExchange's
`SignalType`, so a later algorithm is stored beside an older one, matching only ever compares
like with like, and every match names the signal, threshold and distances behind it.

A signal is a key with its version, a bit length, a file hasher, a distance and an index
class. Nothing else in `match/` knows which hash a signal uses: the built-in ones
(`signals.py`) are registered with `register` exactly as an outside one would be.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from corroborate.match.errors import SignalError

if TYPE_CHECKING:
    from corroborate.match.index import FrameIndex
    from corroborate.match.signature import FileSignature

# popcount of every byte value, for Hamming distances on packed hashes
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def hamming(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise Hamming distances between packed hashes a[n, bytes] and b[m, bytes] -> [n, m]."""
    x = np.bitwise_xor(a[:, None, :], b[None, :, :])
    distances: np.ndarray = _POPCOUNT[x].sum(axis=2, dtype=np.int32)
    return distances


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

    # the index that holds this signal's hashes (a class, as SignalTypeIndex)
    index_class: ClassVar[type[FrameIndex]]

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

    @abstractmethod
    def hash_file(self, path: Path, kind: str, *, threads: int = 0) -> FileSignature | None:
        """The file's signature under this signal; None for kinds it does not hash.
        Raises MediaError when the file cannot be decoded."""

    def index(self, folder: Path) -> FrameIndex:
        """An (unloaded) index of this signal's hashes kept in `folder`."""
        return self.index_class(folder, self)


SIGNALS: dict[str, SignalType] = {}
_matching: list[str] = []  # the key of the signal archives are matched with


def register(signal: SignalType, *, matching: bool = False) -> SignalType:
    """Make a signal known by its key; a key names one algorithm for ever, so registering
    a different signal under a taken key is refused. With `matching`, this signal is what
    ingest stores and `rehash` moves an archive to."""
    held = SIGNALS.get(signal.key)
    if held is not None and held is not signal:
        raise SignalError(f"signal {signal.key} is already registered")
    SIGNALS[signal.key] = signal
    if matching:
        _matching[:] = [signal.key]
    return signal


def matching_signal() -> SignalType:
    """The signal archives are matched with (ingest stores it, `rehash` moves to it)."""
    if not _matching:
        raise SignalError("no signal is registered for matching")
    return SIGNALS[_matching[0]]


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
