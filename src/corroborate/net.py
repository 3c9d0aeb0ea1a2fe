"""The one HTTP client: every request corroborate makes (a URL to archive, a report to read
claims from, a tree head to timestamp) goes through `open_checked` under a `FetchPolicy`.

The default policy is safe: only http and https, no loopback, private, link-local, multicast or
reserved addresses (checked after DNS resolution and at every redirect, and the connection goes
to the very address that was checked, so a DNS answer that changes between check and connect
cannot steer it inward), a size cap that refuses rather than truncates, and a timeout. A caller
that must reach an internal host on purpose (a team's own timestamp authority) says so in its
policy. Errors are `InputError`s that name the URL and carry what failed, so each caller can
word them for its reader.

This module sits beside the core types: it imports nothing from corroborate but `errors`.
"""

from __future__ import annotations

import email.message
import http.client
import io
import ipaddress
import re
import socket
import ssl
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from corroborate.errors import InputError

__all__ = [
    "CHUNK",
    "DEFAULT_MAX_SIZE",
    "MAX_REDIRECTS",
    "SCHEMES",
    "USER_AGENT",
    "FetchFailed",
    "FetchPolicy",
    "FetchRefused",
    "HttpStatusError",
    "Network",
    "Reply",
    "Target",
    "address_problem",
    "check_url",
    "disposition_name",
    "fetch",
    "human_size",
    "open_checked",
    "parse_network",
    "parse_size",
    "printable",
    "read_body",
    "resolve_checked",
    "too_large",
]

CHUNK = 1024 * 1024
USER_AGENT = "corroborate/0.1 (+evidence archive)"
DEFAULT_MAX_SIZE = 4 * 1024**3  # 4 GiB: a long 4K recording fits, a runaway stream does not
MAX_REDIRECTS = 10
SCHEMES = ("http", "https")
_REDIRECTS = {301, 302, 303, 307, 308}
_FOLLOWS = {"GET", "HEAD"}  # a request with a body is never re-sent somewhere else

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class FetchRefused(InputError):
    """The policy forbids this fetch (an internal address, a non-HTTP scheme, the size cap)."""


