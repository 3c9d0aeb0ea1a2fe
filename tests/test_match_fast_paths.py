"""The signature's fast paths give the very numbers of the plain NumPy they stand in for, so
hashes stay bit for bit what they were: a contrast stretch's percentiles from a histogram, a
shot's still pixels counted in integers, and an overlay's fill worked out once per shot."""

from __future__ import annotations

import numpy as np
import pytest

from corroborate.match import views


@pytest.mark.parametrize("seed", range(6))
def test_percentiles_from_the_histogram_are_numpys(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for size in (2, 3, 7, 50, 51, 101, 4999, 162 * 288):
        low = int(rng.integers(0, 200))
        levels = rng.integers(low, low + int(rng.integers(1, 56)), size).astype(np.uint8)
        expected = np.percentile(levels.astype(np.float32), (2, 98))
        got = views._percentiles_of_levels(levels)
        assert got.dtype == expected.dtype
        assert np.array_equal(got, expected), size


def _frames(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    base = rng.integers(0, 256, (36, 64))
    moving = rng.random((36, 64)) < 0.4
    return [
        np.clip(base + rng.integers(-4, 5, base.shape) * moving, 0, 255).astype(np.uint8)
        for _ in range(n)
    ]


@pytest.mark.parametrize("count", [8, 9, 11, 16, 21, 120])
def test_still_pixels_counted_in_integers_are_the_float_answer(count: int) -> None:
    grays = _frames(np.random.default_rng(count), count)
    stack = np.stack(grays).astype(np.float32)
    still_float = (np.abs(np.diff(stack, axis=0)) <= views.STILL_LEVEL).mean(
        axis=0
    ) >= views.STILL_SHARE
    still, mean = views._still_and_mean(grays)
    assert np.array_equal(still, still_float)
    assert mean.dtype == np.float32
    assert np.array_equal(mean, stack.mean(axis=0))


def _fill_per_frame(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The overlay fill as it was computed for every frame on its own."""
    keep = (~mask).astype(np.float32)
    out = gray.copy()
    todo = mask.copy()
    for r in (4, 12, 36):
        den = views._box_sum(keep, r, r)
        num = views._box_sum(gray * keep, r, r)
        ok = todo & (den >= 1.0)
        out[ok] = num[ok] / den[ok]
        todo &= ~ok
        if not todo.any():
            break
    if todo.any():
        out[todo] = float(gray[~mask].mean())
    return out


def test_an_overlay_filled_once_per_shot_fills_every_frame_the_same() -> None:
    rng = np.random.default_rng(3)
    mask = np.zeros((90, 160), dtype=bool)
    mask[70:88, 5:150] = True  # a caption band
    mask[4:30, 120:156] = True  # a badge far from most footage
    for _ in range(3):  # frames of one shot share the mask (and its plan)
        gray = rng.integers(0, 256, mask.shape).astype(np.float32)
        assert np.array_equal(views.without_overlay(gray, mask), _fill_per_frame(gray, mask))
