"""Custody key rotation: the old key signs the hand-over to the new one, in the log itself.

A `custody.rotate_key` entry names the old key id, the new key id and the new public key, with
the old key's Ed25519 signature over `keys.rotation_statement(...)`. Heads up to and including
the one that seals the entry are signed by the old key, later heads by the new one; `verify`
follows the chain, so a head signed by a key the log never handed over to is reported.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from corroborate.core import Problem
from corroborate.custody import keys, log
from corroborate.custody.models import CustodyEntryRow, TreeHeadRow
from corroborate.errors import ArchiveError
from corroborate.storage.archive import CONFIG_NAME, Archive, write_owner_only

ROTATE_ACTION = "custody.rotate_key"


@dataclass(frozen=True)
class Rotation:
    seq: int
    old_key_id: str
    new_key_id: str
    new_fingerprint: str


@dataclass
class KeySchedule:
    """Which key signs heads of which sizes, as the log's valid rotation entries say."""

    genesis: str
    public: dict[str, Ed25519PublicKey]
    changes: list[tuple[int, str]] = field(default_factory=list)  # (rotation seq, new key id)
    problems: list[Problem] = field(default_factory=list)

    def key_for(self, tree_size: int) -> str:
        """The key id that must sign a head of `tree_size` entries."""
        current = self.genesis
        for seq, new in self.changes:
            if seq < tree_size:
                current = new
        return current

    @property
    def in_force(self) -> str:
        return self.changes[-1][1] if self.changes else self.genesis


def schedule(archive: Archive, session: Session) -> KeySchedule:
    """Follow every rotation entry from the first key; forged hand-overs are problems, unused."""
    rows = list(
        session.execute(
            select(CustodyEntryRow.seq, CustodyEntryRow.details)
            .where(CustodyEntryRow.action == ROTATE_ACTION)
            .order_by(CustodyEntryRow.seq)
        )
    )
    parsed: list[tuple[int, dict[str, Any]]] = []
    for seq, text in rows:
        try:
            details = json.loads(text)
        except ValueError:
            details = {}
        parsed.append((seq, details if isinstance(details, dict) else {}))
    public = keys.known_public_keys(archive.key_dir)
    genesis = str(parsed[0][1].get("old_key_id", "")) if parsed else archive.settings["key_id"]
    if parsed and genesis not in public:
        old = _public_or_none(parsed[0][1].get("old_public_key"))
        if old is not None and keys.key_id(old) == genesis:
            public[genesis] = old
    result = KeySchedule(genesis, public)
    for seq, details in parsed:
        where = f"custody entry {seq}"
        current = result.in_force
        new = _public_or_none(details.get("new_public_key"))
        reason = None
        if new is None or keys.key_id(new) != details.get("new_key_id"):
            reason = "its new public key does not match the key id it names"
        elif details.get("old_key_id") != current:
            reason = (
                f"it hands over from key {details.get('old_key_id')}, but key {current} "
                "was in force"
            )
        elif current not in public:
            reason = f"the public key of key {current} is not known to check its signature"
        elif not keys.signature_valid(
            public[current],
            keys.rotation_statement(current, new),
            str(details.get("signature", "")),
        ):
            reason = f"it is not signed by the key it retires ({current})"
        if reason is not None or new is None:
            result.problems.append(
                Problem(
                    "forged_rotation",
                    where,
                    f"{where}: key rotation is not valid ({reason}); the new key is not accepted",
                )
            )
            continue
        new_id = keys.key_id(new)
        public[new_id] = new
        result.changes.append((seq, new_id))
    return result


def _public_or_none(pem: object) -> Ed25519PublicKey | None:
    if not isinstance(pem, str):
        return None
    try:
        return keys.public_from_pem(pem)
    except ArchiveError:
        return None


def rotate(archive: Archive, *, actor: str) -> Rotation:
    """Hand the archive over to a new signing key, signed by the current one.

    The rotation entry is sealed under the old key; only then does the new key replace
    `keys/custody.key`, and the old public key stays in `keys/<old id>.pub`.
    """
    old_private = keys.load_private(archive.key_dir)
    old_public = old_private.public_key()
    old_id = keys.key_id(old_public)
    with archive.session() as session:
        in_force = schedule(archive, session).in_force
        last = session.scalars(
            select(TreeHeadRow).order_by(TreeHeadRow.tree_size.desc()).limit(1)
        ).first()
    if last is None:
        raise ArchiveError(
            "the custody log has no signed head yet: there is no key to rotate from "
            "(copy the first archive folder's archive.json and keys/ instead)"
        )
    if old_id != in_force or last.key_id != old_id:
        raise ArchiveError(
            f"key {old_id} is not the custody log's key in force ({in_force}, last head "
            f"signed by {last.key_id}): only the current key can hand over"
        )
    new_private = Ed25519PrivateKey.generate()
    new_public = new_private.public_key()
    new_id = keys.key_id(new_public)
    pending = archive.key_dir / f"{new_id}.key"
    keys.write_private(pending, new_private)  # kept if we are killed after the commit
    with archive.write() as session:
        entry = log.append(
            session,
            actor=actor,
            action=ROTATE_ACTION,
            details={
                "old_key_id": old_id,
                "old_public_key": keys.pem_of(old_public),
                "new_key_id": new_id,
                "new_public_key": keys.pem_of(new_public),
                "new_fingerprint": keys.fingerprint(new_public),
                "signature": keys.sign(old_private, keys.rotation_statement(old_id, new_public)),
            },
        )
    _install(archive, old_public, new_public)
    return Rotation(entry.seq, old_id, new_id, keys.fingerprint(new_public))


def _install(archive: Archive, old_public: Ed25519PublicKey, new_public: Ed25519PublicKey) -> None:
    """Put the new key in force in this folder, keeping the old public key beside it."""
    old_id, new_id = keys.key_id(old_public), keys.key_id(new_public)
    write_owner_only(archive.key_dir / f"{old_id}.pub", keys.pem_of(old_public).encode())
    os.replace(archive.key_dir / f"{new_id}.key", archive.key_dir / keys.PRIVATE)
    write_owner_only(archive.key_dir / keys.PUBLIC, keys.pem_of(new_public).encode())
    settings = {**archive.settings, "key_id": new_id}
    write_owner_only(archive.dir / CONFIG_NAME, (json.dumps(settings, indent=2) + "\n").encode())
    archive.settings["key_id"] = new_id


def finish_interrupted(archive: Archive) -> bool:
    """Complete a rotation killed after its entry was committed but before the key files moved.

    Without this the folder would go on signing with the retired key. True if one was finished.
    """
    waiting = {p.stem: p for p in archive.key_dir.glob("*.key") if p.name != keys.PRIVATE}
    if not waiting:
        return False
    with archive.session() as session:
        in_force = schedule(archive, session).in_force
    if in_force not in waiting or archive.settings.get("key_id") == in_force:
        return False
    new_private = keys.load_private_file(waiting[in_force])
    try:
        _install(archive, keys.load_public(archive.key_dir), new_private.public_key())
    except FileNotFoundError:  # another process finished it first
        return False
    return True
