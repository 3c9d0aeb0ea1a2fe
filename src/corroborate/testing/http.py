"""A local HTTP server on 127.0.0.1 for URL ingest: plain files, a page with a `<video>` for
yt-dlp's generic extractor, a route that drops the connection half-way, redirects to anywhere,
an answer that is not HTTP, and an endless-looking body for the size cap."""

from __future__ import annotations

import html
import http.server
import ipaddress
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from corroborate.archive.fetch import FetchPolicy

# Reaches the local site on 127.0.0.1 and no other internal address (10.x, 192.168.x ... refused)
LOCAL_ONLY = FetchPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),))


@dataclass
class LocalSite:
    root: Path
    url: str

    def file_url(self, name: str, disposition: str | None = None) -> str:
        """A file under root; `disposition` is sent back as its Content-Disposition header."""
        query = "?" + urllib.parse.urlencode({"disposition": disposition}) if disposition else ""
        return f"{self.url}/files/{urllib.parse.quote(name)}{query}"

    def page_url(self, video_name: str) -> str:
        return f"{self.url}/page/{urllib.parse.quote(video_name)}"

    def dropping_url(self, name: str) -> str:
        return f"{self.url}/drop/{urllib.parse.quote(name)}"

    def redirect_url(self, to: str, code: int = 302) -> str:
        """A URL that answers with a redirect to `to` (which may be anything, e.g. ftp://)."""
        return f"{self.url}/redirect/{code}?" + urllib.parse.urlencode({"to": to})

    def garbage_url(self) -> str:
        """A URL whose server answers with bytes that are not HTTP."""
        return f"{self.url}/garbage/x"

    def big_url(self, size: int, announce: bool = True) -> str:
        """A body of `size` bytes; without `announce` no Content-Length is sent."""
        return f"{self.url}/big/{size}?announce={int(announce)}"

    def embedding_page_url(self, video_src: str, published: str | None = None) -> str:
        """A page whose `<video>` points at `video_src`, with an optional published time."""
        query = {"src": video_src, **({"published": published} if published else {})}
        return f"{self.url}/embed/x?" + urllib.parse.urlencode(query)


def _handler(root: Path) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            parts = urllib.parse.urlsplit(self.path).path.split("/", 2)
            if len(parts) < 3:
                self._send(404, b"not found", "text/plain")
                return
            route, name = parts[1], urllib.parse.unquote(parts[2])
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            if route in ("redirect", "garbage", "big", "embed"):
                self._special(route, name, query)
                return
            path = (root / name).resolve()
            if root.resolve() not in path.parents or not path.is_file():
                self._send(404, b"not found", "text/plain")
                return
            data = path.read_bytes()
            ctype = "video/mp4" if path.suffix == ".mp4" else "application/octet-stream"
            if route == "files":
                self._send(200, data, ctype, disposition=query.get("disposition"))
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

        def _special(self, route: str, name: str, query: dict[str, str]) -> None:
            if route == "redirect":
                self.send_response(int(name))
                self.send_header("Location", query.get("to", "/"))
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif route == "garbage":
                self.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n")
                self.wfile.flush()
                self.close_connection = True
            elif route == "big":
                size = int(name)
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                if query.get("announce") == "1":
                    self.send_header("Content-Length", str(size))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                block = bytes(range(256)) * 256
                sent = 0
                try:
                    while sent < size:
                        piece = block[: min(len(block), size - sent)]
                        self.wfile.write(piece)
                        sent += len(piece)
                except OSError:  # the client hung up at its cap
                    self.close_connection = True
            else:  # embed
                src = html.escape(query.get("src", ""), quote=True)
                meta = ""
                if query.get("published"):
                    value = html.escape(query["published"], quote=True)
                    meta = f'<meta property="article:published_time" content="{value}">'
                page = (
                    "<!DOCTYPE html><html><head><title>Footage from the front</title>"
                    f"{meta}</head><body><h1>Drone footage</h1>"
                    f'<video controls src="{src}"></video></body></html>'
                ).encode()
                self._send(200, page, "text/html; charset=utf-8")

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


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up at its size cap is expected, not worth a traceback


@contextmanager
def local_site(root: Path) -> Iterator[LocalSite]:
    """Serve files under `root` on 127.0.0.1 on a free port until the block ends."""
    server = _QuietServer(("127.0.0.1", 0), _handler(root))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalSite(root, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
