"""Time and peak memory of `corroborate verify` and `verify-package`, next to sha256sum (and
openssl and a plain read) over the same bytes, in the same run.

    .venv/bin/python benchmarks/verify.py [--items 10000] [--entries 100000] [--package-mb 1024]
                                          [--bomb-gib 1.5] [--timeout 1800] [--max-rss-mb 4096]

1. An archive of `--items` real files (gzip attachments of 1-128 KB and one text report in ten,
   whose claims are read) ingested through the library, then custody entries up to
   `--entries` in all: further sightings of those files (a row and a signed entry each, as
   ingest writes them), added in transactions of 5,000, each sealed under its own signed head.
   The reference hashes every file in the archive folder (blobs and database).
2. An evidence package of `--package-mb` (one incident, one file of that size) exported by
   the CLI; the reference hashes the zip.
3. A hostile zip shaped like a package whose manifest and one evidence entry decompress to
   `--bomb-gib` GiB from a zip of a few MB; the references hash the zip and the bytes it
   expands to (`unzip -p | sha256sum`). A verifier with bounded reading refuses it fast.

Each command is measured by benchmarks/measure.py (its own peak, not this script's) and
stopped after `--timeout` seconds or above `--max-rss-mb` of memory, which is then reported.
The archive is kept under benchmarks/_work/verify and reused by a later run of the same size.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
from measure import Measured, references, run

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work" / "verify"
CLI = [sys.executable, "-m", "corroborate"]
ACTOR = "bench"
BATCH = 5_000
PLACES = ["Kharkiv", "Kherson", "Zaporizhzhia", "Sumy", "Odesa", "Dnipro", "Kyiv", "Izium"]


def inputs(folder: Path, items: int, seed: int = 7) -> int:
    """Write `items` distinct files; their total size in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    total = 0
    for n in range(items):
        if n % 10 == 0:
            place = PLACES[n % len(PLACES)]
            text = (
                f"{place}, March {n % 28 + 1}, 2024. At least {n % 40 + 2} civilians were "
                f"killed and {n % 17 + 3} injured when a missile hit a residential building "
                f"in {place}, the regional governor said (report {n}).\n"
            )
            path = folder / f"report-{n:06}.txt"
            path.write_text(text * int(rng.integers(1, 6)))
        else:
            path = folder / f"attachment-{n:06}.gz"
            payload = rng.bytes(int(rng.integers(1024, 128 * 1024)))
            path.write_bytes(gzip.compress(payload, compresslevel=1, mtime=0))
        total += path.stat().st_size
    return total


def build_archive(arc: Path, items: int, entries: int) -> None:
    """Ingest the files through the library, then add sightings up to `entries` entries."""
    from sqlalchemy import func, select

    from corroborate.archive.ingest import ingest
    from corroborate.archive.models import ItemRow, SightingRow
    from corroborate.custody import log
    from corroborate.custody.models import CustodyEntryRow
    from corroborate.custody.setup import init_archive
    from corroborate.db import utcnow

    folder = arc.parent / f"{arc.name}-inputs"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(arc, ignore_errors=True)
    t = time.perf_counter()
    size = inputs(folder, items)
    print(f"  wrote {items:,} files, {size / 2**20:.0f} MiB, in {time.perf_counter() - t:.0f} s")
    archive = init_archive(arc)
    try:
        t = time.perf_counter()
        report = ingest(archive, [str(folder)], actor=ACTOR, signatures=False)
        if report.failed:
            sys.exit(f"ingest failed for {report.failed} files")
        print(f"  ingested them (library, no signatures) in {time.perf_counter() - t:.0f} s")
        with archive.session() as session:
            known = list(
                session.execute(
                    select(ItemRow.id, ItemRow.sha256, ItemRow.size, ItemRow.kind,
                           ItemRow.original_name)
                )
            )  # fmt: skip
            have = session.scalar(select(func.count(CustodyEntryRow.seq))) or 0
        t = time.perf_counter()
        added = 0
        while have + added < entries:
            batch = min(BATCH, entries - have - added)
            with archive.write() as session:
                rows = []
                for k in range(batch):
                    item = known[(added + k) % len(known)]
                    row = SightingRow(
                        item_id=item.id,
                        archived_at=utcnow(),
                        archived_by=ACTOR,
                        source_label=f"channel {(added + k) % 97}",
                        url=f"https://example.org/posts/{added + k}",
                        local_path=None,
                        original_name=item.original_name,
                        published_at=None,
                        extra={},
                    )
                    session.add(row)
                    rows.append((item, row))
                session.flush()
                for item, row in rows:
                    log.append(
                        session,
                        actor=ACTOR,
                        action="archive.sighting",
                        subject_sha256=item.sha256,
                        details={
                            "item": item.id,
                            "sighting": row.id,
                            "size": item.size,
                            "kind": item.kind,
                            "original_name": item.original_name,
                            "source": row.source_label,
                            "url": row.url,
                            "local_path": None,
                            "published_at": None,
                        },
                    )
            added += batch
        print(f"  added {added:,} sightings in {time.perf_counter() - t:.0f} s")
    finally:
        archive.close()
    shutil.rmtree(folder, ignore_errors=True)
    (arc / ".bench-size").write_text(f"{items} {entries}\n")


