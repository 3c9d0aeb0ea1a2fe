"""One database layer: SQLAlchemy 2 models over SQLite (WAL) by default, PostgreSQL by URL.

Two engines per archive: readers use ordinary deferred transactions; writers take the write lock
up front (SQLite `BEGIN IMMEDIATE`, a PostgreSQL advisory lock) so the custody log's sequence
numbers and signed heads are assigned by one writer at a time, whatever the number of processes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, TypeDecorator, create_engine, event
from sqlalchemy.orm import DeclarativeBase

from corroborate.db.registry import Registry
from corroborate.errors import InternalError


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored naive-in-UTC and always returned timezone-aware (UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise InternalError(f"a time without a time zone ({value}) reached a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base of every table in the archive."""

    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware."""
    return datetime.now(UTC)


def make_engines(url: str) -> tuple[Engine, Engine]:
    """(reader, writer) engines for a database URL."""
    if url.startswith("sqlite"):
        reader = create_engine(url, connect_args={"timeout": 120})
        writer = create_engine(url, connect_args={"timeout": 120})
        for engine, begin in ((reader, "BEGIN"), (writer, "BEGIN IMMEDIATE")):
            _sqlite_setup(engine, begin)
        return reader, writer
    reader = create_engine(url, pool_pre_ping=True)
    writer = create_engine(url, pool_pre_ping=True)

    @event.listens_for(writer, "begin")
    def _lock(conn: Any) -> None:  # one writer at a time, as with SQLite
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7215339)")

    return reader, writer


def _sqlite_setup(engine: Engine, begin: str) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=120000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)


MODELS_GROUP = "corroborate.models"
# Each entry point names a models module, imported for its tables (nothing to register).
MODELS: Registry[Any] = Registry(MODELS_GROUP, "table models", ())


def import_all_models() -> None:
    """Import every capability's models so metadata (and Alembic) sees all tables.

    The capabilities sit above this layer, so they are not named here: each declares its
    models module in the `corroborate.models` entry-point group (pyproject.toml). One that
    cannot be imported, or a group with none, is an error: a table left out would go
    unchecked by the custody log's state records.
    """
    MODELS.active(
        missing=f"no table models are installed (the {MODELS_GROUP!r} entry points are "
        "missing): reinstall corroborate (`pip install -e .`)"
    )


__all__ = ["MODELS_GROUP", "Base", "UTCDateTime", "import_all_models", "make_engines", "utcnow"]
