"""The timeline: incidents per day, week or month by type, counted as the tally counts them.

An incident is binned only when its whole date range falls inside one bin: one known only to a
month is a month-long span on a daily or weekly timeline, never a spike on the 1st. The
incidents counted are exactly the tally's (possible duplicates once, the status and period
filters the same), so the timeline and the tally never disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from corroborate.accounts import Actor, require
from corroborate.errors import InputError
from corroborate.incidents.columns import EPOCH_DAY, UNDATED
from corroborate.incidents.tally import select_counted
from corroborate.report.mapview import IncidentQuery
from corroborate.storage.archive import Archive

UNITS = ("day", "week", "month")


def parse_unit(value: str | None) -> str:
    unit = (value or "month").strip().lower()
    if unit not in UNITS:
        raise InputError(f"unknown timeline unit {value!r}; use one of: {', '.join(UNITS)}")
    return unit


def bin_start(day: date, unit: str) -> date:
    """The first day of the bin holding `day` (weeks start on Monday, as ISO 8601's do)."""
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def bin_end(start: date, unit: str) -> date:
    """The last day of the bin starting on `start`."""
    if unit == "day":
        return start
    if unit == "week":
        return start + timedelta(days=6)
    return (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


@dataclass(frozen=True)
class TimelineBin:
    start: date
    end: date
    type: str
    count: int


@dataclass(frozen=True)
class TimelineSpan:
    """Incidents known only to a range wider than one bin (a month, "early March")."""

    start: date
    end: date
    precision: str
    type: str
    count: int


@dataclass(frozen=True)
class Timeline:
    unit: str
    bins: list[TimelineBin]
    spans: list[TimelineSpan]
    undated: int  # counted incidents with no date (only without a period filter)
    counted: int  # every incident on the timeline: bins + spans + undated
    left_out: dict[str, int]  # the tally's reasons for leaving incidents out, with counts


def timeline(archive: Archive, query: IncidentQuery, unit: str, *, actor: Actor) -> Timeline:
    """The incidents the tally counts under `query`'s status and period, filtered by its other
    fields, binned by `unit`."""
    require(actor, "read")
    unit = parse_unit(unit)
    return archive.cached(("timeline", query, unit), lambda: _binned(archive, query, unit))


def _binned(archive: Archive, query: IncidentQuery, unit: str) -> Timeline:
    chosen = select_counted(
        archive,
        query.min_status,
        query.date_from,
        query.date_to,
    )
    c = chosen.columns
    rows = np.flatnonzero(chosen.counted & query.mask(c))
    began, ended = c.began[rows], c.ended[rows]
    dated = began != UNDATED
    first, last = _bin_of(began, unit), _bin_of(ended, unit)
    binned = dated & (first == last)
    bins: Counter[tuple[date, str]] = Counter()
    for day, kind in zip(first[binned].tolist(), c.type.codes[rows][binned].tolist(), strict=True):
        bins[(date.fromordinal(day), c.type.values[kind])] += 1
    spans: Counter[tuple[date, date, str, str]] = Counter()
    wide = dated & ~binned
    for b, e, p, kind in zip(
        began[wide].tolist(),
        ended[wide].tolist(),
        c.precision.codes[rows][wide].tolist(),
        c.type.codes[rows][wide].tolist(),
        strict=True,
    ):
        spans[
            (date.fromordinal(b), date.fromordinal(e), c.precision.values[p], c.type.values[kind])
        ] += 1
    undated = int((~dated).sum())
    shown = sum(bins.values()) + sum(spans.values()) + undated
    return Timeline(
        unit=unit,
        bins=[
            TimelineBin(start, bin_end(start, unit), kind, n)
            for (start, kind), n in sorted(bins.items())
        ],
        spans=[
            TimelineSpan(start, end, precision, kind, n)
            for (start, end, precision, kind), n in sorted(spans.items())
        ],
        undated=undated,
        counted=shown,
        left_out=chosen.left_out.counts(),
    )


def _bin_of(days_in: NDArray[np.int32], unit: str) -> NDArray[np.int64]:
    """The day number of the first day of each day's bin (as `bin_start`, for many days)."""
    days: NDArray[np.int64] = days_in.astype(np.int64)
    if unit == "day":
        return days
    if unit == "week":
        return days - (days - 1) % 7  # day 1 (0001-01-01) was a Monday
    as_dates = (days - EPOCH_DAY).astype("datetime64[D]")
    firsts = as_dates.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return firsts + EPOCH_DAY
