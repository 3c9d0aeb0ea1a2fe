"""RFC 3161 trusted timestamps: an outside authority's signed word that bytes existed at a time.

We keep the TSA's whole DER `TimeStampResp`, because that is the file `openssl ts -verify -in`
reads, so anyone can check a timestamp without our software:

    openssl ts -verify -data FILE -in resp.tsr -CAfile ca.pem -untrusted tsa.pem
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import rfc3161_client
from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from corroborate import net
from corroborate.errors import FormatError, InputError, IntegrityError

__all__ = [
    "MAX_REPLY_SIZE",
    "TIMESTAMP_QUERY_TYPE",
    "TIMESTAMP_REPLY_TYPE",
    "TimestampInfo",
    "build_request",
    "request_timestamp",
    "verify_timestamp",
]

TIMESTAMP_QUERY_TYPE = "application/timestamp-query"
TIMESTAMP_REPLY_TYPE = "application/timestamp-reply"
MAX_REPLY_SIZE = 1024 * 1024  # a token with its certificate chain is a few KiB

# Digests we accept anywhere in a token; SHA-1 and MD5 collide and have no place in evidence.
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
    "sha3_256": hashes.SHA3_256,
    "sha3_384": hashes.SHA3_384,
    "sha3_512": hashes.SHA3_512,
}


class _TimeStampResp(core.Sequence):  # type: ignore[misc]
    """RFC 3161 TimeStampResp; asn1crypto's own marks the token required, but a refusal has none."""

    _fields = [
        ("status", tsp.PKIStatusInfo),
        ("time_stamp_token", cms.ContentInfo, {"optional": True}),
    ]


def _decode(der: bytes) -> _TimeStampResp:
    """The response, refused unless it is exactly DER (no trailing bytes, nothing malformed
    inside, no other encoding of the same values), so that the bytes a user checks with
    `openssl ts -verify` are the bytes we checked and bytes outside the signature cannot vary.

    rfc3161-client's strict DER parser decides that; asn1crypto (which parses leniently and
    lazily) then gives access to the signed attributes that rfc3161-client does not expose.
    """
    try:
        rfc3161_client.decode_timestamp_response(der)
    except ValueError as exc:  # e.g. "ASN.1 parse error: ParseError { kind: ExtraData, ... }"
        kind = re.search(r"kind: (\w+)", str(exc))
        raise FormatError(f"not DER ({kind.group(1) if kind else exc})") from None
    response: _TimeStampResp = _TimeStampResp.load(der, strict=True)
    return response


@dataclass(frozen=True)
class TimestampInfo:
    """What a checked timestamp says: when, by whom, and which token it was."""

    gen_time: datetime  # timezone-aware, UTC
    tsa: str  # RFC 4514 subject of the certificate that signed the token
    serial: int  # the TSA's serial number for this token
    hash_algorithm: str  # of the message imprint, e.g. "sha256"
    imprint: bytes  # the digest of the data the token vouches for
    policy: str  # dotted OID of the TSA policy the token was issued under
    nonce: int | None = None
    trusted_by: str | None = None  # subject of the trusted CA the TSA chains to, when checked


def build_request(data: bytes, *, nonce: int | None = None) -> bytes:
    """A DER TimeStampReq over SHA-256(data) asking for the signer certificate in the reply.

    Asking for the certificate (certReq) makes the stored response checkable on its own.
    """
    fields: dict[str, Any] = {
        "version": "v1",
        "message_imprint": {
            "hash_algorithm": {"algorithm": "sha256"},
            "hashed_message": hashlib.sha256(data).digest(),
        },
        "cert_req": True,
    }
    if nonce is not None:
        fields["nonce"] = nonce
    der: bytes = tsp.TimeStampReq(fields).dump()
    return der


