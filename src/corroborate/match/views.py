"""Views of a frame: the picture with its fill stripped, cut several ways, so that crops,
caption bands, logos and mirroring leave some pair of views nearly identical.

Fill (black bars, a blurred copy of the video, a phone's screen-recording UI) is found per
shot from temporal statistics: real picture both changes over time and has fine detail;
bars and UI are static, blurred fill has no detail.

Stored views are few (they go into the index). Query views are many: for every way an edge
may have been cut, the window that lines the query up with a stored view, in steps small
enough (1.25-2.5% of the picture) that the hash stays within its threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from corroborate.errors import InternalError
from corroborate.match.frames import SampledFrame


class WindowHasher(Protocol):
    """What a multi-view signal hashes windows with: a filter run once per frame, then a
    hash per window of the filtered frame (`pdq.py` is one)."""

    def prefilter(self, gray: np.ndarray, width: int, height: int) -> np.ndarray: ...

    def hash_windows(
        self,
        blurred: np.ndarray,
        windows: np.ndarray,
        *,
        each_quality: bool = ...,
        mirror_of: np.ndarray | None = ...,
    ) -> tuple[np.ndarray, np.ndarray]: ...


Window = tuple[float, float, float, float]  # fractions cut from left, right, top, bottom

# Part of the signal's version: changing these lists means a new signal version.
STORED_VIEWS: tuple[Window, ...] = (
    (0.0, 0.0, 0.0, 0.0),  # whole picture
    (0.2, 0.0, 0.0, 0.0),  # a fifth cut from one edge
    (0.0, 0.2, 0.0, 0.0),
    (0.0, 0.0, 0.2, 0.0),
    (0.0, 0.0, 0.0, 0.2),
    (0.1, 0.1, 0.1, 0.1),  # centre, clear of corner logos and tickers
    (0.1, 0.1, 0.0, 0.2),  # upper centre, clear of a caption band too
    (0.1, 0.1, 0.15, 0.28),  # middle band: clear of corner logos, captions and subtitles
)
_BAND = (0.15, 0.72)  # the middle band's top and bottom


def _stored_corner(a: float, b: float) -> list[Window]:
    """Windows of an uncropped query onto the centre view of a copy that lost `a` from a
    side and `b` from the top or bottom."""
    cut_h, keep_h = round(a + 0.1 * (1 - a), 4), round(0.1 * (1 - a), 4)
    cut_v, keep_v = round(b + 0.1 * (1 - b), 4), round(0.1 * (1 - b), 4)
    return [
        (cut_h, keep_h, cut_v, keep_v),
        (cut_h, keep_h, keep_v, cut_v),
        (keep_h, cut_h, cut_v, keep_v),
        (keep_h, cut_h, keep_v, cut_v),
    ]


Region = tuple[float, float, float, float]  # x0, x1, y0, y1 as fractions of a larger picture
_WHOLE: Region = (0.0, 1.0, 0.0, 1.0)

# A crop by one channel and a caption band by another: the band is stripped as static fill,
# so the copy shows the cropped picture less a band at its bottom. Bands of 10-20%.
_CAPTION_BANDS = tuple(round(0.1 + 0.025 * i, 4) for i in range(5))
_CAPTIONED_SIDE_CROPS = (0.05, 0.1, 0.15, 0.2)
_CAPTIONED_TOP_CROPS = (0.05, 0.1, 0.15)


def _kept(region: Region, view: Window) -> Region:
    """The part of `region` that `view` keeps."""
    x0, x1, y0, y1 = region
    w, h = x1 - x0, y1 - y0
    left, right, top, bottom = view
    return x0 + left * w, x1 - right * w, y0 + top * h, y1 - bottom * h


def _onto(query: Region, target: Region) -> Window | None:
    """The window of a picture showing `query` that shows `target`; None if it cannot."""
    x0, x1, y0, y1 = query
    w, h = x1 - x0, y1 - y0
    view = (
        round((target[0] - x0) / w, 4),
        round((x1 - target[1]) / w, 4),
        round((target[2] - y0) / h, 4),
        round((y1 - target[3]) / h, 4),
    )
    return view if min(view) >= 0.0 else None


def _cropped_captioned(
    band_view: Window, bands: tuple[float, ...], side_crops: tuple[float, ...]
) -> list[Window]:
    """Windows onto the middle band of another copy, for copies cropped by one channel and
    captioned by another: the cropped-and-captioned copy (or a captioned one) against the
    uncropped picture (or a cropped one), and the other way round. A band of 0 is a crop
    against the uncropped picture."""
    out: list[Window] = []
    for b in bands:
        captioned = (0.0, 1.0, 0.0, 1.0 - b)
        crops: list[Region] = []
        for a in side_crops:
            crops += [(a, 1.0, 0.0, 1.0), (0.0, 1.0 - a, 0.0, 1.0)]
        crops += [(0.0, 1.0, t, 1.0) for t in _CAPTIONED_TOP_CROPS]
        for crop in crops:
            both = (crop[0], crop[1], crop[2], crop[2] + (crop[3] - crop[2]) * (1.0 - b))
            for query, stored in (
                (both, _WHOLE),
                (_WHOLE, both),
                (captioned, crop),
                (crop, captioned),
            ):
                view = _onto(query, _kept(stored, band_view))
                if view is not None:
                    out.append(view)
    return out


def _query_views(stored: tuple[Window, ...], captioned: list[Window]) -> tuple[Window, ...]:
    band_side = stored[-1][0]  # the middle band's cut from each side
    views: list[Window] = list(stored)
    steps = [round(0.025 * i, 4) for i in range(1, 17)]
    for c in steps[:10]:
        views += [(c, 0.0, 0.0, 0.0), (0.0, c, 0.0, 0.0)]
    for c in steps:
        views += [(0.0, 0.0, c, 0.0), (0.0, 0.0, 0.0, c)]
    for i in range(1, 9):
        e = round(0.025 * i, 4)
        views.append((e, e, e, e))
    for b in [0.0, *steps]:
        views.append((0.1, 0.1, 0.0, b))
    # the middle band, lined up when a band or crop took `c` off the bottom or the top of
    # the query or of the stored copy
    top, bottom = _BAND
    for c in steps[:12]:
        for t0, t1 in (
            (top / (1 - c), bottom / (1 - c)),  # query lost c at the bottom
            (top * (1 - c), bottom * (1 - c)),  # stored copy lost c at the bottom
            ((top - c) / (1 - c), (bottom - c) / (1 - c)),  # query lost c at the top
            (c + top * (1 - c), c + bottom * (1 - c)),  # stored copy lost c at the top
        ):
            if 0.0 <= t0 < t1 <= 1.0:
                views.append((band_side, band_side, round(t0, 4), round(1.0 - t1, 4)))
    # corner crops (two adjacent edges cut, e.g. to remove a watermark): the window of the
    # query that lines up with the stored centre view (a tenth cut from every edge)
    for a in steps[:4]:
        for b in steps[:4]:
            near_h, far_h = round((0.1 - a) / (1 - a), 4), round(0.1 / (1 - a), 4)
            near_v, far_v = round((0.1 - b) / (1 - b), 4), round(0.1 / (1 - b), 4)
            views += [
                (near_h, far_h, near_v, far_v),  # query lost its left and top
                (near_h, far_h, far_v, near_v),  # left and bottom
                (far_h, near_h, near_v, far_v),  # right and top
                (far_h, near_h, far_v, near_v),  # right and bottom
            ]
            # the stored copy lost the corner: the query's window onto its centre view
            views += _stored_corner(a, b)
    views += captioned
    return tuple(dict.fromkeys(views))


def _corner_windows(amounts: tuple[float, ...]) -> set[Window]:
    out: set[Window] = set()
    for a in amounts:
        for b in amounts:
            nh, fh = round((0.1 - a) / (1 - a), 4), round(0.1 / (1 - a), 4)
            nv, fv = round((0.1 - b) / (1 - b), 4), round(0.1 / (1 - b), 4)
            out |= {(nh, fh, nv, fv), (nh, fh, fv, nv), (fh, nh, nv, fv), (fh, nh, fv, nv)}
            out |= set(_stored_corner(a, b))
    return out


_CORNER_ALL = _corner_windows((0.025, 0.05, 0.075, 0.1))
_CORNER_SEARCHED = _corner_windows((0.05, 0.1))

# View ids at or above this are the same windows of the mirrored picture.
MIRRORED = 1000


@dataclass(frozen=True, eq=False)
class ViewSet:
    """One signal version's views: which are stored, which a query hashes, which of those
    search the index, and the windows hashed to get them (made once, not per frame).
    Part of the signal's version: changing one means a new signal version."""

    stored: tuple[Window, ...]
    query: tuple[Window, ...]  # the stored views first, with the same ids
    searched: np.ndarray  # bool per query view id: whether it searches the index
    searched_mirrored: np.ndarray  # and whether its mirror image does
    hashed: tuple[Window, ...]  # the query views, then the mirror images' own windows
    mirror_of: np.ndarray  # per query view, the hashed window its mirror image comes from
    # the same as arrays, made once (not per frame)
    stored_array: np.ndarray = field(init=False)
    hashed_array: np.ndarray = field(init=False)
    query_rows: np.ndarray = field(init=False)  # rows of `hashed` that are query views
    query_ids: np.ndarray = field(init=False)  # their ids: plain, then mirrored

    def __post_init__(self) -> None:
        n, m = len(self.query), len(self.hashed)
        ids = np.concatenate([np.arange(n), np.arange(n) + MIRRORED]).astype(np.uint16)
        object.__setattr__(self, "stored_array", np.asarray(self.stored, dtype=np.float32))
        object.__setattr__(self, "hashed_array", np.asarray(self.hashed, dtype=np.float32))
        object.__setattr__(self, "query_rows", np.r_[0:n, m : m + n])
        object.__setattr__(self, "query_ids", ids)


