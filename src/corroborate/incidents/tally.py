"""Honest tallies: incidents counted once, victims summed with low and high kept apart, and
every incident left out named with the reason, so a published figure can be read for what it is
("29 encounters, at least 91 killed, counting only cases rated reliable")."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from corroborate.core import INCIDENT_STATUSES, Incident
from corroborate.errors import InputError
from corroborate.incidents.duplicates import (
    DuplicateGroup,
    distinct_pairs,
    group_duplicates,
    item_clusters,
)
from corroborate.incidents.fields import parse_when
from corroborate.incidents.records import list_incidents
from corroborate.incidents.statuses import meets, parse_min_status
from corroborate.storage.archive import Archive

DIMENSIONS = ("month", "year", "type", "region", "perpetrator", "victim", "category", "status")
REASONS = {
    "outside-period": "outside the period",
    "undated": "without a date, so not placed in the period",
    "below-status": "below the minimum status",
    "possible-duplicate": "possibly duplicating a counted one (not yet merged)",
    "record-altered": "whose record differs from the custody log (run `corroborate verify`)",
}


MEASURES = ("killed", "injured")


@dataclass
class TallyRow:
    """One group of the tally: how many incidents and how many victims (low and high).

    An incident with no figure for a measure adds nothing to that measure's sums and is counted
    in `<measure>_unknown`; the high figure is then None (no upper bound is known), and the
    figure reads "at least". Unknown is never turned into 0.
    """

    key: dict[str, str]
    incidents: int = 0
    killed_low: int = 0
    killed_high: int | None = 0
    killed_unknown: int = 0  # incidents counted that have no killed figure
    injured_low: int = 0
    injured_high: int | None = 0
    injured_unknown: int = 0  # incidents counted that have no injured figure
    figures_unknown: int = 0  # incidents counted that lack a killed or an injured figure
    incident_ids: list[str] = field(default_factory=list)

    def add(self, inc: Incident) -> None:
        self.incidents += 1
        self.incident_ids.append(inc.id)
        missing = False
        for measure in MEASURES:
            low = getattr(inc, f"{measure}_low")
            high = getattr(inc, f"{measure}_high")
            if low is None:
                missing = True
                setattr(self, f"{measure}_unknown", getattr(self, f"{measure}_unknown") + 1)
                setattr(self, f"{measure}_high", None)
                continue
            setattr(self, f"{measure}_low", getattr(self, f"{measure}_low") + low)
            total_high = getattr(self, f"{measure}_high")
            if total_high is not None:
                setattr(self, f"{measure}_high", total_high + (low if high is None else high))
        if missing:
            self.figures_unknown += 1

    def exact(self, measure: str) -> bool:
        """True when every incident counted has a figure for the measure."""
        return int(getattr(self, f"{measure}_unknown")) == 0

    def figure(self, measure: str) -> str:
        """The measure as a table shows it: `3`, `3-4`, `at least 3 (1 of 2 no figure)`."""
        low: int = getattr(self, f"{measure}_low")
        high: int | None = getattr(self, f"{measure}_high")
        unknown: int = getattr(self, f"{measure}_unknown")
        if not unknown:
            return str(low) if high == low else f"{low}-{high}"
        if unknown == self.incidents:
            return f"unknown ({unknown} of {self.incidents} no figure)"
        return f"at least {low} ({unknown} of {self.incidents} no figure)"

    def phrase(self, measure: str) -> str:
        """The measure in a sentence, saying "at least" and how many incidents have no figure."""
        low: int = getattr(self, f"{measure}_low")
        high: int | None = getattr(self, f"{measure}_high")
        unknown: int = getattr(self, f"{measure}_unknown")
        if not unknown:
            return _figure(low, high if high is not None else low, measure)
        none = (
            f"{unknown} incident{'s' if unknown != 1 else ''} with no {measure} figure"
            if unknown != self.incidents
            else f"no {measure} figure for any of the {self.incidents} incident"
            + ("s" if self.incidents != 1 else "")
        )
        if unknown == self.incidents:
            return f"{measure} not known ({none})"
        return f"at least {low} {measure} ({none}, so no upper figure)"


@dataclass(frozen=True)
class LeftOut:
    """An incident the tally did not count, and why."""

    incident_id: str
    reason: str  # a key of REASONS
    detail: str


@dataclass
class Tally:
    by: tuple[str, ...]
    min_status: str | None
    date_from: date | None
    date_to: date | None
    rows: list[TallyRow]
    total: TallyRow
    left_out: list[LeftOut]
    duplicates: list[DuplicateGroup]  # every possible-duplicate group among counted candidates

    @property
    def left_out_counts(self) -> dict[str, int]:
        return dict(Counter(x.reason for x in self.left_out))

    def summary(self) -> str:
        """The tally in one sentence, with its scope and what it left out."""
        t = self.total
        parts = [f"{t.incidents} incident{'s' if t.incidents != 1 else ''}"]
        parts.append(t.phrase("killed"))
        if t.injured_low or t.injured_unknown or (t.injured_high or 0):
            parts.append(t.phrase("injured"))
        text = ", ".join(parts)
        if self.min_status:
            top = self.min_status == INCIDENT_STATUSES[-1]
            text += f", counting only incidents rated {self.min_status}" + (
                "" if top else " or above"
            )
        if self.date_from or self.date_to:
            text += f", from {self.date_from or 'the start'} to {self.date_to or 'today'}"
        counts = self.left_out_counts
        if counts:
            text += ". Left out: " + ", ".join(
                f"{n} incident{'s' if n != 1 else ''} {REASONS[r]}"
                for r, n in sorted(counts.items())
            )
        return text + "."

    def caveats(self) -> list[str]:
        """Everything a reader of the figures must know, one sentence each."""
        out = [self.summary()]
        for measure in MEASURES:
            unknown = int(getattr(self.total, f"{measure}_unknown"))
            if unknown:
                out.append(
                    f"{unknown} of {self.total.incidents} incidents counted have no {measure} "
                    f"figure: {measure} totals are minimums (at least), with no upper figure."
                )
        for x in self.left_out:
            out.append(f"Left out {x.incident_id}: {REASONS[x.reason]} ({x.detail}).")
        return out


def _figure(low: int, high: int, what: str) -> str:
    if low == high:
        return f"at least {low} {what}"
    return f"at least {low} {what} (up to {high})"


def _key(inc: Incident, dim: str) -> str:
    if dim == "month":
        return inc.occurred_from.strftime("%Y-%m") if inc.occurred_from else "undated"
    if dim == "year":
        return str(inc.occurred_from.year) if inc.occurred_from else "undated"
    if dim == "type":
        return inc.type
    if dim == "region":
        return (inc.place.admin1 if inc.place else None) or "unknown"
    if dim == "perpetrator":
        return inc.perpetrator_party or "unknown"
    if dim == "victim":
        return inc.victim_party or "unknown"
    if dim == "category":
        return inc.victim_category
    return inc.status


def parse_by(by: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Dimensions from `month,type` or a list; unknown names are an error."""
    if not by:
        return ()
    names = by.split(",") if isinstance(by, str) else list(by)
    out = tuple(n.strip().lower() for n in names if n.strip())
    for name in out:
        if name not in DIMENSIONS:
            raise InputError(f"cannot tally by {name!r}; use any of: {', '.join(DIMENSIONS)}")
    return out


