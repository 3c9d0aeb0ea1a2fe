"""Reading a report from a file, a URL, or standard input, with one-line errors for bad input."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

from corroborate.errors import InputError

_MAX_BYTES = 50 * 1024 * 1024


def read_text_source(spec: str) -> tuple[str, str]:
    """(text, label) for a file path, an http(s) URL, or "-" for standard input."""
    if spec == "-":
        return decode_text(sys.stdin.buffer.read(), "standard input"), "<stdin>"
    if spec.startswith(("http://", "https://")):
        return _read_url(spec), spec
    path = Path(spec)
    if not path.exists():
        raise InputError(f"{spec}: no such file")
    if path.is_dir():
        raise InputError(f"{spec}: is a folder, not a text file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{spec}: cannot be read ({exc.strerror or exc})") from None
    return decode_text(data, spec), str(path)


def decode_text(data: bytes, label: str) -> str:
    """UTF-8 (or UTF-16 with a byte order mark) text; binary data is refused with its name."""
    if not data:
        return ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{label}: is not valid UTF-16 text") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{label}: is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\r\n\t\f"))
    if controls > len(text) / 100:
        raise InputError(f"{label}: is not readable text (binary data or an unknown encoding)")
    return text


def _read_url(url: str) -> str:
    request = urllib.request.Request(url, headers={"User-Agent": "corroborate-claims/1"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http(s) only
            data: bytes = response.read(_MAX_BYTES)
            content_type: str = response.headers.get("Content-Type", "")
            charset: str = response.headers.get_content_charset() or "utf-8"
    except urllib.error.HTTPError as exc:
        raise InputError(f"{url}: the server answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InputError(f"{url}: could not be fetched ({reason})") from None
    if "html" in content_type or data.lstrip()[:15].lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        try:
            html = data.decode(charset, errors="replace")
        except LookupError:
            html = data.decode("utf-8", errors="replace")
        return html_to_text(html)
    if charset.lower() not in {"utf-8", "utf8"}:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data, url)


class _TextOfHtml(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template", "svg", "head"}
    _BLOCKS = {
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "article",
        "section",
        "blockquote",
        "figcaption",
        "title",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML page, one block a paragraph, without scripts and styles."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [
        "".join(line.split(" ")).strip() and " ".join(line.split())
        for line in "".join(parser.parts).split("\n")
    ]
    text = "\n".join(line for line in lines)
    import re

    return re.sub(r"\n{3,}", "\n\n", text).strip()
