"""Making a new archive: the storage layer's files plus the custody signing key.

Lives in custody, not storage, because a new archive needs its Ed25519 key (and, to join a
team database that already holds a log, a hand-over signed by the key in force).
"""

from __future__ import annotations

import os
from pathlib import Path

from corroborate.custody import keys
from corroborate.custody.rotation import rotate
from corroborate.errors import ArchiveError, CorroborateError
from corroborate.storage.archive import (
    CONFIG_NAME,
    Archive,
    existing_archive,
    mask_password,
    remove_made,
    split_password,
)


def init_archive(
    directory: Path,
    *,
    database_url: str | None = None,
    blob_url: str | None = None,
    rotate_key: bool = False,
    old_key: Path | None = None,
    actor: str = "corroborate",
    os_login: str | None = None,
) -> Archive:
    """Create a new archive (schema, blob folder, Ed25519 custody key) and open it.

    A password in `database_url` is never written to `archive.json`: it goes to
    `database.password` (mode 0600) beside it. A database that already holds an archive is
    refused unless `rotate_key` is set, with the key in force given as `old_key`: the new
    folder then signs a hand-over to its own new key with the old one, in the log.
    `os_login` is the OS account of a local operator, opened with it (`Archive.open`).
    """
    directory = Path(directory)
    if (directory / CONFIG_NAME).exists():
        raise ArchiveError(f"{directory}: an archive already exists here")
    if directory.exists() and not directory.is_dir():
        raise ArchiveError(f"{directory}: exists and is not a folder")
    password = None
    shown = mask_password(database_url or "")  # as the user gave it, password as ***
    if database_url:
        database_url, password = split_password(database_url)
    existing = existing_archive(database_url, password, shown) if database_url else None
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
    made: list[Path] = [directory / "keys"]
    try:
        key_id = keys.create(directory / "keys", old_private)
        opened = Archive.create(
            directory,
            made,
            database_url=database_url,
            password=password,
            blob_url=blob_url,
            settings={"key_id": key_id},
            os_login=os_login,
        )
        if existing:
            rotate(opened, actor=actor)  # refuses before writing if the key is not in force
    except CorroborateError:
        remove_made(directory if created else None, made)
        raise
    return opened
