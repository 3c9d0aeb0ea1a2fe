"""The evidence package played by an attacker: a forger who holds the zip (and can rebuild the
manifest, the proofs, even a whole signed log with a key of their own), or who sends a zip
built to exhaust the verifier. Each attack must make `verify-package` exit non-zero with a line
that names what changed; an honest unzip and re-zip must still verify."""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
import os
import shutil
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from corroborate.archive import ingest
from corroborate.cli import app
from corroborate.custody import keys, merkle
from corroborate.custody.anchor import anchor
from corroborate.custody.log import canonical_json
from corroborate.custody.models import CustodyEntryRow
from corroborate.custody.setup import init_archive
from corroborate.errors import CorroborateError
from corroborate.incidents import create_incident, link_evidence
from corroborate.report import ZipLimits, build_package, key_fingerprint, verify_package
from corroborate.storage.archive import Archive
from corroborate.testing import LocalTSA, local_tsa
from incident_fixtures import execution

runner = CliRunner()
MANIFEST, HEAD, PROOFS, PUBLIC_KEY = (
    "MANIFEST.sha256",
    "custody/head.json",
    "custody/proofs.json",
    "custody/public_key.pem",
)
SRC = str(Path(__file__).resolve().parents[1] / "src")


@dataclass(frozen=True)
class Case:
    package: Path
    public_key: Path  # custody.pub as the archive publishes it
    fingerprint: str
    tsa_ca: Path
    primary: str  # the primary video's name inside the zip
    incident: str


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory, clips: tuple[Path, Path]) -> Case:
    """A real incident with two real clips, its log timestamped twice by a real RFC 3161 TSA
    (once before the incident, once after the primary clip was linked), then exported."""
    root = tmp_path_factory.mktemp("case")
    archive = init_archive(root / "archive")
    report = ingest(archive, [str(c) for c in clips], actor="alice", source="Telegram: @example")
    first, second = [r.item_id for r in report.results if r.item_id]
    with local_tsa(root / "tsa") as tsa:
        anchor_at(archive, tsa)
        inc = create_incident(archive, execution(), actor="alice")
        link_evidence(archive, inc.id, first, role="primary", actor="alice")
        anchor_at(archive, tsa)
        shutil.copy(tsa.ca_pem_path, root / "tsa-ca.pem")
    archive.os_login = "alice-laptop"  # from here on, as the CLI run by that OS account writes
    link_evidence(archive, inc.id, second, role="corroborating", actor="alice")
    shutil.copy(archive.key_dir / "custody.pub", root / "custody.pub")
    package = build_package(archive, inc.id, root / "case.zip", actor="carol")
    archive.close()
    primary = next(n for n in names(package.path) if n.endswith(f"{first}_clip.mp4"))
    return Case(
        package.path,
        root / "custody.pub",
        package.key_fingerprint,
        root / "tsa-ca.pem",
        primary,
        inc.id,
    )


def anchor_at(archive: Archive, tsa: LocalTSA) -> None:
    """`custody anchor` at the test TSA, trusting its CA where the archive asks for one."""
    if "trust_ca" in inspect.signature(anchor).parameters:
        cast(Any, anchor)(archive, tsa.url, actor="alice", trust_ca=tsa.ca_pem_path)
    else:
        anchor(archive, tsa.url, actor="alice")


# -- helpers: what a forger does with a zip -------------------------------------------------
def names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()


