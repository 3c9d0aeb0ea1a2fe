"""A prosecutor must be able to show that nothing in the archive changed since it was logged:
verify catches every kind of tampering, proofs check out, timestamps verify with openssl."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from backends import Backend, edit_blob, flip_a_byte, raw_database, remove_blob
from conftest import REPORTS, run_corroborate
from corroborate.archive import ingest, verify_archive
from corroborate.custody import consistency, current_head, entries, prove
from corroborate.storage.archive import Archive
from corroborate.testing import local_tsa


@pytest.fixture
def filled(archive: Archive, footage: dict[str, Path]) -> Archive:
    ingest(
        archive,
        [str(footage["coffee"]), str(footage["still"]), str(REPORTS)],
        actor="alice",
        source="Telegram: @a",
    )
    assert verify_archive(archive) == []
    return archive


def _kinds(archive: Archive) -> set[str]:
    return {p.kind for p in verify_archive(archive)}


def test_a_changed_byte_in_a_blob_is_reported_as_altered(filled: Archive, cli) -> None:
    with raw_database(filled) as db:
        sha = db.one("select sha256 from items where kind='video'")
    edit_blob(filled, sha, flip_a_byte)
    result = cli("verify")
    assert result.exit_code == 1
    assert f"blob {sha} was altered" in result.stderr
    assert json.loads(cli("verify", "--json").stdout)["problems"][0]["kind"] == "altered_blob"


def test_a_missing_blob_is_reported(filled: Archive) -> None:
    with raw_database(filled) as db:
        sha = db.one("select sha256 from items where kind='image'")
    remove_blob(filled, sha)
    problems = verify_archive(filled)
    assert [p.kind for p in problems] == ["missing_blob"]
    assert sha in problems[0].message


def test_the_log_tables_refuse_updates_and_deletes(filled: Archive) -> None:
    with raw_database(filled) as db:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.execute("update custody_entries set actor='mallory' where seq=1")
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.execute("delete from custody_entries where seq=1")


def test_an_edited_log_row_is_reported_even_when_its_stored_hash_is_fixed_up(
    filled: Archive,
) -> None:
    db = raw_database(filled)
    db.bypass_append_only("custody_entries")
    db.execute("update custody_entries set actor='mallory' where seq=1")
    problems = verify_archive(filled)
    assert "altered_entry" in {p.kind for p in problems}
    assert any("custody entry 1" in p.message for p in problems)
    # a careful forger also recomputes the leaf hash: the signed heads still catch it
    from corroborate.custody import merkle
    from corroborate.custody.log import leaf_data
    from corroborate.custody.models import CustodyEntryRow

    with filled.session() as session:
        row = session.get(CustodyEntryRow, 1)
        forged = merkle.leaf_hash(leaf_data(row)).hex()
    db.execute("update custody_entries set leaf_hash=:h where seq=1", {"h": forged})
    kinds = _kinds(filled)
    assert "altered_entry" not in kinds
    assert "head_mismatch" in kinds


def test_a_deleted_entry_is_reported(filled: Archive) -> None:
    db = raw_database(filled)
    db.bypass_append_only("custody_entries")
    db.execute("delete from custody_entries where seq=2")
    problems = verify_archive(filled)
    assert any(p.kind == "removed_entry" and "custody entry 2" in p.message for p in problems)


def test_a_deleted_last_entry_is_reported(filled: Archive) -> None:
    db = raw_database(filled)
    size = db.one("select max(seq) from custody_entries")
    db.bypass_append_only("custody_entries")
    db.execute("delete from custody_entries where seq=:s", {"s": size})
    assert "removed_entry" in _kinds(filled)


def test_a_forged_head_signature_is_reported(filled: Archive) -> None:
    db = raw_database(filled)
    db.bypass_append_only("tree_heads")
    db.execute(
        "update tree_heads set signature=:s "
        "where tree_size=(select max(tree_size) from tree_heads)",
        {"s": "A" * 86 + "=="},
    )
    assert "bad_signature" in _kinds(filled)


def test_an_item_slipped_into_the_database_without_custody_is_reported(filled: Archive) -> None:
    db = raw_database(filled)
    first = db.one("select id from items order by id limit 1")
    db.copy_row("items", f"id='{first}'", id="0" * 12, sha256="0" * 64)
    kinds = _kinds(filled)
    assert {"missing_blob", "unlogged_item"} <= kinds


def test_inclusion_proof_of_an_entry_checks_out_against_the_signed_head(
    filled: Archive, cli
) -> None:
    proof = prove(filled, 2)
    assert proof.verify()
    data = json.loads(cli("custody", "prove", "2", "--json").stdout)
    assert data["leaf_index"] == 1
    assert data["head"]["root_hash"] == current_head(filled).root_hash
    # checked independently of the archive with the RFC 6962 algorithm
    from corroborate.custody import merkle

    assert merkle.verify_inclusion(
        data["leaf_index"],
        data["tree_size"],
        merkle.leaf_hash(data["leaf_data"].encode()),
        [bytes.fromhex(h) for h in data["audit_path"]],
        bytes.fromhex(data["head"]["root_hash"]),
    )
    assert cli("custody", "prove", "999").exit_code == 2


def test_an_earlier_published_head_is_proven_a_prefix_of_todays_log(
    filled: Archive, footage: dict[str, Path], cli, tmp_path: Path
) -> None:
    published = tmp_path / "head.json"
    published.write_text(cli("custody", "head", "--json").stdout)
    ingest(filled, [str(footage["grass"])], actor="bob")
    result = cli("custody", "consistency", published, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["verified"] is True
    old = json.loads(published.read_text())
    assert consistency(filled, old["tree_size"], old["root_hash"]).verify()
    # a head that was never this log's is refused
    bad = consistency(filled, old["tree_size"], "00" * 32)
    assert not bad.verify()
    assert cli("custody", "consistency", f"{old['tree_size']}:{'00' * 32}").exit_code == 1


def test_tree_head_is_anchored_with_rfc3161_and_checkable_with_openssl(
    filled: Archive, cli, tmp_path: Path
) -> None:
    with local_tsa(tmp_path / "tsa") as tsa:
        result = cli("custody", "anchor", "--tsa", tsa.url, "--trust-ca", tsa.ca_pem_path)
        assert result.exit_code == 0, result.stderr
        assert verify_archive(filled) == []
        out = tmp_path / "exported"
        assert cli("custody", "export-anchor", "1", "--out", out).exit_code == 0
        data = next(out.glob("*.txt"))
        token = next(out.glob("*.tsr"))
        check = subprocess.run(
            [
                "openssl",
                "ts",
                "-verify",
                "-data",
                data,
                "-in",
                token,
                "-CAfile",
                tsa.ca_pem_path,
                "-untrusted",
                tsa.tsa_cert_path,
            ],
            capture_output=True,
            text=True,
        )
        assert "Verification: OK" in check.stdout, check.stderr
    # a token whose bytes were changed in the database no longer verifies
    db = raw_database(filled)
    db.bypass_append_only("timestamp_tokens")
    blob = bytearray(db.one("select response from timestamp_tokens"))
    blob[-40] ^= 0xFF
    db.execute("update timestamp_tokens set response=:r", {"r": bytes(blob)})
    assert "bad_timestamp" in _kinds(filled)


def test_an_unreachable_tsa_is_a_one_line_error(filled: Archive, cli, tmp_path: Path) -> None:
    with local_tsa(tmp_path / "tsa") as tsa:
        ca = tsa.ca_pem_path
        result = cli("custody", "anchor", "--tsa", "http://127.0.0.1:9/tsa", "--trust-ca", ca)
    assert result.exit_code == 2
    assert "127.0.0.1:9" in result.stderr


# -- crash safety and concurrency -------------------------------------------------------------


def _archive_is_consistent(path: Path) -> None:
    opened = Archive.open(path)
    try:
        assert verify_archive(opened) == []
        with raw_database(opened) as db:
            rows = db.execute("select sha256 from items union select sha256 from derivatives")
            for (sha,) in rows.all():
                assert opened.blobs.exists(sha), "a row points at a missing blob"
    finally:
        opened.close()


@pytest.mark.parametrize(
    "point", ["blob-written", "blob-stored", "rows-added", "head-signed", "committed"]
)
def test_a_kill_at_any_point_of_an_ingest_leaves_a_verifiable_archive(
    point: str, backend: Backend, footage: dict[str, Path], tmp_path: Path
) -> None:
    arc = tmp_path / "arc"
    backend.init(arc).close()
    ingest_first = run_corroborate("ingest", "-A", str(arc), str(footage["still"]))
    assert ingest_first.returncode == 0, ingest_first.stderr
    killed = run_corroborate(
        "ingest", "-A", str(arc), str(footage["coffee"]), env={"CORROBORATE_CRASH_AT": point}
    )
    assert killed.returncode == -signal.SIGKILL
    _archive_is_consistent(arc)
    # and the archive goes on working: the same ingest now succeeds
    again = run_corroborate("ingest", "-A", str(arc), str(footage["coffee"]))
    assert again.returncode == 0, again.stderr
    _archive_is_consistent(arc)


def test_kills_at_random_moments_of_a_long_ingest_leave_a_verifiable_archive(
    backend: Backend, footage: dict[str, Path], tmp_path: Path
) -> None:
    arc = tmp_path / "arc"
    backend.init(arc).close()
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(12):
        (folder / f"clip{i}.mp4").write_bytes(footage["coffee"].read_bytes() + bytes([i]) * 9)
    for delay in (0.3, 0.8, 1.5, 2.5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "corroborate", "ingest", "-A", str(arc), str(folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        _archive_is_consistent(arc)


def test_two_ingest_processes_on_one_archive_both_succeed(
    backend: Backend, footage: dict[str, Path], tmp_path: Path
) -> None:
    arc = tmp_path / "arc"
    backend.init(arc).close()
    sets = []
    for n in range(2):
        folder = tmp_path / f"set{n}"
        folder.mkdir()
        for i in range(4):
            (folder / f"c{i}.mp4").write_bytes(footage["coffee"].read_bytes() + bytes([n, i]) * 5)
        (folder / "shared.jpg").write_bytes(footage["still"].read_bytes())
        sets.append(folder)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "corroborate", "ingest", "-A", str(arc), str(f)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in sets
    ]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    _archive_is_consistent(arc)
    opened = Archive.open(arc)
    with raw_database(opened) as db:
        assert db.one("select count(*) from items") == 9
        assert (
            db.one(
                "select count(*) from sightings s join items i on i.id=s.item_id "
                "where i.original_name='shared.jpg'"
            )
            == 2
        )
    opened.close()


# -- what `custody` commands say: consistency checks, heads to copy, JSON everywhere -------------


def _head_file(cli, tmp_path: Path, **changes: object) -> Path:
    head = json.loads(cli("custody", "head", "--json").stdout)
    head.update(changes)
    path = tmp_path / "head.json"
    path.write_text(json.dumps(head))
    return path


def test_consistency_with_a_full_signed_head_checks_its_signature_and_says_what_it_compared(
    filled: Archive, footage: dict[str, Path], cli, tmp_path: Path
) -> None:
    published = _head_file(cli, tmp_path)
    ingest(filled, [str(footage["grass"])], actor="bob")
    result = cli("custody", "consistency", published)
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "the earlier head" in text and f"signed by key {filled.settings['key_id']}" in text
    assert "is a prefix of today's log" in text and "OK" in text


def test_consistency_with_a_forged_old_head_signature_fails(
    filled: Archive, cli, tmp_path: Path
) -> None:
    forged = _head_file(cli, tmp_path, signature="A" * 86 + "==")
    result = cli("custody", "consistency", forged, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["verified"] is False
    assert any("signature does not verify" in p for p in report["problems"])


def test_consistency_with_a_size_and_no_root_compares_nothing_and_says_so(
    filled: Archive, cli
) -> None:
    size = current_head(filled).tree_size
    result = cli("custody", "consistency", str(size - 1))
    assert result.exit_code == 1
    assert "nothing was compared" in result.stderr
    assert "verified" not in result.stdout.lower()
    report = json.loads(cli("custody", "consistency", str(size - 1), "--json").stdout)
    assert report["verified"] is False and report["checked"] and not report["problems"]
    assert any("no root was given" in line for line in report["not_checked"])


def test_consistency_from_size_zero_is_not_called_verified(filled: Archive, cli) -> None:
    result = cli("custody", "consistency", f"0:{'00' * 32}", "--json")
    assert result.exit_code == 1
    assert any("size 0" in line for line in json.loads(result.stdout)["not_checked"])


@pytest.mark.parametrize("spec", ["3:zz", "3:abc", "x:00", "missing-head.json"])
def test_a_malformed_old_head_is_one_line(filled: Archive, cli, spec: str) -> None:
    result = cli("custody", "consistency", spec)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert spec in result.stderr and "Traceback" not in result.stderr


def test_the_head_as_printed_is_the_head_as_signed(filled: Archive, cli) -> None:
    from corroborate.core import TreeHead
    from corroborate.custody import keys

    printed = dict(
        line.split(None, 1) for line in cli("custody", "head").stdout.strip().splitlines()
    )
    copied = TreeHead.from_json({**printed, "tree_size": int(printed["tree_size"])})
    public = keys.load_public(filled.key_dir)
    assert keys.signature_valid(public, copied.signed_bytes(), copied.signature)
    assert copied.signed_bytes() == current_head(filled).signed_bytes()
    assert printed["key_fingerprint"] == keys.fingerprint(keys.public_pem(filled.key_dir))
    assert printed["key_fingerprint"].startswith(printed["key_id"])


def test_prove_and_export_anchor_print_one_json_document(
    filled: Archive, cli, tmp_path: Path
) -> None:
    text = cli("custody", "prove", "2")
    assert text.exit_code == 0 and "checks out" in text.stdout
    assert json.loads(cli("custody", "prove", "2", "--json").stdout)["leaf_index"] == 1
    with local_tsa(tmp_path / "tsa") as tsa:
        assert (
            cli(
                "custody", "anchor", "--tsa", tsa.url, "--trust-ca", tsa.ca_pem_path, "--json"
            ).exit_code
            == 0
        )
    exported = json.loads(
        cli("custody", "export-anchor", "1", "--out", tmp_path / "x", "--json").stdout
    )
    assert Path(exported["data"]).read_bytes().startswith(b"corroborate-tree-head/1\n")
    check = subprocess.run(exported["check"].split(), capture_output=True, text=True)
    assert "Verification: OK" in check.stdout, check.stderr  # the printed command, verbatim
    assert Path(exported["token"]).stat().st_size > 0
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    result = cli("custody", "export-anchor", "1", "--out", blocked / "sub")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and str(blocked) in result.stderr


def test_trusting_a_timestamp_authority_is_a_logged_step_with_one_line_refusals(
    archive: Archive, cli, tmp_path: Path
) -> None:
    not_a_cert = tmp_path / "notes.pem"
    not_a_cert.write_text("hello")
    bad = cli("custody", "trust-tsa", not_a_cert)
    assert bad.exit_code == 2 and "not an X.509 certificate" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    with local_tsa(tmp_path / "tsa", name="Acme") as tsa:
        added = cli("custody", "trust-tsa", tsa.ca_pem_path, "--name", "Acme [TSA]")
        assert added.exit_code == 0, added.stderr
        assert "Acme [TSA]" in added.stdout  # a label is shown as written, never as markup
        again = cli("custody", "trust-tsa", tsa.ca_pem_path)
        assert again.exit_code == 2 and "already trusted" in again.stderr
        pinned = cli("custody", "trust-tsa", tsa.tsa_cert_path)  # the TSA's own certificate
        assert pinned.exit_code == 0, pinned.stderr
    listed = cli("custody", "trusted-tsas")
    assert "2 trusted timestamp CAs" in listed.stdout and "Acme [TSA]" in listed.stdout
    assert [e.action for e in entries(archive)] == ["custody.trust_tsa"] * 2
    assert verify_archive(archive) == []