def request_timestamp(
    tsa_url: str, data: bytes, timeout: float = 30, *, ca_pem: bytes | None = None
) -> bytes:
    """Ask the TSA at `tsa_url` to timestamp `data`; return its full DER TimeStampResp.

    The reply is checked (status, nonce, imprint, signature) before it is returned, so a TSA
    that misbehaves is reported now, naming the URL, rather than when the evidence is needed.
    """
    if not tsa_url.lower().startswith(("http://", "https://")):
        raise InputError(f"timestamp authority URL must be http(s): {tsa_url}")
    nonce = secrets.randbits(63)
    # The archive's operator names the TSA, so it may be internal (a team's own, or the test
    # one on 127.0.0.1), as it always could; it is never redirected, and its answer is small.
    policy = net.FetchPolicy(
        allow_private=True, max_size=MAX_REPLY_SIZE, max_redirects=0, timeout=timeout
    )
    try:
        reply = net.fetch(
            tsa_url,
            policy,
            method="POST",
            body=build_request(data, nonce=nonce),
            headers={"Content-Type": TIMESTAMP_QUERY_TYPE, "Accept": TIMESTAMP_REPLY_TYPE},
        )
    except net.HttpStatusError as exc:
        raise InputError(
            f"timestamp authority {tsa_url} answered HTTP {exc.status} {exc.reason}"
        ) from None
    except net.FetchFailed as exc:
        if exc.timed_out:
            raise InputError(
                f"timestamp authority {tsa_url} did not answer within {timeout:g} s"
            ) from None
        raise InputError(f"cannot reach timestamp authority {tsa_url}: {exc.reason}") from None
    except net.FetchRefused:
        raise InputError(
            f"timestamp authority {tsa_url} sent more than {net.human_size(MAX_REPLY_SIZE)}, "
            "which no timestamp needs; refused"
        ) from None
    except InputError as exc:  # a URL that cannot be used at all
        raise InputError(f"timestamp authority URL cannot be used: {exc}") from None
    body = reply.body

    try:
        response = _decode(body)
        status = response["status"]["status"].native
        status_text = _status_text(response)
    except _MALFORMED as exc:
        raise InputError(
            f"timestamp authority {tsa_url} did not send a timestamp response"
        ) from exc
    if status not in ("granted", "granted_with_mods"):
        raise InputError(f"timestamp authority {tsa_url} refused the request: {status_text}")
    try:
        verify_timestamp(body, data, ca_pem, nonce=nonce)
    except IntegrityError as exc:
        raise InputError(f"timestamp authority {tsa_url} sent a bad timestamp: {exc}") from exc
    return body


def verify_timestamp(
    response_der: bytes, data: bytes, ca_pem: bytes | None = None, *, nonce: int | None = None
) -> TimestampInfo:
    """Check that `response_der` is a granted RFC 3161 timestamp over exactly `data`.

    Checks that it is DER, the imprint, the CMS signature by the embedded TSA certificate
    (which must carry the critical timeStamping usage and be valid at the stamped time), and,
    given `ca_pem` (one or more PEM certificates), that the TSA certificate chains to one of
    them; given `nonce`, that the token answers the request that carried it. Raises
    IntegrityError naming the first thing that does not check out.
    """
    try:
        response = _decode(response_der)
        status = response["status"]["status"].native
        status_text = _status_text(response)
    except _MALFORMED as exc:
        raise IntegrityError(f"not an RFC 3161 timestamp response: {exc}") from exc
    if status not in ("granted", "granted_with_mods"):
        raise IntegrityError(f"timestamp was not granted: {status_text}")
    try:
        token = response["time_stamp_token"]
        if isinstance(token, core.Void):
            raise IntegrityError("timestamp response is granted but holds no token")
        info = _verify_token(token, data, ca_pem)
    except _MALFORMED as exc:
        raise IntegrityError(f"timestamp token is malformed: {exc}") from exc
    if nonce is not None and info.nonce != nonce:
        raise IntegrityError("timestamp answers a different request (its nonce differs)")
    return info


# What asn1crypto raises, lazily and deep inside, when DER is damaged.
_MALFORMED = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError)


