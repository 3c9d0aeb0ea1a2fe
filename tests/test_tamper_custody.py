"""An attacker with the database, the archive folder or a timestamp authority of their own tries
to rewrite when and by whom the log was signed; `verify` exits 1 and names what they did."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from backends import Backend, raw_database
from conftest import Cli, run_corroborate
from corroborate.archive import ingest, verify_archive
from corroborate.custody import current_head, keys, log, merkle, trust
from corroborate.custody.models import CustodyEntryRow, TimestampTokenRow, TreeHeadRow
from corroborate.custody.timestamp import request_timestamp
from corroborate.db import utcnow
from corroborate.storage.archive import Archive
from corroborate.testing import ForgingTSA, LocalTSA, local_tsa

pytestmark = pytest.mark.skipif(
    shutil.which("openssl") is None and not os.environ.get("CI"),
    reason="needs openssl (scripts/install installs it; CI must have it)",
)


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTSA]:
    with local_tsa(tmp_path_factory.mktemp("tsa"), name="trusted") as running:
        yield running


@pytest.fixture(scope="module")
def rogue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTSA]:
    """A self-made authority: real RFC 3161 tokens, but a CA nobody chose to trust."""
    with local_tsa(tmp_path_factory.mktemp("rogue"), name="rogue") as running:
        yield running


@pytest.fixture
def anchored(archive: Archive, footage: dict[str, Path], tsa: LocalTSA, cli: Cli) -> Archive:
    """An archive with one item, the trusted TSA's CA, and one timestamp token."""
    ingest(archive, [str(footage["still"])], actor="alice", source="Telegram: @a")
    assert cli("custody", "trust-tsa", tsa.ca_pem_path, "--name", "Trusted TSA").exit_code == 0
    result = cli("custody", "anchor", "--tsa", tsa.url)
    assert result.exit_code == 0, result.stderr
    assert verify_archive(archive) == []
    return archive


def _der_sha256(pem: Path) -> str:
    cert = x509.load_pem_x509_certificate(pem.read_bytes())
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def _failures(cli: Cli) -> str:
    """What `verify` says, after checking it failed."""
    result = cli("verify")
    assert result.exit_code == 1, result.stdout
    return " ".join(result.stderr.split())  # as one text, however the terminal wrapped it


# -- timestamp authorities ---------------------------------------------------------------------


def test_anchoring_needs_a_trusted_authority(
    archive: Archive, footage: dict[str, Path], tsa: LocalTSA, cli: Cli
) -> None:
    ingest(archive, [str(footage["still"])], actor="alice")
    result = cli("custody", "anchor", "--tsa", tsa.url)
    assert result.exit_code == 2
    assert "no timestamp authority is trusted" in result.stderr
    assert cli("custody", "anchor", "--tsa", tsa.url, "--trust-ca", tsa.ca_pem_path).exit_code == 0
    listed = json.loads(cli("custody", "trusted-tsas", "--json").stdout)["trusted"]
    assert [t["sha256"] for t in listed] == [_der_sha256(tsa.ca_pem_path)]
    assert verify_archive(archive) == []


def test_a_rogue_authority_is_refused_when_anchoring(
    anchored: Archive, rogue: LocalTSA, cli: Cli
) -> None:
    result = cli("custody", "anchor", "--tsa", rogue.url)
    assert result.exit_code == 2
    assert "does not chain to a trusted timestamp authority" in result.stderr
    assert "CN=rogue test TSA" in result.stderr
    assert len(json.loads(cli("custody", "trusted-tsas", "--json").stdout)["trusted"]) == 1


