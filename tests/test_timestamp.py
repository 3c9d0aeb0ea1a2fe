"""Trusted timestamps from a real `openssl ts` authority, checked by us and by openssl itself."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import tsp

from corroborate.custody.timestamp import (
    TimestampInfo,
    build_request,
    request_timestamp,
    verify_timestamp,
)
from corroborate.errors import InputError, IntegrityError
from corroborate.testing import LocalTSA, failing_tsa, local_tsa

pytestmark = pytest.mark.skipif(
    shutil.which("openssl") is None and not os.environ.get("CI"),
    reason="needs openssl (scripts/install installs it; CI must have it)",
)

TREE_HEAD = b"corroborate-tree-head/1\n42\n5dc9da79a706\n2024-05-01T12:00:00.000000Z\nk1\n"


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTSA]:
    with local_tsa(tmp_path_factory.mktemp("tsa")) as running:
        yield running


@pytest.fixture(scope="module")
def strict_tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTSA]:
    """A second, unrelated authority that only accepts SHA-512 imprints."""
    with local_tsa(tmp_path_factory.mktemp("strict"), name="elsewhere", digests=["sha512"]) as t:
        yield t


@pytest.fixture(scope="module")
def token(tsa: LocalTSA) -> bytes:
    return request_timestamp(tsa.url, TREE_HEAD)


def _openssl_verify(
    tmp: Path, tsa: LocalTSA, data: bytes, response: bytes
) -> subprocess.CompletedProcess[str]:
    (tmp / "data.bin").write_bytes(data)
    (tmp / "resp.tsr").write_bytes(response)
    # The command the user documentation gives, verbatim.
    return subprocess.run(
        [
            "openssl", "ts", "-verify",
            "-data", str(tmp / "data.bin"),
            "-in", str(tmp / "resp.tsr"),
            "-CAfile", str(tsa.ca_pem_path),
            "-untrusted", str(tsa.tsa_cert_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip


def test_a_tree_head_timestamped_by_the_tsa_verifies(tsa: LocalTSA, token: bytes) -> None:
    info = verify_timestamp(token, TREE_HEAD, ca_pem=tsa.ca_pem_path.read_bytes())
    assert isinstance(info, TimestampInfo)
    assert info.tsa == "CN=corroborate test TSA,O=corroborate"
    assert info.hash_algorithm == "sha256"
    assert info.gen_time.tzinfo is not None
    assert abs(datetime.now(UTC) - info.gen_time) < timedelta(minutes=5)
    assert isinstance(info.serial, int) and info.serial > 0
    assert info.nonce is not None
    assert info.trusted_by == "CN=corroborate test CA,O=corroborate"
    unchained = verify_timestamp(token, TREE_HEAD)  # without a CA: signature only
    assert unchained.trusted_by is None and unchained.gen_time == info.gen_time


def test_each_token_gets_its_own_serial(tsa: LocalTSA, token: bytes) -> None:
    again = request_timestamp(tsa.url, TREE_HEAD)
    assert verify_timestamp(again, TREE_HEAD).serial != verify_timestamp(token, TREE_HEAD).serial


def test_openssl_verifies_the_stored_response(tsa: LocalTSA, token: bytes, tmp_path: Path) -> None:
    result = _openssl_verify(tmp_path, tsa, TREE_HEAD, token)
    assert result.returncode == 0, result.stderr
    assert "Verification: OK" in result.stdout


def test_openssl_rejects_the_response_for_other_bytes(
    tsa: LocalTSA, token: bytes, tmp_path: Path
) -> None:
    result = _openssl_verify(tmp_path, tsa, TREE_HEAD + b" ", token)
    assert result.returncode != 0
    assert "Verification: OK" not in result.stdout


def test_the_token_does_not_vouch_for_other_bytes(token: bytes) -> None:
    with pytest.raises(IntegrityError, match="timestamp is for different data"):
        verify_timestamp(token, TREE_HEAD.replace(b"42", b"43"))


def test_a_token_with_an_edited_time_fails(token: bytes) -> None:
    response = tsp.TimeStampResp.load(token)
    gen_time = response["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed[
        "gen_time"
    ]
    stamped = gen_time.dump()
    assert token.count(stamped) == 1
    earlier = stamped.replace(b"20", b"19", 1)  # GeneralizedTime "2026..." becomes "1926..."
    with pytest.raises(IntegrityError, match="does not cover this TSTInfo"):
        verify_timestamp(token.replace(stamped, earlier), TREE_HEAD)


def test_a_token_with_a_damaged_signature_fails(token: bytes) -> None:
    damaged = token[:-1] + bytes([token[-1] ^ 0x01])  # the signature is the last field
    with pytest.raises(IntegrityError, match="signature does not verify"):
        verify_timestamp(damaged, TREE_HEAD)


def test_no_single_byte_corruption_changes_what_the_token_says(token: bytes) -> None:
    """Bytes outside the signature (CMS version, algorithm lists) may change harmlessly; any
    corruption that is accepted must leave the time, authority, serial and data as they were."""
    genuine = verify_timestamp(token, TREE_HEAD)
    rejected = 0
    for position in range(len(token)):
        corrupt = bytearray(token)
        corrupt[position] ^= 0x10
        try:
            info = verify_timestamp(bytes(corrupt), TREE_HEAD)
        except IntegrityError:
            rejected += 1
            continue
        assert info == genuine, position
    assert rejected > 0.95 * len(token)


def test_a_token_checked_against_another_ca_fails(token: bytes, strict_tsa: LocalTSA) -> None:
    with pytest.raises(IntegrityError, match="does not chain to a trusted timestamp authority"):
        verify_timestamp(token, TREE_HEAD, ca_pem=strict_tsa.ca_pem_path.read_bytes())


def test_a_tsa_with_an_elliptic_curve_key_is_checked_too(tmp_path: Path) -> None:
    with local_tsa(tmp_path / "ec", name="ec", key="ec") as ec_tsa:
        response = request_timestamp(ec_tsa.url, TREE_HEAD)
        info = verify_timestamp(response, TREE_HEAD, ca_pem=ec_tsa.ca_pem_path.read_bytes())
        assert info.tsa == "CN=ec test TSA,O=ec"
        assert _openssl_verify(tmp_path, ec_tsa, TREE_HEAD, response).returncode == 0
        damaged = response[:-3] + bytes([response[-3] ^ 0x01]) + response[-2:]
        with pytest.raises(IntegrityError):
            verify_timestamp(damaged, TREE_HEAD)


def test_the_tsa_certificate_itself_can_be_pinned(tsa: LocalTSA, token: bytes) -> None:
    assert verify_timestamp(token, TREE_HEAD, ca_pem=tsa.tsa_cert_path.read_bytes())


def test_something_that_is_not_a_timestamp_fails() -> None:
    with pytest.raises(IntegrityError, match="not an RFC 3161 timestamp response"):
        verify_timestamp(b"<html>502 Bad Gateway</html>", TREE_HEAD)


def test_the_request_asks_for_sha256_and_the_certificate(tmp_path: Path) -> None:
    der = build_request(TREE_HEAD, nonce=7)
    request = tsp.TimeStampReq.load(der)
    assert request["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"
    assert request["cert_req"].native is True
    assert request["nonce"].native == 7
    assert tsp.TimeStampReq.load(build_request(TREE_HEAD))["nonce"].native is None
    # openssl reads it the same way.
    (tmp_path / "req.tsq").write_bytes(der)
    text = subprocess.run(
        ["openssl", "ts", "-query", "-in", str(tmp_path / "req.tsq"), "-text"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Hash Algorithm: sha256" in text
    assert "Certificate required: yes" in text
    assert "Nonce: 0x07" in text


def test_a_tsa_that_answers_500_is_reported_with_its_url() -> None:
    with failing_tsa(500) as url:
        with pytest.raises(InputError, match=rf"^timestamp authority {url} answered HTTP 500"):
            request_timestamp(url, TREE_HEAD)


def test_a_tsa_that_refuses_connections_is_reported_with_its_url() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/tsa"
    with pytest.raises(InputError, match=rf"^cannot reach timestamp authority {url}"):
        request_timestamp(url, TREE_HEAD, timeout=5)


def test_a_tsa_that_never_answers_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # the kernel accepts the connection; nobody ever replies
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/tsa"
        with pytest.raises(InputError, match=rf"timestamp authority {url}.*(within|timed out)"):
            request_timestamp(url, TREE_HEAD, timeout=0.5)


def test_a_tsa_that_rejects_the_request_is_reported(strict_tsa: LocalTSA) -> None:
    with pytest.raises(InputError, match=r"refused the request: rejection - bad_alg"):
        request_timestamp(strict_tsa.url, TREE_HEAD)


def test_only_http_urls_are_used() -> None:
    with pytest.raises(InputError, match="must be http"):
        request_timestamp("file:///etc/passwd", TREE_HEAD)


def _server_threads() -> int:
    return sum(t.name == "corroborate-tsa" for t in threading.enumerate())


def test_the_local_tsa_stops_cleanly(tmp_path: Path) -> None:
    before = _server_threads()
    with local_tsa(tmp_path / "short-lived") as running:
        assert _server_threads() == before + 1
        assert verify_timestamp(request_timestamp(running.url, b"x"), b"x")
    with pytest.raises(InputError, match="cannot reach timestamp authority"):
        request_timestamp(running.url, b"x", timeout=5)
    assert _server_threads() == before
