"""The compiled DCT passes of `pdq.hash_windows` against NumPy doing the same float32 sums
one tap at a time: a PDQ bit is a comparison with the median, so the kernels may reorder
loops and registers but not one rounding (checked bit for bit, the sign of zero included)."""

from __future__ import annotations

import numpy as np
import pytest

from corroborate.match import pdq, pdq_kernels


def _windows(rng: np.random.Generator, w: int, h: int, n: int) -> np.ndarray:
    """Random crops [x0, y0, x1, y1] of at least 8 pixels a side after the whole frame and
    its top left quarter."""
    x0 = rng.uniform(0, w - 8, n)
    y0 = rng.uniform(0, h - 8, n)
    x1 = x0 + rng.uniform(8, w - x0)
    y1 = y0 + rng.uniform(8, h - y0)
    win = np.stack([x0, y0, x1, y1], axis=1)
    win[0] = (0, 0, w, h)
    win[1] = (0, 0, w / 4, h / 4)
    return win


def _reference(
    frame: np.ndarray, columns: np.ndarray, pair_of: np.ndarray, mirror_of: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """T = D A per pair and B = T Dt per window, each tap's float32 product added in turn."""
    dct = pdq._DCT
    vertical = np.zeros((columns.shape[1], 16), dtype=np.float32)
    for k in range(64):
        vertical += frame[columns[k]][:, None] * dct[:, k][None, :]
    coefficients = np.zeros((len(pair_of), 16, 16), dtype=np.float32)
    for k in range(64):
        coefficients += vertical[pair_of[:, k]][:, :, None] * dct[:, k][None, None, :]
    flat = coefficients.reshape(len(pair_of), 256)
    return vertical, np.concatenate([flat, flat[mirror_of] * pdq._MIRROR_SIGN])


@pytest.mark.parametrize(("h", "w", "n", "seed"), [(162, 288, 203, 0), (97, 131, 6, 1)])
def test_the_kernels_are_numpys_float32_sums_bit_for_bit(h: int, w: int, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    frame = pdq.jarosz(rng.uniform(0, 255, (h, w)).astype(np.float32), w, h, centred=True)
    frame[: h // 4 + 1, : w // 4 + 1] = 0.0  # products of -0.0, lost in a sum from +0.0
    windows = _windows(rng, w, h, n)
    mirror_of = rng.choice(n, size=n // 2, replace=False)
    plan = pdq._plan(h, w, np.ascontiguousarray(windows).tobytes())
    assert plan.columns.shape[1] % 64 and n % 4  # a partly filled last block of each kernel
    flat_frame = np.ascontiguousarray(frame).ravel()
    vertical = np.empty((plan.columns.shape[1], 16), dtype=np.float32)
    pdq_kernels.vertical_dct(flat_frame, plan.columns, pdq._DCT, vertical)
    coefficients = np.empty((n + len(mirror_of), 256), dtype=np.float32)
    pdq_kernels.window_coefficients(
        vertical, plan.pair_of, pdq._DCT, mirror_of, pdq._MIRROR_SIGN, coefficients
    )
    want_vertical, want = _reference(flat_frame, plan.columns, plan.pair_of, mirror_of)
    assert np.all(want_vertical == 0, axis=1).any()  # the zeroed quarter was summed
    assert np.array_equal(vertical.view(np.uint32), want_vertical.view(np.uint32))
    assert np.array_equal(coefficients.view(np.uint32), want.view(np.uint32))


@pytest.mark.parametrize(("n", "window"), [(162, 3), (288, 5), (97, 2), (40, 40)])
def test_the_box_filter_is_numpys_running_float32_sum(n: int, window: int) -> None:
    a = np.random.default_rng(n).uniform(0, 255, (n, 37)).astype(np.float32)
    reads, signs, outs, divs = pdq._box_plan(n, window)
    want = np.empty((len(outs), a.shape[1]), dtype=np.float32)
    running = np.zeros(a.shape[1], dtype=np.float32)
    for j, (read, sign) in enumerate(zip(reads, signs, strict=True)):
        running += a[read] * sign
        for o in np.flatnonzero(outs == j):
            want[o] = running / divs[o]
    got = np.empty_like(want)
    pdq_kernels.box_columns(a, reads, signs, outs, divs, got)
    assert np.array_equal(got.view(np.uint32), want.view(np.uint32))
