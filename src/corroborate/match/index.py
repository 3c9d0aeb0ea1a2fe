"""A FAISS binary index of stored frame views, persisted with FAISS's own format (no pickle)
and a NumPy sidecar mapping each index row to (item, time, view).

Small archives use an exact flat index; past `IVF_FROM` hashes the index is trained once into
an inverted-file index and grows by `add` from then on. Either way an ingest only appends.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

import faiss
import numpy as np

from corroborate.errors import InternalError
from corroborate.match.signal import FileSignature, Hits, SignalIndex, SignalType

IVF_FROM = 200_000  # hashes before switching from exact flat search to an IVF index
NPROBE = 16
NLIST = 65536  # cells of the IVF index, centred on stored hashes drawn at random


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
        self.index: faiss.IndexBinary | None = None
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
                self.index, self.meta = index, meta
                return self
        self.index, self.meta = None, np.zeros((0, 3), dtype=np.int64)
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
        self._ensure(hashes).add(hashes)
        self.meta = np.concatenate([self.meta, meta])
        return len(hashes)

    def _ensure(self, incoming: np.ndarray) -> faiss.IndexBinary:
        """The index to add `incoming` to: made on first use, moved to IVF when it grows."""
        if self.index is None:
            self.index = faiss.IndexBinaryFlat(self.signal.bits)
        if isinstance(self.index, faiss.IndexBinaryFlat) and len(self) + len(incoming) > IVF_FROM:
            self.index = self._train_ivf(self.index, incoming)
        return self.index

    def _train_ivf(self, old: faiss.IndexBinary, incoming: np.ndarray) -> faiss.IndexBinary:
        """Train an IVF index once, on what is stored now, and move the rows over."""
        stored = (
            old.reconstruct_n(0, old.ntotal)
            if old.ntotal
            else np.zeros((0, self.signal.nbytes), np.uint8)
        )
        sample = np.concatenate([stored, incoming])
        # sized for growth to tens of millions of hashes: cells start small and fill up
        nlist = int(max(1, min(NLIST, len(sample) // 3)))
        ivf = ivf_index(self.signal.bits, nlist, sample)
        if len(stored):
            ivf.add(stored)
        return ivf

    # -- search ---------------------------------------------------------------------------
    def search(self, hashes: np.ndarray, threshold: int, k: int = 16) -> Hits:
        """Index rows within `threshold` bits of each query hash (at most k per hash)."""
        if self.index is None or len(self) == 0 or len(hashes) == 0:
            return Hits.none()
        if isinstance(self.index, faiss.IndexBinaryIVF):
            self.index.nprobe = NPROBE
        k = min(k, len(self))
        dist, ids = self.index.search(np.ascontiguousarray(hashes), k)
        ok = (ids >= 0) & (dist <= threshold)
        qrows = np.nonzero(ok)[0].astype(np.int64)
        rows = ids[ok]
        return Hits(
            qrows,
            self.meta[rows, 0],
            (self.meta[rows, 1] / 1000.0).astype(np.float32),
            dist[ok].astype(np.int32),
        )


def ivf_index(bits: int, nlist: int, training: np.ndarray) -> faiss.IndexBinaryIVF:
    """An inverted-file index whose cells are centred on `nlist` stored hashes drawn at
    random (k-means on binary codes is slow and buys little for near-duplicate search),
    with an HNSW graph over the centres so that assigning and probing cells stays cheap."""
    rng = np.random.default_rng(0)
    nlist = min(nlist, len(training))
    pick = rng.choice(len(training), nlist, replace=False)
    quantizer = faiss.IndexBinaryHNSW(bits, 32)
    quantizer.add(np.ascontiguousarray(training[pick]))
    ivf = faiss.IndexBinaryIVF(quantizer, bits, nlist)
    ivf.own_fields = True
    quantizer.this.disown()  # type: ignore[attr-defined]
    if not ivf.is_trained:  # its quantizer holds every centre already, so faiss counts it trained
        raise InternalError(f"the footage index over {nlist} cells was left untrained")
    return ivf
