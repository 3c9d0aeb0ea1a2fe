"""Bringing URLs in: video platforms through yt-dlp, anything else as a plain streamed download.

Plain downloads go through `corroborate.net`, the one HTTP client, under its `FetchPolicy`
(public http(s) hosts only, every redirect re-checked, the connection pinned to the checked
address, a size cap). yt-dlp gets the same rules: every URL it would download is checked first,
and while it runs every socket it opens is checked against the same policy at connect time.

Fetchers are small classes registered by name; adding one touches this file only. A download
that fails half-way, or hits the size cap, raises and leaves nothing behind.
"""

from __future__ import annotations

import html.parser
import json
import re
import shutil
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from corroborate import net
from corroborate.errors import InputError
from corroborate.net import (
    FetchPolicy,
    FetchRefused,
    address_problem,
    check_url,
    human_size,
    parse_network,
    parse_size,
    printable,
    resolve_checked,
    too_large,
)

__all__ = [
    "FETCHERS",
    "FetchOutcome",
    "FetchPolicy",
    "FetchRefused",
    "Fetched",
    "Fetcher",
    "HttpFetcher",
    "YtDlpFetcher",
    "address_problem",
    "check_url",
    "fetch_url",
    "human_size",
    "is_url",
    "page_published",
    "parse_datetime",
    "parse_network",
    "parse_size",
    "resolve_checked",
    "safe_name",
]

_SCHEMES = net.SCHEMES
# yt-dlp protocols whose traffic goes through Python sockets (so the connect guard sees it)
_YTDLP_PROTOCOLS = {"http", "https", "m3u8_native", "http_dash_segments"}


@dataclass
class Fetched:
    """One file a URL yielded, downloaded to a temporary path the caller ingests and removes."""

    path: Path
    url: str
    original_name: str
    content_type: str | None = None
    published_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class FetchOutcome:
    """The files a URL yielded, and what it held that was refused (each one line)."""

    files: list[Fetched] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


class Fetcher(Protocol):
    name: str

    def suitable(self, url: str) -> bool: ...

    def fetch(self, url: str, workdir: Path, policy: FetchPolicy) -> FetchOutcome: ...


def safe_name(name: str, fallback: str = "download") -> str:
    """A file name stripped of any folder part, control characters, `..` tricks and the
    bidirectional controls that make `evil` U+202E `gpj.exe` read as `evilexe.jpg`."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", name)
    name = name.strip().strip(".")
    return name[:200] or fallback


class HttpFetcher:
    """Plain streamed HTTP(S) download; a web page also gets yt-dlp's generic video search."""

    name = "http"

    def suitable(self, url: str) -> bool:
        return urllib.parse.urlsplit(url).scheme in _SCHEMES

    def fetch(self, url: str, workdir: Path, policy: FetchPolicy) -> FetchOutcome:
        main = self.download(url, workdir, policy)
        outcome = FetchOutcome([main])
        if (main.content_type or "").startswith("text/html"):
            main.published_at = page_published(main.path)
            try:
                outcome.files.extend(YtDlpFetcher(generic=True).fetch(url, workdir, policy).files)
            except FetchRefused as exc:
                outcome.refused.append(str(exc))
            except InputError:
                pass  # a page without playable media is still archived as a page
        return outcome

    def download(self, url: str, workdir: Path, policy: FetchPolicy) -> Fetched:
        target = workdir / f"http-{len(list(workdir.iterdir()))}.part"
        response, final = net.open_checked(url, policy)
        try:
            ctype = response.getheader("Content-Type")
            name = net.disposition_name(response.headers) or urllib.parse.unquote(
                urllib.parse.urlsplit(final).path
            )
            with open(target, "wb") as out:
                net.read_body(response, out, policy, url)
        except InputError:
            target.unlink(missing_ok=True)
            raise
        except OSError as exc:  # writing the temporary file, not the network
            target.unlink(missing_ok=True)
            raise InputError(
                f"{printable(url)}: download failed ({exc.strerror or exc}); nothing was kept"
            ) from None
        finally:
            response.close()
        is_html = bool(ctype and "html" in ctype)
        name = safe_name(name, "index.html" if is_html else "download")
        if is_html and not name.lower().endswith((".html", ".htm")):
            name += ".html"
        extra: dict[str, Any] = {"fetcher": "http"}
        if final != url:
            extra["final_url"] = final
        return Fetched(target, url, name, ctype, None, extra)


# --- a web page's own publication date ---------------------------------------------------

_PUBLISHED_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "parsely-pub-date",
    "sailthru.date",
    "citation_publication_date",
    "date",
)


