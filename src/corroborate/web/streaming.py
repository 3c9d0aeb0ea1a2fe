"""Sending an original file: streamed from the blob store a chunk at a time (a multi-GB video
never sits in memory), with HTTP Range requests so the player can seek."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response, StreamingResponse

from corroborate.report.media import Original

CHUNK = 256 * 1024
_RANGE = re.compile(r"bytes=(\d{0,19})-(\d{0,19})")  # a 5,000-digit number is no offset


def byte_range(header: str | None, size: int) -> tuple[int, int] | None | str:
    """The (first, last) byte a Range header asks for; None to send the whole file (no header,
    one we do not serve such as several ranges: RFC 9110 lets a server ignore it), or
    "unsatisfiable" for a range that starts past the end."""
    if not header:
        return None
    found = _RANGE.fullmatch(header.strip())
    if not found or not (found.group(1) or found.group(2)):
        return None
    first, last = found.group(1), found.group(2)
    if not first:  # the last N bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return "unsatisfiable"
    return start, end


def _chunks(original: Original, start: int, length: int) -> Iterator[bytes]:
    with original.open() as blob:
        blob.seek(start)
        left = length
        while left > 0:
            data = blob.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data


def send_original(request: Request, original: Original, *, attachment: bool) -> Response:
    """The file, whole (200) or the range asked for (206); 416 for a range past its end."""
    size = original.size
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, no-store",
        "Content-Disposition": (
            f'{"attachment" if attachment else "inline"}; filename="{original.filename}"; '
            f"filename*=UTF-8''{quote(original.filename)}"
        ),
    }
    wanted = byte_range(request.headers.get("range"), size)
    if wanted == "unsatisfiable":
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    if wanted is None or isinstance(wanted, str):
        start, end, status = 0, size - 1, 200
    else:
        (start, end), status = wanted, 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    length = max(0, end - start + 1)
    headers["Content-Length"] = str(length)
    return StreamingResponse(
        _chunks(original, start, length),
        status_code=status,
        media_type=original.mime,
        headers=headers,
    )
