"""Temporal verification: two files share footage only when many frame hits agree on one
time offset (at one of a few playback speeds) for several seconds in a row.

Unlike vPDQ's bag of frames, this finds a short clip inside a long compilation, says where,
and ignores a handful of generic frames (sky, smoke, black) that happen to look alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from corroborate.match.signal import FileSignature, SignalType

# Playback speeds tried: same speed, and PAL/film speed-ups and slow-downs.
SPEEDS = (1.0, 25 / 24, 24 / 25)
OFFSET_TOLERANCE = 0.75  # seconds a hit may stray from its segment's offset
MAX_GAP = 2.5  # seconds without hits that still count as one run
MIN_DENSITY = 0.4  # share of query samples in a run that must hit


@dataclass(frozen=True)
class Segment:
    """One stretch of shared footage: where it is in the query and in the item."""

    query_start: float
    query_end: float
    item_start: float
    item_end: float
    speed: float
    hits: int
    median_distance: float


def clock(t: float) -> str:
    """Seconds as MM:SS (or H:MM:SS)."""
    s = max(0, int(round(t)))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


@dataclass(frozen=True)
class Match:
    """The query shares footage with an item; every figure a reviewer needs to check it."""

    segments: tuple[Segment, ...]
    query_share: float
    item_share: float
    signal: str
    threshold: int
    distances: tuple[int, ...]  # per matched query sample, the best view distance
    score: float
    item_id: str | None = None
    name: str | None = None
    query_id: str | None = None
    query_name: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def query_ranges(self) -> list[list[float]]:
        return [[round(s.query_start, 2), round(s.query_end, 2)] for s in self.segments]

    @property
    def item_ranges(self) -> list[list[float]]:
        return [[round(s.item_start, 2), round(s.item_end, 2)] for s in self.segments]

    def with_ids(self, **ids: str | None) -> Match:
        return replace(self, **ids)  # type: ignore[arg-type]

    def describe(self) -> str:
        """One line for the person who just ingested a file."""
        # a still has no time range to give
        where = ", ".join(
            f"{clock(s.item_start)}-{clock(s.item_end)}"
            for s in self.segments
            if s.item_end - s.item_start > 0.01
        )
        who = self.item_id or self.name or "item"
        return (
            f"shares footage with {who} ({where} of it)" if where else f"shares footage with {who}"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.item_id,
            "name": self.name,
            "query_ranges": self.query_ranges,
            "item_ranges": self.item_ranges,
            "score": round(self.score, 4),
            "query_share": round(self.query_share, 4),
            "item_share": round(self.item_share, 4),
            "signal": self.signal,
            "threshold": self.threshold,
            "distances": {
                "min": min(self.distances) if self.distances else None,
                "median": float(np.median(self.distances)) if self.distances else None,
                "max": max(self.distances) if self.distances else None,
                "per_sample": list(self.distances),
            },
            "speeds": [round(s.speed, 4) for s in self.segments],
        }


def _hits(
    query: FileSignature, candidate: FileSignature, threshold: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(query time, candidate time, best distance) for each pair of sample times in reach."""
    qm = query.usable()
    cm = candidate.plain()
    if not qm.any() or not cm.any():
        empty = np.zeros(0, dtype=np.float32)
        return empty, empty, np.zeros(0, dtype=np.int32)
    qrows, crows, dist = query.signal_type.within(query.hashes[qm], candidate.hashes[cm], threshold)
    qt = query.times[qm][qrows]
    ct = candidate.times[cm][crows]
    if qt.size == 0:
        return qt, ct, dist.astype(np.int32)
    # best distance per (query time, candidate time) pair
    keys = np.stack([qt, ct], axis=1)
    order = np.lexsort((dist, ct, qt))
    keys, dist = keys[order], dist[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = np.any(keys[1:] != keys[:-1], axis=1)
    return keys[first, 0], keys[first, 1], dist[first].astype(np.int32)


def _runs(
    qt: np.ndarray, ct: np.ndarray, d: np.ndarray, speed: float, signal: SignalType
) -> list[tuple[Segment, np.ndarray]]:
    """Runs of hits along offsets voted for at this speed."""
    step = 1.0 / signal.sample_rate
    offsets = ct - speed * qt
    bins = np.round(offsets / step).astype(np.int64)
    found: list[tuple[Segment, np.ndarray]] = []
    used = np.zeros(len(qt), dtype=bool)
    values, counts = np.unique(bins, return_counts=True)
    for b in values[np.argsort(-counts)]:
        if counts[values == b][0] < 3:
            break
        near = (~used) & (np.abs(offsets - b * step) <= OFFSET_TOLERANCE)
        if near.sum() < 3:
            continue
        idx = np.flatnonzero(near)
        # one hit per query sample: the closest in offset, then in distance
        idx = idx[np.lexsort((d[idx], np.abs(offsets[idx] - b * step), qt[idx]))]
        keep = np.ones(len(idx), dtype=bool)
        keep[1:] = qt[idx][1:] != qt[idx][:-1]
        idx = idx[keep]
        times = qt[idx]
        breaks = np.flatnonzero(np.diff(times) > MAX_GAP) + 1
        for run in np.split(idx, breaks):
            t0, t1 = float(qt[run].min()), float(qt[run].max())
            span = t1 - t0 + step
            if span + step < signal.min_seconds:
                continue
            if len(run) < MIN_DENSITY * span * signal.sample_rate:
                continue
            off = float(np.median(ct[run] - speed * qt[run]))
            # a chain must move forward in the item as it does in the query
            if len(run) > 2 and np.corrcoef(qt[run], ct[run])[0, 1] < 0.9:
                continue
            seg = Segment(
                query_start=t0,
                query_end=t1 + step,
                item_start=max(0.0, speed * t0 + off),
                item_end=speed * (t1 + step) + off,
                speed=speed,
                hits=len(run),
                median_distance=float(np.median(d[run])),
            )
            found.append((seg, run))
            used[near] = True
    return found


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0)) / max(1e-6, min(a1 - a0, b1 - b0))


