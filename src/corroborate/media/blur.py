"""Blurring on the server: what a browser receives of a sensitive picture before anyone chose
to see it.

The picture is shrunk to a few pixels across (so no face, insignia or wound survives; a blur
alone can be partly undone, discarded pixels cannot), blown back up to the size it had and
smoothed, so the page keeps its layout. The result is a new JPEG without the original's
metadata.
"""

from __future__ import annotations

import io
from typing import IO

from PIL import Image, ImageFilter, ImageOps

from corroborate.errors import InputError

BLUR_ACROSS = 12  # pixels kept across the wider side: colours and layout, nothing to recognise
THUMB_SIDE = 320  # a still's thumbnail, as wide as a video's keyframes
MAX_STILL_PIXELS = 100_000_000  # larger pictures are refused, not decoded (a decompression bomb)


class PictureError(InputError):
    """The bytes are not a picture Pillow can read (or one too large to decode)."""


def _jpeg(picture: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    picture.convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()


def blurred_jpeg(data: bytes) -> bytes:
    """A JPEG of the same size as the picture in `data`, with nothing in it to recognise."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            picture = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PictureError(f"not a readable picture ({exc})") from None
    width, height = picture.size
    scale = BLUR_ACROSS / max(width, height)
    tiny = picture.resize(
        (max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.BOX
    )
    back = tiny.resize((width, height), Image.Resampling.BILINEAR)
    smooth = back.filter(ImageFilter.GaussianBlur(radius=max(width, height) / BLUR_ACROSS / 2))
    return _jpeg(smooth, quality=70)


def still_thumbnail(source: IO[bytes]) -> bytes:
    """A JPEG at most THUMB_SIDE pixels on its longer side from a still picture's file."""
    try:
        with Image.open(source) as opened:
            if opened.width * opened.height > MAX_STILL_PIXELS:
                raise PictureError(f"{opened.width}x{opened.height} pixels: too large to show")
            opened.draft("RGB", (THUMB_SIDE * 2, THUMB_SIDE * 2))  # JPEG: decode at a small size
            picture = ImageOps.exif_transpose(opened).convert("RGB")
    except PictureError:
        raise
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PictureError(f"not a readable picture ({exc})") from None
    picture.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return _jpeg(picture, quality=80)
