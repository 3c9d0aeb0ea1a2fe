"""Ingest of a Telegram channel export: posts per second and the process's own peak memory.

Usage: .venv/bin/python benchmarks/telegram_export.py [--posts 20000] [--photo-every 20]
       [--signatures]

The export is generated in Telegram Desktop's JSON form (`result.json` beside `photos/`):
`--posts` messages over about a year, most of them text-only reports of a few sentences (some
with numeric claims, some with entities: bold, links), one in `--photo-every` with a small
JPEG (240x180) rendered over a real photograph, one in ten a forward from another channel.
`corroborate ingest EXPORT --url https://t.me/<name>` runs as a separate command, measured by
benchmarks/measure.py (wall time, its own peak RSS). In the same run, for reference:

* the same export cut to a tenth of its posts: peak RSS should not grow with the export
  (the posts are streamed), so the ratio of the two peaks is the figure to watch;
* `corroborate ingest FOLDER` of loose files, the same text reports and photos as the
  tenth, so the cost of reading the export post by post is seen against plain file ingest
  (files per second).

By default both run as bulk intake (`--no-signatures`: perceptual hashing left for `rehash`),
as a user would take in a large export; `--signatures` hashes and matches every photo now.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from measure import Measured, mb, run

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work" / "telegram"
CHANNEL_ID = 1700000001
START = datetime(2024, 1, 1, tzinfo=UTC)

TEXTS = [
    "Russian shelling of Kharkiv killed {n} civilians and wounded {m} on Tuesday, the regional "
    "governor said.",
    "Air defence downed {n} drones overnight over the region, the air force said.",
    "Footage from the front near Kupiansk. Power is restored in {n} villages.",
    "A strike on an apartment block wounded {m} people, including {n} children, the police said.",
    "Evacuation continues from the border villages; {m} residents left this week.",
]


def generate(folder: Path, posts: int, photo_every: int) -> Path:
    """A Telegram Desktop JSON export of `posts` messages, written as a stream."""
    if (folder / "result.json").exists():
        return folder
    from PIL import Image

    from corroborate.samples import render_still

    (folder / "photos").mkdir(parents=True, exist_ok=True)
    base = folder / "photos" / "_base.jpg"
    render_still(base, "rocket", width=960, height=720)
    scene = Image.open(base).convert("RGB")
    with open(folder / "result.json", "w", encoding="utf-8") as out:
        out.write('{\n "name": "Bench Channel",\n "type": "public_channel",\n')
        out.write(f' "id": {CHANNEL_ID},\n "messages": [\n')
        for i in range(1, posts + 1):
            at = START + timedelta(minutes=23 * i)
            text = TEXTS[i % len(TEXTS)].format(n=i % 17 + 2, m=i % 29 + 3)
            msg: dict[str, object] = {
                "id": i,
                "type": "message",
                "date": at.strftime("%Y-%m-%dT%H:%M:%S"),
                "date_unixtime": str(int(at.timestamp())),
                "from": "Bench Channel",
                "from_id": f"channel{CHANNEL_ID}",
            }
            if i % 10 == 0:
                msg["forwarded_from"] = "Other Channel"
                msg["forwarded_from_id"] = "channel1700000002"
            if i % photo_every == 0:
                rel = f"photos/photo_{i}@{at:%d-%m-%Y_%H-%M-%S}.jpg"
                # a different crop of the photograph for each post: distinct bytes and pictures
                x, y = (i * 37) % 700, (i * 53) % 520
                scene.crop((x, y, x + 240, y + 180)).save(folder / rel, quality=80)
                msg.update(photo=rel, width=240, height=180)
            msg["text"] = (
                [text[:20], {"type": "bold", "text": text[20:40]}, text[40:]] if i % 3 else text
            )
            sep = ",\n" if i < posts else "\n"
            out.write("  " + json.dumps(msg, ensure_ascii=False) + sep)
        out.write(" ]\n}\n")
    base.unlink()
    return folder


def cut(source: Path, folder: Path, posts: int) -> Path:
    """The first `posts` messages of an export (the quarter reference)."""
    if (folder / "result.json").exists():
        return folder
    doc = json.loads((source / "result.json").read_text("utf-8"))
    doc["messages"] = doc["messages"][:posts]
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    for m in doc["messages"]:
        if "photo" in m:
            shutil.copy(source / m["photo"], folder / m["photo"])
    (folder / "result.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return folder


def loose(export: Path, folder: Path) -> Path:
    """The same posts as loose files: each text report as a .txt, each photo as itself."""
    if folder.exists():
        return folder
    sys.path.insert(0, str(HERE.parent / "src"))
    from corroborate.archive.telegram.export import (
        ExportFiles,
        FolderExport,
        Post,
        json_posts,
        read_json_header,
    )
    from corroborate.archive.telegram.intake import post_report

    folder.mkdir(parents=True)
    files: ExportFiles = FolderExport(export)
    channel = read_json_header(files, "bench_channel").channel
    for post in json_posts(files):
        if not isinstance(post, Post):
            continue
        if post.text.strip():
            (folder / f"post-{post.id}.txt").write_text(post_report(channel, post), "utf-8")
        if post.media:
            shutil.copy(export / post.media, folder / Path(post.media).name)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--photo-every", type=int, default=20)
    parser.add_argument(
        "--signatures",
        action="store_true",
        help="also hash and match every photo now (default: bulk intake, --no-signatures)",
    )
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    full = generate(WORK / f"export-{args.posts}", args.posts, args.photo_every)
    part_n = max(args.posts // 10, 1)
    part = cut(full, WORK / f"export-{part_n}", part_n)
    files = loose(part, WORK / f"loose-{part_n}")
    n_files = len(list(files.iterdir()))
    photos = args.posts // args.photo_every
    size = (full / "result.json").stat().st_size / 1024 / 1024
    mode = "" if args.signatures else " --no-signatures (bulk intake; `rehash` later)"
    print(
        f"export: {args.posts:,} posts (result.json {size:.1f} MB), {photos:,} photos "
        f"240x180 JPEG, the rest text-only; one in ten a forward; ingest{mode}"
    )
    cli = [sys.executable, "-m", "corroborate"]
    env = {**os.environ, "CORROBORATE_USER": "bench", "PYTHONPATH": str(HERE.parent / "src")}
    extra = [] if args.signatures else ["--no-signatures"]
    rows: list[tuple[str, int, str, Measured]] = []
    print(f"{'what':<52} {'count':>8} {'seconds':>8} {'per s':>8} {'peak RSS MB':>12}")
    for label, target, count, unit in (
        (f"ingest export, {args.posts:,} posts", full, args.posts, "posts"),
        (f"ingest export, {part_n:,} posts (reference)", part, part_n, "posts"),
        ("ingest loose files of those posts (reference)", files, n_files, "files"),
    ):
        arc = WORK / "archive"
        shutil.rmtree(arc, ignore_errors=True)
        subprocess.run([*cli, "init", "-A", str(arc)], check=True, capture_output=True, env=env)
        cmd = [*cli, "ingest", "-A", str(arc), *extra, str(target)]
        if unit == "posts":
            cmd += ["--url", "https://t.me/bench_channel"]
        m = run(cmd, env=env)
        if m.returncode != 0:
            print(m.stderr.decode()[-2000:])
            raise SystemExit(f"{label}: exit {m.returncode}")
        rows.append((label, count, unit, m))
        print(
            f"{label:<52} {count:>8,} {m.wall_s:8.1f} {count / m.wall_s:8.1f} "
            f"{mb(m.peak_rss_bytes):>12}  ({unit})",
            flush=True,
        )
    shutil.rmtree(WORK / "archive", ignore_errors=True)
    f, q, lf = (r[3] for r in rows)
    print(f"peak RSS: each command's own ({f.method} launcher, benchmarks/measure.py)")
    print(
        f"peak RSS {args.posts:,} posts / {part_n:,} posts: "
        f"{f.peak_rss_bytes / q.peak_rss_bytes:.2f} (1.0: memory does not grow with the export)"
    )
    print(
        f"posts per second ({args.posts:,}-post export) / files per second (loose ingest): "
        f"{(args.posts / f.wall_s) / (n_files / lf.wall_s):.2f} (a post is one or two files)"
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
