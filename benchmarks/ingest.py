"""Ingest throughput on a large video next to `sha256sum` on the same file, and peak memory.

Usage: .venv/bin/python benchmarks/ingest.py [--size-mb 1024]

The file is a real H.264 720p flight rendered over a photograph, remuxed again and again with
continuous timestamps to the size asked. Target: ingest >= 0.8x the speed of
sha256sum alone, peak RSS < 250 MB. Beside sha256sum the same run times `openssl dgst -sha256`,
a plain copy and a plain read of the file, so a ratio above 1.0 against a slow hash is not
mistaken for headroom. Peak memory is each command's own (benchmarks/measure.py), not the
benchmark's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from measure import Measured, mb, references, run

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
            segment,
            "gravel",
            seconds=20,
            fps=25,
            width=1280,
            height=720,
            bitrate=40_000_000,
            seed=3,
        )
    seg_size = segment.stat().st_size
    repeats = -(-size_mb * 1024 * 1024 // seg_size)
    tmp = target.with_suffix(".part.mp4")
    with av.open(str(segment)) as probe:
        packets_per_copy = [
            p for p in probe.demux(video=0) if p.dts is not None and p.pts is not None
        ]
        in_stream = probe.streams.video[0]
        last, second = packets_per_copy[-1].pts, packets_per_copy[1].pts
        assert last is not None and second is not None
        span = int(in_stream.duration or (last + second))
        with av.open(str(tmp), "w") as out:
            stream = out.add_stream_from_template(in_stream)
            for n in range(repeats):
                for packet in packets_per_copy:
                    assert packet.pts is not None and packet.dts is not None
                    packet.stream = stream
                    packet.pts = packet.pts + (span if n else 0)
                    packet.dts = packet.dts + (span if n else 0)
                    out.mux(packet)
    tmp.replace(target)
    return target


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
    # each command runs --repeat times: its best time and its largest peak are kept
    subprocess.run(["cat", str(video)], stdout=subprocess.DEVNULL, check=True)
    copy = WORK / "copy.mp4"
    arc = WORK / "archive"
    refs = [(f"{label} (reference)", cmd, cap) for label, cmd, cap in references(video, copy)]
    ours = [
        ("corroborate ingest --no-signatures (store, metadata, keyframes)", ["--no-signatures"]),
        ("corroborate ingest (full: + perceptual signature)", []),
    ]
    runs: dict[str, list[Measured]] = {}
    for _ in range(args.repeat):
        for label, cmd, capture in refs:
            copy.unlink(missing_ok=True)
            subprocess.run(["sync"], check=False)
            runs.setdefault(label, []).append(run(cmd, capture=capture, check=True))
        for label, extra in ours:
            shutil.rmtree(arc, ignore_errors=True)
            subprocess.run([*cli, "init", "-A", str(arc)], check=True, capture_output=True)
            subprocess.run(["sync"], check=False)
            cmd = [*cli, "ingest", "-A", str(arc), *extra, str(video)]
            runs.setdefault(label, []).append(run(cmd, check=True))
    copy.unlink(missing_ok=True)
    rows = [
        (label, min(m.wall_s for m in r), max(m.peak_rss_bytes for m in r))
        for label, r in runs.items()
    ]
    t_sha = rows[0][1]
    method = next(iter(runs.values()))[0].method
    print(f"peak RSS: each command's own ({method} launcher, benchmarks/measure.py)")
    print(f"{'what':<64} {'seconds':>8} {'MB/s':>8} {'x sha256sum':>12} {'peak RSS MB':>12}")
    for label, t, rss in rows:
        print(f"{label:<64} {t:8.2f} {size_mb / t:8.1f} {t_sha / t:12.2f} {mb(rss):>12}")
    shutil.rmtree(arc, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
