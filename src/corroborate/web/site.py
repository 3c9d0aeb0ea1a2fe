"""What every page module shares: registering a route with its access rule, rendering a page,
the acting account. Page modules (`web/pages_*.py`) each take a `Site` and add their routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel

from corroborate.accounts import User
from corroborate.storage.archive import Archive
from corroborate.web.access import CSRF_FIELD, needs


@dataclass
class Site:
    """The app being built, its templates and its archive."""

    app: FastAPI
    templates: Jinja2Templates
    archive: Archive

    def route(
        self, method: str, path: str, action: str, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register a route with its access rule (kept in app.state.rules for the tests)."""

        def register(endpoint: Callable[..., Any]) -> Callable[..., Any]:
            self.app.state.rules[(method, path)] = action
            self.app.add_api_route(
                path,
                endpoint,
                methods=[method],
                dependencies=[Depends(needs(action))],
                include_in_schema=path.startswith("/api/"),
                **kwargs,
            )
            return endpoint

        return register

    def page(
        self, request: Request, name: str, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        """A Jinja2 page, given the logged-in account and its CSRF token."""
        context.setdefault("user", getattr(request.state, "user", None))
        context.setdefault("csrf", getattr(request.state, "csrf", None))
        context.setdefault("csrf_field", CSRF_FIELD)
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)


def user_of(request: Request) -> User:
    """The account a route runs as (set by its access rule)."""
    user: User = request.state.user
    return user


def holder_of_request(request: Request) -> str:
    """Who a reveal of sensitive media is granted to: this session (or token), not the account."""
    holder: str = request.state.holder
    return holder


def address_of(request: Request) -> str:
    """The client's address, for per-address login limits."""
    return request.client.host if request.client else "unknown"


class NewUser(BaseModel):
    """An account to create through the API."""

    name: str
    role: str
    password: str
