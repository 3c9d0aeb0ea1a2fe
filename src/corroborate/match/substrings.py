"""Multi-index hashing over binary codes (Norouzi et al.'s pigeonhole search): the code is cut
into `chunks` substrings of `chunk_bits` bits, each the key of a bucket table, and a query
probes, in every table, its own key and every key one bit away. Two codes within `threshold`
bits are found when one of their substrings differs by at most one bit: with 12 substrings of
21 bits that is every pair within 23 bits, and nearly every pair within 40 (the matching
threshold), the distances reposts are seen at (see `benchmarks/match_speed.py`).

Why not FAISS's own: exact search is one distance per stored hash per query hash (a 1-minute
query of 21,600 hashes against 10 M is 2.2e11 distances, minutes on this machine); IVF cells
around a random-like 256-bit code hold a neighbour 40 bits away in a cell far down the
probe list; FAISS's `IndexBinaryMultiHash` is this same scheme over `unordered_map`s, about 20x
slower per probe. The tables here are flat arrays (bucket offsets, row numbers and a 64-bit
fingerprint of each row's code, counting-sorted), built from the codes in one pass, so they
are a cache of the codes and never stored.

A query of many hashes probes a large share of every table's buckets (21,600 hashes x 21
probes is 450,000 of a table's million): a search sorts each table's probes by the top bits of
their keys (4,096 groups, a counting sort small enough to stay in cache), so that a group's
buckets lie within a few tens of kilobytes, and asks the CPU for each bucket's fingerprints 16
probes before reading them (`prefetch.py`): the ~50 M fingerprints of a 1-minute query against
10 M hashes are then read with many misses in flight, not one at a time. A candidate's code is
read only when its fingerprint is near the query's, in batches whose row numbers and codes are
prefetched together. The codes are read in place (the flat index's own memory), not copied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from corroborate.errors import InternalError
from corroborate.match.prefetch import prefetch

CHUNK_BITS = 20  # 1 M buckets per table: about 10 rows each at 10 M hashes


@numba.njit(cache=True, inline="always")
def _popcount(x: np.uint64) -> np.int64:
    # the SWAR count, which LLVM compiles to one popcnt instruction; signed, so that comparing
    # it with a (signed) limit is an integer compare, not a conversion of both to float64
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return np.int64((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@numba.njit(cache=True, inline="always")
def _key(words: np.ndarray, start: int, bits: int) -> np.int64:
    """The `bits` bits of a code (uint64 words, little-endian) from bit `start`."""
    w, shift = start // 64, start % 64
    v = words[w] >> np.uint64(shift)
    if shift + bits > 64 and w + 1 < words.shape[0]:
        v |= words[w + 1] << np.uint64(64 - shift)
    return np.int64(v & np.uint64((1 << bits) - 1))


@numba.njit(cache=True, inline="always")
def _word(words: np.ndarray, start: int) -> np.uint64:
    """64 bits of a code from bit `start` (start <= total - 64)."""
    w, shift = start // 64, start % 64
    if shift == 0:
        return np.uint64(words[w])
    return np.uint64((words[w] >> np.uint64(shift)) | (words[w + 1] << np.uint64(64 - shift)))


@numba.njit(cache=True, inline="always")
def _print_start(chunk: int, bits: int, total: int) -> int:
    """Where a table's 64-bit fingerprint starts: bits of the code outside its own key."""
    return (chunk * bits + total // 2) % (total - 64)


@numba.njit(cache=True, parallel=True, nogil=True)
def _build(codes: np.ndarray, chunks: int, bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n, total = codes.shape[0], codes.shape[1] * 64
    nkeys = 1 << bits
    offsets = np.zeros((chunks, nkeys + 1), dtype=np.int32)
    rows = np.empty((chunks, n), dtype=np.int32)
    prints = np.empty((chunks, n), dtype=np.uint64)
    for c in numba.prange(chunks):
        keys = np.empty(n, dtype=np.int64)
        for i in range(n):
            k = _key(codes[i], c * bits, bits)
            keys[i] = k
            offsets[c, k + 1] += 1
        for b in range(nkeys):
            offsets[c, b + 1] += offsets[c, b]
        fill = offsets[c, :nkeys].copy()
        start = _print_start(c, bits, total)
        for i in range(n):
            k = keys[i]
            rows[c, fill[k]] = i
            prints[c, fill[k]] = _word(codes[i], start)
            fill[k] += 1
    return offsets, rows, prints


# Probes are counting-sorted by their key's top bits, in groups of 2**GROUP_BITS adjacent keys:
# a group's buckets lie within a few tens of kilobytes of a table, read in order across groups.
GROUP_BITS = 8
AHEAD = 16  # probes whose bucket is prefetched before it is read
BATCH = 2048  # candidates past the fingerprint whose codes are fetched together


@numba.njit(cache=True, nogil=True)
def _verify(
    codes: np.ndarray,
    queries: np.ndarray,
    table_rows: np.ndarray,
    cand_q: np.ndarray,
    cand_at: np.ndarray,
    m: int,
    c: int,
    bits: int,
    threshold: int,
    hit_q: np.ndarray,
    hit_r: np.ndarray,
    hit_d: np.ndarray,
    n: int,
) -> int:
    """Read the codes of `m` candidates (their row numbers, then their codes, all prefetched
    first), keep those within `threshold` that no earlier table reaches; returns the count."""
    words = queries.shape[1]
    cap = hit_q.shape[0]
    for i in range(m):
        prefetch(table_rows, cand_at[i])
    for i in range(m):
        row = table_rows[cand_at[i]]
        cand_at[i] = row
        prefetch(codes, row * words)
    for i in range(m):
        q = cand_q[i]
        row = cand_at[i]
        d = np.int64(0)
        for w in range(words):
            d += _popcount(codes[row * words + w] ^ queries[q, w])
        if d > threshold:
            continue
        earlier = False  # an earlier table's probes reach it too
        for e in range(c):
            diff = _key(codes[row * words : row * words + words], e * bits, bits) ^ _key(
                queries[q], e * bits, bits
            )
            if _popcount(np.uint64(diff)) <= 1:
                earlier = True
                break
        if earlier:
            continue
        if n < cap:
            hit_q[n] = q
            hit_r[n] = row
            hit_d[n] = d
        n += 1
    return n


@numba.njit(cache=True, parallel=True, nogil=True)
def _sweep(
    codes: np.ndarray,
    offsets: np.ndarray,
    rows: np.ndarray,
    prints: np.ndarray,
    queries: np.ndarray,
    bits: int,
    threshold: int,
    print_limit: int,
    cap: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (query, row, distance) within `threshold` found by a table's probes, each pair
    once (by the first table that reaches it), in per-table runs of at most `cap`; a table
    whose count exceeds `cap` has to be searched again with a larger one. `codes` is flat
    (uint64[n * words])."""
    chunks = offsets.shape[0]
    nq, words = queries.shape
    total = words * 64
    shift = GROUP_BITS if bits > GROUP_BITS else 0
    ngroups = 1 << (bits - shift)
    nprobes = nq * (bits + 1)
    hit_q = np.empty((chunks, cap), dtype=np.int32)
    hit_r = np.empty((chunks, cap), dtype=np.int32)
    hit_d = np.empty((chunks, cap), dtype=np.int32)
    count = np.zeros(chunks, dtype=np.int64)
    for c in numba.prange(chunks):
        start = _print_start(c, bits, total)
        off = offsets[c]
        table_prints = prints[c]
        qprint = np.empty(nq, dtype=np.uint64)
        qkey = np.empty(nq, dtype=np.int64)
        # the probes: each query's key and the keys one bit away, grouped by top bits
        first = np.zeros(ngroups + 1, dtype=np.int32)
        for q in range(nq):
            qprint[q] = _word(queries[q], start)
            key = _key(queries[q], c * bits, bits)
            qkey[q] = key
            first[(key >> shift) + 1] += 1
            for p in range(bits):
                first[((key ^ (np.int64(1) << p)) >> shift) + 1] += 1
        for g in range(ngroups):
            first[g + 1] += first[g]
        fill = first[:ngroups].copy()
        probe_q = np.empty(nprobes, dtype=np.int32)
        probe_k = np.empty(nprobes, dtype=np.int32)
        for q in range(nq):
            key = qkey[q]
            for p in range(bits + 1):
                other = key if p == bits else key ^ (np.int64(1) << p)
                g = other >> shift
                probe_q[fill[g]] = q
                probe_k[fill[g]] = other
                fill[g] += 1
        cand_q = np.empty(BATCH, dtype=np.int32)
        cand_at = np.empty(BATCH, dtype=np.int64)
        m = 0
        n = 0
        last = len(table_prints) - 1
        for j in range(nprobes):
            if j + AHEAD < nprobes:
                ahead = off[probe_k[j + AHEAD]]
                prefetch(table_prints, min(ahead, last))
                prefetch(table_prints, min(ahead + 8, last))
            q = probe_q[j]
            k = probe_k[j]
            qp = qprint[q]
            # unsigned: no check for a negative index on each of ~50 M reads
            for at in range(np.uint64(off[k]), np.uint64(off[k + 1])):
                if _popcount(table_prints[at] ^ qp) > print_limit:
                    continue
                cand_q[m] = q
                cand_at[m] = at
                m += 1
                if m == BATCH:
                    n = _verify(
                        codes,
                        queries,
                        rows[c],
                        cand_q,
                        cand_at,
                        m,
                        c,
                        bits,
                        threshold,
                        hit_q[c],
                        hit_r[c],
                        hit_d[c],
                        n,
                    )
                    m = 0
        n = _verify(
            codes,
            queries,
            rows[c],
            cand_q,
            cand_at,
            m,
            c,
            bits,
            threshold,
            hit_q[c],
            hit_r[c],
            hit_d[c],
            n,
        )
        count[c] = n
    return hit_q, hit_r, hit_d, count


@dataclass
class SubstringTables:
    """Bucket tables over `codes` (uint8[n, bytes]); rows are positions in `codes`."""

    codes: np.ndarray  # uint64[n, words]: the caller's codes in place when they are whole words
    offsets: np.ndarray  # int32[chunks, 2**bits + 1]
    rows: np.ndarray  # int32[chunks, n], by key
    prints: np.ndarray  # uint64[chunks, n]: 64 bits of each row's code outside the key
    bits: int
    owner: object = None  # what keeps `codes` alive when they are a view of its memory
    own_codes: bool = True  # whether `codes` is a copy the tables made (counted in nbytes)

    @classmethod
    def build(
        cls, codes: np.ndarray, chunk_bits: int = CHUNK_BITS, owner: object = None
    ) -> SubstringTables:
        """Tables over `codes`, read in place (not copied) when they are C-ordered whole 64-bit
        words, as 256-bit hashes are: the caller must then not change or move them while the
        tables are in use, and passes in `owner` whatever keeps that memory alive."""
        nbytes = codes.shape[1]
        if len(codes) >= 2**31:
            raise InternalError(f"{len(codes):,} codes do not fit the tables' 32-bit row numbers")
        if nbytes * 8 < 128:
            raise InternalError(f"codes of {nbytes * 8} bits are too short for substring tables")
        in_place = (
            nbytes % 8 == 0
            and codes.dtype == np.uint8
            and codes.flags.c_contiguous
            and codes.ctypes.data % 8 == 0
        )
        words = codes.view(np.uint64) if in_place else _padded(codes).view(np.uint64)
        chunks = (nbytes * 8) // chunk_bits
        offsets, rows, prints = _build(words, chunks, chunk_bits)
        return cls(words, offsets, rows, prints, chunk_bits, owner, not in_place)

    @property
    def nbytes(self) -> int:
        """Memory held by the tables: bucket offsets, row numbers and fingerprints, and a copy
        of the codes only where they could not be read in place."""
        held = self.offsets.nbytes + self.rows.nbytes + self.prints.nbytes
        return int(held + (self.codes.nbytes if self.own_codes else 0))

    def search(self, queries: np.ndarray, threshold: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(distances, rows), each [len(queries), k], closest first; row -1 where fewer than
        k stored codes were found within `threshold`."""
        nq = len(queries)
        dist = np.full((nq, k), threshold + 1, dtype=np.int32)
        out = np.full((nq, k), -1, dtype=np.int64)
        if nq == 0 or len(self.codes) == 0:
            return dist, out
        padded = _padded(queries).view(np.uint64)
        # a code within `threshold` bits of the query differs from it in about threshold/bits
        # of any 64 bits, an unrelated code in half: a candidate more than 4 standard
        # deviations past the first is dropped on the fingerprint kept beside its row number
        # without reading its code (99 in 100 unrelated ones at 40 of 256 bits)
        share = min(1.0, threshold / (8 * queries.shape[1]))
        limit = min(64, int(64 * share + 4 * math.sqrt(64 * share * (1 - share))) + 1)
        cap = 8 * nq + 1024
        while True:
            q, r, d, count = _sweep(
                self.codes.reshape(-1),
                self.offsets,
                self.rows,
                self.prints,
                padded,
                self.bits,
                threshold,
                limit,
                cap,
            )
            if count.max() <= cap:
                break
            cap = int(count.max())
        keep = np.arange(cap)[None, :] < count[:, None]
        q, r, d = q[keep], r[keep], d[keep]
        order = np.lexsort((d, q))
        q, r, d = q[order], r[order], d[order]
        rank = np.arange(len(q)) - np.searchsorted(q, q, side="left")
        ok = rank < k
        dist[q[ok], rank[ok]] = d[ok]
        out[q[ok], rank[ok]] = r[ok]
        return dist, out


def _padded(codes: np.ndarray) -> np.ndarray:
    """Codes as whole 64-bit words (zero bits after the last byte)."""
    nbytes = codes.shape[1]
    padded = np.zeros((len(codes), -(-nbytes // 8) * 8), dtype=np.uint8)
    padded[:, :nbytes] = codes
    return padded
