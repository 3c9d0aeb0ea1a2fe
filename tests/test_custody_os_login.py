"""The CLI's custody entries name the OS account that ran the command beside `--as` (issue 13,
requirement 2), while the web workspace's name only the logged-in account. An entry without an
OS login hashes exactly as before, so archives made before it existed still verify."""

from __future__ import annotations

import json
import os
import pwd
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from corroborate import accounts
from corroborate.archive import verify_archive
from corroborate.cli import app
from corroborate.cli import common as cli_common
from corroborate.custody import entries, log, merkle, prove
from corroborate.custody.models import CustodyEntryRow
from corroborate.custody.setup import init_archive
from corroborate.incidents import add_source, create_incident
from corroborate.storage.archive import Archive
from corroborate.web import create_app
from incident_fixtures import execution

runner = CliRunner()
PASSWORD = "correct horse battery"
# whoever runs the tests, as the OS's account database names them (not $USER)
ME = pwd.getpwuid(os.getuid()).pw_name


def corroborate(
    archive: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> str:
    """Run a command as a user types it; its output (the test fails on a non-zero exit)."""
    result = runner.invoke(
        app,
        [*args],
        input=stdin,
        env={"CORROBORATE_ARCHIVE": str(archive), "COLUMNS": "250", **(env or {})},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout


def _db(directory: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(directory / "archive.db")
    conn.isolation_level = None
    return conn


def _logins(directory: Path) -> list[tuple[str, str, str | None]]:
    with _db(directory) as db:
        return db.execute(
            "select action, actor, os_login from custody_entries order by seq"
        ).fetchall()


# -- the leaf: exactly as before without an OS login ---------------------------------------------
def test_an_entry_without_an_os_login_hashes_byte_for_byte_as_before() -> None:
    row = CustodyEntryRow(
        seq=7,
        time=datetime(2024, 10, 10, 12, 0, 1, 5, tzinfo=UTC),
        actor="alice",
        os_login=None,
        action="incident.edit",
        subject_sha256="ab" * 32,
        details='{"note":"é"}',
    )
    before = (
        '{"action":"incident.edit","actor":"alice","details":{"note":"é"},"seq":7,'
        '"subject":"' + "ab" * 32 + '","time":"2024-10-10T12:00:01.000005Z"}'
    ).encode()
    assert log.leaf_data(row) == before
    row.os_login = "bob"
    assert log.leaf_data(row) == before.replace(b',"seq"', b',"os_login":"bob","seq"')
    row.os_login = ""  # an empty login is still a recorded one: it is hashed, not dropped
    assert b'"os_login":""' in log.leaf_data(row)


# -- the CLI records it -----------------------------------------------------------------------
def test_the_cli_records_the_os_login_beside_as_from_the_account_database_not_the_environment(
    tmp_path: Path,
) -> None:
    archive = tmp_path / "archive"
    spoofed = {"USER": "mallory", "LOGNAME": "mallory", "USERNAME": "mallory"}
    corroborate(archive, "init", env=spoofed)
    corroborate(
        archive,
        "source",
        "add",
        "UN HRMMU",
        "--kind",
        "monitoring-mission",
        "--reliability",
        "B",
        "--as",
        "alice",
        env=spoofed,
    )
    recorded = [
        (actor, login) for action, actor, login in _logins(archive) if action != "state.record"
    ]
    assert recorded == [("alice", ME)]
    assert all(login == ME for _a, _actor, login in _logins(archive))
    opened = Archive.open(archive)
    assert verify_archive(opened) == []
    (proof,) = [prove(opened, e.seq) for e in entries(opened) if e.action == "source.create"]
    assert json.loads(proof.leaf_data)["os_login"] == ME and proof.verify()
    opened.close()


def test_the_default_path_asks_the_os_and_names_a_user_id_without_an_account(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[int] = []
    real = pwd.getpwuid

    def getpwuid(uid: int) -> pwd.struct_passwd:
        asked.append(uid)
        return real(uid)

    monkeypatch.setattr(pwd, "getpwuid", getpwuid)
    assert cli_common.os_login() == ME and asked == [os.getuid()]

    def no_account(uid: int) -> pwd.struct_passwd:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(pwd, "getpwuid", no_account)
    monkeypatch.setattr(os, "getuid", lambda: 4242)
    assert cli_common.os_login() == "uid 4242"


def test_the_cli_records_whatever_login_the_os_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_common, "os_login", lambda: "field-laptop-7")
    archive = tmp_path / "archive"
    corroborate(archive, "init")
    corroborate(
        archive,
        "user",
        "add",
        "bob",
        "--role",
        "viewer",
        "--password-stdin",
        "--as",
        "root",
        stdin=PASSWORD + "\n",
    )
    assert ("user.add", "root", "field-laptop-7") in _logins(archive)


def test_the_cli_tables_show_the_os_login_beside_the_actor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_common, "os_login", lambda: "bob")
    archive = tmp_path / "archive"
    corroborate(archive, "init")
    made = Archive.open(archive)  # a library caller (no OS login), then the CLI
    ref = create_incident(made, execution(), actor="carol").id
    made.close()
    corroborate(archive, "incident", "edit", ref, "--title", "Later", "--as", "alice")
    history = corroborate(archive, "incident", "history", ref)
    assert re.search(r"\balice \(OS login bob\)", history)
    assert "carol (OS login" not in history and re.search(r"\bcarol\b", history)
    table = corroborate(archive, "custody", "log")
    assert "OS login" in table
    edit_line = next(line for line in table.splitlines() if "incident.edit" in line)
    assert re.search(r"\balice\s+bob\s+incident\.edit\b", edit_line)
    create_line = next(line for line in table.splitlines() if "incident.create" in line)
    assert re.search(r"\bcarol\s+incident\.create\b", create_line)
    shown = json.loads(corroborate(archive, "incident", "history", ref, "--json"))
    assert [(e["actor"], e["os_login"]) for e in shown] == [("carol", None), ("alice", "bob")]


# -- the web workspace records none -------------------------------------------------------------
def test_the_web_workspace_records_the_logged_in_account_and_no_os_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, footage: dict[str, Path]
) -> None:
    monkeypatch.setattr(cli_common, "os_login", lambda: "operator")
    archive = tmp_path / "archive"
    corroborate(archive, "init")
    corroborate(archive, "ingest", str(footage["still"]), "--as", "alice", "--no-signatures")
    corroborate(
        archive,
        "user",
        "add",
        "admin",
        "--role",
        "admin",
        "--password-stdin",
        "--as",
        "root",
        stdin=PASSWORD + "\n",
    )
    web = create_app(archive)
    assert web.state.archive.os_login is None
    client = TestClient(web, base_url="http://testserver", follow_redirects=False)
    token = accounts.issue_token(web.state.archive, "admin", by="root")
    added = client.post(
        "/api/users",
        json={"name": "dana", "role": "viewer", "password": PASSWORD},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert added.status_code == 201, added.text
    by_web = [row for row in _logins(archive) if row[1] == "admin"]
    assert by_web and all(login is None for _action, _actor, login in by_web)
    # the item page names the CLI's entries with their OS login, the web's without
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    client.post(
        "/login", data={"name": "admin", "password": PASSWORD, "csrf": csrf.group(1), "next": "/"}
    )
    (item,) = client.get("/api/items").json()["items"]
    shown = client.get(f"/items/{item['id']}")
    assert shown.status_code == 200
    assert "alice (OS login operator)" in shown.text
    assert verify_archive(web.state.archive) == []
    web.state.archive.close()


# -- archives made before it existed -------------------------------------------------------------
def test_an_archive_made_before_os_logins_opens_verifies_and_records_them_from_then_on(
    tmp_path: Path,
) -> None:
    made = init_archive(tmp_path / "old")
    ref = create_incident(made, execution(), actor="alice").id
    add_source(made, "UN HRMMU", kind="monitoring-mission", reliability="B", actor="alice")
    made.close()
    db = _db(tmp_path / "old")  # the previous release's archive: revision 0008, no column
    db.execute("alter table custody_entries drop column os_login")
    db.execute("alter table items drop column sensitive")  # and what 0010 added after it
    db.execute("drop table media_reveals")
    db.execute("drop table telegram_posts")  # added after 0008 too
    db.execute("update alembic_version set version_num='0008'")
    before = db.execute("select seq, leaf_hash from custody_entries order by seq").fetchall()
    heads = db.execute("select tree_size, root_hash from tree_heads order by tree_size").fetchall()
    db.close()

    upgraded = Archive.open(tmp_path / "old")
    with _db(upgraded.dir) as db:
        assert db.execute("select version_num from alembic_version").fetchone()[0] >= "0009"
        assert (
            db.execute("select seq, leaf_hash from custody_entries order by seq").fetchall()
            == before
        )
        assert db.execute(
            "select count(*) from custody_entries where os_login is not null"
        ).fetchone() == (0,)
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):  # still guarded
            db.execute("update custody_entries set os_login='mallory' where seq=1")
    assert verify_archive(upgraded) == []
    for seq, leaf_hash in before:  # every old leaf recomputes to the hash sealed before
        proof = prove(upgraded, seq)
        assert "os_login" not in json.loads(proof.leaf_data)
        assert merkle.leaf_hash(proof.leaf_data.encode()).hex() == leaf_hash and proof.verify()
    upgraded.close()

    corroborate(tmp_path / "old", "incident", "edit", ref, "--title", "Later", "--as", "bob")
    logins = _logins(tmp_path / "old")
    assert logins[: len(before)] == [(a, actor, None) for a, actor, _l in logins[: len(before)]]
    assert ("incident.edit", "bob", ME) in logins[len(before) :]
    reopened = Archive.open(tmp_path / "old")
    assert verify_archive(reopened) == []
    with _db(reopened.dir) as db:  # the heads signed before the upgrade are untouched
        assert (
            db.execute(
                "select tree_size, root_hash from tree_heads where tree_size <= ?"
                " order by tree_size",
                (heads[-1][0],),
            ).fetchall()
            == heads
        )
    reopened.close()
