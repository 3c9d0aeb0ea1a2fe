"""The append-only custody log: entries are Merkle-tree leaves (RFC 6962), heads are signed.

A leaf is the canonical JSON of an entry (sequence, time, actor, action, subject, details, and
the OS login of a CLI operator where one was recorded), so anyone holding an entry, an inclusion
proof and the archive's public key can check it with any RFC 6962 implementation, without
trusting this code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corroborate.core import CustodyEntry, TreeHead
from corroborate.crashpoints import crash_point
from corroborate.custody import keys, merkle, proofs
from corroborate.custody.models import CustodyEntryRow, TreeHeadRow
from corroborate.db import utcnow
from corroborate.errors import IntegrityError, NotFoundError
from corroborate.storage.archive import OS_LOGIN_INFO, Archive

_PENDING = "custody_pending"


def canonical_json(value: Any) -> str:
    """One byte-exact JSON form: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def leaf_data(row: CustodyEntryRow) -> bytes:
    """The exact bytes an entry contributes to the tree (before RFC 6962's 0x00 prefix).

    `os_login` is in the leaf only when recorded, so every entry written before it existed (or
    from the web workspace) hashes exactly as it always did and old archives still verify.
    """
    leaf: dict[str, Any] = {
        "seq": row.seq,
        "time": _iso(row.time),
        "actor": row.actor,
        "action": row.action,
        "subject": row.subject_sha256,
        "details": json.loads(row.details),
    }
    if row.os_login is not None:
        leaf["os_login"] = row.os_login
    return canonical_json(leaf).encode()


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    subject_sha256: str | None = None,
    details: dict[str, Any] | None = None,
) -> CustodyEntry:
    """Append an entry inside a write transaction; it is sealed under a signed head at commit.

    The OS login of whoever opened the archive locally (`Archive.os_login`, carried in the
    session by `Archive.write`) is recorded beside `actor`."""
    pending: list[CustodyEntryRow] = session.info.setdefault(_PENDING, [])
    if pending:
        seq = pending[-1].seq + 1
    else:
        seq = (session.scalar(select(func.max(CustodyEntryRow.seq))) or 0) + 1
    row = CustodyEntryRow(
        seq=seq,
        time=utcnow(),
        actor=actor,
        os_login=session.info.get(OS_LOGIN_INFO),
        action=action,
        subject_sha256=subject_sha256,
        details=canonical_json(details or {}),
        leaf_hash="",
    )
    row.leaf_hash = merkle.leaf_hash(leaf_data(row)).hex()
    session.add(row)
    pending.append(row)
    return to_entry(row)


def seal_pending(archive: Archive, session: Session) -> TreeHead | None:
    """Sign a new tree head over the entries appended in this transaction."""
    pending: list[CustodyEntryRow] = session.info.pop(_PENDING, [])
    if not pending:
        return None
    session.flush()
    last = session.scalars(
        select(TreeHeadRow).order_by(TreeHeadRow.tree_size.desc()).limit(1)
    ).first()
    if last is None:
        compact = merkle.CompactRange()
    else:
        compact = merkle.CompactRange.from_hex_list(last.tree_size, json.loads(last.frontier))
    if compact.size != pending[0].seq - 1:
        raise IntegrityError(
            f"custody log: entry {pending[0].seq} does not follow the last signed head "
            f"(tree size {compact.size}); another writer changed the log, or it was altered"
        )
    for row in pending:
        compact.append(bytes.fromhex(row.leaf_hash))
    key_id = archive.settings["key_id"]
    head = TreeHead(compact.size, compact.root().hex(), utcnow(), "", key_id)
    signature = keys.sign(keys.load_private(archive.key_dir), head.signed_bytes())
    session.add(
        TreeHeadRow(
            tree_size=head.tree_size,
            root_hash=head.root_hash,
            timestamp=head.timestamp,
            signature=signature,
            key_id=key_id,
            frontier=json.dumps(compact.to_hex_list()),
        )
    )
    session.flush()
    crash_point("head-signed")
    return TreeHead(head.tree_size, head.root_hash, head.timestamp, signature, key_id)


