"""PDQ as `pdq-multiview/1` computed it: an approximation of PDQ, frozen so that archives
hashed under version 1 keep matching until `corroborate rehash` moves them to version 2.

The steps are PDQ's (luma, two Jarosz box-filter passes, decimation to 64x64, a 16x16 DCT,
bits above the median, gradient quality), but not their arithmetic: the box filter is
centred and edge-padded, the DCT order and quality differ, so a full-frame hash is off the
`pdqhash` reference by 20-54 bits when a filter window is even. `pdq.py` is the exact one.
"""

from __future__ import annotations

import math

import numpy as np

_N = 64
# PDQ's DCT matrix: rows 1..16 of a 64-point DCT-II (the DC row is skipped).
_DCT = np.array(
    [
        [
            math.sqrt(2.0 / _N) * math.cos(math.pi / 2 / _N * (i + 1) * (2 * j + 1))
            for j in range(_N)
        ]
        for i in range(16)
    ],
    dtype=np.float32,
)


def luma(rgb: np.ndarray) -> np.ndarray:
    """Rec. 601 luma as PDQ computes it."""
    return rgb.astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


def _box(a: np.ndarray, window: int, axis: int) -> np.ndarray:
    """Centred moving average along `axis` (edges repeat the border pixel)."""
    if window <= 1:
        return a
    half = (window + 2) // 2
    before, after = half - 1, window - half
    pad = [(0, 0)] * a.ndim
    pad[axis] = (before, after)
    p = np.pad(a, pad, mode="edge")
    n = a.shape[axis]
    out = np.zeros_like(a)
    for k in range(window):
        out += _shift(p, k, n, axis)
    return out / window


def _shift(p: np.ndarray, k: int, n: int, axis: int) -> np.ndarray:
    index = [slice(None)] * p.ndim
    index[axis] = slice(k, k + n)
    return p[tuple(index)]


def jarosz(gray: np.ndarray, width: int, height: int) -> np.ndarray:
    """PDQ's tent filter sized for a `width` x `height` picture being decimated to 64x64."""
    wx = (width + 2 * _N - 1) // (2 * _N)
    wy = (height + 2 * _N - 1) // (2 * _N)
    out = gray
    for _ in range(2):
        out = _box(_box(out, wx, axis=1), wy, axis=0)
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
    """PDQ hashes of pixel windows [x0, y0, x1, y1] (float array [n, 4]) of a filtered frame.

    Returns packed hashes uint8[n, 32] and qualities uint8[n]; with each_quality=False
    every window gets the first window's quality (windows of one picture share it).
    With `mirror_of` (indices into `windows`), hashes of the left-right mirror image of
    those windows follow the n plain ones: a mirror image only flips the sign of the odd
    horizontal frequencies, so it costs a median and a comparison, not a second DCT.
    """
    h, w = blurred.shape
    k = (np.arange(_N, dtype=np.float32) + 0.5) / _N
    xs = windows[:, 0:1] + k[None, :] * (windows[:, 2:3] - windows[:, 0:1])
    ys = windows[:, 1:2] + k[None, :] * (windows[:, 3:4] - windows[:, 1:2])
    xi = np.clip(xs.astype(np.intp), 0, w - 1)
    yi = np.clip(ys.astype(np.intp), 0, h - 1)
    n = len(windows)
    # Windows of a frame share few column ranges (crops differ mostly in height), so the
    # horizontal DCT is done once per distinct range over every row, and each window only
    # picks its 64 rows of that and does the vertical DCT: the same sums, a third the work.
    span = windows[:, 0].astype(np.float64) * (4 * w) + windows[:, 2]
    _, first, which = np.unique(span, return_index=True, return_inverse=True)
    across = blurred[:, xi[first]].transpose(1, 0, 2) @ _DCT.T  # [ranges, h, 16]
    picked = across[which.reshape(-1)[:, None], yi]  # [n, 64, 16]
    flat = (_DCT @ picked).reshape(n, 256)  # PDQ's layout: [vertical, horizontal]
    if mirror_of is not None:
        flat = np.concatenate([flat, flat[mirror_of] * _MIRROR_SIGN])
    median = np.median(flat, axis=1, keepdims=True)
    bits = flat > median
    q = (
        blurred[yi[:, :, None], xi[:, None, :]]
        if each_quality
        else blurred[yi[:1, :, None], xi[:1, None, :]]
    )
    grad = np.abs(np.diff(q, axis=1)).sum(axis=(1, 2)) + np.abs(np.diff(q, axis=2)).sum(axis=(1, 2))
    if not each_quality:
        grad = np.repeat(grad, len(flat))
    elif mirror_of is not None:
        grad = np.concatenate([grad, grad[mirror_of]])
    quality = np.minimum(100, (grad * 100 / 255) // 90).astype(np.uint8)
    # PDQ numbers bits from the last coefficient down, as the pdqhash wheel returns them
    return np.packbits(bits[:, ::-1], axis=1), quality


# Coefficient [i, j] of PDQ's layout has horizontal frequency j + 1 (row j + 1 of the DCT);
# mirroring x -> 63 - x multiplies basis row k by (-1)^k.
_MIRROR_SIGN = np.tile(np.where(np.arange(1, 17) % 2 == 1, -1.0, 1.0), 16).astype(np.float32)
