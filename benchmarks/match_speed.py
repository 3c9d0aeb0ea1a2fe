"""Speed of same-footage matching: signature speed on one core for a 720p H.264 video (as
multiples of real time) next to Meta's vPDQ on the same file, and the latency of a 1-minute
query against an index of 10 million frame hashes.

    .venv/bin/python benchmarks/match_speed.py [--hashes 10000000] [--seconds 30]
    (bash benchmarks/vpdq_setup.sh installs the vPDQ reference)

The index is filled with the stored views of real footage and, to reach the size, random
256-bit hashes (stated in the output); the query is a real 1-minute repost.
"""

from __future__ import annotations

import argparse
import os

# one core means one BLAS thread too (set before NumPy loads)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import resource
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from corroborate.match.footage import retrieval_rows
from corroborate.match.frames import VideoSamples
from corroborate.match.index import NLIST, NPROBE, ivf_index
from corroborate.match.signal import matching_signal
from corroborate.match.signature import signature_for_file
from corroborate.samples import render_flight
from corroborate.samples import transforms as T

PDQ_MULTIVIEW = matching_signal()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(n: int, fn) -> float:  # noqa: ANN001
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def signature_speed(root: Path, seconds: float) -> None:
    video = root / "flight-720p.mp4"
    render_flight(
        video, "astronaut", seconds=seconds, width=1280, height=720, fps=25, bitrate=2_500_000
    )
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    faiss.omp_set_num_threads(1)
    ours = best_of(3, lambda: signature_for_file(video, "video", threads=1))
    floor = best_of(
        3, lambda: sum(1 for _ in VideoSamples(video, PDQ_MULTIVIEW.sample_rate, threads=1))
    )
    print(f"720p H.264, {seconds:.0f} s, 25 fps, one core:")
    print(f"  corroborate {PDQ_MULTIVIEW.key}   {seconds / ours:7.1f}x real time ({ours:.2f} s)")
    print(
        f"  decoding alone (reference frames only, no loop filter, sampled frames scaled "
        f"to small gray; a ceiling for any hashing with this decoder): "
        f"{seconds / floor:.1f}x ({floor:.2f} s)"
    )
    try:
        import vpdq  # type: ignore[import-not-found]
    except ImportError:
        print("  vPDQ reference: unavailable (run `bash benchmarks/vpdq_setup.sh`)")
        return
    ref = best_of(3, lambda: vpdq.computeHash(str(video), thread_count=1))
    print(f"  vPDQ reference (1 hash/s)     {seconds / ref:7.1f}x real time ({ref:.2f} s)")
    print(f"  corroborate / vPDQ speed:     {ref / ours:7.2f}x")


def index_latency(root: Path, total: int, nlist: int | None, nprobe: int) -> None:
    os.sched_setaffinity(0, os.sched_getaffinity(0) | set(range(os.cpu_count() or 1)))
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    src = render_flight(root / "long.mp4", "coffee", seconds=60, width=640, height=360, seed=3)
    query_file = T.crop(src, root / "long-crop.mp4", left=0.15)
    stored = signature_for_file(src, "video")
    query = signature_for_file(query_file, "video")
    assert stored is not None and query is not None
    real = stored.hashes[stored.plain()]
    rng = np.random.default_rng(0)
    before = rss_mb()
    t = time.perf_counter()
    filler = rng.integers(0, 256, size=(total - len(real), 32), dtype=np.uint8)
    nlist = nlist or NLIST
    training = np.concatenate([real, filler[: nlist * 2]])
    index = ivf_index(256, nlist, training)
    for start in range(0, len(filler), 1_000_000):
        index.add(filler[start : start + 1_000_000])
    index.add(real)
    built = time.perf_counter() - t
    del filler, training
    path = root / "index.faissb"
    faiss.write_index_binary(index, str(path))
    print(
        f"index: {index.ntotal:,} hashes ({len(real):,} from real footage, the rest random), "
        f"IVF nlist={nlist}, nprobe={nprobe}; built in {built:.0f} s; "
        f"file {path.stat().st_size / 2**20:.0f} MiB; process peak RSS {rss_mb():.0f} MiB "
        f"(+{rss_mb() - before:.0f} MiB)"
    )
    index.nprobe = nprobe
    hashes, times = retrieval_rows(query)

    def search() -> None:
        dist, ids = index.search(hashes, 16)

    lat = best_of(3, search)
    dist, ids = index.search(hashes, 16)
    first_real = index.ntotal - len(real)
    hit = ((ids >= first_real) & (dist <= PDQ_MULTIVIEW.threshold)).any(axis=1)
    exact = faiss.IndexBinaryFlat(256)
    exact.add(real)
    lims, _, _ = exact.range_search(hashes, PDQ_MULTIVIEW.threshold + 1)
    true_hit = np.diff(lims) > 0
    found, truth = int((hit & true_hit).sum()), int(true_hit.sum())
    seconds_found = len(np.unique(np.round(times[hit])))
    seconds_true = len(np.unique(np.round(times[true_hit])))
    print(
        f"1-minute query (cropped repost): {len(hashes):,} distinct view hashes, "
        f"search {lat * 1000:.0f} ms on {faiss.omp_get_max_threads()} threads; "
        f"{found:,} of {truth:,} query hashes with a true neighbour found it "
        f"(recall {found / max(1, truth):.2f}); seconds of the query with a hit on the source: "
        f"{seconds_found} of {seconds_true} (3 are enough to nominate it for verification)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--hashes", type=int, default=10_000_000)
    ap.add_argument("--skip-index", action="store_true")
    ap.add_argument("--skip-signature", action="store_true")
    ap.add_argument("--nlist", type=int, default=None, help=f"default: {NLIST}")
    ap.add_argument("--nprobe", type=int, default=NPROBE)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="match-speed-") as tmp:
        if not args.skip_signature:
            signature_speed(Path(tmp), args.seconds)
        if not args.skip_index:
            index_latency(Path(tmp), args.hashes, args.nlist, args.nprobe)


if __name__ == "__main__":
    main()
