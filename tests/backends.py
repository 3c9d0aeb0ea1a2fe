"""The backends a behavioural test runs on, and the few ways a test reaches past corroborate.

One story, word for word, on a laptop archive (SQLite and a local folder) and on a team server
(a real PostgreSQL and a real S3 server, Ceph's RADOS Gateway). `CORROBORATE_TEST_BACKEND`
names the backend the `archive` fixture builds on (`sqlite+folder`, the default, or
`postgresql+s3`); tests/test_every_backend.py runs its stories on both in one pass. Where a test
plays a forger, it goes through `raw_database` and `edit_blob` here, so only how a real forger
reaches the tables and the objects differs between backends, not the test.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from corroborate.custody.setup import init_archive
from corroborate.storage.archive import Archive
from corroborate.testing.rgw import S3Server

BACKENDS = ("sqlite+folder", "postgresql+s3")
ENV = "CORROBORATE_TEST_BACKEND"

# the behavioural files that run unchanged on every backend (`-m backend` selects them);
# scripts/test runs them a second time with CORROBORATE_TEST_BACKEND=postgresql+s3
BEHAVIOURAL_FILES = (
    "test_archive.py",
    "test_custody.py",
    "test_tamper_custody.py",
    "test_tamper_state.py",
    "test_ingest_safety.py",
    "test_incidents_story.py",
)


def chosen() -> str:
    """The backend named by CORROBORATE_TEST_BACKEND; a name that is none of them is refused."""
    name = os.environ.get(ENV, BACKENDS[0])
    if name not in BACKENDS:
        raise pytest.UsageError(f"{ENV}={name!r}: not a backend (one of {', '.join(BACKENDS)})")
    return name


@dataclass
class Backend:
    name: str
    postgres: str | None = None  # the server's URL, for a new database per archive
    s3: S3Server | None = None
    bucket: str | None = None  # made on first use; each archive has its own prefix inside it

    def init(self, path: Path) -> Archive:
        """A new, empty archive on this backend."""
        from corroborate.testing.servers import new_database  # the plugin, once pytest loads it

        if self.postgres is None:
            return init_archive(path)
        return init_archive(path, database_url=new_database(self.postgres), blob_url=self.store())

    def store(self) -> str:
        """A new, empty place for an archive's objects: a prefix of its own in the bucket."""
        from corroborate.testing.servers import new_bucket

        assert self.s3 is not None
        if self.bucket is None:
            self.bucket = new_bucket(self.s3).rsplit("/", 1)[0]
        return f"{self.bucket}/{uuid.uuid4().hex[:12]}"

    def clone(self, source: Path, target: Path) -> Archive:
        """A second archive holding exactly what the closed archive at `source` holds, its
        folder, database and objects copied byte for byte (no custody entry records it)."""
        import shutil

        shutil.copytree(source, target)
        if self.postgres is not None:
            assert self.s3 is not None
            settings = json.loads((source / "archive.json").read_text())
            old_db = settings["database_url"].rsplit("/", 1)[1]
            name = f"{old_db}_{uuid.uuid4().hex[:8]}"
            url = self.postgres.rsplit("/", 1)[0] + "/" + name
            engine = sa.create_engine(self.postgres, poolclass=NullPool)
            try:
                with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
                    conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{old_db}"'))
            finally:
                engine.dispose()
            store = self.store()
            fs, root = _s3fs(), settings["blob_url"].removeprefix("s3://")
            for key in fs.find(root):
                fs.copy(key, store.removeprefix("s3://") + key.removeprefix(root))
            settings.update(database_url=url, blob_url=store)
            (target / "archive.json").write_text(json.dumps(settings, indent=2) + "\n")
        return Archive.open(target)

    def bypass_append_only(self, conn: sa.Connection, table: str) -> None:
        """What a forger with the database's owner rights does before rewriting history."""
        bypass_append_only(conn, table)


def _s3fs() -> Any:
    import fsspec

    return fsspec.filesystem("s3", skip_instance_cache=True)


