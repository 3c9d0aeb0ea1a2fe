"""Our RFC 3161 verifier against rfc3161-client's, on tokens from a real `openssl ts` authority
and on tampered copies of them: both must accept the same tokens (and read the same time and
imprint from them) and refuse the same forgeries.

rfc3161-client cannot replace ours: it needs a trusted root (we also check a token on its own,
as `verify` does before any CA is trusted), does not compare the ESSCertID certificate hash
with the signer's certificate (`openssl ts -verify` and we do), and refuses `grantedWithMods`.
Our parsing does lean on it: its strict DER decoder is the first check `verify_timestamp`
makes. Where the two differ on purpose, the case below says which is right and why, and
asserts the difference so that a change on either side shows.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from asn1crypto import tsp
from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from corroborate import net
from corroborate.custody.timestamp import (
    TIMESTAMP_QUERY_TYPE,
    build_request,
    request_timestamp,
    verify_timestamp,
)
from corroborate.errors import IntegrityError
from corroborate.testing import ForgingTSA, LocalTSA, local_tsa

pytestmark = pytest.mark.skipif(
    shutil.which("openssl") is None and not os.environ.get("CI"),
    reason="needs openssl (scripts/install installs it; CI must have it)",
)

DATA = b"corroborate-tree-head/1\n7\n9f86d081884c\n2024-05-01T12:00:00.000000Z\nk1\n"
_DIGESTS = {
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}


@dataclass(frozen=True)
class Verdict:
    """What one verifier made of a token: accepted (with its time and imprint) or not, and why."""

    accepted: bool
    gen_time: datetime | None = None
    imprint: tuple[str, bytes] | None = None
    why: str = ""


def ours(der: bytes, data: bytes, ca_pem: bytes, nonce: int | None = None) -> Verdict:
    try:
        info = verify_timestamp(der, data, ca_pem, nonce=nonce)
    except IntegrityError as exc:
        return Verdict(False, why=str(exc))
    return Verdict(True, info.gen_time, (info.hash_algorithm, info.imprint))


def theirs(der: bytes, data: bytes, ca_pem: bytes, nonce: int | None = None) -> Verdict:
    try:
        response = decode_timestamp_response(der)
        builder = VerifierBuilder(roots=x509.load_pem_x509_certificates(ca_pem))
        if nonce is not None:
            builder = builder.nonce(nonce)
        builder.build().verify_message(response, data)
    except (ValueError, VerificationError) as exc:
        return Verdict(False, why=str(exc))
    imprint = response.tst_info.message_imprint
    algorithm = _DIGESTS[imprint.hash_algorithm.dotted_string]
    return Verdict(True, response.tst_info.gen_time, (algorithm, imprint.message))


def agree(der: bytes, data: bytes, ca_pem: bytes, nonce: int | None = None) -> Verdict:
    """Both verdicts, which must be the same; returns ours."""
    mine, other = ours(der, data, ca_pem, nonce), theirs(der, data, ca_pem, nonce)
    assert mine.accepted == other.accepted, (mine, other)
    if mine.accepted:
        assert (mine.gen_time, mine.imprint) == (other.gen_time, other.imprint)
    return mine


def _post(url: str, query: bytes) -> bytes:
    """The TSA's raw answer, whatever it says (request_timestamp refuses bad ones itself)."""
    policy = net.FetchPolicy(allow_private=True, max_redirects=0, timeout=30)
    reply = net.fetch(url, policy, method="POST", body=query,
                      headers={"Content-Type": TIMESTAMP_QUERY_TYPE})  # fmt: skip
    return reply.body


def _query(digest: str, *, cert_req: bool = True) -> bytes:
    """A TimeStampReq over DATA with `digest` (build_request only makes SHA-256 ones)."""
    imprint = {"hash_algorithm": {"algorithm": digest},
               "hashed_message": hashlib.new(digest, DATA).digest()}  # fmt: skip
    fields = {"version": "v1", "message_imprint": imprint, "cert_req": cert_req}
    der: bytes = tsp.TimeStampReq(fields).dump()
    return der


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTSA]:
    with local_tsa(tmp_path_factory.mktemp("tsa")) as running:
        yield running


@pytest.fixture(scope="module")
def ca(tsa: LocalTSA) -> bytes:
    return tsa.ca_pem_path.read_bytes()


@pytest.fixture(scope="module")
def token(tsa: LocalTSA) -> bytes:
    return request_timestamp(tsa.url, DATA)


