"""Bringing URLs in: video platforms through yt-dlp, anything else as a plain streamed download.

Fetchers are small classes registered by name; adding one touches this file only. A download
that fails half-way raises and leaves nothing behind.
"""

from __future__ import annotations

import email.message
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from corroborate.errors import InputError

CHUNK = 1024 * 1024
USER_AGENT = "corroborate/0.1 (+evidence archive)"


@dataclass
class Fetched:
    """One file a URL yielded, downloaded to a temporary path the caller ingests and removes."""

    path: Path
    url: str
    original_name: str
    content_type: str | None = None
    published_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Fetcher(Protocol):
    name: str

    def suitable(self, url: str) -> bool: ...

    def fetch(self, url: str, workdir: Path) -> list[Fetched]: ...


def safe_name(name: str, fallback: str = "download") -> str:
    """A file name stripped of any folder part, control characters and `..` tricks."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().strip(".")
    return name[:200] or fallback


class HttpFetcher:
    """Plain streamed HTTP(S) download; a web page also gets yt-dlp's generic video search."""

    name = "http"

    def suitable(self, url: str) -> bool:
        return urllib.parse.urlsplit(url).scheme in ("http", "https")

    def fetch(self, url: str, workdir: Path) -> list[Fetched]:
        main = self.download(url, workdir)
        out = [main]
        if (main.content_type or "").startswith("text/html"):
            try:
                out.extend(YtDlpFetcher(generic=True).fetch(url, workdir))
            except InputError:
                pass  # a page without playable media is still archived as a page
        return out

    def download(self, url: str, workdir: Path) -> Fetched:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        target = workdir / f"http-{len(list(workdir.iterdir()))}.part"
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                expected = response.headers.get("Content-Length")
                ctype = response.headers.get("Content-Type")
                name = _disposition_name(response.headers) or urllib.parse.unquote(
                    urllib.parse.urlsplit(response.geturl()).path
                )
                got = 0
                with open(target, "wb") as out:
                    while chunk := response.read(CHUNK):
                        out.write(chunk)
                        got += len(chunk)
                if expected is not None and got != int(expected):
                    raise InputError(
                        f"{url}: download failed half-way ({got} of {expected} bytes); "
                        "nothing was kept"
                    )
        except urllib.error.HTTPError as exc:
            target.unlink(missing_ok=True)
            raise InputError(f"{url}: the server answered HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            target.unlink(missing_ok=True)
            reason = getattr(exc, "reason", None) or exc
            raise InputError(f"{url}: download failed ({reason}); nothing was kept") from None
        except InputError:
            target.unlink(missing_ok=True)
            raise
        is_html = bool(ctype and "html" in ctype)
        name = safe_name(name, "index.html" if is_html else "download")
        if is_html and not name.lower().endswith((".html", ".htm")):
            name += ".html"
        return Fetched(target, url, name, ctype, None, {"fetcher": "http"})


def _disposition_name(headers: email.message.Message) -> str | None:
    value = headers.get("Content-Disposition")
    if not value:
        return None
    msg = email.message.Message()
    msg["content-disposition"] = value
    return msg.get_filename()


class YtDlpFetcher:
    """Video platforms (and, with generic=True, any page with embedded video) via yt-dlp."""

    name = "yt-dlp"

    def __init__(self, generic: bool = False) -> None:
        self.generic = generic

    def suitable(self, url: str) -> bool:
        from yt_dlp.extractor import gen_extractor_classes

        return any(ie.suitable(url) for ie in gen_extractor_classes() if ie.ie_key() != "Generic")

    def fetch(self, url: str, workdir: Path) -> list[Fetched]:
        import yt_dlp

        outdir = workdir / f"ytdlp-{len(list(workdir.iterdir()))}"
        outdir.mkdir()
        opts = {
            "outtmpl": str(outdir / "%(id)s.%(ext)s"),
            "quiet": True,
            "no_warnings": True,
            "noprogress": True,
            "noplaylist": True,
            "retries": 0,
            "fragment_retries": 0,
            "socket_timeout": 60,
            "format": "best",
            "logger": _QuietLogger(),
        }
        try:
            with yt_dlp.YoutubeDL(opts) as ydl:
                info = ydl.extract_info(url, download=True)
        except yt_dlp.utils.DownloadError as exc:
            shutil.rmtree(outdir, ignore_errors=True)
            message = re.sub(r"^ERROR:\s*", "", str(exc)).splitlines()[0][:200]
            raise InputError(f"{url}: yt-dlp could not fetch it ({message})") from None
        entries = info.get("entries") or [info] if info else []
        out: list[Fetched] = []
        for entry in entries:
            if not entry:
                continue
            files = [
                Path(d["filepath"])
                for d in entry.get("requested_downloads") or []
                if d.get("filepath")
            ]
            for path in files:
                if not path.exists() or path.stat().st_size == 0:
                    continue
                published = _published(entry)
                title = entry.get("title") or path.stem
                out.append(
                    Fetched(
                        path,
                        url,
                        safe_name(f"{title}.{entry.get('ext') or path.suffix.lstrip('.')}"),
                        None,
                        published,
                        {
                            "fetcher": "yt-dlp",
                            "extractor": entry.get("extractor_key"),
                            "media_url": entry.get("url"),
                            "webpage_url": entry.get("webpage_url"),
                            "title": entry.get("title"),
                            "uploader": entry.get("uploader"),
                            "channel": entry.get("channel"),
                        },
                    )
                )
        if not out:
            raise InputError(f"{url}: yt-dlp found no downloadable media")
        return out


def _published(info: dict[str, Any]) -> datetime | None:
    if info.get("timestamp"):
        return datetime.fromtimestamp(int(info["timestamp"]), UTC)
    if info.get("upload_date"):
        try:
            return datetime.strptime(str(info["upload_date"]), "%Y%m%d").replace(tzinfo=UTC)
        except ValueError:
            return None
    return None


class _QuietLogger:
    def debug(self, msg: str) -> None: ...

    def info(self, msg: str) -> None: ...

    def warning(self, msg: str) -> None: ...

    def error(self, msg: str) -> None: ...


FETCHERS: dict[str, Fetcher] = {"yt-dlp": YtDlpFetcher(), "http": HttpFetcher()}


def is_url(text: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text))


def fetch_url(url: str, workdir: Path) -> list[Fetched]:
    """Download what a URL holds into workdir, choosing the fetcher by URL."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise InputError(f"{url}: unsupported URL (only http and https can be archived)")
    ytdlp = FETCHERS["yt-dlp"]
    if ytdlp.suitable(url):
        return ytdlp.fetch(url, workdir)
    return FETCHERS["http"].fetch(url, workdir)
