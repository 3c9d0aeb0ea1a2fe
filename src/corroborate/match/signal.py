"""Signal types: how content is hashed and compared, named and versioned like ThreatExchange's
`SignalType`, so a later algorithm can be stored beside this one and every match names the
signal, threshold and distances behind it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# popcount of every byte value, for Hamming distances on packed 256-bit hashes
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def hamming(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise Hamming distances between packed hashes a[n, 32] and b[m, 32] -> [n, m]."""
    x = np.bitwise_xor(a[:, None, :], b[None, :, :])
    return _POPCOUNT[x].sum(axis=2, dtype=np.int32)


@dataclass(frozen=True)
class SignalType:
    """A perceptual signal: its stored name/version and the rules for comparing it."""

    name: str
    version: int
    bits: int
    threshold: int  # two frame views match when their distance is at most this
    image_threshold: int  # a single still, with no time to verify, must be closer
    min_quality: int  # views below this PDQ quality (flat, dark, smoky) are ignored
    sample_rate: float  # video frames hashed (stored views) per second
    query_rate: float  # of those, frames also hashed with every query view, per second
    min_seconds: float  # shortest run of consistent hits accepted as shared footage

    @property
    def key(self) -> str:
        """The name stored beside every hash, e.g. ``pdq-multiview/1``."""
        return f"{self.name}/{self.version}"


PDQ_MULTIVIEW = SignalType(
    name="pdq-multiview",
    version=1,
    bits=256,
    threshold=40,
    image_threshold=24,
    min_quality=40,
    sample_rate=4.0,
    query_rate=2.0,
    min_seconds=5.0,
)

SIGNALS: dict[str, SignalType] = {PDQ_MULTIVIEW.key: PDQ_MULTIVIEW}


def signal_by_key(key: str) -> SignalType:
    """The signal type stored under `key`; unknown keys are a data error, not a guess."""
    from corroborate.match.errors import MediaError

    try:
        return SIGNALS[key]
    except KeyError:
        raise MediaError(f"unknown signal {key!r}; known: {', '.join(SIGNALS)}") from None
