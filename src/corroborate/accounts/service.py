"""Accounts and access: who may do what, checked here so the CLI, the pages and the API agree.

Roles are ranked: a viewer reads, an analyst also creates and edits, a reviewer also approves
or rejects, an admin also manages users. Every change to an account is a custody entry
(`user.add`, `user.password`, `user.token`, `user.disable`, `user.enable`, `user.remove`) that
names the account and never holds a password or a token.

An actor is either a `User` (someone logged in to the workspace, whose role is checked) or a
`str` naming a local operator: someone running the CLI on the archive's own folder, who holds
its signing key and so already has every power the archive has.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from corroborate.accounts.models import (
    ApiTokenRow,
    LoginFailureRow,
    TokenUseRow,
    UserRow,
    WebSessionRow,
)
from corroborate.custody import append
from corroborate.db import utcnow
from corroborate.errors import CorroborateError, InputError, InternalError, NotFoundError
from corroborate.storage.archive import Archive

ROLES = ("viewer", "analyst", "reviewer", "admin")
# What each action needs, at least (roles are ranked in ROLES order).
ACTIONS: dict[str, str] = {
    "read": "viewer",
    "edit": "analyst",
    "review": "reviewer",
    "manage-users": "admin",
}
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # argon2 takes any length; a megabyte "password" is only a way to burn CPU

# Failed logins: at most this many within the window, per account and per address; then every
# attempt (even with the right password) is refused until the oldest failure leaves the window.
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
SESSION_LIFETIME = timedelta(hours=12)
TOKEN_PREFIX = "cor_"
# A token's last use is recorded to the minute: a script's every request does not take the
# archive's write lock.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# Checked against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
# argon2id holds 64 MiB while it hashes: at most this many at once, so a burst of logins (or a
# flood of wrong passwords) queues instead of taking the server's memory.
_HASHING = threading.BoundedSemaphore(max(2, os.cpu_count() or 1))


def _hash(password: str) -> str:
    with _HASHING:
        return _hasher.hash(password)


def _verify(digest: str, password: str) -> bool:
    with _HASHING:
        return bool(_hasher.verify(digest, password))


class LoginError(CorroborateError):
    """Wrong name or password, an unknown or revoked token, or an expired session (401)."""

    exit_code = 1


class RateLimitedError(LoginError):
    """Too many failed logins for this account or from this address (429)."""


class AccessError(CorroborateError):
    """The account's role does not allow the action (403)."""

    exit_code = 1


@dataclass(frozen=True)
class User:
    """An account, as the front ends see it (never its password hash)."""

    id: int
    name: str
    role: str
    created_at: datetime
    created_by: str
    disabled: bool


Actor = User | str


def _to_user(row: UserRow) -> User:
    return User(row.id, row.name, row.role, row.created_at, row.created_by, row.disabled)


def can(user: User, action: str) -> bool:
    """True when the user's role allows the action (an unknown action is a programming error)."""
    if action not in ACTIONS:
        raise InternalError(f"unknown action {action!r}")
    return not user.disabled and ROLES.index(user.role) >= ROLES.index(ACTIONS[action])


def require(user: Actor, action: str) -> str:
    """The name to record as the actor, once the action is allowed; AccessError otherwise."""
    if isinstance(user, str):
        if action not in ACTIONS:
            raise InternalError(f"unknown action {action!r}")
        return user
    if not can(user, action):
        article = "an" if user.role[0] in "aeiou" else "a"
        raise AccessError(
            f"{user.name} is {article} {user.role}: {_WHAT[action]} needs the role "
            f"{ACTIONS[action]} or above"
        )
    return user.name


_WHAT = {
    "read": "reading the archive",
    "edit": "creating or editing",
    "review": "approving or rejecting",
    "manage-users": "managing accounts",
}


def check_name(name: str) -> str:
    """The name, if it can name an account; InputError otherwise."""
    if not NAME_PATTERN.fullmatch(name):
        raise InputError(
            f"{name!r}: an account name is 1-64 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def check_role(role: str) -> str:
    """The role, if it is one; InputError otherwise."""
    if role not in ROLES:
        raise InputError(f"{role!r}: not a role (choose from {', '.join(ROLES)})")
    return role


def check_password(password: str) -> str:
    """The password, if it is long enough and not absurdly long; InputError otherwise."""
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password is too short: use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"the password is too long: use at most {MAX_PASSWORD} characters")
    return password


def _row(session: Session, name: str) -> UserRow:
    row = session.scalar(select(UserRow).where(UserRow.name == name))
    if row is None:
        raise NotFoundError(f"{name!r}: no such account")
    return row


# -- managing accounts ---------------------------------------------------------------------


def add_user(archive: Archive, name: str, *, role: str, password: str, by: Actor) -> User:
    """Create an account; its password is stored only as an argon2id hash."""
    actor = require(by, "manage-users")
    check_name(name)
    check_role(role)
    digest = _hash(check_password(password))
    with archive.write() as session:
        if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
            raise InputError(f"{name!r}: an account of that name exists already")
        row = UserRow(
            name=name,
            role=role,
            password_hash=digest,
            created_at=utcnow(),
            created_by=actor,
            disabled=False,
        )
        session.add(row)
        session.flush()
        append(session, actor=actor, action="user.add", details={"user": name, "role": role})
        return _to_user(row)


