"""The archive's Ed25519 custody key: created at init, private half readable by the owner only."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from corroborate.errors import ArchiveError

PRIVATE = "custody.key"
PUBLIC = "custody.pub"


def key_id(public: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: SHA-256 of its raw bytes, first 16 hex."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def create(directory: Path) -> str:
    """Write a new key pair into `directory` (0700, private key 0600); return the key id."""
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(directory / PRIVATE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
        out.flush()
        os.fsync(out.fileno())
    public = private.public_key()
    (directory / PUBLIC).write_bytes(
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key_id(public)


def load_private(directory: Path) -> Ed25519PrivateKey:
    path = directory / PRIVATE
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise ArchiveError(
            f"{path}: cannot read the custody signing key ({exc.strerror})"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ArchiveError(f"{path}: not an Ed25519 key")
    return key


def load_public(directory: Path) -> Ed25519PublicKey:
    path = directory / PUBLIC
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot read the custody public key ({exc.strerror})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ArchiveError(f"{path}: not an Ed25519 key")
    return key


def sign(private: Ed25519PrivateKey, data: bytes) -> str:
    return base64.b64encode(private.sign(data)).decode()


def signature_valid(public: Ed25519PublicKey, data: bytes, signature_b64: str) -> bool:
    try:
        public.verify(base64.b64decode(signature_b64), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def public_pem(directory: Path) -> str:
    return (directory / PUBLIC).read_text()