def test_a_token_swapped_for_one_from_a_rogue_authority_is_reported(
    anchored: Archive, rogue: LocalTSA, cli: Cli
) -> None:
    db = raw_database(anchored)
    size = db.one("select tree_size from timestamp_tokens")
    with anchored.session() as session:
        signed = log.to_head(session.get(TreeHeadRow, size)).signed_bytes()
    rogue_token = request_timestamp(rogue.url, signed)
    db.bypass_append_only("timestamp_tokens")
    db.execute("update timestamp_tokens set response=:r", {"r": rogue_token})
    failures = _failures(cli)
    assert "timestamp token 1" in failures
    assert "CN=rogue test TSA,O=rogue does not chain to a trusted timestamp authority" in failures
    assert "differs from the token custody entry" in failures


def test_a_backdated_token_from_a_trusted_but_lying_authority_is_reported(
    archive: Archive, footage: dict[str, Path], tmp_path: Path, cli: Cli
) -> None:
    ingest(archive, [str(footage["still"])], actor="alice")
    head = current_head(archive)
    liar = ForgingTSA(tmp_path / "liar", valid_from=head.timestamp - timedelta(days=3650))
    assert cli("custody", "trust-tsa", liar.ca_pem_path).exit_code == 0
    head = current_head(archive)
    token = liar.stamp(head.signed_bytes(), head.timestamp - timedelta(days=3 * 365))
    # stored as corroborate would store it, with its log entry: only the time is wrong
    with archive.write() as session:
        row = TimestampTokenRow(
            tree_size=head.tree_size,
            tsa_url="https://liar.example/",
            response=token,
            gen_time=head.timestamp - timedelta(days=1095),
            created_at=utcnow(),
            created_by="mallory",
        )
        session.add(row)
        session.flush()
        log.append(
            session,
            actor="mallory",
            action="custody.anchor",
            details={
                "token_id": row.id,
                "token_sha256": hashlib.sha256(token).hexdigest(),
                "tree_size": head.tree_size,
                "gen_time": row.gen_time.isoformat(),
            },
        )
    failures = _failures(cli)
    assert "timestamp token 1" in failures
    assert "before the head it covers was signed" in failures
    assert head.timestamp_text in failures
    assert "tolerance 5 minutes" in failures
    assert json.loads(cli("verify", "--json").stdout)["problems"][0]["kind"] == (
        "backdated_timestamp"
    )


def test_a_token_a_few_seconds_before_its_head_is_within_tolerance(
    archive: Archive, footage: dict[str, Path], tmp_path: Path, cli: Cli
) -> None:
    ingest(archive, [str(footage["still"])], actor="alice")
    head = current_head(archive)
    skewed = ForgingTSA(tmp_path / "skew", valid_from=head.timestamp - timedelta(days=1))
    assert cli("custody", "trust-tsa", skewed.ca_pem_path).exit_code == 0
    head = current_head(archive)
    token = skewed.stamp(head.signed_bytes(), head.timestamp - timedelta(seconds=30))
    with archive.write() as session:
        row = TimestampTokenRow(
            tree_size=head.tree_size,
            tsa_url="https://skew.example/",
            response=token,
            gen_time=head.timestamp - timedelta(seconds=30),
            created_at=utcnow(),
            created_by="alice",
        )
        session.add(row)
        session.flush()
        log.append(
            session,
            actor="alice",
            action="custody.anchor",
            details={
                "token_id": row.id,
                "token_sha256": hashlib.sha256(token).hexdigest(),
                "tree_size": head.tree_size,
            },
        )
    assert verify_archive(archive) == []


def test_a_deleted_token_is_reported(anchored: Archive, cli: Cli) -> None:
    db = raw_database(anchored)
    db.bypass_append_only("timestamp_tokens")
    db.execute("delete from timestamp_tokens")
    failures = _failures(cli)
    assert "records timestamp token 1" in failures
    assert "the token is missing (deleted)" in failures


def test_a_token_row_with_no_log_entry_is_reported(anchored: Archive, cli: Cli) -> None:
    db = raw_database(anchored)
    cols = "tree_size, tsa_url, response, gen_time, created_at, created_by"
    db.execute(f"insert into timestamp_tokens ({cols}) select {cols} from timestamp_tokens")
    failures = _failures(cli)
    assert "timestamp token 2" in failures
    assert "has no custody.anchor entry in the log" in failures
    assert "timestamp token 1" not in failures


