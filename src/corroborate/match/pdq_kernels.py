"""The compiled loops of `pdq.py` (numba), in a module of their own so that numba (about
100 MB and a second of import) is loaded only when a frame is first hashed, not by every
command that imports `corroborate.match`."""

from __future__ import annotations

import numba
import numpy as np


# The running sums compiled: per line, one float32 add (or subtract) per read and a float32
# division per output, in the reference's order (what np.add.accumulate computed, without
# its gathered copy of the frame).
@numba.njit(cache=True, nogil=True)
def box_rows(
    a: np.ndarray,
    reads: np.ndarray,
    signs: np.ndarray,
    outs: np.ndarray,
    divs: np.ndarray,
    out: np.ndarray,
) -> None:
    for line in range(a.shape[0]):
        running = np.float32(0.0)
        o = 0
        for j in range(len(reads)):
            running += a[line, reads[j]] * signs[j]
            while o < len(outs) and outs[o] == j:
                out[line, o] = running / divs[o]
                o += 1


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


@numba.njit(cache=True, nogil=True)
def dot_first_into(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    rows, ks, cols = b.shape[0], a.shape[0], a.shape[1]
    block = 512  # columns of `out` kept in cache while every k is added
    for start in range(0, cols, block):
        end = min(cols, start + block)
        width = end - start
        acc = np.zeros((rows, width), dtype=np.float32)
        for k in range(ks):
            row = a[k, start:end].copy()
            for i in range(rows):
                weight = b[i, k]
                line = acc[i]
                for m in range(width):
                    line[m] += weight * row[m]
        out[:, start:end] = acc