def archive_stats(arc: Path) -> tuple[int, int, int, int]:
    """(items, entries, signed heads, bytes of every file in the archive folder)."""
    from sqlalchemy import func, select

    from corroborate.archive.models import ItemRow
    from corroborate.custody.models import CustodyEntryRow, TreeHeadRow
    from corroborate.storage.archive import Archive

    archive = Archive.open(arc)
    try:
        with archive.session() as session:
            items = session.scalar(select(func.count(ItemRow.id))) or 0
            entries = session.scalar(select(func.count(CustodyEntryRow.seq))) or 0
            heads = session.scalar(select(func.count(TreeHeadRow.tree_size))) or 0
    finally:
        archive.close()
    size = sum(p.stat().st_size for p in arc.rglob("*") if p.is_file())
    return items, entries, heads, size


def tree_references(folder: Path) -> list[tuple[str, list[str], bool]]:
    """sha256sum, openssl and cat over every file under `folder` (find -exec ... +)."""
    find = ["find", str(folder), "-type", "f", "-exec"]
    refs = [
        ("sha256sum over the same files", [*find, "sha256sum", "{}", "+"], False),
        ("openssl dgst -sha256 over them", [*find, "openssl", "dgst", "-sha256", "{}", "+"],
         False),
        ("cat > /dev/null over them", [*find, "cat", "{}", "+"], False),
    ]  # fmt: skip
    return refs if shutil.which("openssl") else [refs[0], refs[2]]


