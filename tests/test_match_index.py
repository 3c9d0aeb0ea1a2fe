"""The frame index finds the near neighbours exact search finds: a repost's hash is within the
matching threshold of its source's, and the index must return it (issue 16, requirement 4)."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import pytest

import corroborate.match.index as index_mod
from corroborate.match.index import FrameIndex
from corroborate.match.signal import FileSignature
from corroborate.match.signals import PDQ_MULTIVIEW_3 as SIGNAL
from corroborate.match.substrings import CHUNK_BITS, SubstringTables

THRESHOLD = SIGNAL.threshold  # 40 of 256 bits


def _flip(codes: np.ndarray, distances: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each code with exactly distances[i] of its bits flipped."""
    bits = np.unpackbits(codes, axis=1)
    for i, d in enumerate(distances):
        bits[i, rng.choice(bits.shape[1], int(d), replace=False)] ^= 1
    return np.packbits(bits, axis=1)


def _exact(stored: np.ndarray, queries: np.ndarray, threshold: int) -> set[tuple[int, int]]:
    flat = faiss.IndexBinaryFlat(SIGNAL.bits)
    flat.add(stored)
    lims, _, ids = flat.range_search(queries, threshold + 1)
    rows = np.repeat(np.arange(len(queries)), np.diff(lims).astype(np.int64))
    return set(zip(rows.tolist(), ids.tolist(), strict=True))


@pytest.fixture(scope="module")
def footage_like() -> tuple[np.ndarray, np.ndarray]:
    """40,000 stored hashes in runs (a video's frames, a quarter of the bits changing from one
    sample to the next) and reposts of some runs; queries are reposts again, at every distance
    up to the threshold, and views that align with nothing."""
    rng = np.random.default_rng(16)
    runs = []
    for _ in range(400):
        walk = rng.integers(0, 256, (100, 32), dtype=np.uint8)
        steps = walk[1:] & rng.integers(0, 256, (99, 32), dtype=np.uint8)
        walk[1:] = np.bitwise_xor.accumulate(steps, axis=0) ^ walk[0]
        runs.append(walk)
    stored = np.concatenate(runs)
    reposted = rng.choice(len(stored), 5_000, replace=False)
    stored[rng.choice(len(stored), 5_000, replace=False)] = _flip(
        stored[reposted], rng.integers(0, THRESHOLD + 1, 5_000), rng
    )
    near = _flip(stored[rng.choice(len(stored), 600)], rng.integers(0, THRESHOLD + 1, 600), rng)
    far = _flip(stored[rng.choice(len(stored), 400)], rng.integers(60, 120, 400), rng)
    return stored, np.concatenate([near, far])


def test_the_tables_find_95_percent_of_what_exact_search_finds_within_the_threshold(
    footage_like: tuple[np.ndarray, np.ndarray],
) -> None:
    stored, queries = footage_like
    tables = SubstringTables.build(stored, CHUNK_BITS)  # the tables 10 M hashes get
    dist, rows = tables.search(queries, THRESHOLD, 64)
    got = {(q, int(r)) for q, r in zip(*np.nonzero(rows >= 0), strict=True) for r in [rows[q, r]]}
    truth = _exact(stored, queries, THRESHOLD)
    assert len(truth) > 600  # each near query has its source, some their reposts too
    assert got <= truth  # nothing beyond the threshold, no row twice
    assert len(got) >= 0.95 * len(truth)
    # every pair within 23 bits has a 21-bit substring at most one bit apart: all found
    close = _exact(stored, queries, 23)
    assert close <= got


def test_distances_are_exact_and_the_closest_come_first(
    footage_like: tuple[np.ndarray, np.ndarray],
) -> None:
    stored, queries = footage_like
    queries = queries[::5]
    dist, rows = SubstringTables.build(stored, 16).search(queries, THRESHOLD, 3)
    found = rows >= 0
    true = SIGNAL.distance(queries, stored)
    q, j = np.nonzero(found)
    assert (dist[q, j] == true[q, rows[q, j]]).all()
    assert (np.diff(np.where(found, dist, THRESHOLD + 1), axis=1) >= 0).all()
    # a query with more than 3 neighbours gets the 3 closest
    for i in np.nonzero((true <= THRESHOLD).sum(axis=1) > 3)[0][:20]:
        assert sorted(dist[i].tolist()) == sorted(np.sort(true[i])[:3].tolist())


