"""Every unmerged incident's countable fields as columns, read in a few queries and kept until
the database changes.

The tally, the timeline and the map filter and count the same incidents many times a minute
with different filters. Building 100,000 incident records for each of those takes seconds;
filtering columns takes milliseconds. The columns are the database's values (each kept result
is dropped by any commit, see `Archive.cached`), and the records a tally must not count (rows
changed outside corroborate) are found by the custody state's `TableWatch`, which digests only
the rows that changed since it last looked.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from operator import itemgetter
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select

from corroborate.core import DATE_PRECISIONS, INCIDENT_STATUSES, VICTIM_CATEGORIES, stored_word
from corroborate.custody.state import TableWatch, raw_rows, table_named
from corroborate.incidents.duplicates import distinct_pairs, evidence_keys, item_clusters
from corroborate.incidents.ids import incident_ref
from corroborate.incidents.models import EvidenceRow
from corroborate.incidents.records import cluster_now
from corroborate.storage.archive import Archive

UNDATED = 0  # the day number of an incident with no date (real days are 1 and up)
EPOCH_DAY = date(1970, 1, 1).toordinal()  # numpy day 0, as a date.toordinal() day number


@dataclass(frozen=True)
class Codes:
    """A column of words as small integers: `values[codes[i]]` is row i's value."""

    codes: NDArray[np.int32]
    values: tuple[Any, ...]

    @classmethod
    def of(cls, values: list[Any]) -> Codes:
        distinct = tuple(dict.fromkeys(values))
        index = {v: i for i, v in enumerate(distinct)}
        codes = np.fromiter(map(index.__getitem__, values), dtype=np.int32, count=len(values))
        return cls(codes, distinct)

    def where(self, accept: Callable[[Any], bool]) -> NDArray[np.bool_]:
        """Rows whose value `accept` takes (asked once per distinct value)."""
        ok = np.fromiter((accept(v) for v in self.values), dtype=bool, count=len(self.values))
        return ok[self.codes] if len(self.values) else np.zeros(len(self.codes), dtype=bool)


@dataclass(frozen=True)
class DuplicateLink:
    """Two incidents (row numbers) whose evidence shows the same item or footage."""

    first: int
    second: int
    shared: frozenset[str]


@dataclass(frozen=True)
class IncidentColumns:
    """Unmerged incidents, oldest id first; missing figures and positions are NaN."""

    pk: NDArray[np.int64]
    refs: list[str]
    ref_rank: NDArray[np.int64]  # each row's place when the refs are sorted as text
    type: Codes
    status: NDArray[np.int8]  # index in INCIDENT_STATUSES
    began: NDArray[np.int32]  # day number (date.toordinal), UNDATED without a date
    ended: NDArray[np.int32]  # the last day (the first when no end is given), UNDATED
    precision: Codes
    region: Codes  # as recorded (what the map's region filter compares)
    place_region: Codes  # the tally's region: the place's first-level region or "unknown"
    perpetrator: Codes
    victim: Codes
    category: Codes
    killed_low: NDArray[np.float64]
    killed_high: NDArray[np.float64]
    injured_low: NDArray[np.float64]
    injured_high: NDArray[np.float64]
    latitude: NDArray[np.float64]
    longitude: NDArray[np.float64]
    sensitive: NDArray[np.bool_]
    altered: NDArray[np.bool_]  # the row differs from its state in the custody log
    links: tuple[DuplicateLink, ...]  # pairs sharing footage, less those ruled distinct

    def __len__(self) -> int:
        return len(self.pk)

    def located(self) -> NDArray[np.bool_]:
        return ~(np.isnan(self.latitude) | np.isnan(self.longitude))


def incident_columns(archive: Archive) -> IncidentColumns:
    """The columns as the database holds them now (read again only after a change)."""
    return archive.cached(("incident-columns",), lambda: _read(archive))


def warm(archive: Archive) -> None:
    """Read and check every incident now (in a server, at start), so the first person to open
    the map or the tally does not wait for the digest of every row (seconds at 100,000)."""
    incident_columns(archive)


def months(days: NDArray[np.int32]) -> NDArray[np.int64]:
    """Month numbers (year * 12 + month - 1) of day numbers (undated days give nonsense:
    mask them)."""
    as_dates = (days.astype(np.int64) - EPOCH_DAY).astype("datetime64[D]")
    return as_dates.astype("datetime64[M]").astype(np.int64) + 1970 * 12


def _number(values: list[Any]) -> NDArray[np.float64]:
    return np.array(values, dtype=np.float64)  # None becomes NaN


_COLUMNS = (
    "id",
    "merged_into_id",
    "type",
    "status",
    "occurred_from",
    "occurred_to",
    "date_precision",
    "region",
    "place_name",
    "latitude",
    "longitude",
    "perpetrator_party",
    "victim_party",
    "victim_category",
    "killed_low",
    "killed_high",
    "injured_low",
    "injured_high",
    "sensitive",
)


def _days(values: list[Any]) -> NDArray[np.int32]:
    """Day numbers of dates as the driver gives them (ISO text or dates), UNDATED for none."""
    as_dates = np.array(values, dtype="datetime64[D]")
    days = as_dates.astype(np.int64) + EPOCH_DAY
    return np.where(np.isnat(as_dates), UNDATED, days).astype(np.int32)


