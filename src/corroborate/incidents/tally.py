"""Honest tallies: incidents counted once, victims summed with low and high kept apart, and
every incident left out named with the reason, so a published figure can be read for what it is
("29 encounters, at least 91 killed, counting only cases rated reliable")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import overload

import numpy as np
from numpy.typing import NDArray

from corroborate.core import INCIDENT_STATUSES, Incident
from corroborate.errors import InputError
from corroborate.incidents.columns import UNDATED, IncidentColumns, incident_columns, months
from corroborate.incidents.duplicates import DuplicateGroup
from corroborate.incidents.fields import parse_when
from corroborate.incidents.statuses import parse_min_status
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
CAVEAT_LISTED = 20  # left-out incidents named one by one per reason in a short caveat list


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


class LeftOutList(Sequence[LeftOut]):
    """The incidents a tally left out, by reason then id, each made only when read: a tally of
    one month of a large archive leaves out nearly every incident, and most answers need only
    how many and the first few."""

    def __init__(self, refs: list[str], parts: list[tuple[str, NDArray[np.intp], _Detail]]):
        self._refs = refs
        self._parts = [
            (r, rows, d) for r, rows, d in sorted(parts, key=lambda p: p[0]) if len(rows)
        ]
        self._ends = np.cumsum([len(rows) for _, rows, _ in self._parts], dtype=np.int64)

    def __len__(self) -> int:
        return int(self._ends[-1]) if len(self._ends) else 0

    @overload
    def __getitem__(self, k: int) -> LeftOut: ...
    @overload
    def __getitem__(self, k: slice) -> list[LeftOut]: ...
    def __getitem__(self, k: int | slice) -> LeftOut | list[LeftOut]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        n = len(self)
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError(k)
        part = int(np.searchsorted(self._ends, k, side="right"))
        reason, rows, detail = self._parts[part]
        row = int(rows[k - (int(self._ends[part - 1]) if part else 0)])
        return LeftOut(self._refs[row], reason, detail(row))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def counts(self) -> dict[str, int]:
        """How many for each reason."""
        return {reason: len(rows) for reason, rows, _ in self._parts}

    def by_reason(self) -> dict[str, LeftOutList]:
        """The incidents left out for each reason, in order."""
        return {r: LeftOutList(self._refs, [(r, rows, d)]) for r, rows, d in self._parts}

    def to_json(self) -> list[LeftOut]:
        return list(self)


_Detail = Callable[[int], str]


@dataclass
class Tally:
    by: tuple[str, ...]
    min_status: str | None
    date_from: date | None
    date_to: date | None
    rows: list[TallyRow]
    total: TallyRow
    left_out: LeftOutList
    duplicates: list[DuplicateGroup]  # every possible-duplicate group among counted candidates

    @property
    def left_out_counts(self) -> dict[str, int]:
        return self.left_out.counts()

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

    def caveats(self, *, every: bool = True) -> list[str]:
        """Everything a reader of the figures must know, one sentence each.

        With `every` False (a page or an API answer over a large archive), the incidents left
        out for one reason are named one by one only when there are at most CAVEAT_LISTED of
        them; otherwise one sentence gives their number and the first few (`left_out` has
        every one)."""
        out = [self.summary()]
        for measure in MEASURES:
            unknown = int(getattr(self.total, f"{measure}_unknown"))
            if unknown:
                out.append(
                    f"{unknown} of {self.total.incidents} incidents counted have no {measure} "
                    f"figure: {measure} totals are minimums (at least), with no upper figure."
                )
        for reason, found in self.left_out.by_reason().items():
            if every or len(found) <= CAVEAT_LISTED:
                out.extend(
                    f"Left out {x.incident_id}: {REASONS[x.reason]} ({x.detail})." for x in found
                )
            else:
                first = ", ".join(x.incident_id for x in found[:CAVEAT_LISTED])
                out.append(
                    f"Left out {len(found):,} incidents {REASONS[reason]}: {first} and "
                    f"{len(found) - CAVEAT_LISTED:,} more (every one is listed in the CSV, and "
                    "in the JSON with its reason)."
                )
        return out


def _figure(low: int, high: int, what: str) -> str:
    if low == high:
        return f"at least {low} {what}"
    return f"at least {low} {what} (up to {high})"


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


@dataclass(frozen=True)
class Selection:
    """Which incidents (rows of the columns) a tally's status and period count, and which it
    leaves out and why, before figures are grouped: the timeline bins exactly these."""

    columns: IncidentColumns
    counted: NDArray[np.bool_]
    left_out: LeftOutList
    duplicates: list[DuplicateGroup]


def select_counted(
    archive: Archive, min_status: str | None, start: date | None, end: date | None
) -> Selection:
    """The incidents counted under a status and period (parsed), kept until a change."""
    return archive.cached(
        ("tally-selection", min_status, start, end),
        lambda: _select(incident_columns(archive), min_status, start, end),
    )


def _select(
    c: IncidentColumns, min_status: str | None, start: date | None, end: date | None
) -> Selection:
    n = len(c)
    dated = c.began != UNDATED
    undated = ~dated if (start or end) else np.zeros(n, dtype=bool)
    outside = dated & (
        (c.began < start.toordinal() if start else False)
        | (c.began > end.toordinal() if end else False)
    )
    below = np.zeros(n, dtype=bool)
    if min_status is not None:
        below = c.status < INCIDENT_STATUSES.index(min_status)
    outside &= ~undated
    below &= ~(undated | outside)
    altered = c.altered & ~(undated | outside | below)
    candidates = ~(undated | outside | below | altered)
    reasons: list[tuple[str, NDArray[np.bool_], Callable[[int], str]]] = [
        ("undated", undated, lambda i: "the incident has no date"),
        ("outside-period", outside, lambda i: f"occurred {date.fromordinal(int(c.began[i]))}"),
        ("below-status", below, lambda i: f"status {INCIDENT_STATUSES[c.status[i]]}"),
        ("record-altered", altered, lambda i: "changed outside corroborate; not counted"),
    ]
    groups, dropped = _duplicate_groups(c, candidates)
    why = {i: (kept, shared) for i, kept, shared in dropped}

    def duplicate(i: int) -> str:
        kept, shared = why[i]
        return (
            f"may be the same event as {c.refs[kept]} ({', '.join(shared)}); "
            "merge them or mark them distinct"
        )

    if dropped:
        candidates[[i for i, _, _ in dropped]] = False
    parts: list[tuple[str, NDArray[np.intp], _Detail]] = [
        (reason, _by_ref(c, np.flatnonzero(mask)), detail) for reason, mask, detail in reasons
    ]
    parts.append(("possible-duplicate", _by_ref(c, np.array(sorted(why), np.intp)), duplicate))
    return Selection(
        columns=c,
        counted=candidates,
        left_out=LeftOutList(c.refs, parts),
        duplicates=groups,
    )


def _by_ref(c: IncidentColumns, rows: NDArray[np.intp]) -> NDArray[np.intp]:
    """Rows in the order of their refs as text (as the tally lists them)."""
    return rows[np.argsort(c.ref_rank[rows], kind="stable")] if len(rows) else rows


def _duplicate_groups(
    c: IncidentColumns, candidates: NDArray[np.bool_]
) -> tuple[list[DuplicateGroup], list[tuple[int, int, tuple[str, ...]]]]:
    """Connected groups of candidates sharing footage, and (dropped, kept, what the group
    shares) rows: each
    group counts once, as its highest-status member (the lowest id among equals)."""
    from corroborate.match.grouping import DisjointSets  # match loads FAISS: only when asked

    links = [x for x in c.links if candidates[x.first] and candidates[x.second]]
    if not links:
        return [], []
    sets = DisjointSets()
    shared: dict[str, set[str]] = {}
    for x in links:
        a, b = c.refs[x.first], c.refs[x.second]
        sets.union(a, b)
        shared.setdefault(a, set()).update(x.shared)
        shared.setdefault(b, set()).update(x.shared)
    row = {c.refs[r]: r for x in links for r in (x.first, x.second)}
    groups: list[DuplicateGroup] = []
    dropped: list[tuple[int, int, tuple[str, ...]]] = []
    for members in sets.groups().values():
        common = tuple(sorted(set().union(*(shared.get(m, set()) for m in members))))
        groups.append(DuplicateGroup(tuple(sorted(members)), common))
        ranked = sorted(members, key=lambda m: (-int(c.status[row[m]]), m))
        dropped.extend((row[m], row[ranked[0]], common) for m in ranked[1:])
    return sorted(groups, key=lambda g: g.incidents), dropped


def _labels(c: IncidentColumns, dim: str) -> tuple[NDArray[np.int64], list[str]]:
    """Each row's group under one dimension, as a code and the codes' labels."""
    if dim in ("month", "year"):
        month = months(c.began)
        number = month if dim == "month" else month // 12
        number = np.where(c.began == UNDATED, -1, number)
        values, codes = np.unique(number, return_inverse=True)
        shown = [
            "undated"
            if v < 0
            else (f"{v // 12:04d}-{v % 12 + 1:02d}" if dim == "month" else f"{v:04d}")
            for v in values.tolist()
        ]
        return codes.astype(np.int64), shown
    if dim == "status":
        return c.status.astype(np.int64), list(INCIDENT_STATUSES)
    column = {
        "type": c.type,
        "region": c.place_region,
        "perpetrator": c.perpetrator,
        "victim": c.victim,
        "category": c.category,
    }[dim]
    unknown = dim in ("perpetrator", "victim")
    return column.codes.astype(np.int64), [
        (v or "unknown") if unknown else v for v in column.values
    ]


def _row(c: IncidentColumns, key: dict[str, str], rows: NDArray[np.intp]) -> TallyRow:
    """The figures of the given rows (low and high summed apart, unknown never 0)."""
    out = TallyRow(key=key, incidents=len(rows), incident_ids=[c.refs[i] for i in rows])
    missing = np.zeros(len(rows), dtype=bool)
    for measure in MEASURES:
        low = getattr(c, f"{measure}_low")[rows]
        high = getattr(c, f"{measure}_high")[rows]
        unknown = np.isnan(low)
        missing |= unknown
        known_low = low[~unknown]
        setattr(out, f"{measure}_low", int(known_low.sum()))
        setattr(out, f"{measure}_unknown", int(unknown.sum()))
        upper = np.where(np.isnan(high), low, high)[~unknown]
        setattr(out, f"{measure}_high", None if unknown.any() else int(upper.sum()))
    out.figures_unknown = int(missing.sum())
    return out


def _count(
    archive: Archive,
    dims: tuple[str, ...],
    min_status: str | None,
    start: date | None,
    end: date | None,
) -> Tally:
    chosen = select_counted(archive, min_status, start, end)
    c = chosen.columns
    counted = np.flatnonzero(chosen.counted)
    rows: list[TallyRow] = []
    if dims:
        labelled = [_labels(c, d) for d in dims]
        codes = np.stack([codes[counted] for codes, _ in labelled], axis=1)
        keys, inverse = np.unique(codes, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        order = np.argsort(inverse, kind="stable")
        bounds = np.searchsorted(inverse[order], np.arange(len(keys) + 1))
        for g, key in enumerate(keys.tolist()):
            shown = [labels[k] for (_, labels), k in zip(labelled, key, strict=True)]
            members = counted[order[bounds[g] : bounds[g + 1]]]
            rows.append(_row(c, dict(zip(dims, shown, strict=True)), members))
        rows.sort(key=lambda r: tuple(r.key[d] for d in dims))
    total = _row(c, {}, counted)
    if not dims and len(counted):
        rows = [_row(c, {}, counted)]
    return Tally(
        by=dims,
        min_status=min_status,
        date_from=start,
        date_to=end,
        rows=rows,
        total=total,
        left_out=chosen.left_out,
        duplicates=list(chosen.duplicates),
    )
