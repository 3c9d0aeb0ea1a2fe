"""The compiled loops of `pdq.py` (numba), in a module of their own so that numba (about
100 MB and a second of import) is loaded only when a frame is first hashed, not by every
command that imports `corroborate.match`."""

from __future__ import annotations

import numba
import numpy as np


# The running sums compiled: per line, one float32 add (or subtract) per read and a float32
# division per output, in the reference's order; rows are summed as the columns of the
# transpose, so that every line is a lane of one vector. NumPy's error model: Python's would
# test every divisor for zero, one element at a time, and keep the division loop scalar.
@numba.njit(cache=True, nogil=True, error_model="numpy")
def box_columns(
    a: np.ndarray,
    reads: np.ndarray,
    signs: np.ndarray,
    outs: np.ndarray,
    divs: np.ndarray,
    out: np.ndarray,
) -> None:
    width = a.shape[1]
    running = np.zeros(width, dtype=np.float32)
    o = 0
    for j in range(len(reads)):
        row = a[reads[j]]
        sign = signs[j]
        for x in range(width):
            running[x] += row[x] * sign
        while o < len(outs) and outs[o] == j:
            for x in range(width):
                out[o, x] = running[x] / divs[o]
            o += 1


_FREQS = 16  # coefficients kept along each axis
_TAPS = 64  # samples of a window along each axis
_LANES = 64  # sums computed side by side: 8 AVX2 vectors, held in registers across 8 taps
_SUMS = _TAPS * _LANES  # where the accumulators start in a kernel's work buffer


# Both DCT passes are 64-tap dot products with rows of `dct`, one per lane and frequency,
# each the float32 sum the reference computes (products rounded to float32, added left to
# right from zero, no fused multiply-add: numba contracts nothing without fastmath).
# A kernel gathers the 64 taps of 64 lanes into one flat buffer, tap k at [k * 64, k * 64 + 64),
# and `_transform` sums them into the frequencies after them, frequency f at
# [_SUMS + f * 64, ...). One flat buffer with constant offsets lets LLVM see that taps and sums
# never overlap (no run-time alias checks), and eight taps per pass over the lanes keep the 8
# vectors of sums in registers for 8 taps instead of loading and storing them for each one.
@numba.njit(inline="always")
def _transform(buf: np.ndarray, dct: np.ndarray) -> None:
    for f in range(_FREQS):
        sums = _SUMS + f * _LANES
        for m in range(_LANES):
            buf[sums + m] = 0.0
        for k in range(0, _TAPS, 8):
            w0 = dct[f, k]
            w1 = dct[f, k + 1]
            w2 = dct[f, k + 2]
            w3 = dct[f, k + 3]
            w4 = dct[f, k + 4]
            w5 = dct[f, k + 5]
            w6 = dct[f, k + 6]
            w7 = dct[f, k + 7]
            tap = k * _LANES
            for m in range(_LANES):
                t = buf[sums + m]
                t += w0 * buf[tap + m]
                t += w1 * buf[tap + _LANES + m]
                t += w2 * buf[tap + 2 * _LANES + m]
                t += w3 * buf[tap + 3 * _LANES + m]
                t += w4 * buf[tap + 4 * _LANES + m]
                t += w5 * buf[tap + 5 * _LANES + m]
                t += w6 * buf[tap + 6 * _LANES + m]
                t += w7 * buf[tap + 7 * _LANES + m]
                buf[sums + m] = t


# Exact PDQ of many windows of one filtered frame, fused: the vertical DCT of each distinct
# (rows, column) pair read straight from the frame, then per window the horizontal DCT.
# Indices are cast to unsigned where numba would otherwise add a negative-index wrap-around
# to every gathered load: they are offsets from `pdq._plan`, never negative.
@numba.njit(cache=True, nogil=True)
def vertical_dct(frame: np.ndarray, columns: np.ndarray, dct: np.ndarray, out: np.ndarray) -> None:
    """out[p, i] = sum over k of dct[i, k] * frame[columns[k, p]], 64 pairs (lanes) at a
    time."""
    pairs = columns.shape[1]
    buf = np.zeros(_SUMS + _FREQS * _LANES, dtype=np.float32)
    for start in range(0, pairs, _LANES):
        width = min(_LANES, pairs - start)  # the lanes past it sum stale taps, never read
        for k in range(_TAPS):
            for m in range(width):
                buf[k * _LANES + m] = frame[np.uint32(columns[k, np.uint64(start + m)])]
        _transform(buf, dct)
        for m in range(width):
            for i in range(_FREQS):
                out[np.uint64(start + m), i] = buf[_SUMS + i * _LANES + m]


@numba.njit(cache=True, nogil=True)
def pack_bits(coefficients: np.ndarray, medians: np.ndarray, out: np.ndarray) -> None:
    """pdqBuffer16x16ToBits for rows of 256 coefficients: bit k set when coefficient k is
    above the row's median, bit 255 first (the first byte's high bit)."""
    for r in range(coefficients.shape[0]):
        row = coefficients[r]
        median = medians[r]
        for byte in range(32):
            value = 0
            for u in range(8):
                value = value * 2 + (1 if row[255 - 8 * byte - u] > median else 0)
            out[r, byte] = value


_WINDOWS = _LANES // _FREQS  # windows summed together, every (window, i) a lane


@numba.njit(cache=True, nogil=True)
def window_coefficients(
    vertical: np.ndarray,
    pair_of: np.ndarray,
    dct: np.ndarray,
    mirror_of: np.ndarray,
    mirror_sign: np.ndarray,
    out: np.ndarray,
) -> None:
    """The 256 DCT coefficients of each window (rows 0..n-1 of `out`) and of the mirror
    images of the windows `mirror_of` (the rows after): B = T Dt with T's column k the
    vertical transform of the window's k-th pair, coefficient [i, j] the sum over k of
    dct[j, k] * T[i, k]. Four windows are summed at once, every (window, i) a lane."""
    n = pair_of.shape[0]
    buf = np.zeros(_SUMS + _FREQS * _LANES, dtype=np.float32)
    # the 16 floats of a pair copied as 8 uint64 (the same bits, half the moves)
    rows = vertical.ravel().view(np.uint64)
    taps = buf.view(np.uint64)
    for start in range(0, n, _WINDOWS):
        count = min(n, start + _WINDOWS) - start
        for k in range(_TAPS):
            for b in range(count):
                src = np.uint64(pair_of[np.uint64(start + b), k]) * np.uint64(_FREQS // 2)
                dst = (k * _LANES + b * _FREQS) // 2
                for i in range(_FREQS // 2):
                    taps[dst + i] = rows[src + np.uint64(i)]
        _transform(buf, dct)
        for b in range(count):
            row = out[np.uint64(start + b)]
            for i in range(_FREQS):
                for j in range(_FREQS):
                    row[i * _FREQS + j] = buf[np.uint64(_SUMS + j * _LANES + b * _FREQS + i)]
    for r in range(len(mirror_of)):
        source = out[mirror_of[r]]
        for c in range(_FREQS * _FREQS):
            out[n + r, c] = source[c] * mirror_sign[c]