def _with_tst_info(der: bytes, change: Callable[[tsp.TSTInfo], None]) -> bytes:
    """The response re-encoded with its TSTInfo changed (and nothing else)."""
    response = tsp.TimeStampResp.load(der)
    encap = response["time_stamp_token"]["content"]["encap_content_info"]
    tst_info = tsp.TSTInfo.load(bytes(encap["content"]))
    change(tst_info)
    encap["content"] = tst_info
    out: bytes = response.dump(force=True)
    return out


def _with_signed_attr_digest(der: bytes) -> bytes:
    """Also recompute the signed message-digest attribute, as a forger would."""
    response = tsp.TimeStampResp.load(der)
    signed_data = response["time_stamp_token"]["content"]
    econtent = bytes(signed_data["encap_content_info"]["content"])
    for attr in signed_data["signer_infos"][0]["signed_attrs"]:
        if attr["type"].native == "message_digest":
            attr["values"] = [hashlib.sha256(econtent).digest()]
    out: bytes = response.dump(force=True)
    return out


# --- what both must accept ---------------------------------------------------------------


def test_a_genuine_token_is_accepted_by_both_with_the_same_time_and_imprint(
    token: bytes, ca: bytes
) -> None:
    verdict = agree(token, DATA, ca)
    assert verdict.accepted, verdict.why
    assert verdict.imprint == ("sha256", hashlib.sha256(DATA).digest())
    assert verdict.gen_time is not None and verdict.gen_time.tzinfo is not None


@pytest.mark.parametrize("digest", ["sha384", "sha512"])
def test_tokens_over_other_digests_are_read_alike(tsa: LocalTSA, ca: bytes, digest: str) -> None:
    verdict = agree(_post(tsa.url, _query(digest)), DATA, ca)
    assert verdict.accepted, verdict.why
    assert verdict.imprint == (digest, hashlib.new(digest, DATA).digest())


def test_rfc3161_clients_own_request_is_answered_and_read_alike(tsa: LocalTSA, ca: bytes) -> None:
    query = TimestampRequestBuilder().data(DATA).hash_algorithm(HashAlgorithm.SHA512)
    query = query.cert_request(cert_request=True)
    assert agree(_post(tsa.url, query.build().as_bytes()), DATA, ca).accepted


def test_an_elliptic_curve_tsa_is_read_alike(tmp_path: Path) -> None:
    with local_tsa(tmp_path / "ec", key="ec") as ec_tsa:
        der = request_timestamp(ec_tsa.url, DATA)
        assert agree(der, DATA, ec_tsa.ca_pem_path.read_bytes()).accepted


def test_the_nonce_that_was_sent_is_accepted_by_both(tsa: LocalTSA, ca: bytes) -> None:
    der = _post(tsa.url, build_request(DATA, nonce=4242))
    assert agree(der, DATA, ca, nonce=4242).accepted


# --- what both must refuse -----------------------------------------------------------------


def test_other_data_is_refused_by_both(token: bytes, ca: bytes) -> None:
    assert not agree(token, DATA + b" ", ca).accepted


def test_a_flipped_signature_byte_is_refused_by_both(token: bytes, ca: bytes) -> None:
    response = tsp.TimeStampResp.load(token)
    signature = response["time_stamp_token"]["content"]["signer_infos"][0]["signature"].native
    at = token.rindex(signature) + len(signature) // 2
    tampered = token[:at] + bytes([token[at] ^ 0x01]) + token[at + 1 :]
    verdict = agree(tampered, DATA, ca)
    assert not verdict.accepted and "signature does not verify" in verdict.why


def test_an_altered_imprint_is_refused_by_both(token: bytes, ca: bytes) -> None:
    """A forger points the token at other data, with and without fixing the signed digest."""
    other = b"a different tree head"

    def point_at_other(tst_info: tsp.TSTInfo) -> None:
        tst_info["message_imprint"]["hashed_message"] = hashlib.sha256(other).digest()

    altered = _with_tst_info(token, point_at_other)
    for tampered in (altered, _with_signed_attr_digest(altered)):
        for data in (DATA, other):
            assert not agree(tampered, data, ca).accepted


def test_an_altered_time_is_refused_by_both(token: bytes, ca: bytes) -> None:
    def backdate(tst_info: tsp.TSTInfo) -> None:
        tst_info["gen_time"] = datetime(2020, 1, 1, tzinfo=UTC)

    assert not agree(_with_signed_attr_digest(_with_tst_info(token, backdate)), DATA, ca).accepted


