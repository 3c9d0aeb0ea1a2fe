"""A monitor's laptop archive moves to the team server (a real PostgreSQL and a real S3 server)
with proof that nothing was lost or changed, and a copy cut short never passes for a whole one."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import REPORTS, run_corroborate
from corroborate.archive import ingest, verify_archive
from corroborate.custody import entries
from corroborate.custody.proofs import consistency_holds
from corroborate.custody.setup import init_archive
from corroborate.storage.archive import Archive
from corroborate.testing.rgw import S3Server
from corroborate.testing.servers import new_bucket, new_database
from corroborate.transfer import COPY_ACTION

TABLES = ("items", "sightings", "derivatives", "match_signatures", "claims", "incidents")


@pytest.fixture
def laptop(tmp_path: Path, footage: dict[str, Path]) -> Archive:
    """A laptop archive with footage, reports (claims), signatures and an incident."""
    from corroborate.incidents import create_incident, link_evidence
    from incident_fixtures import execution

    archive = init_archive(tmp_path / "laptop")
    report = ingest(
        archive,
        [str(footage["coffee"]), str(footage["still"]), str(REPORTS)],
        actor="alice",
        source="Telegram: @a",
    )
    assert report.failed == 0
    incident = create_incident(archive, execution(), actor="alice")
    video = next(r.item_id for r in report.results if r.kind == "video")
    assert video is not None
    link_evidence(archive, incident.id, video, role="primary", actor="alice")
    assert verify_archive(archive) == []
    assert all(_counts(archive).values()), _counts(archive)  # something of every kind to move
    yield archive
    archive.close()


@pytest.fixture
def team_env(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    for key, value in s3_server.env.items():
        monkeypatch.setenv(key, value)
    return s3_server


def _counts(archive: Archive) -> dict[str, int]:
    with archive.reader.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def test_a_laptop_archive_moves_to_postgresql_and_s3_and_proves_it_lost_nothing(
    laptop: Archive, team_env: S3Server, postgres_server: str, tmp_path: Path
) -> None:
    db, bucket = new_database(postgres_server), new_bucket(team_env)
    target = tmp_path / "team"
    done = run_corroborate(
        "copy", "-A", str(laptop.dir), "--to", str(target),
        "--to-database-url", db, "--to-blob-url", bucket, "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["verified"] is True
    source_entries = entries(laptop)
    assert shown["source_head"]["tree_size"] == len(source_entries)
    assert shown["target_head"]["tree_size"] == len(source_entries) + 1
    # anyone holding the laptop's published head can check the proof without this code's copy
    assert consistency_holds(
        shown["source_head"]["tree_size"],
        shown["source_head"]["root_hash"],
        shown["target_head"]["tree_size"],
        shown["target_head"]["root_hash"],
        shown["consistency_proof"],
    )
    moved = Archive.open(target)
    try:
        assert moved.writer.dialect.name == "postgresql"
        assert moved.blob_url == bucket
        assert verify_archive(moved) == []
        assert _counts(moved) == _counts(laptop)
        assert set(moved.blobs.iter_digests()) == set(laptop.blobs.iter_digests())
        copied = entries(moved)
        assert copied[:-1] == source_entries, "the target's log is the source's, entry for entry"
        assert copied[-1].action == COPY_ACTION
        # the team goes on working on the copy: new writes get new ids and keep the log whole
        ingest(moved, [str(REPORTS / "fleeing-soldier-drone.txt")], actor="bob", source="x")
        assert verify_archive(moved) == []
    finally:
        moved.close()
    assert run_corroborate("verify", "-A", str(target)).returncode == 0
    again = run_corroborate(
        "copy", "-A", str(laptop.dir), "--to", str(target),
        "--to-database-url", db, "--to-blob-url", bucket,
    )  # fmt: skip
    assert again.returncode == 2
    assert "already a complete archive" in again.stderr


@pytest.mark.parametrize("point", ["copy-blob", "copy-rows", "copy-sealed"])
def test_an_interrupted_copy_never_passes_for_complete_and_resumes(
    laptop: Archive, team_env: S3Server, postgres_server: str, tmp_path: Path, point: str
) -> None:
    db, bucket = new_database(postgres_server), new_bucket(team_env)
    target = tmp_path / "team"
    args = ["copy", "-A", str(laptop.dir), "--to", str(target)]
    args += ["--to-database-url", db, "--to-blob-url", bucket]
    killed = run_corroborate(*args, env={"CORROBORATE_CRASH_AT": point})
    assert killed.returncode == -signal.SIGKILL
    assert not (target / "archive.json").exists()
    opened = run_corroborate("verify", "-A", str(target))
    assert opened.returncode == 2 and "no archive here" in opened.stderr
    resumed = run_corroborate(*args, "--json")
    assert resumed.returncode == 0, resumed.stderr
    shown = json.loads(resumed.stdout)
    assert shown["target_head"]["tree_size"] == len(entries(laptop)) + 1
    moved = Archive.open(target)
    try:
        assert verify_archive(moved) == []
        assert _counts(moved) == _counts(laptop)
        assert [e.action for e in entries(moved)].count(COPY_ACTION) == 1
    finally:
        moved.close()


def test_a_source_blob_altered_on_the_laptop_is_refused_and_not_spread(
    laptop: Archive, tmp_path: Path
) -> None:
    with laptop.reader.connect() as conn:
        sha = conn.execute(sa.text("SELECT sha256 FROM items WHERE kind='video'")).scalar_one()
    path = laptop.blobs.local_path(sha)
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    target = tmp_path / "copy"
    result = run_corroborate(
        "copy", "-A", str(laptop.dir), "--to", str(target),
        "--to-database-url", f"sqlite:///{tmp_path / 'copy.db'}",
        "--to-blob-url", str(tmp_path / "copy-blobs"),
    )  # fmt: skip
    assert result.returncode == 1
    assert f"blob {sha} was altered" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (target / "archive.json").exists()


def test_a_copy_into_a_database_that_holds_another_archive_is_refused(
    laptop: Archive, tmp_path: Path
) -> None:
    other = init_archive(tmp_path / "other")
    other.close()
    result = run_corroborate(
        "copy", "-A", str(laptop.dir), "--to", str(tmp_path / "copy"),
        "--to-database-url", f"sqlite:///{tmp_path / 'other' / 'archive.db'}",
        "--to-blob-url", str(tmp_path / "copy-blobs"),
    )  # fmt: skip
    assert result.returncode == 2
    assert "already holds a custody log" in result.stderr
    assert not (tmp_path / "copy").exists()


def test_the_secrets_of_the_target_appear_nowhere(
    laptop: Archive, team_env: S3Server, postgres_server: str, tmp_path: Path
) -> None:
    """The database password (in the URL, as admins paste it) and the S3 secret key are grepped
    for in archive.json, every file of the folder but the password file, the custody log, the
    --json output and the errors."""
    password = "pw-" + "Zq7" * 6
    db = new_database(postgres_server).replace("postgres@", f"postgres:{password}@")
    bucket = new_bucket(team_env)
    target = tmp_path / "team"
    done = run_corroborate(
        "copy", "-A", str(laptop.dir), "--to", str(target),
        "--to-database-url", db, "--to-blob-url", bucket, "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    secrets = (password, team_env.secret_key)
    said = done.stdout + done.stderr
    for folder_file in target.rglob("*"):
        if folder_file.is_file() and folder_file.name != "database.password":
            said += folder_file.read_text(errors="replace")
    assert (target / "database.password").stat().st_mode & 0o077 == 0
    moved = Archive.open(target)
    try:
        with moved.reader.connect() as conn:
            said += json.dumps(
                [list(r) for r in conn.execute(sa.text("SELECT * FROM custody_entries"))],
                default=str,
            )
    finally:
        moved.close()
    said += run_corroborate("verify", "-A", str(target), "--json").stdout
    # errors: a wrong port with the same password, and wrong S3 keys
    unreachable = db.replace(db.split("@", 1)[1].split("/", 1)[0], "127.0.0.1:9")
    failed = run_corroborate(
        "copy", "-A", str(laptop.dir), "--to", str(tmp_path / "t2"),
        "--to-database-url", unreachable, "--to-blob-url", bucket,
    )  # fmt: skip
    assert failed.returncode == 2 and "***" in failed.stderr
    said += failed.stdout + failed.stderr
    refused = run_corroborate(
        "copy", "-A", str(laptop.dir), "--to", str(tmp_path / "t3"),
        "--to-database-url", new_database(postgres_server), "--to-blob-url", new_bucket(team_env),
        env={"AWS_SECRET_ACCESS_KEY": team_env.secret_key[::-1]},
    )  # fmt: skip
    assert refused.returncode == 2 and "refused access" in refused.stderr
    said += refused.stdout + refused.stderr
    for secret in (*secrets, team_env.secret_key[::-1]):
        assert secret not in said


def test_migrate_names_the_revisions_reminds_of_the_backup_and_upgrades(tmp_path: Path) -> None:
    from alembic import command

    from corroborate.db.migrate import alembic_config, current_revision, head_revision

    laptop = init_archive(tmp_path / "old")
    head = head_revision(laptop.writer)
    command.downgrade(alembic_config(laptop.writer), "-1")  # as if made by the last release
    before = current_revision(laptop.writer)
    assert before != head
    laptop.close()
    done = run_corroborate("migrate", "-A", str(laptop.dir))
    assert done.returncode == 0, done.stderr
    assert f"from schema {before} to {head}" in done.stderr
    assert "back up the database and the object store first" in done.stderr
    assert f"Upgraded to schema {head}" in done.stdout
    again = run_corroborate("migrate", "-A", str(laptop.dir), "--json")
    assert json.loads(again.stdout) == {
        "database": f"sqlite:///{(laptop.dir / 'archive.db').resolve()}",
        "before": head,
        "after": head,
    }
    assert again.stderr == ""
    assert run_corroborate("verify", "-A", str(laptop.dir)).returncode == 0


def test_a_laptop_row_edited_behind_corroborates_back_is_not_sealed_into_a_copy(
    laptop: Archive, tmp_path: Path
) -> None:
    with laptop.writer.begin() as conn:
        conn.execute(sa.text("UPDATE sightings SET source_label='UN HRMMU'"))
    target = tmp_path / "copy"
    result = run_corroborate(
        "copy", "-A", str(laptop.dir), "--to", str(target),
        "--to-database-url", f"sqlite:///{tmp_path / 'copy.db'}",
        "--to-blob-url", str(tmp_path / "copy-blobs"),
    )  # fmt: skip
    assert result.returncode == 1
    assert "does not verify before sealing" in result.stderr
    assert "was changed outside corroborate" in result.stderr
    assert not (target / "archive.json").exists()
    with sa.create_engine(f"sqlite:///{tmp_path / 'copy.db'}").connect() as conn:
        actions = conn.execute(sa.text("SELECT action FROM custody_entries")).scalars().all()
    assert "archive.copy" not in actions


def test_an_unfinished_copy_resumes_only_to_the_same_place(laptop: Archive, tmp_path: Path) -> None:
    target = tmp_path / "copy"
    first = ["--to-database-url", f"sqlite:///{tmp_path / 'a.db'}"]
    first += ["--to-blob-url", str(tmp_path / "a-blobs")]
    killed = run_corroborate(
        "copy", "-A", str(laptop.dir), "--to", str(target), *first,
        env={"CORROBORATE_CRASH_AT": "copy-rows"},
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL
    elsewhere = run_corroborate(
        "copy", "-A", str(laptop.dir), "--to", str(target),
        "--to-database-url", f"sqlite:///{tmp_path / 'b.db'}",
        "--to-blob-url", str(tmp_path / "a-blobs"),
    )  # fmt: skip
    assert elsewhere.returncode == 2
    assert "holds an unfinished copy" in elsewhere.stderr
    assert not (target / "archive.json").exists()
    done = run_corroborate("copy", "-A", str(laptop.dir), "--to", str(target), *first)
    assert done.returncode == 0, done.stderr
    assert run_corroborate("verify", "-A", str(target)).returncode == 0
