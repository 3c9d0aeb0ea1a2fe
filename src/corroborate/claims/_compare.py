"""Grouping claims about the same quantity from different claimants, with their spread."""

from __future__ import annotations

import re
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
    # "killed or wounded" counts the wounded too: never set against a death toll.
    "casualties": "casualties",
}
# Periods up to this long are one event's toll ("on Tuesday", "over the past day"); a claim with
# no dates is set only beside those, never beside a toll over weeks or years.
SHORT_PERIOD_DAYS = 7

# Whose losses a combatant figure counts: the side named in the victims, else in the sentence.
_SIDES: dict[str, re.Pattern[str]] = {
    "russian": re.compile(
        r"\b(?:russian|russia's|russia|kremlin|moscow|occupiers?|invaders?|racists|wagner|kadyrov\w*|"
        r"north korean)\b",
        re.I,
    ),
    "ukrainian": re.compile(r"\b(?:ukrainian|ukraine's|ukraine|afu|zsu|vsu|kyiv's|azov)\b", re.I),
}
# A sentence where a side lost people: "Russia had lost 1,140 troops", "Ukrainian forces lost".
_SIDE_WORD = r"russia|russian|ukraine|ukrainian|the enemy|enemy"
_SIDE_LOST = re.compile(
    rf"\b(?P<side>{_SIDE_WORD})(?:'s)?\b(?:(?!\b(?:{_SIDE_WORD})\b)[^.;]){{0,40}}?"
    r"\b(?:lost|losses|suffered|casualties)\b",
    re.I,
)
_ADMITTED = re.compile(r"\b(?:admitted|admits|acknowledged|acknowledges|conceded|concedes)\b", re.I)
# Words that make a figure cumulative (a toll over the war) or one event's toll.
_CUMULATIVE = re.compile(
    r"\b(?:since|in total|so far|overall|to date|altogether|cumulative|throughout the war|"
    r"total(?:ly)?|nationwide|in all)\b",
    re.I,
)
_ONE_EVENT = re.compile(
    r"\b(?:strike|struck|attack|attacked|shelling|shelled|bomb(?:ing|ed)?|missiles?|drones?|"
    r"explosion|raid|hit|blast|assault)\b",
    re.I,
)


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
    party: str | None = None  # whose losses ("russian", "ukrainian"), for combatants

    @property
    def spread(self) -> int:
        """Highest figure minus lowest (the upper end of a range counts as its figure)."""
        return self.high - self.low

    @property
    def ratio(self) -> float | None:
        """Highest over lowest figure, None when the lowest is zero."""
        return self.high / self.low if self.low else None


def compare(claims: list[Claim]) -> list[ClaimGroup]:
    """Claims grouped only when they count the same quantity, with their spread.

    Same event family ("killed or wounded" is its own), same victim category and side, periods
    that overlap and are of like length (a one-day strike toll never beside a toll since 2022),
    places that agree. A claim with no dates is compared with short-period and undated claims
    of the same scope; one with no place with any place. Groups with more than one claimant
    come first, widest spread first.
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
        party=party_of(first),
    )


def _same_quantity(a: Claim, b: Claim) -> bool:
    """Whether two claims count the same people: same event family, kind, side, period, place."""
    if EVENT_FAMILIES.get(a.event, a.event) != EVENT_FAMILIES.get(b.event, b.event):
        return False
    if a.victim_category != b.victim_category:
        return False
    if party_of(a) != party_of(b):
        return False  # one side's losses are never set against the other's
    if {scope_of(a), scope_of(b)} == {"cumulative", "event"}:
        return False  # a strike's toll is not a toll since 2022
    return _periods_compatible(a, b) and _places_overlap(a, b)


def party_of(claim: Claim) -> str | None:
    """Whose people a combatant or prisoner figure counts, when the text says; else None.

    The side named in the victims ("Russian troops") wins; then a side said to have lost them
    ("Russia had lost 1,140 troops"); "the enemy" is the side the claimant fights.
    """
    if claim.victim_category not in {"combatant", "pow"}:
        return None
    if claim.victims:
        named = [side for side, rx in _SIDES.items() if rx.search(claim.victims)]
        if len(named) == 1:
            return named[0]
    speaker = [s for s, rx in _SIDES.items() if claim.claimant and rx.search(claim.claimant)]
    if len(speaker) == 1 and _ADMITTED.search(claim.sentence):
        return speaker[0]  # "The Kremlin admitted the loss of 1,351 soldiers": its own
    m = _SIDE_LOST.search(claim.sentence)
    if m is not None:
        side = m.group("side").lower()
        if "enemy" not in side:
            return "russian" if side.startswith("russia") else "ukrainian"
        if len(speaker) == 1:
            return "ukrainian" if speaker[0] == "russian" else "russian"
    return None


def scope_of(claim: Claim) -> str | None:
    """A toll over a long span ("cumulative"), one event's ("event"), or None when unclear."""
    span = _span_days(claim)
    if span is not None:
        return "event" if span <= SHORT_PERIOD_DAYS else "cumulative"
    if _CUMULATIVE.search(claim.sentence):
        return "cumulative"
    if _ONE_EVENT.search(claim.sentence):
        return "event"
    return None


def _span_days(claim: Claim) -> int | None:
    if claim.date_from is None and claim.date_to is None:
        return None
    if claim.date_from is None or claim.date_to is None:
        return 10_000  # "since 2022" or "by March": open at one end, a long toll
    return (claim.date_to - claim.date_from).days + 1


def _periods_compatible(a: Claim, b: Claim) -> bool:
    """Dated claims overlap and cover spans of like length; an undated one sits beside short spans.

    A month's toll is set beside the same month's, not beside a year's that contains it.
    """
    span_a, span_b = _span_days(a), _span_days(b)
    if span_a is None or span_b is None:
        known = span_a if span_b is None else span_b
        return known is None or known <= SHORT_PERIOD_DAYS
    lo_a, hi_a = a.date_from or date.min, a.date_to or date.max
    lo_b, hi_b = b.date_from or date.min, b.date_to or date.max
    if not (lo_a <= hi_b and lo_b <= hi_a):
        return False
    short, long = sorted((span_a, span_b))
    return long <= SHORT_PERIOD_DAYS or short * 2 >= long


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
