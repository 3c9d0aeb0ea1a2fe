"""Reading a report from a file, a URL, or standard input, with one-line errors for bad input."""

from __future__ import annotations

import sys
from html.parser import HTMLParser
from pathlib import Path

from corroborate import net
from corroborate.errors import InputError

MAX_REPORT_SIZE = 50 * 1024 * 1024
# A report's URL comes from outside, like a URL to archive: the same safe default, and a cap.
DEFAULT_POLICY = net.FetchPolicy(max_size=MAX_REPORT_SIZE, timeout=30)


def read_text_source(spec: str, policy: net.FetchPolicy | None = None) -> tuple[str, str]:
    """(text, label) for a file path, an http(s) URL, or "-" for standard input.

    A URL is fetched under `policy` (default: public http(s) hosts only, at most 50 MiB),
    through the same client and with the same refusals as a URL given to ingest. An empty
    report, a PDF, an image or other binary data is refused with one line naming it.
    """
    if spec == "-":
        text = decode_text(sys.stdin.buffer.read(), "standard input")
        return _not_empty(text, "standard input"), "<stdin>"
    if spec.startswith(("http://", "https://")):
        return _not_empty(_read_url(spec, policy or DEFAULT_POLICY), spec), spec
    path = Path(spec)
    if not path.exists():
        raise InputError(f"{spec}: no such file")
    if path.is_dir():
        raise InputError(f"{spec}: is a folder, not a text file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{spec}: cannot be read ({exc.strerror or exc})") from None
    return _not_empty(decode_text(data, spec), spec), str(path)


def _not_empty(text: str, label: str) -> str:
    """A report with nothing to read is refused with its name, not read as "no claims"."""
    if not text.strip():
        raise InputError(f"{label}: is empty (no text to read claims from)")
    return text


# The first bytes of formats that are not text, named for the one-line refusal.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, ODF or EPUB document)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
)


def binary_kind(data: bytes) -> str | None:
    """What a non-text file is, from its first bytes ("a PDF document"), or None for text."""
    head = data[:8]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if data[4:8] == b"ftyp":
        return "an MP4 or QuickTime video"
    return None


def decode_text(data: bytes, label: str) -> str:
    """UTF-8 (or UTF-16 with a byte order mark) text; binary data is refused with its name."""
    if not data:
        return ""
    if (kind := binary_kind(data)) is not None:
        raise InputError(
            f"{label}: is {kind} (binary data), not text; save it as text to read its claims"
        )
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


def _read_url(url: str, policy: net.FetchPolicy) -> str:
    reply = net.fetch(url, policy)
    data = reply.body
    content_type = reply.headers.get("Content-Type", "")
    charset = reply.headers.get_content_charset() or "utf-8"
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