def test_an_anchoring_entry_whose_token_was_never_stored_is_reported(
    anchored: Archive, cli: Cli
) -> None:
    with anchored.write() as session:
        log.append(
            session,
            actor="mallory",
            action="custody.anchor",
            details={"token_id": 99, "tree_size": 1, "token_sha256": "00" * 32},
        )
    failures = _failures(cli)
    assert "records timestamp token 99" in failures
    assert "missing (deleted)" in failures


def test_a_token_with_no_trusted_authority_at_all_is_not_passed_as_ok(
    anchored: Archive, cli: Cli
) -> None:
    """Tokens kept from before trust was recorded: verify says it could not check the issuer."""
    db = raw_database(anchored)
    seq = db.one("select seq from custody_entries where action='custody.trust_tsa'")
    db.bypass_append_only("custody_entries")
    db.execute("delete from custody_entries where seq=:s", {"s": seq})
    failures = _failures(cli)
    assert f"custody entry {seq} is missing from the log (removed)" in failures
    assert "no timestamp authority is trusted in this archive" in failures


# -- the trusted list itself ---------------------------------------------------------------------


def test_a_trusted_ca_swapped_in_the_database_is_reported(
    anchored: Archive, rogue: LocalTSA, cli: Cli
) -> None:
    db = raw_database(anchored)
    seq, details = db.execute(
        "select seq, details from custody_entries where action='custody.trust_tsa'"
    ).one()
    forged = {
        **json.loads(details),
        "pem": rogue.ca_pem_path.read_text(),
        "sha256": _der_sha256(rogue.ca_pem_path),
    }
    db.bypass_append_only("custody_entries")
    db.execute(
        "update custody_entries set details=:d where seq=:s",
        {"d": log.canonical_json(forged), "s": seq},
    )
    failures = _failures(cli)
    assert f"custody entry {seq} (custody.trust_tsa) was altered" in failures
    # the edited entry no longer counts, so the token's issuer is not trusted either
    assert "no timestamp authority is trusted in this archive" in failures


def test_a_ca_slipped_into_the_trusted_list_without_the_key_is_reported(
    anchored: Archive, rogue: LocalTSA, cli: Cli
) -> None:
    db = raw_database(anchored)
    last = db.execute("select seq, leaf_hash from custody_entries order by seq desc").first()
    info = trust.describe(x509.load_pem_x509_certificate(rogue.ca_pem_path.read_bytes()), "rogue")
    row = CustodyEntryRow(
        seq=last[0] + 1,
        time=utcnow(),
        actor="mallory",
        action="custody.trust_tsa",
        subject_sha256=None,
        details=log.canonical_json({"name": "rogue", "sha256": info.sha256, "pem": info.pem}),
        leaf_hash="",
    )
    row.leaf_hash = merkle.leaf_hash(log.leaf_data(row)).hex()
    db.execute(
        "insert into custody_entries (seq, time, actor, action, subject_sha256, details, "
        "leaf_hash) values (:seq, :time, :actor, :action, :subject, :details, :leaf_hash)",
        {
            "seq": row.seq,
            "time": row.time.replace(tzinfo=None).isoformat(sep=" "),
            "actor": row.actor,
            "action": row.action,
            "subject": None,
            "details": row.details,
            "leaf_hash": row.leaf_hash,
        },
    )
    failures = _failures(cli)
    assert "not covered by any signed head" in failures
    listed = json.loads(cli("custody", "trusted-tsas", "--json").stdout)["trusted"]
    assert len(listed) == 2  # the list shows what the database holds; verify says it is unsigned


# -- signing keys ----------------------------------------------------------------------------------