def _union_length(ranges: list[tuple[float, float]]) -> float:
    total, end = 0.0, -np.inf
    for a, b in sorted(ranges):
        if b > end:
            total += b - max(a, end)
            end = b
    return total


def match_signatures(query: FileSignature, candidate: FileSignature) -> Match | None:
    """Shared footage between two signatures, or None; pure and symmetric in spirit
    (mirrored views are taken from the query side only)."""
    signal = query.signal_type
    if candidate.signal != query.signal:
        return None
    still = query.kind == "image" or candidate.kind == "image"
    threshold = signal.image_threshold if still else signal.threshold
    qt, ct, d = _hits(query, candidate, threshold)
    if qt.size == 0:
        return None
    step = 1.0 / signal.sample_rate
    if still:
        best = int(np.argmin(d))
        seg = Segment(
            float(qt[best]),
            float(qt[best]) + (step if query.kind == "video" else 0.0),
            float(ct[best]),
            float(ct[best]) + (step if candidate.kind == "video" else 0.0),
            1.0,
            1,
            float(d[best]),
        )
        segments = [(seg, np.array([best]))]
    else:
        cands = [r for speed in SPEEDS for r in _runs(qt, ct, d, speed, signal)]
        cands.sort(key=lambda sr: (-sr[0].hits, abs(np.log(sr[0].speed))))
        segments = []
        for seg, run in cands:
            clash = any(
                _overlap(seg.query_start, seg.query_end, s.query_start, s.query_end) > 0.5
                and _overlap(seg.item_start, seg.item_end, s.item_start, s.item_end) > 0.5
                for s, _ in segments
            )
            if not clash:
                segments.append((seg, run))
        if not segments:
            return None
        segments.sort(key=lambda sr: sr[0].query_start)
    dists = tuple(int(x) for _, run in segments for x in d[run])
    q_len = _union_length([(s.query_start, s.query_end) for s, _ in segments])
    c_len = _union_length([(s.item_start, s.item_end) for s, _ in segments])
    query_share = 1.0 if query.kind == "image" else min(1.0, q_len / max(query.duration, step))
    item_share = (
        1.0 if candidate.kind == "image" else min(1.0, c_len / max(candidate.duration, step))
    )
    median = float(np.median(dists))
    score = max(query_share, item_share) * (1.0 - median / signal.bits)
    return Match(
        segments=tuple(s for s, _ in segments),
        query_share=query_share,
        item_share=item_share,
        signal=signal.key,
        threshold=threshold,
        distances=dists,
        score=score,
    )
