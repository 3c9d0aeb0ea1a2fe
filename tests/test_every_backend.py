"""One behaviour on every backend: the same story, word for word, on a laptop archive (SQLite and
a local folder) and on a team server (a real PostgreSQL and a real S3 server, Ceph's RADOS
Gateway). Each test runs once per backend; only how a forger reaches past corroborate to the
raw tables differs (`Backend.bypass_append_only`), as it differs for a real forger. The older
behavioural files run on one backend a pass, the one CORROBORATE_TEST_BACKEND names."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from backends import BACKENDS, Backend, backend_named, edit_blob, flip_a_byte, remove_blob
from conftest import run_corroborate
from corroborate.archive import ingest, list_items, verify_archive
from corroborate.custody.setup import init_archive
from corroborate.storage import blobs
from corroborate.storage.archive import Archive
from corroborate.testing.rgw import S3Server
from corroborate.testing.servers import new_bucket, new_database


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Backend:
    return backend_named(request.param, request, monkeypatch)


@pytest.fixture
def team(backend: Backend, tmp_path: Path) -> Iterator[Archive]:
    opened = backend.init(tmp_path / "archive")
    yield opened
    opened.close()


@pytest.fixture
def filled(team: Archive, footage: dict[str, Path]) -> Archive:
    report = ingest(
        team, [str(footage["coffee"]), str(footage["still"])], actor="alice", source="Telegram: @a"
    )
    assert report.failed == 0
    assert verify_archive(team) == []
    return team


def _kinds(archive: Archive) -> set[str]:
    return {p.kind for p in verify_archive(archive)}


def _sha(archive: Archive, kind: str) -> str:
    with archive.reader.connect() as conn:
        return str(
            conn.execute(sa.text("SELECT sha256 FROM items WHERE kind=:k"), {"k": kind}).scalar()
        )


# -- the custody log is append-only and verify names every change -----------------------------


def test_the_log_refuses_updates_and_deletes_on_every_backend(filled: Archive) -> None:
    for statement in (
        "UPDATE custody_entries SET actor='mallory' WHERE seq=1",
        "DELETE FROM custody_entries WHERE seq=1",
        "UPDATE tree_heads SET signature='forged'",
    ):
        with filled.writer.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="append-only"):
            conn.execute(sa.text(statement))
    assert verify_archive(filled) == []


def test_an_edited_log_row_is_named_by_verify_even_past_the_triggers(
    filled: Archive, backend: Backend
) -> None:
    with filled.writer.begin() as conn:
        backend.bypass_append_only(conn, "custody_entries")
        conn.execute(sa.text("UPDATE custody_entries SET actor='mallory' WHERE seq=1"))
    problems = verify_archive(filled)
    assert any(p.kind == "altered_entry" and "custody entry 1" in p.message for p in problems)


def test_a_deleted_entry_is_named_by_verify(filled: Archive, backend: Backend) -> None:
    with filled.writer.begin() as conn:
        backend.bypass_append_only(conn, "custody_entries")
        conn.execute(sa.text("DELETE FROM custody_entries WHERE seq=2"))
    problems = verify_archive(filled)
    assert any(p.kind == "removed_entry" and "custody entry 2" in p.message for p in problems)


def test_a_row_edited_behind_corroborates_back_is_named_by_verify(filled: Archive) -> None:
    with filled.writer.begin() as conn:
        conn.execute(sa.text("UPDATE sightings SET source_label='UN HRMMU'"))
    assert "altered_row" in _kinds(filled)


# -- blobs: whole or absent under their address, and checked ------------------------------------


def test_a_changed_stored_object_is_named_by_verify(filled: Archive) -> None:
    sha = _sha(filled, "video")
    edit_blob(filled, sha, flip_a_byte)
    problems = verify_archive(filled)
    assert [p.kind for p in problems] == ["altered_blob"]
    assert sha in problems[0].message


def test_a_worker_never_works_on_an_object_swapped_under_its_address(filled: Archive) -> None:
    """A worker of a cluster reads blobs back from the store to hash them: bytes swapped
    under a digest are refused, never hashed and matched as if they were the evidence."""
    from corroborate.errors import IntegrityError

    sha = _sha(filled, "video")
    with filled.blobs.fetched(sha) as path:  # the real bytes: fetched
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    with filled.blobs.fs.open(filled.blobs.path(_sha(filled, "image")), "rb") as src:
        other = src.read()
    with filled.blobs.fs.open(filled.blobs.path(sha), "wb") as out:
        out.write(other)
    filled.blobs.fs.invalidate_cache()
    with pytest.raises(IntegrityError, match=sha), filled.blobs.fetched(sha):
        pass


def test_a_removed_object_is_named_by_verify(filled: Archive) -> None:
    sha = _sha(filled, "image")
    remove_blob(filled, sha)
    problems = verify_archive(filled)
    assert [p.kind for p in problems] == ["missing_blob"]
    assert sha in problems[0].message


@pytest.mark.parametrize("held", ["streamed", "streamed, longer than one PUT", "in memory"])
def test_a_reader_never_sees_part_of_an_object_under_its_content_address(
    team: Archive, held: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # streamed: 24 MB in 4 MB chunks, on disk several writes, on S3 held and sent in one PUT
    # under its address; longer than one PUT: on S3 a multipart upload of several parts to a
    # temporary, then copied; in memory (a thumbnail, a signature): one PUT on S3
    if held == "streamed, longer than one PUT":
        monkeypatch.setattr(blobs, "ONE_PUT_MAX", 10 * 1024 * 1024)
    payload = hashlib.sha256(b"seed").digest() * (24 * 1024 * 1024 // 32)
    sha = hashlib.sha256(payload).hexdigest()
    where = team.blobs.path(sha)
    seen: list[int] = []
    done = threading.Event()
    reader_fs = team.blobs.fs

    def watch() -> None:
        while not done.is_set():
            reader_fs.invalidate_cache()
            if reader_fs.exists(where):
                seen.append(int(reader_fs.info(where)["size"]))
                return

    watcher = threading.Thread(target=watch)
    watcher.start()
    chunks = (payload[i : i + 4 * 1024 * 1024] for i in range(0, len(payload), 4 * 1024 * 1024))
    stored = team.blobs.put_bytes(payload) if held == "in memory" else team.blobs.put_chunks(chunks)
    done.set()
    watcher.join()
    assert stored == (sha, len(payload))
    assert all(size == len(payload) for size in seen), seen
    assert team.blobs.rehash(sha) == sha
    assert not [p for p in reader_fs.find(f"{team.blobs.root}/tmp") if not p.endswith(".probe")]


@pytest.mark.parametrize("point", ["blob-written", "blob-stored", "rows-added"])
def test_an_ingest_killed_at_any_point_leaves_a_verifiable_archive(
    backend: Backend, point: str, footage: dict[str, Path], tmp_path: Path
) -> None:
    team = backend.init(tmp_path / "arc")
    team.close()
    killed = run_corroborate(
        "ingest",
        "-A",
        str(tmp_path / "arc"),
        str(footage["coffee"]),
        env={"CORROBORATE_CRASH_AT": point},
    )
    assert killed.returncode == -signal.SIGKILL
    reopened = Archive.open(tmp_path / "arc")
    try:
        assert verify_archive(reopened) == []
        for sha in reopened.blobs.iter_digests():  # whatever is under an address is whole
            assert reopened.blobs.rehash(sha) == sha
        again = run_corroborate("ingest", "-A", str(tmp_path / "arc"), str(footage["coffee"]))
        assert again.returncode == 0, again.stderr
        assert len(list_items(reopened)) == 1
        assert verify_archive(reopened) == []
    finally:
        reopened.close()


# -- writers at once --------------------------------------------------------------------------


def test_two_ingest_processes_on_one_archive_both_succeed(
    team: Archive, footage: dict[str, Path], tmp_path: Path
) -> None:
    folders = []
    for n in range(2):
        folder = tmp_path / f"set{n}"
        folder.mkdir()
        for i in range(3):
            (folder / f"c{i}.mp4").write_bytes(footage["grass"].read_bytes() + bytes([n, i]) * 5)
        (folder / "shared.jpg").write_bytes(footage["still"].read_bytes())
        folders.append(folder)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "corroborate", "ingest", "-A", str(team.dir), str(f)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in folders
    ]
    for p in procs:
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    assert len(list_items(team)) == 7
    with team.reader.connect() as conn:
        shared = conn.execute(
            sa.text(
                "SELECT count(*) FROM sightings s JOIN items i ON i.id=s.item_id "
                "WHERE i.original_name='shared.jpg'"
            )
        ).scalar_one()
    assert shared == 2
    assert verify_archive(team) == []


# -- keys that do not fit -------------------------------------------------------------------------


def test_wrong_s3_keys_are_one_clear_line_that_never_shows_the_secret(
    s3_server: S3Server, postgres_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in s3_server.env.items():
        monkeypatch.setenv(key, value)
    team = init_archive(
        tmp_path / "arc", database_url=new_database(postgres_server), blob_url=new_bucket(s3_server)
    )
    team.close()
    wrong = "Wr0ng-" + s3_server.secret_key[::-1]
    env = {**os.environ, "AWS_SECRET_ACCESS_KEY": wrong}
    for args in (["items"], ["verify"], ["items", "--json"]):
        result = subprocess.run(
            [sys.executable, "-m", "corroborate", *args, "-A", str(tmp_path / "arc")],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert "refused access" in lines[0] and "AWS_SECRET_ACCESS_KEY" in lines[0]
        assert "SignatureDoesNotMatch" in lines[0]
        for secret in (wrong, s3_server.secret_key):
            assert secret not in result.stderr + result.stdout


def test_the_endpoint_may_live_in_archive_json_and_only_the_keys_in_the_environment(
    s3_server: S3Server, postgres_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    for key, value in s3_server.env.items():
        monkeypatch.setenv(key, value)
    team = init_archive(
        tmp_path / "arc", database_url=new_database(postgres_server), blob_url=new_bucket(s3_server)
    )
    team.close()
    settings = json.loads((tmp_path / "arc" / "archive.json").read_text())
    settings["blob_endpoint"] = s3_server.endpoint
    (tmp_path / "arc" / "archive.json").write_text(json.dumps(settings))
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3")
    result = run_corroborate("verify", "-A", str(tmp_path / "arc"))
    assert result.returncode == 0, result.stderr


# -- the incident record's rules, in the database each backend has -------------------------------


def test_regrading_a_source_sends_the_verified_incidents_citing_it_back_to_review(
    filled: Archive,
) -> None:
    """PostgreSQL has no equality for JSON columns: a query that needs one fails there only."""
    from corroborate.incidents import (
        add_source,
        cite_source,
        create_incident,
        get_incident,
        grade_source,
        link_evidence,
        review_incident,
    )
    from incident_fixtures import execution

    inc = create_incident(filled, execution(), actor="alice")
    link_evidence(filled, inc.id, list_items(filled)[0].id, role="primary", actor="alice")
    add_source(filled, "UN HRMMU", kind="monitoring-mission", reliability="B", actor="alice")
    cite_source(filled, inc.id, "UN HRMMU", credibility=2, actor="alice")
    review_incident(filled, inc.id, decision="approve", actor="bob")
    assert get_incident(filled, inc.id).status == "verified"
    grade_source(filled, "UN HRMMU", "C", actor="alice")
    assert get_incident(filled, inc.id).status == "under-review"
    assert verify_archive(filled) == []