def test_a_wrong_nonce_is_refused_by_both(tsa: LocalTSA, ca: bytes) -> None:
    der = _post(tsa.url, build_request(DATA, nonce=4242))
    verdict = agree(der, DATA, ca, nonce=4243)
    assert not verdict.accepted and "nonce" in verdict.why


def test_a_token_checked_against_another_ca_is_refused_by_both(
    token: bytes, tmp_path: Path
) -> None:
    with local_tsa(tmp_path / "other", name="elsewhere") as other:
        assert not agree(token, DATA, other.ca_pem_path.read_bytes()).accepted


def test_another_tsas_certificate_in_the_token_is_refused_by_both(
    token: bytes, ca: bytes, tmp_path: Path
) -> None:
    """The token carries another authority's certificate in place of its signer's."""
    with local_tsa(tmp_path / "other", name="elsewhere") as other:
        theirs_token = tsp.TimeStampResp.load(request_timestamp(other.url, DATA))
        foreign = theirs_token["time_stamp_token"]["content"]["certificates"]
        response = tsp.TimeStampResp.load(token)
        response["time_stamp_token"]["content"]["certificates"] = foreign
        swapped = response.dump(force=True)
        for trusted in (ca, other.ca_pem_path.read_bytes()):
            assert not agree(swapped, DATA, trusted).accepted


def test_a_token_without_its_certificate_is_refused_by_both(tsa: LocalTSA, ca: bytes) -> None:
    verdict = agree(_post(tsa.url, _query("sha256", cert_req=False)), DATA, ca)
    assert not verdict.accepted and "does not include its signer's certificate" in verdict.why


@pytest.mark.parametrize(
    "validity",
    [
        (datetime(2015, 1, 1, tzinfo=UTC), datetime(2020, 1, 1, tzinfo=UTC)),  # expired
        (datetime(2090, 1, 1, tzinfo=UTC), datetime(2099, 1, 1, tzinfo=UTC)),  # not yet valid
    ],
    ids=["expired", "not-yet-valid"],
)
def test_a_tsa_certificate_not_valid_at_the_stamped_time_is_refused_by_both(
    tmp_path: Path, validity: tuple[datetime, datetime]
) -> None:
    with local_tsa(tmp_path / "dated", tsa_validity=validity) as dated:
        der = _post(dated.url, build_request(DATA))
        verdict = agree(der, DATA, dated.ca_pem_path.read_bytes())
        assert not verdict.accepted and "not valid at the stamped time" in verdict.why


@pytest.mark.parametrize(
    "damage",
    [lambda d: d + b"\x00", lambda d: d + d[:40], lambda d: d[:-1], lambda d: d[:100]],
    ids=["trailing-zero", "trailing-garbage", "truncated-by-one", "truncated"],
)
def test_damaged_der_is_refused_by_both(
    token: bytes, ca: bytes, damage: Callable[[bytes], bytes]
) -> None:
    """Before, ours read a token with bytes after it as if they were not there; it is not DER,
    `openssl` and rfc3161-client refuse it, and bytes no signature covers must not ride along."""
    verdict = agree(damage(token), DATA, ca)
    assert not verdict.accepted and "not an RFC 3161 timestamp response" in verdict.why


def test_a_refusal_by_the_tsa_is_refused_by_both(tmp_path: Path) -> None:
    with local_tsa(tmp_path / "strict", digests=["sha512"]) as strict:
        der = _post(strict.url, build_request(DATA))
        assert decode_timestamp_response(der).status == PKIStatus.REJECTION
        assert not agree(der, DATA, strict.ca_pem_path.read_bytes()).accepted


# --- where they differ on purpose ---------------------------------------------------------


def _status_granted_with_mods(der: bytes) -> bytes:
    response = tsp.TimeStampResp.load(der)
    response["status"]["status"] = "granted_with_mods"
    out: bytes = response.dump(force=True)
    return out


def test_granted_with_modifications_is_a_timestamp_as_rfc_3161_says(
    token: bytes, ca: bytes
) -> None:
    """RFC 3161 2.4.2: status 1 (grantedWithMods) carries a token; `openssl ts -verify`
    accepts it. rfc3161-client accepts only status 0. The status is outside the signature."""
    der = _status_granted_with_mods(token)
    assert ours(der, DATA, ca).accepted
    assert not theirs(der, DATA, ca).accepted


