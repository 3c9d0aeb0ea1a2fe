"""A few keyframe thumbnails per video, spread over its duration, decoded at small size."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import av
from PIL import Image

THUMB_WIDTH = 320
DECODE_THREADS_ENV = "CORROBORATE_DECODE_THREADS"


def decode_threads(asked: int = 0) -> int:
    """Threads a decoder may use: as asked, else `CORROBORATE_DECODE_THREADS`, else 0 (FFmpeg
    picks). Ingest workers set 1: one process per core already keeps every core busy."""
    if asked:
        return asked
    try:
        return max(0, int(os.environ.get(DECODE_THREADS_ENV, "0")))
    except ValueError:
        return 0


@dataclass(frozen=True)
class Keyframe:
    time_s: float
    jpeg: bytes


def keyframes(path: Path, duration_s: float | None, count: int = 4) -> list[Keyframe]:
    """Up to `count` JPEG thumbnails at evenly spaced times (seeks to keyframes, decodes little)."""
    out: list[Keyframe] = []
    with av.open(str(path), metadata_errors="ignore") as container:
        stream = container.streams.video[0]
        threads = decode_threads()
        stream.thread_type = "NONE" if threads == 1 else "AUTO"
        stream.codec_context.thread_count = threads
        dur = duration_s or 0.0
        times = [dur * (i + 0.5) / count for i in range(count)] if dur > 0 else [0.0]
        seen: set[float] = set()
        for t in times:
            try:
                container.seek(int(t * 1_000_000), any_frame=False, backward=True)
                # long videos: the keyframe at or before t is near enough, and cheap
                frame = _first_frame_at(container, stream, t, limit=0 if dur > 60 else 900)
            except (av.FFmpegError, ValueError):
                continue
            if frame is None or frame.time is None or round(frame.time, 2) in seen:
                continue
            seen.add(round(frame.time, 2))
            w = min(THUMB_WIDTH, frame.width)
            h = max(2, round(frame.height * w / frame.width / 2) * 2)
            # PyAV's stubs leave to_image untyped; it returns a PIL picture
            to_image = cast(Callable[..., Image.Image], frame.to_image)
            img = to_image(width=w, height=h)
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=80)
            out.append(Keyframe(round(float(frame.time), 3), buf.getvalue()))
    return out


def _first_frame_at(
    container: av.container.InputContainer, stream: av.VideoStream, t: float, limit: int
) -> av.VideoFrame | None:
    """Decode forward from the last keyframe to the first frame at or after t, giving up
    (and taking the frame reached) after `limit` frames."""
    frame = None
    for n, frame in enumerate(container.decode(stream)):
        if frame.time is not None and frame.time >= t - 0.02 or n >= limit:
            return frame
    return frame
