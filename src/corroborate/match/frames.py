"""Decoding sampled frames, small and by timestamp, which is most of the cost of hashing.

Frames are picked on a time grid (not by index), so a frame-rate change or a trim does not
shift which moments are sampled by more than one frame. Scaling happens in swscale straight
from the decoded picture; non-reference frames and the loop filter are skipped because PDQ
works on a 64x64 downsample and never sees the difference.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from PIL import Image, ImageOps

from corroborate.match.errors import MediaError
from corroborate.media.keyframes import decode_threads

# Decoded frames are scaled to about this many pixels (aspect kept) before any view is cut.
TARGET_PIXELS = 288 * 162


@dataclass(frozen=True)
class SampledFrame:
    """One frame: its time in seconds from the start of the stream and its small luma array."""

    time: float
    gray: np.ndarray  # uint8 for video frames (a quarter of float32's memory), 0-255


def _small_size(width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, math.sqrt(TARGET_PIXELS / max(1, width * height)))
    return max(16, round(width * scale) // 2 * 2), max(16, round(height * scale) // 2 * 2)


class VideoSamples:
    """Frames sampled `rate` times a second, decoded one at a time as they are iterated.

    Only the frame being handed out is held, so memory does not grow with the video's
    length. `duration` (seconds) is known once iteration has finished. `threads=0` lets
    FFmpeg pick; benchmarks pass 1 to measure one core. `deblock` keeps the decoder's loop
    filter: skipping it leaves block edges that swamp dim, low-contrast footage (night,
    fog), so that two copies of it hash apart.
    """

    def __init__(
        self, path: Path, rate: float = 2.0, *, threads: int = 0, deblock: bool = False
    ) -> None:
        self.path = Path(path)
        self.rate = rate
        self.threads = threads
        self.deblock = deblock
        self.duration = 0.0
        self.count = 0

    def __iter__(self) -> Iterator[SampledFrame]:
        path, step = self.path, 1.0 / self.rate
        try:
            container = av.open(str(path))
        except (av.FFmpegError, OSError) as exc:
            raise MediaError(f"cannot open {path.name} as video: {exc}") from exc
        with container:
            if not container.streams.video:
                raise MediaError(f"{path.name} has no video stream")
            stream = container.streams.video[0]
            _configure(stream, self.threads, deblock=self.deblock)
            start: float | None = None
            next_t = 0.0
            last_t = 0.0
            size: tuple[int, int] | None = None
            # one scaler for the whole stream, on this thread: `frame.reformat` builds a new
            # one for every frame (its filters and, by default, a pool of a thread a core)
            scaler = VideoReformatter()
            try:
                for frame in container.decode(stream):
                    if frame.pts is None or frame.time is None:
                        continue
                    if start is None:
                        start = float(frame.time)
                    t = float(frame.time) - start
                    last_t = max(last_t, t)
                    if t + 1e-3 < next_t:
                        continue
                    if size is None:
                        size = _small_size(frame.width, frame.height)
                    small = scaler.reformat(
                        frame, width=size[0], height=size[1], format="gray", threads=1
                    )
                    self.count += 1
                    yield SampledFrame(t, small.to_ndarray())
                    next_t = (math.floor(t / step + 1e-6) + 1) * step
            except av.FFmpegError as exc:
                if not self.count:
                    raise MediaError(f"cannot decode video {path.name}: {exc}") from exc
            self.duration = last_t
            if stream.average_rate:
                self.duration += 1.0 / float(stream.average_rate)
        if not self.count:
            raise MediaError(f"no decodable frames in {path.name}")


def _configure(stream: av.video.stream.VideoStream, threads: int, *, deblock: bool = False) -> None:
    """Decode as little as PDQ needs: frames nothing refers to are skipped, and (unless
    `deblock`) the loop filter, which a 64x64 downsample of well-lit footage never misses."""
    ctx = stream.codec_context
    threads = decode_threads(threads)
    if threads == 1:
        stream.thread_type = "NONE"
        ctx.thread_count = 1
    else:
        stream.thread_type = "AUTO"
        ctx.thread_count = threads
    # NONREF, not BIDIR: many encoders (x264 with refs > 1) let P-frames refer to B-frames,
    # and skipping those corrupts every later frame of the group of pictures.
    ctx.skip_frame = "NONREF"
    ctx.options = {"flags2": "+fast"} if deblock else {"skip_loop_filter": "all", "flags2": "+fast"}


def sample_video(
    path: Path, rate: float = 2.0, *, threads: int = 0
) -> tuple[list[SampledFrame], float]:
    """All sampled frames in a list, and the duration in seconds (for short files and tests;
    signatures stream through `VideoSamples`)."""
    samples = VideoSamples(path, rate, threads=threads)
    frames = list(samples)
    return frames, samples.duration


def load_image(path: Path) -> np.ndarray:
    """A still as a small luma array, EXIF rotation applied."""
    try:
        with Image.open(path) as opened:
            img = ImageOps.exif_transpose(opened).convert("L")
            w, h = _small_size(img.width, img.height)
            img = img.resize((w, h), Image.Resampling.BILINEAR, reducing_gap=2.0)
            return np.asarray(img, dtype=np.float32)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise MediaError(f"cannot decode image {path.name}: {exc}") from exc