def view_set(
    stored: tuple[Window, ...],
    *,
    bands: tuple[float, ...] = _CAPTION_BANDS,
    side_crops: tuple[float, ...] = _CAPTIONED_SIDE_CROPS,
) -> ViewSet:
    """The views of a signal whose last stored view is its middle band."""
    band_view = stored[-1]
    captioned = _cropped_captioned(band_view, bands, side_crops)
    captioned_all = set(captioned)
    # a crop-and-caption window searches the index for bands every 5% only
    captioned_searched = set(
        _cropped_captioned(
            band_view, tuple(b for b in bands if b == 0.0) + _CAPTION_BANDS[::2], side_crops
        )
    )
    query = _query_views(stored, captioned)
    if len(query) >= MIRRORED:  # a mirrored view's id would collide with a plain one
        raise InternalError(f"{len(query)} query views do not fit under {MIRRORED}")

    def searched(view: Window) -> bool:
        """One-edge crops only every 5% (the steps between find the same footage and are
        used when verifying)."""
        cuts = [c for c in view if c]
        if view in captioned_all:
            return view in captioned_searched
        if view in _CORNER_ALL:  # a corner-crop window: searched at the 5% steps only
            return view in _CORNER_SEARCHED
        if len(cuts) != 1:
            return True
        return round(cuts[0] / 0.025) % 2 == 0

    plain = np.array([searched(v) for v in query], dtype=bool)
    # Mirror images search the index with fewer windows: every window searched costs query
    # time against the whole archive, and a flipped copy that was also cut at a corner, or
    # cropped and captioned with a band far from a seventh of the height, is rare
    # (verification still compares every window).
    mirror_searched = set(_cropped_captioned(band_view, (0.15,), side_crops))
    mirrored = plain & np.array(
        [v in mirror_searched or (v not in captioned_all and v not in _CORNER_ALL) for v in query],
        dtype=bool,
    )
    # every query view's mirror image comes from a plain window: the mirror image of view
    # (l, r, t, b) is the mirrored hash of window (r, l, t, b)
    swapped = [(r, left, t, b) for left, r, t, b in query]
    hashed = list(query)
    hashed += [v for v in dict.fromkeys(swapped) if v not in query]
    mirror_of = np.array([hashed.index(v) for v in swapped], dtype=np.intp)
    return ViewSet(stored, query, plain, mirrored, tuple(hashed), mirror_of)


