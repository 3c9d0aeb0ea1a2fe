"""An opened archive: its folder, database engines, blob store and settings.

Everything a capability needs to act on an archive comes from here, so a team server is a URL
change: `database_url` (SQLite file by default, PostgreSQL by URL) and `blob_url` (a local folder
by default, S3-compatible storage by URL) in the archive's `archive.json`. The custody log plugs
in through `corroborate.storage.hooks`; a new archive is made by `corroborate.custody.setup`,
which also writes its signing key.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from corroborate.errors import ArchiveError
from corroborate.storage import hooks
from corroborate.storage.blobs import BlobStore

T = TypeVar("T")
_MISSING = object()
MEMO_SIZE = 64  # derived results kept per archive (tallies for different filters)

CONFIG_NAME = "archive.json"
PASSWORD_NAME = "database.password"
PASSWORD_ENV = "CORROBORATE_DATABASE_PASSWORD"
FORMAT = 2
STATE_BOUND_FORMAT = 2  # from this format on, every row has been recorded in the custody log
# the key in a write session's `info` under which the opener's OS login travels to whatever
# records the write (the custody log), so that storage need not know who reads it
OS_LOGIN_INFO = "os_login"


def write_owner_only(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write `data` to `path` atomically with mode 0600 (no moment where others may read it)."""
    if exclusive and path.exists():
        raise ArchiveError(f"{path}: already exists")
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def split_password(url: str) -> tuple[str, str | None]:
    """The database URL without its password, and the password (None when there is none)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ArchiveError(f"not a database URL: {mask_password(url)}") from None
    if parsed.password is None:
        return url, None
    # URL.set(password=None) keeps the password; URL is a NamedTuple, and _replace drops it
    without = parsed._replace(password=None)
    return without.render_as_string(hide_password=False), str(parsed.password)


def mask_password(url: str) -> str:
    """A database URL fit for messages: any password shown as ***."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)


def with_password(url: str, password: str | None) -> str:
    """The URL with the password put in; a SQLite file has none (a team's password in the
    environment must not turn a local archive's URL into another one)."""
    if password is None:
        return url
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return url
    return parsed.set(password=password).render_as_string(hide_password=False)


def _database_password(directory: Path, settings: dict[str, Any]) -> str | None:
    """The password from the file named in settings (which must be 0600), or the environment.

    With neither, libpq's own PGPASSWORD and PGPASSFILE (~/.pgpass) still apply.
    """
    name = settings.get("database_password_file")
    if name:
        path = directory / str(name)
        try:
            mode = path.stat().st_mode
            text = path.read_text().strip("\r\n")
        except OSError as exc:
            raise ArchiveError(
                f"{path}: cannot read the database password ({exc.strerror})"
            ) from None
        if mode & 0o077:
            raise ArchiveError(
                f"{path}: the database password file is readable by others; run `chmod 600 {path}`"
            )
        return text
    return os.environ.get(PASSWORD_ENV) or None


def _first_line(exc: Exception, password: str | None) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line.replace(password, "***") if password else line


def remove_made(created_dir: Path | None, made: list[Path]) -> None:
    """Undo a failed creation: nothing half-written is left to be mistaken for an archive."""
    import shutil

    if created_dir is not None:
        shutil.rmtree(created_dir, ignore_errors=True)
        return
    for path in reversed(made):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def existing_archive(url: str, password: str | None, shown: str) -> str | None:
    """What an existing archive in this database looks like, or None for an empty database."""
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(with_password(url, password))
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            if "custody_entries" in tables:
                n = conn.execute(text("SELECT count(*) FROM custody_entries")).scalar_one()
                return f"a custody log of {n} entries"
            if tables:
                return f"{len(tables)} tables"
            return None
    except SQLAlchemyError as exc:
        raise ArchiveError(
            f"cannot open the database {shown}: {_first_line(exc, password)}"
        ) from None
    finally:
        engine.dispose()


