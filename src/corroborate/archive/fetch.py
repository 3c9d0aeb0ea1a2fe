"""Bringing URLs in: video platforms through yt-dlp, anything else as a plain streamed download.

Fetching is safe by default (see `FetchPolicy`): only http and https, no loopback, private,
link-local, multicast or reserved addresses (checked after DNS resolution and at every
redirect, and the connection goes to the very address that was checked, so a DNS answer that
changes between check and connect cannot steer it inward), and a size cap. yt-dlp gets the same
rules: every URL it would download is checked first, and while it runs every socket it opens is
checked against the same policy at connect time.

Fetchers are small classes registered by name; adding one touches this file only. A download
that fails half-way, or hits the size cap, raises and leaves nothing behind.
"""

from __future__ import annotations

import email.message
import html.parser
import http.client
import ipaddress
import json
import re
import shutil
import socket
import ssl
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from corroborate.errors import InputError

CHUNK = 1024 * 1024
USER_AGENT = "corroborate/0.1 (+evidence archive)"
DEFAULT_MAX_SIZE = 4 * 1024**3  # 4 GiB: a long 4K recording fits, a runaway stream does not
MAX_REDIRECTS = 10
_REDIRECTS = {301, 302, 303, 307, 308}
_SCHEMES = ("http", "https")
# yt-dlp protocols whose traffic goes through Python sockets (so the connect guard sees it)
_YTDLP_PROTOCOLS = {"http", "https", "m3u8_native", "http_dash_segments"}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class FetchRefused(InputError):
    """The policy forbids this fetch (an internal address, a non-HTTP scheme, the size cap)."""


@dataclass(frozen=True)
class FetchPolicy:
    """What URL ingest may reach. The default refuses everything but public http(s) hosts."""

    allow_private: bool = False  # every internal address (loopback, private, link-local...)
    allowed_networks: tuple[Network, ...] = ()  # or only these internal networks
    max_size: int = DEFAULT_MAX_SIZE
    max_redirects: int = MAX_REDIRECTS
    timeout: float = 60.0

    def problem(self, ip: str) -> str | None:
        """Why this address may not be reached, or None when it may."""
        try:
            addr = ipaddress.ip_address(ip.split("%", 1)[0])
        except ValueError:
            return "not an IP address"
        why = address_problem(addr)
        if why is None or self.allow_private:
            return None
        inner = _embedded_ipv4(addr) or addr
        if any(inner in net for net in self.allowed_networks if net.version == inner.version):
            return None
        return why


