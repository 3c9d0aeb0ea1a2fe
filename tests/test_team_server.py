"""A team moves its archive to a server: PostgreSQL by URL, same commands, same guarantees."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from corroborate.archive import ingest, list_items, verify_archive
from corroborate.custody.setup import init_archive
from corroborate.testing.postgres import postgres_bin
from corroborate.testing.rgw import S3Server

pytestmark = pytest.mark.skipif(
    postgres_bin() is None and not os.environ.get("CI"),
    reason="PostgreSQL not installed (scripts/install installs it; CI must have it)",
)


@pytest.fixture(scope="module")
def pg_url(postgres_server: str) -> str:
    """The session's PostgreSQL server, at its `corroborate` database."""
    return postgres_server.rsplit("/", 1)[0] + "/corroborate"


def test_an_archive_on_postgresql_ingests_verifies_and_serves_two_writers(
    pg_url: str, footage: dict[str, Path], tmp_path: Path
) -> None:
    arc = tmp_path / "team"
    archive = init_archive(arc, database_url=pg_url)
    assert archive.writer.dialect.name == "postgresql"
    report = ingest(
        archive,
        [str(footage["coffee"]), str(footage["still"])],
        actor="alice",
        source="Telegram: @a",
    )
    assert report.failed == 0
    assert verify_archive(archive) == []

    folders = []
    for n in range(2):
        folder = tmp_path / f"w{n}"
        folder.mkdir()
        for i in range(3):
            (folder / f"c{i}.mp4").write_bytes(footage["grass"].read_bytes() + bytes([n, i]) * 3)
        folders.append(folder)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "corroborate", "ingest", "-A", str(arc), str(f)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in folders
    ]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    assert len(list_items(archive)) == 8
    assert verify_archive(archive) == []

    with archive.writer.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="append-only"):
        conn.execute(sa.text("UPDATE custody_entries SET actor='mallory' WHERE seq=1"))
    with archive.writer.begin() as conn:
        conn.execute(sa.text("ALTER TABLE custody_entries DISABLE TRIGGER USER"))
        conn.execute(sa.text("UPDATE custody_entries SET actor='mallory' WHERE seq=1"))
    assert "altered_entry" in {p.kind for p in verify_archive(archive)}
    archive.close()


def test_blobs_in_s3_compatible_storage_with_the_database_on_postgresql(
    pg_url: str,
    s3_server: S3Server,
    footage: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key, value in s3_server.env.items():
        monkeypatch.setenv(key, value)
    s3_server.make_bucket("evidence")
    archive = init_archive(
        tmp_path / "s3team",
        database_url=pg_url.replace("/corroborate", "/postgres"),
        blob_url="s3://evidence/case-7",
    )
    report = ingest(archive, [str(footage["coffee"]), str(footage["still"])], actor="alice")
    assert report.failed == 0
    assert not (tmp_path / "s3team" / "blobs").exists(), "no blob is kept locally"
    stored = set(archive.blobs.iter_digests())
    assert {r.sha256 for r in report.results} <= stored
    assert verify_archive(archive) == []
    # someone overwrites the still in the bucket: verify names it
    still = next(r.sha256 for r in report.results if r.kind == "image")
    with archive.blobs.fs.open(archive.blobs.path(still), "wb") as out:
        out.write(b"not the original photograph")
    archive.blobs.fs.invalidate_cache()
    problems = verify_archive(archive)
    assert [p.kind for p in problems] == ["altered_blob"]
    assert still in problems[0].message
    archive.close()


def test_a_row_edited_on_the_team_database_is_named_by_verify(
    pg_url: str, footage: dict[str, Path], tmp_path: Path
) -> None:
    server = sa.create_engine(pg_url.replace("/corroborate", "/postgres"))
    with server.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(sa.text("CREATE DATABASE statecheck"))
    server.dispose()
    url = pg_url.replace("/corroborate", "/statecheck")
    archive = init_archive(tmp_path / "pgstate", database_url=url)
    report = ingest(archive, [str(footage["still"])], actor="alice", source="Telegram: @a")
    assert report.failed == 0
    assert verify_archive(archive) == []
    with archive.writer.begin() as conn:
        conn.execute(sa.text("UPDATE sightings SET source_label='UN HRMMU'"))
    problems = verify_archive(archive)
    assert [p.kind for p in problems] == ["altered_row"]
    assert "sighting 1 (sightings) was changed outside corroborate" in problems[0].message
    archive.close()


def test_a_decoy_under_a_blobs_address_does_not_pass_for_the_blob(
    s3_server: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone with write access to the bucket puts an object *below* the address a blob will
    have, so that the address looks like a folder. The blob is still stored there whole: an
    address is present only as an object of its own (s3fs's `exists` counts a folder too)."""
    import hashlib

    from corroborate.storage.blobs import BlobStore

    for key, value in s3_server.env.items():
        monkeypatch.setenv(key, value)
    s3_server.make_bucket("decoys")
    store = BlobStore("s3://decoys/case-9")
    data = b"a witness's photograph" * 1000
    sha = hashlib.sha256(data).hexdigest()
    store.fs.pipe_file(store.path(sha) + "/decoy", b"something else")
    store.fs.invalidate_cache()
    assert not store.exists(sha)
    assert store.put_bytes(data) == (sha, len(data))
    assert store.exists(sha) and store.rehash(sha) == sha