def to_entry(row: CustodyEntryRow) -> CustodyEntry:
    return CustodyEntry(
        seq=row.seq,
        time=row.time,
        actor=row.actor,
        os_login=row.os_login,
        action=row.action,
        subject_sha256=row.subject_sha256,
        details=json.loads(row.details),
        leaf_hash=row.leaf_hash,
    )


def to_head(row: TreeHeadRow) -> TreeHead:
    return TreeHead(row.tree_size, row.root_hash, row.timestamp, row.signature, row.key_id)


def current_head(archive: Archive) -> TreeHead:
    """The newest signed tree head (the one to publish or pin)."""
    with archive.session() as session:
        row = session.scalars(
            select(TreeHeadRow).order_by(TreeHeadRow.tree_size.desc()).limit(1)
        ).first()
        if row is None:
            return TreeHead(0, merkle.EMPTY_ROOT.hex(), utcnow(), "", archive.settings["key_id"])
        return to_head(row)


def entries(
    archive: Archive, *, subject_sha256: str | None = None, limit: int | None = None
) -> list[CustodyEntry]:
    """Custody entries, oldest first, optionally only those about one subject."""
    with archive.session() as session:
        query = select(CustodyEntryRow).order_by(CustodyEntryRow.seq)
        if subject_sha256:
            query = query.where(CustodyEntryRow.subject_sha256 == subject_sha256)
        if limit:
            query = query.limit(limit)
        return [to_entry(r) for r in session.scalars(query)]


def _leaf_hashes(session: Session, upto: int) -> list[bytes]:
    rows = session.execute(
        select(CustodyEntryRow.seq, CustodyEntryRow.leaf_hash)
        .where(CustodyEntryRow.seq <= upto)
        .order_by(CustodyEntryRow.seq)
    )
    return [bytes.fromhex(h) for _seq, h in rows]


@dataclass(frozen=True)
class InclusionProof:
    """Proof that one entry is in the log under a signed head; checkable by anyone."""

    entry: CustodyEntry
    leaf_data: str  # the exact JSON that was hashed
    leaf_index: int
    tree_size: int
    audit_path: list[str]
    head: TreeHead
    public_key_pem: str

    def verify(self) -> bool:
        """Check the path against the head's root and the head's signature."""
        return proofs.inclusion_holds(
            self.leaf_data.encode(),
            self.leaf_index,
            self.tree_size,
            self.audit_path,
            self.head.root_hash,
        ) and proofs.head_signature_holds(self.head, keys.public_from_pem(self.public_key_pem))


@dataclass(frozen=True)
class ConsistencyProof:
    """Proof that an earlier head's log is a prefix of the current one."""

    old_size: int
    old_root: str
    new_head: TreeHead
    proof: list[str]

    def verify(self) -> bool:
        return proofs.consistency_holds(
            self.old_size,
            self.old_root,
            self.new_head.tree_size,
            self.new_head.root_hash,
            self.proof,
        )


def prove(archive: Archive, seq: int) -> InclusionProof:
    """An inclusion proof for entry `seq` against the current signed head."""
    head = current_head(archive)
    with archive.session() as session:
        row = session.get(CustodyEntryRow, seq)
        if row is None or seq > head.tree_size:
            raise NotFoundError(f"custody entry {seq} does not exist (log size {head.tree_size})")
        leaves = _leaf_hashes(session, head.tree_size)
        path = merkle.inclusion_proof(seq - 1, leaves)
        return InclusionProof(
            entry=to_entry(row),
            leaf_data=leaf_data(row).decode(),
            leaf_index=seq - 1,
            tree_size=head.tree_size,
            audit_path=[h.hex() for h in path],
            head=head,
            public_key_pem=keys.public_pem(archive.key_dir),
        )


def consistency(archive: Archive, old_size: int, old_root: str | None = None) -> ConsistencyProof:
    """A consistency proof from an earlier published head (size, and root if known)."""
    head = current_head(archive)
    if old_size < 0 or old_size > head.tree_size:
        raise NotFoundError(
            f"a head of size {old_size} cannot be a prefix of today's log (size {head.tree_size})"
        )
    with archive.session() as session:
        leaves = _leaf_hashes(session, head.tree_size)
    if old_root is None:
        old_root = merkle.root(leaves[:old_size]).hex()
    proof = merkle.consistency_proof(old_size, leaves)
    return ConsistencyProof(old_size, old_root, head, [h.hex() for h in proof])
