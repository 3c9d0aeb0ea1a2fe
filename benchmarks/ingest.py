"""Ingest throughput on a large video next to `sha256sum` on the same file, and peak memory.

Usage: .venv/bin/python benchmarks/ingest.py [--size-mb 1024]

The file is a real H.264 720p flight rendered over a photograph, remuxed again and again with
continuous timestamps to the size asked. Target: ingest >= 0.8x the speed of
sha256sum alone, peak RSS < 250 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work" / "ingest"


def make_video(size_mb: int) -> Path:
    """A real H.264 720p MP4 of about `size_mb`: one rendered 20 s flight, remuxed again and
    again with continuous timestamps (no re-encoding), so it plays as one long video."""
    target = WORK / f"big-{size_mb}mb.mp4"
    if target.exists() and target.stat().st_size >= size_mb * 1024 * 1024:
        return target
    import av

    from corroborate.samples import render_flight

    segment = WORK / "segment.mp4"
    if not segment.exists():
        render_flight(
            segment, "gravel", seconds=20, fps=25, width=1280, height=720, bitrate=40_000_000,
            seed=3,
        )
    seg_size = segment.stat().st_size
    repeats = -(-size_mb * 1024 * 1024 // seg_size)
    tmp = target.with_suffix(".part.mp4")
    with av.open(str(segment)) as probe:
        packets_per_copy = [p for p in probe.demux(video=0) if p.dts is not None]
        in_stream = probe.streams.video[0]
        span = int(in_stream.duration or (packets_per_copy[-1].pts + packets_per_copy[1].pts))
        with av.open(str(tmp), "w") as out:
            stream = out.add_stream_from_template(in_stream)
            for n in range(repeats):
                for packet in packets_per_copy:
                    packet.stream = stream
                    packet.pts = packet.pts + (span if n else 0)
                    packet.dts = packet.dts + (span if n else 0)
                    out.mux(packet)
    tmp.replace(target)
    return target


def timed(cmd: list[str]) -> tuple[float, int]:
    """(seconds, peak RSS in MB of that one child process, from wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        sys.exit(f"{cmd[0]} failed: {err.strip()[:400]}")
    return elapsed, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    video = make_video(args.size_mb)
    size_mb = video.stat().st_size / 1024 / 1024
    cli = [sys.executable, "-m", "corroborate"]
    print(f"file: {video.name}, {size_mb:.0f} MB (H.264 720p MP4)")

    # warm the page cache equally for all, so the comparison is of work, not of disk reads;
    # each command runs --repeat times and its best time is kept
    subprocess.run(["cat", str(video)], stdout=subprocess.DEVNULL)
    runs: dict[str, list[tuple[float, int]]] = {}
    commands = [
        ("sha256sum (reference)", None),
        ("corroborate ingest --no-signatures (store, metadata, keyframes)", ["--no-signatures"]),
        ("corroborate ingest (full: + perceptual signature)", []),
    ]
    for _ in range(args.repeat):
        for label, extra in commands:
            if extra is None:
                runs.setdefault(label, []).append(timed(["sha256sum", str(video)]))
                continue
            arc = WORK / "archive"
            shutil.rmtree(arc, ignore_errors=True)
            subprocess.run([*cli, "init", "-A", str(arc)], check=True, capture_output=True)
            subprocess.run(["sync"], check=False)
            runs.setdefault(label, []).append(
                timed([*cli, "ingest", "-A", str(arc), *extra, str(video)])
            )
    rows = [(label, min(t for t, _ in r), max(m for _, m in r)) for label, r in runs.items()]
    t_sha = rows[0][1]
    print(f"{'what':<62} {'seconds':>8} {'MB/s':>8} {'x sha256sum':>12} {'peak RSS MB':>12}")
    for label, t, rss in rows:
        print(f"{label:<62} {t:8.2f} {size_mb / t:8.1f} {t_sha / t:12.2f} {rss:12d}")
    shutil.rmtree(WORK / "archive", ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
