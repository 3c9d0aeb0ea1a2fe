"""Ingest throughput on a large video next to `sha256sum` on the same file, and peak memory.

Usage: .venv/bin/python benchmarks/ingest.py [--size-mb 1024]

The file is a real H.264 MPEG-TS flight rendered over a photograph, repeated to the size asked
(MPEG-TS segments concatenate into one valid stream). Target: ingest >= 0.8x the speed of
sha256sum alone, peak RSS < 250 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work" / "ingest"


def make_video(size_mb: int) -> Path:
    target = WORK / f"big-{size_mb}mb.ts"
    if target.exists() and target.stat().st_size >= size_mb * 1024 * 1024:
        return target
    import av  # noqa: F401  (PyAV renders the segment)

    from corroborate.samples import render_flight

    segment = WORK / "segment.ts"
    render_flight(segment, "gravel", seconds=20, fps=25, width=1280, height=720,
                  bitrate=40_000_000, seed=3)
    seg = segment.read_bytes()
    with open(target, "wb") as out:
        while out.tell() < size_mb * 1024 * 1024:
            out.write(seg)
    return target


def timed(cmd: list[str]) -> tuple[float, int]:
    """(seconds, peak RSS of the child in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0,):
        sys.exit(f"{cmd[0]} failed: {proc.stderr.strip()[:400]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) // 1024


def drop_caches_hint() -> None:
    try:
        subprocess.run(["sync"], check=False)
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    video = make_video(args.size_mb)
    size_mb = video.stat().st_size / 1024 / 1024
    cli = [sys.executable, "-m", "corroborate"]
    print(f"file: {video.name}, {size_mb:.0f} MB (H.264 720p MPEG-TS)")

    rows = []
    # warm the page cache equally for both, so the comparison is of work, not of disk
    subprocess.run(["cat", str(video)], stdout=subprocess.DEVNULL)
    t_sha, rss_sha = timed(["sha256sum", str(video)])
    rows.append(("sha256sum (reference)", t_sha, rss_sha))
    for label, extra in (
        ("corroborate ingest --no-signatures (store, metadata, keyframes)", ["--no-signatures"]),
        ("corroborate ingest (full: + metadata, keyframes, signature)", []),
    ):
        arc = WORK / "archive"
        shutil.rmtree(arc, ignore_errors=True)
        subprocess.run([*cli, "init", "-A", str(arc)], check=True, capture_output=True)
        t, rss = timed([*cli, "ingest", "-A", str(arc), *extra, str(video)])
        rows.append((label, t, rss))
    print(f"{'what':<62} {'seconds':>8} {'MB/s':>8} {'x sha256sum':>12} {'peak RSS MB':>12}")
    for label, t, rss in rows:
        print(f"{label:<62} {t:8.2f} {size_mb / t:8.1f} {t_sha / t:12.2f} {rss:12d}")
    shutil.rmtree(WORK / "archive", ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
