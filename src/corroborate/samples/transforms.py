"""Reposts of sample footage, as channels make them: re-encoded, rescaled, cropped, captioned,
letterboxed, mirrored, recoloured, screen-recorded, trimmed, spliced, at another frame rate.

Every function reads a video with PyAV and writes a new H.264 MP4; they are used by the match
tests and benchmarks to build labelled sets from real footage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

FrameEdit = Callable[[Image.Image], Image.Image]

# PyAV's stubs leave these two untyped: a decoded frame as a PIL picture, and back.
_to_image = cast(Callable[[av.VideoFrame], Image.Image], av.VideoFrame.to_image)
_from_image = cast(Callable[[Image.Image], av.VideoFrame], av.VideoFrame.from_image)


def _frames(
    src: Path, start: float = 0.0, end: float | None = None
) -> Iterator[tuple[float, Image.Image]]:
    """(time from `start`, picture) of every frame in [start, end)."""
    with av.open(str(src)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        first = None
        for frame in container.decode(stream):
            if frame.time is None:
                continue
            if first is None:
                first = float(frame.time)
            t = float(frame.time) - first
            if t < start - 1e-6:
                continue
            if end is not None and t >= end - 1e-6:
                break
            yield t - start, _to_image(frame)


def _even(n: float) -> int:
    return max(2, int(round(n)) // 2 * 2)


class _Writer:
    """An H.264 MP4 writer that resamples incoming frames onto its own frame clock."""

    def __init__(self, out: Path, size: tuple[int, int], fps: float, bitrate: int) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        self.container = av.open(str(out), "w")
        rate = Fraction(fps).limit_denominator(1001)
        self.stream = self.container.add_stream("libx264", rate=rate)
        self.stream.width, self.stream.height = size
        self.stream.pix_fmt = "yuv420p"
        self.stream.bit_rate = bitrate
        self.stream.options = {"preset": "veryfast"}
        self.size = size
        self.fps = float(rate)
        self.n = 0

    def offer(self, t: float, img: Image.Image, next_t: float | None) -> None:
        """Write `img` for every output tick between t and the next input frame."""
        while self.n / self.fps < (next_t if next_t is not None else t + 1 / self.fps) - 1e-6:
            if self.n / self.fps + 1e-6 < t:
                self.n += 1
                continue
            if img.size != self.size:
                img = img.resize(self.size, Image.Resampling.BILINEAR)
            frame = _from_image(img.convert("RGB"))
            frame.pts = self.n
            frame.time_base = Fraction(1) / Fraction(self.fps).limit_denominator(1001)
            for packet in self.stream.encode(frame):
                self.container.mux(packet)
            self.n += 1

    def close(self) -> None:
        for packet in self.stream.encode():
            self.container.mux(packet)
        self.container.close()


def _source_info(src: Path) -> tuple[tuple[int, int], float]:
    with av.open(str(src)) as c:
        s = c.streams.video[0]
        return (s.width, s.height), float(s.average_rate or 25)


def rewrite(
    src: Path,
    out: Path,
    edit: FrameEdit | None = None,
    *,
    size: tuple[int, int] | None = None,
    fps: float | None = None,
    start: float = 0.0,
    end: float | None = None,
    bitrate: int = 1_000_000,
) -> Path:
    """Re-encode `src` (optionally a sub-clip) with `edit` applied to every frame."""
    src_size, src_fps = _source_info(Path(src))
    frames = _frames(Path(src), start, end)
    first = next(frames)
    sample = edit(first[1]) if edit else first[1]
    out_size = size or (_even(sample.width), _even(sample.height))
    writer = _Writer(Path(out), out_size, fps or src_fps, bitrate)
    prev_t, prev_img = first[0], sample
    for t, img in frames:
        writer.offer(prev_t, prev_img, t)
        prev_t, prev_img = t, edit(img) if edit else img
    writer.offer(prev_t, prev_img, None)
    writer.close()
    return Path(out)


def reencode(src: Path, out: Path, *, bitrate: int = 200_000, height: int | None = None) -> Path:
    """A low-bitrate re-encode, optionally rescaled to `height` (e.g. 1080p to 360p)."""
    (w, h), _ = _source_info(Path(src))
    size = (_even(w * height / h), _even(height)) if height else None
    return rewrite(src, out, size=size, bitrate=bitrate)


def crop(
    src: Path,
    out: Path,
    *,
    left: float = 0.0,
    top: float = 0.0,
    right: float = 0.0,
    bottom: float = 0.0,
) -> Path:
    """Cut fractions off the edges (0.2 = a fifth of the width or height)."""

    def edit(img: Image.Image) -> Image.Image:
        w, h = img.size
        return img.crop(
            (round(left * w), round(top * h), round(w - right * w), round(h - bottom * h))
        )

    return rewrite(src, out, edit)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:
        return ImageFont.load_default()


def caption(
    src: Path,
    out: Path,
    *,
    text: str = "BREAKING: footage from the front",
    logo: str = "TV24",
    subtitles: bool = True,
) -> Path:
    """A channel logo in a corner, a caption band at the bottom and changing subtitles."""
    lines = ["They are moving towards the tree line", "Second group on the left", "Hit confirmed"]

    def edit(img: Image.Image, counter: list[int] = [0]) -> Image.Image:  # noqa: B006
        img = img.copy()
        w, h = img.size
        d = ImageDraw.Draw(img)
        band = round(h * 0.14)
        d.rectangle((0, h - band, w, h), fill=(180, 20, 20))
        d.text((round(w * 0.03), h - band + band // 4), text, fill="white", font=_font(band // 2))
        d.rectangle(
            (w - round(w * 0.16), round(h * 0.03), w - round(w * 0.03), round(h * 0.12)),
            fill=(255, 255, 255),
        )
        d.text(
            (w - round(w * 0.15), round(h * 0.04)),
            logo,
            fill=(200, 0, 0),
            font=_font(round(h * 0.07)),
        )
        if subtitles:
            line = lines[(counter[0] // 50) % len(lines)]
            d.text(
                (round(w * 0.2), h - band - round(h * 0.09)),
                line,
                fill="yellow",
                font=_font(round(h * 0.06)),
            )
        counter[0] += 1
        return img

    return rewrite(src, out, edit)


def channel_overlay(
    src: Path,
    out: Path,
    *,
    channel: str = "FRONTLINE 24",
    headline: str = "EXCLUSIVE footage from our correspondent",
    clock_start: tuple[int, int, int] = (14, 21, 37),
    date: str = "2024-03-01",
) -> Path:
    """One channel's overlay as it brands everything it reposts: a caption band along the
    bottom with its headline, a badge in the top-left corner and a running timestamp in the
    top-right corner that counts the video's own seconds."""
    (_w, _h), fps = _source_info(Path(src))

    def edit(img: Image.Image, counter: list[int] = [0]) -> Image.Image:  # noqa: B006
        img = img.copy()
        w, h = img.size
        d = ImageDraw.Draw(img)
        band = round(h * 0.12)
        d.rectangle((0, h - band, w, h), fill=(20, 40, 120))
        d.rectangle((0, h - band, round(w * 0.18), h), fill=(230, 180, 0))
        d.text((round(w * 0.02), h - band + band // 4), "LIVE", fill="black", font=_font(band // 2))
        d.text(
            (round(w * 0.21), h - band + band // 4), headline, fill="white", font=_font(band // 2)
        )
        bw, bh = round(w * 0.21), round(h * 0.09)
        x, y = round(w * 0.03), round(h * 0.04)
        d.rounded_rectangle((x, y, x + bw, y + bh), radius=bh // 4, fill=(200, 20, 20))
        d.text((x + bh // 4, y + bh // 5), channel, fill="white", font=_font(round(bh * 0.55)))
        seconds = counter[0] / fps
        hh, mm, ss = clock_start
        total = hh * 3600 + mm * 60 + ss + int(seconds)
        stamp = f"{date} {total // 3600 % 24:02d}:{total // 60 % 60:02d}:{total % 60:02d}"
        d.text(
            (w - round(w * 0.33), round(h * 0.05)),
            stamp,
            fill=(255, 255, 255),
            font=_font(round(h * 0.045)),
            stroke_width=2,
            stroke_fill=(0, 0, 0),
        )
        counter[0] += 1
        return img

    return rewrite(src, out, edit)


def letterbox(
    src: Path, out: Path, *, size: tuple[int, int] = (640, 360), fill: str = "black"
) -> Path:
    """Fit the video inside a frame of `size` (a vertical phone video in a horizontal frame),
    with black bars or a blurred, enlarged copy of the video as fill."""
    W, H = size

    def edit(img: Image.Image) -> Image.Image:
        w, h = img.size
        s = min(W / w, H / h)
        inner = img.resize((_even(w * s), _even(h * s)), Image.Resampling.BILINEAR)
        if fill == "blur":
            s2 = max(W / w, H / h)
            bg = img.resize((round(w * s2) + 2, round(h * s2) + 2), Image.Resampling.BILINEAR)
            bg = bg.crop((0, 0, W, H)).filter(ImageFilter.GaussianBlur(12))
            bg = ImageEnhance.Brightness(bg).enhance(0.7)
        else:
            bg = Image.new("RGB", (W, H))
        bg.paste(inner, ((W - inner.width) // 2, (H - inner.height) // 2))
        return bg

    return rewrite(src, out, edit, size=(W, H))


def mirror(src: Path, out: Path) -> Path:
    """Flipped left to right, as channels do to dodge matching."""
    return rewrite(src, out, lambda img: img.transpose(Image.Transpose.FLIP_LEFT_RIGHT))


def recolour(
    src: Path,
    out: Path,
    *,
    brightness: float = 1.25,
    contrast: float = 0.8,
    saturation: float = 1.5,
    tint: tuple[float, float, float] = (1.0, 0.92, 0.8),
) -> Path:
    """Brightness, contrast, saturation and a colour tint changed."""
    gains = np.array(tint, dtype=np.float32)

    def edit(img: Image.Image) -> Image.Image:
        img = ImageEnhance.Brightness(img).enhance(brightness)
        img = ImageEnhance.Contrast(img).enhance(contrast)
        img = ImageEnhance.Color(img).enhance(saturation)
        arr = (np.asarray(img, dtype=np.float32) * gains).clip(0, 255).astype(np.uint8)
        return Image.fromarray(arr)

    return rewrite(src, out, edit)


def screen_record(
    src: Path, out: Path, *, size: tuple[int, int] = (360, 640), fps: float = 30
) -> Path:
    """The video played small inside a phone app's UI (status bar, title, comments, buttons),
    recorded as a vertical screen capture at another frame rate."""
    W, H = size

    def edit(img: Image.Image) -> Image.Image:
        canvas = Image.new("RGB", (W, H), (245, 245, 245))
        d = ImageDraw.Draw(canvas)
        d.rectangle((0, 0, W, round(H * 0.05)), fill=(20, 20, 20))
        d.text((8, 4), "12:41   LTE  87%", fill="white", font=_font(round(H * 0.025)))
        d.text(
            (12, round(H * 0.08)),
            "Channel name  - 2h ago",
            fill=(30, 30, 30),
            font=_font(round(H * 0.03)),
        )
        vw = round(W * 0.94)
        vh = round(vw * img.height / img.width)
        top = round(H * 0.15)
        canvas.paste(img.resize((vw, vh), Image.Resampling.BILINEAR), ((W - vw) // 2, top))
        y = top + vh + 20
        for i, line in enumerate(["1.2K views", "comment: where is this?", "comment: share it"]):
            d.text(
                (12, y + i * round(H * 0.05)), line, fill=(60, 60, 60), font=_font(round(H * 0.028))
            )
        d.ellipse((W // 2 - 20, H - 50, W // 2 + 20, H - 10), outline=(80, 80, 80), width=3)
        return canvas

    return rewrite(src, out, edit, size=(W, H), fps=fps)


def trim(src: Path, out: Path, *, start: float, end: float) -> Path:
    """The part of the video from `start` to `end` seconds."""
    return rewrite(src, out, start=start, end=end)


def change_fps(src: Path, out: Path, *, fps: float) -> Path:
    """The same footage at another frame rate (frames dropped or repeated by time)."""
    return rewrite(src, out, fps=fps)


def compilation(
    parts: Sequence[tuple[Path, float, float]],
    out: Path,
    *,
    size: tuple[int, int] = (640, 360),
    fps: float = 25,
    bitrate: int = 1_000_000,
) -> tuple[Path, list[tuple[float, float]]]:
    """Splice (file, start, end) parts one after another; returns the file and where each
    part sits in it (start, end seconds), for checking the ranges a match reports."""
    writer = _Writer(Path(out), size, fps, bitrate)
    offset = 0.0
    placed: list[tuple[float, float]] = []
    for src, start, end in parts:
        frames = list(_frames(Path(src), start, end))
        for (t, img), nxt in zip(frames, frames[1:] + [None], strict=True):
            writer.offer(offset + t, img, offset + nxt[0] if nxt else offset + end - start)
        placed.append((offset, offset + (end - start)))
        offset += end - start
    writer.close()
    return Path(out), placed
