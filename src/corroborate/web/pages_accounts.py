"""Logging in and out, one's own account, and (for admins) everyone's."""

from __future__ import annotations

from typing import Any

from fastapi import Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from corroborate import accounts
from corroborate.accounts import LoginError, RateLimitedError
from corroborate.report import shapes
from corroborate.web.access import (
    LOGIN_CSRF_COOKIE,
    PUBLIC,
    SESSION_COOKIE,
    CsrfError,
    archive_of,
    new_login_csrf,
    same_token,
    secure_request,
)
from corroborate.web.site import NewUser, Site, address_of, user_of


def local_path(target: str | None) -> str:
    """Where to go after logging in: a path on this site only (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def set_session_cookie(request: Request, response: Response, cookie: str) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS, as long as the session."""
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        secure=secure_request(request),
        path="/",
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
    )


def register(site: Site) -> None:
    """The login form, logout, the account page and the users admin, with their API."""

    # -- logging in and out ---------------------------------------------------------------
    @site.route("GET", "/login", PUBLIC, response_class=HTMLResponse)
    def login_form(request: Request, next: str = Query("/")) -> Response:
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_login_csrf()
        response = site.page(
            request, "login.html", login_csrf=token, next=local_path(next), error=""
        )
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=secure_request(request),
            path="/login",
        )
        return response

    @site.route("POST", "/login", PUBLIC, response_class=HTMLResponse)
    def login(
        request: Request,
        name: str = Form(...),
        password: str = Form(...),
        csrf: str = Form(""),
        next: str = Form("/"),
    ) -> Response:
        if not same_token(csrf, request.cookies.get(LOGIN_CSRF_COOKIE, "")):
            raise CsrfError("the login form is missing its CSRF token (reload the page and retry)")
        address = address_of(request)
        try:
            user = accounts.authenticate(archive_of(request), name, password, address)
        except LoginError as exc:  # the form again, with the reason and the right status
            status = 429 if isinstance(exc, RateLimitedError) else 401
            return site.page(
                request, "login.html", status, login_csrf=csrf, next=next, error=str(exc)
            )
        session = accounts.start_session(archive_of(request), user)
        response = RedirectResponse(local_path(next), status_code=303)
        set_session_cookie(request, response, session.cookie)
        return response

    @site.route("POST", "/logout", "read")
    def logout(request: Request) -> Response:
        accounts.end_session(archive_of(request), request.cookies.get(SESSION_COOKIE, ""))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # -- accounts -------------------------------------------------------------------------
    @site.route("GET", "/admin/users", "manage-users", response_class=HTMLResponse)
    def users_page(request: Request) -> Response:
        users = accounts.list_users(archive_of(request), by=user_of(request))
        return site.page(request, "users.html", users=users, roles=accounts.ROLES)

    @site.route("POST", "/admin/users", "manage-users", response_class=HTMLResponse)
    def users_add(
        request: Request,
        name: str = Form(...),
        role: str = Form(...),
        password: str = Form(...),
    ) -> Response:
        accounts.add_user(
            archive_of(request), name, role=role, password=password, by=user_of(request)
        )
        return RedirectResponse("/admin/users", status_code=303)

    @site.route("GET", "/account", "read", response_class=HTMLResponse)
    def account_page(request: Request) -> Response:
        return site.page(request, "account.html", token=None, message="")

    @site.route("POST", "/account/password", "read", response_class=HTMLResponse)
    def account_password(
        request: Request,
        current: str = Form(...),
        new: str = Form(...),
        confirm: str = Form(...),
    ) -> Response:
        address = address_of(request)
        session = accounts.change_password(
            archive_of(request), user_of(request), current, new, confirm, address
        )
        response = RedirectResponse("/account", status_code=303)
        set_session_cookie(request, response, session.cookie)
        return response

    @site.route("POST", "/account/tokens", "read", response_class=HTMLResponse)
    def account_token(request: Request) -> Response:
        user = user_of(request)
        token = accounts.issue_token(archive_of(request), user.name, by=user)
        return site.page(request, "account.html", token=token, message="")

    # -- JSON API -------------------------------------------------------------------------
    @site.route("GET", "/api/me", "read")
    def api_me(request: Request) -> dict[str, Any]:
        """The account the request is made as."""
        return {"user": shapes.to_json(user_of(request))}

    @site.route("POST", "/api/me/tokens", "read", status_code=201)
    def api_token(request: Request) -> dict[str, Any]:
        """A new API token for the calling account, shown this once (only its hash is kept)."""
        user = user_of(request)
        return {
            "user": user.name,
            "token": accounts.issue_token(archive_of(request), user.name, by=user),
        }

    @site.route("GET", "/api/users", "manage-users")
    def api_users(request: Request) -> dict[str, Any]:
        """Every account (admins only)."""
        return {
            "users": shapes.to_json(accounts.list_users(archive_of(request), by=user_of(request)))
        }

    @site.route("POST", "/api/users", "manage-users", status_code=201)
    def api_users_add(request: Request, body: NewUser) -> dict[str, Any]:
        """Create an account (admins only)."""
        user = accounts.add_user(
            archive_of(request),
            body.name,
            role=body.role,
            password=body.password,
            by=user_of(request),
        )
        return {"user": shapes.to_json(user)}
