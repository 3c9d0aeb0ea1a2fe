"""What a verifier trusts when checking a package, from what they give: a key file, a pinned
fingerprint (they must agree when both are given) and timestamp-authority CA certificates.

The CLI's `verify-package` and a web upload form read the same inputs the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corroborate.errors import InputError
from corroborate.report.package_verify import PinnedKey, pinned_key, pinned_key_file


@dataclass(frozen=True)
class PackageTrust:
    """The key a package's head must be signed by (None: any, said so) and the TSA CAs."""

    key: PinnedKey | None
    tsa_ca_pem: bytes | None


def package_trust(
    key: Path | None = None, fingerprint: str | None = None, tsa_ca: Path | None = None
) -> PackageTrust:
    """Read a verifier's pins; InputError, naming the input, when one is unreadable or when
    the key file and the fingerprint name different keys."""
    pinned = pinned_key_file(key) if key is not None else None
    if fingerprint is not None:
        given = pinned_key(fingerprint.encode(), "--fingerprint")
        if pinned is not None and pinned.fingerprint != given.fingerprint:
            raise InputError(
                f"--key {key} has fingerprint {pinned.fingerprint}, not {given.fingerprint}"
            )
        pinned = pinned or given
    ca_pem = None
    if tsa_ca is not None:
        try:
            ca_pem = tsa_ca.read_bytes()
        except OSError as exc:
            raise InputError(f"{tsa_ca}: cannot read ({exc.strerror or exc})") from None
    return PackageTrust(pinned, ca_pem)