def _verify_token(token: cms.ContentInfo, data: bytes, ca_pem: bytes | None) -> TimestampInfo:
    try:
        if token["content_type"].native != "signed_data":
            raise IntegrityError("timestamp token is not CMS SignedData")
        signed_data = token["content"]
        encap = signed_data["encap_content_info"]
        if encap["content_type"].native != "tst_info":
            raise IntegrityError("timestamp token does not contain a TSTInfo")
        econtent = encap["content"]
        tst_info_der = bytes(econtent)
        tst_info = econtent.parsed
        imprint = tst_info["message_imprint"]
        imprint_alg = imprint["hash_algorithm"]["algorithm"].native
        imprint_value = imprint["hashed_message"].native
        gen_time = tst_info["gen_time"].native
        serial = tst_info["serial_number"].native
        policy = tst_info["policy"].dotted
        nonce = tst_info["nonce"].native
        signer_infos = signed_data["signer_infos"]
        listed_digests = {a["algorithm"].dotted for a in signed_data["digest_algorithms"]}
        certificates = [
            c.chosen for c in (signed_data["certificates"] or []) if c.name == "certificate"
        ]
    except _MALFORMED as exc:
        raise IntegrityError(f"timestamp token is malformed: {exc}") from exc

    if imprint_alg not in _HASHES:
        raise IntegrityError(f"timestamp imprint uses {imprint_alg}, which we do not accept")
    if hashlib.new(imprint_alg, data).digest() != imprint_value:
        raise IntegrityError(f"timestamp is for different data ({imprint_alg} imprint differs)")
    if len(signer_infos) != 1:
        raise IntegrityError(f"timestamp token has {len(signer_infos)} signers, expected one")
    signer_info = signer_infos[0]
    # RFC 5652 5.1: SignedData lists the digests its signers use; `openssl ts -verify` refuses
    # a token whose list lacks the signer's, so we do too (the list is not under the signature).
    if signer_info["digest_algorithm"]["algorithm"].dotted not in listed_digests:
        raise IntegrityError("timestamp token does not list its signer's digest algorithm")

    signer_cert = _find_signer(signer_info["sid"], certificates)
    _check_signature(signer_info, tst_info_der, signer_cert)
    signer = x509.load_der_x509_certificate(signer_cert.dump())
    _check_tsa_certificate(signer, gen_time)
    trusted_by = None
    if ca_pem is not None:
        intermediates = [x509.load_der_x509_certificate(c.dump()) for c in certificates]
        trusted_by = _check_chain(signer, intermediates, ca_pem, gen_time)

    return TimestampInfo(
        gen_time=gen_time,
        tsa=signer.subject.rfc4514_string(),
        serial=serial,
        hash_algorithm=imprint_alg,
        imprint=imprint_value,
        policy=policy,
        nonce=nonce,
        trusted_by=trusted_by,
    )


def _status_text(response: _TimeStampResp) -> str:
    info = response["status"]
    parts = [str(info["status"].native)]
    if info["fail_info"].native:
        parts.append(", ".join(sorted(info["fail_info"].native)))
    if info["status_string"].native:
        parts.append("; ".join(info["status_string"].native))
    return " - ".join(parts)


def _find_signer(
    sid: cms.SignerIdentifier, certificates: list[asn1_x509.Certificate]
) -> asn1_x509.Certificate:
    for cert in certificates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (
                cert.serial_number == wanted["serial_number"].native
                and cert.issuer == wanted["issuer"]
            ):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    raise IntegrityError(
        "timestamp token does not include its signer's certificate (was certReq set?)"
    )


def _attribute(signed_attrs: cms.CMSAttributes, name: str) -> Any:
    values = [a["values"] for a in signed_attrs if a["type"].native == name]
    if len(values) != 1 or len(values[0]) != 1:
        raise IntegrityError(f"timestamp signature needs exactly one {name} attribute")
    return values[0][0]


def _hash_of(name: str) -> hashes.HashAlgorithm:
    if name not in _HASHES:
        raise IntegrityError(f"timestamp signature uses {name}, which we do not accept")
    return _HASHES[name]()


def _check_signature(
    signer_info: cms.SignerInfo, econtent: bytes, signer_cert: asn1_x509.Certificate
) -> None:
    """RFC 5652 5.4: signed attributes carry the eContent digest; the signature covers them."""
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    digest = _hash_of(digest_name)
    signed_attrs = signer_info["signed_attrs"]
    if not signed_attrs:
        raise IntegrityError("timestamp signature has no signed attributes (RFC 3161 needs them)")
    if _attribute(signed_attrs, "content_type").native != "tst_info":
        raise IntegrityError("timestamp signature's content-type attribute is not TSTInfo")
    h = hashes.Hash(digest)
    h.update(econtent)
    if _attribute(signed_attrs, "message_digest").native != h.finalize():
        raise IntegrityError("timestamp signature does not cover this TSTInfo (digest differs)")
    _check_signing_certificate(signed_attrs, signer_cert)

    # The signature is over the DER SET OF attributes, not the [0] IMPLICIT form stored here.
    signed_bytes = b"\x31" + signed_attrs.dump()[1:]
    signature = signer_info["signature"].native
    algorithm = signer_info["signature_algorithm"]
    public_key = x509.load_der_x509_certificate(signer_cert.dump()).public_key()
    try:
        kind = algorithm.signature_algo
        if kind == "rsassa_pkcs1v15" and isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, signed_bytes, padding.PKCS1v15(), digest)
        elif kind == "rsassa_pss" and isinstance(public_key, rsa.RSAPublicKey):
            params = algorithm["parameters"]
            pss_hash = _hash_of(params["hash_algorithm"]["algorithm"].native)
            mgf_hash = _hash_of(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)
            pss = padding.PSS(padding.MGF1(mgf_hash), params["salt_length"].native)
            public_key.verify(signature, signed_bytes, pss, pss_hash)
        elif kind == "ecdsa" and isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, signed_bytes, ec.ECDSA(digest))
        elif kind == "ed25519" and isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(signature, signed_bytes)
        elif kind == "ed448" and isinstance(public_key, ed448.Ed448PublicKey):
            public_key.verify(signature, signed_bytes)
        else:
            raise IntegrityError(
                f"timestamp signature algorithm {kind} does not match the TSA certificate's key"
            )
    except InvalidSignature as exc:
        raise IntegrityError(
            "timestamp signature does not verify with the TSA certificate"
        ) from exc
    except ValueError as exc:
        raise IntegrityError(f"timestamp signature cannot be checked: {exc}") from exc


