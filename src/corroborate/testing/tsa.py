"""A real RFC 3161 timestamp authority on 127.0.0.1, made with `openssl ts`, for tests and demos.

Tokens it issues are ordinary RFC 3161 responses, so the same `openssl ts -verify` command we
document for users checks them. Its CA is made fresh in `workdir` and trusted by nobody else.
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from corroborate.errors import InputError, SetupError

__all__ = ["ForgingTSA", "LocalTSA", "failing_tsa", "local_tsa"]

TSA_POLICY = "1.3.6.1.4.1.55738.1.1"  # a made-up policy id; only tests and demos use it

_TS_CONFIG = """\
[ tsa ]
default_tsa = corroborate_tsa

[ corroborate_tsa ]
serial = {serial}
crypto_device = builtin
signer_cert = {tsa_cert}
signer_key = {tsa_key}
signer_digest = sha256
default_policy = {policy}
digests = {digests}
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

_TSA_EXTENSIONS = """\
[ tsa_cert ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
"""


@dataclass(frozen=True)
class LocalTSA:
    """Where a running local TSA listens and the certificates a verifier needs."""

    url: str
    ca_pem_path: Path
    tsa_cert_path: Path
    workdir: Path


def _openssl(*args: str | Path, stdin: bytes | None = None) -> bytes:
    """Run openssl and fail loudly with its own message: a broken fixture must not pass quietly."""
    exe = shutil.which("openssl")
    if exe is None:
        raise SetupError("the local timestamp authority needs the openssl command")
    proc = subprocess.run(
        [exe, *map(str, args)], input=stdin, capture_output=True, check=False, timeout=60
    )
    if proc.returncode != 0:
        raise SetupError(
            f"openssl {args[0]} failed: {proc.stderr.decode(errors='replace').strip()}"
        )
    return proc.stdout


_KEYS = {
    "rsa": ("-newkey", "rsa:2048"),
    "ec": ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"),
}


def _make_certificates(
    workdir: Path, name: str, key: str, validity: tuple[datetime, datetime] | None = None
) -> tuple[Path, Path, Path]:
    """A self-signed CA, and a TSA certificate it issued with the critical timeStamping EKU.

    `validity` (not before, not after) dates the TSA certificate, e.g. expired long ago;
    `openssl x509` here cannot set past dates, so that certificate is issued with `cryptography`.
    """
    ca_key, ca_pem = workdir / "ca.key", workdir / "ca.pem"
    tsa_key, tsa_csr, tsa_pem = workdir / "tsa.key", workdir / "tsa.csr", workdir / "tsa.pem"
    ext = workdir / "tsa_ext.cnf"
    _openssl(
        "req", "-x509", "-new", *_KEYS[key], "-nodes", "-sha256",
        "-keyout", ca_key, "-out", ca_pem, "-days", "3650",
        "-subj", f"/O={name}/CN={name} test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    _openssl(
        "req", "-new", *_KEYS[key], "-nodes", "-sha256",
        "-keyout", tsa_key, "-out", tsa_csr, "-subj", f"/O={name}/CN={name} test TSA",
    )  # fmt: skip
    if validity is not None:
        _issue_dated(ca_pem, ca_key, tsa_csr, tsa_pem, validity)
        return ca_pem, tsa_key, tsa_pem
    ext.write_text(_TSA_EXTENSIONS)
    _openssl(
        "x509", "-req", "-in", tsa_csr, "-CA", ca_pem, "-CAkey", ca_key,
        "-set_serial", "0x1001", "-days", "3650", "-sha256",
        "-extfile", ext, "-extensions", "tsa_cert", "-out", tsa_pem,
    )  # fmt: skip
    return ca_pem, tsa_key, tsa_pem


