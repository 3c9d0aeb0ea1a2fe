"""A local HTTP server on 127.0.0.1 for URL ingest: plain files, a page with a `<video>` for
yt-dlp's generic extractor, and a route that drops the connection half-way."""

from __future__ import annotations

import http.server
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class LocalSite:
    root: Path
    url: str

    def file_url(self, name: str) -> str:
        return f"{self.url}/files/{urllib.parse.quote(name)}"

    def page_url(self, video_name: str) -> str:
        return f"{self.url}/page/{urllib.parse.quote(video_name)}"

    def dropping_url(self, name: str) -> str:
        return f"{self.url}/drop/{urllib.parse.quote(name)}"


def _handler(root: Path) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            parts = urllib.parse.urlsplit(self.path).path.split("/", 2)
            if len(parts) < 3:
                self._send(404, b"not found", "text/plain")
                return
            route, name = parts[1], urllib.parse.unquote(parts[2])
            path = (root / name).resolve()
            if root.resolve() not in path.parents or not path.is_file():
                self._send(404, b"not found", "text/plain")
                return
            data = path.read_bytes()
            ctype = "video/mp4" if path.suffix == ".mp4" else "application/octet-stream"
            if route == "files":
                self._send(200, data, ctype, disposition=self.headers.get("X-Disposition"))
            elif route == "page":
                src = f"/files/{urllib.parse.quote(name)}"
                html = (
                    "<!DOCTYPE html><html><head><title>Footage from the front</title>"
                    '<meta property="og:title" content="Footage from the front"></head><body>'
                    f'<h1>Drone footage</h1><video controls src="{src}"></video>'
                    "</body></html>"
                ).encode()
                self._send(200, html, "text/html; charset=utf-8")
            elif route == "drop":
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
            else:
                self._send(404, b"not found", "text/plain")

        def _send(self, code: int, body: bytes, ctype: str, disposition: str | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if disposition:
                self.send_header("Content-Disposition", disposition)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return Handler


@contextmanager
def local_site(root: Path) -> Iterator[LocalSite]:
    """Serve files under `root` on 127.0.0.1 on a free port until the block ends."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(root))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalSite(root, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
