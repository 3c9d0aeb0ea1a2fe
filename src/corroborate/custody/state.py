"""Database state bound to the custody log.

The log proves what was *done*; the rows that `show`, `tally`, exports and packages read are
what is *believed*. Someone with the database can change the second without touching the
first, so every write transaction also appends a `state.record` entry carrying, for each row
it inserted, updated or deleted, the SHA-256 of the row's canonical serialisation (or null when
the row was deleted). `verify` replays those entries and recomputes every current row: a row
that differs from its latest logged state, a row that no entry covers, and a logged row that is
gone are each named.

Canonical serialisation of one row (stated in the README so anyone can recompute it):
`{"row": {column: value, ...}, "table": name}` as JSON with sorted keys, no spaces, UTF-8;
timestamps as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC), dates as `YYYY-MM-DD`, binary columns as
`"sha256:<hex of the bytes' SHA-256>"`, JSON columns as their JSON value, numbers as JSON
numbers. A column added by a later migration is left out while it holds the value every row
was given when it was added (declared as `info={"state_omit_if": value}`), so that the rows of
an upgraded archive keep the digests already logged; any other value is serialised as usual.
The row's key in the log is `table/primary-key`.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, event, func, inspect, select
from sqlalchemy.orm import Session

from corroborate.core import Problem
from corroborate.custody.models import CustodyEntryRow

RECORD = "state.record"
BASELINE = "state.baseline"
ACTIONS = (RECORD, BASELINE)
# Tables the custody log checks by itself (entries are leaves, heads are signed).
EXEMPT = frozenset({"custody_entries", "tree_heads", "alembic_version"})
_CHANGED = "state_changed"
_CHUNK = 500

# How a row is named to the reader, per table: (noun, column that users know it by).
_NAMES: dict[str, tuple[str, str]] = {
    "items": ("item", "id"),
    "sightings": ("sighting", "id"),
    "derivatives": ("derivative (keyframe)", "id"),
    "incidents": ("incident", "uid"),
    "incident_evidence": ("evidence link", "id"),
    "sources": ("source", "name"),
    "incident_citations": ("citation", "id"),
    "incident_reviews": ("review", "id"),
    "incident_distinct_pairs": ("distinct-pair ruling", "id"),
    "claims": ("claim", "id"),
    "match_signatures": ("signature", "id"),
    "match_links": ("stored match", "id"),
    "timestamp_tokens": ("timestamp token", "id"),
}


def bound_tables() -> list[Table]:
    """Every table whose rows must match the log: all of them but the log's own."""
    from corroborate.db import Base, import_all_models

    import_all_models()
    return [t for name, t in sorted(Base.metadata.tables.items()) if name not in EXEMPT]


_PLAIN = frozenset({str, int, float, bool, type(None)})  # kept as they are in the JSON


def _jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return "sha256:" + hashlib.sha256(bytes(value)).hexdigest()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# Per table: each column's name and, for a column added later, the value it is left out at.
_LAYOUTS: dict[Table, tuple[tuple[str, bool, Any], ...]] = {}


def _layout(table: Table) -> tuple[tuple[str, bool, Any], ...]:
    found = _LAYOUTS.get(table)
    if found is None:
        found = tuple(
            (c.name, "state_omit_if" in c.info, c.info.get("state_omit_if")) for c in table.columns
        )
        _LAYOUTS[table] = found
    return found


def canonical_row(table: Table, row: Any) -> str:
    """The canonical serialisation of one row (a mapping of column name to value)."""
    from corroborate.custody.log import canonical_json

    shown: dict[str, Any] = {}
    for name, omits, omit in _layout(table):
        value = row[name]
        if omits and type(value) is type(omit) and value == omit:
            continue  # a column added later, at the value it was added with: as before it
        shown[name] = value if type(value) in _PLAIN else _jsonable(value)
    return canonical_json({"table": table.name, "row": shown})


def row_digest(table: Table, row: Any) -> str:
    return hashlib.sha256(canonical_row(table, row).encode()).hexdigest()


def _pk_column(table: Table) -> Any:
    (column,) = table.primary_key.columns
    return column


def row_key(table: Table, pk: Any) -> str:
    return f"{table.name}/{pk}"


