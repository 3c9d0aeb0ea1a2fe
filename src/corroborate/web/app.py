"""The web workspace: FastAPI routes over the same library functions the CLI calls.

A route authenticates (through its access rule), parses, calls one library function with the
acting account, and renders a Jinja2 page or a JSON document. Rules belong to the library.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import Depends, FastAPI, Form, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from corroborate import accounts
from corroborate.accounts import AccessError, LoginError, RateLimitedError, User
from corroborate.archive import list_items
from corroborate.archive.views import keyframe_jpeg
from corroborate.core import KINDS
from corroborate.errors import (
    CorroborateError,
    InputError,
    IntegrityError,
    NotFoundError,
    ReviewError,
)
from corroborate.match.temporal import clock
from corroborate.report import shapes
from corroborate.report.items import item_detail
from corroborate.storage.archive import Archive
from corroborate.web.access import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    PUBLIC,
    SESSION_COOKIE,
    CsrfError,
    NotLoggedIn,
    archive_of,
    is_api,
    needs,
    new_login_csrf,
    same_token,
    secure_request,
)

HERE = Path(__file__).parent
OPENAPI_URL = "/api/openapi.json"
STATIC_PREFIX = "/static"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
}


class NewUser(BaseModel):
    """An account to create through the API."""

    name: str
    role: str
    password: str


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,  # stored text is data: every value is escaped, templates included
        undefined=jinja2.StrictUndefined,
    )
    env.filters["utc"] = lambda t: t.strftime("%Y-%m-%d %H:%M:%S") if t else ""
    env.filters["size"] = _size
    env.filters["clock"] = clock
    return Jinja2Templates(env=env)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def _local_path(target: str | None) -> str:
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


def create_app(archive_dir: Path | str) -> FastAPI:
    """The workspace over the archive in `archive_dir` (opened, and migrated, once here)."""
    archive = Archive.open(Path(archive_dir))
    app = FastAPI(
        title="corroborate workspace",
        version="1",
        openapi_url=OPENAPI_URL,
        docs_url=None,  # the interactive docs load scripts from a CDN: the workspace is offline
        redoc_url=None,
    )
    app.state.archive = archive
    app.state.rules = {("GET", OPENAPI_URL): PUBLIC, ("GET", STATIC_PREFIX): PUBLIC}
    templates = _templates()
    app.mount(STATIC_PREFIX, StaticFiles(directory=HERE / "static"), name="static")

    def route(
        method: str, path: str, action: str, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register a route with its access rule (kept in app.state.rules for the tests)."""

        def register(endpoint: Callable[..., Any]) -> Callable[..., Any]:
            app.state.rules[(method, path)] = action
            app.add_api_route(
                path,
                endpoint,
                methods=[method],
                dependencies=[Depends(needs(action))],
                include_in_schema=path.startswith("/api/"),
                **kwargs,
            )
            return endpoint

        return register

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("user", getattr(request.state, "user", None))
        context.setdefault("csrf", getattr(request.state, "csrf", None))
        context.setdefault("csrf_field", CSRF_FIELD)
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    def user_of(request: Request) -> User:
        user: User = request.state.user
        return user

    # -- errors: an HTML page or {"error": {"code", "message"}}, never a trace --------------
    def error(request: Request, status: int, code: str, message: str) -> Response:
        if is_api(request):
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return JSONResponse(
                {"error": {"code": code, "message": message}}, status_code=status, headers=headers
            )
        return page(request, "error.html", status, code=code, message=message, status=status)

    @app.exception_handler(NotLoggedIn)
    async def _not_logged_in(request: Request, exc: NotLoggedIn) -> Response:
        if not is_api(request) and request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        return error(request, 401, "not_logged_in", exc.message)

    @app.exception_handler(CsrfError)
    async def _csrf(request: Request, exc: CsrfError) -> Response:
        return error(request, 403, "csrf", str(exc))

    statuses: list[tuple[type[CorroborateError], int, str]] = [
        (RateLimitedError, 429, "rate_limited"),
        (LoginError, 401, "login_failed"),
        (AccessError, 403, "forbidden"),
        (NotFoundError, 404, "not_found"),
        (InputError, 400, "bad_input"),
        (ReviewError, 409, "conflict"),
        (IntegrityError, 500, "integrity"),
        (CorroborateError, 400, "error"),
    ]

    @app.exception_handler(CorroborateError)
    async def _library(request: Request, exc: CorroborateError) -> Response:
        for kind, status, code in statuses:
            if isinstance(exc, kind):
                return error(request, status, code, str(exc))
        return error(request, 400, "error", str(exc))  # pragma: no cover - CorroborateError

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body') or 'request'}: "
            f"{e.get('msg', 'invalid')}"
            for e in exc.errors()
        ]
        return error(request, 422, "invalid_request", "; ".join(problems) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = {404: "no such page", 405: "method not allowed"}.get(
            exc.status_code, str(exc.detail)
        )
        return error(request, exc.status_code, code, message)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        return error(request, 500, "internal", "internal error: the server log has the details")

    @app.middleware("http")
    async def _headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response: Response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        if not request.url.path.startswith(STATIC_PREFIX):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # -- logging in and out ---------------------------------------------------------------
    @route("GET", "/login", PUBLIC, response_class=HTMLResponse)
    def login_form(request: Request, next: str = Query("/")) -> Response:
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_login_csrf()
        response = page(request, "login.html", login_csrf=token, next=_local_path(next), error="")
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            token,
            httponly=True,
            samesite="lax",
            secure=secure_request(request),
            path="/login",
        )
        return response

    @route("POST", "/login", PUBLIC, response_class=HTMLResponse)
    def login(
        request: Request,
        name: str = Form(...),
        password: str = Form(...),
        csrf: str = Form(""),
        next: str = Form("/"),
    ) -> Response:
        if not same_token(csrf, request.cookies.get(LOGIN_CSRF_COOKIE, "")):
            raise CsrfError("the login form is missing its CSRF token (reload the page and retry)")
        address = request.client.host if request.client else "unknown"
        try:
            user = accounts.authenticate(archive_of(request), name, password, address)
        except LoginError as exc:  # the form again, with the reason and the right status
            status = 429 if isinstance(exc, RateLimitedError) else 401
            return page(request, "login.html", status, login_csrf=csrf, next=next, error=str(exc))
        session = accounts.start_session(archive_of(request), user)
        response = RedirectResponse(_local_path(next), status_code=303)
        set_session_cookie(request, response, session.cookie)
        return response

    @route("POST", "/logout", "read")
    def logout(request: Request) -> Response:
        accounts.end_session(archive_of(request), request.cookies.get(SESSION_COOKIE, ""))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # -- the archive ----------------------------------------------------------------------
    @route("GET", "/", "read", response_class=HTMLResponse)
    def archive_grid(request: Request, kind: str = Query("")) -> Response:
        items = list_items(archive_of(request), kind=kind or None)
        return page(request, "grid.html", items=items, kind=kind, kinds=KINDS)

    @route("GET", "/items/{ref}", "read", response_class=HTMLResponse)
    def item_page(request: Request, ref: str) -> Response:
        detail = item_detail(archive_of(request), ref, with_pdq=False)
        return page(
            request, "item.html", item=detail.item, custody=detail.custody, footage=detail.footage
        )

    @route("GET", "/items/{ref}/keyframes/{index}", "read", response_class=Response)
    def keyframe(request: Request, ref: str, index: int) -> Response:
        data = keyframe_jpeg(archive_of(request), ref, index)
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private"})

    # -- accounts -------------------------------------------------------------------------
    @route("GET", "/admin/users", "manage-users", response_class=HTMLResponse)
    def users_page(request: Request) -> Response:
        users = accounts.list_users(archive_of(request), by=user_of(request))
        return page(request, "users.html", users=users, roles=accounts.ROLES)

    @route("POST", "/admin/users", "manage-users", response_class=HTMLResponse)
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

    @route("GET", "/account", "read", response_class=HTMLResponse)
    def account_page(request: Request) -> Response:
        return page(request, "account.html", token=None, message="")

    @route("POST", "/account/password", "read", response_class=HTMLResponse)
    def account_password(
        request: Request,
        current: str = Form(...),
        new: str = Form(...),
        confirm: str = Form(...),
    ) -> Response:
        address = request.client.host if request.client else "unknown"
        session = accounts.change_password(
            archive_of(request), user_of(request), current, new, confirm, address
        )
        response = RedirectResponse("/account", status_code=303)
        set_session_cookie(request, response, session.cookie)
        return response

    @route("POST", "/account/tokens", "read", response_class=HTMLResponse)
    def account_token(request: Request) -> Response:
        user = user_of(request)
        token = accounts.issue_token(archive_of(request), user.name, by=user)
        return page(request, "account.html", token=token, message="")

    # -- JSON API -------------------------------------------------------------------------
    @route("GET", "/api/me", "read")
    def api_me(request: Request) -> dict[str, Any]:
        """The account the request is made as."""
        return {"user": shapes.to_json(user_of(request))}

    @route("POST", "/api/me/tokens", "read", status_code=201)
    def api_token(request: Request) -> dict[str, Any]:
        """A new API token for the calling account, shown this once (only its hash is kept)."""
        user = user_of(request)
        return {
            "user": user.name,
            "token": accounts.issue_token(archive_of(request), user.name, by=user),
        }

    @route("GET", "/api/items", "read")
    def api_items(request: Request, kind: str | None = Query(None)) -> dict[str, Any]:
        """Every archived item, oldest first (as `corroborate items --json`)."""
        return shapes.items(list_items(archive_of(request), kind=kind))

    @route("GET", "/api/items/{ref}", "read")
    def api_item(request: Request, ref: str) -> dict[str, Any]:
        """One item, its custody entries and its footage (as `corroborate show --json`)."""
        detail = item_detail(archive_of(request), ref)
        return shapes.item_detail(detail.item, detail.custody, detail.footage, detail.pdq)

    @route("GET", "/api/users", "manage-users")
    def api_users(request: Request) -> dict[str, Any]:
        """Every account (admins only)."""
        return {
            "users": shapes.to_json(accounts.list_users(archive_of(request), by=user_of(request)))
        }

    @route("POST", "/api/users", "manage-users", status_code=201)
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

    return app
