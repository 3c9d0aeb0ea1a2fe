"""Real C2PA Content Credentials for tests: a JPEG signed with c2pa's own Builder, and the two
ways such a file goes wrong in the field (its pixels changed after signing, its manifest store
damaged), so ingest can be shown to tell each apart from a file without credentials.

The signer is a fresh ES256 certificate under a fresh CA that no trust list holds, so C2PA
calls a signed file `valid` (intact) but never `trusted`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image

from corroborate.errors import InputError

__all__ = ["CAPTION", "damage_manifest", "plain_jpeg", "sign_jpeg", "tamper_caption"]

CAPTION = b"corroborate sample, as shot"  # a JPEG comment the data hash covers

# The UUID that opens a C2PA manifest store's JUMBF description box.
_STORE_UUID = bytes.fromhex("6332706100110010800000aa00389b71")


def plain_jpeg(path: Path, size: tuple[int, int] = (96, 64)) -> Path:
    """A small JPEG with a comment and no Content Credentials."""
    img = Image.new("RGB", size)
    img.putdata(
        [((x * 7) % 256, (y * 11) % 256, 90) for y in range(size[1]) for x in range(size[0])]
    )
    img.save(path, format="JPEG", quality=90, comment=CAPTION)
    return path


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "corroborate tests"),
        ]
    )


def _usage(*, sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign,
        crl_sign=sign,
        encipher_only=False,
        decipher_only=False,
    )


def _signer() -> c2pa.Signer:
    """An ES256 signer: a leaf certificate for content signing under a one-off CA."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    key = ec.generate_private_key(ec.SECP256R1())

    def cert(subject: str, public: ec.EllipticCurvePublicKey, *, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(subject))
            .issuer_name(_name("corroborate test CA"))
            .public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(_usage(sign=ca), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        )
        if not ca:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
            ).add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
        return builder.sign(ca_key, hashes.SHA256())

    pem = serialization.Encoding.PEM
    chain = cert("corroborate test signer", key.public_key(), ca=False).public_bytes(pem)
    chain += cert("corroborate test CA", ca_key.public_key(), ca=True).public_bytes(pem)
    private = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, private, None)
    return c2pa.Signer.from_info(info)


def sign_jpeg(src: Path, dst: Path) -> Path:
    """`src` with a C2PA manifest (a `c2pa.created` action), signed and embedded, at `dst`."""
    manifest = {
        "claim_generator_info": [{"name": "corroborate-tests", "version": "1"}],
        "title": src.name,
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
                        }
                    ]
                },
            }
        ],
    }
    with _signer() as signer, c2pa.Builder(manifest) as builder:
        builder.sign_file(str(src), str(dst), signer)
    return dst


def tamper_caption(signed: Path, dst: Path) -> Path:
    """The signed file with its caption changed in place (same length): the picture still
    decodes, its manifest is intact, and the data hash no longer matches."""
    data = signed.read_bytes()
    if data.count(CAPTION) != 1:
        raise InputError(f"{signed}: not a file made by plain_jpeg")
    dst.write_bytes(data.replace(CAPTION, CAPTION.upper()))
    return dst


def damage_manifest(signed: Path, dst: Path) -> Path:
    """The signed file with bytes inside its manifest store scrambled (its JUMBF header kept),
    so the store is there but cannot be parsed."""
    data = bytearray(signed.read_bytes())
    start = data.find(_STORE_UUID)
    if start < 0:
        raise InputError(f"{signed}: no C2PA manifest store")
    for i in range(start + 40, start + 240):
        data[i] ^= 0x5A
    dst.write_bytes(bytes(data))
    return dst