def _check_signing_certificate(
    signed_attrs: cms.CMSAttributes, signer_cert: asn1_x509.Certificate
) -> None:
    """RFC 3161/5035: the signed ESS attribute must name the certificate that signed."""
    present = {a["type"].native for a in signed_attrs}
    cert_der = signer_cert.dump()
    if "signing_certificate_v2" in present:
        first = _attribute(signed_attrs, "signing_certificate_v2")["certs"][0]
        alg = first["hash_algorithm"]["algorithm"].native
        expected = hashlib.new(alg if alg in _HASHES else "sha256", cert_der).digest()
        if alg not in _HASHES or first["cert_hash"].native != expected:
            raise IntegrityError("timestamp names a different signing certificate (ESSCertIDv2)")
    elif "signing_certificate" in present:
        first = _attribute(signed_attrs, "signing_certificate")["certs"][0]
        # ESSCertID is SHA-1 by definition; here it only identifies, the signature protects it.
        if first["cert_hash"].native != hashlib.sha1(cert_der).digest():  # noqa: S324
            raise IntegrityError("timestamp names a different signing certificate (ESSCertID)")
    else:
        raise IntegrityError("timestamp signature has no signing-certificate attribute")


def _check_tsa_certificate(cert: x509.Certificate, gen_time: datetime) -> None:
    """RFC 3161 2.3: only a certificate whose sole, critical purpose is timestamping may sign."""
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound as exc:
        raise IntegrityError(
            "TSA certificate is not for timestamping (no extendedKeyUsage)"
        ) from exc
    if not eku.critical or list(eku.value) != [ExtendedKeyUsageOID.TIME_STAMPING]:
        raise IntegrityError("TSA certificate's extendedKeyUsage is not critical timeStamping only")
    if not cert.not_valid_before_utc <= gen_time <= cert.not_valid_after_utc:
        raise IntegrityError(
            f"TSA certificate was not valid at the stamped time {gen_time.isoformat()}"
        )


def _check_chain(
    signer: x509.Certificate,
    intermediates: list[x509.Certificate],
    ca_pem: bytes,
    gen_time: datetime,
) -> str:
    """The TSA certificate must chain, at the stamped time, to one of the trusted certificates.

    Path building and checking is `cryptography`'s (RFC 5280): issuer signatures, validity of
    every certificate at `gen_time`, CA basic constraints and path lengths; the end certificate
    must carry the critical, timeStamping-only extended key usage. A trusted certificate that
    is itself the TSA's is accepted as pinned. Returns the subject of the trusted certificate.
    """
    try:
        trusted = x509.load_pem_x509_certificates(ca_pem)
    except ValueError as exc:
        raise InputError(f"trusted CA file is not PEM certificates: {exc}") from exc
    if signer in trusted:
        return signer.subject.rfc4514_string()
    ee_policy = ExtensionPolicy.permit_all().require_present(
        x509.ExtendedKeyUsage, Criticality.CRITICAL, _timestamping_only
    )
    ca_policy = ExtensionPolicy.permit_all().require_present(
        x509.BasicConstraints, Criticality.AGNOSTIC, None
    )
    verifier = (
        PolicyBuilder()
        .store(Store(trusted))
        .time(gen_time)
        .extension_policies(ca_policy=ca_policy, ee_policy=ee_policy)
        .build_client_verifier()
    )
    try:
        chain = verifier.verify(signer, [c for c in intermediates if c != signer])
    except VerificationError as exc:
        raise IntegrityError(
            f"TSA certificate {signer.subject.rfc4514_string()} does not chain to a trusted "
            f"timestamp authority at {gen_time.isoformat()} ({exc})"
        ) from None
    return chain.chain[-1].subject.rfc4514_string()


def _timestamping_only(
    _policy: object, _cert: x509.Certificate, eku: x509.ExtendedKeyUsage | None
) -> None:
    """cryptography's validator hook: raising fails the chain (as a VerificationError)."""
    if eku is None or list(eku) != [ExtendedKeyUsageOID.TIME_STAMPING]:
        raise IntegrityError("extendedKeyUsage is not timeStamping only")
