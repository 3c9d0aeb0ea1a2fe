"""The archive's Ed25519 custody key: created at init, private half readable by the owner only.

`keys/custody.key` and `keys/custody.pub` are the key in force; when a key is rotated the old
public key stays in `keys/<key_id>.pub`, so heads signed before the rotation still check.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from corroborate.errors import ArchiveError
from corroborate.storage.archive import write_owner_only

PRIVATE = "custody.key"
PUBLIC = "custody.pub"


def raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: SHA-256 of its raw bytes, first 16 hex."""
    return hashlib.sha256(raw_public(public)).hexdigest()[:16]


def fingerprint(pem_or_key: str | bytes | Ed25519PublicKey) -> str:
    """SHA-256 (hex) of the raw 32-byte Ed25519 public key: what to publish and compare.

    The key id is its first 16 hex digits. Accepts a PEM (text or bytes) or a loaded key.
    """
    public = pem_or_key if isinstance(pem_or_key, Ed25519PublicKey) else public_from_pem(pem_or_key)
    return hashlib.sha256(raw_public(public)).hexdigest()


def public_from_pem(pem: str | bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM; ArchiveError when it is anything else."""
    try:
        key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    except (ValueError, TypeError) as exc:
        raise ArchiveError(f"not a PEM public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ArchiveError("not an Ed25519 public key")
    return key


def pem_of(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def create(directory: Path, private: Ed25519PrivateKey | None = None) -> str:
    """Write a key pair (new unless given) into `directory` (0700, files 0600); return its id."""
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    private = private or Ed25519PrivateKey.generate()
    write_private(directory / PRIVATE, private, exclusive=True)
    public = private.public_key()
    write_owner_only(directory / PUBLIC, pem_of(public).encode())
    return key_id(public)


def write_private(path: Path, private: Ed25519PrivateKey, *, exclusive: bool = False) -> None:
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_owner_only(path, pem, exclusive=exclusive)


def load_private_file(path: Path) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM file; ArchiveError naming the file otherwise."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise ArchiveError(f"{path}: cannot read the key ({exc.strerror})") from None
    except (ValueError, TypeError):
        raise ArchiveError(f"{path}: not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ArchiveError(f"{path}: not an Ed25519 key")
    return key


def known_public_keys(directory: Path) -> dict[str, Ed25519PublicKey]:
    """Every public key the archive folder keeps (the one in force and retired ones), by id."""
    found: dict[str, Ed25519PublicKey] = {}
    for path in sorted(directory.glob("*.pub")):
        try:
            public = public_from_pem(path.read_bytes())
        except (ArchiveError, OSError):
            continue
        found[key_id(public)] = public
    return found


def rotation_statement(old_key_id: str, new_public: Ed25519PublicKey) -> bytes:
    """The bytes the old key signs to hand over to the new one."""
    return (
        f"corroborate-key-rotation/1\n{old_key_id}\n{key_id(new_public)}\n"
        f"{raw_public(new_public).hex()}\n"
    ).encode()


def load_private(directory: Path) -> Ed25519PrivateKey:
    return load_private_file(directory / PRIVATE)


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