# -- recording, inside a write transaction -------------------------------------------------


def track(session: Session) -> None:
    """Collect the rows each flush of this write session inserts, updates or deletes."""
    event.listen(session, "after_flush", _collect)


def _collect(session: Session, _flush_context: Any) -> None:
    changed: dict[str, set[Any]] = session.info.setdefault(_CHANGED, {})
    for obj in (*session.new, *session.dirty, *session.deleted):
        state = inspect(obj)
        table = state.mapper.local_table
        if not isinstance(table, Table) or table.name in EXEMPT:
            continue
        (pk,) = state.mapper.primary_key_from_instance(obj)
        if pk is not None:
            changed.setdefault(table.name, set()).add(pk)


def _digests(session: Session, table: Table, keys: Iterable[Any]) -> dict[str, str | None]:
    pk = _pk_column(table)
    wanted = sorted(keys, key=str)
    found: dict[str, str | None] = {row_key(table, k): None for k in wanted}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for row in session.execute(select(table).where(pk.in_(chunk))).mappings():
            found[row_key(table, row[pk.name])] = row_digest(table, row)
    return found


def record_pending(session: Session, *, actor: str | None = None) -> None:
    """Append one `state.record` entry for the rows this transaction changed (if any)."""
    from corroborate.custody import log

    session.flush()
    changed: dict[str, set[Any]] = session.info.pop(_CHANGED, {})
    if not changed:
        return
    tables = {t.name: t for t in bound_tables()}
    rows: dict[str, str | None] = {}
    for name in sorted(changed):
        rows.update(_digests(session, tables[name], changed[name]))
    pending = session.info.get("custody_pending") or []
    who = actor or (pending[-1].actor if pending else "corroborate")
    log.append(session, actor=who, action=RECORD, details={"rows": rows})


def record_baseline(session: Session, *, actor: str) -> int:
    """Record every current row once, for an archive made before state was bound to the log.

    Rows that existed before this entry were never checked against the log; the entry says so
    and `verify` reports a baseline that comes after any other state record.
    """
    from corroborate.custody import log

    rows: dict[str, str | None] = {}
    for table in bound_tables():
        for key, digest in _current(session, table):
            rows[key] = digest
    log.append(
        session,
        actor=actor,
        action=BASELINE,
        details={
            "rows": rows,
            "note": "state recorded when this archive was upgraded; earlier edits are unchecked",
        },
    )
    return len(rows)


def needs_baseline(session: Session) -> bool:
    """True for an archive with rows but no state record at all (made by an older version)."""
    if session.scalar(
        select(func.count()).select_from(CustodyEntryRow).where(CustodyEntryRow.action.in_(ACTIONS))
    ):
        return False
    return any(session.scalar(select(func.count()).select_from(t)) for t in bound_tables())


# -- checking ------------------------------------------------------------------------------


def _current(session: Session, table: Table) -> Iterator[tuple[str, str]]:
    pk = _pk_column(table)
    result = session.execute(select(table).order_by(pk).execution_options(yield_per=2000))
    for row in result.mappings():
        yield row_key(table, row[pk.name]), row_digest(table, row)


def _label(table: Table, session: Session, pk: Any) -> str:
    if table.name == "incidents" and isinstance(pk, int):
        return f"incident INC-{pk:04d}"  # as users know it (incidents.records.display_id)
    noun, column = _NAMES.get(table.name, (f"{table.name} row", _pk_column(table).name))
    if column != _pk_column(table).name:
        name = session.scalar(select(table.c[column]).where(_pk_column(table) == pk))
        if name is not None:
            return f"{noun} {name} ({table.name} #{pk})"
    return f"{noun} {pk} ({table.name})"


