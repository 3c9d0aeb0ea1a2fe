"""`corroborate serve`: the team's web workspace over an archive."""

from __future__ import annotations

import sys
from pathlib import Path

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
    archive: Path | None = ARCHIVE_OPTION,
) -> None:
    """Serve the web workspace (log in with an account from `corroborate user add`).

    Links pasted in the workspace are fetched as `corroborate ingest URL` fetches them: public
    addresses only, unless the URL options here allow more."""
    import uvicorn

    from corroborate.web import create_app

    policy = fetch_policy(allow_private, allow_address, max_size)
    # opens the archive: a bad one fails in one line
    app = create_app(archive_path(archive), fetch_policy=policy, max_upload=parse_size(max_upload))
    shown = f"[{host}]" if ":" in host else host
    sys.stderr.write(f"corroborate: serving {app.state.archive.dir} at http://{shown}:{port}/\n")
    # behind a reverse proxy that terminates HTTPS, X-Forwarded-Proto marks cookies Secure
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="warning")
