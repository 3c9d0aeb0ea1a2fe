"""Pairwise and cluster-level accuracy of same-footage matching on labelled sets built from
real footage, next to plain vPDQ on the same files in the same run.

The field set (the default) is 1280x720 footage of several kinds (textured daylight, fog
over flat fields with little detail, night with sensor noise, and a real clip scikit-image
ships) reposted as archives meet it: one channel's overlay (caption band, corner badge,
running timestamp) on many different videos, crops, vertical phone reposts, trims, screen
recordings, compilations, and edits composed of these (a crop of a captioned copy, a
vertical repost of a trim, a screen recording of a compilation); for some footage the
original was never archived, so only reposts of it are. It has two parts built from
different photographs and flight seeds: `tuning` (rules may be tuned on it, and --misses
lists its errors) and `held-out` (never tuned on; its errors are not listed).

    .venv/bin/python benchmarks/match_accuracy.py [--dir DIR] [--part tuning|held-out|both]
    .venv/bin/python benchmarks/match_accuracy.py --set classic [--photos N]

The classic set (the earlier benchmark): flights over real photographs are reposted with
every transformation in issue 4 (low bitrate, rescale, crop, caption, letterbox/pillarbox,
mirror, recolour, screen recording, trim, compilation, frame-rate change) and a crop
captioned by another channel; other
flights over the same photographs are the hard negatives. The set is ingested into a fresh
archive; a pair counts as found when ingest's match (each new file against everything
archived before it) linked the two. Plain vPDQ
(Meta's reference, default thresholds: quality >= 50, distance <= 31, 80% of the query's
frames) is scored on the same files in the same run.

    (bash benchmarks/vpdq_setup.sh installs the vPDQ reference; --dir keeps the footage, so
    a rerun only ingests)
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
from corroborate.samples.footage import CLIP

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
    overlay: bool = False  # carries the one channel's overlay


def same_footage(a: Clip, b: Clip) -> bool:
    """Copies of one piece of footage (a cluster's truth): they hold the same source."""
    return bool({p[0] for p in a.parts} & {p[0] for p in b.parts})


def shares(a: Clip, b: Clip) -> bool:
    for (sa, a0, a1), (sb, b0, b1) in itertools.product(a.parts, b.parts):
        if sa == sb and min(a1, b1) - max(a0, b0) >= MIN_SHARED:
            return True
    return False


def _made(out: Path, make: Callable[[Path], Any]) -> Path:
    """Make `out` under a temporary name and rename it, so an interrupted run never leaves
    a half-written file that a rerun would take as made."""
    part = out.with_name(f".{out.name}.part.mp4")
    make(part)
    part.replace(out)
    return out


def _render(out: Path, *args: Any, **kwargs: Any) -> Path:
    """render_flight, skipped when a previous run with the same --dir made the file."""
    return out if out.exists() else _made(out, lambda p: render_flight(p, *args, **kwargs))


class _Reposts:
    """The transforms, each skipped when its output file exists already."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        fn = getattr(T, name)

        def run(src: Any, out: Path, *args: Any, **kwargs: Any) -> Any:
            if not out.exists():
                _made(out, lambda p: fn(src, p, *args, **kwargs))
            return (out, []) if name == "compilation" else out

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


FIELD_SIZE = (1280, 720)
FIELD_SECONDS = 8.0
VERTICAL = (720, 1280)


@dataclass(frozen=True)
class Part:
    """One part of the field set: its own photographs (name, photograph, look) and seeds."""

    name: str
    sources: tuple[tuple[str, str, str], ...]
    seeds: tuple[int, int]
    no_original: frozenset[str]  # footage whose original is never archived


# Written before any rule was tuned on them; the held-out part shares no photograph, look
# pairing or seed with the tuning part, and holds the real clip.
PARTS = (
    Part(
        "tuning",
        (
            ("coffee", "coffee", "day"),
            ("chelsea", "chelsea", "day"),
            ("gravel-fog", "gravel", "low-detail"),
            ("brick-night", "brick", "night"),
        ),
        (1, 2),
        frozenset({"chelsea", "gravel-fog"}),
    ),
    Part(
        "held-out",
        (
            ("astronaut", "astronaut", "day"),
            ("rocket", "rocket", "day"),
            ("grass-fog", "grass", "low-detail"),
            ("moon-night", "moon", "night"),
            ("clip", CLIP, "day"),
        ),
        (11, 12),
        frozenset({"rocket", "grass-fog", "clip"}),
    ),
)


def build_field(root: Path, part: Part) -> list[Clip]:
    """The files of one part, made once under root (a rerun reuses them)."""
    w, h = FIELD_SIZE
    clips: list[Clip] = []
    firsts: dict[str, Path] = {}
    seconds: dict[str, Path] = {}
    overlay_nr = 0
    for label, photo, look in part.sources:
        f1, f2 = f"{label}-1", f"{label}-2"
        src1 = _render(
            root / f"{f1}.mp4", photo, seconds=FIELD_SECONDS, width=w, height=h,
            seed=part.seeds[0], look=look,
        )  # fmt: skip
        src2 = _render(
            root / f"{f2}.mp4", photo, seconds=FIELD_SECONDS, width=w, height=h,
            seed=part.seeds[1], look=look,
        )  # fmt: skip
        firsts[label], seconds[label] = src1, src2
        full1, full2 = [(f1, 0.0, FIELD_SECONDS)], [(f2, 0.0, FIELD_SECONDS)]
        if label not in part.no_original:
            clips.append(Clip(src1, full1, label))
        clips.append(Clip(src2, full2, label))
        ov1 = R.channel_overlay(src1, root / f"{f1}-channel.mp4", clock_start=(9, 0, overlay_nr))
        ov2 = R.channel_overlay(src2, root / f"{f2}-channel.mp4", clock_start=(17, 30, 0))
        overlay_nr += 7
        clips.append(Clip(ov1, full1, label, overlay=True))
        clips.append(Clip(ov2, full2, label, overlay=True))
        clips.append(Clip(R.crop(src1, root / f"{f1}-crop.mp4", left=0.15), full1, label))
        clips.append(
            Clip(
                R.letterbox(src1, root / f"{f1}-vertical.mp4", size=VERTICAL, fill="blur"),
                full1,
                label,
            )
        )
        clips.append(
            Clip(R.screen_record(src1, root / f"{f1}-screen.mp4", size=(540, 960)), full1, label)
        )
        trimmed = R.trim(src1, root / f"{f1}-trim.mp4", start=1.5, end=7.5)
        clips.append(Clip(trimmed, [(f1, 1.5, 7.5)], label))
        # composed: a crop of the captioned copy; a vertical repost of the trim
        clips.append(
            Clip(R.crop(ov1, root / f"{f1}-channel-crop.mp4", left=0.12), full1, label, True)
        )
        clips.append(
            Clip(
                R.letterbox(trimmed, root / f"{f1}-trim-vertical.mp4", size=VERTICAL),
                [(f1, 1.5, 7.5)],
                label,
            )
        )
    labels = [lab for lab, _, _ in part.sources]
    a, b, c = labels[0], labels[1], labels[2]
    spans = [(f"{a}-1", 1.0, 7.5), (f"{b}-1", 1.0, 7.5), (f"{c}-2", 1.5, 8.0)]
    files = {f"{lab}-1": firsts[lab] for lab in labels} | {
        f"{lab}-2": seconds[lab] for lab in labels
    }
    comp, _ = R.compilation(
        [(files[n], t0, t1) for n, t0, t1 in spans], root / "compilation.mp4", size=FIELD_SIZE
    )
    clips.append(Clip(comp, spans, "compilation"))
    # a screen recording of the compilation (the compilation's timing, scaled down)
    clips.append(
        Clip(
            R.screen_record(comp, root / "compilation-screen.mp4", size=(540, 960)),
            spans,
            "compilation",
        )
    )
    return clips


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(found: set[tuple[int, int]], clips: list[Clip]) -> dict[str, float]:
    tp = fp = fn = hard_fp = hard_pairs = overlay_fp = overlay_pairs = 0
    for i, j in itertools.combinations(range(len(clips)), 2):
        truth = shares(clips[i], clips[j])
        got = (i, j) in found
        tp += truth and got
        fp += (not truth) and got
        fn += truth and not got
        if not truth and clips[i].hard_group == clips[j].hard_group:
            hard_pairs += 1
            hard_fp += got
        if not same_footage(clips[i], clips[j]) and clips[i].overlay and clips[j].overlay:
            overlay_pairs += 1
            overlay_fp += got
    p, r, f1 = _prf(tp, fp, fn)
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
        overlay_fp=overlay_fp,
        overlay_pairs=overlay_pairs,
    )


def cluster_score(groups: list[set[int]], clips: list[Clip]) -> dict[str, float]:
    """Pair counting over clusters: a pair is placed together when some cluster holds both
    (a compilation sits in several); it is right when the two hold the same footage."""
    together = {p for g in groups for p in itertools.combinations(sorted(g), 2)}
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(len(clips)), 2):
        truth = same_footage(clips[i], clips[j])
        got = (i, j) in together
        tp += truth and got
        fp += (not truth) and got
        fn += truth and not got
    p, r, f1 = _prf(tp, fp, fn)
    return dict(tp=tp, fp=fp, fn=fn, precision=p, recall=r, f1=f1)


def components(found: set[tuple[int, int]], n: int) -> list[set[int]]:
    """Plain connected components of pairwise links (how vPDQ's links would cluster)."""
    from corroborate.match.grouping import DisjointSets

    sets = DisjointSets(str(i) for i in range(n))
    for i, j in found:
        sets.union(str(i), str(j))
    return [{int(x) for x in g} for g in sets.groups().values()]


@dataclass
class Run:
    links: set[tuple[int, int]]
    groups: list[set[int]]
    seconds: float
    held: int = 0  # links held back for review instead of merging


def run_corroborate(root: Path, clips: list[Clip]) -> Run:
    from sqlalchemy import select

    from corroborate.archive import ingest_file
    from corroborate.custody.setup import init_archive
    from corroborate.match import clusters
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
    found = clusters(archive)
    groups = [{ids[i.id] for i in c.items if i.id in ids} for c in found]
    held = 0
    try:
        from corroborate.match import held_links

        held = len(held_links(archive))
    except ImportError:
        pass
    archive.close()
    pairs = {tuple(sorted((ids[a], ids[b]))) for a, b in links}
    return Run(pairs, groups, elapsed, held)  # type: ignore[arg-type]


def run_vpdq(clips: list[Clip]) -> Run | None:
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
    return Run(found, components(found, len(clips)), elapsed)


def _print_rows(rows: list[tuple[str, Run]], clips: list[Clip]) -> None:
    print(
        f"  {'method':40s} {'pairs: P':>8s} {'R':>6s} {'F1':>6s} {'TP':>4s} {'FP':>4s} "
        f"{'FN':>4s} {'clusters: P':>11s} {'R':>6s} {'F1':>6s} {'overlay FP':>11s} "
        f"{'hard FP':>8s} {'held':>5s} {'s':>6s}"
    )
    for name, run in rows:
        s, c = score(run.links, clips), cluster_score(run.groups, clips)
        print(
            f"  {name:40s} {s['precision']:8.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
            f"{s['tp']:4d} {s['fp']:4d} {s['fn']:4d} {c['precision']:11.3f} "
            f"{c['recall']:6.3f} {c['f1']:6.3f} {s['overlay_fp']:4d}/{s['overlay_pairs']:<6d} "
            f"{s['hard_fp']:3d}/{s['hard_pairs']:<4d} {run.held:5d} {run.seconds:6.1f}"
        )


def _kind(clip: Clip) -> str:
    """What a file is, without which footage: `original`, `channel-crop`, `compilation`..."""
    stem = clip.path.stem
    if stem.startswith("compilation"):
        return stem
    rest = stem.split("-", maxsplit=stem.count("-"))
    tail = [w for w in rest if not w.isdigit()][len(clip.hard_group.split("-")) :]
    return "-".join(tail) or "original"


def _by_kind(run: Run, clips: list[Clip]) -> None:
    """Pairs sharing footage found, by the two kinds of copy (aggregate counts only)."""
    found: dict[tuple[str, str], list[int]] = {}
    for i, j in itertools.combinations(range(len(clips)), 2):
        if shares(clips[i], clips[j]):
            key = tuple(sorted((_kind(clips[i]), _kind(clips[j]))))
            cell = found.setdefault(key, [0, 0])  # type: ignore[arg-type]
            cell[0] += (i, j) in run.links
            cell[1] += 1
    print("  pairs sharing footage found, by kind of copy:")
    for (a, b), (got, total) in sorted(found.items()):
        print(f"    {a:22s} ~ {b:22s} {got:3d}/{total:<3d}")


def _misses(run: Run, clips: list[Clip]) -> None:
    for i, j in itertools.combinations(range(len(clips)), 2):
        truth = shares(clips[i], clips[j])
        if truth != ((i, j) in run.links):
            kind = "missed" if truth else "false"
            print(f"    {kind}: {clips[i].path.name} ~ {clips[j].path.name}")
    together = {p for g in run.groups for p in itertools.combinations(sorted(g), 2)}
    for i, j in sorted(together):
        if not same_footage(clips[i], clips[j]):
            print(f"    wrongly clustered: {clips[i].path.name} ~ {clips[j].path.name}")


def evaluate(
    root: Path, clips: list[Clip], *, misses: bool, vpdq: bool = True, kinds: bool = False
) -> None:
    n_pairs = len(clips) * (len(clips) - 1) // 2
    positives = sum(shares(a, b) for a, b in itertools.combinations(clips, 2))
    print(f"  {len(clips)} files, {n_pairs} pairs, {positives} sharing footage")
    shutil.rmtree(root / "archive", ignore_errors=True)
    ours = run_corroborate(root, clips)
    from corroborate.match import matching_signal

    rows = [(f"corroborate {matching_signal().key}", ours)]
    ref = run_vpdq(clips) if vpdq else None
    if ref is None:
        print("  NOTE: vPDQ reference unavailable (run `bash benchmarks/vpdq_setup.sh`)")
    else:
        rows.append(("vPDQ reference (default thresholds)", ref))
    _print_rows(rows, clips)
    if kinds:
        _by_kind(ours, clips)
    if misses:
        _misses(ours, clips)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--dir", "--workdir", dest="workdir", type=Path,
        help="keep the footage here, so reruns only ingest (default: a temp dir)",
    )  # fmt: skip
    ap.add_argument("--set", choices=("field", "classic"), default="field")
    ap.add_argument("--part", choices=("tuning", "held-out", "both"), default="both")
    ap.add_argument("--photos", type=int, default=4, help="classic set: photographs (2-6)")
    ap.add_argument(
        "--misses", action="store_true", help="list errors (classic set, or the tuning part)"
    )
    ap.add_argument("--by-kind", action="store_true", help="found pairs by kind of copy")
    ap.add_argument("--build-only", action="store_true", help="only make the footage")
    ap.add_argument("--no-vpdq", action="store_true", help="skip the vPDQ reference")
    ap.add_argument(
        "--signal", help="match with this registered signal (default: the matching signal)"
    )
    args = ap.parse_args()
    if args.signal:
        from corroborate.match import register, signal_by_key

        register(signal_by_key(args.signal), matching=True)
    root = args.workdir or Path(tempfile.mkdtemp(prefix="match-accuracy-"))
    root.mkdir(parents=True, exist_ok=True)
    if args.set == "classic":
        t = time.perf_counter()
        clips = build(root / "footage", PHOTOS[: max(2, min(6, args.photos))])
        print(f"classic set (built in {time.perf_counter() - t:.0f} s)")
        evaluate(root, clips, misses=args.misses, vpdq=not args.no_vpdq)
    else:
        for part in PARTS:
            if args.part not in ("both", part.name):
                continue
            t = time.perf_counter()
            clips = build_field(root / part.name / "footage", part)
            print(f"field set, {part.name} part (built in {time.perf_counter() - t:.0f} s)")
            if args.build_only:
                continue
            evaluate(
                root / part.name,
                clips,
                misses=args.misses and part.name == "tuning",
                vpdq=not args.no_vpdq,
                kinds=args.by_kind,
            )
    if args.workdir is None:
        shutil.rmtree(root, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
