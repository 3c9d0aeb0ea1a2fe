"""The compiled loops of `pdq.py` (numba), in a module of their own so that numba (about
100 MB and a second of import) is loaded only when a frame is first hashed, not by every
command that imports `corroborate.match`."""

from __future__ import annotations

import numba
import numpy as np


# The running sums compiled: per line, one float32 add (or subtract) per read and a float32
# division per output, in the reference's order; rows are summed as the columns of the
# transpose, so that every line is a lane of one vector.
@numba.njit(cache=True, nogil=True)
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
_BLOCK = 32  # windows whose coefficients are summed together (16 x 512 floats in cache)


# Exact PDQ of many windows of one filtered frame, fused: the vertical DCT of each distinct
# (rows, column) pair read straight from the frame, then per window the horizontal DCT, the
# median and the packed bits, with no gathered copies or temporaries between the steps.
# Every coefficient is the same float32 sum as `dot_first_into` computes (products rounded
# to float32, added left to right from zero, no fused multiply-add).
@numba.njit(cache=True, nogil=True)
def vertical_dct(frame: np.ndarray, columns: np.ndarray, dct: np.ndarray, out: np.ndarray) -> None:
    """out[p, i] = sum over k of dct[i, k] * frame[columns[k, p]]."""
    pairs = columns.shape[1]
    block = 512
    gathered = np.empty((_TAPS, block), dtype=np.float32)
    for start in range(0, pairs, block):
        end = min(pairs, start + block)
        width = end - start
        for k in range(_TAPS):
            for m in range(width):
                gathered[k, m] = frame[columns[k, start + m]]
        acc = np.zeros((_FREQS, width), dtype=np.float32)
        for k in range(_TAPS):
            row = gathered[k, :width].copy()  # a copy: the compiler knows it is not `acc`
            for i in range(_FREQS):
                weight = dct[i, k]
                line = acc[i]
                for m in range(width):
                    line[m] += weight * row[m]
        for m in range(width):
            for i in range(_FREQS):
                out[start + m, i] = acc[i, m]


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
    dct[j, k] * T[i, k]. A block of windows is summed at once, every (window, i) a lane of
    one long vector."""
    n = pair_of.shape[0]
    lanes = _BLOCK * _FREQS
    across = np.empty((_TAPS, lanes), dtype=np.float32)
    acc = np.empty((_FREQS, lanes), dtype=np.float32)
    for start in range(0, n, _BLOCK):
        count = min(n, start + _BLOCK) - start
        width = count * _FREQS
        for k in range(_TAPS):
            for b in range(count):
                source = vertical[pair_of[start + b, k]]
                for i in range(_FREQS):
                    across[k, b * _FREQS + i] = source[i]
        acc[:, :] = 0.0
        for k in range(_TAPS):
            row = across[k, :width].copy()  # a copy: the compiler knows it is not `acc`
            for j in range(_FREQS):
                weight = dct[j, k]
                line = acc[j]
                for m in range(width):
                    line[m] += weight * row[m]
        for b in range(count):
            for i in range(_FREQS):
                for j in range(_FREQS):
                    out[start + b, i * _FREQS + j] = acc[j, b * _FREQS + i]
    for r in range(len(mirror_of)):
        source = out[mirror_of[r]]
        for c in range(_FREQS * _FREQS):
            out[n + r, c] = source[c] * mirror_sign[c]