class _MetaDates(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, str] = {}
        self._in_ld = False
        self.ld: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key in _PUBLISHED_KEYS and a.get("content"):
                self.found.setdefault(key, a["content"])
        elif tag == "time" and a.get("itemprop", "").lower() == "datepublished":
            if a.get("datetime"):
                self.found.setdefault("datepublished", a["datetime"])
        elif tag == "script" and a.get("type", "").lower() == "application/ld+json":
            self._in_ld = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.ld.append(data)


def page_published(path: Path, limit: int = 2 * 1024 * 1024) -> datetime | None:
    """A page's own publication time: `article:published_time`, its og/meta kin, JSON-LD."""
    try:
        with open(path, "rb") as f:
            text = f.read(limit).decode("utf-8", "replace")
    except OSError:
        return None
    parser = _MetaDates()
    try:
        parser.feed(text)
    except (AssertionError, ValueError):  # html.parser on hostile markup
        pass
    for key in _PUBLISHED_KEYS:
        if key in parser.found and (at := parse_datetime(parser.found[key])) is not None:
            return at
    for block in parser.ld:
        try:
            data = json.loads(block)
        except ValueError:
            continue
        for node in data if isinstance(data, list) else [data]:
            if isinstance(node, dict) and isinstance(node.get("datePublished"), str):
                if (at := parse_datetime(node["datePublished"])) is not None:
                    return at
    return None


def parse_datetime(text: str) -> datetime | None:
    """An ISO 8601 date or time (`2024-03-14`, `2024-03-14T09:30:00+02:00`) in UTC, or None.

    A time with no zone is taken as UTC; a date alone as its midnight UTC.
    """
    text = text.strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


# --- yt-dlp ---------------------------------------------------------------------------------

_guard_lock = threading.Lock()
_guards: list[_ConnectGuard] = []
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class _ConnectGuard:
    """While yt-dlp runs, every TCP/UDP connect in the process is checked against the policy.

    The check is on the address actually connected to (after yt-dlp's own DNS lookup), so
    DNS rebinding cannot slip an internal address past it; a refusal happens before any packet.
    """

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self.refused: list[str] = []

    def check(self, sock: socket.socket, address: Any) -> None:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return
        ip = str(address[0])
        why = self.policy.problem(ip)
        if why is not None:
            self.refused.append(f"{ip} is {why}")
            raise ConnectionRefusedError(f"corroborate refused to connect to {ip} ({why})")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    for guard in list(_guards):
        guard.check(self, address)
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    for guard in list(_guards):
        guard.check(self, address)
    return _real_connect_ex(self, address)


@contextmanager
def _connect_guard(policy: FetchPolicy) -> Iterator[_ConnectGuard]:
    guard = _ConnectGuard(policy)
    with _guard_lock:
        if not _guards:
            socket.socket.connect = _guarded_connect  # type: ignore[assignment,method-assign]
            socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[assignment,method-assign]
        _guards.append(guard)
    try:
        yield guard
    finally:
        with _guard_lock:
            _guards.remove(guard)
            if not _guards:
                del socket.socket.connect  # back to the inherited C methods
                del socket.socket.connect_ex


class _TooLarge(Exception):
    pass


