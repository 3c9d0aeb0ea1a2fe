"""The timestamp authorities an archive trusts: CA certificates the user added, kept in the log.

Each trusted certificate is one custody entry (`custody.trust_tsa`) holding the PEM and its
SHA-256, so the trusted set lives under the signed log itself: editing it in the database
breaks the log's hashes and signatures, and adding one needs the archive's signing key. There
is no second copy to fall out of step with the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from sqlalchemy import select
from sqlalchemy.orm import Session

from corroborate.custody import log
from corroborate.custody.models import CustodyEntryRow
from corroborate.errors import InputError
from corroborate.storage.archive import Archive

TRUST_ACTION = "custody.trust_tsa"


@dataclass(frozen=True)
class TrustedTSA:
    """One trusted CA (or pinned TSA) certificate, as the log records it."""

    seq: int  # the custody entry that added it (0 until it is written)
    name: str
    subject: str
    sha256: str  # of the DER certificate
    not_after: datetime
    pem: str


def read_certificates(path: Path) -> list[x509.Certificate]:
    """The certificates in a PEM (or single DER) file, each fit to anchor timestamp trust."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        certs = (
            x509.load_pem_x509_certificates(data)
            if b"-----BEGIN" in data
            else [x509.load_der_x509_certificate(data)]
        )
    except ValueError:
        raise InputError(f"{path}: not an X.509 certificate (PEM or DER)") from None
    for cert in certs:
        if not (_is_ca(cert) or _is_timestamping(cert)):
            raise InputError(
                f"{path}: {cert.subject.rfc4514_string()} is neither a CA certificate nor a "
                "timestamping certificate"
            )
    return certs


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def _is_timestamping(cert: x509.Certificate) -> bool:
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return ExtendedKeyUsageOID.TIME_STAMPING in list(eku)


def describe(cert: x509.Certificate, name: str | None, seq: int = 0) -> TrustedTSA:
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    subject = cert.subject.rfc4514_string()
    return TrustedTSA(
        seq=seq,
        name=name or subject,
        subject=subject,
        sha256=hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
        not_after=cert.not_valid_after_utc,
        pem=pem,
    )


def add_in_session(
    session: Session, certs: Iterable[x509.Certificate], *, name: str | None, actor: str
) -> list[TrustedTSA]:
    """Append a trust entry per certificate not yet trusted, inside a write transaction."""
    known = {t.sha256 for t in from_session(session)}
    added = []
    for cert in certs:
        info = describe(cert, name)
        if info.sha256 in known:
            continue
        entry = log.append(
            session,
            actor=actor,
            action=TRUST_ACTION,
            details={
                "name": info.name,
                "subject": info.subject,
                "sha256": info.sha256,
                "not_after": info.not_after.isoformat(),
                "pem": info.pem,
            },
        )
        known.add(info.sha256)
        added.append(describe(cert, name, entry.seq))
    return added


def trust_tsa(archive: Archive, path: Path, *, name: str | None, actor: str) -> list[TrustedTSA]:
    """Trust the CA certificate(s) in `path` for timestamps; each becomes a signed log entry."""
    certs = read_certificates(path)
    with archive.write() as session:
        added = add_in_session(session, certs, name=name, actor=actor)
    if not added:
        raise InputError(f"{path}: already trusted")
    return added


def parse_entry(seq: int, details: dict[str, object]) -> TrustedTSA | None:
    """A trust entry's certificate, or None when the entry does not hold a readable one."""
    pem = details.get("pem")
    if not isinstance(pem, str):
        return None
    try:
        cert = x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        return None
    info = describe(cert, str(details.get("name") or ""), seq)
    return info if info.sha256 == details.get("sha256") else None


def from_session(session: Session) -> list[TrustedTSA]:
    import json

    rows = session.execute(
        select(CustodyEntryRow.seq, CustodyEntryRow.details)
        .where(CustodyEntryRow.action == TRUST_ACTION)
        .order_by(CustodyEntryRow.seq)
    )
    found = []
    for seq, details in rows:
        try:
            parsed = parse_entry(seq, json.loads(details))
        except ValueError:
            parsed = None
        if parsed is not None:
            found.append(parsed)
    return found


def trusted_tsas(archive: Archive) -> list[TrustedTSA]:
    """Every trusted timestamp CA, oldest first (`verify` re-checks them against the log)."""
    with archive.session() as session:
        return from_session(session)


def bundle(trusted: Iterable[TrustedTSA]) -> bytes | None:
    """The trusted certificates as one PEM bundle, or None when there are none."""
    pems = [t.pem for t in trusted]
    return "".join(pems).encode() if pems else None