def _signature(hashes: np.ndarray) -> FileSignature:
    n = len(hashes)
    return FileSignature(
        kind="video",
        duration=n / 8 / SIGNAL.sample_rate,
        times=np.repeat(np.arange(n // 8, dtype=np.float32) / SIGNAL.sample_rate, 8),
        views=np.tile(np.arange(8, dtype=np.uint16), n // 8),
        quality=np.full(n, 100, dtype=np.uint8),
        hashes=hashes,
        signal=SIGNAL.key,
    )


def test_an_item_added_after_a_search_is_found_by_the_next(
    tmp_path: Path, footage_like: tuple[np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables are a cache of the stored hashes: an add makes them stale, not wrong."""
    monkeypatch.setattr(index_mod, "TABLES_FROM", 1_000)
    stored, _ = footage_like
    index = FrameIndex(tmp_path, SIGNAL)
    index.add("aaaaaaaaaaaa", _signature(stored[:16_000]))
    rng = np.random.default_rng(1)
    late = rng.integers(0, 256, (800, 32), dtype=np.uint8)
    assert not (index.search(late, THRESHOLD).items == 0xBBBBBBBBBBBB).any()
    added = index.add("bbbbbbbbbbbb", _signature(late))
    kept = index.codes()[-added:]
    hits = index.search(_flip(kept, np.full(added, 30), rng), THRESHOLD)
    assert len(np.unique(hits.query_rows[hits.items == 0xBBBBBBBBBBBB])) >= 0.9 * added


def test_an_index_saved_as_ivf_by_an_older_version_loads_with_every_row(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    codes = rng.integers(0, 256, (3_000, 32), dtype=np.uint8)
    quantizer = faiss.IndexBinaryFlat(256)
    ivf = faiss.IndexBinaryIVF(quantizer, 256, 16)
    ivf.train(codes)
    ivf.add(codes)
    index = FrameIndex(tmp_path, SIGNAL)
    faiss.write_index_binary(ivf, str(index.index_path))
    np.save(index.meta_path, np.zeros((3_000, 3), dtype=np.int64), allow_pickle=False)
    index.load()
    assert (index.codes() == codes).all()


def test_the_tables_read_the_stored_hashes_in_place_and_hold_only_their_own_arrays(
    tmp_path: Path, footage_like: tuple[np.ndarray, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 10 M hashes a second copy of them is 305 MiB: the tables search the flat index's."""
    monkeypatch.setattr(index_mod, "TABLES_FROM", 1_000)
    stored, queries = footage_like
    index = FrameIndex(tmp_path, SIGNAL)
    index.add("aaaaaaaaaaaa", _signature(stored[:16_000]))
    tables = index.tables()
    assert not tables.own_codes
    assert tables.nbytes == tables.offsets.nbytes + tables.rows.nbytes + tables.prints.nbytes
    assert (tables.codes.view(np.uint8) == index.codes()).all()
    hits = index.search(queries, THRESHOLD)
    truth = _exact(index.codes(), queries, THRESHOLD)
    assert len(hits.query_rows) >= 0.95 * len(truth)


def test_codes_that_are_not_whole_words_are_copied_and_still_found() -> None:
    rng = np.random.default_rng(3)
    stored = rng.integers(0, 256, (30_000, 20), dtype=np.uint8)  # 160-bit codes
    queries = stored[:200] ^ np.packbits(rng.random((200, 160)) < 0.04, axis=1)  # ~6 bits
    tables = SubstringTables.build(stored, 16)
    assert tables.own_codes
    dist, rows = tables.search(queries, 12, 4)
    d = np.unpackbits(queries[:, None, :] ^ stored[None, :1_000, :], axis=2).sum(axis=2)
    assert (rows[:, 0] == np.arange(200)).all()  # each query's own source, closest
    assert (dist[:, 0] == d[np.arange(200), np.arange(200)]).all()