def logged_state(
    session: Session, *, table: str | None = None
) -> tuple[dict[str, str | None], list[Problem]]:
    """The latest logged digest of every row key (of one table, if named), in log order."""
    expected: dict[str, str | None] = {}
    problems: list[Problem] = []
    seen_record = False
    query = (
        select(CustodyEntryRow.seq, CustodyEntryRow.action, CustodyEntryRow.details)
        .where(CustodyEntryRow.action.in_(ACTIONS))
        .order_by(CustodyEntryRow.seq)
    )
    if table is not None:  # canonical JSON keeps the key's text as written: a cheap pre-filter
        query = query.where(CustodyEntryRow.details.contains(f'"{table}/'))
    for seq, action, details in session.execute(query):
        try:
            rows = json.loads(details)["rows"]
        except (ValueError, KeyError, TypeError):
            problems.append(
                Problem(
                    "altered_entry",
                    f"custody entry {seq}",
                    f"custody entry {seq} ({action}) is unreadable",
                )
            )
            continue
        if action == BASELINE and seen_record:
            problems.append(
                Problem(
                    "late_baseline",
                    f"custody entry {seq}",
                    f"custody entry {seq} re-records the whole state after state was already "
                    "bound to the log: edits before it may have been blessed",
                )
            )
        seen_record = seen_record or action == RECORD
        if table is None:
            expected.update(rows)
        else:
            expected.update((k, v) for k, v in rows.items() if k.startswith(f"{table}/"))
    return expected, problems


def verify_state(session: Session) -> list[Problem]:
    """Every row that differs from its latest logged state, is not logged, or has gone."""
    expected, problems = logged_state(session)
    for table in bound_tables():
        prefix = f"{table.name}/"
        seen: set[str] = set()
        altered: list[Any] = []
        unlogged: list[Any] = []
        pk_type = _pk_column(table).type.python_type
        for key, digest in _current(session, table):
            seen.add(key)
            if key not in expected or expected[key] is None:
                unlogged.append(key[len(prefix) :])
            elif expected[key] != digest:
                altered.append(key[len(prefix) :])
        for pk in altered:
            where = _label(table, session, pk_type(pk))
            problems.append(
                Problem(
                    "altered_row",
                    where,
                    f"{where} was changed outside corroborate: it no longer matches its "
                    "state recorded in the custody log",
                )
            )
        for pk in unlogged:
            where = _label(table, session, pk_type(pk))
            problems.append(
                Problem(
                    "unlogged_row",
                    where,
                    f"{where} is in the database but no custody entry records it "
                    "(inserted outside corroborate, or deleted in the log)",
                )
            )
        for key, logged in expected.items():
            if key.startswith(prefix) and logged is not None and key not in seen:
                noun = _NAMES.get(table.name, (f"{table.name} row", ""))[0]
                where = f"{noun} {key[len(prefix) :]}"
                problems.append(
                    Problem(
                        "removed_row",
                        f"{where} ({table.name})",
                        f"{where} ({table.name}) is recorded in the custody log but is gone "
                        "from the database (deleted outside corroborate)",
                    )
                )
    return problems


def table_named(name: str) -> Table:
    """One bound table by name (for callers that check their own rows)."""
    return {t.name: t for t in bound_tables()}[name]


def differing(session: Session, table: Table, pks: Iterable[Any]) -> list[Any]:
    """Of the given rows, the primary keys of those that differ from the log or are unlogged."""
    expected, _ = logged_state(session, table=table.name)
    python_type = _pk_column(table).type.python_type
    return [
        python_type(key.split("/", 1)[1])
        for key, digest in _digests(session, table, pks).items()
        if digest is not None and expected.get(key) != digest
    ]


def check_rows(session: Session, table: Table, pks: Iterable[Any]) -> list[Problem]:
    """The named rows' agreement with the log, for commands that must not act on forged state
    (an evidence package, a tally): a row that differs, or that no entry records."""
    expected, _ = logged_state(session, table=table.name)
    problems: list[Problem] = []
    for key, digest in _digests(session, table, pks).items():
        if digest is not None and expected.get(key) != digest:
            pk = key.split("/", 1)[1]
            where = _label(table, session, _pk_column(table).type.python_type(pk))
            problems.append(
                Problem(
                    "altered_row",
                    where,
                    f"{where} does not match its state recorded in the custody log",
                )
            )
    return problems


def check_records(session: Session, rows: dict[str, Iterable[Any]]) -> list[Problem]:
    """`check_rows` over several tables at once: {table name: primary keys}."""
    problems: list[Problem] = []
    for name, pks in rows.items():
        problems.extend(check_rows(session, table_named(name), pks))
    return problems


