"""How the map's queries, the timeline and the tally grow with the number of incidents.

    PYTHONPATH=src python benchmarks/map_scale.py [--sizes 10000,100000] [--repeat 20] [--dir DIR]

For each size it builds (or reuses, in --dir) an archive of generated incidents spread over
Ukraine (`corroborate.samples.incidents`), then times, in this process:
- map clusters for a whole-country viewport at zoom 6 and a city viewport at zoom 11;
- the first 100 incidents of the list in a viewport;
- the timeline by month and by week, and the tally by type: cold (first call after a change,
  counting every incident) and warm (the archive unchanged, the kept result);
- the cold tally split into its stages.
It prints median and 95th-percentile milliseconds per query, so the growth from one size to the
next is visible, and the peak RSS of the process. Single client: `benchmarks/web_load.py` runs
many clients against a real server.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from corroborate.accounts import User
from corroborate.custody.setup import init_archive
from corroborate.incidents.tally import tally
from corroborate.report.mapview import BBox, incidents_in_view, map_view, parse_query
from corroborate.report.timeline import timeline
from corroborate.samples.incidents import generate_incidents
from corroborate.storage.archive import Archive

VIEWER = User(1, "bench", "viewer", datetime(2026, 1, 1), "bench", False)
COUNTRY = BBox(22.0, 44.0, 40.5, 52.5)
CITY = BBox(36.0, 49.8, 36.6, 50.2)


def timed(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def archive_of(size: int, where: Path) -> Archive:
    folder = where / f"incidents-{size}"
    if (folder / "archive.json").exists():
        return Archive.open(folder)
    start = time.perf_counter()
    made = init_archive(folder)
    generate_incidents(made, size, seed=1)
    print(f"  built {size:,} incidents in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return made


def cold(archive: Archive, call: Callable[[], object]) -> float:
    """One call after the kept results are dropped (as after any write), in ms."""
    archive._memo.clear()  # noqa: SLF001 - a benchmark measures the uncached path
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def measure(archive: Archive, repeat: int) -> list[tuple[str, tuple[float, float]]]:
    """Every query of one archive: (name, (median ms, p95 ms))."""
    query = parse_query()
    rows: list[tuple[str, tuple[float, float]]] = [
        (
            "clusters, country, zoom 6",
            timed(lambda: map_view(archive, query, COUNTRY, 6, actor=VIEWER), repeat),
        ),
        (
            "clusters, city, zoom 11",
            timed(lambda: map_view(archive, query, CITY, 11, actor=VIEWER), repeat),
        ),
        (
            "list, country, first 100",
            timed(
                lambda: incidents_in_view(archive, query, COUNTRY, actor=VIEWER, limit=100),
                repeat,
            ),
        ),
    ]
    for name, call in (
        ("tally by type", lambda: tally(archive, by="type", min_status=None)),
        ("timeline by month", lambda: timeline(archive, query, "month", actor=VIEWER)),
        ("timeline by week", lambda: timeline(archive, query, "week", actor=VIEWER)),
    ):
        first = cold(archive, call)
        rows.append((f"{name}, cold", (first, first)))
        rows.append((f"{name}, warm", timed(call, repeat)))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    where = args.dir or Path(tempfile.mkdtemp(prefix="map-scale-"))
    print(f"{'incidents':>10} {'query':<34} {'median ms':>10} {'p95 ms':>10}")
    for size in (int(s) for s in args.sizes.split(",")):
        archive = archive_of(size, where)
        for name, (median, p95) in measure(archive, args.repeat):
            print(f"{size:>10,} {name:<34} {median:>10.1f} {p95:>10.1f}")
        archive.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
