"""An opened archive: its folder, database, blob store and custody signing key.

Everything a capability needs to act on an archive comes from here, so a team server is a URL
change: `database_url` (SQLite file by default, PostgreSQL by URL) and `blob_url` (a local folder
by default, S3-compatible storage by URL) in the archive's `archive.json`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from corroborate.errors import ArchiveError, CorroborateError
from corroborate.storage.blobs import BlobStore

CONFIG_NAME = "archive.json"
PASSWORD_NAME = "database.password"
PASSWORD_ENV = "CORROBORATE_DATABASE_PASSWORD"
FORMAT = 2
STATE_BOUND_FORMAT = 2  # from this format on, every row has been recorded in the custody log


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
    if password is None:
        return url
    from sqlalchemy.engine import make_url

    return make_url(url).set(password=password).render_as_string(hide_password=False)


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
                f"{path}: the database password file is readable by others; "
                f"run `chmod 600 {path}`"
            )
        return text
    return os.environ.get(PASSWORD_ENV) or None


def _first_line(exc: Exception, password: str | None) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line.replace(password, "***") if password else line


def _remove(created_dir: Path | None, made: list[Path]) -> None:
    """Undo a failed init: nothing half-written is left to be mistaken for an archive."""
    import shutil

    if created_dir is not None:
        shutil.rmtree(created_dir, ignore_errors=True)
        return
    for path in reversed(made):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _existing_archive(url: str, password: str | None, shown: str) -> str | None:
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

    # -- creating and opening -------------------------------------------------------------
    @classmethod
    def init(
        cls,
        directory: Path,
        *,
        database_url: str | None = None,
        blob_url: str | None = None,
        rotate_key: bool = False,
        old_key: Path | None = None,
        actor: str = "corroborate",
    ) -> Archive:
        """Create a new archive (schema, blob folder, Ed25519 custody key) and open it.

        A password in `database_url` is never written to `archive.json`: it goes to
        `database.password` (mode 0600) beside it. A database that already holds an archive is
        refused unless `rotate_key` is set, with the key in force given as `old_key`: the new
        folder then signs a hand-over to its own new key with the old one, in the log.
        """
        from corroborate.custody import keys

        directory = Path(directory)
        if (directory / CONFIG_NAME).exists():
            raise ArchiveError(f"{directory}: an archive already exists here")
        if directory.exists() and not directory.is_dir():
            raise ArchiveError(f"{directory}: exists and is not a folder")
        password = None
        shown = mask_password(database_url or "")  # as the user gave it, password as ***
        if database_url:
            database_url, password = split_password(database_url)
        existing = _existing_archive(database_url, password, shown) if database_url else None
        if existing and not rotate_key:
            raise ArchiveError(
                f"{shown} already holds an archive ({existing}); "
                "to work on it, copy that archive's folder (archive.json and keys/), or pass "
                "--rotate-key --old-key KEYFILE to hand it over to a new signing key"
            )
        if rotate_key and not existing:
            raise ArchiveError("--rotate-key needs an existing team database (--database-url)")
        old_private = None
        if existing:
            if old_key is None:
                raise ArchiveError(
                    "a key rotation must be signed by the key in force: pass --old-key with "
                    "that archive's keys/custody.key"
                )
            old_private = keys.load_private_file(Path(old_key))
        created = not directory.exists()
        directory.mkdir(parents=True, exist_ok=True)
        if created:
            os.chmod(directory, 0o700)
        made: list[Path] = []
        try:
            opened = cls._create(
                directory, made, database_url=database_url, password=password,
                blob_url=blob_url, old_private=old_private,
            )
            if existing:
                from corroborate.custody.rotation import rotate

                rotate(opened, actor=actor)  # refuses before writing if the key is not in force
        except CorroborateError:
            _remove(directory if created else None, made)
            raise
        return opened

    @classmethod
    def _create(
        cls,
        directory: Path,
        made: list[Path],
        *,
        database_url: str | None,
        password: str | None,
        blob_url: str | None,
        old_private: Any,
    ) -> Archive:
        """Write the new archive's files owner-only, noting each in `made`, and open it."""
        from corroborate.custody import keys

        settings: dict[str, Any] = {"format": FORMAT}
        if database_url:
            settings["database_url"] = database_url
        if password is not None:
            made.append(directory / PASSWORD_NAME)
            keys.write_owner_only(directory / PASSWORD_NAME, password.encode())
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
        made.append(directory / "keys")
        settings["key_id"] = keys.create(directory / "keys", old_private)
        made.append(directory / CONFIG_NAME)
        keys.write_owner_only(
            directory / CONFIG_NAME, (json.dumps(settings, indent=2) + "\n").encode()
        )
        return cls.open(directory)

    @classmethod
    def open(cls, directory: Path) -> Archive:
        """Open an existing archive, migrating its schema to this version of the code."""
        from sqlalchemy.exc import SQLAlchemyError

        from corroborate.db import make_engines
        from corroborate.db.migrate import upgrade

        directory = Path(directory)
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
        blob_url = settings.get("blob_url") or str((directory / "blobs").resolve())
        db_url, stray = split_password(db_url)  # an archive.json written before passwords moved
        password = stray or _database_password(directory, settings)
        try:
            reader, writer = make_engines(with_password(db_url, password))
            upgrade(writer)
        except SQLAlchemyError as exc:
            raise ArchiveError(
                f"cannot open the database {mask_password(db_url)}: "
                f"{_first_line(exc, password)}"
            ) from None
        opened = cls(directory, db_url, blob_url, reader, writer, BlobStore(blob_url), settings)
        if any(p.name != "custody.key" for p in opened.key_dir.glob("*.key")):
            from corroborate.custody.rotation import finish_interrupted

            finish_interrupted(opened)
        opened._baseline_state_if_older()
        return opened

    def _baseline_state_if_older(self) -> None:
        """An archive made before state was bound to the log gets its state recorded once."""
        from corroborate.custody import state

        if int(self.settings.get("format", 1)) >= STATE_BOUND_FORMAT:
            return
        with self.session() as session:
            if not state.needs_baseline(session):
                return
        with self.write() as session:
            if state.needs_baseline(session):
                state.record_baseline(session, actor="corroborate (upgrade)")

    # -- sessions -------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session (deferred transaction); for queries only."""
        with Session(self.reader, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction holding the archive's write lock; commits on success.

        Custody entries appended in it are sealed under a new signed tree head before the
        commit, in the same transaction: the log and its head never disagree.
        """
        from corroborate.custody import state
        from corroborate.custody.log import seal_pending

        with Session(self.writer, expire_on_commit=False) as session:
            state.track(session)
            try:
                yield session
                state.record_pending(session)
                seal_pending(self, session)
                session.commit()
            except BaseException:
                session.rollback()
                raise

    # -- keys -----------------------------------------------------------------------------
    @property
    def key_dir(self) -> Path:
        return self.dir / "keys"

    def close(self) -> None:
        self.reader.dispose()
        self.writer.dispose()