def _attacker_folder(archive: Archive, tmp_path: Path) -> Archive:
    """A folder pointing at the victim's database, holding a key the attacker made."""
    folder = tmp_path / "attacker"
    (folder / "keys").mkdir(parents=True)
    key_id = keys.create(folder / "keys")
    settings = {
        "format": 1,
        "key_id": key_id,
        "database_url": archive.database_url,
        "blob_url": archive.blob_url,
    }
    (folder / "archive.json").write_text(json.dumps(settings))
    return Archive.open(folder)


def test_a_head_signed_with_a_foreign_key_is_reported(
    anchored: Archive, footage: dict[str, Path], tmp_path: Path, cli: Cli
) -> None:
    attacker = _attacker_folder(anchored, tmp_path)
    ingest(attacker, [str(footage["grass"])], actor="mallory")
    foreign = attacker.settings["key_id"]
    failures = _failures(cli)
    size = current_head(anchored).tree_size
    assert f"tree head {size} is signed by key {foreign}" in failures
    assert "which the custody log did not put in force" in failures
    assert anchored.settings["key_id"] in failures


def test_a_forged_key_rotation_is_reported(
    anchored: Archive, footage: dict[str, Path], tmp_path: Path, cli: Cli
) -> None:
    attacker = _attacker_folder(anchored, tmp_path)
    old_id = anchored.settings["key_id"]
    foreign_private = keys.load_private(attacker.key_dir)
    foreign = foreign_private.public_key()
    with attacker.write() as session:  # the hand-over signed by the attacker's own key
        entry = log.append(
            session,
            actor="mallory",
            action="custody.rotate_key",
            details={
                "old_key_id": old_id,
                "new_key_id": keys.key_id(foreign),
                "new_public_key": keys.pem_of(foreign),
                "signature": keys.sign(foreign_private, keys.rotation_statement(old_id, foreign)),
            },
        )
    ingest(attacker, [str(footage["grass"])], actor="mallory")
    failures = _failures(cli)
    assert f"custody entry {entry.seq}: key rotation is not valid" in failures
    assert f"it is not signed by the key it retires ({old_id})" in failures
    assert f"is signed by key {keys.key_id(foreign)}" in failures


def test_a_rotated_key_signs_what_follows_and_old_heads_still_verify(
    anchored: Archive, footage: dict[str, Path], cli: Cli
) -> None:
    old_id = anchored.settings["key_id"]
    before = current_head(anchored)
    result = cli("custody", "rotate-key", "--json")
    assert result.exit_code == 0, result.stderr
    rotation = json.loads(result.stdout)
    assert rotation["old_key_id"] == old_id
    reopened = Archive.open(anchored.dir)
    assert reopened.settings["key_id"] == rotation["new_key_id"] != old_id
    assert (anchored.key_dir / f"{old_id}.pub").exists()
    ingest(reopened, [str(footage["grass"])], actor="alice")
    after = current_head(reopened)
    assert after.key_id == rotation["new_key_id"]
    assert verify_archive(reopened) == []
    head_json = json.loads(cli("custody", "head", "--json").stdout)
    assert head_json["key_fingerprint"] == rotation["new_fingerprint"]
    # a head published before the rotation is still this log's, signed by the old key
    old_head = anchored.dir.parent / "old-head.json"
    old_head.write_text(
        json.dumps(
            {
                "tree_size": before.tree_size,
                "root_hash": before.root_hash,
                "timestamp": before.timestamp_text,
                "signature": before.signature,
                "key_id": before.key_id,
            }
        )
    )
    check = cli("custody", "consistency", old_head, "--json")
    assert check.exit_code == 0, check.stderr
    assert any(f"signed by key {old_id}" in line for line in json.loads(check.stdout)["checked"])
    reopened.close()