@dataclass
class Archive:
    """An archive folder opened for use."""

    dir: Path
    database_url: str
    blob_url: str
    reader: Engine
    writer: Engine
    blobs: BlobStore
    settings: dict[str, Any] = field(default_factory=dict)
    # the OS account of a local operator (the CLI) who opened it, recorded beside each write's
    # actor; None where the actor is a logged-in account of the web workspace
    os_login: str | None = None
    # derived figures kept while the database is unchanged (see `cached`)
    _watch: Any = field(default=None, init=False, repr=False, compare=False)
    _memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _memo_lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )
    _flights: dict[Any, threading.Lock] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # state that is brought up to date rather than recomputed (see `kept`)
    _kept: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    # -- creating and opening -------------------------------------------------------------
    @classmethod
    def create(
        cls,
        directory: Path,
        made: list[Path],
        *,
        database_url: str | None,
        password: str | None,
        blob_url: str | None,
        settings: dict[str, Any],
        os_login: str | None = None,
    ) -> Archive:
        """Write a new archive's files owner-only, noting each in `made`, and open it.

        `settings` are what the capabilities add to `archive.json` (custody's key id); the
        custody key itself is written by the caller first (`corroborate.custody.setup`).
        """
        settings = {"format": FORMAT, **settings}
        if database_url:
            settings["database_url"] = database_url
        if password is not None:
            made.append(directory / PASSWORD_NAME)
            write_owner_only(directory / PASSWORD_NAME, password.encode())
            settings["database_password_file"] = PASSWORD_NAME
        if blob_url:
            settings["blob_url"] = blob_url
        elif not (directory / "blobs").exists():
            made.append(directory / "blobs")
            (directory / "blobs").mkdir(mode=0o700)
        if not database_url:
            db_file = directory / "archive.db"
            made.append(db_file)
            os.close(os.open(db_file, os.O_WRONLY | os.O_CREAT, 0o600))
        made.append(directory / CONFIG_NAME)
        write_owner_only(directory / CONFIG_NAME, (json.dumps(settings, indent=2) + "\n").encode())
        return cls.open(directory, os_login=os_login)

    @classmethod
    def open(cls, directory: Path, *, os_login: str | None = None) -> Archive:
        """Open an existing archive, migrating its schema to this version of the code.

        `os_login` is the OS account of a local operator opening it (the CLI), recorded beside
        the actor of every write made through it, the writes of opening included."""
        from sqlalchemy.exc import SQLAlchemyError

        from corroborate.db import make_engines
        from corroborate.db.migrate import upgrade

        directory = Path(directory)
        settings, db_url = _read_settings(directory)
        blob_url = settings.get("blob_url") or str((directory / "blobs").resolve())
        db_url, stray = split_password(db_url)  # an archive.json written before passwords moved
        password = stray or _database_password(directory, settings)
        try:
            reader, writer = make_engines(with_password(db_url, password))
            upgrade(writer)
        except SQLAlchemyError as exc:
            raise ArchiveError(
                f"cannot open the database {mask_password(db_url)}: {_first_line(exc, password)}"
            ) from None
        try:
            blobs = BlobStore(blob_url, settings.get("blob_endpoint"))
        except BaseException:
            reader.dispose()
            writer.dispose()
            raise
        opened = cls(directory, db_url, blob_url, reader, writer, blobs, settings, os_login)
        try:
            for hook in hooks.for_write():  # an archive that cannot be written is not opened
                hook.opened(opened)
        except BaseException:
            opened.close()
            raise
        return opened

    # -- sessions -------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session (deferred transaction); for queries only."""
        with Session(self.reader, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction holding the archive's write lock; commits on success.

        The archive hooks run around it: custody's records the changed rows and seals the
        entries appended in it under a new signed tree head before the commit, in the same
        transaction, so the log and its head never disagree. Without a hook that keeps the
        custody log the write is refused before anything is written.
        """
        plugged = hooks.for_write()
        with Session(self.writer, expire_on_commit=False) as session:
            session.info[OS_LOGIN_INFO] = self.os_login
            for hook in plugged:
                hook.begin(session)
            try:
                yield session
                for hook in plugged:
                    hook.before_commit(self, session)
                session.commit()
            except BaseException:
                session.rollback()
                raise

    # -- keys -----------------------------------------------------------------------------
    @property
    def key_dir(self) -> Path:
        return self.dir / "keys"

    # -- knowing when the database changed -----------------------------------------------
    def change_token(self) -> str:
        """A value that changes whenever the database may have changed, through this archive
        or any other program (a row edited by hand included): what derived figures are kept
        under. SQLite: `PRAGMA data_version` on a connection of its own that never writes
        (it changes when any other connection commits); PostgreSQL: the next transaction id,
        which every committed write moves on."""
        with self._memo_lock:
            if self.reader.dialect.name == "sqlite":
                if self._watch is None:
                    self._watch = self.reader.raw_connection()  # kept: never back in the pool
                cursor = self._watch.cursor()
                try:
                    (version,) = cursor.execute("PRAGMA data_version").fetchone()
                finally:
                    cursor.close()
                return f"sqlite:{version}"
        with self.reader.connect() as conn:
            return "pg:" + str(
                conn.exec_driver_sql(
                    "SELECT pg_snapshot_xmax(pg_current_snapshot())::text"
                ).scalar_one()
            )

    def kept(self, key: Any, make: Callable[[], T]) -> T:
        """The one object kept under `key` for as long as the archive is open, made on first
        use: for state its owner brings up to date itself after a change (digests of rows that
        did not change are not computed again), where `cached` would start over."""
        with self._memo_lock:
            found = self._kept.get(key, _MISSING)
            if found is _MISSING:
                found = self._kept[key] = make()
            return found  # type: ignore[no-any-return]

    def cached(self, key: Any, compute: Callable[[], T]) -> T:
        """`compute()`, or what it gave last time if the database has not changed since.

        One computation per key at a time: concurrent callers of the same key wait for the
        first one's result rather than all computing it. At most MEMO_SIZE results are kept.
        """
        token = self.change_token()
        with self._memo_lock:
            found = self._memo.get((key, token), _MISSING)
            if found is not _MISSING:
                return found  # type: ignore[no-any-return]
            flight = self._flights.setdefault(key, threading.Lock())
        with flight:
            token = self.change_token()
            with self._memo_lock:
                found = self._memo.get((key, token), _MISSING)
            if found is not _MISSING:
                return found  # type: ignore[no-any-return]
            value = compute()
            with self._memo_lock:
                for stale in [k for k in self._memo if k[0] == key]:
                    del self._memo[stale]
                while len(self._memo) >= MEMO_SIZE:
                    del self._memo[next(iter(self._memo))]
                self._memo[(key, token)] = value
            return value

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        self.reader.dispose()
        self.writer.dispose()


@dataclass(frozen=True)
class Migration:
    """Where an archive's schema was and is (Alembic revisions; None for an empty database)."""

    database: str  # the URL with any password masked
    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def pending_migration(directory: Path) -> Migration:
    """The revision an archive's database is at and the one this code would bring it to,
    without changing anything (to remind of a backup before `migrate_archive`)."""
    from corroborate.db.migrate import current_revision, head_revision

    return _with_engine(
        directory,
        lambda engine, shown: Migration(shown, current_revision(engine), head_revision(engine)),
    )


def migrate_archive(directory: Path, *, os_login: str | None = None) -> Migration:
    """Bring an archive's schema to this version of the code (Alembic), then open it once so
    that what opening does after an upgrade (custody's baseline of older archives) is done."""
    from corroborate.db.migrate import current_revision, upgrade

    def run(engine: Engine, shown: str) -> Migration:
        before = current_revision(engine)
        upgrade(engine)
        return Migration(shown, before, current_revision(engine))

    done = _with_engine(directory, run)
    Archive.open(directory, os_login=os_login).close()
    return done


def _read_settings(directory: Path) -> tuple[dict[str, Any], str]:
    """The archive's settings (archive.json) and its database URL, or one line saying why not."""
    config = directory / CONFIG_NAME
    if not config.exists():
        raise ArchiveError(
            f"{directory}: no archive here (run `corroborate init` or pass --archive)"
        )
    try:
        settings = json.loads(config.read_text())
    except (OSError, ValueError) as exc:
        raise ArchiveError(f"{config}: cannot read archive settings ({exc})") from None
    db_url = settings.get("database_url") or f"sqlite:///{(directory / 'archive.db').resolve()}"
    return settings, db_url


def _with_engine(directory: Path, act: Callable[[Engine, str], T]) -> T:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    directory = Path(directory)
    settings, db_url = _read_settings(directory)
    db_url, stray = split_password(db_url)
    password = stray or _database_password(directory, settings)
    engine = create_engine(with_password(db_url, password))
    try:
        return act(engine, mask_password(db_url))
    except SQLAlchemyError as exc:
        raise ArchiveError(
            f"cannot open the database {mask_password(db_url)}: {_first_line(exc, password)}"
        ) from None
    finally:
        engine.dispose()
