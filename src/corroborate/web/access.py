"""Who is asking, and may they: session cookies and CSRF for pages, bearer tokens for /api/.

Every route is registered with an access rule ("public" or one of the library's actions); the
rule is kept in `RULES` so a test can walk every route the app has and find one without a rule.
The role check itself is the library's (`accounts.require`): this module only finds the user.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request

from corroborate import accounts
from corroborate.accounts import LoginError, User
from corroborate.accounts.reveals import holder_of
from corroborate.storage.archive import Archive

SESSION_COOKIE = "corroborate_session"
LOGIN_CSRF_COOKIE = "corroborate_login_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
PUBLIC = "public"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfError(Exception):
    """A form or cookie-authenticated request without the session's CSRF token (403)."""


class NotLoggedIn(Exception):
    """No valid session or token; pages redirect to the login form, the API answers 401."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Caller:
    """The user behind a request, how they proved it, and the CSRF token of their session."""

    user: User
    csrf: str | None  # None for a bearer token (no ambient credential, no CSRF to check)
    holder: str  # SHA-256 of the cookie or token: whom a reveal of sensitive media is granted


def archive_of(request: Request) -> Archive:
    archive: Archive = request.app.state.archive
    return archive


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def secure_request(request: Request) -> bool:
    """Cookies are marked Secure when the workspace is reached over HTTPS."""
    return request.url.scheme == "https"


def caller(request: Request) -> Caller:
    """The authenticated caller: a bearer token on /api/, else the session cookie."""
    archive = archive_of(request)
    header = request.headers.get("authorization", "")
    try:
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not is_api(request):
                raise LoginError("use `Authorization: Bearer TOKEN` on /api/ only")
            token = token.strip()
            return Caller(accounts.user_for_token(archive, token), None, holder_of(token))
        cookie = request.cookies.get(SESSION_COOKIE, "")
        if not cookie:
            raise LoginError("not logged in")
        session = accounts.session_for_cookie(archive, cookie)
        return Caller(session.user, session.csrf, holder_of(cookie))
    except LoginError as exc:
        raise NotLoggedIn(str(exc)) from None


async def submitted_csrf(request: Request) -> str:
    """The CSRF token a request carries: the X-CSRF-Token header, or the form's `csrf` field."""
    token = request.headers.get(CSRF_HEADER)
    if token:
        return token
    content_type = request.headers.get("content-type", "")
    # Only a URL-encoded form is read for its field: parsing a multipart body would spool any
    # file in it to a temporary file before the request is refused, so multipart requests
    # (no page sends one) must carry the header.
    if content_type.startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def same_token(given: str, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


def needs(action: str) -> Callable[[Request], Awaitable[User | None]]:
    """A dependency that lets a request through only with the access `action` asks for."""

    async def check(request: Request) -> User | None:
        if action == PUBLIC:
            return None
        found = caller(request)
        # Known before the checks below, so a refusal page still shows who is logged in
        # (not a "Log in" link that reads as if the session had ended).
        request.state.user = found.user
        request.state.csrf = found.csrf
        request.state.holder = found.holder
        if request.method in UNSAFE_METHODS and found.csrf is not None:
            if not same_token(await submitted_csrf(request), found.csrf):
                raise CsrfError("the form is missing its CSRF token (reload the page and retry)")
        accounts.require(found.user, action)
        return found.user

    return check
