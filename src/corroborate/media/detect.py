"""Decide what kind of thing a file is from its bytes (not its name).

The content wins over the extension: a text file named `.mp4` is a document (its claims are
read), and `extension_mismatch` says so, so that the user hears of it.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

import filetype

from corroborate.core import KINDS, ItemKind

_VIDEO_EXT = {".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v", ".3gp", ".ts", ".flv", ".wmv"}
__all__ = ["KINDS", "detect_kind", "extension_mismatch"]


def detect_kind(
    path: Path, *, content_type: str | None = None, name: str | None = None
) -> tuple[ItemKind, str | None]:
    """(kind, mime) where kind is video, image, audio, document, webpage or other.

    `name` is the original file name: blobs have none, but its extension is a hint.
    """
    guess = filetype.guess(str(path))
    if guess is not None:
        mime = guess.mime
        major = mime.split("/", 1)[0]
        if major in ("video", "image", "audio"):
            return major, mime
        if mime in ("application/pdf", "application/epub+zip") or "officedocument" in mime:
            return "document", mime
        if mime in ("application/x-matroska",):
            return "video", mime
        return "other", mime
    head = _head(path)
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype == "text/html" or _looks_like_html(head):
        return "webpage", "text/html"
    if _is_text(head):
        return "document", "text/plain"
    probed = _probe_streams(path, head)
    if probed:
        return probed
    suffix = Path(name).suffix.lower() if name else path.suffix.lower()
    if ctype.startswith("video/") or suffix in _VIDEO_EXT:
        # binary bytes FFmpeg cannot open, with a video name: a broken video, flagged unreadable
        return "video", ctype or None
    return "other", ctype or None


def _expected_kind(name: str) -> str | None:
    suffix = Path(name).suffix.lower()
    if suffix in _VIDEO_EXT:
        return "video"
    guessed, _ = mimetypes.guess_type(f"x{suffix}", strict=False)
    if guessed is None:
        return None
    major = guessed.split("/", 1)[0]
    if major in ("video", "image", "audio"):
        return major
    if guessed == "application/pdf":
        return "document"
    return None


def extension_mismatch(name: str | None, kind: str, mime: str | None) -> str | None:
    """A warning when a file's name promises one kind and its bytes are another, else None."""
    if not name:
        return None
    expected = _expected_kind(name)
    if expected is None or expected == kind:
        return None
    held = {"document": "text or a document", "webpage": "a web page", "other": "unknown data"}
    what = held.get(kind, kind)
    detail = f" ({mime})" if mime else ""
    return (
        f"named {Path(name).suffix} but its content is {what}{detail}; archived as {kind}, "
        "as the content says"
    )


def _probe_streams(path: Path, head: bytes) -> tuple[ItemKind, str | None] | None:
    """Containers filetype does not know (MPEG-TS, raw H.264...): ask FFmpeg what is inside."""
    if not head or _is_text(head):
        return None
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            kinds = {s.type for s in container.streams}
            fmt = container.format.name.split(",")[0]
    except (av.FFmpegError, OSError, ValueError):
        return None
    if "video" in kinds:
        return "video", f"video/{fmt}"
    if "audio" in kinds:
        return "audio", f"audio/{fmt}"
    return None


def _head(path: Path, n: int = 8192) -> bytes:
    with open(path, "rb") as f:
        return f.read(n)


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip()[:512].lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start


def _is_text(head: bytes) -> bool:
    if not head or b"\0" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still text
        if exc.start < len(head) - 4:
            return False
    return True
