"""Pairwise accuracy of same-footage matching on a labelled set built from real footage.

Flights over real photographs are reposted with every transformation in issue 4 (low
bitrate, rescale, crop, caption, letterbox/pillarbox, mirror, recolour, screen recording,
trim, compilation, frame-rate change) and a crop captioned by another channel; other
flights over the same photographs are the hard negatives. The set is ingested into a fresh
archive; a pair counts as found when ingest's match (each new file against everything
archived before it) linked the two. Plain vPDQ
(Meta's reference, default thresholds: quality >= 50, distance <= 31, 80% of the query's
frames) is scored on the same files in the same run.

    .venv/bin/python benchmarks/match_accuracy.py [--workdir DIR] [--photos N] [--signal KEY]
    (bash benchmarks/vpdq_setup.sh installs the vPDQ reference)
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corroborate.samples import render_flight
from corroborate.samples import transforms as T

PHOTOS = ["coffee", "astronaut", "chelsea", "grass", "rocket", "brick"]
SECONDS = 14.0
SIZE = (480, 270)
MIN_SHARED = 5.0


@dataclass
class Clip:
    """A file and the source footage it holds: (source, t0, t1) in the source's time."""

    path: Path
    parts: list[tuple[str, float, float]] = field(default_factory=list)
    hard_group: str = ""  # the photograph, for counting hard-negative pairs


def shares(a: Clip, b: Clip) -> bool:
    for (sa, a0, a1), (sb, b0, b1) in itertools.product(a.parts, b.parts):
        if sa == sb and min(a1, b1) - max(a0, b0) >= MIN_SHARED:
            return True
    return False


def _render(out: Path, *args: Any, **kwargs: Any) -> Path:
    """render_flight, skipped when a previous run with the same --workdir made the file."""
    return out if out.exists() else render_flight(out, *args, **kwargs)


