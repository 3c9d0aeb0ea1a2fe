"""Accounts of the web workspace, played from the attacker's side: stolen databases, guessed
passwords, tokens of people who left, and viewers who try to act."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from corroborate import accounts
from corroborate.accounts import AccessError, LoginError, RateLimitedError
from corroborate.archive import verify_archive
from corroborate.custody import entries
from corroborate.custody.setup import init_archive
from corroborate.db import utcnow
from corroborate.errors import InputError, InternalError, NotFoundError
from corroborate.storage.archive import Archive

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def empty_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One new archive, made once (making one signs and migrates: seconds on a busy machine)."""
    directory = tmp_path_factory.mktemp("accounts-template") / "archive"
    init_archive(directory).close()
    return directory


@pytest.fixture
def archive(empty_archive: Path, tmp_path: Path) -> Iterator[Archive]:
    """A new, empty archive of this test's own (a copy of the module's template)."""
    shutil.copytree(empty_archive, tmp_path / "archive")
    opened = Archive.open(tmp_path / "archive")
    yield opened
    opened.close()


def _db_bytes(archive: Archive) -> bytes:
    """Everything the database holds on disk, WAL included (what a thief would copy)."""
    data = b""
    for path in sorted(Path(archive.dir).glob("archive.db*")):
        data += path.read_bytes()
    return data


