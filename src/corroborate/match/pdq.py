"""PDQ, bit for bit as Meta's reference computes it, for many windows of one frame at once.

Every step follows `pdq/cpp` (downscaling.cpp, pdqhashing.cpp, torben.cpp) in float32 with
the reference's order of operations, because a PDQ bit is a comparison with the median and
a coefficient one rounding away from it flips: the Jarosz box filter is a running sum (add
the entering pixel, subtract the leaving one) over a window that is asymmetric when even and
shrinks at the edges, two X,Y passes; decimation samples pixel int((i + 0.5) * n / 64); the
DCT is D A then (D A) Dt, each a left-to-right float32 sum; bits are above the 128th
smallest coefficient (Torben's median); quality counts truncated gradients. A whole-frame
window therefore gives exactly `pdqhash.compute` (pinned by the tests at even and odd sizes).

Filtering once per frame and only decimating and transforming per window is what makes
hashing hundreds of crops affordable; a crop's hash is then PDQ of the crop as seen through
the frame's filter, which is what the views need.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

_N = 64
_F32 = np.float32


def _dct_matrix() -> np.ndarray:
    """Rows 1..16 of a 64-point DCT-II: a float scale factor times a double cosine, stored
    as float, as `dct_matrix_64` is built."""
    scale = float(_F32(math.sqrt(2.0 / _N)))
    return np.array(
        [
            [scale * math.cos((math.pi / 2.0 / _N) * (i + 1) * (2 * j + 1)) for j in range(_N)]
            for i in range(16)
        ],
        dtype=np.float64,
    ).astype(_F32)


_DCT = _dct_matrix()


def luma(rgb: np.ndarray) -> np.ndarray:
    """Rec. 601 luma as the `pdqhash` wheel computes it (in double, then float)."""
    return (rgb[:, :, 0] * 0.299 + rgb[:, :, 1] * 0.587 + rgb[:, :, 2] * 0.114).astype(_F32)


def window_size(old: int, new: int = _N) -> int:
    """computeJaroszFilterWindowSize: half a block, rounded up."""
    return (old + 2 * new - 1) // (2 * new)


@functools.lru_cache(maxsize=64)
def _box_plan(n: int, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """box1DFloat as one sequence of signed reads: (read index, sign, position of each output
    in the running sum, its divisor)."""
    half = (window + 2) // 2
    reads = list(range(window))  # phases 1 and 2: adds only
    signs = [1.0] * window
    outs = [half - 1 + t for t in range(window - half + 1)]
    divs = [half + t for t in range(window - half + 1)]
    for t in range(n - window):  # phase 3: add the entering, subtract the leaving
        reads += [window + t, t]
        signs += [1.0, -1.0]
        outs.append(len(reads) - 1)
        divs.append(window)
    for t in range(half - 1):  # phase 4: subtracts only
        reads.append(n - window + t)
        signs.append(-1.0)
        outs.append(len(reads) - 1)
        divs.append(window - 1 - t)
    return (
        np.array(reads, dtype=np.intp),
        np.array(signs, dtype=_F32),
        np.array(outs, dtype=np.intp),
        np.array(divs, dtype=_F32),
    )


def _box(a: np.ndarray, window: int, axis: int) -> np.ndarray:
    """One 1-D box pass along `axis` (0 or 1 of a 2-D array) with the reference's running
    float32 sum."""
    n = a.shape[axis]
    if window > n:  # the reference reads past the vector; no frame is that small
        window = n
    reads, signs, outs, divs = _box_plan(n, window)
    from corroborate.match import pdq_kernels  # numba: loaded when a frame is first hashed

    a = np.ascontiguousarray(a, dtype=_F32)
    if axis == 1:
        # along rows as along the columns of the transpose: every line's running sum is a
        # lane of one vector (the same float32 operations in the same order per line)
        turned = np.empty((len(outs), a.shape[0]), dtype=_F32)
        pdq_kernels.box_columns(np.ascontiguousarray(a.T), reads, signs, outs, divs, turned)
        out = np.ascontiguousarray(turned.T)
    else:
        out = np.empty((len(outs), a.shape[1]), dtype=_F32)
        pdq_kernels.box_columns(a, reads, signs, outs, divs, out)
    return out


def centred_window_size(old: int, new: int = _N) -> int:
    """PDQ's window rounded up to an odd size: an even window of the reference reaches one
    pixel further forward than back, so two passes shift the picture by a pixel, and copies
    whose sizes give windows of different parity no longer line up."""
    return window_size(old, new) | 1


def jarosz(gray: np.ndarray, width: int, height: int, *, centred: bool = False) -> np.ndarray:
    """jaroszFilterFloat with windows sized for a `width` x `height` picture: rows then
    columns, twice (a tent filter). With `centred`, each window is made odd (see
    `centred_window_size`); the arithmetic stays the reference's."""
    size = centred_window_size if centred else window_size
    along_rows, along_cols = size(width), size(height)
    out = np.asarray(gray, dtype=_F32)
    for _ in range(2):
        out = _box(_box(out, along_rows, axis=1), along_cols, axis=0)
    return out