class _Reposts:
    """The transforms, each skipped when its output file exists already."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        fn = getattr(T, name)

        def run(src: Any, out: Path, *args: Any, **kwargs: Any) -> Any:
            if out.exists():
                return (out, []) if name == "compilation" else out
            return fn(src, out, *args, **kwargs)

        return run


R = _Reposts()


def build(root: Path, photos: list[str]) -> list[Clip]:
    clips: list[Clip] = []
    w, h = SIZE
    sources: dict[str, Path] = {}
    for photo in photos:
        for flight in (1, 2):
            name = f"{photo}-{flight}"
            src = _render(
                root / f"{name}.mp4", photo, seconds=SECONDS, width=w, height=h, seed=flight
            )
            sources[name] = src
            full = [(name, 0.0, SECONDS)]
            clips.append(Clip(src, full, photo))
            reposts = {
                "mirror": lambda s, o: R.mirror(s, o),
                "crop": lambda s, o, first=flight == 1: R.crop(
                    s, o, left=0.2 if first else 0.0, top=0.0 if first else 0.15
                ),
                "caption": lambda s, o: R.caption(s, o),
            }
            if flight == 1:
                reposts |= {
                    "lowres": lambda s, o: R.reencode(s, o, bitrate=120_000, height=90),
                    "colour": lambda s, o: R.recolour(s, o),
                    "screen": lambda s, o: R.screen_record(s, o),
                    "fps15": lambda s, o: R.change_fps(s, o, fps=15),
                    "letterbox": lambda s, o: R.letterbox(s, o, size=(480, 480), fill="blur"),
                    # one channel's crop, captioned by another channel
                    "cropcap": lambda s, o, n=name: R.caption(
                        R.crop(s, root / f"{n}-crop10.mp4", left=0.1), o
                    ),
                }
            for kind, make in reposts.items():
                clips.append(Clip(make(src, root / f"{name}-{kind}.mp4"), full, photo))
            clips.append(
                Clip(
                    R.trim(src, root / f"{name}-trim.mp4", start=4.0, end=11.0),
                    [(name, 4.0, 11.0)],
                    photo,
                )
            )
        # a vertical phone video of the same place, pillarboxed with black and blurred fill
        vname = f"{photo}-vertical"
        vert = _render(root / f"{vname}.mp4", photo, seconds=10, width=180, height=320, seed=7)
        vfull = [(vname, 0.0, 10.0)]
        clips.append(Clip(vert, vfull, photo))
        clips.append(Clip(R.letterbox(vert, root / f"{vname}-black.mp4", size=SIZE), vfull, photo))
        clips.append(
            Clip(
                R.letterbox(vert, root / f"{vname}-blur.mp4", size=SIZE, fill="blur"), vfull, photo
            )
        )
    # compilations: parts of several pieces of footage one after another
    for i in range(0, len(photos) - 1, 2):
        a, b = f"{photos[i]}-1", f"{photos[i + 1]}-1"
        out, _ = R.compilation(
            [
                (sources[a], 3.0, 11.0),
                (sources[b], 0.0, 7.0),
                (sources[f"{photos[i]}-2"], 6.0, 12.0),
            ],
            root / f"compilation-{i}.mp4",
            size=SIZE,
        )
        clips.append(
            Clip(out, [(a, 3.0, 11.0), (b, 0.0, 7.0), (f"{photos[i]}-2", 6.0, 12.0)], "compilation")
        )
    return clips


def score(found: set[tuple[int, int]], clips: list[Clip]) -> dict[str, float]:
    tp = fp = fn = hard_fp = hard_pairs = 0
    for i, j in itertools.combinations(range(len(clips)), 2):
        truth = shares(clips[i], clips[j])
        got = (i, j) in found
        tp += truth and got
        fp += (not truth) and got
        fn += truth and not got
        if not truth and clips[i].hard_group == clips[j].hard_group:
            hard_pairs += 1
            hard_fp += got
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    hard_p = 0.0 if hard_fp else 1.0  # precision on hard-negative pairs: any hit spoils it
    return dict(
        tp=tp,
        fp=fp,
        fn=fn,
        precision=p,
        recall=r,
        f1=f1,
        hard_fp=hard_fp,
        hard_pairs=hard_pairs,
        hard_precision=hard_p,
    )


def run_corroborate(root: Path, clips: list[Clip]) -> tuple[set[tuple[int, int]], float]:
    from sqlalchemy import select

    from corroborate.archive import ingest_file
    from corroborate.custody.setup import init_archive
    from corroborate.match.models import MatchRow

    archive = init_archive(root / "archive")
    ids: dict[str, int] = {}
    t = time.perf_counter()
    for n, clip in enumerate(clips):
        r = ingest_file(archive, clip.path, actor="benchmark")
        if r.error:
            raise SystemExit(f"ingest failed: {r.error}")
        ids[r.item_id] = n
    elapsed = time.perf_counter() - t
    with archive.session() as session:
        links = session.execute(select(MatchRow.query_id, MatchRow.item_id)).all()
    archive.close()
    return {tuple(sorted((ids[a], ids[b]))) for a, b in links}, elapsed  # type: ignore[misc]


def run_vpdq(clips: list[Clip]) -> tuple[set[tuple[int, int]], float] | None:
    try:
        import vpdq  # type: ignore[import-not-found]
    except ImportError:
        return None
    t = time.perf_counter()
    feats = []
    for clip in clips:
        fs = [f for f in vpdq.computeHash(str(clip.path)) if f.quality >= 50]
        seen: dict[str, object] = {}
        for f in fs:
            seen.setdefault(f.hex, f)
        feats.append(list(seen.values()))
    elapsed = time.perf_counter() - t

    def query_match(q: list, c: list) -> float:
        if not q:
            return 0.0
        hit = sum(1 for f in q if any(f.hamming_distance(g) <= 31 for g in c))
        return 100.0 * hit / len(q)

    found = set()
    for i, j in itertools.combinations(range(len(clips)), 2):
        if query_match(feats[i], feats[j]) >= 80.0 or query_match(feats[j], feats[i]) >= 80.0:
            found.add((i, j))
    return found, elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, help="keep the footage here (default: a temp dir)")
    ap.add_argument("--photos", type=int, default=4, help="photographs to fly over (2-6)")
    ap.add_argument("--misses", action="store_true", help="list the pairs corroborate missed")
    ap.add_argument(
        "--signal", help="match with this registered signal (default: the matching signal)"
    )
    args = ap.parse_args()
    if args.signal:
        from corroborate.match import register, signal_by_key

        register(signal_by_key(args.signal), matching=True)
    root = args.workdir or Path(tempfile.mkdtemp(prefix="match-accuracy-"))
    root.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    clips = build(root / "footage", PHOTOS[: max(2, min(6, args.photos))])
    n_pairs = len(clips) * (len(clips) - 1) // 2
    positives = sum(shares(a, b) for a, b in itertools.combinations(clips, 2))
    print(
        f"labelled set: {len(clips)} files, {n_pairs} pairs, {positives} sharing footage "
        f"(built in {time.perf_counter() - t:.0f} s)"
    )
    shutil.rmtree(root / "archive", ignore_errors=True)
    ours, t_ours = run_corroborate(root, clips)
    from corroborate.match import matching_signal

    label = f"corroborate {matching_signal().key} (ingest + match)"
    rows = [(label, score(ours, clips), t_ours)]
    if args.misses:
        for i, j in itertools.combinations(range(len(clips)), 2):
            if shares(clips[i], clips[j]) != ((i, j) in ours):
                kind = "missed" if shares(clips[i], clips[j]) else "false"
                print(f"  {kind}: {clips[i].path.name} ~ {clips[j].path.name}")
    ref = run_vpdq(clips)
    if ref is None:
        print(
            "NOTE: vPDQ reference unavailable (run `bash benchmarks/vpdq_setup.sh`); "
            "only corroborate is scored."
        )
    else:
        rows.append(("vPDQ reference (default thresholds)", score(ref[0], clips), ref[1]))
    print(
        f"{'method':46s} {'prec':>6s} {'recall':>6s} {'F1':>6s} {'TP':>4s} {'FP':>4s} "
        f"{'FN':>4s} {'hard-neg FP':>12s} {'seconds':>8s}"
    )
    for name, s, el in rows:
        print(
            f"{name:46s} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
            f"{s['tp']:4d} {s['fp']:4d} {s['fn']:4d} "
            f"{s['hard_fp']:5d}/{s['hard_pairs']:<6d} {el:8.1f}"
        )
    if args.workdir is None:
        shutil.rmtree(root, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
