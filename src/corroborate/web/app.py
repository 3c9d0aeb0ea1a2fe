"""The web workspace: FastAPI routes over the same library functions the CLI calls.

A route authenticates (through its access rule), parses, calls one library function with the
acting account, and renders a Jinja2 page or a JSON document. Rules belong to the library.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from corroborate import accounts
from corroborate.accounts import AccessError, LoginError, RateLimitedError
from corroborate.archive.fetch import FetchPolicy
from corroborate.archive.upload import DEFAULT_MAX_UPLOAD, TooLargeError
from corroborate.errors import (
    CorroborateError,
    InputError,
    IntegrityError,
    NotFoundError,
    ReviewError,
    StaleEditError,
)
from corroborate.incidents import FieldError, columns
from corroborate.match.temporal import clock
from corroborate.report.items import FilterError
from corroborate.storage.archive import Archive
from corroborate.web import (
    pages_accounts,
    pages_archive,
    pages_incidents,
    pages_picture,
    pages_uploads,
)
from corroborate.web.access import (
    PUBLIC,
    CsrfError,
    NotLoggedIn,
    is_api,
)
from corroborate.web.site import Site

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
OPENAPI_URL = "/api/openapi.json"
# Each adds its routes to the site; a new capability's pages are one more module here.
PAGES: tuple[Callable[[Site], None], ...] = (
    pages_accounts.register,
    pages_archive.register,
    pages_picture.register,
    pages_uploads.register,
    pages_incidents.register,
)
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


WARM_EVERY = 1.0  # seconds between looks at whether the database changed


def _warm(archive: Archive, stop: threading.Event) -> None:
    """Read the incidents at start and again soon after each change (a login, an upload, an
    edit by another process), so a person's request rarely waits for it: a request that
    comes first still waits for the current rows, never gets the old ones."""
    seen: str | None = None
    while not stop.is_set():
        try:
            token = archive.change_token()
            if token != seen:
                columns.warm(archive)
                seen = token
        except Exception as exc:  # noqa: BLE001 - a request meets the same problem and says it
            log.warning("reading the incidents ahead failed: %s", exc)
            seen = None
            stop.wait(30 * WARM_EVERY)
        stop.wait(WARM_EVERY)


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,  # stored text is data: every value is escaped, templates included
        undefined=jinja2.StrictUndefined,
    )
    env.filters["utc"] = lambda t: t.strftime("%Y-%m-%d %H:%M:%S") if t else ""
    env.filters["size"] = _size
    env.filters["clock"] = clock
    env.globals["can"] = accounts.can  # what the nav and buttons offer; the library decides
    return Jinja2Templates(env=env)


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def create_app(
    archive_dir: Path | str,
    *,
    fetch_policy: FetchPolicy | None = None,
    max_upload: int = DEFAULT_MAX_UPLOAD,
    warm: bool = False,
) -> FastAPI:
    """The workspace over the archive in `archive_dir` (opened, and migrated, once here).

    Pasted links are fetched under `fetch_policy` (default: public hosts only, as the CLI);
    an upload over `max_upload` bytes is refused with 413. With `warm` (a server), the
    incidents are read and checked in the background as it starts (`columns.warm`)."""
    archive = Archive.open(Path(archive_dir))

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        if warm:
            threading.Thread(target=_warm, args=(archive, stop), name="warm", daemon=True).start()
        try:
            yield
        finally:
            stop.set()

    app = FastAPI(
        lifespan=lifespan,
        title="corroborate workspace",
        version="1",
        openapi_url=OPENAPI_URL,
        docs_url=None,  # the interactive docs load scripts from a CDN: the workspace is offline
        redoc_url=None,
    )
    app.state.archive = archive
    app.state.fetch_policy = fetch_policy or FetchPolicy()
    app.state.max_upload = max_upload
    app.state.rules = {("GET", OPENAPI_URL): PUBLIC, ("GET", STATIC_PREFIX): PUBLIC}
    site = Site(app, _templates(), archive)
    app.mount(STATIC_PREFIX, StaticFiles(directory=HERE / "static"), name="static")

    # -- errors: an HTML page or {"error": {"code", "message"}}, never a trace --------------
    def error(
        request: Request, status: int, code: str, message: str, field: str | None = None
    ) -> Response:
        if is_api(request):
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            body: dict[str, str] = {"code": code, "message": message}
            if field is not None:  # the form field or JSON member at fault
                body["field"] = field
            return JSONResponse({"error": body}, status_code=status, headers=headers)
        return site.page(request, "error.html", status, code=code, message=message, status=status)

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
        (TooLargeError, 413, "too_large"),
        (FilterError, 422, "invalid_filter"),
        (LoginError, 401, "login_failed"),
        (AccessError, 403, "forbidden"),
        (NotFoundError, 404, "not_found"),
        (FieldError, 422, "invalid_field"),
        (InputError, 400, "bad_input"),
        (ReviewError, 409, "conflict"),
        (StaleEditError, 409, "stale_edit"),
        (IntegrityError, 500, "integrity"),
        (CorroborateError, 400, "error"),
    ]

    @app.exception_handler(CorroborateError)
    async def _library(request: Request, exc: CorroborateError) -> Response:
        for kind, status, code in statuses:
            if isinstance(exc, kind):
                return error(request, status, code, str(exc), getattr(exc, "field", None))
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

    for register in PAGES:
        register(site)
    return app