@dataclass
class _Built:
    """The columns last built, and what they were built from: after a commit that did not
    touch the incidents (a login, an upload), the rows read again are equal and the columns
    are reused; only the duplicate links, which follow the footage clusters, are found again."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    rows: list[tuple[Any, ...]] | None = None
    altered: set[Any] = field(default_factory=set)
    columns: IncidentColumns | None = None
    row_of: dict[int, int] = field(default_factory=dict)


def _read(archive: Archive) -> IncidentColumns:
    watch = archive.kept(("table-watch", "incidents"), lambda: TableWatch(table_named("incidents")))
    built = archive.kept(("incident-columns", "built"), _Built)
    names = watch.columns()
    with archive.session() as session:
        everything = raw_rows(session, "incidents", names)  # read once, for both
        evidence = session.execute(
            select(
                EvidenceRow.incident_id,
                EvidenceRow.item_id,
                EvidenceRow.cluster_id,
                EvidenceRow.cluster_items,
            ).order_by(EvidenceRow.id)
        ).all()
        with watch.lock:
            altered_pks = watch.differing(session, everything)
    with built.lock:
        if built.columns is None or built.rows != everything or built.altered != altered_pks:
            columns = _build(everything, names, altered_pks)
            built.rows, built.altered, built.columns = everything, altered_pks, columns
            built.row_of = {int(pk): i for i, pk in enumerate(columns.pk)}
        base, row_of = built.columns, built.row_of
    return replace(base, links=_duplicate_links(archive, evidence, row_of, base.refs))


def _build(
    everything: list[tuple[Any, ...]], names: list[str], altered_pks: set[Any]
) -> IncidentColumns:
    wanted = [names.index(c) for c in _COLUMNS]
    pick = itemgetter(*wanted)
    rows = [pick(r) for r in everything if r[wanted[1]] is None]
    rows.sort(key=lambda r: int(r[0]))
    columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in _COLUMNS]
    pks, _, types, statuses, began, ended, precisions, regions, places = columns[:9]
    lats, lons, perps, victims, categories, kl, kh, il, ih, sensitive = columns[9:]
    refs = [incident_ref(pk) for pk in pks]
    status_codes = Codes.of(statuses)
    for word in status_codes.values:  # a word corroborate never writes is said, not counted
        stored_word(word, INCIDENT_STATUSES, f"{refs[statuses.index(word)]}: status")
    precision = Codes.of(precisions)
    for word in precision.values:
        stored_word(word, DATE_PRECISIONS, f"{refs[precisions.index(word)]}: date precision")
    category = Codes.of(categories)
    for word in category.values:
        stored_word(word, VICTIM_CATEGORIES, f"{refs[categories.index(word)]}: victim category")
    status_index = np.array([INCIDENT_STATUSES.index(w) for w in status_codes.values], np.int8)
    first = _days(began)
    last = np.where(first == UNDATED, UNDATED, _days(ended))
    last = np.where(last == UNDATED, first, last).astype(np.int32)
    located = [
        (name or lat is not None) and region
        for name, lat, region in zip(places, lats, regions, strict=True)
    ]
    return IncidentColumns(
        pk=np.array(pks, dtype=np.int64),
        refs=refs,
        ref_rank=np.argsort(np.argsort(np.array(refs, dtype=object), kind="stable")),
        type=Codes.of(types),
        status=status_index[status_codes.codes] if pks else np.zeros(0, np.int8),
        began=first,
        ended=last,
        precision=precision,
        region=Codes.of(regions),
        place_region=Codes.of([r or "unknown" for r in located]),
        perpetrator=Codes.of(perps),
        victim=Codes.of(victims),
        category=category,
        killed_low=_number(kl),
        killed_high=_number(kh),
        injured_low=_number(il),
        injured_high=_number(ih),
        latitude=_number(lats),
        longitude=_number(lons),
        sensitive=np.array([bool(v) for v in sensitive], dtype=bool),
        altered=np.array([pk in altered_pks for pk in pks], dtype=bool),
        links=(),
    )


def _duplicate_links(
    archive: Archive,
    evidence: Sequence[Any],
    row_of: dict[int, int],
    refs: list[str],
) -> tuple[DuplicateLink, ...]:
    """Every pair of unmerged incidents whose evidence shares an item or footage, found per
    item or cluster (never by comparing every incident with every other)."""
    evidence = [e for e in evidence if e[0] in row_of]
    if not evidence:
        return ()
    current: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    if any(e[2] for e in evidence):
        from corroborate.match import cluster_members

        current, members = cluster_members(archive)
    links: dict[int, list[tuple[str | None, str | None, tuple[str, ...]]]] = {}
    for incident_pk, item_id, cluster_id, cluster_items in evidence:
        items = tuple(cluster_items or ())
        if cluster_id:
            cluster_id, items = cluster_now(cluster_id, items, current, members)
        links.setdefault(row_of[incident_pk], []).append((item_id, cluster_id, items))
    clusters = item_clusters(archive)
    keys = {row: evidence_keys(found, clusters) for row, found in links.items()}
    holding: dict[str, list[int]] = {}
    for row in sorted(keys):
        for key in keys[row]:
            holding.setdefault(key, []).append(row)
    distinct = distinct_pairs(archive)
    out: dict[tuple[int, int], DuplicateLink] = {}
    for rows in holding.values():
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                if (a, b) in out or frozenset((refs[a], refs[b])) in distinct:
                    continue
                out[(a, b)] = DuplicateLink(a, b, frozenset(keys[a] & keys[b]))
    return tuple(out[k] for k in sorted(out))
