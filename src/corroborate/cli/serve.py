"""`corroborate serve`: the team's web workspace over an archive."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import typer

from corroborate.cli.common import (
    ALLOW_ADDRESS_OPTION,
    ALLOW_PRIVATE_OPTION,
    ARCHIVE_OPTION,
    archive_path,
    fetch_policy,
    handles_errors,
)
from corroborate.net import parse_size


@handles_errors
def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    max_upload: str = typer.Option(
        "4G", "--max-upload-size", help="Refuse uploads larger than this (e.g. 500M, 10G)."
    ),
    max_size: str = typer.Option(
        "4G", "--max-size", help="Refuse pasted links' downloads larger than this."
    ),
    allow_private: bool = ALLOW_PRIVATE_OPTION,
    allow_address: list[str] = ALLOW_ADDRESS_OPTION,
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=64,
        help="Server processes (one per core: a process serves one request's Python at a time).",
    ),
    archive: Path | None = ARCHIVE_OPTION,
) -> None:
    """Serve the web workspace (log in with an account from `corroborate user add`).

    Links pasted in the workspace are fetched as `corroborate ingest URL` fetches them: public
    addresses only, unless the URL options here allow more."""
    import uvicorn

    settings = {
        "archive": str(archive_path(archive)),
        "allow_private": allow_private,
        "allow_address": list(allow_address),
        "max_size": max_size,
        "max_upload": max_upload,
    }
    # opens the archive: a bad one, or a bad option, fails here in one line
    app = _app(settings)
    shown = f"[{host}]" if ":" in host else host
    where = app.state.archive.dir
    sys.stderr.write(
        f"corroborate: serving {where} at http://{shown}:{port}/"
        + (f" ({workers} processes)" if workers > 1 else "")
        + "\n"
    )
    # behind a reverse proxy that terminates HTTPS, X-Forwarded-Proto marks cookies Secure
    # keep-alive longer than a person's pause between pages: with uvicorn's 5 s default a
    # browser reusing a connection the server has just closed sees it reset (a failed request)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "proxy_headers": True,
        "timeout_keep_alive": 65,
    }
    if workers == 1:
        uvicorn.run(app, log_level="warning", **options)
        return
    app.state.archive.close()
    # each worker process builds its own app (and opens the archive) from the same settings
    os.environ[SETTINGS_ENV] = json.dumps(settings)
    uvicorn.run(
        "corroborate.cli.serve:app_from_environment",
        factory=True,
        workers=workers,
        log_level="warning",
        **options,
    )


SETTINGS_ENV = "CORROBORATE_SERVE_SETTINGS"


def _app(settings: dict[str, Any]) -> Any:
    from corroborate.web import create_app

    policy = fetch_policy(
        settings["allow_private"], settings["allow_address"], settings["max_size"]
    )
    return create_app(
        settings["archive"],
        fetch_policy=policy,
        max_upload=parse_size(settings["max_upload"]),
        warm=True,
    )


def app_from_environment() -> Any:
    """The app of one worker process of `serve --workers N` (settings from its parent)."""
    return _app(json.loads(os.environ[SETTINGS_ENV]))