class TableWatch:
    """Which rows of one table differ from their logged state, brought up to date after each
    change instead of recomputed: a tally of 100,000 incidents re-reads the rows (one query)
    but digests only those whose values changed, and replays only the log entries appended
    since. The rows are always read again, so a hand edit is caught as soon as it is made.

    Not shared between threads without `lock` (the caller holds it)."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.lock = threading.Lock()
        self._seq = 0  # the last state entry replayed
        self._leaf: str | None = None  # its leaf hash: a rewritten log is replayed anew
        self._expected: dict[str, str | None] = {}
        self._rows: dict[Any, tuple[tuple[Any, ...], str]] = {}  # pk: (values, digest)
        self._last: tuple[list[tuple[Any, ...]], set[Any]] | None = None  # rows read, answer

    def _replay(self, session: Session) -> bool:
        """Bring the expected digests up to date; True when they may have changed (an entry
        replayed, or the log found rewritten and replayed from the start)."""
        changed = False
        if self._seq:
            leaf = session.scalar(
                select(CustodyEntryRow.leaf_hash).where(CustodyEntryRow.seq == self._seq)
            )
            if leaf != self._leaf:
                self._seq, self._leaf, self._expected = 0, None, {}
                changed = True
        prefix = f"{self.table.name}/"
        query = (
            select(CustodyEntryRow.seq, CustodyEntryRow.details, CustodyEntryRow.leaf_hash)
            .where(CustodyEntryRow.action.in_(ACTIONS), CustodyEntryRow.seq > self._seq)
            .where(CustodyEntryRow.details.contains(f'"{prefix}'))
            .order_by(CustodyEntryRow.seq)
        )
        for seq, details, leaf in session.execute(query):
            try:
                rows = json.loads(details)["rows"]
                self._expected.update((k, v) for k, v in rows.items() if k.startswith(prefix))
            except (ValueError, KeyError, TypeError, AttributeError):
                pass  # an unreadable entry is `verify`'s to report; it records nothing here
            self._seq, self._leaf = seq, leaf
            changed = True
        return changed

    def columns(self) -> list[str]:
        """The table's columns, in the order `differing` wants its raw rows."""
        return [c.name for c in self.table.columns]

    def differing(self, session: Session, raw: list[tuple[Any, ...]] | None = None) -> set[Any]:
        """Primary keys of the rows that differ from the log or that no entry records.

        `raw`: the table's rows as `raw_rows` gives them for `columns()`, when the caller has
        read them already (read here otherwise)."""
        replayed = self._replay(session)
        pk = _pk_column(self.table)
        at = self.columns().index(pk.name)
        # The rows as the driver gives them (no type conversion): equal to last time means
        # unchanged, so only the others are read as values and digested.
        if raw is None:
            raw = raw_rows(session, self.table.name, self.columns())
        if not replayed and self._last is not None and self._last[0] == raw:
            return set(self._last[1])  # nothing logged, nothing changed: the same answer
        kept: dict[Any, tuple[tuple[Any, ...], str]] = {}
        changed: list[Any] = []
        for values in raw:
            key = values[at]
            known = self._rows.get(key)
            if known is not None and known[0] == values:
                kept[key] = known
            else:
                changed.append(key)
                kept[key] = (values, "")
        for start in range(0, len(changed), _CHUNK):
            chunk = changed[start : start + _CHUNK]
            for row in session.execute(select(self.table).where(pk.in_(chunk))).mappings():
                key = row[pk.name]
                if key in kept:
                    kept[key] = (kept[key][0], row_digest(self.table, row))
        self._rows = kept
        found = {
            key
            for key, (_, digest) in kept.items()
            if self._expected.get(row_key(self.table, key)) != digest
        }
        self._last = (raw, found)
        return set(found)


def raw_rows(session: Session, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    """Every row of `table`, the named columns as the database driver returns them: a hundred
    thousand rows in a fraction of the time typed results take."""
    quote = session.get_bind().dialect.identifier_preparer.quote
    # the DB-API cursor of the session's own connection (its transaction): fetchall builds the
    # tuples in C, where iterating a result builds a Row object per row
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)}")
        return [tuple(r) for r in cursor.fetchall()]
    finally:
        cursor.close()
