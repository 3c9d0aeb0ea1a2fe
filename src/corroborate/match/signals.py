"""The built-in signals, registered through `register` as an outside signal would be.

- ``pdq-multiview/1``: PDQ-like hashes of several views (crops, bands, mirror images) of
  frames sampled over time; its PDQ was an approximation (`pdq_v1.py`). Kept so archives
  hashed under it keep matching until `corroborate rehash`.
- ``pdq-multiview/2``: the same views with PDQ exactly as Meta's reference computes it.
- ``pdq-multiview/3``: the same views and exact PDQ arithmetic, over a frame filtered with
  centred (odd) Jarosz windows, so that copies at different sizes line up; the matching
  signal.
- ``pdq/1``: plain PDQ of whole pictures, exactly `pdqhash.compute` (64 hex characters and a
  quality), to exchange with ThreatExchange and hash-sharing programmes.

A signal's views, sampling and hashing are part of its version: the golden-hash tests fail
on any change until it is registered under a new version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from corroborate.match import pdq, pdq_v1
from corroborate.match.errors import MediaError
from corroborate.match.frames import SampledFrame, VideoSamples, load_image
from corroborate.match.index import FrameIndex
from corroborate.match.signal import FileSignature, SignalType, register
from corroborate.match.views import (
    MIRRORED,
    NARROW_BAND_VIEWS,
    VIEWS,
    ViewSet,
    WindowHasher,
    boxed_pieces,
    hash_frame,
    masked_pieces,
)

_KINDS = ("video", "image", "audio", "document", "webpage", "other")


def _not_hashed(kind: str) -> None:
    if kind not in _KINDS:
        raise MediaError(f"unknown media kind {kind!r}")


@dataclass(frozen=True)
class MultiViewSignal(SignalType):
    """Hashes of the stored views of every sampled frame and, on query frames, of every
    query view and its mirror image."""

    hasher: WindowHasher
    # from version 4: what holds still across a shot (an overlay) is filled in from the
    # footage around it before hashing, in stored and query views alike, and the contrast
    # of dim or hazy footage is stretched so its quality reflects its structure
    masks_overlays: bool = False
    # from version 5: a centred picture in blurred fill that has as little detail as the
    # picture (a night or fog video reposted upright) is found by the step in motion at
    # its edges (`views.content_box`)
    finds_dim_fill: bool = False
    # which views are stored, queried and searched (`views.ViewSet`)
    views: ViewSet = VIEWS

    index_class = FrameIndex

    def searched(self, sig: FileSignature) -> np.ndarray:
        """A video query searches the index with fewer views than it is verified with (and
        fewer still for mirror images): see `views.ViewSet`."""
        if sig.kind != "video" or not sig.has_query_views:
            return super().searched(sig)
        base = sig.views % MIRRORED
        views = self.views
        mask: np.ndarray = np.where(
            sig.views >= MIRRORED, views.searched_mirrored[base], views.searched[base]
        )
        return mask

    def hash_frames(
        self, frames: Iterable[SampledFrame], kind: str, duration: float | Callable[[], float]
    ) -> FileSignature:
        """Hash every view of frames as they are decoded, a shot (or 30 s) at a time, so only
        the hashes are kept for the whole file. `duration` may be a callable read at the
        end, when a streamed video's length is known."""
        hashes: list[np.ndarray] = []
        times: list[np.ndarray] = []
        views: list[np.ndarray] = []
        quality: list[np.ndarray] = []
        query_every = max(1, round(self.sample_rate / self.query_rate))
        i = 0
        pieces = (
            masked_pieces(frames, dim_fill=self.finds_dim_fill)
            if self.masks_overlays
            else ((p, b, None) for p, b in boxed_pieces(frames))
        )
        for piece, box, mask in pieces:
            for frame in piece:
                ids, digests, q = hash_frame(
                    frame.gray,
                    box,
                    query=i % query_every == 0,
                    hasher=self.hasher,
                    mask=mask,
                    stretch=self.masks_overlays,
                    views=self.views,
                )
                hashes.append(digests)
                views.append(ids)
                quality.append(q)
                times.append(np.full(len(ids), frame.time, dtype=np.float32))
                i += 1
        return FileSignature(
            kind=kind,
            duration=float(duration() if callable(duration) else duration),
            times=np.concatenate(times),
            views=np.concatenate(views).astype(np.uint16, copy=False),
            quality=np.concatenate(quality).astype(np.uint8, copy=False),
            hashes=np.concatenate(hashes).astype(np.uint8, copy=False),
            signal=self.key,
        )

    def video_samples(self, path: Path, *, threads: int = 0) -> VideoSamples:
        """From version 4 decoded with the loop filter (see `VideoSamples`)."""
        return VideoSamples(path, self.sample_rate, threads=threads, deblock=self.masks_overlays)

    def hash_file(self, path: Path, kind: str, *, threads: int = 0) -> FileSignature | None:
        if kind == "video":
            samples = self.video_samples(path, threads=threads)
            return self.hash_frames(samples, "video", lambda: samples.duration)
        if kind == "image":
            gray = load_image(path)
            return self.hash_frames([SampledFrame(0.0, gray)], "image", 0.0)
        _not_hashed(kind)
        return None


def rgb_of_image(path: Path) -> np.ndarray:
    """A still's pixels as the `pdqhash` wheel is usually fed them (RGB, as stored: no
    resizing and no EXIF rotation, so the hash is the one another tool computes)."""
    try:
        with Image.open(path) as opened:
            return np.asarray(opened.convert("RGB"))
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise MediaError(f"cannot decode image {path.name}: {exc}") from exc


