"""Container and stream metadata with PyAV, EXIF for images, C2PA Content Credentials."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, cast

import av

from corroborate.errors import InputError


class MediaUnreadable(InputError):
    """The file was archived, but its media cannot be decoded (truncated or corrupt)."""


_ISO6709 = re.compile(r"^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?/?$")


def probe(path: Path, kind: str) -> dict[str, Any]:
    """Metadata for a file of this kind; raises MediaUnreadable for broken audio/video/images."""
    meta: dict[str, Any] = {}
    if kind in ("video", "audio"):
        meta.update(_probe_av(path, kind))
    elif kind == "image":
        meta.update(_probe_image(path))
    c2pa = _c2pa(path) if kind in ("video", "image", "audio", "document") else None
    if c2pa is not None:
        meta["c2pa"] = c2pa
    return meta


def _num(value: Fraction | float | int | None) -> float | None:
    return None if value is None else round(float(value), 6)


def _probe_av(path: Path, kind: str) -> dict[str, Any]:
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaUnreadable(f"{path.name}: unreadable media ({_short(exc)})") from None
    with container:
        tags = {str(k): str(v) for k, v in container.metadata.items()}
        meta: dict[str, Any] = {
            "format": container.format.name,
            "duration_s": _num(container.duration / 1_000_000) if container.duration else None,
            "bit_rate": container.bit_rate or None,
            "tags": tags,
            "streams": [],
        }
        if "creation_time" in tags:
            meta["creation_time"] = tags["creation_time"]
        for key in ("location", "com.apple.quicktime.location.ISO6709", "location-eng"):
            if key in tags and (loc := _iso6709(tags[key])):
                meta["location"] = loc
        for stream in container.streams:
            info: dict[str, Any] = {"index": stream.index, "type": stream.type}
            ctx: Any = stream.codec_context
            info["codec"] = ctx.name if ctx else None
            if stream.type == "video":
                info.update(
                    width=ctx.width,
                    height=ctx.height,
                    frame_rate=_num(stream.average_rate or stream.guessed_rate),
                    frames=stream.frames or None,
                    pix_fmt=ctx.pix_fmt,
                )
            elif stream.type == "audio":
                info.update(sample_rate=ctx.sample_rate, channels=ctx.channels)
            info["tags"] = {str(k): str(v) for k, v in stream.metadata.items()}
            meta["streams"].append(info)
        videos = [s for s in container.streams if s.type == "video"]
        audios = [s for s in container.streams if s.type == "audio"]
        if kind == "video" and not videos:
            raise MediaUnreadable(f"{path.name}: unreadable media (no video stream)")
        # Decoding one frame proves the stream is real and yields the display rotation.
        target = videos[0] if videos else (audios[0] if audios else None)
        if target is None:
            raise MediaUnreadable(f"{path.name}: unreadable media (no audio or video stream)")
        try:
            frame = next(container.decode(target), None)
        except (av.FFmpegError, ValueError) as exc:
            raise MediaUnreadable(f"{path.name}: unreadable media ({_short(exc)})") from None
        if frame is None:
            raise MediaUnreadable(f"{path.name}: truncated or corrupt media (no frame decodes)")
        if videos:
            meta["rotation"] = int(getattr(frame, "rotation", 0) or 0)
            v = meta["streams"][videos[0].index]
            meta.update(
                width=v["width"], height=v["height"], frame_rate=v["frame_rate"], codec=v["codec"]
            )
        if meta["duration_s"] is None and target.duration and target.time_base:
            meta["duration_s"] = _num(target.duration * target.time_base)
    return meta


def _iso6709(value: str) -> dict[str, float] | None:
    m = _ISO6709.match(value.strip())
    if not m:
        return None
    lat, lon = float(m.group(1)), float(m.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    loc = {"latitude": lat, "longitude": lon}
    if m.group(3):
        loc["altitude"] = float(m.group(3))
    return loc


def _probe_image(path: Path) -> dict[str, Any]:
    from PIL import ExifTags, Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.verify()
        with Image.open(path) as img:
            img.load()
            meta: dict[str, Any] = {"format": img.format, "width": img.width, "height": img.height}
            exif = img.getexif()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise MediaUnreadable(f"{path.name}: unreadable image ({_short(exc)})") from None
    tags: dict[str, Any] = {}
    for tag_id, value in exif.items():
        name = ExifTags.TAGS.get(tag_id, str(tag_id))
        if isinstance(value, bytes | bytearray):
            continue
        tags[name] = str(value)
    try:
        tags.update(
            {
                ExifTags.TAGS.get(k, str(k)): str(v)
                for k, v in exif.get_ifd(0x8769).items()
                if not isinstance(v, bytes | bytearray)
            }
        )
    except (KeyError, ValueError):
        pass
    if tags:
        meta["exif"] = tags
        for key in ("DateTimeOriginal", "DateTime"):
            if key in tags:
                meta["creation_time"] = tags[key]
                break
    gps = _exif_gps(exif)
    if gps:
        meta["location"] = gps
    return meta


def _exif_gps(exif: Any) -> dict[str, float] | None:
    try:
        gps = exif.get_ifd(0x8825)
    except (KeyError, ValueError):
        return None
    if not gps or 2 not in gps or 4 not in gps:
        return None

    def deg(v: Any) -> float:
        d, m, s = (float(x) for x in v)
        return d + m / 60 + s / 3600

    try:
        lat = deg(gps[2]) * (-1 if gps.get(1) == "S" else 1)
        lon = deg(gps[4]) * (-1 if gps.get(3) == "W" else 1)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return {"latitude": round(lat, 7), "longitude": round(lon, 7)}


# The UUID that opens a C2PA manifest store's JUMBF description box ("c2pa" + ISO suffix).
_C2PA_STORE_UUID = bytes.fromhex("6332706100110010800000aa00389b71")
# What a file's Content Credentials came to: C2PA's own validation states, and one more.
C2paStatus = Literal["trusted", "valid", "invalid", "unreadable"]


def _c2pa(path: Path) -> dict[str, Any] | None:
    """Content Credentials (C2PA): None when the file carries none, else what was found.

    `status` is C2PA's validation state (`trusted`, `valid`, `invalid`: a tampered file or a
    broken signature) or `unreadable` when the file holds a manifest store that cannot be
    parsed; `problems` are the failed checks (code and explanation). A damaged or forged
    manifest is evidence in itself, so it is never read as "no manifest".
    """
    import c2pa  # a required package, loaded on first use: its native library is slow to load

    try:
        with open(path, "rb") as stream:
            reader = c2pa.Reader.try_create(stream)
            if reader is None:  # no manifest store in the file: the common case
                return None
            with reader:
                store: Any = json.loads(reader.json())
    except (c2pa.C2paError, ValueError) as exc:
        # c2pa also raises for formats it does not read and for assets it cannot parse;
        # those hold no manifest store unless the store's own signature is in the bytes
        if not _holds_c2pa_store(path):
            return None
        return _unreadable(_short(exc))
    if not isinstance(store, dict):
        return _unreadable("the reader gave no manifest store")
    results = store.get("validation_results") or {}
    failures = (results.get("activeManifest") or {}).get("failure") or []
    if not results:  # readers that give only the flat list of failed checks
        failures = store.get("validation_status") or []
    problems = [
        f"{f.get('code', '?')}: {f.get('explanation', '')}".rstrip(": ")
        for f in failures
        if isinstance(f, dict)
    ]
    state = str(store.get("validation_state") or "").lower()
    status: C2paStatus
    if state in ("trusted", "valid", "invalid"):
        status = cast(C2paStatus, state)
    else:
        status = "invalid" if problems else "valid"
    return {"status": status, "problems": problems, "manifest_store": store}


def _unreadable(problem: str) -> dict[str, Any]:
    return {"status": "unreadable", "problems": [problem], "manifest_store": None}


def _holds_c2pa_store(path: Path, chunk: int = 1 << 20) -> bool:
    """Whether the file's bytes contain a C2PA manifest store's JUMBF signature."""
    tail = b""
    with open(path, "rb") as f:
        while block := f.read(chunk):
            if _C2PA_STORE_UUID in tail + block:
                return True
            tail = block[-(len(_C2PA_STORE_UUID) - 1) :]
    return False


def c2pa_notice(metadata: dict[str, Any]) -> str | None:
    """One sentence for the user when a file's Content Credentials do not check out."""
    found = metadata.get("c2pa")
    if not isinstance(found, dict) or "status" not in found:
        return None
    problems = [str(p) for p in found.get("problems") or []]
    if found["status"] == "invalid":
        codes = ", ".join(p.split(":", 1)[0] for p in problems) or "no detail"
        return f"C2PA Content Credentials do not verify: tampered or badly signed ({codes})"
    if found["status"] == "unreadable":
        return f"C2PA Content Credentials present but unreadable ({'; '.join(problems)})"
    return None


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"^\[Errno -?\d+\]\s*", "", text)[:160]