def address_problem(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """'a loopback address' and the like for an address that is not public, else None."""
    addr = _embedded_ipv4(addr) or addr
    for test, name in (
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    ):
        if getattr(addr, test):
            return name
    if not addr.is_global:
        return "an address that is not publicly routable"
    return None


def _embedded_ipv4(
    addr: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, 6to4 or Teredo IPv6 address."""
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            return addr.ipv4_mapped
        if addr.sixtofour is not None:
            return addr.sixtofour
        if addr.teredo is not None:
            return addr.teredo[1]
    return None


def parse_network(text: str) -> Network:
    """An address or network (`10.0.0.0/8`, `127.0.0.1`) a user allows, or an InputError."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise InputError(f"{text!r}: not an IP address or network (e.g. 10.0.0.0/8)") from None


def parse_size(text: str) -> int:
    """Bytes from `4G`, `500MiB`, `1.5GB`, `1000000`: binary units (K = 1024)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", text.lower())
    if not m:
        raise InputError(f"{text!r}: not a size (e.g. 500M, 4G or a number of bytes)")
    size = int(float(m.group(1)) * 1024 ** " kmgt".index(m.group(2) or " "))
    if size <= 0:
        raise InputError(f"{text!r}: the size cap must be more than 0 bytes")
    return size


def human_size(n: int) -> str:
    """`4 GiB`, `1.5 MiB`, `900 bytes`: how a size cap is shown."""
    size = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            if unit == "bytes":
                return f"{n} bytes"
            return f"{size:.1f} {unit}".replace(".0 ", " ")
        size /= 1024
    return f"{size:.1f} GiB"


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
    """A file name stripped of any folder part, control characters and `..` tricks."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().strip(".")
    return name[:200] or fallback


def _printable(text: str, limit: int = 200) -> str:
    """Text for a one-line message: no control characters, undecodable bytes as `\\xff`."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return re.sub(r"[\x00-\x1f\x7f]", " ", text)[:limit]


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    path: str


def check_url(url: str, *, hop_of: str | None = None) -> _Target:
    """A parsed http(s) URL, or an InputError naming it (malformed, other scheme, no host)."""
    shown = hop_of or url
    where = f" (redirected to {_printable(url)})" if hop_of else ""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise InputError(f"{_printable(shown)}: malformed URL{where} ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        if hop_of:
            raise FetchRefused(
                f"{_printable(hop_of)}: redirects to {_printable(url)}, which is not http or "
                "https; refused, nothing was kept"
            )
        raise InputError(
            f"{_printable(url)}: unsupported URL (only http and https can be archived)"
        )
    if not host:
        raise InputError(f"{_printable(shown)}: malformed URL{where} (no host name)")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise InputError(f"{_printable(shown)}: malformed host name{where}") from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    # non-ASCII as a browser sends it (bytes that are not UTF-8, from a shell, as they came)
    path = urllib.parse.quote(path.encode("utf-8", "surrogateescape"), safe="!#$%&'()*+,/:;=?@[]~")
    return _Target(url, scheme, host, port or (443 if scheme == "https" else 80), path)


def resolve_checked(
    host: str, port: int, policy: FetchPolicy, *, shown: str, where: str = ""
) -> str:
    """Resolve a host once and return an address the policy allows; refuse if any is internal.

    Every address the name resolves to must be allowed, so a name that answers with both a
    public and an internal address cannot be used to reach the internal one.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise InputError(f"{shown}: cannot resolve {host}{where} ({reason})") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise InputError(f"{shown}: cannot resolve {host}{where}")
    for ip in addresses:
        why = policy.problem(ip)
        if why is not None:
            named = host if host == ip else f"{host} ({ip})"
            raise FetchRefused(
                f"{shown}: refused{where}: {named} is {why} (internal addresses are only "
                "fetched with --allow-private-addresses or --allow-address); nothing was kept"
            )
    return addresses[0]


def _connection(target: _Target, ip: str, timeout: float) -> http.client.HTTPConnection:
    """A connection to `ip` (the address that was checked) that speaks to `target.host`."""
    conn: http.client.HTTPConnection
    if target.scheme == "https":
        conn = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(target.host, target.port, timeout=timeout)

    def pinned(address: tuple[str, int], timeout: Any = None, source: Any = None) -> socket.socket:
        return socket.create_connection((ip, address[1]), timeout, source)

    conn._create_connection = pinned  # type: ignore[attr-defined]
    return conn


def open_checked(url: str, policy: FetchPolicy) -> tuple[http.client.HTTPResponse, str]:
    """GET a URL, following redirects ourselves so that every hop is checked; (response, url)."""
    current = url
    for hop in range(policy.max_redirects + 1):
        target = check_url(current, hop_of=url if hop else None)
        where = f" (redirected to {_printable(current)})" if hop else ""
        ip = resolve_checked(target.host, target.port, policy, shown=_printable(url), where=where)
        conn = _connection(target, ip, policy.timeout)
        try:
            conn.request(
                "GET",
                target.path,
                headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
            )
            response = conn.getresponse()
        except (http.client.HTTPException, OSError, ValueError) as exc:
            conn.close()
            raise InputError(
                f"{_printable(url)}: download failed{where} ({_reason(exc)}); nothing was kept"
            ) from None
        if response.status in _REDIRECTS and response.getheader("Location"):
            location = response.getheader("Location") or ""
            conn.close()
            current = urllib.parse.urljoin(current, location.strip())
            continue
        if response.status >= 400:
            reason = _printable(response.reason or "", 100)
            conn.close()
            raise InputError(
                f"{_printable(url)}: the server answered HTTP {response.status} {reason}{where}"
            )
        return response, current
    raise FetchRefused(
        f"{_printable(url)}: more than {policy.max_redirects} redirects; refused, nothing was kept"
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, http.client.BadStatusLine):
        return "the server's answer is not HTTP"
    if isinstance(exc, http.client.IncompleteRead):
        return "connection closed early"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return _printable(str(text), 150)


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
        shown = _printable(url)
        response, final = open_checked(url, policy)
        try:
            expected = response.getheader("Content-Length")
            ctype = response.getheader("Content-Type")
            if expected is not None and expected.isdigit() and int(expected) > policy.max_size:
                raise FetchRefused(_too_large(shown, policy, int(expected)))
            name = _disposition_name(response.headers) or urllib.parse.unquote(
                urllib.parse.urlsplit(final).path
            )
            got = 0
            with open(target, "wb") as out:
                while chunk := response.read(CHUNK):
                    got += len(chunk)
                    if got > policy.max_size:
                        raise FetchRefused(_too_large(shown, policy))
                    out.write(chunk)
            if expected is not None and expected.isdigit() and got != int(expected):
                raise InputError(
                    f"{shown}: download failed half-way ({got} of {expected} bytes); "
                    "nothing was kept"
                )
        except InputError:
            target.unlink(missing_ok=True)
            raise
        except (http.client.HTTPException, OSError, ValueError) as exc:
            target.unlink(missing_ok=True)
            if isinstance(exc, http.client.IncompleteRead):
                raise InputError(
                    f"{shown}: download failed half-way ({len(exc.partial)} bytes then the "
                    "connection closed); nothing was kept"
                ) from None
            raise InputError(
                f"{shown}: download failed ({_reason(exc)}); nothing was kept"
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


def _too_large(shown: str, policy: FetchPolicy, announced: int | None = None) -> str:
    size = f" ({human_size(announced)})" if announced else ""
    return (
        f"{shown}: larger than the size cap of {human_size(policy.max_size)}{size}; refused, "
        "nothing was kept (raise the cap with --max-size)"
    )


def _disposition_name(headers: email.message.Message) -> str | None:
    value = headers.get("Content-Disposition")
    if not value:
        return None
    msg = email.message.Message()
    msg["content-disposition"] = value
    return msg.get_filename()


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

        shown = _printable(url)
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
                        raise FetchRefused(_too_large(f"{shown}: embedded media", policy)) from None
                    message = re.sub(r"^ERROR:\s*", "", str(exc)).splitlines()[0][:200]
                    raise InputError(f"{shown}: yt-dlp could not fetch it ({message})") from None
                except _TooLarge:
                    raise FetchRefused(_too_large(f"{shown}: embedded media", policy)) from None
        except InputError:
            shutil.rmtree(outdir, ignore_errors=True)
            raise
        if any("larger than max-filesize" in m for m in logger.messages):
            shutil.rmtree(outdir, ignore_errors=True)
            raise FetchRefused(_too_large(f"{shown}: embedded media", policy))
        out = FetchOutcome()
        for entry in _entries(info):
            for path in _downloaded(entry):
                if path.stat().st_size > policy.max_size:
                    shutil.rmtree(outdir, ignore_errors=True)
                    raise FetchRefused(_too_large(f"{shown}: embedded media", policy))
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
                    f"{shown}: refused embedded media at {_printable(media)} (protocol "
                    f"{protocol}; only http and https are followed)"
                )
            if urllib.parse.urlsplit(media).scheme.lower() not in _SCHEMES:
                raise FetchRefused(
                    f"{shown}: refused embedded media at {_printable(media)} (only http and "
                    "https are followed); nothing was kept"
                )
            target = check_url(media)
            resolve_checked(
                target.host,
                target.port,
                policy,
                shown=shown,
                where=f" (embedded media at {_printable(media)})",
            )
            size = fmt.get("filesize") or fmt.get("filesize_approx")
            if isinstance(size, int | float) and size > policy.max_size:
                raise FetchRefused(_too_large(f"{shown}: embedded media", policy, int(size)))


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
        resolve_checked(target.host, target.port, policy, shown=_printable(url))
        return ytdlp.fetch(url, workdir, policy)
    return FETCHERS["http"].fetch(url, workdir, policy)