def members(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def write(path: Path, entries: Iterable[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries:
            method = zipfile.ZIP_STORED if name.endswith(".mp4") else zipfile.ZIP_DEFLATED
            zf.writestr(name, data, compress_type=method)
    return path


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_of(entries: dict[str, bytes]) -> bytes:
    """The manifest a careful forger writes: every file with its SHA-256."""
    return "".join(f"{sha(d)}  {n}\n" for n, d in sorted(entries.items()) if n != MANIFEST).encode()


def tamper(case: Case, tmp_path: Path, change: dict[str, bytes | None]) -> Path:
    """The package with members replaced, added or (None) removed, and the manifest fixed up."""
    entries = dict(members(case.package))
    for name, data in change.items():
        if data is None:
            entries.pop(name)
        else:
            entries[name] = data
    entries[MANIFEST] = manifest_of(entries)
    return write(tmp_path / "tampered.zip", entries.items())


def dump(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def verify(path: Path, *options: str) -> tuple[int, str]:
    result = runner.invoke(app, ["verify-package", str(path), *options])
    return result.exit_code, result.stdout + result.stderr


def a_line(output: str, *words: str) -> str:
    """The one output line that holds all `words` (fails the test if there is none)."""
    found = [line for line in output.splitlines() if all(w in line for w in words)]
    assert found, f"no line with {words} in:\n{output}"
    return found[0]


def other_video(case: Case) -> bytes:
    """Another real clip of the same archive, to swap in for the primary one."""
    return next(d for n, d in members(case.package) if n.endswith("_rocket.mp4"))


# -- the package as exported -----------------------------------------------------------------
def test_the_exported_package_verifies_against_the_published_key(case: Case) -> None:
    code, out = verify(case.package, "--key", str(case.public_key), "--tsa-ca", str(case.tsa_ca))
    assert code == 0, out
    assert a_line(out, "OK", case.fingerprint, "(pinned)")
    stamped = [line for line in out.splitlines() if line.startswith("timestamp:")]
    assert len(stamped) == 2 and "not checked" not in out  # both anchors, TSA chained to its CA
    assert "checked only against the key inside" not in out


def test_without_a_pinned_key_it_says_whose_key_it_checked(case: Case) -> None:
    code, out = verify(case.package)
    assert code == 0, out
    note = a_line(out, "checked only against the key inside the package")
    assert case.fingerprint in note
    fp = hashlib.sha256(
        keys.load_public(case.public_key.parent / "archive" / "keys").public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
    ).hexdigest()
    assert fp == case.fingerprint  # SHA-256 of the raw public key, as documented
    doc = json.loads(runner.invoke(app, ["verify-package", str(case.package), "--json"]).stdout)
    assert doc["ok"] is True and doc["key_pinned"] is False
    assert doc["key_fingerprint"] == case.fingerprint
    assert any(case.fingerprint in n for n in doc["notes"])


def test_the_key_can_be_pinned_by_its_fingerprint(case: Case, tmp_path: Path) -> None:
    assert verify(case.package, "--fingerprint", case.fingerprint)[0] == 0
    pinned = tmp_path / "archive.fingerprint"
    pinned.write_text(":".join(case.fingerprint[i : i + 2] for i in range(0, 64, 2)) + "\n")
    assert verify(case.package, "--key", str(pinned))[0] == 0
    code, out = verify(case.package, "--fingerprint", case.fingerprint[:16])
    assert code == 2 and "full 64-hex fingerprint" in out


# -- forged content --------------------------------------------------------------------------
def test_primary_video_swapped(case: Case, tmp_path: Path) -> None:
    code, out = verify(tamper(case, tmp_path, {case.primary: other_video(case)}))
    assert code == 1
    assert a_line(out, "altered_file", case.primary, "signed")


def test_primary_video_swapped_and_the_whole_log_re_signed_with_a_fresh_key(
    case: Case, tmp_path: Path
) -> None:
    forged = forge_with_a_fresh_key(case, tmp_path, {case.primary: other_video(case)})
    code, out = verify(forged, "--key", str(case.public_key))
    assert code == 1
    line = a_line(out, "bad_key", case.fingerprint)
    forger = key_fingerprint(
        cast(Any, serialization.load_pem_public_key(dict(members(forged))[PUBLIC_KEY]))
    )
    assert forger in line and forger != case.fingerprint
    assert verify(forged, "--fingerprint", case.fingerprint)[0] == 1

    # without a pinned key the forgery is self-consistent: the output says so and shows the
    # forger's fingerprint, which differs from the archive's published one
    code, out = verify(forged)
    assert code == 0
    note = a_line(out, "checked only against the key inside the package")
    assert forger in note and case.fingerprint not in out
    assert a_line(out, "no RFC 3161 timestamp")  # a forger cannot make the TSA sign


def test_file_added_and_listed_in_the_manifest(case: Case, tmp_path: Path) -> None:
    code, out = verify(tamper(case, tmp_path, {"evidence/statement.txt": b"I saw it\n"}))
    assert code == 1
    assert a_line(out, "added_file", "evidence/statement.txt", "not in the signed export record")


def test_file_removed(case: Case, tmp_path: Path) -> None:
    gone = next(n for n in names(case.package) if n.endswith(".metadata.json"))
    code, out = verify(tamper(case, tmp_path, {gone: None}))
    assert code == 1
    assert a_line(out, "missing_file", gone)


def test_proof_removed(case: Case, tmp_path: Path) -> None:
    proofs = json.loads(dict(members(case.package))[PROOFS])
    removed = proofs["proofs"].pop(0)
    code, out = verify(tamper(case, tmp_path, {PROOFS: dump(proofs)}))
    assert code == 1
    assert a_line(out, "missing_proof", f"custody entry {removed['seq']}")


def test_proof_edited(case: Case, tmp_path: Path) -> None:
    proofs = json.loads(dict(members(case.package))[PROOFS])
    edited = proofs["proofs"][1]
    edited["audit_path"][0] = "00" * 32
    code, out = verify(tamper(case, tmp_path, {PROOFS: dump(proofs)}))
    assert code == 1
    assert a_line(out, "bad_proof", f"custody entry {edited['seq']}")


def test_proven_entry_rewritten_in_the_proofs(case: Case, tmp_path: Path) -> None:
    proofs = json.loads(dict(members(case.package))[PROOFS])
    entry = proofs["proofs"][0]
    entry["leaf_data"] = entry["leaf_data"].replace('"actor":"alice"', '"actor":"mallory"')
    code, out = verify(tamper(case, tmp_path, {PROOFS: dump(proofs)}))
    assert code == 1
    assert a_line(out, "bad_proof", f"custody entry {entry['seq']}")


def test_custody_entry_json_edited(case: Case, tmp_path: Path) -> None:
    data = dict(members(case.package))["custody/entries.json"]
    edited = data.replace(b'"actor": "alice"', b'"actor": "mallory"', 1)
    assert edited != data
    code, out = verify(tamper(case, tmp_path, {"custody/entries.json": edited}))
    assert code == 1
    assert a_line(out, "altered_file", "custody/entries.json")


def _with_os_login(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for e in entries if e.get("os_login") == "alice-laptop")


def test_the_os_login_beside_the_actor_is_exported_and_proven(case: Case) -> None:
    files = dict(members(case.package))
    shown = _with_os_login(json.loads(files["history.json"]))
    assert shown["actor"] == "alice" and shown["action"] == "incident.link"
    assert any(e["os_login"] is None for e in json.loads(files["custody/entries.json"]))
    proven = {p["seq"]: json.loads(p["leaf_data"]) for p in json.loads(files[PROOFS])["proofs"]}
    assert proven[shown["seq"]]["os_login"] == "alice-laptop"
    assert all("os_login" not in leaf for leaf in proven.values() if leaf["seq"] < shown["seq"])
    assert "alice (OS login alice-laptop)" in files["report.html"].decode()


@pytest.mark.parametrize("how", ["swapped", "removed"])
def test_a_proven_entrys_os_login_rewritten_in_the_proofs(
    case: Case, tmp_path: Path, how: str
) -> None:
    proofs = json.loads(dict(members(case.package))[PROOFS])
    proof = next(p for p in proofs["proofs"] if '"os_login":"alice-laptop"' in p["leaf_data"])
    leaf = json.loads(proof["leaf_data"])
    if how == "swapped":
        leaf["os_login"] = "bob-laptop"
    else:
        del leaf["os_login"]
    proof["leaf_data"] = canonical_json(leaf)
    code, out = verify(tamper(case, tmp_path, {PROOFS: dump(proofs)}))
    assert code == 1
    assert a_line(out, "bad_proof", f"custody entry {proof['seq']}")


@pytest.mark.parametrize(
    ("member", "how"), [("custody/entries.json", "swapped"), ("history.json", "removed")]
)
def test_an_entrys_os_login_changed_in_the_readable_json_is_named_by_entry(
    case: Case, tmp_path: Path, member: str, how: str
) -> None:
    shown = json.loads(dict(members(case.package))[member])
    entry = _with_os_login(shown)
    entry["os_login"] = "bob-laptop" if how == "swapped" else None
    code, out = verify(tamper(case, tmp_path, {member: dump(shown)}))
    assert code == 1
    assert a_line(out, "altered_file", member)
    assert a_line(out, "altered_entry", f"custody entry {entry['seq']}", "os_login")


def test_an_entry_added_to_the_readable_json_is_named(case: Case, tmp_path: Path) -> None:
    shown = json.loads(dict(members(case.package))["history.json"])
    shown.append({**shown[-1], "seq": 999, "actor": "mallory", "os_login": "mallory"})
    code, out = verify(tamper(case, tmp_path, {"history.json": dump(shown)}))
    assert code == 1
    assert a_line(out, "altered_entry", "custody entry 999", "not among the entries proven")


@pytest.mark.parametrize("member", ["README.txt", "report.html", "history.json"])
def test_readable_files_edited(case: Case, tmp_path: Path, member: str) -> None:
    data = dict(members(case.package))[member]
    code, out = verify(tamper(case, tmp_path, {member: data.replace(b"e", b"3", 3)}))
    assert code == 1
    assert a_line(out, "altered_file", member)


def test_manifest_edited(case: Case, tmp_path: Path) -> None:
    entries = dict(members(case.package))
    entries[MANIFEST] = entries[MANIFEST].replace(sha(entries["incident.json"]).encode(), b"0" * 64)
    code, out = verify(write(tmp_path / "tampered.zip", entries.items()))
    assert code == 1
    assert a_line(out, "altered_file", MANIFEST, "incident.json")


def test_public_key_swapped_in_the_package(case: Case, tmp_path: Path) -> None:
    other = Ed25519PrivateKey.generate().public_key()
    pem = other.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    code, out = verify(tamper(case, tmp_path, {PUBLIC_KEY: pem}))
    assert code == 1
    assert a_line(out, "altered_file", PUBLIC_KEY)
    assert a_line(out, "bad_signature", HEAD)


def test_duplicate_entry_names_with_the_tampered_copy_first(case: Case, tmp_path: Path) -> None:
    entries = members(case.package)
    at = next(i for i, (n, _) in enumerate(entries) if n == case.primary)
    entries.insert(at, (case.primary, other_video(case)))
    with pytest.warns(UserWarning, match="Duplicate name"):
        write(tmp_path / "dup.zip", entries)
    code, out = verify(tmp_path / "dup.zip")
    assert code == 1
    assert a_line(out, "duplicate_name", case.primary, "2 entries")
    assert a_line(out, "altered_file", case.primary, "copy 1 of 2")


@pytest.mark.parametrize(
    "evil", ["../escape.txt", "/etc/cron.d/evil", "evidence\\..\\evil.txt", "C:/evil.txt"]
)
def test_unsafe_entry_names(case: Case, tmp_path: Path, evil: str) -> None:
    entries = [*members(case.package), (evil, b"x")]
    zip_path = write(tmp_path / "evil.zip", [])
    with zipfile.ZipFile(zip_path, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name)
            info.filename = name  # ZipInfo() would clean the name; an attacker's tool does not
            zf.writestr(info, data)
    code, out = verify(zip_path)
    assert code == 1
    assert a_line(out, "unsafe_name", repr(evil))


def test_symbolic_link_entry(case: Case, tmp_path: Path) -> None:
    path = write(tmp_path / "link.zip", members(case.package))
    with zipfile.ZipFile(path, "a") as zf:
        info = zipfile.ZipInfo("evidence/passwd")
        info.create_system = 3
        info.external_attr = (0o120777) << 16
        zf.writestr(info, "/etc/passwd")
    code, out = verify(path)
    assert code == 1
    assert a_line(out, "unsafe_name", "evidence/passwd", "symbolic link")


def test_folder_entry_that_holds_data(case: Case, tmp_path: Path) -> None:
    path = write(tmp_path / "folder.zip", members(case.package))
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(zipfile.ZipInfo("evidence/hidden/"), b"payload")
    code, out = verify(path)
    assert code == 1
    assert a_line(out, "evidence/hidden/", "folder entry that holds data")


# -- timestamps ------------------------------------------------------------------------------
def test_timestamp_token_removed(case: Case, tmp_path: Path) -> None:
    token = next(n for n in names(case.package) if n.endswith(".tsr"))
    code, out = verify(tamper(case, tmp_path, {token: None}))
    assert code == 1
    assert a_line(out, "missing_file", token)


def test_timestamp_token_altered(case: Case, tmp_path: Path) -> None:
    token = next(n for n in names(case.package) if n.endswith(".tsr"))
    der = bytearray(dict(members(case.package))[token])
    der[-40] ^= 0xFF  # inside the TSA's signature
    code, out = verify(tamper(case, tmp_path, {token: bytes(der)}))
    assert code == 1
    assert a_line(out, "altered_file", token)
    assert a_line(out, "bad_timestamp", token)


def test_timestamp_from_an_authority_the_verifier_does_not_trust(
    case: Case, tmp_path: Path
) -> None:
    with local_tsa(tmp_path / "other", name="someone-else") as other:
        code, out = verify(case.package, "--tsa-ca", str(other.ca_pem_path))
    assert code == 1
    assert a_line(out, "bad_timestamp", ".tsr", "TSA certificate", "trusted")


# -- honest re-zips pass ---------------------------------------------------------------------
def unzip(case: Case, into: Path) -> Path:
    with zipfile.ZipFile(case.package) as zf:
        zf.extractall(into)
    return into


@pytest.mark.skipif(
    shutil.which("zip") is None and not os.environ.get("CI"),
    reason="the zip command is not installed (scripts/install installs it; CI must have it)",
)
def test_unzipped_and_re_zipped_with_zip_r_still_verifies(case: Case, tmp_path: Path) -> None:
    folder = unzip(case, tmp_path / "case")
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # Finder leaves these about
    inside = tmp_path / "inside.zip"  # zip -r . from inside the folder: folder entries
    subprocess.run(["zip", "-qr", str(inside), "."], cwd=folder, check=True)
    assert "evidence/" in names(inside)
    code, out = verify(inside, "--key", str(case.public_key))
    assert code == 0, out
    assert a_line(out, "set aside 1", ".DS_Store")

    whole = tmp_path / "whole.zip"  # zip -r of the folder itself: every name under case/
    subprocess.run(["zip", "-qr", str(whole), "case"], cwd=tmp_path, check=True)
    code, out = verify(whole, "--key", str(case.public_key))
    assert code == 0, out
    assert a_line(out, "inside the folder case/")


def test_re_zipped_like_macos_archive_utility_still_verifies(case: Case, tmp_path: Path) -> None:
    """Archive Utility writes folder entries, one top folder and AppleDouble files in __MACOSX."""
    entries: list[tuple[str, bytes]] = [("case/", b""), ("case/evidence/", b"")]
    entries += [(f"case/{n}", d) for n, d in members(case.package)]
    entries += [("__MACOSX/", b""), ("__MACOSX/case/._README.txt", b"\0\5\26\7quarantine")]
    code, out = verify(write(tmp_path / "mac.zip", entries), "--key", str(case.public_key))
    assert code == 0, out
    assert a_line(out, "set aside 1", "__MACOSX")


def test_evidence_hidden_among_macos_metadata_is_reported(case: Case, tmp_path: Path) -> None:
    entries = [*members(case.package), ("__MACOSX/evidence/real.mp4", other_video(case))]
    code, out = verify(write(tmp_path / "hidden.zip", entries))
    assert code == 1
    assert a_line(out, "added_file", "__MACOSX/evidence/real.mp4")


def test_a_file_outside_the_re_zip_folder_is_reported(case: Case, tmp_path: Path) -> None:
    entries = [(f"case/{n}", d) for n, d in members(case.package)] + [("note.txt", b"hi")]
    code, out = verify(write(tmp_path / "outside.zip", entries))
    assert code == 1
    assert a_line(out, "added_file", "note.txt", "outside the package's folder case/")
    problems = [x for x in out.splitlines() if not x.startswith(("note:", "timestamp:"))]
    assert len(problems) == 1  # the rest of the package, inside case/, checks out


# -- hostile and broken zips -----------------------------------------------------------------
def raw_zip(path: Path, entries: list[tuple[str, int, Iterable[bytes], int, int]]) -> Path:
    """A zip written by hand: (name, method, compressed chunks, CRC-32, declared size) each,
    so a test can write 1 GiB of zeros in a second, or declare sizes that are lies."""
    central = b""
    with open(path, "wb") as out:
        for name, method, chunks, crc, size in entries:
            offset = out.tell()
            raw_name, n = name.encode(), len(name.encode())
            fixed = (20, 0, method, 0, 0x21)  # version, flags, method, time, date (1980-01-01)
            out.write(
                struct.pack("<4s5H3L2H", b"PK\x03\x04", *fixed, crc, 0, size, n, 0) + raw_name
            )
            written = 0
            for chunk in chunks:
                out.write(chunk)
                written += len(chunk)
            end = out.tell()
            out.seek(offset + 18)  # the compressed size, known now
            out.write(struct.pack("<L", written))
            out.seek(end)
            tail = (n, 0, 0, 0, 0, 0, offset)  # name length, no extra/comment, attributes, offset
            central += (
                struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fixed, crc, written, size, *tail)
                + raw_name
            )
        at = out.tell()
        out.write(central)
        out.write(
            struct.pack(
                "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), at, 0
            )
        )
    return path


def deflated(data: bytes) -> tuple[list[bytes], int, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return [c.compress(data) + c.flush()], zlib.crc32(data), len(data)


def zeros(gib: int) -> tuple[list[bytes], int, int]:
    """Raw deflate of `gib` GiB of zeros, made from one compressed MiB repeated (full flush
    makes each block stand alone), and its true CRC-32."""
    mib = bytes(1 << 20)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(1024 * gib):
        crc = zlib.crc32(mib, crc)
    return [block] * (1024 * gib) + [c.flush()], crc, (1 << 30) * gib


def genuine(case: Case, but: str) -> list[tuple[str, int, Iterable[bytes], int, int]]:
    return [(n, 8, *deflated(d)) for n, d in members(case.package) if n != but]


def peak_rss_of_verify(path: Path) -> tuple[int, str, int]:
    """Run verify-package in a fresh interpreter; (exit code, output, its own peak RSS in KiB
    read from /proc/self/status at the end, which counts this process only)."""
    code = (
        "import sys\n"
        "from corroborate.cli import app\n"
        "try:\n"
        "    app(['verify-package', sys.argv[1]])\n"
        "except SystemExit as e:\n"
        "    rc = e.code or 0\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print('VMHWM', hwm, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    env = {**os.environ, "PYTHONPATH": SRC}
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    hwm = int(a_line(done.stderr, "VMHWM").split()[1])
    return done.returncode, done.stdout + done.stderr, hwm


def resting_rss(tmp_path: Path) -> int:
    """The peak RSS of verify-package given a missing file, measured in the same run: what
    its imports cost (numba and FAISS among them), against which a hostile zip's cost is read."""
    return peak_rss_of_verify(tmp_path / "no-such-package.zip")[2]


def test_zip_bomb_manifest_is_refused_in_bounded_memory(case: Case, tmp_path: Path) -> None:
    """The attack of issue 10: a small zip whose manifest unpacks to a gigabyte."""
    bomb = raw_zip(tmp_path / "bomb.zip", [*genuine(case, MANIFEST), (MANIFEST, 8, *zeros(1))])
    assert bomb.stat().st_size < 3 * 1024 * 1024
    started = time.monotonic()
    code, out, hwm = peak_rss_of_verify(bomb)
    assert code == 1, out
    assert a_line(out, "hostile_zip", MANIFEST, "zip bomb")
    assert time.monotonic() - started < 60
    base = resting_rss(tmp_path)  # the same program refusing a missing file: its imports
    assert hwm - base < 100 * 1024, f"peak RSS {hwm} KiB, {hwm - base} KiB over {base} KiB"


def test_zip_bomb_that_lies_about_its_size_is_read_no_further_than_declared(
    case: Case, tmp_path: Path
) -> None:
    """Headers declaring the genuine video's size over a gigabyte of zeros: reading stops at the
    declared size and the CRC does not match."""
    video = dict(members(case.package))[case.primary]
    chunks, crc, _real = zeros(1)
    bomb = raw_zip(
        tmp_path / "liar.zip",
        [*genuine(case, case.primary), (case.primary, 8, chunks, crc, len(video))],
    )
    code, out, hwm = peak_rss_of_verify(bomb)
    assert code == 1, out
    assert a_line(out, case.primary)
    base = resting_rss(tmp_path)  # the same program refusing a missing file: its imports
    assert hwm - base < 100 * 1024, f"peak RSS {hwm} KiB, {hwm - base} KiB over {base} KiB"


def test_too_many_entries_is_refused_before_reading(case: Case, tmp_path: Path) -> None:
    many = [(f"evidence/{i}.txt", b"") for i in range(300)]
    path = write(tmp_path / "many.zip", [*members(case.package), *many])
    check = verify_package(path, limits=ZipLimits(entries=200))
    assert not check.ok and check.files_checked == 0
    assert [p.kind for p in check.problems] == ["hostile_zip"]
    assert "entries (limit 200)" in check.problems[0].message


def test_an_oversized_manifest_is_not_read_into_memory(case: Case, tmp_path: Path) -> None:
    lines = b"".join(f"{sha(os.urandom(8))}  evidence/{i}.mp4\n".encode() for i in range(40_000))
    entries = dict(members(case.package))
    entries[MANIFEST] = lines  # ~3.6 MB of text that does not compress away
    path = write(tmp_path / "big-manifest.zip", entries.items())
    check = verify_package(path, limits=ZipLimits(parsed_bytes=1024 * 1024))
    assert not check.ok
    assert any(p.kind == "too_large" and p.where == MANIFEST for p in check.problems)


def test_truncated_zip_is_one_line_not_a_traceback(case: Case, tmp_path: Path) -> None:
    cut = tmp_path / "cut.zip"
    cut.write_bytes(case.package.read_bytes()[: case.package.stat().st_size // 2])
    result = runner.invoke(app, ["verify-package", str(cut)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "not a readable zip file" in result.stderr and len(result.stderr.splitlines()) == 1
    text = tmp_path / "notes.zip"
    text.write_text("not a zip\n")
    assert runner.invoke(app, ["verify-package", str(text)]).exit_code == 2


# -- writing the package ---------------------------------------------------------------------
def export_entries(archive: Archive) -> int:
    with archive.session() as session:
        return int(session.query(CustodyEntryRow).filter_by(action="export.package").count())


def test_export_refuses_to_overwrite_or_create_folders_and_logs_only_what_it_wrote(
    archive: Archive, items: list[str], cli: Any, tmp_path: Path
) -> None:
    inc = create_incident(archive, execution(), actor="alice")
    link_evidence(archive, inc.id, items[0], role="primary", actor="alice")
    out = tmp_path / "case.zip"
    assert cli("export", "package", inc.id, "--out", out).exit_code == 0
    before = out.read_bytes()

    again = cli("export", "package", inc.id, "--out", out)
    assert again.exit_code == 2 and "already exists" in again.stderr and "--force" in again.stderr
    assert out.read_bytes() == before

    nowhere = cli("export", "package", inc.id, "--out", tmp_path / "no" / "such" / "case.zip")
    assert nowhere.exit_code == 2 and "does not exist" in nowhere.stderr
    assert not (tmp_path / "no").exists()

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    # root writes anywhere a mode allows nothing, so there it tries sysfs, which refuses
    target = locked / "case.zip" if os.geteuid() else Path("/sys/corroborate-case.zip")
    try:
        denied = cli("export", "package", inc.id, "--out", target)
    finally:
        locked.chmod(0o700)
    assert denied.exit_code == 2 and "cannot write" in denied.stderr, denied.stderr
    assert len(denied.stderr.strip().splitlines()) == 1
    assert export_entries(archive) == 1  # the refused exports left no export entry

    replaced = cli("export", "package", inc.id, "--out", out, "--force", "--json")
    assert replaced.exit_code == 0
    assert json.loads(replaced.stdout)["key_fingerprint"] == key_fingerprint(
        keys.load_public(archive.key_dir)
    )
    assert export_entries(archive) == 2
    assert verify_package(out).ok
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_failed_export_leaves_no_file_and_no_entry(
    archive: Archive, items: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inc = create_incident(archive, execution(), actor="alice")
    link_evidence(archive, inc.id, items[0], role="primary", actor="alice")

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(CorroborateError, match="No space left on device"):
        build_package(archive, inc.id, out / "case.zip", actor="alice")
    assert list(out.iterdir()) == []  # neither the package nor its temporary file
    assert export_entries(archive) == 0


# -- the forger's toolkit ------------------------------------------------------------------
def forge_with_a_fresh_key(case: Case, tmp_path: Path, change: dict[str, bytes]) -> Path:
    """Everything a forger holding only the zip can do: change files, rewrite the export record
    to match, rebuild a Merkle tree around the proven entries, sign a head with a new key."""
    entries = dict(members(case.package))
    entries.update(change)
    proofs = json.loads(entries[PROOFS])
    export_seq = proofs["export_entry"]
    proven = {p["seq"]: json.loads(p["leaf_data"]) for p in proofs["proofs"]}
    for name in [n for n in entries if n.startswith("custody/timestamps/")]:
        del entries[name]  # a forger cannot make the TSA sign; drop the tokens
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    entries[PUBLIC_KEY] = pem
    entries["README.txt"] = entries["README.txt"].replace(
        case.fingerprint.encode(), key_fingerprint(public).encode()
    )
    record = proven[export_seq]["details"]
    record["timestamps"] = []
    record["key_fingerprint"] = key_fingerprint(public)
    record["files"] = {n: sha(d) for n, d in entries.items() if n not in (MANIFEST, HEAD, PROOFS)}
    record["sizes"] = {n: len(d) for n, d in entries.items() if n in record["files"]}
    size = json.loads(entries[HEAD])["tree_size"]
    leaves = [merkle.leaf_hash(f"filler {i}".encode()) for i in range(size)]
    leaf_data = {seq: canonical_json(e).encode() for seq, e in proven.items()}
    for seq, data in leaf_data.items():
        leaves[seq - 1] = merkle.leaf_hash(data)
    root = merkle.root(leaves).hex()
    now = datetime.now(UTC).replace(tzinfo=None)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    head = {"tree_size": size, "root_hash": root, "timestamp": stamp, "key_id": keys.key_id(public)}
    signed = (f"corroborate-tree-head/1\n{size}\n{root}\n{stamp}\n{head['key_id']}\n").encode()
    head["signature"] = base64.b64encode(private.sign(signed)).decode()
    entries[HEAD] = dump(head)
    entries[PROOFS] = dump(
        {
            "format": proofs["format"],
            "export_entry": export_seq,
            "consistency": [],
            "proofs": [
                {
                    "seq": seq,
                    "leaf_data": data.decode(),
                    "leaf_index": seq - 1,
                    "tree_size": size,
                    "audit_path": [h.hex() for h in merkle.inclusion_proof(seq - 1, leaves)],
                }
                for seq, data in sorted(leaf_data.items())
            ],
        }
    )
    entries[MANIFEST] = manifest_of(entries)
    return write(tmp_path / "forged.zip", entries.items())


def test_a_timestamp_dated_before_the_head_it_covers_is_reported(
    archive: Archive,
    items: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A head signed 'tomorrow' (a clock run ahead, or a log rewritten after the fact) cannot
    have been timestamped today: the token would vouch for a time the head claims it did not
    yet exist."""
    from datetime import timedelta

    from corroborate.custody import log
    from corroborate.custody.models import TimestampTokenRow
    from corroborate.custody.timestamp import request_timestamp

    inc = create_incident(archive, execution(), actor="alice")
    ahead = datetime.now(UTC) + timedelta(days=1)
    monkeypatch.setattr(log, "utcnow", lambda: ahead)
    link_evidence(archive, inc.id, items[0], role="primary", actor="alice")
    monkeypatch.undo()
    head = log.current_head(archive)
    assert head.timestamp.replace(tzinfo=UTC) == ahead
    with local_tsa(tmp_path / "tsa") as tsa:
        token = request_timestamp(tsa.url, head.signed_bytes())
    with archive.write() as session:  # stored as `custody anchor` stores it
        session.add(
            TimestampTokenRow(
                tree_size=head.tree_size,
                tsa_url=tsa.url,
                response=token,
                gen_time=datetime.now(UTC),
                created_at=datetime.now(UTC),
                created_by="alice",
            )
        )
    package = build_package(archive, inc.id, tmp_path / "case.zip", actor="alice").path
    code, out = verify(package)
    assert code == 1
    assert a_line(out, "bad_timestamp", ".tsr", "before the head it covers was signed")


def test_export_and_verify_report_progress_for_a_front_end_to_draw(
    archive: Archive, items: list[str], tmp_path: Path
) -> None:
    inc = create_incident(archive, execution(), actor="alice")
    link_evidence(archive, inc.id, items[0], role="primary", actor="alice")
    link_evidence(archive, inc.id, items[1], role="corroborating", actor="alice")
    wrote: list[tuple[int, int]] = []
    out = build_package(
        archive,
        inc.id,
        tmp_path / "case.zip",
        actor="alice",
        progress=lambda d, t: wrote.append((d, t)),
    ).path
    clips = [i.file_size for i in zipfile.ZipFile(out).infolist() if i.filename.endswith(".mp4")]
    assert wrote and wrote[-1] == (sum(clips), sum(clips))
    hashed: list[tuple[int, int]] = []
    assert verify_package(out, progress=lambda d, t: hashed.append((d, t))).ok
    assert hashed[-1][0] == hashed[-1][1] > sum(clips)  # every recorded file, clips and records
    assert [d for d, _ in hashed] == sorted(d for d, _ in hashed)


def test_a_package_of_the_older_format_is_named_as_such(case: Case, tmp_path: Path) -> None:
    proofs = json.loads(dict(members(case.package))[PROOFS])
    proofs["format"] = "corroborate-evidence-package/1"
    code, out = verify(tamper(case, tmp_path, {PROOFS: dump(proofs)}))
    assert code == 1
    assert a_line(out, "old_format", "package/1", "export it again")