class FetchFailed(InputError):
    """The fetch was allowed but did not complete: no answer, a broken one, a timeout."""

    def __init__(self, message: str, *, url: str, reason: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.url = url
        self.reason = reason  # what went wrong, without the URL: "Connection refused"
        self.timed_out = timed_out


class HttpStatusError(InputError):
    """The server answered with an HTTP error (or, to a request with a body, a redirect)."""

    def __init__(self, message: str, *, url: str, status: int, reason: str) -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.reason = reason  # the server's reason phrase, made printable


@dataclass(frozen=True)
class FetchPolicy:
    """What a fetch may reach. The default refuses everything but public http(s) hosts."""

    allow_private: bool = False  # every internal address (loopback, private, link-local...)
    allowed_networks: tuple[Network, ...] = ()  # or only these internal networks
    max_size: int = DEFAULT_MAX_SIZE
    max_redirects: int = MAX_REDIRECTS
    timeout: float = 60.0  # seconds, for connecting and for each read

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


def printable(text: str, limit: int = 200) -> str:
    """Text for a one-line message: no control characters, undecodable bytes as `\\xff`."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return re.sub(r"[\x00-\x1f\x7f]", " ", text)[:limit]


@dataclass(frozen=True)
class Target:
    """A checked http(s) URL, split into what a connection needs."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA), as sent in the Host header and for TLS
    port: int
    path: str  # with the query, percent-encoded as a browser sends it


def check_url(url: str, *, hop_of: str | None = None) -> Target:
    """A parsed http(s) URL, or an InputError naming it (malformed, other scheme, no host)."""
    shown = hop_of or url
    where = f" (redirected to {printable(url)})" if hop_of else ""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise InputError(f"{printable(shown)}: malformed URL{where} ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        if hop_of:
            raise FetchRefused(
                f"{printable(hop_of)}: redirects to {printable(url)}, which is not http or "
                "https; refused, nothing was kept"
            )
        raise InputError(f"{printable(url)}: unsupported URL (only http and https can be archived)")
    if not host:
        raise InputError(f"{printable(shown)}: malformed URL{where} (no host name)")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise InputError(f"{printable(shown)}: malformed host name{where}") from None
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    # non-ASCII as a browser sends it (bytes that are not UTF-8, from a shell, as they came)
    path = urllib.parse.quote(path.encode("utf-8", "surrogateescape"), safe="!#$%&'()*+,/:;=?@[]~")
    return Target(url, scheme, host, port or (443 if scheme == "https" else 80), path)


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
        reason = f"cannot resolve {host}{where} ({getattr(exc, 'strerror', None) or exc})"
        raise FetchFailed(f"{shown}: {reason}", url=shown, reason=reason) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        reason = f"cannot resolve {host}{where}"
        raise FetchFailed(f"{shown}: {reason}", url=shown, reason=reason)
    for ip in addresses:
        why = policy.problem(ip)
        if why is not None:
            named = host if host == ip else f"{host} ({ip})"
            raise FetchRefused(
                f"{shown}: refused{where}: {named} is {why} (internal addresses are only "
                "fetched with --allow-private-addresses or --allow-address); nothing was kept"
            )
    return addresses[0]


def _connection(target: Target, ip: str, timeout: float) -> http.client.HTTPConnection:
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


def open_checked(
    url: str,
    policy: FetchPolicy,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[http.client.HTTPResponse, str]:
    """Send one request and return (the response, the URL that answered) for its body to be read.

    GET follows redirects itself so that every hop is checked; a request with a body (a POST)
    is never redirected, since re-sending it elsewhere is not what the caller asked for.
    """
    method = method.upper()
    sent = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **(headers or {})}
    current = url
    for hop in range(policy.max_redirects + 1):
        target = check_url(current, hop_of=url if hop else None)
        where = f" (redirected to {printable(current)})" if hop else ""
        ip = resolve_checked(target.host, target.port, policy, shown=printable(url), where=where)
        conn = _connection(target, ip, policy.timeout)
        try:
            conn.request(method, target.path, body=body, headers=sent)
            response = conn.getresponse()
        except (http.client.HTTPException, OSError, ValueError) as exc:
            conn.close()
            reason = _reason(exc)
            raise FetchFailed(
                f"{printable(url)}: download failed{where} ({reason}); nothing was kept",
                url=url,
                reason=reason + where,
                timed_out=isinstance(exc, TimeoutError),
            ) from None
        location = response.getheader("Location")
        if method in _FOLLOWS and response.status in _REDIRECTS and location:
            conn.close()
            current = urllib.parse.urljoin(current, location.strip())
            continue
        if response.status >= 400 or (method not in _FOLLOWS and response.status >= 300):
            reason = printable(response.reason or "", 100)
            conn.close()
            raise HttpStatusError(
                f"{printable(url)}: the server answered HTTP {response.status} {reason}{where}",
                url=url,
                status=response.status,
                reason=reason,
            )
        return response, current
    raise FetchRefused(
        f"{printable(url)}: more than {policy.max_redirects} redirects; refused, nothing was kept"
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, http.client.BadStatusLine):
        return "the server's answer is not HTTP"
    if isinstance(exc, http.client.IncompleteRead):
        return "connection closed early"
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return printable(str(text), 150)


def too_large(shown: str, policy: FetchPolicy, announced: int | None = None) -> str:
    """The one-line refusal of something over the size cap."""
    size = f" ({human_size(announced)})" if announced else ""
    return (
        f"{shown}: larger than the size cap of {human_size(policy.max_size)}{size}; refused, "
        "nothing was kept (raise the cap with --max-size)"
    )


def read_body(
    response: http.client.HTTPResponse, out: BinaryIO, policy: FetchPolicy, url: str
) -> int:
    """Copy the body to `out` in chunks; refuse it past the size cap, fail it if cut short.

    Returns the number of bytes written. The caller discards `out` when this raises.
    """
    shown = printable(url)
    expected = response.getheader("Content-Length")
    announced = int(expected) if expected is not None and expected.isdigit() else None
    if announced is not None and announced > policy.max_size:
        raise FetchRefused(too_large(shown, policy, announced))
    got = 0
    try:
        while chunk := response.read(CHUNK):
            got += len(chunk)
            if got > policy.max_size:
                raise FetchRefused(too_large(shown, policy))
            out.write(chunk)
    except http.client.IncompleteRead as exc:
        reason = f"{len(exc.partial)} bytes then the connection closed"
        raise FetchFailed(
            f"{shown}: download failed half-way ({reason}); nothing was kept",
            url=url,
            reason=reason,
        ) from None
    except (http.client.HTTPException, OSError, ValueError) as exc:
        reason = _reason(exc)
        raise FetchFailed(
            f"{shown}: download failed ({reason}); nothing was kept",
            url=url,
            reason=reason,
            timed_out=isinstance(exc, TimeoutError),
        ) from None
    if announced is not None and got != announced:
        reason = f"{got} of {announced} bytes"
        raise FetchFailed(
            f"{shown}: download failed half-way ({reason}); nothing was kept",
            url=url,
            reason=reason,
        )
    return got


@dataclass(frozen=True)
class Reply:
    """A whole answer held in memory: for small documents (a report page, a timestamp)."""

    url: str  # as asked for
    final_url: str  # after redirects
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(
    url: str,
    policy: FetchPolicy,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """Send one request under `policy` and read the whole answer (at most `policy.max_size`)."""
    response, final = open_checked(url, policy, method=method, body=body, headers=headers)
    buffer = io.BytesIO()
    try:
        read_body(response, buffer, policy, url)
    finally:
        response.close()
    return Reply(url, final, response.status, response.headers, buffer.getvalue())


def disposition_name(headers: email.message.Message) -> str | None:
    """The file name a Content-Disposition header gives, if any."""
    value = headers.get("Content-Disposition")
    if not value:
        return None
    msg = email.message.Message()
    msg["content-disposition"] = value
    return msg.get_filename()