class YtDlpFetcher:
    """Video platforms (and, with generic=True, any page with embedded video) via yt-dlp."""

    name = "yt-dlp"

    def __init__(self, generic: bool = False) -> None:
        self.generic = generic

    def suitable(self, url: str) -> bool:
        from yt_dlp.extractor import gen_extractor_classes

        return any(ie.suitable(url) for ie in gen_extractor_classes() if ie.ie_key() != "Generic")

    def fetch(self, url: str, workdir: Path, policy: FetchPolicy) -> FetchOutcome:
        import yt_dlp

        shown = printable(url)
        outdir = workdir / f"ytdlp-{len(list(workdir.iterdir()))}"
        outdir.mkdir()
        logger = _QuietLogger()

        def cap(status: dict[str, Any]) -> None:
            done = status.get("downloaded_bytes") or 0
            total = status.get("total_bytes") or 0
            if max(done, total) > policy.max_size:
                raise _TooLarge()

        opts = {
            "outtmpl": str(outdir / "%(id)s.%(ext)s"),
            "quiet": True,
            "no_warnings": True,
            "noprogress": True,
            "noplaylist": True,
            "retries": 0,
            "fragment_retries": 0,
            "socket_timeout": policy.timeout,
            "format": "best",
            "logger": logger,
            "max_filesize": policy.max_size,
            "hls_prefer_native": True,
            "progress_hooks": [cap],
            "proxy": "",  # connect directly, so the guard sees the real peer
        }
        try:
            with _connect_guard(policy) as guard, yt_dlp.YoutubeDL(opts) as ydl:
                try:
                    info = ydl.extract_info(url, download=False)
                    if info:
                        _precheck(info, policy, shown)
                        info = ydl.process_ie_result(info, download=True)
                except yt_dlp.utils.DownloadError as exc:
                    if guard.refused:
                        raise FetchRefused(
                            f"{shown}: refused embedded media: {guard.refused[0]} (internal "
                            "addresses are only fetched with --allow-private-addresses or "
                            "--allow-address); nothing was kept"
                        ) from None
                    if isinstance(exc.exc_info[1] if exc.exc_info else None, _TooLarge):
                        raise FetchRefused(too_large(f"{shown}: embedded media", policy)) from None
                    message = re.sub(r"^ERROR:\s*", "", str(exc)).splitlines()[0][:200]
                    raise InputError(f"{shown}: yt-dlp could not fetch it ({message})") from None
                except _TooLarge:
                    raise FetchRefused(too_large(f"{shown}: embedded media", policy)) from None
        except InputError:
            shutil.rmtree(outdir, ignore_errors=True)
            raise
        if any("larger than max-filesize" in m for m in logger.messages):
            shutil.rmtree(outdir, ignore_errors=True)
            raise FetchRefused(too_large(f"{shown}: embedded media", policy))
        out = FetchOutcome()
        for entry in _entries(info):
            for path in _downloaded(entry):
                if path.stat().st_size > policy.max_size:
                    shutil.rmtree(outdir, ignore_errors=True)
                    raise FetchRefused(too_large(f"{shown}: embedded media", policy))
                title = entry.get("title") or path.stem
                out.files.append(
                    Fetched(
                        path,
                        url,
                        safe_name(f"{title}.{entry.get('ext') or path.suffix.lstrip('.')}"),
                        None,
                        _published(entry),
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
        if not out.files:
            raise InputError(f"{shown}: yt-dlp found no downloadable media")
        return out


def _entries(info: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not info:
        return []
    return [e for e in (info.get("entries") or [info]) if e]


def _downloaded(entry: dict[str, Any]) -> list[Path]:
    files = [
        Path(d["filepath"]) for d in entry.get("requested_downloads") or [] if d.get("filepath")
    ]
    return [p for p in files if p.exists() and p.stat().st_size > 0]


def _precheck(info: dict[str, Any], policy: FetchPolicy, shown: str) -> None:
    """Refuse before downloading: media on an internal host, another scheme, known over-size."""
    for entry in _entries(info):
        formats = entry.get("requested_formats") or [entry]
        for fmt in formats:
            media = str(fmt.get("url") or "")
            if not media:
                continue
            protocol = str(fmt.get("protocol") or "")
            if protocol and protocol not in _YTDLP_PROTOCOLS:
                raise FetchRefused(
                    f"{shown}: refused embedded media at {printable(media)} (protocol "
                    f"{protocol}; only http and https are followed)"
                )
            if urllib.parse.urlsplit(media).scheme.lower() not in _SCHEMES:
                raise FetchRefused(
                    f"{shown}: refused embedded media at {printable(media)} (only http and "
                    "https are followed); nothing was kept"
                )
            target = check_url(media)
            resolve_checked(
                target.host,
                target.port,
                policy,
                shown=shown,
                where=f" (embedded media at {printable(media)})",
            )
            size = fmt.get("filesize") or fmt.get("filesize_approx")
            if isinstance(size, int | float) and size > policy.max_size:
                raise FetchRefused(too_large(f"{shown}: embedded media", policy, int(size)))


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
    def __init__(self) -> None:
        self.messages: list[str] = []

    def debug(self, msg: str) -> None:
        self.messages.append(msg)

    def info(self, msg: str) -> None:
        self.messages.append(msg)

    def warning(self, msg: str) -> None:
        self.messages.append(msg)

    def error(self, msg: str) -> None:
        self.messages.append(msg)


FETCHERS: dict[str, Fetcher] = {"yt-dlp": YtDlpFetcher(), "http": HttpFetcher()}


def is_url(text: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text))


def fetch_url(url: str, workdir: Path, policy: FetchPolicy | None = None) -> FetchOutcome:
    """Download what a URL holds into workdir, choosing the fetcher by URL."""
    policy = policy or FetchPolicy()
    target = check_url(url)
    ytdlp = FETCHERS["yt-dlp"]
    if ytdlp.suitable(url):
        # the platform's host is checked here too, so a platform URL on an internal host is refused
        resolve_checked(target.host, target.port, policy, shown=printable(url))
        return ytdlp.fetch(url, workdir, policy)
    return FETCHERS["http"].fetch(url, workdir, policy)
