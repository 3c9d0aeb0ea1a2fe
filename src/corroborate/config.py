"""An opened archive: its folder, database, blob store and custody signing key.

Everything a capability needs to act on an archive comes from here, so a team server is a URL
change: `database_url` (SQLite file by default, PostgreSQL by URL) and `blob_url` (a local folder
by default, S3-compatible storage by URL) in the archive's `archive.json`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from corroborate.errors import ArchiveError
from corroborate.storage import BlobStore

CONFIG_NAME = "archive.json"
FORMAT = 2
STATE_BOUND_FORMAT = 2  # from this format on, every row has been recorded in the custody log


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
        cls, directory: Path, *, database_url: str | None = None, blob_url: str | None = None
    ) -> Archive:
        """Create a new archive (schema, blob folder, Ed25519 custody key) and open it."""
        from corroborate.custody import keys

        directory = Path(directory)
        if (directory / CONFIG_NAME).exists():
            raise ArchiveError(f"{directory}: an archive already exists here")
        if directory.exists() and not directory.is_dir():
            raise ArchiveError(f"{directory}: exists and is not a folder")
        directory.mkdir(parents=True, exist_ok=True)
        settings: dict[str, Any] = {"format": FORMAT}
        if database_url:
            settings["database_url"] = database_url
        if blob_url:
            settings["blob_url"] = blob_url
        key_id = keys.create(directory / "keys")
        settings["key_id"] = key_id
        tmp = directory / f".{CONFIG_NAME}.tmp"
        tmp.write_text(json.dumps(settings, indent=2) + "\n")
        os.replace(tmp, directory / CONFIG_NAME)
        return cls.open(directory)

    @classmethod
    def open(cls, directory: Path) -> Archive:
        """Open an existing archive, migrating its schema to this version of the code."""
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
        reader, writer = make_engines(db_url)
        upgrade(writer)
        opened = cls(directory, db_url, blob_url, reader, writer, BlobStore(blob_url), settings)
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
