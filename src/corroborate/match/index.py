"""A FAISS binary index of stored frame views, persisted with FAISS's own format (no pickle)
and a NumPy sidecar mapping each index row to (item, time, view).

The hashes are kept in an exact flat index (an ingest only appends). Small archives are
searched exhaustively; past `TABLES_FROM` hashes a search goes through substring tables
(`substrings.py`) built from those hashes on the first search after a load or an add: a cache
of the flat index, as the flat index is a cache of the signatures in the database.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import faiss
import numpy as np

from corroborate.match.signal import FileSignature, Hits, SignalIndex, SignalType

if TYPE_CHECKING:  # substrings loads numba: imported where the tables are first built
    from corroborate.match.substrings import SubstringTables

# Hashes from which a search goes through substring tables instead of comparing every stored
# hash (a 1-minute query of ~21,600 hashes against 20,000 is about 0.4 s of exhaustive search).
TABLES_FROM = 20_000


def item_number(item_id: str) -> int:
    """The 12-hex item id as an integer (48 bits) for the sidecar."""
    return int(item_id, 16)


def item_name(number: int) -> str:
    return f"{number:012x}"


class FrameIndex(SignalIndex):
    """Frame-view hashes of every archived item under one signal (any bit length), in FAISS's
    binary indexes, which compare by Hamming distance as `SignalType.distance` does."""

    def __init__(self, folder: Path, signal: SignalType) -> None:
        super().__init__(folder, signal)
        stem = signal.key.replace("/", "-")
        self.index_path = self.folder / f"{stem}.faissb"
        self.meta_path = self.folder / f"{stem}.rows.npy"
        self.lock_path = self.folder / f"{stem}.lock"
        self.index: faiss.IndexBinaryFlat | None = None
        self._tables: SubstringTables | None = None
        self.meta = np.zeros((0, 3), dtype=np.int64)  # item number, time in ms, view

    # -- persistence ----------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[FrameIndex]:
        """Hold the index's file lock, reload it, and let the caller update and save it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self.load()
                yield self
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def load(self) -> FrameIndex:
        if self.index_path.exists() and self.meta_path.exists():
            index = faiss.read_index_binary(str(self.index_path))
            meta = np.load(self.meta_path, allow_pickle=False)
            if index.ntotal == len(meta):
                self.index, self.meta, self._tables = _flat(index), meta, None
                return self
        self.index, self.meta, self._tables = None, np.zeros((0, 3), dtype=np.int64), None
        return self

    def save(self) -> None:
        """Write both files to temporary names, fsync, then rename (atomic per file; a crash
        between the renames leaves sizes that disagree, which `load` treats as empty)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp_index = self.index_path.with_suffix(".tmp")
        tmp_meta = self.folder / (self.meta_path.name + ".tmp")
        if self.index is None:
            return
        faiss.write_index_binary(self.index, str(tmp_index))
        with open(tmp_meta, "wb") as fh:
            np.save(fh, self.meta, allow_pickle=False)
        for p in (tmp_index, tmp_meta):
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp_meta, self.meta_path)
        os.replace(tmp_index, self.index_path)

    # -- contents -------------------------------------------------------------------------
    def __len__(self) -> int:
        return 0 if self.index is None else int(self.index.ntotal)

    def items(self) -> set[str]:
        return {item_name(int(n)) for n in np.unique(self.meta[:, 0])}

    def add(self, item_id: str, sig: FileSignature) -> int:
        """Append an item's stored views (every other sample); returns the rows added."""
        times = sig.times
        # only samples that also carry query views (every other one): halves the index
        every = max(1, round(self.signal.sample_rate / self.signal.query_rate))
        sample_ids = np.unique(times, return_inverse=True)[1]
        keep = sig.plain() & (sample_ids % every == 0)
        hashes = np.ascontiguousarray(sig.hashes[keep])
        if len(hashes) == 0:
            return 0
        meta = np.stack(
            [
                np.full(len(hashes), item_number(item_id), dtype=np.int64),
                np.round(times[keep] * 1000).astype(np.int64),
                sig.views[keep].astype(np.int64),
            ],
            axis=1,
        )
        if self.index is None:
            self.index = faiss.IndexBinaryFlat(self.signal.bits)
        self._tables = None  # before the add: they read the flat index's memory, which it moves
        self.index.add(hashes)
        self.meta = np.concatenate([self.meta, meta])
        return len(hashes)

    def tables(self) -> SubstringTables:
        """The substring tables over the stored hashes, built on first use."""
        if self._tables is None:
            from corroborate.match.substrings import SubstringTables

            stored = self._stored()
            self._tables = SubstringTables.build(stored, chunk_bits(len(self)), owner=self.index)
        return self._tables

    def _stored(self) -> np.ndarray:
        """The stored hashes, uint8[n, bytes], as a view of the flat index's own memory (not a
        copy: at 10 M hashes that is 305 MiB); valid until the next add or load."""
        if self.index is None or len(self) == 0:
            return np.zeros((0, self.signal.nbytes), dtype=np.uint8)
        flat: Any = self.index  # FAISS's stubs leave out `xb`, the flat index's std::vector
        n, size = len(self), int(flat.code_size)
        return faiss.rev_swig_ptr(flat.xb.data(), n * size).reshape(n, size)

    def codes(self) -> np.ndarray:
        """The stored hashes, uint8[n, bytes], in row order."""
        if self.index is None or len(self) == 0:
            return np.zeros((0, self.signal.nbytes), dtype=np.uint8)
        codes: np.ndarray = self.index.reconstruct_n(0, len(self))
        return codes

    # -- search ---------------------------------------------------------------------------
    def search(self, hashes: np.ndarray, threshold: int, k: int = 16) -> Hits:
        """Index rows within `threshold` bits of each query hash (at most k per hash)."""
        if self.index is None or len(self) == 0 or len(hashes) == 0:
            return Hits.none()
        queries = np.ascontiguousarray(hashes, dtype=np.uint8)
        if len(self) >= TABLES_FROM:
            dist, ids = self.tables().search(queries, threshold, k)
        else:
            dist, ids = self.index.search(queries, min(k, len(self)))
        ok = (ids >= 0) & (dist <= threshold)
        qrows = np.nonzero(ok)[0].astype(np.int64)
        rows = ids[ok]
        return Hits(
            qrows,
            self.meta[rows, 0],
            (self.meta[rows, 1] / 1000.0).astype(np.float32),
            dist[ok].astype(np.int32),
        )


def chunk_bits(rows: int) -> int:
    """Bits per table key: a bucket for every 4 to 8 rows of a table, at most
    `CHUNK_BITS`; fewer bits mean more, narrower substrings, so recall only rises below it."""
    from corroborate.match.substrings import CHUNK_BITS

    return int(min(CHUNK_BITS, max(12, rows.bit_length() - 3)))


def _flat(index: faiss.IndexBinary) -> faiss.IndexBinaryFlat:
    """The flat index of an index as read: archives indexed before the substring tables were
    saved as an inverted-file index (rows in the order added), moved over on load."""
    if isinstance(index, faiss.IndexBinaryFlat):  # read_index_binary gives the subclass
        return index
    if isinstance(index, faiss.IndexBinaryIVF):
        index.make_direct_map()
    flat = faiss.IndexBinaryFlat(index.d)
    if index.ntotal:
        flat.add(index.reconstruct_n(0, index.ntotal))
    return flat
