"""Drone-like flights over real photographs, encoded as real H.264 video with PyAV.

A "flight" is a virtual camera that drifts, turns and zooms over a large photograph, as a
drone camera looks down on fields. Two flights with different seeds over the same photograph
are different footage of a similar scene: the hard negatives that matching must reject.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageFilter

from corroborate.errors import InputError

# Photographs scikit-image ships in its wheel (loadable offline).
PHOTOS = (
    "coffee",
    "rocket",
    "astronaut",
    "chelsea",
    "hubble_deep_field",
    "retina",
    "immunohistochemistry",
    "grass",
    "gravel",
    "brick",
    "moon",
    "camera",
    "coins",
    "horse",
    "clock",
    "cell",
)

# Tints that make grey photographs look like fields, earth or snow rather than grey cards.
_TINTS = [(0.55, 0.75, 0.35), (0.75, 0.65, 0.45), (0.9, 0.9, 0.95), (0.6, 0.7, 0.5)]


# The looks footage comes in besides plain daylight: fog or haze over flat fields (little
# detail for a hash to hold on to), and night (dark, low contrast, sensor noise per frame).
LOOKS = ("day", "low-detail", "night")
# A real clip scikit-image ships (an animated GIF of 24 frames, 25x14 pixels): flights over
# it see a moving picture, not a still photograph.
CLIP = "no_time_for_that"


@lru_cache(maxsize=4)
def clip_frames(size: int = 1600) -> tuple[np.ndarray, ...]:
    """The frames of the real clip, upscaled to about `size` pixels on the longer side."""
    import skimage.data

    path = Path(skimage.data.__file__).parent / "no_time_for_that_tiny.gif"
    out = []
    with Image.open(path) as gif:
        for i in range(getattr(gif, "n_frames", 1)):
            gif.seek(i)
            img = gif.convert("RGB")
            scale = size / max(img.size)
            img = img.resize(
                (round(img.width * scale), round(img.height * scale)), Image.Resampling.BICUBIC
            )
            out.append(np.asarray(img))
    return tuple(out)


def _looked(arr: np.ndarray, look: str) -> np.ndarray:
    if look == "day":
        return arr
    if look == "low-detail":
        img = Image.fromarray(arr).filter(ImageFilter.GaussianBlur(14))
        f = np.asarray(img, dtype=np.float32)
        mean = f.mean(axis=(0, 1), keepdims=True)
        foggy: np.ndarray = (mean + 0.45 * (f - mean)).clip(0, 255).astype(np.uint8)
        return foggy
    if look == "night":
        f = np.asarray(arr, dtype=np.float32) / 255.0
        dark: np.ndarray = (255.0 * 0.28 * f**1.6 * np.array([0.7, 0.85, 1.0])).astype(np.uint8)
        return dark
    raise InputError(f"unknown look {look!r}; expected one of {', '.join(LOOKS)}")


@lru_cache(maxsize=8)
def terrain(photo: str, size: int = 1600, look: str = "day") -> np.ndarray:
    """The photograph as an RGB uint8 array about `size` pixels on its longer side."""
    import skimage.data

    if look != "day":
        return _looked(terrain(photo, size), look)
    arr = getattr(skimage.data, photo)()
    if arr.ndim == 2:
        tint = np.array(_TINTS[sum(map(ord, photo)) % len(_TINTS)], dtype=np.float32)
        arr = (arr[..., None].astype(np.float32) * tint).clip(0, 255).astype(np.uint8)
    arr = arr[..., :3]
    img = Image.fromarray(arr)
    scale = size / max(img.size)
    size_out = (round(img.width * scale), round(img.height * scale))
    img = img.resize(size_out, Image.Resampling.BICUBIC)
    return np.asarray(img)


@dataclass(frozen=True)
class FlightPath:
    """A smooth camera path; all values vary with time t in seconds, deterministic by seed."""

    seed: int = 0
    speed: float = 0.04  # fraction of the photograph crossed per second
    zoom: float = 0.45  # fraction of the photograph's width in view
    turn: float = 6.0  # degrees per second of slow rotation

    def at(self, t: float) -> tuple[float, float, float, float]:
        """(centre x, centre y as fractions, view width fraction, angle in degrees) at time t."""
        rng = np.random.default_rng(self.seed)
        x0, y0 = rng.uniform(0.3, 0.7, 2)
        heading = rng.uniform(0, 2 * math.pi)
        wobble = rng.uniform(0.5, 1.5, 3)
        phase = rng.uniform(0, 2 * math.pi, 3)
        cx = x0 + self.speed * t * math.cos(heading) + 0.03 * math.sin(wobble[0] * t + phase[0])
        cy = y0 + self.speed * t * math.sin(heading) + 0.03 * math.sin(wobble[1] * t + phase[1])
        # bounce inside the photograph so long flights stay over it
        cx = 0.25 + abs(((cx - 0.25) % 1.0) - 0.5)
        cy = 0.25 + abs(((cy - 0.25) % 1.0) - 0.5)
        z = self.zoom * (1 + 0.15 * math.sin(wobble[2] * t * 0.5 + phase[2]))
        angle = (self.turn * t + rng.uniform(0, 360)) % 360
        return cx, cy, z, angle


def _frame(photo: np.ndarray, path: FlightPath, t: float, width: int, height: int) -> np.ndarray:
    """Render the camera view at time t with an affine warp of the photograph."""
    ph, pw = photo.shape[:2]
    cx, cy, z, angle = path.at(t)
    scale = (z * pw) / width  # photo pixels per output pixel
    a = math.radians(angle)
    cos_a, sin_a = math.cos(a) * scale, math.sin(a) * scale
    # output pixel (u, v) -> photo pixel (x, y), centred
    ox, oy = width / 2, height / 2
    coeffs = (
        cos_a,
        -sin_a,
        cx * pw - cos_a * ox + sin_a * oy,
        sin_a,
        cos_a,
        cy * ph - sin_a * ox - cos_a * oy,
    )
    img = Image.fromarray(photo).transform(
        (width, height), Image.Transform.AFFINE, coeffs, resample=Image.Resampling.BILINEAR
    )
    return np.asarray(img)


def render_flight(
    out: Path,
    photo: str = "coffee",
    *,
    seconds: float = 8.0,
    fps: int = 25,
    width: int = 640,
    height: int = 360,
    seed: int = 0,
    path: FlightPath | None = None,
    start: float = 0.0,
    bitrate: int = 1_500_000,
    creation_time: str | None = None,
    look: str = "day",
    gop: int | None = None,
) -> Path:
    """Encode a drone-like flight over `photo` to an H.264 MP4 and return its path.

    `start` offsets the flight's clock, so two renders with the same seed and different
    starts are two cuts of the same footage. `look` is one of LOOKS; `photo=CLIP` flies over
    the real clip scikit-image ships, playing at its own speed (70 ms a frame). `gop`: frames
    between keyframes (x264's default, 250, when None).
    """
    path = path or FlightPath(seed=seed)
    clip = tuple(_looked(f, look) for f in clip_frames()) if photo == CLIP else ()
    src = terrain(photo, look=look) if not clip else clip[0]
    noise = np.random.default_rng(seed + 1000) if look == "night" else None
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(out), "w") as container:
        if creation_time:
            container.metadata["creation_time"] = creation_time
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = bitrate
        stream.options = {"preset": "veryfast"}
        if gop:
            stream.codec_context.gop_size = gop
        stream.codec_context.time_base = Fraction(1, fps)
        for i in range(round(seconds * fps)):
            t = start + i / fps
            if clip:
                src = clip[int(t / 0.07) % len(clip)]
            rgb = _frame(src, path, t, width, height)
            if noise is not None:  # a night camera's sensor noise, new in every frame
                grain = noise.normal(0.0, 3.0, rgb.shape[:2])[..., None]
                rgb = (rgb + grain).clip(0, 255).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out


def render_still(
    out: Path, photo: str = "coffee", *, seed: int = 0, width: int = 800, height: int = 600
) -> Path:
    """A JPEG still of the camera view, as a photo posted alongside footage."""
    rgb = _frame(terrain(photo), FlightPath(seed=seed), 0.0, width, height)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb).save(out, quality=90)
    return out
