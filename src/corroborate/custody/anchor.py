"""Trusted timestamps (RFC 3161) over signed tree heads: independent proof of *when* the log
held what it holds, checkable with `openssl ts -verify`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from corroborate.core import TreeHead
from corroborate.custody import log, trust
from corroborate.custody.models import TimestampTokenRow, TreeHeadRow
from corroborate.custody.timestamp import request_timestamp, verify_timestamp
from corroborate.db import utcnow
from corroborate.errors import InputError, NotFoundError
from corroborate.storage.archive import Archive


@dataclass(frozen=True)
class Anchor:
    id: int
    tree_size: int
    tsa_url: str
    gen_time: datetime
    tsa: str


def anchor(archive: Archive, tsa_url: str, *, actor: str, trust_ca: Path | None = None) -> Anchor:
    """Timestamp the current signed head at a TSA, check the answer, and store it.

    The TSA must chain to a CA the archive trusts (`custody trust-tsa`), or to the CA file
    given as `trust_ca`, which is then trusted in the same transaction as the token.
    """
    head = log.current_head(archive)
    if head.tree_size == 0:
        raise InputError("the custody log is empty: nothing to timestamp yet")
    extra = trust.read_certificates(trust_ca) if trust_ca is not None else []
    known = trust.trusted_tsas(archive)
    ca_bundle = trust.bundle([*known, *(trust.describe(c, None) for c in extra)])
    if ca_bundle is None:
        raise InputError(
            "no timestamp authority is trusted yet: add its CA certificate with "
            "`corroborate custody trust-tsa CA.pem` or pass --trust-ca CA.pem"
        )
    response = request_timestamp(tsa_url, head.signed_bytes(), ca_pem=ca_bundle)
    info = verify_timestamp(response, head.signed_bytes(), ca_bundle)
    with archive.write() as session:
        if extra:
            trust.add_in_session(session, extra, name=None, actor=actor)
        row = TimestampTokenRow(
            tree_size=head.tree_size,
            tsa_url=tsa_url,
            response=response,
            gen_time=info.gen_time,
            created_at=utcnow(),
            created_by=actor,
        )
        session.add(row)
        session.flush()
        log.append(
            session,
            actor=actor,
            action="custody.anchor",
            details={
                "token_id": row.id,
                "token_sha256": hashlib.sha256(response).hexdigest(),
                "tree_size": head.tree_size,
                "root_hash": head.root_hash,
                "tsa_url": tsa_url,
                "gen_time": info.gen_time.isoformat(),
                "tsa": info.tsa,
                "trusted_by": info.trusted_by,
            },
        )
    return Anchor(row.id, head.tree_size, tsa_url, info.gen_time, info.tsa)


def anchors(archive: Archive) -> list[Anchor]:
    with archive.session() as session:
        rows = session.scalars(select(TimestampTokenRow).order_by(TimestampTokenRow.id))
        return [Anchor(r.id, r.tree_size, r.tsa_url, r.gen_time, "") for r in rows]


@dataclass(frozen=True)
class ExportedAnchor:
    data: Path  # the head's signed bytes
    token: Path  # the TSA's DER TimeStampResp
    ca: Path | None  # the trusted timestamp CAs, PEM, when the archive trusts any

    def openssl_command(self) -> str:
        ca = self.ca if self.ca is not None else "TSA_CA.pem"
        return f"openssl ts -verify -data {self.data} -in {self.token} -CAfile {ca}"


def export_anchor(archive: Archive, anchor_id: int, out_dir: Path) -> ExportedAnchor:
    """Write the head's signed bytes, the TSA response and the trusted CAs, for
    `openssl ts -verify`."""
    with archive.session() as session:
        row = session.get(TimestampTokenRow, anchor_id)
        if row is None:
            raise NotFoundError(f"no timestamp token {anchor_id}")
        head_row = session.get(TreeHeadRow, row.tree_size)
        if head_row is None:
            raise NotFoundError(f"tree head {row.tree_size} of token {anchor_id} is missing")
        head = TreeHead(
            head_row.tree_size,
            head_row.root_hash,
            head_row.timestamp,
            head_row.signature,
            head_row.key_id,
        )
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            data = out_dir / f"tree-head-{row.tree_size}.txt"
            token = out_dir / f"tree-head-{row.tree_size}.tsr"
            data.write_bytes(head.signed_bytes())
            token.write_bytes(row.response)
            ca_bundle = trust.bundle(trust.from_session(session))
            ca = out_dir / "trusted-tsa-ca.pem" if ca_bundle is not None else None
            if ca is not None and ca_bundle is not None:
                ca.write_bytes(ca_bundle)
        except OSError as exc:
            raise InputError(
                f"{out_dir}: cannot write the exported token ({exc.strerror or exc})"
            ) from None
        return ExportedAnchor(data, token, ca)