def big_file(path: Path, size_mb: int) -> str:
    """A real gzip file of about `size_mb` (stored blocks of random bytes); its SHA-256."""
    rng = np.random.default_rng(11)
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=0, mtime=0) as gz,
    ):
        for _ in range(size_mb // 4):
            gz.write(rng.bytes(4 * 2**20))
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def build_package(root: Path, size_mb: int) -> Path:
    """One incident with one file of `size_mb`, exported by the CLI."""
    out = root / f"case-{size_mb}mb.zip"
    if out.exists():
        return out
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    arc = root / "archive"
    env = {**os.environ, "CORROBORATE_ARCHIVE": str(arc), "CORROBORATE_USER": ACTOR}

    def cli(*args: str) -> str:
        done = subprocess.run([*CLI, *args], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"corroborate {args[0]} failed: {done.stderr.strip()[-400:]}")
        return done.stdout

    video = root / "intercepted-upload.gz"
    sha = big_file(video, size_mb)
    cli("init")
    cli("ingest", "--no-signatures", str(video))
    video.unlink()
    inc = json.loads(
        cli("incident", "add", "--type", "other", "--title", "Strike on a residential block",
            "--date", "2024-03-14", "--json")
    )  # fmt: skip
    cli("incident", "link", inc["id"], sha[:16], "--role", "primary")
    cli("export", "package", inc["id"], "--out", str(out))
    return out


def hostile_zip(path: Path, gib: float) -> Path:
    """A package-shaped zip whose manifest and one evidence entry expand to `gib` GiB in
    all, written streaming (a few MB on disk)."""
    if path.exists():
        return path
    tmp = path.with_suffix(".part")
    line = ("0" * 64 + "  evidence/0123456789ab_clip.mp4\n").encode()
    half = int(gib * 2**30) // 2
    chunk = 4 * 2**20
    with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
        for name, block in (
            ("MANIFEST.sha256", line * (chunk // len(line))),
            ("evidence/0123456789ab_clip.mp4", bytes(chunk)),
        ):
            info = zipfile.ZipInfo(name, date_time=(2024, 3, 14, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as out:
                for _ in range(half // len(block)):
                    out.write(block)
        zf.writestr("custody/head.json", b"{}")
    tmp.replace(path)
    return path


def report(label: str, m: Measured, n_bytes: int, note: str = "") -> None:
    rate = n_bytes / 2**20 / m.wall_s if m.wall_s else 0.0  # MiB/s of the bytes it stands for
    if m.killed:
        note = f"stopped ({m.killed}) {note}".strip()
    elif not note:
        note = "exit 0" if m.returncode == 0 else f"exit {m.returncode}"
    print(f"  {label:<44} {m.wall_s:9.2f} {rate:9.1f} {m.peak_mb:10.0f}   {note}")


def header(title: str) -> None:
    print(title)
    print(f"  {'what':<44} {'seconds':>9} {'MiB/s':>9} {'peak MiB':>10}   result")


def verify_result(m: Measured) -> str:
    """What `verify` said, in a few words: its problem count or its first line."""
    try:
        data = json.loads(m.stdout)
    except ValueError:
        text = (m.stdout or m.stderr).decode(errors="replace").strip().splitlines()
        return f"exit {m.returncode}: {text[0][:60] if text else ''}"
    problems = data.get("problems", []) if isinstance(data, dict) else []
    ok = "OK" if m.returncode == 0 else f"exit {m.returncode}"
    return f"{ok}, {len(problems)} problems"


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--package-mb", type=int, default=1024)
    ap.add_argument("--bomb-gib", type=float, default=1.5)
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per command")
    ap.add_argument("--max-rss-mb", type=int, default=4096, help="memory cap per command")
    ap.add_argument("--skip-archive", action="store_true")
    ap.add_argument("--skip-package", action="store_true")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)

    def limited(cmd: list[str], capture: bool = True) -> Measured:
        return run(
            cmd, capture=capture, timeout_s=args.timeout, max_rss_bytes=args.max_rss_mb * 2**20
        )

    print(f"peak memory: each command's own (benchmarks/measure.py); load {os.getloadavg()[0]:.1f}"
          f" on {os.cpu_count()} CPUs")  # fmt: skip

    if not args.skip_archive:
        arc = WORK / f"archive-{args.items}-{args.entries}"
        if not (arc / ".bench-size").exists():
            print(f"building an archive of {args.items:,} items, {args.entries:,} entries:")
            build_archive(arc, args.items, args.entries)
        items, entries, heads, size = archive_stats(arc)
        header(
            f"verify: {items:,} items, {entries:,} custody entries, {heads:,} signed heads, "
            f"{size / 2**20:.0f} MiB in the archive folder"
        )
        subprocess.run(["cat", str(arc / "archive.db")], stdout=subprocess.DEVNULL, check=False)
        for label, cmd, capture in tree_references(arc):
            report(label, limited(cmd, capture), size)
        m = limited([*CLI, "verify", "-A", str(arc), "--json"])
        report("corroborate verify", m, size, verify_result(m))

    if not args.skip_package:
        package = build_package(WORK / "package", args.package_mb)
        size = package.stat().st_size
        header(f"verify-package: an evidence package of {size / 2**20:.0f} MiB")
        subprocess.run(["cat", str(package)], stdout=subprocess.DEVNULL, check=False)
        scratch = WORK / "package-copy.zip"
        for label, cmd, capture in references(package, scratch):
            report(label, limited(cmd, capture), size)
            scratch.unlink(missing_ok=True)
        m = limited([*CLI, "verify-package", str(package)])
        report("corroborate verify-package", m, size)

        bomb = hostile_zip(WORK / f"hostile-{args.bomb_gib:g}gib.zip", args.bomb_gib)
        expanded = sum(i.file_size for i in zipfile.ZipFile(bomb).infolist())
        header(
            f"verify-package: a hostile zip of {bomb.stat().st_size / 2**20:.1f} MiB expanding "
            f"to {expanded / 2**30:.2f} GiB"
        )
        m = limited(["sha256sum", str(bomb)])
        report("sha256sum of the zip", m, bomb.stat().st_size)
        unzip = ["sh", "-c", 'unzip -p "$0" | sha256sum', str(bomb)]
        if shutil.which("unzip"):
            m = limited(unzip)
            report("unzip -p | sha256sum (the expanded bytes)", m, expanded)
        m = limited([*CLI, "verify-package", str(bomb)])
        first = (m.stdout + m.stderr).decode(errors="replace").strip().splitlines()
        report("corroborate verify-package", m, expanded,
               f"exit {m.returncode}: {first[0][:70] if first else ''}")  # fmt: skip


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