@dataclass(frozen=True)
class PdqSignal(SignalType):
    """Plain PDQ of whole pictures: one hash for a still (exactly `pdqhash.compute` on its
    pixels), one per sampled frame of a video (of the decoder's luma at working size)."""

    index_class = FrameIndex

    def hash_file(self, path: Path, kind: str, *, threads: int = 0) -> FileSignature | None:
        if kind == "image":
            digest, quality = pdq.hash_gray(pdq.luma(rgb_of_image(path)))
            return FileSignature(
                kind="image",
                duration=0.0,
                times=np.zeros(1, dtype=np.float32),
                views=np.zeros(1, dtype=np.uint16),
                quality=np.array([quality], dtype=np.uint8),
                hashes=digest[None, :],
                signal=self.key,
            )
        if kind == "video":
            samples = self.video_samples(path, threads=threads)
            rows = [(f.time, *pdq.hash_gray(f.gray.astype(np.float32))) for f in samples]
            if not rows:
                raise MediaError(f"{path.name}: no frames decoded")
            return FileSignature(
                kind="video",
                duration=samples.duration,
                times=np.array([r[0] for r in rows], dtype=np.float32),
                views=np.zeros(len(rows), dtype=np.uint16),
                quality=np.array([r[2] for r in rows], dtype=np.uint8),
                hashes=np.stack([r[1] for r in rows]),
                signal=self.key,
            )
        _not_hashed(kind)
        return None


def _multiview(
    version: int,
    hasher: WindowHasher,
    min_quality: int = 40,
    *,
    masks_overlays: bool = False,
    finds_dim_fill: bool = False,
    views: ViewSet = VIEWS,
) -> MultiViewSignal:
    return MultiViewSignal(
        name="pdq-multiview",
        version=version,
        bits=256,
        threshold=40,
        image_threshold=24,
        min_quality=min_quality,
        sample_rate=4.0,
        query_rate=2.0,
        min_seconds=5.0,
        stored_views=len(views.stored),
        hasher=hasher,
        masks_overlays=masks_overlays,
        finds_dim_fill=finds_dim_fill,
        views=views,
    )


# v2 is bit-exact PDQ (`pdq.py`), but the reference's even filter windows look a pixel
# forward, so copies decoded at sizes whose windows differ in parity (a low-resolution
# repost against a cropped one) are misaligned, and it kept v1's quality floor on PDQ's
# lower quality scale: its recall on the accuracy benchmark was 0.975 (v1: 1.000). v3
# hashes every view with the same exact PDQ over centred (odd) filter windows and is what
# archives are matched with (recall 1.000); v1 and v2 stay registered for archives hashed
# under them until `corroborate rehash`.
PDQ_MULTIVIEW_1 = register(_multiview(1, pdq_v1))
PDQ_MULTIVIEW_2 = register(_multiview(2, pdq))
# PDQ's own quality truncates every gradient to a whole percentage before summing, so it
# reads lower than v1's (a view at v1's 45 is about 27): v2 kept v1's floor of 40 and
# dropped most views of low-detail footage; v3's floor of 25 keeps what v1 kept.
PDQ_MULTIVIEW_3 = register(_multiview(3, pdq.CentredPdq(), min_quality=25))
# v4 is v3 with a channel's overlay (what holds still across a shot: badge, caption band,
# running timestamp, a screen recording's buttons) filled in from the footage around it
# before hashing, so two different videos under one overlay no longer share it, and frames
# whose footage has too little detail left fall below the quality floor and do not vote.
# Night and fog footage has its contrast stretched first (`views.stretched`): PDQ's bits do
# not change under a linear stretch, but its quality, which counts gradients, no longer
# mistakes dim footage for footage with no detail; and it is decoded with the loop filter,
# whose absence left block edges that outweighed such footage's own structure.
PDQ_MULTIVIEW_4 = register(_multiview(4, pdq.CentredPdq(), min_quality=25, masks_overlays=True))
# v5 is v4 that also finds a centred picture in blurred fill with as little detail as the
# picture itself (a night or fog video reposted upright: v4 hashed such a copy whole, fill
# and all, and missed it against every other copy), by the sharp step in motion at the
# picture's edges.
PDQ_MULTIVIEW_5 = register(
    _multiview(5, pdq.CentredPdq(), min_quality=25, masks_overlays=True, finds_dim_fill=True)
)
# v6 is v5 with the middle band a fifth in from each side instead of a tenth, so that it lies
# inside a copy cropped by up to a fifth on one side, with windows onto it for such a crop
# against the uncropped or a captioned copy and the other way round: v5's band lay outside a
# 15% crop, so the crop found a captioned copy only when the captioned one was the query.
PDQ_MULTIVIEW_6 = register(
    _multiview(
        6,
        pdq.CentredPdq(),
        min_quality=25,
        masks_overlays=True,
        finds_dim_fill=True,
        views=NARROW_BAND_VIEWS,
    ),
    matching=True,
)
# ThreatExchange's PDQ match threshold is 31 bits; stills only need one close hash
PDQ = register(
    PdqSignal(
        name="pdq",
        version=1,
        bits=256,
        threshold=31,
        image_threshold=31,
        min_quality=50,
        sample_rate=1.0,
        query_rate=1.0,
        min_seconds=5.0,
        stored_views=1,
    ),
    exchanged=True,
)