def set_password(archive: Archive, name: str, password: str, *, by: Actor) -> None:
    """Replace an account's password (an admin, or the account itself); ends its sessions."""
    if isinstance(by, User) and by.name == name and not by.disabled:
        actor = by.name
    else:
        actor = require(by, "manage-users")
    digest = _hash(check_password(password))
    with archive.write() as session:
        row = _row(session, name)
        row.password_hash = digest
        append(session, actor=actor, action="user.password", details={"user": name})
        user_id = row.id
    _end_sessions_of(archive, user_id)


def set_disabled(archive: Archive, name: str, disabled: bool, *, by: Actor) -> User:
    """Disable an account (its sessions and tokens stop working at once) or enable it again."""
    actor = require(by, "manage-users")
    with archive.write() as session:
        row = _row(session, name)
        if row.disabled == disabled:
            return _to_user(row)
        row.disabled = disabled
        action = "user.disable" if disabled else "user.enable"
        append(session, actor=actor, action=action, details={"user": name})
        user = _to_user(row)
    if disabled:
        _end_sessions_of(archive, user.id)
    return user


def remove_user(archive: Archive, name: str, *, by: Actor) -> None:
    """Delete an account and its tokens; custody entries that name it stay as they are."""
    actor = require(by, "manage-users")
    with archive.write() as session:
        row = _row(session, name)
        tokens = list(session.scalars(select(ApiTokenRow).where(ApiTokenRow.user_id == row.id)))
        for token in tokens:
            session.delete(token)
        session.delete(row)
        append(
            session,
            actor=actor,
            action="user.remove",
            details={"user": name, "tokens_revoked": len(tokens)},
        )
        user_id = row.id
    _end_sessions_of(archive, user_id)


def list_users(archive: Archive, *, by: Actor) -> list[User]:
    """Every account, by name."""
    require(by, "manage-users")
    with archive.session() as session:
        return [_to_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.name))]


def get_user(archive: Archive, name: str) -> User:
    """One account by name (NotFoundError when there is none)."""
    with archive.session() as session:
        return _to_user(_row(session, name))


# -- logging in ----------------------------------------------------------------------------


def _volatile(archive: Archive) -> Session:
    """A session for the tables outside the custody log (see models): no custody entry."""
    return Session(archive.writer, expire_on_commit=False)


def _failures(
    session: Session, column: InstrumentedAttribute[str], value: str, since: datetime
) -> list[datetime]:
    return list(
        session.scalars(
            select(LoginFailureRow.time)
            .where(column == value, LoginFailureRow.time > since)
            .order_by(LoginFailureRow.time)
        )
    )