# The views of pdq-multiview/1-/5: the middle band a tenth in from each side.
VIEWS = view_set(STORED_VIEWS)
# From pdq-multiview/6: the middle band a fifth in from each side, so that it lies inside a
# copy cropped by up to a fifth on one side, and windows onto it for crops against the
# uncropped or captioned picture and the other way round.
NARROW_BAND_VIEWS = view_set(
    (*STORED_VIEWS[:-1], (0.2, 0.2, 0.15, 0.28)), bands=(0.0, *_CAPTION_BANDS)
)

# the names of the first view set, which other modules and tests read
QUERY_VIEWS: tuple[Window, ...] = VIEWS.query
N_STORED = len(STORED_VIEWS)
SEARCHED = VIEWS.searched
SEARCHED_MIRRORED = VIEWS.searched_mirrored

# A new shot starts where consecutive samples differ this much (mean absolute luma, 0-255,
# on a 16x9 thumbnail).
CUT_THRESHOLD = 40.0
# Temporal standard deviation (grey levels) below which a pixel counts as static.
NOISE = 2.0


def _thumb(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    ys = (np.arange(9) * h // 9 + h // 18)[:, None]
    xs = (np.arange(16) * w // 16 + w // 32)[None, :]
    thumb: np.ndarray = gray[ys, xs].astype(np.float32)
    return thumb


def _span(active: np.ndarray) -> tuple[int, int] | None:
    idx = np.flatnonzero(active)
    if idx.size == 0:
        return None
    return int(idx[0]), int(idx[-1]) + 1


def content_box(grays: list[np.ndarray], *, dim_fill: bool = False) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) in pixels of the real picture within these frames of one shot;
    with `dim_fill`, a centred picture whose blurred fill has as little detail as the
    picture itself (night, fog) is found by the sharp step in motion at its edges."""
    box = _detail_box(grays)
    if not dim_fill or len(grays) < 3:
        return box
    # where the detail box reaches into fill (it holds the sharp span and more), the fill
    # had detail of its own: the sharp edges are the picture's
    x0, y0, x1, y1 = box
    motion = np.stack(grays[:: max(1, len(grays) // 24)]).astype(np.float32).std(axis=0)
    rows = _sharp_centred_span(motion[:, x0:x1].mean(axis=1))
    if rows is not None and _fill_between(motion[:, x0:x1], rows, (y0, y1)):
        y0, y1 = rows
    cols = _sharp_centred_span(motion[y0:y1, :].mean(axis=0))
    if cols is not None and _fill_between(motion[y0:y1, :].T, cols, (x0, x1)):
        x0, x1 = cols
    return x0, y0, x1, y1


def _fill_between(motion: np.ndarray, span: tuple[int, int], found: tuple[int, int]) -> bool:
    """Whether the rows of `motion` outside `span` are fill the detail box (`found`) took
    for picture: it reached into them by more than a couple of pixels, and they move about
    evenly along their length (a band with a still badge on part of it and footage beside
    it is not fill)."""
    a, b = span
    if not (found[0] <= a and b <= found[1]) or max(a - found[0], found[1] - b) <= 3:
        return False
    edge = _EDGE_PX + 1  # the rows at the edge itself are neither
    outside = np.concatenate(
        [motion[found[0] : max(found[0], a - edge)], motion[b + edge : found[1]]]
    )
    if not len(outside):
        return False
    low, high = np.percentile(outside, (10, 90), axis=1)
    return float(np.median(low / np.maximum(high, 1e-3))) >= _FILL_EVENNESS


# A centred picture's edge against its fill: the step in the profile of motion happens
# within this many pixels (working size), and is this share of the contrast between them.
_EDGE_PX = 2
_EDGE_SHARE = 0.6
_FILL_CONTRAST = 1.25  # the picture moves at least this much more than its fill
# Fill moves about evenly along its rows (a blurred copy, noise); a band with a still badge
# on part of it and footage beside it does not: the 10th percentile of a fill row's motion
# is at least this share of its 90th.
_FILL_EVENNESS = 0.3


def _sharp_centred_span(profile: np.ndarray) -> tuple[int, int] | None:
    """The rows (or columns) of a picture centred between two like margins of fill that
    move less, when the profile steps up sharply at both edges; None when it does not.
    Of the splits that qualify, the one that separates the two best (as Otsu's method
    scores a split) wins."""
    n, e = len(profile), _EDGE_PX
    sums = np.concatenate([[0.0], np.cumsum(profile, dtype=np.float64)])
    best: tuple[float, int, int] | None = None
    for top in range(max(3, n // 30), int(n * 0.45)):
        slack = max(3, top // 10)  # the two margins alike, within a tenth
        for bottom in range(max(3, top - slack), min(int(n * 0.45), top + slack) + 1):
            end = n - bottom
            inside = (sums[end] - sums[top]) / (end - top)
            outside = (sums[top] + sums[n] - sums[end]) / (top + bottom)
            if inside < _FILL_CONTRAST * outside:
                continue
            rise = profile[top : top + e + 1].max() - profile[max(0, top - e - 1) : top].min()
            fall = profile[end - e - 1 : end].max() - profile[end : end + e + 1].min()
            contrast = inside - outside
            if min(rise, fall) < _EDGE_SHARE * contrast:
                continue
            share = (top + bottom) / n
            separation = float(share * (1 - share) * contrast**2)
            if best is None or separation > best[0]:
                best = (separation, top, end)
    return None if best is None else (best[1], best[2])


def _detail_box(grays: list[np.ndarray]) -> tuple[int, int, int, int]:
    h, w = grays[0].shape
    stack = np.stack(grays[:: max(1, len(grays) // 24)]).astype(np.float32)
    # fine detail (a Laplacian), which blurred fill lacks even where it has gradients
    lap = np.zeros_like(stack)
    lap[:, 1:-1, 1:-1] = np.abs(
        4 * stack[:, 1:-1, 1:-1]
        - stack[:, :-2, 1:-1]
        - stack[:, 2:, 1:-1]
        - stack[:, 1:-1, :-2]
        - stack[:, 1:-1, 2:]
    )
    detail = lap.mean(axis=0)
    detail[0, :], detail[-1, :], detail[:, 0], detail[:, -1] = (
        detail[1, :],
        detail[-2, :],
        detail[:, 1],
        detail[:, -2],
    )
    if len(stack) >= 3:
        motion = stack.std(axis=0)
        # picture moves and has detail; fill lacks one or the other. Codec noise makes static
        # text and UI flicker by a grey level or two: that is not motion.
        moving = np.maximum(motion - NOISE, 0.0)
        scale = np.percentile(moving, 90) + 1e-3
        score = np.minimum(detail, 40.0) * np.minimum(moving / scale, 1.0)
    else:
        score = np.minimum(detail, 40.0)
    col = np.percentile(score, 90, axis=0)
    xs = _span(col > 0.13 * (np.percentile(col, 90) + 1e-6))
    if xs is None:
        return 0, 0, w, h
    row = np.percentile(score[:, xs[0] : xs[1]], 90, axis=1)
    ys = _span(row > 0.13 * (np.percentile(row, 90) + 1e-6))
    if ys is None:
        return 0, 0, w, h
    (x0, x1), (y0, y1) = xs, ys
    if (x1 - x0) * (y1 - y0) < 0.08 * w * h or x1 - x0 < 24 or y1 - y0 < 24:
        return 0, 0, w, h
    # edges within a couple of pixels of the frame are the frame
    x0 = 0 if x0 <= 2 else x0
    y0 = 0 if y0 <= 2 else y0
    x1 = w if x1 >= w - 2 else x1
    y1 = h if y1 >= h - 2 else y1
    return _plausible_fill(stack, detail, (x0, y0, x1, y1))


def _plausible_fill(
    stack: np.ndarray, detail: np.ndarray, box: tuple[int, int, int, int]
) -> tuple[int, int, int, int]:
    """Keep a stripped side only if it looks like fill: static (bars, UI, a caption band)
    or mirrored by a like strip on the opposite side (centred video in black or blurred
    fill). Plain sky or smoke on one side is picture, not fill."""
    h, w = stack.shape[1:]
    x0, y0, x1, y1 = box
    moving = stack.std(axis=0) if len(stack) >= 3 else None

    def static(region: tuple[slice, slice]) -> bool:
        if moving is None:
            return float(np.median(detail[region])) < 1.0
        return float(np.median(moving[region])) < NOISE

    def pair(a: int, b: int, size: int) -> bool:
        return a > 0 and b > 0 and abs(a - b) <= max(3, 0.1 * max(a, b)) and a < size // 2

    left, right, top, bottom = x0, w - x1, y0, h - y1
    keep_lr = pair(left, right, w)
    keep_tb = pair(top, bottom, h)
    if left and not keep_lr and not static((slice(None), slice(0, x0))):
        x0 = 0
    if right and not keep_lr and not static((slice(None), slice(x1, w))):
        x1 = w
    if top and not keep_tb and not static((slice(0, y0), slice(x0, x1))):
        y0 = 0
    if bottom and not keep_tb and not static((slice(y1, h), slice(x0, x1))):
        y1 = h
    return x0, y0, x1, y1


# A shot longer than this many samples is boxed in pieces, so only one piece is ever held
# in memory (30 s at 4 samples a second); a piece shorter than MIN_PIECE keeps the box of
# the piece before it, as too few samples say little about what is static.
MAX_PIECE = 120
MIN_PIECE = 12


def boxed_pieces(
    frames: Iterable[SampledFrame], *, dim_fill: bool = False
) -> Iterator[tuple[list[SampledFrame], tuple[int, int, int, int]]]:
    """Consecutive runs of frames from one shot (one layout of fill), each with the content
    box found in it; frames are consumed as they come, a shot or 30 s at a time."""
    piece: list[SampledFrame] = []
    prev: np.ndarray | None = None
    box: tuple[int, int, int, int] | None = None  # of the last piece of the current shot

    def boxed(
        run: list[SampledFrame], carried: tuple[int, int, int, int] | None
    ) -> tuple[int, int, int, int]:
        if carried is not None and len(run) < MIN_PIECE:
            return carried
        return content_box([f.gray for f in run], dim_fill=dim_fill)

    for frame in frames:
        th = _thumb(frame.gray)
        cut = prev is not None and (
            prev.shape != th.shape or float(np.abs(th - prev).mean()) > CUT_THRESHOLD
        )
        prev = th
        if piece and (cut or len(piece) >= MAX_PIECE):
            box = boxed(piece, box)
            yield piece, box
            piece = []
            if cut:
                box = None
        piece.append(frame)
    if piece:
        yield piece, boxed(piece, box)


def _pixel_windows(box: tuple[int, int, int, int], views: np.ndarray) -> np.ndarray:
    """Windows [x0, y0, x1, y1] in pixels of `box` for views as an array [n, 4] (float32)."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    v = views
    return np.stack(
        [x0 + v[:, 0] * w, y0 + v[:, 2] * h, x1 - v[:, 1] * w, y1 - v[:, 3] * h], axis=1
    )


def hash_frame(
    gray: np.ndarray,
    box: tuple[int, int, int, int],
    query: bool,
    hasher: WindowHasher,
    mask: np.ndarray | None = None,
    *,
    stretch: bool = False,
    views: ViewSet = VIEWS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(view ids, packed hashes [n, bytes], qualities) of one frame: stored views only, or
    every query view and its mirror image; `mask` (an overlay's pixels) is filled in from
    the footage around it first, and with `stretch` the footage's contrast is stretched."""
    x0, y0, x1, y1 = box
    levels = gray if mask is None and gray.dtype == np.uint8 else None
    gray = without_overlay(gray.astype(np.float32, copy=False), mask)
    if stretch:
        gray = stretched(gray, box, levels)
    blurred = hasher.prefilter(gray, x1 - x0, y1 - y0)
    if not query:
        hashes, quality = hasher.hash_windows(
            blurred, _pixel_windows(box, views.stored_array), each_quality=False
        )
        return np.arange(len(views.stored), dtype=np.uint16), hashes, quality
    hashes, quality = hasher.hash_windows(
        blurred,
        _pixel_windows(box, views.hashed_array),
        each_quality=False,
        mirror_of=views.mirror_of,
    )
    rows = views.query_rows
    return views.query_ids.copy(), hashes[rows], quality[rows]


# What is static across a shot is not footage: a channel's badge, caption band, ticker, a
# running timestamp, a screen recording's buttons. A pixel is static when it stays within
# STILL_LEVEL grey levels (codec flicker) between this share of consecutive samples.
STILL_LEVEL = 2.5
STILL_SHARE = 0.8
# Samples a shot needs before what holds still in it says anything.
MIN_MASK_SAMPLES = 8
# Above this share of the picture held still, the shot is a still picture (a slideshow, a
# photo with music): it is hashed whole, as a photo is.
MAX_STILL = 0.85
# Running text (a clock, a ticker): glyphs a few pixels apart are one overlay; the gaps
# between them and the digits that change are closed over by this many pixels (working size,
# about a 290-pixel-wide frame) across and down.
_CLOSE_X, _CLOSE_Y = 3, 1


def _box_sum(a: np.ndarray, ry: int, rx: int) -> np.ndarray:
    """Sum over a (2ry+1) x (2rx+1) window at every pixel (zero outside), by cumulative sums."""
    h, w = a.shape
    c = np.zeros((h + 1, w + 1), dtype=np.float32)
    c[1:, 1:] = np.cumsum(np.cumsum(a, axis=0, dtype=np.float32), axis=1)
    y0 = np.clip(np.arange(h) - ry, 0, h)
    y1 = np.clip(np.arange(h) + ry + 1, 0, h)
    x0 = np.clip(np.arange(w) - rx, 0, w)
    x1 = np.clip(np.arange(w) + rx + 1, 0, w)
    out: np.ndarray = c[y1][:, x1] - c[y0][:, x1] - c[y1][:, x0] + c[y0][:, x0]
    return out


def _closed(mask: np.ndarray, ry: int, rx: int) -> np.ndarray:
    """Morphological closing (dilate, then erode) with a (2ry+1) x (2rx+1) rectangle."""
    grown = _box_sum(mask.astype(np.float32), ry, rx) > 0.5
    # erosion of `grown`: every pixel of the window set (outside the frame counts as set)
    missing = _box_sum((~grown).astype(np.float32), ry, rx)
    closed: np.ndarray = (missing < 0.5) | mask
    return closed


def _edges(picture: np.ndarray) -> np.ndarray:
    """Gradient magnitude (grey levels per pixel, |dx| + |dy|) of a picture."""
    g = np.zeros_like(picture)
    g[:, 1:-1] += np.abs(picture[:, 2:] - picture[:, :-2]) / 2
    g[1:-1, :] += np.abs(picture[2:, :] - picture[:-2, :]) / 2
    return g


def _reached(seeds: np.ndarray, through: np.ndarray) -> np.ndarray:
    """Pixels of `through` joined to `seeds` by a 4-connected path inside `through`."""
    reach = seeds.copy()
    while True:
        grown = reach.copy()
        grown[1:, :] |= reach[:-1, :]
        grown[:-1, :] |= reach[1:, :]
        grown[:, 1:] |= reach[:, :-1]
        grown[:, :-1] |= reach[:, 1:]
        grown &= through | seeds
        if np.array_equal(grown, reach):
            return reach
        reach = grown


# A still pixel on an edge this strong (grey levels per pixel) is the outline of an overlay.
STILL_EDGE = 10.0
MAX_OVERLAY = 0.5  # share of the picture an overlay may cover


def _still_and_mean(grays: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Which pixels hold still between STILL_SHARE of consecutive samples, and the mean
    picture (float32). Decoded frames (uint8) are counted in integers: the same answers
    as the float32 arithmetic, which every integer level and sum below 2**24 keeps exact,
    without a float copy of the whole stack."""
    if grays[0].dtype != np.uint8:
        stack = np.stack(grays).astype(np.float32)
        still = (np.abs(np.diff(stack, axis=0)) <= STILL_LEVEL).mean(axis=0) >= STILL_SHARE
        return still, stack.mean(axis=0)
    stack8 = np.stack(grays)
    level = int(np.floor(STILL_LEVEL))  # integer steps within STILL_LEVEL
    steps = np.abs(np.diff(stack8.astype(np.int16), axis=0)) <= level
    share = steps.sum(axis=0, dtype=np.int64).astype(np.float64) / np.intp(len(steps))
    total = stack8.sum(axis=0, dtype=np.int32).astype(np.float32)
    # as NumPy's mean divides its float32 sum by the count (an intp)
    np.true_divide(total, np.intp(len(stack8)), out=total, casting="unsafe")
    return share >= STILL_SHARE, total


def overlay_mask(grays: list[np.ndarray], box: tuple[int, int, int, int]) -> np.ndarray | None:
    """The pixels of a channel's overlay in one shot: still edges (text, a badge's outline,
    buttons), closed over running text, and what they enclose; flat footage that holds still
    (sky, fog) but touches the moving footage is not an overlay. None when there are too few
    samples to tell, or the shot is a still picture."""
    if len(grays) < MIN_MASK_SAMPLES or any(g.shape != grays[0].shape for g in grays):
        return None
    still, mean = _still_and_mean(grays)
    x0, y0, x1, y1 = box
    inside = still[y0:y1, x0:x1]
    if inside.size == 0 or float(inside.mean()) > MAX_STILL:
        return None
    outline = still & (_edges(mean) >= STILL_EDGE)
    if not outline[y0:y1, x0:x1].any():
        return None
    barrier = _box_sum(_closed(outline, _CLOSE_Y, _CLOSE_X).astype(np.float32), 2, 2) > 0.5
    free = still & ~barrier
    enclosed = free & ~_reached(~still & ~barrier, free)
    mask = barrier | enclosed
    out: np.ndarray = np.zeros_like(mask)
    out[y0:y1, x0:x1] = mask[y0:y1, x0:x1]
    if float(out[y0:y1, x0:x1].mean()) > MAX_OVERLAY:
        return None
    return out


@dataclass(frozen=True)
class _Fill:
    """How an overlay mask is filled in, worked out once per mask (every frame of a shot
    shares it): at each scale, which pixels are filled and what their sums divide by."""

    keep: np.ndarray  # 1.0 where the footage shows, float32
    steps: tuple[tuple[int, np.ndarray, np.ndarray], ...]  # (radius, pixels, divisors)
    rest: np.ndarray  # pixels no scale reached
    any_kept: bool


_last_fill: list[tuple[np.ndarray, _Fill]] = []  # the last mask's, by identity


def _fill_of(mask: np.ndarray) -> _Fill:
    if _last_fill and _last_fill[0][0] is mask:
        return _last_fill[0][1]
    keep = (~mask).astype(np.float32)
    todo = mask.copy()
    steps = []
    for r in (4, 12, 36):
        den = _box_sum(keep, r, r)
        ok = todo & (den >= 1.0)
        steps.append((r, ok, den[ok]))
        todo &= ~ok
        if not todo.any():
            break
    fill = _Fill(keep, tuple(steps), todo, bool((~mask).any()))
    _last_fill[:] = [(mask, fill)]
    return fill


def without_overlay(gray: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """The frame with its overlay pixels replaced by the footage around them, smoothly
    (normalised box filtering at two scales), so an overlay adds no edges of its own to the
    hash and its area adds no detail to the quality."""
    if mask is None:
        return gray
    fill = _fill_of(mask)
    g = gray.astype(np.float32, copy=False)
    out = g.copy()
    kept = g * fill.keep
    for r, ok, den in fill.steps:
        num = _box_sum(kept, r, r)
        out[ok] = num[ok] / den
    if fill.rest.any():
        out[fill.rest] = float(g[~mask].mean()) if fill.any_kept else float(g.mean())
    return out


# Night and fog: the footage spans few grey levels, so PDQ's quality (a sum of gradients)
# reads low although the picture has structure. Its contrast is stretched, up to this gain,
# to span STRETCH_SPAN levels; a linear stretch leaves PDQ's bits as they were (each is a
# comparison with the median) and raises only the quality. Noise is stretched too, which is
# why the gain is bounded.
MAX_GAIN = 5.0
STRETCH_SPAN = 160.0


_STRETCH_AT = (2, 98)  # percentiles of the footage's grey levels that are stretched apart


def _percentiles_of_levels(levels: np.ndarray) -> np.ndarray:
    """np.percentile(levels.astype(float32), _STRETCH_AT) of uint8 pixels, from their
    histogram instead of a partition of every pixel: the same order statistics and the
    same float64 interpolation as NumPy's linear method (`_lerp`), so the same values."""
    n = levels.size
    q = np.true_divide(_STRETCH_AT, 100)
    virtual = (n - 1) * q
    previous = np.floor(virtual)
    gamma = virtual - previous
    below = previous.astype(np.intp)
    cumulative = np.cumsum(np.bincount(levels.ravel(), minlength=256))
    # the k-th smallest is the first level whose cumulative count exceeds k
    a = np.searchsorted(cumulative, below, side="right").astype(np.float32)
    b = np.searchsorted(cumulative, below + 1, side="right").astype(np.float32)
    diff = b - a
    out: np.ndarray = np.add(a, diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5, casting="unsafe")
    return out


def stretched(
    gray: np.ndarray, box: tuple[int, int, int, int], levels: np.ndarray | None = None
) -> np.ndarray:
    """The frame with the contrast of its footage (within `box`) stretched; `levels`, the
    frame as decoded (uint8) when `gray` is exactly its float copy, finds the percentiles
    from a histogram."""
    x0, y0, x1, y1 = box
    if levels is not None and levels[y0:y1, x0:x1].size > 1:
        lo, hi = _percentiles_of_levels(levels[y0:y1, x0:x1])
    else:
        lo, hi = np.percentile(gray[y0:y1, x0:x1], _STRETCH_AT)
    gain = min(MAX_GAIN, STRETCH_SPAN / max(float(hi - lo), 1.0))
    if gain <= 1.0:
        return gray
    out: np.ndarray = (gray - np.float32(lo)) * np.float32(gain)
    return out


def masked_pieces(
    frames: Iterable[SampledFrame], *, dim_fill: bool = False
) -> Iterator[tuple[list[SampledFrame], tuple[int, int, int, int], np.ndarray | None]]:
    """`boxed_pieces`, each with the mask of what holds still in it (an overlay)."""
    for piece, box in boxed_pieces(frames, dim_fill=dim_fill):
        yield piece, box, overlay_mask([f.gray for f in piece], box)