def _samples(lo: np.ndarray, hi: np.ndarray, size: int) -> np.ndarray:
    """decimateFloat's pixel of output i in [lo, hi): int(lo + ((i + 0.5) * (hi - lo)) / 64),
    in double as the reference (exact for a whole frame, where lo is 0)."""
    i = np.arange(_N, dtype=np.float64) + 0.5
    pos = lo[:, None] + (i[None, :] * (hi - lo)[:, None]) / _N
    index: np.ndarray = np.clip(pos.astype(np.intp), 0, size - 1)
    return index


@dataclass(frozen=True)
class _Plan:
    """Where a set of windows samples a frame, and which (rows, column) pairs they share:
    the same for every frame of a shot, so it is worked out once."""

    columns: np.ndarray  # [64, pairs] flat pixel index of row k of each pair's column
    pair_of: np.ndarray  # [n, 64] the pair behind column j of window n
    first: np.ndarray  # [64, 64] flat pixel index of the first window's block


@functools.lru_cache(maxsize=32)
def _plan(h: int, w: int, windows: bytes) -> _Plan:
    win = np.frombuffer(windows, dtype=np.float64).reshape(-1, 4)
    xi = _samples(win[:, 0], win[:, 2], w)
    yi = _samples(win[:, 1], win[:, 3], h)
    rows = np.ascontiguousarray(yi).view(np.dtype((np.void, yi.itemsize * _N)))[:, 0]
    _, keep, row_of = np.unique(rows, return_index=True, return_inverse=True)
    rowsets = yi[keep]
    pairs, pair_of = np.unique(row_of.reshape(-1, 1) * w + xi, return_inverse=True)
    columns = np.ascontiguousarray(rowsets[pairs // w].T * w + pairs % w, dtype=np.int32)
    first = yi[0][:, None] * w + xi[0][None, :]
    return _Plan(columns, pair_of.reshape(len(win), _N), first)


def quality_of(block: np.ndarray) -> np.ndarray:
    """pdqImageDomainQualityMetric of 64x64 blocks [n, 64, 64]: each gradient truncated to
    an integer percentage before summing."""
    hundred, full = _F32(100), _F32(255)
    dv = np.trunc(((block[:, :-1, :] - block[:, 1:, :]) * hundred) / full).astype(np.int64)
    dh = np.trunc(((block[:, :, :-1] - block[:, :, 1:]) * hundred) / full).astype(np.int64)
    total = np.abs(dv).sum(axis=(1, 2)) + np.abs(dh).sum(axis=(1, 2))
    quality: np.ndarray = np.minimum(100, total // 90).astype(np.uint8)
    return quality


def bits_of(coefficients: np.ndarray) -> np.ndarray:
    """pdqBuffer16x16ToBits for rows of 256 coefficients: bit k is set when coefficient k is
    above Torben's median (the 128th smallest), packed with bit 255 first as the hex form
    and the `pdqhash` wheel order them."""
    from corroborate.match import pdq_kernels  # numba: loaded when a frame is first hashed

    coefficients = np.ascontiguousarray(coefficients, dtype=_F32)
    median = np.ascontiguousarray(np.partition(coefficients, 127, axis=1)[:, 127])
    out = np.empty((len(coefficients), 32), dtype=np.uint8)
    pdq_kernels.pack_bits(coefficients, median, out)
    return out


# what a multi-view signal filters a frame with, once, before hashing its windows
prefilter = jarosz


def hash_windows(
    blurred: np.ndarray,
    windows: np.ndarray,
    *,
    each_quality: bool = True,
    mirror_of: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """PDQ hashes of pixel windows [x0, y0, x1, y1] (array [n, 4]) of a filtered frame.

    Returns packed hashes uint8[n, 32] and qualities uint8[n]; with each_quality=False
    every window gets the first window's quality (windows of one picture share it).
    With `mirror_of` (indices into `windows`), hashes of the left-right mirror image of
    those windows follow the n plain ones: a mirror image only flips the sign of the odd
    horizontal frequencies, so it costs a median and a comparison, not a second DCT.
    """
    h, w = blurred.shape
    win = np.ascontiguousarray(windows, dtype=np.float64)
    n = len(win)
    plan = _plan(h, w, win.tobytes())
    frame = np.ascontiguousarray(blurred, dtype=_F32).ravel()
    from corroborate.match import pdq_kernels  # numba: loaded when a frame is first hashed

    # T = D A. Column j of a window's T depends only on the window's 64 rows and on one
    # column of the frame, and crops share both, so each distinct (rows, column) pair is
    # transformed once: the same float32 sums as per window, about half the work.
    vertical = np.empty((plan.columns.shape[1], 16), dtype=_F32)  # [pairs, 16 i]
    pdq_kernels.vertical_dct(frame, plan.columns, _DCT, vertical)
    # B = T Dt per window (and its mirror image's), compiled in one pass
    mirrors = _NO_MIRRORS if mirror_of is None else np.asarray(mirror_of, dtype=np.intp)
    flat = np.empty((n + len(mirrors), 256), dtype=_F32)
    pdq_kernels.window_coefficients(vertical, plan.pair_of, _DCT, mirrors, _MIRROR_SIGN, flat)
    hashes = bits_of(flat)
    if each_quality:
        xi = _samples(win[:, 0], win[:, 2], w)
        yi = _samples(win[:, 1], win[:, 3], h)
        quality = quality_of(frame[yi[:, :, None] * w + xi[:, None, :]])
        if mirror_of is not None:
            quality = np.concatenate([quality, quality[mirror_of]])
    else:
        quality = np.repeat(quality_of(frame[plan.first][None]), len(hashes))
    return hashes, quality


_NO_MIRRORS = np.zeros(0, dtype=np.intp)


def hash_gray(gray: np.ndarray) -> tuple[np.ndarray, int]:
    """PDQ of a whole luma picture: 32 bytes (bit 255 first) and quality, as
    `pdqhash.compute` gives them; pictures under 5 pixels a side hash to zero."""
    h, w = gray.shape
    if h < 5 or w < 5:
        return np.zeros(32, dtype=np.uint8), 0
    hashes, quality = hash_windows(jarosz(gray, w, h), np.array([[0, 0, w, h]], dtype=np.float64))
    return hashes[0], int(quality[0])


# Coefficient [i, j] of PDQ's layout has horizontal frequency j + 1 (row j + 1 of the DCT);
# mirroring x -> 63 - x multiplies basis row k by (-1)^k.
_MIRROR_SIGN = np.tile(np.where(np.arange(1, 17) % 2 == 1, -1.0, 1.0), 16).astype(_F32)


@dataclass(frozen=True)
class CentredPdq:
    """A window hasher (`views.WindowHasher`) with PDQ's exact window hashing over a frame
    filtered with centred (odd) windows: what `pdq-multiview/3` and `/4` hash views with. Whole
    frames hash as `pdqhash` does whenever PDQ's own windows are odd."""

    def prefilter(self, gray: np.ndarray, width: int, height: int) -> np.ndarray:
        return jarosz(gray, width, height, centred=True)

    def hash_windows(
        self,
        blurred: np.ndarray,
        windows: np.ndarray,
        *,
        each_quality: bool = True,
        mirror_of: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        return hash_windows(blurred, windows, each_quality=each_quality, mirror_of=mirror_of)