def backend_named(
    name: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Backend:
    """The backend `name`, its servers started (once a session) and, for S3, the keys and the
    endpoint in the environment as a team's service unit sets them (children inherit them)."""
    if name == "sqlite+folder":
        return Backend(name)
    postgres: str = request.getfixturevalue("postgres_server")
    s3: S3Server = request.getfixturevalue("s3_server")
    for key, value in s3.env.items():
        monkeypatch.setenv(key, value)
    return Backend(name, postgres, s3)


def bypass_append_only(conn: sa.Connection, table: str) -> None:
    """Switch off the triggers that keep `table` append-only, as the database's owner can."""
    if conn.dialect.name == "sqlite":
        conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {table}_no_update"))
        conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))
    else:
        conn.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))


class RawDatabase:
    """The archive's database reached past corroborate, as anyone holding the SQLite file or
    the PostgreSQL owner's password reaches it: none of corroborate's own settings, and every
    statement commits on its own. Closed by `close`, a `with` block, or when dropped."""

    def __init__(self, archive: Archive) -> None:
        self.engine = sa.create_engine(
            archive.writer.url, poolclass=NullPool, isolation_level="AUTOCOMMIT"
        )
        self.conn = self.engine.connect()

    def __enter__(self) -> RawDatabase:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()
        self.engine.dispose()

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> sa.CursorResult[Any]:
        return self.conn.execute(sa.text(sql), params or {})

    def one(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        """The first column of the first row `sql` selects."""
        row = self.execute(sql, params).first()
        assert row is not None, sql
        return row[0]

    def bypass_append_only(self, table: str) -> None:
        bypass_append_only(self.conn, table)

    def copy_row(self, table: str, where: str, **changes: object) -> None:
        """Insert a copy of one row of `table`, with `changes`, as a forger slips one in."""
        found = self.execute(f"SELECT * FROM {table} WHERE {where}").mappings().first()
        assert found is not None, (table, where)
        values = {**found, **changes}
        names = ", ".join(values)
        marks = ", ".join(f":{k}" for k in values)
        json_columns = [  # PostgreSQL hands JSON columns back decoded; they go in as JSON
            sa.bindparam(k, type_=sa.JSON) for k, v in values.items() if isinstance(v, dict | list)
        ]
        insert = sa.text(f"INSERT INTO {table} ({names}) VALUES ({marks})").bindparams(
            *json_columns
        )
        self.conn.execute(insert, values)


def raw_database(archive: Archive) -> RawDatabase:
    """A connection straight to `archive`'s database (see `RawDatabase`)."""
    return RawDatabase(archive)


def edit_blob(archive: Archive, sha256: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite the stored object under `sha256` in place (a file on disk, an object on S3)."""
    fs, where = archive.blobs.fs, archive.blobs.path(sha256)
    with fs.open(where, "rb") as src:
        data = src.read()
    with fs.open(where, "wb") as out:
        out.write(change(data))
    fs.invalidate_cache()


def flip_a_byte(data: bytes) -> bytes:
    """The same object with one bit of its middle byte changed."""
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    return bytes(changed)


def remove_blob(archive: Archive, sha256: str) -> None:
    """Delete the stored object under `sha256`."""
    archive.blobs.fs.rm(archive.blobs.path(sha256))
    archive.blobs.fs.invalidate_cache()


@contextmanager
def failing_inserts(
    archive: Archive, table: str, column: str, value: str, message: str
) -> Iterator[None]:
    """While inside, the database refuses to insert into `table` a row whose `column` is
    `value`, with `message`, as a full disk refuses a write; removed again on the way out."""
    with raw_database(archive) as db:
        if db.conn.dialect.name == "sqlite":
            db.execute(
                f"CREATE TRIGGER poison BEFORE INSERT ON {table} WHEN NEW.{column} = '{value}' "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
            undo = "DROP TRIGGER poison"
        else:
            db.execute(
                "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.{column} = '{value}' THEN RAISE EXCEPTION '{message}'; END IF; "
                "RETURN NEW; END $$"
            )
            db.execute(
                f"CREATE TRIGGER poison BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION poison()"
            )
            undo = f"DROP TRIGGER poison ON {table}; DROP FUNCTION poison()"
        try:
            yield
        finally:
            for statement in undo.split("; "):
                db.execute(statement)


def temporaries(archive: Archive) -> list[str]:
    """What the store holds under its temporary prefix (a write not yet under its address)."""
    archive.blobs.fs.invalidate_cache()
    return list(archive.blobs.fs.find(f"{archive.blobs.root}/tmp"))
