"""`corroborate serve`: the team's web workspace over an archive."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from corroborate.cli.common import ARCHIVE_OPTION, archive_path, handles_errors


@handles_errors
def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    archive: Path | None = ARCHIVE_OPTION,
) -> None:
    """Serve the web workspace (log in with an account from `corroborate user add`)."""
    import uvicorn

    from corroborate.web import create_app

    app = create_app(archive_path(archive))  # opens the archive: a bad one fails in one line
    shown = f"[{host}]" if ":" in host else host
    sys.stderr.write(f"corroborate: serving {app.state.archive.dir} at http://{shown}:{port}/\n")
    # behind a reverse proxy that terminates HTTPS, X-Forwarded-Proto marks cookies Secure
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="warning")
