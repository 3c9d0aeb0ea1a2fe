"""Speed of same-footage matching: signature speed on one core for a 720p H.264 video (as
multiples of real time) next to Meta's vPDQ on the same file, and the latency of a 1-minute
query against an index of 10 million frame hashes.

    .venv/bin/python benchmarks/match_speed.py [--hashes 10000000] [--seconds 30] [--signal KEY]
        [--versus KEY]
    (bash benchmarks/vpdq_setup.sh installs the vPDQ reference)

The index is filled with the stored views of real footage and, to reach the size, random
hashes of the signal's length (stated in the output); the query is a real 1-minute repost.
"""

from __future__ import annotations

import argparse
import os

# one core means one BLAS thread too (set before NumPy loads)
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from measure import Measured, run

from corroborate.match.frames import VideoSamples
from corroborate.match.index import NLIST, NPROBE, ivf_index
from corroborate.match.search import retrieval_rows
from corroborate.match.signal import SignalType, matching_signal, signal_by_key
from corroborate.match.signature import signature_for_file
from corroborate.samples import render_flight
from corroborate.samples import transforms as T

CHILD_ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def best_of(n: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def child(task: str, *args: str, signal: str = "") -> tuple[dict[str, Any], Measured]:
    """Run one task of this script in a fresh process; (what it printed as JSON, its own wall
    time and peak memory from benchmarks/measure.py). Timings inside exclude Python start."""
    cmd = [sys.executable, __file__, *(["--signal", signal] if signal else []), "--task", task]
    measured = run([*cmd, *args], env=CHILD_ENV, check=True)
    return json.loads(measured.stdout.decode().strip().splitlines()[-1]), measured


def task(name: str, args: list[str], signal: SignalType) -> dict[str, Any]:
    """The work of one child process (called with --task)."""
    if name == "imports":  # the floor: the same imports, no work
        return {}
    if name in ("signature", "decode", "vpdq"):
        video = Path(args[0])
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        faiss.omp_set_num_threads(1)
        if name == "signature":
            return {
                "seconds": best_of(
                    3, lambda: signature_for_file(video, "video", threads=1, signal=signal)
                )
            }
        if name == "decode":
            rate = signal.sample_rate
            return {
                "seconds": best_of(3, lambda: sum(1 for _ in VideoSamples(video, rate, threads=1)))
            }
        import vpdq

        return {"seconds": best_of(3, lambda: vpdq.computeHash(str(video), thread_count=1))}
    if name == "index":
        return build_and_search(Path(args[0]), int(args[1]), int(args[2]), int(args[3]), signal)
    raise SystemExit(f"unknown task {name}")


def has_vpdq() -> bool:
    try:
        import vpdq  # noqa: F401
    except ImportError:
        return False
    return True


def signature_speed(root: Path, seconds: float, signals: list[SignalType]) -> None:
    """Each signal's signature speed, decoding alone and vPDQ, one after another in this run,
    so that their ratios hold on a loaded machine where the absolute speeds do not."""
    video = root / "flight-720p.mp4"
    render_flight(
        video, "astronaut", seconds=seconds, width=1280, height=720, fps=25, bitrate=2_500_000
    )
    _, floor_run = child("imports")
    ours = [(s, *child("signature", str(video), signal=s.key)) for s in signals]
    floor, decode_run = child("decode", str(video), signal=signals[0].key)
    print(f"720p H.264, {seconds:.0f} s, 25 fps, one core (peak RSS: each process's own):")
    for signal, r, measured in ours:
        print(
            f"  corroborate {signal.key:18s} {seconds / r['seconds']:7.1f}x real time "
            f"({r['seconds']:.2f} s), peak RSS {measured.peak_mb:.0f} MB"
        )
    print(
        f"  decoding alone (reference frames only, no loop filter, sampled frames scaled "
        f"to small gray; a ceiling for any hashing with this decoder): "
        f"{seconds / floor['seconds']:.1f}x ({floor['seconds']:.2f} s), "
        f"peak RSS {decode_run.peak_mb:.0f} MB"
    )
    print(f"  the same imports, no work: peak RSS {floor_run.peak_mb:.0f} MB")
    first = ours[0][1]["seconds"]
    for signal, r, _ in ours[1:]:
        print(f"  {signal.key} / {signals[0].key} time: {r['seconds'] / first:.2f}x")
        hashing = (r["seconds"] - floor["seconds"]) / max(1e-9, first - floor["seconds"])
        print(f"    hashing alone (time less decoding): {hashing:.2f}x")
    if not has_vpdq():
        print("  vPDQ reference: unavailable (run `bash benchmarks/vpdq_setup.sh`)")
        return
    ref, ref_run = child("vpdq", str(video))
    print(
        f"  vPDQ reference (1 hash/s)     {seconds / ref['seconds']:7.1f}x real time "
        f"({ref['seconds']:.2f} s), peak RSS {ref_run.peak_mb:.0f} MB"
    )
    for signal, r, _ in ours:
        print(f"  corroborate {signal.key} / vPDQ speed: {ref['seconds'] / r['seconds']:7.2f}x")


def build_and_search(
    root: Path, total: int, nlist: int, nprobe: int, signal: SignalType
) -> dict[str, Any]:
    """In the child: fill an IVF index to `total` hashes, write it, search a real query."""
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    real = np.load(root / "stored.npy")
    hashes, times = np.load(root / "query.npy"), np.load(root / "query-times.npy")
    rng = np.random.default_rng(0)
    t = time.perf_counter()
    filler = rng.integers(0, 256, size=(total - len(real), signal.nbytes), dtype=np.uint8)
    training = np.concatenate([real, filler[: nlist * 2]])
    index = ivf_index(signal.bits, nlist, training)
    for start in range(0, len(filler), 1_000_000):
        index.add(filler[start : start + 1_000_000])
    index.add(real)
    built = time.perf_counter() - t
    del filler, training
    path = root / "index.faissb"
    faiss.write_index_binary(index, str(path))
    index.nprobe = nprobe

    def search() -> None:
        index.search(hashes, 16)

    lat = best_of(3, search)
    dist, ids = index.search(hashes, 16)
    first_real = index.ntotal - len(real)
    hit = ((ids >= first_real) & (dist <= signal.threshold)).any(axis=1)
    exact = faiss.IndexBinaryFlat(signal.bits)
    exact.add(real)
    lims, _, _ = exact.range_search(hashes, signal.threshold + 1)
    true_hit = np.diff(lims) > 0
    return {
        "ntotal": int(index.ntotal),
        "real": len(real),
        "built": built,
        "file_mib": path.stat().st_size / 2**20,
        "queries": len(hashes),
        "latency": lat,
        "threads": faiss.omp_get_max_threads(),
        "found": int((hit & true_hit).sum()),
        "truth": int(true_hit.sum()),
        "seconds_found": len(np.unique(np.round(times[hit]))),
        "seconds_true": len(np.unique(np.round(times[true_hit]))),
    }


def index_latency(
    root: Path, total: int, nlist: int | None, nprobe: int, signal: SignalType
) -> None:
    src = render_flight(root / "long.mp4", "coffee", seconds=60, width=640, height=360, seed=3)
    query_file = T.crop(src, root / "long-crop.mp4", left=0.15)
    stored = signature_for_file(src, "video", signal=signal)
    query = signature_for_file(query_file, "video", signal=signal)
    assert stored is not None and query is not None
    np.save(root / "stored.npy", stored.hashes[stored.plain()])
    hashes, times = retrieval_rows(query)
    np.save(root / "query.npy", hashes)
    np.save(root / "query-times.npy", times)
    nlist = nlist or NLIST
    r, measured = child("index", str(root), str(total), str(nlist), str(nprobe), signal=signal.key)
    raw = total * signal.nbytes / 2**20
    print(
        f"index ({signal.key}): {r['ntotal']:,} hashes ({r['real']:,} from real footage, "
        f"the rest random), "
        f"IVF nlist={nlist}, nprobe={nprobe}; built in {r['built']:.0f} s; "
        f"file {r['file_mib']:.0f} MiB; peak RSS of the build-and-search process "
        f"{measured.peak_mb:.0f} MiB (the raw hashes alone: {raw:.0f} MiB)"
    )
    found, truth = r["found"], r["truth"]
    print(
        f"1-minute query (cropped repost): {r['queries']:,} distinct view hashes, "
        f"search {r['latency'] * 1000:.0f} ms on {r['threads']} threads; "
        f"{found:,} of {truth:,} query hashes with a true neighbour found it "
        f"(recall {found / max(1, truth):.2f}); seconds of the query with a hit on the source: "
        f"{r['seconds_found']} of {r['seconds_true']} (3 are enough to nominate it for "
        f"verification)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--hashes", type=int, default=10_000_000)
    ap.add_argument("--skip-index", action="store_true")
    ap.add_argument("--skip-signature", action="store_true")
    ap.add_argument("--nlist", type=int, default=None, help=f"default: {NLIST}")
    ap.add_argument("--nprobe", type=int, default=NPROBE)
    ap.add_argument("--signal", help="signal to measure (default: the matching signal)")
    ap.add_argument(
        "--versus", action="append", default=[], help="also time this signal's signature"
    )
    ap.add_argument("--task", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    signal = signal_by_key(args.signal) if args.signal else matching_signal()
    if args.task:
        print(json.dumps(task(args.task[0], args.task[1:], signal)))
        return
    with tempfile.TemporaryDirectory(prefix="match-speed-") as tmp:
        if not args.skip_signature:
            versus = [signal_by_key(k) for k in args.versus]
            signature_speed(Path(tmp), args.seconds, [signal, *versus])
        if not args.skip_index:
            index_latency(Path(tmp), args.hashes, args.nlist, args.nprobe, signal)


if __name__ == "__main__":
    main()