def _refuse_if_limited(session: Session, name: str, address: str, now: datetime) -> None:
    since = now - FAILURE_WINDOW
    for what, column, value, limit in (
        (f"the account {name!r}", LoginFailureRow.user_name, name, MAX_FAILURES_PER_ACCOUNT),
        (f"the address {address}", LoginFailureRow.address, address, MAX_FAILURES_PER_ADDRESS),
    ):
        times = _failures(session, column, value, since)
        if len(times) >= limit:
            wait = times[-limit] + FAILURE_WINDOW - now
            minutes = max(1, int(wait.total_seconds() // 60) + 1)
            raise RateLimitedError(
                f"too many failed logins for {what}: try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}"
            )


def authenticate(
    archive: Archive, name: str, password: str, address: str, *, now: datetime | None = None
) -> User:
    """The account for a name and password typed at `address` (the client's IP address).

    Wrong name and wrong password get the same message and take the same time; after too many
    failures for the account or the address, every attempt is refused for a while, right or not.
    """
    now = now or utcnow()
    address = address[:100] or "unknown"
    typed = name[:200]
    with archive.session() as session:
        _refuse_if_limited(session, typed, address, now)
        row = session.scalar(select(UserRow).where(UserRow.name == typed))
    ok: bool
    try:
        ok = _verify(row.password_hash if row else _DUMMY_HASH, password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        ok = False
    with _volatile(archive) as session, session.begin():
        if row is None or not ok or row.disabled:
            session.add(LoginFailureRow(user_name=typed, address=address, time=now))
        else:  # a success forgives this account's failures, not the address's
            session.execute(delete(LoginFailureRow).where(LoginFailureRow.user_name == typed))
    if row is None or not ok or row.disabled:
        raise LoginError("wrong account name or password (or the account is disabled)")
    return _to_user(row)


def change_password(
    archive: Archive, user: User, current: str, new: str, confirm: str, address: str
) -> WebSession:
    """An account changes its own password: the current one is asked (a stolen session alone
    cannot lock its owner out), every session ends, and a new one is returned for this browser.
    """
    if new != confirm:
        raise InputError("the two new passwords differ")
    check_password(new)
    authenticate(archive, user.name, current, address)
    set_password(archive, user.name, new, by=user)
    return start_session(archive, get_user(archive, user.name))


# -- API tokens ----------------------------------------------------------------------------


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def issue_token(archive: Archive, name: str, *, by: Actor) -> str:
    """A new API token for the account, returned once; only its SHA-256 is stored."""
    if isinstance(by, User) and by.name == name and not by.disabled:
        actor = by.name
    else:
        actor = require(by, "manage-users")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with archive.write() as session:
        row = _row(session, name)
        if row.disabled:
            raise InputError(f"{name!r}: the account is disabled; enable it first")
        token_row = ApiTokenRow(
            user_id=row.id, token_sha256=_sha256(token), created_at=utcnow(), created_by=actor
        )
        session.add(token_row)
        session.flush()
        append(
            session,
            actor=actor,
            action="user.token",
            details={"user": name, "token_id": token_row.id},
        )
    return token


def user_for_token(archive: Archive, token: str, *, now: datetime | None = None) -> User:
    """The live account a bearer token belongs to; LoginError for an unknown token or a
    disabled or removed account."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        raise LoginError("not a corroborate API token")
    with archive.session() as session:
        found = session.execute(
            select(ApiTokenRow.id, UserRow)
            .join(UserRow, UserRow.id == ApiTokenRow.user_id)
            .where(ApiTokenRow.token_sha256 == _sha256(token))
        ).first()
    if found is None:
        raise LoginError("unknown or revoked API token")
    token_id, row = found
    if row.disabled:
        raise LoginError(f"the account {row.name!r} is disabled")
    now = now or utcnow()
    with archive.session() as session:
        last = session.scalar(select(TokenUseRow.last_used).where(TokenUseRow.token_id == token_id))
    if last is None or now - last >= TOKEN_USE_RESOLUTION:  # not a write lock per request
        with _volatile(archive) as session, session.begin():
            use = session.get(TokenUseRow, token_id)
            if use is None:
                session.add(TokenUseRow(token_id=token_id, last_used=now))
            else:
                use.last_used = now
    return _to_user(row)


def token_last_used(archive: Archive, name: str) -> dict[int, datetime | None]:
    """Each of the account's tokens (by id) and when it was last used (None: never)."""
    with archive.session() as session:
        user_id = _row(session, name).id
        ids = list(session.scalars(select(ApiTokenRow.id).where(ApiTokenRow.user_id == user_id)))
        uses = {
            u.token_id: u.last_used
            for u in session.scalars(select(TokenUseRow).where(TokenUseRow.token_id.in_(ids)))
        }
    return {i: uses.get(i) for i in ids}


# -- web sessions --------------------------------------------------------------------------


@dataclass(frozen=True)
class WebSession:
    """A logged-in browser: the cookie value (only its hash is stored) and its CSRF token."""

    cookie: str
    csrf: str
    user: User


def start_session(archive: Archive, user: User, *, now: datetime | None = None) -> WebSession:
    """A new session for an account that just authenticated."""
    now = now or utcnow()
    cookie = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    with _volatile(archive) as session, session.begin():
        session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
        session.add(
            WebSessionRow(
                id_sha256=_sha256(cookie),
                user_id=user.id,
                csrf=csrf,
                created_at=now,
                expires_at=now + SESSION_LIFETIME,
            )
        )
    return WebSession(cookie, csrf, user)


def session_for_cookie(archive: Archive, cookie: str, *, now: datetime | None = None) -> WebSession:
    """The live session a cookie names; LoginError when it is unknown, expired, or its account
    is disabled or gone."""
    now = now or utcnow()
    if not cookie or len(cookie) > 200:
        raise LoginError("not logged in")
    with archive.session() as session:
        found = session.execute(
            select(WebSessionRow, UserRow)
            .join(UserRow, UserRow.id == WebSessionRow.user_id)
            .where(WebSessionRow.id_sha256 == _sha256(cookie))
        ).first()
    if found is None:
        raise LoginError("not logged in (or the session was ended)")
    row, user = found
    if row.expires_at <= now:
        raise LoginError("the session has expired: log in again")
    if user.disabled:
        raise LoginError(f"the account {user.name!r} is disabled")
    return WebSession(cookie, row.csrf, _to_user(user))


def end_session(archive: Archive, cookie: str) -> None:
    """Log out: the cookie stops working at once, wherever it was copied."""
    with _volatile(archive) as session, session.begin():
        session.execute(delete(WebSessionRow).where(WebSessionRow.id_sha256 == _sha256(cookie)))


def _end_sessions_of(archive: Archive, user_id: int) -> None:
    with _volatile(archive) as session, session.begin():
        session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))


def count_sessions(archive: Archive, name: str) -> int:
    """How many live sessions the account has (for admins and tests)."""
    with archive.session() as session:
        user_id = _row(session, name).id
        return int(
            session.scalar(
                select(func.count())
                .select_from(WebSessionRow)
                .where(WebSessionRow.user_id == user_id, WebSessionRow.expires_at > utcnow())
            )
            or 0
        )