def test_the_retired_key_left_in_an_old_folder_is_reported(
    anchored: Archive, cli: Cli, tmp_path: Path
) -> None:
    stale = tmp_path / "stale-copy"
    shutil.copytree(anchored.dir, stale, ignore=shutil.ignore_patterns("archive.db*", "blobs"))
    settings = json.loads((stale / "archive.json").read_text())
    settings["database_url"] = anchored.database_url
    settings["blob_url"] = anchored.blob_url
    (stale / "archive.json").write_text(json.dumps(settings))
    assert cli("custody", "rotate-key").exit_code == 0
    problems = verify_archive(Archive.open(stale))
    assert [p.kind for p in problems] == ["retired_key"]
    assert settings["key_id"] in problems[0].message


# -- init, secrets and file modes --------------------------------------------------------------


def test_a_second_init_on_an_existing_database_is_refused(
    anchored: Archive, tmp_path: Path, cli: Cli
) -> None:
    url = anchored.database_url
    heads_before = current_head(anchored)
    result = cli("init", "--archive", tmp_path / "second", "--database-url", url)
    assert result.exit_code == 2
    assert "already holds an archive" in result.stderr and "--rotate-key" in result.stderr
    assert not (tmp_path / "second" / "archive.json").exists()
    assert current_head(anchored) == heads_before
    assert verify_archive(anchored) == []


def test_a_second_init_may_rotate_only_with_the_key_in_force(
    anchored: Archive, tmp_path: Path, cli: Cli
) -> None:
    url = anchored.database_url
    no_key = cli("init", "--archive", tmp_path / "a", "--database-url", url, "--rotate-key")
    assert no_key.exit_code == 2 and "--old-key" in no_key.stderr
    keys.create(tmp_path / "other-keys")
    wrong = cli(
        "init",
        "--archive",
        tmp_path / "b",
        "--database-url",
        url,
        "--rotate-key",
        "--old-key",
        tmp_path / "other-keys" / "custody.key",
    )
    assert wrong.exit_code == 2 and "is not the custody log's key in force" in wrong.stderr
    assert not (tmp_path / "b").exists(), "a refused init leaves nothing behind"
    ok = cli(
        "init",
        "--archive",
        tmp_path / "c",
        "--database-url",
        url,
        "--rotate-key",
        "--old-key",
        anchored.key_dir / "custody.key",
        "--blob-url",
        anchored.blob_url,
        "--json",
    )
    assert ok.exit_code == 0, ok.stderr
    second = Archive.open(tmp_path / "c")
    assert json.loads(ok.stdout)["key_id"] == second.settings["key_id"]
    assert verify_archive(second) == []
    rotation = [e for e in log.entries(second) if e.action == "custody.rotate_key"]
    assert rotation and rotation[0].details["old_key_id"] == anchored.settings["key_id"]
    second.close()


@pytest.mark.sqlite_only(reason="the modes of the local database file and blob folder")
def test_archive_files_are_owner_only(archive: Archive, footage: dict[str, Path]) -> None:
    ingest(archive, [str(footage["still"])], actor="alice")

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(archive.dir) == 0o700
    assert mode(archive.dir / "archive.json") == 0o600
    assert mode(archive.dir / "archive.db") == 0o600
    assert mode(archive.dir / "blobs") == 0o700
    assert mode(archive.key_dir) == 0o700
    assert mode(archive.key_dir / "custody.key") == 0o600
    blobs = [p for p in (archive.dir / "blobs" / "sha256").rglob("*") if p.is_file()]
    assert blobs and {mode(p) for p in blobs} == {0o600}


def test_a_password_file_others_can_read_is_refused(backend: Backend, tmp_path: Path) -> None:
    from corroborate.errors import ArchiveError

    folder = tmp_path / "arc"
    backend.init(folder).close()
    settings = json.loads((folder / "archive.json").read_text())
    settings["database_password_file"] = "database.password"
    (folder / "archive.json").write_text(json.dumps(settings))
    (folder / "database.password").write_text("s3cret-pw\n")
    (folder / "database.password").chmod(0o644)
    with pytest.raises(ArchiveError, match="readable by others") as caught:
        Archive.open(folder)
    assert "s3cret-pw" not in str(caught.value)