def test_a_signature_algorithm_we_cannot_name_is_refused_by_us_only(
    token: bytes, ca: bytes
) -> None:
    """The signer info's signatureAlgorithm is outside the signature; OpenSSL (under both
    `openssl ts -verify` and rfc3161-client) ignores it and uses the key's own type. We refuse
    to guess: an algorithm identifier that names nothing is a malformed token."""
    rsa_encryption = bytes.fromhex("2a864886f70d010101")  # 1.2.840.113549.1.1.1
    at = token.rindex(rsa_encryption) + 1
    tampered = token[:at] + bytes([token[at] ^ 0x01]) + token[at + 1 :]
    mine = ours(tampered, DATA, ca)
    assert not mine.accepted and "Signature algorithm not known" in mine.why
    assert theirs(tampered, DATA, ca).accepted


def test_a_pinned_tsa_certificate_is_trusted_by_us_only(token: bytes, tsa: LocalTSA) -> None:
    """Trusting the TSA's own certificate (not its CA) is a choice we offer (`--trust-ca` with
    the TSA certificate); rfc3161-client, through OpenSSL, wants a chain to a root."""
    pinned = tsa.tsa_cert_path.read_bytes()
    assert ours(token, DATA, pinned).accepted
    assert not theirs(token, DATA, pinned).accepted


def test_a_token_naming_another_signing_certificate_is_refused_by_us_only(
    tmp_path: Path,
) -> None:
    """RFC 3161 2.4.1 / RFC 5035: the signed ESSCertID(v2) attribute must name the signer's
    certificate (it stops a certificate being swapped for another with the same key).
    `openssl ts -verify` checks it as we do; rfc3161-client does not look at it."""
    forger = ForgingTSA(tmp_path / "forger", datetime(2020, 1, 1, tzinfo=UTC))
    ca_pem = forger.ca_pem_path.read_bytes()
    at = datetime(2024, 1, 1, tzinfo=UTC)
    assert agree(forger.stamp(DATA, at), DATA, ca_pem).accepted
    der = forger.stamp(DATA, at, ess_cert_hash=hashlib.sha256(b"another certificate").digest())
    mine = ours(der, DATA, ca_pem)
    assert not mine.accepted and "different signing certificate" in mine.why
    assert theirs(der, DATA, ca_pem).accepted
    (tmp_path / "data").write_bytes(DATA)
    (tmp_path / "token.tsr").write_bytes(der)
    check = subprocess.run(
        ["openssl", "ts", "-verify", "-data", str(tmp_path / "data"),
         "-in", str(tmp_path / "token.tsr"), "-CAfile", str(forger.ca_pem_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert check.returncode != 0 and "ess" in (check.stdout + check.stderr).lower()


# --- every single-byte change ----------------------------------------------------------------


def _structure_offsets(der: bytes) -> list[int]:
    """Every byte outside the certificate and signature value, and every 13th inside them."""
    signed_data = tsp.TimeStampResp.load(der)["time_stamp_token"]["content"]
    bulk = [signed_data["signer_infos"][0]["signature"].native]
    bulk += [c.chosen.dump() for c in signed_data["certificates"]]
    inside: set[int] = set()
    for blob in bulk:
        start = der.index(blob)
        inside.update(range(start, start + len(blob)))
    return [i for i in range(len(der)) if i not in inside or i % 13 == 0]


def _explained(der: bytes, at: int, mine: Verdict, other: Verdict) -> bool:
    """The two differences the cases above explain: the status byte, the signature algorithm."""
    status_value = 8  # SEQUENCE (4 bytes), SEQUENCE (2), INTEGER 0 (tag, length, value)
    if at == status_value and mine.accepted and other.why == "PKIStatus is not GRANTED":
        return True
    return not mine.accepted and "Signature algorithm not known" in mine.why


@pytest.mark.parametrize("key", ["rsa", "ec"])
def test_no_single_byte_change_is_read_differently(tmp_path: Path, key: str) -> None:
    with local_tsa(tmp_path / key, key=key) as running:
        der = request_timestamp(running.url, DATA)
        ca_pem = running.ca_pem_path.read_bytes()
    assert der[8:9] == b"\x00"
    unexplained = []
    for at in _structure_offsets(der):
        for mask in (0x01, 0x80):
            tampered = der[:at] + bytes([der[at] ^ mask]) + der[at + 1 :]
            mine, other = ours(tampered, DATA, ca_pem), theirs(tampered, DATA, ca_pem)
            if mine.accepted and other.accepted:
                assert (mine.gen_time, mine.imprint) == (other.gen_time, other.imprint), at
            elif mine.accepted != other.accepted and not _explained(der, at, mine, other):
                unexplained.append((at, mask, mine.why or "accepted", other.why or "accepted"))
    assert unexplained == []