def _period_bound(value: str | date | None, end: bool) -> date | None:
    if value is None or isinstance(value, date):
        return value
    first, last, _ = parse_when(value, "to" if end else "from")
    return last if end else first


def _altered(archive: Archive, incidents: list[Incident]) -> set[str]:
    """Incidents whose row differs from its state in the custody log: a published figure
    never counts a record someone changed straight in the database."""
    from corroborate.custody import state
    from corroborate.incidents.ids import incident_ref, parse_ref

    if not incidents:
        return set()
    table = state.table_named("incidents")
    with archive.session() as session:
        pks = state.differing(session, table, [parse_ref(i.id) for i in incidents])
    return {incident_ref(int(pk)) for pk in pks}


def tally(
    archive: Archive,
    *,
    by: str | list[str] | tuple[str, ...] | None = None,
    min_status: str | None = "verified",
    date_from: str | date | None = None,
    date_to: str | date | None = None,
) -> Tally:
    """Count incidents and victims by the given dimensions, leaving out (and naming) incidents
    below `min_status` (a word of STATUS_FILTERS; `any` or None counts all), outside the
    period, or possible duplicates not yet merged."""
    dims = parse_by(by)
    min_status = parse_min_status(min_status)
    start, end = _period_bound(date_from, False), _period_bound(date_to, True)
    if start and end and start > end:
        raise InputError(f"the period starts ({start}) after it ends ({end})")
    # Counted again only when the database changed (a hand edit included, so a record altered
    # after a tally was kept is still caught): the map, timeline and tally pages ask often.
    return archive.cached(
        ("tally", dims, min_status, start, end),
        lambda: _count(archive, dims, min_status, start, end),
    )


def _count(
    archive: Archive,
    dims: tuple[str, ...],
    min_status: str | None,
    start: date | None,
    end: date | None,
) -> Tally:
    left_out: list[LeftOut] = []
    candidates: list[Incident] = []
    for inc in list_incidents(archive):
        when = inc.occurred_from
        if (start or end) and when is None:
            left_out.append(LeftOut(inc.id, "undated", "the incident has no date"))
        elif (start and when and when < start) or (end and when and when > end):
            left_out.append(LeftOut(inc.id, "outside-period", f"occurred {when}"))
        elif not meets(inc.status, min_status):
            left_out.append(LeftOut(inc.id, "below-status", f"status {inc.status}"))
        else:
            candidates.append(inc)

    altered = _altered(archive, candidates)
    for inc in candidates:
        if inc.id in altered:
            left_out.append(
                LeftOut(inc.id, "record-altered", "changed outside corroborate; not counted")
            )
    candidates = [inc for inc in candidates if inc.id not in altered]

    groups = group_duplicates(candidates, item_clusters(archive), distinct_pairs(archive))
    by_id = {inc.id: inc for inc in candidates}
    dropped: set[str] = set()
    for group in groups:
        members = sorted(
            (by_id[i] for i in group.incidents),
            key=lambda x: (-INCIDENT_STATUSES.index(x.status), x.id),
        )
        kept = members[0]
        for other in members[1:]:
            dropped.add(other.id)
            left_out.append(
                LeftOut(
                    other.id,
                    "possible-duplicate",
                    f"may be the same event as {kept.id} ({', '.join(group.shared)}); "
                    f"merge them or mark them distinct",
                )
            )

    rows: dict[tuple[str, ...], TallyRow] = {}
    total = TallyRow(key={})
    for inc in candidates:
        if inc.id in dropped:
            continue
        key = tuple(_key(inc, d) for d in dims)
        rows.setdefault(key, TallyRow(key=dict(zip(dims, key, strict=True)))).add(inc)
        total.add(inc)
    return Tally(
        by=dims,
        min_status=min_status,
        date_from=start,
        date_to=end,
        rows=[rows[k] for k in sorted(rows)],
        total=total,
        left_out=sorted(left_out, key=lambda x: (x.reason, x.incident_id)),
        duplicates=groups,
    )