def test_a_database_password_is_never_printed_or_stored_in_archive_json(
    tmp_path: Path,
) -> None:
    url = "postgresql+psycopg://corroborate:s3cret-pw@127.0.0.1:9/corroborate"
    result = run_corroborate(
        "init", "--archive", str(tmp_path / "team"), "--database-url", url, "--json"
    )
    assert result.returncode == 2
    assert "s3cret-pw" not in result.stdout + result.stderr
    assert "corroborate:***@127.0.0.1:9" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# -- a team database on a real PostgreSQL server -------------------------------------------------


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    from corroborate.testing.postgres import local_postgres, postgres_bin

    if postgres_bin() is None and not os.environ.get("CI"):
        pytest.skip("PostgreSQL not installed (scripts/install installs it; CI must have it)")
    with local_postgres() as url:
        yield url


def test_a_team_database_password_stays_out_of_settings_output_and_log_and_a_second_init_is_refused(
    pg_url: str, footage: dict[str, Path], tmp_path: Path
) -> None:
    # the test server trusts local connections, so any password gets in; the point is where it goes
    with_secret = pg_url.replace("postgres@", "postgres:s3cret-pw@")
    first = run_corroborate(
        "init", "--archive", str(tmp_path / "team"), "--database-url", with_secret, "--json"
    )
    assert first.returncode == 0, first.stderr
    assert "s3cret-pw" not in first.stdout + first.stderr
    assert json.loads(first.stdout)["database"] == pg_url
    settings_text = (tmp_path / "team" / "archive.json").read_text()
    assert "s3cret-pw" not in settings_text
    password_file = tmp_path / "team" / json.loads(settings_text)["database_password_file"]
    assert password_file.read_text() == "s3cret-pw"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600

    team = Archive.open(tmp_path / "team")
    ingest(team, [str(footage["still"])], actor="alice")
    assert all("s3cret-pw" not in json.dumps(e.details) for e in log.entries(team))
    assert verify_archive(team) == []

    second = run_corroborate(
        "init", "--archive", str(tmp_path / "laptop"), "--database-url", with_secret
    )
    assert second.returncode == 2
    assert "already holds an archive (a custody log of" in second.stderr
    assert "s3cret-pw" not in second.stderr and "postgres:***@" in second.stderr
    assert not (tmp_path / "laptop" / "archive.json").exists()

    rotated = run_corroborate(
        "init",
        "--archive",
        str(tmp_path / "laptop"),
        "--database-url",
        pg_url,
        "--rotate-key",
        "--old-key",
        str(team.key_dir / "custody.key"),
        "--blob-url",
        team.blob_url,
    )
    assert rotated.returncode == 0, rotated.stderr
    laptop = Archive.open(tmp_path / "laptop")
    assert verify_archive(laptop) == []
    # the first folder still holds the retired key, and verify says so
    assert [p.kind for p in verify_archive(team)] == ["retired_key"]
    laptop.close()
    team.close()


def test_a_rotation_killed_before_the_new_key_is_in_place_is_finished_on_the_next_open(
    anchored: Archive, footage: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from corroborate.custody import rotation

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # the process dies right after the rotation entry is committed

    monkeypatch.setattr(rotation, "_install", killed)
    with pytest.raises(KeyboardInterrupt):
        rotation.rotate(anchored, actor="alice")
    monkeypatch.undo()
    reopened = Archive.open(anchored.dir)
    new_id = [e for e in log.entries(reopened) if e.action == "custody.rotate_key"][0].details[
        "new_key_id"
    ]
    assert reopened.settings["key_id"] == new_id
    ingest(reopened, [str(footage["grass"])], actor="alice")
    assert current_head(reopened).key_id == new_id
    assert verify_archive(reopened) == []
    reopened.close()
