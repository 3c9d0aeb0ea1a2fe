"""The team's web workspace: FastAPI pages (Jinja2, htmx) and a JSON API over the library."""

from corroborate.web.app import create_app

__all__ = ["create_app"]