def _sql(archive: Archive, statement: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(Path(archive.dir) / "archive.db")
    try:
        rows = conn.execute(statement).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


def test_a_password_is_stored_only_as_an_argon2id_hash(archive: Archive) -> None:
    accounts.add_user(archive, "alice", role="analyst", password=PASSWORD, by="root")
    ((stored,),) = _sql(archive, "SELECT password_hash FROM users WHERE name = 'alice'")
    assert str(stored).startswith("$argon2id$")
    assert PASSWORD.encode() not in _db_bytes(archive)
    # two accounts with the same password get different hashes (salted)
    accounts.add_user(archive, "bob", role="viewer", password=PASSWORD, by="root")
    ((other,),) = _sql(archive, "SELECT password_hash FROM users WHERE name = 'bob'")
    assert other != stored


def test_the_right_password_logs_in_and_a_wrong_one_or_unknown_name_does_not(
    archive: Archive,
) -> None:
    accounts.add_user(archive, "alice", role="analyst", password=PASSWORD, by="root")
    user = accounts.authenticate(archive, "alice", PASSWORD, "10.0.0.1")
    assert (user.name, user.role) == ("alice", "analyst")
    with pytest.raises(LoginError) as wrong:
        accounts.authenticate(archive, "alice", PASSWORD + "!", "10.0.0.1")
    with pytest.raises(LoginError) as unknown:
        accounts.authenticate(archive, "mallory", PASSWORD, "10.0.0.1")
    assert str(wrong.value) == str(unknown.value)  # no hint which names exist


def test_failed_logins_lock_the_account_even_for_the_right_password_then_expire(
    archive: Archive,
) -> None:
    accounts.add_user(archive, "alice", role="analyst", password=PASSWORD, by="root")
    now = utcnow()
    for i in range(accounts.service.MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(LoginError) as exc:  # from many addresses: still one account
            accounts.authenticate(archive, "alice", f"guess {i}", f"10.0.0.{i}", now=now)
        assert not isinstance(exc.value, RateLimitedError)
    with pytest.raises(RateLimitedError, match="too many failed logins for the account 'alice'"):
        accounts.authenticate(archive, "alice", PASSWORD, "10.9.9.9", now=now)
    later = now + accounts.service.FAILURE_WINDOW + timedelta(seconds=1)
    assert accounts.authenticate(archive, "alice", PASSWORD, "10.9.9.9", now=later).name == "alice"


def test_failed_logins_lock_an_address_across_account_names(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts.service, "MAX_FAILURES_PER_ADDRESS", 4)
    accounts.add_user(archive, "alice", role="analyst", password=PASSWORD, by="root")
    now = utcnow()
    for name in ("bob", "carol", "dave", "erin"):  # one guess per name: spraying
        with pytest.raises(LoginError):
            accounts.authenticate(archive, name, "Password1", "203.0.113.7", now=now)
    with pytest.raises(RateLimitedError, match="the address 203.0.113.7"):
        accounts.authenticate(archive, "alice", PASSWORD, "203.0.113.7", now=now)
    # the same account from another address is fine: the lock is the address's
    assert accounts.authenticate(archive, "alice", PASSWORD, "198.51.100.1", now=now)


def test_a_successful_login_does_not_reset_an_address_lock(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An attacker with one real account must not wipe the address counter by logging in."""
    monkeypatch.setattr(accounts.service, "MAX_FAILURES_PER_ADDRESS", 3)
    accounts.add_user(archive, "mallory", role="viewer", password=PASSWORD, by="root")
    now = utcnow()
    for name in ("alice", "bob"):
        with pytest.raises(LoginError):
            accounts.authenticate(archive, name, "guess", "203.0.113.9", now=now)
    accounts.authenticate(archive, "mallory", PASSWORD, "203.0.113.9", now=now)
    with pytest.raises(LoginError):
        accounts.authenticate(archive, "carol", "guess", "203.0.113.9", now=now)
    with pytest.raises(RateLimitedError):
        accounts.authenticate(archive, "mallory", PASSWORD, "203.0.113.9", now=now)


def test_an_api_token_is_stored_hashed_and_names_its_account(archive: Archive) -> None:
    accounts.add_user(archive, "alice", role="analyst", password=PASSWORD, by="root")
    token = accounts.issue_token(archive, "alice", by="root")
    assert token.startswith("cor_") and len(token) > 40
    assert token.encode() not in _db_bytes(archive)
    ((stored,),) = _sql(archive, "SELECT token_sha256 FROM api_tokens")
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert accounts.user_for_token(archive, token).name == "alice"
    (used,) = accounts.token_last_used(archive, "alice").values()
    assert used is not None
    accounts.user_for_token(archive, token, now=used + timedelta(seconds=10))
    assert accounts.token_last_used(archive, "alice") == {1: used}  # to the minute
    later = used + accounts.service.TOKEN_USE_RESOLUTION
    accounts.user_for_token(archive, token, now=later)
    assert accounts.token_last_used(archive, "alice") == {1: later}
    with pytest.raises(LoginError):
        accounts.user_for_token(archive, token[:-1] + ("A" if token[-1] != "A" else "B"))
    with pytest.raises(LoginError):  # the stored hash itself is not a token
        accounts.user_for_token(archive, str(stored))


def test_tokens_and_sessions_of_a_disabled_or_removed_account_are_refused(
    archive: Archive,
) -> None:
    accounts.add_user(archive, "alice", role="analyst", password=PASSWORD, by="root")
    token = accounts.issue_token(archive, "alice", by="root")
    session = accounts.start_session(archive, accounts.get_user(archive, "alice"))
    accounts.set_disabled(archive, "alice", True, by="root")
    with pytest.raises(LoginError, match="disabled"):
        accounts.user_for_token(archive, token)
    with pytest.raises(LoginError):
        accounts.session_for_cookie(archive, session.cookie)
    with pytest.raises(LoginError):
        accounts.authenticate(archive, "alice", PASSWORD, "10.0.0.1")
    accounts.set_disabled(archive, "alice", False, by="root")
    assert accounts.user_for_token(archive, token).name == "alice"
    accounts.remove_user(archive, "alice", by="root")
    with pytest.raises(LoginError, match="unknown or revoked"):
        accounts.user_for_token(archive, token)
    # a new account of the same name does not inherit the old one's token
    accounts.add_user(archive, "alice", role="admin", password=PASSWORD, by="root")
    with pytest.raises(LoginError):
        accounts.user_for_token(archive, token)
    assert not verify_archive(archive)


def test_an_expired_session_is_refused_and_logout_ends_it(archive: Archive) -> None:
    accounts.add_user(archive, "alice", role="analyst", password=PASSWORD, by="root")
    user = accounts.get_user(archive, "alice")
    old = accounts.start_session(
        archive, user, now=utcnow() - accounts.SESSION_LIFETIME - timedelta(minutes=1)
    )
    with pytest.raises(LoginError, match="expired"):
        accounts.session_for_cookie(archive, old.cookie)
    live = accounts.start_session(archive, user)
    assert accounts.session_for_cookie(archive, live.cookie).user.name == "alice"
    accounts.end_session(archive, live.cookie)
    with pytest.raises(LoginError):
        accounts.session_for_cookie(archive, live.cookie)


def test_a_password_change_ends_the_accounts_sessions(archive: Archive) -> None:
    accounts.add_user(archive, "alice", role="analyst", password=PASSWORD, by="root")
    session = accounts.start_session(archive, accounts.get_user(archive, "alice"))
    accounts.set_password(archive, "alice", "a new long passphrase", by="root")
    with pytest.raises(LoginError):
        accounts.session_for_cookie(archive, session.cookie)
    with pytest.raises(LoginError):
        accounts.authenticate(archive, "alice", PASSWORD, "10.0.0.1")
    assert accounts.authenticate(archive, "alice", "a new long passphrase", "10.0.0.1")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("viewer", {"read"}),
        ("analyst", {"read", "edit"}),
        ("reviewer", {"read", "edit", "review"}),
        ("admin", {"read", "edit", "review", "manage-users"}),
    ],
)
def test_roles_allow_exactly_their_actions(archive: Archive, role: str, allowed: set[str]) -> None:
    user = accounts.add_user(archive, f"u-{role}", role=role, password=PASSWORD, by="root")
    for action in ("read", "edit", "review", "manage-users"):
        if action in allowed:
            assert accounts.require(user, action) == user.name
        else:
            with pytest.raises(AccessError, match=f"u-{role} is an? {role}"):
                accounts.require(user, action)
    with pytest.raises(InternalError):
        accounts.require(user, "launch")


def test_only_an_admin_account_manages_accounts(archive: Archive) -> None:
    analyst = accounts.add_user(archive, "alice", role="analyst", password=PASSWORD, by="root")
    admin = accounts.add_user(archive, "root2", role="admin", password=PASSWORD, by="root")
    with pytest.raises(AccessError):
        accounts.add_user(archive, "eve", role="admin", password=PASSWORD, by=analyst)
    with pytest.raises(AccessError):
        accounts.issue_token(archive, "root2", by=analyst)  # not someone else's token
    with pytest.raises(AccessError):
        accounts.list_users(archive, by=analyst)
    assert accounts.issue_token(archive, "alice", by=analyst)  # one's own token is fine
    assert accounts.add_user(archive, "eve", role="viewer", password=PASSWORD, by=admin)
    disabled = accounts.set_disabled(archive, "root2", True, by="root")
    with pytest.raises(AccessError):  # a disabled admin is no admin
        accounts.list_users(archive, by=disabled)
    assert [u.name for u in accounts.list_users(archive, by="root")] == ["alice", "eve", "root2"]


def test_bad_account_input_is_refused_with_a_clear_message(archive: Archive) -> None:
    for name, role, password, message in [
        ("Alice", "analyst", PASSWORD, "lower-case"),
        ("a b", "analyst", PASSWORD, "lower-case"),
        ("alice", "boss", PASSWORD, "not a role"),
        ("alice", "analyst", "short", "too short"),
        ("alice", "analyst", "x" * 5000, "too long"),
    ]:
        with pytest.raises(InputError, match=message):
            accounts.add_user(archive, name, role=role, password=password, by="root")
    accounts.add_user(archive, "alice", role="analyst", password=PASSWORD, by="root")
    with pytest.raises(InputError, match="exists already"):
        accounts.add_user(archive, "alice", role="viewer", password=PASSWORD, by="root")
    with pytest.raises(NotFoundError):
        accounts.issue_token(archive, "nobody", by="root")
    assert [u.name for u in accounts.list_users(archive, by="root")] == ["alice"]


def test_every_account_change_is_a_custody_entry_without_secrets(archive: Archive) -> None:
    accounts.add_user(archive, "alice", role="analyst", password=PASSWORD, by="root")
    token = accounts.issue_token(archive, "alice", by="root")
    accounts.set_password(archive, "alice", "another long passphrase", by="root")
    accounts.set_disabled(archive, "alice", True, by="root")
    accounts.set_disabled(archive, "alice", False, by="root")
    accounts.remove_user(archive, "alice", by="root")
    log = [e for e in entries(archive) if e.action.startswith("user.")]
    assert [e.action for e in log] == [
        "user.add",
        "user.token",
        "user.password",
        "user.disable",
        "user.enable",
        "user.remove",
    ]
    assert all(e.actor == "root" and e.details["user"] == "alice" for e in log)
    everything = json.dumps([e.details for e in entries(archive)])
    for secret in (PASSWORD, "another long passphrase", token):
        assert secret not in everything
    assert not verify_archive(archive)


def test_a_role_raised_by_editing_the_database_is_found_by_verify(archive: Archive) -> None:
    accounts.add_user(archive, "alice", role="viewer", password=PASSWORD, by="root")
    assert not verify_archive(archive)
    _sql(archive, "UPDATE users SET role = 'admin' WHERE name = 'alice'")
    problems = verify_archive(archive)
    assert [p.kind for p in problems] == ["altered_row"]
    assert "users" in problems[0].message


def test_a_token_row_inserted_by_hand_is_found_by_verify(archive: Archive) -> None:
    accounts.add_user(archive, "alice", role="admin", password=PASSWORD, by="root")
    forged = hashlib.sha256(b"cor_forged").hexdigest()
    _sql(
        archive,
        "INSERT INTO api_tokens (user_id, token_sha256, created_at, created_by) "
        f"VALUES (1, '{forged}', '2026-01-01 00:00:00', 'root')",
    )
    assert [p.kind for p in verify_archive(archive)] == ["unlogged_row"]


# -- the CLI ---------------------------------------------------------------------------------


def _cli(archive: Archive, *args: str, input: str | None = None) -> Result:
    """`corroborate ...` in-process, typing `input` at its prompts."""
    from corroborate.cli import app

    env = {"CORROBORATE_ARCHIVE": str(archive.dir), "CORROBORATE_USER": "root", "COLUMNS": "200"}
    return CliRunner().invoke(app, list(args), env=env, input=input, catch_exceptions=False)


def test_cli_user_add_asks_twice_then_token_prints_once_and_list_shows_it(archive: Archive) -> None:
    result = _cli(
        archive, "user", "add", "alice", "--role", "analyst", input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    assert "added alice (analyst)" in result.output
    token = _cli(archive, "user", "token", "alice")
    assert token.exit_code == 0 and token.output.strip().startswith("cor_")
    listed = _cli(archive, "user", "list", "--json")
    (user,) = json.loads(listed.output)["users"]
    assert (user["name"], user["role"], user["disabled"]) == ("alice", "analyst", False)
    assert "password" not in listed.output


def test_cli_user_add_refuses_a_mismatched_confirmation_or_a_bad_role(archive: Archive) -> None:
    typo = _cli(
        archive, "user", "add", "alice", "--role", "analyst", input=f"{PASSWORD}\nother one!\n"
    )
    assert typo.exit_code != 0
    bad = _cli(archive, "user", "add", "alice", "--role", "boss", input="")
    assert bad.exit_code == 2 and "not a role" in bad.output
    empty = _cli(archive, "user", "add", "alice", "--role", "viewer", "--password-stdin", input="")
    assert empty.exit_code == 2 and "standard input is empty" in empty.output
    assert json.loads(_cli(archive, "user", "list", "--json").output)["users"] == []


def test_cli_password_stdin_for_scripts(archive: Archive) -> None:
    result = _cli(
        archive, "user", "add", "bot", "--role", "viewer", "--password-stdin", input=f"{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    short = _cli(
        archive, "user", "add", "bot2", "--role", "viewer", "--password-stdin", input="abc\n"
    )
    assert short.exit_code == 2 and "too short" in short.output


# -- the team server: the same accounts on PostgreSQL -------------------------------------------


def test_accounts_work_the_same_on_postgresql(tmp_path: Path) -> None:
    import os

    from corroborate.testing.postgres import local_postgres, postgres_bin

    if postgres_bin() is None and not os.environ.get("CI"):
        pytest.skip("PostgreSQL not installed (scripts/install installs it; CI must have it)")
    with local_postgres() as url:
        archive = init_archive(tmp_path / "pg", database_url=url)
        try:
            accounts.add_user(archive, "alice", role="reviewer", password=PASSWORD, by="root")
            token = accounts.issue_token(archive, "alice", by="root")
            assert accounts.user_for_token(archive, token).role == "reviewer"
            user = accounts.authenticate(archive, "alice", PASSWORD, "10.0.0.1")
            session = accounts.start_session(archive, user)
            assert accounts.session_for_cookie(archive, session.cookie).user.name == "alice"
            now = utcnow()
            for _ in range(accounts.service.MAX_FAILURES_PER_ACCOUNT):
                with pytest.raises(LoginError):
                    accounts.authenticate(archive, "alice", "guess", "10.0.0.2", now=now)
            with pytest.raises(RateLimitedError):
                accounts.authenticate(archive, "alice", PASSWORD, "10.0.0.3", now=now)
            assert verify_archive(archive) == []
        finally:
            archive.close()