def _issue_dated(
    ca_pem: Path, ca_key: Path, csr: Path, out: Path, validity: tuple[datetime, datetime]
) -> None:
    """The TSA certificate `_TSA_EXTENSIONS` describes, valid only between the given times."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID

    ca = x509.load_pem_x509_certificate(ca_pem.read_bytes())
    signing_key = serialization.load_pem_private_key(ca_key.read_bytes(), password=None)
    if not isinstance(signing_key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise SetupError("the test CA key is neither RSA nor EC")
    request = x509.load_pem_x509_csr(csr.read_bytes())
    public = request.public_key()
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip
    cert = (
        x509.CertificateBuilder()
        .subject_name(request.subject)
        .issuer_name(ca.subject)
        .public_key(public)
        .serial_number(0x1001)
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(signing_key, hashes.SHA256())
    )
    out.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _handler(config: Path, lock: threading.Lock) -> type[http.server.BaseHTTPRequestHandler]:
    class TimestampHandler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            query = self.rfile.read(length)
            with lock, tempfile.TemporaryDirectory(dir=config.parent) as tmp:
                query_path, reply_path = Path(tmp, "query.tsq"), Path(tmp, "reply.tsr")
                query_path.write_bytes(query)
                try:
                    _openssl(
                        "ts", "-reply", "-config", config,
                        "-queryfile", query_path, "-out", reply_path,
                    )  # fmt: skip
                    reply = reply_path.read_bytes()
                except (SetupError, OSError) as exc:
                    self.send_error(400, explain=str(exc))
                    return
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # tests read results, not an access log on stderr

    return TimestampHandler


@contextmanager
def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="corroborate-tsa", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def local_tsa(
    workdir: Path,
    *,
    name: str = "corroborate",
    digests: Sequence[str] = ("sha256", "sha384", "sha512"),
    key: str = "rsa",
    tsa_validity: tuple[datetime, datetime] | None = None,
) -> Iterator[LocalTSA]:
    """Start a timestamp authority answering POSTs at `.url`; stops when the block ends.

    `digests` are the message-imprint algorithms it accepts; requests with others get a
    `rejection` status, which is how tests exercise a TSA that says no. `key` is "rsa"
    (2048-bit, like most public TSAs) or "ec" (P-256). `tsa_validity` (not before, not after)
    dates its certificate, so that a test can have an authority whose certificate has expired.
    """
    if key not in _KEYS:
        raise InputError(f"key must be one of {sorted(_KEYS)}, not {key!r}")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    ca_pem, tsa_key, tsa_pem = _make_certificates(workdir, name, key, tsa_validity)
    serial = workdir / "tsaserial"
    serial.write_text("01\n")
    config = workdir / "tsa.cnf"
    config.write_text(
        _TS_CONFIG.format(
            serial=serial,
            tsa_cert=tsa_pem,
            tsa_key=tsa_key,
            policy=TSA_POLICY,
            digests=", ".join(digests),
        )
    )
    with _serve(_handler(config, threading.Lock())) as url:
        yield LocalTSA(url=url, ca_pem_path=ca_pem, tsa_cert_path=tsa_pem, workdir=workdir)


@contextmanager
def failing_tsa(status: int = 500, body: bytes = b"TSA is down") -> Iterator[str]:
    """A URL that answers every request with an HTTP error, for testing how failures read."""

    class FailingHandler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    with _serve(FailingHandler) as url:
        yield url


class ForgingTSA:
    """A timestamp authority that stamps whatever time it is told, for tamper tests.

    It plays an authority the archive trusts but that lies about the time (or whose key was
    stolen): its CA and timestamping certificate are valid from `valid_from`, long before the
    test runs, so a backdated token checks in every way but its time.
    """

    def __init__(self, workdir: Path, valid_from: datetime) -> None:
        from datetime import timedelta

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        workdir.mkdir(parents=True, exist_ok=True)
        until = valid_from + timedelta(days=3650 * 3)
        ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "forging test CA")])
        ca = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(valid_from)
            .not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "forging TSA")]))
            .issuer_name(ca_name)
            .public_key(self._key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(valid_from)
            .not_valid_after(until)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
            )
            .sign(ca_key, hashes.SHA256())
        )
        self.ca_pem_path = workdir / "forging-ca.pem"
        self.ca_pem_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))

    def stamp(
        self, data: bytes, gen_time: datetime, *, ess_cert_hash: bytes | None = None
    ) -> bytes:
        """A granted DER TimeStampResp over SHA-256(data) that claims `gen_time`.

        `ess_cert_hash` replaces the SHA-256 of the signer's certificate in the signed
        ESSCertIDv2 attribute, for a token that names another certificate than its signer's.
        """
        import hashlib

        from asn1crypto import cms, tsp
        from asn1crypto import x509 as asn1_x509
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding

        cert_der = self.cert.public_bytes(serialization.Encoding.DER)
        tst_info = tsp.TSTInfo(
            {
                "version": "v1",
                "policy": TSA_POLICY,
                "message_imprint": {
                    "hash_algorithm": {"algorithm": "sha256"},
                    "hashed_message": hashlib.sha256(data).digest(),
                },
                "serial_number": x509.random_serial_number(),
                "gen_time": gen_time,
            }
        )
        econtent = tst_info.dump()
        essv2 = {
            "hash_algorithm": {"algorithm": "sha256"},
            "cert_hash": ess_cert_hash or hashlib.sha256(cert_der).digest(),
        }
        signed_attrs = cms.CMSAttributes(
            [
                {"type": "content_type", "values": ["tst_info"]},
                {"type": "message_digest", "values": [hashlib.sha256(econtent).digest()]},
                {"type": "signing_certificate_v2", "values": [{"certs": [essv2]}]},
            ]
        )
        signature = self._key.sign(signed_attrs.dump(), padding.PKCS1v15(), hashes.SHA256())
        asn1_cert = asn1_x509.Certificate.load(cert_der)
        signer = {
            "version": "v1",
            "sid": {
                "issuer_and_serial_number": {
                    "issuer": asn1_cert.issuer,
                    "serial_number": asn1_cert.serial_number,
                }
            },
            "digest_algorithm": {"algorithm": "sha256"},
            "signed_attrs": signed_attrs,
            "signature_algorithm": {"algorithm": "sha256_rsa"},
            "signature": signature,
        }
        signed_data = cms.SignedData(
            {
                "version": "v3",
                "digest_algorithms": [{"algorithm": "sha256"}],
                "encap_content_info": {"content_type": "tst_info", "content": tst_info},
                "certificates": [asn1_cert],
                "signer_infos": [signer],
            }
        )
        response = tsp.TimeStampResp(
            {
                "status": {"status": "granted"},
                "time_stamp_token": {"content_type": "signed_data", "content": signed_data},
            }
        )
        der: bytes = response.dump()
        return der
