"""Grouping claims about the same quantity from different claimants, with their spread."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz

from corroborate.core import Claim

# Events that count the same people from different angles are compared together.
EVENT_FAMILIES: dict[str, str] = {
    "killed": "deaths",
    "executed": "deaths",
    "died": "deaths",
    "injured": "injured",
    "captured": "captured",
    "surrendered": "captured",
    "missing": "missing",
    "incidents": "incidents",
}


@dataclass(frozen=True)
class ClaimGroup:
    """Claims about one quantity side by side: lowest and highest figure and their spread."""

    event_family: str
    victim_category: str
    period: str | None
    place: str | None
    claims: tuple[Claim, ...]
    claimants: tuple[str | None, ...] = field(default=())
    low: int = 0
    high: int = 0

    @property
    def spread(self) -> int:
        """Highest figure minus lowest (the upper end of a range counts as its figure)."""
        return self.high - self.low

    @property
    def ratio(self) -> float | None:
        """Highest over lowest figure, None when the lowest is zero."""
        return self.high / self.low if self.low else None


def compare(claims: list[Claim]) -> list[ClaimGroup]:
    """Claims grouped by event family, victim category, overlapping period and place.

    Groups with more than one claimant come first, widest spread first; a claim with no period
    or place is compared with any period or place.
    """
    buckets: list[list[Claim]] = []
    for claim in claims:
        for bucket in buckets:
            if all(_same_quantity(claim, other) for other in bucket):
                bucket.append(claim)
                break
        else:
            buckets.append([claim])
    groups = [_group(bucket) for bucket in buckets]
    return sorted(
        groups,
        key=lambda g: (-len({_norm(c) for c in g.claimants if c}), -g.spread, g.event_family),
    )


def _group(bucket: list[Claim]) -> ClaimGroup:
    first = bucket[0]
    lows = [c.count for c in bucket]
    highs = [c.count_high or c.count for c in bucket]
    return ClaimGroup(
        event_family=EVENT_FAMILIES.get(first.event, first.event),
        victim_category=first.victim_category,
        period=next((c.period for c in bucket if c.period), None),
        place=next((c.place for c in bucket if c.place), None),
        claims=tuple(bucket),
        claimants=tuple(dict.fromkeys(c.claimant for c in bucket)),
        low=min(lows),
        high=max(highs),
    )


def _same_quantity(a: Claim, b: Claim) -> bool:
    if EVENT_FAMILIES.get(a.event, a.event) != EVENT_FAMILIES.get(b.event, b.event):
        return False
    if a.victim_category != b.victim_category:
        return False
    return _periods_overlap(a, b) and _places_overlap(a, b)


def _periods_overlap(a: Claim, b: Claim) -> bool:
    if a.date_from is None and a.date_to is None or b.date_from is None and b.date_to is None:
        return True
    lo_a, hi_a = a.date_from or date.min, a.date_to or date.max
    lo_b, hi_b = b.date_from or date.min, b.date_to or date.max
    return lo_a <= hi_b and lo_b <= hi_a


def _places_overlap(a: Claim, b: Claim) -> bool:
    if not a.place or not b.place:
        return True
    ra, rb = a.place_resolved, b.place_resolved
    if ra is not None and rb is not None and ra.id and rb.id:
        if ra.id == rb.id:
            return True
        if ra.admin1 and (ra.admin1 == rb.admin1) and "region" in (ra.precision, rb.precision):
            return True
    pa, pb = a.place.lower(), b.place.lower()
    return pa in pb or pb in pa or fuzz.ratio(pa, pb) >= 85


def _norm(name: str) -> str:
    return " ".join(name.lower().replace("the ", "").split())
