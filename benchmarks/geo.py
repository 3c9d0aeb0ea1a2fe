"""Gazetteer benchmark: top-1 accuracy on spelling variants, lookup latency, load time and memory.

    .venv/bin/python benchmarks/geo.py [--repeat 20] [--show-failures]

Variants are in tests/data/geo/variants.csv, with expected coordinates written from independent
knowledge (not from the gazetteer). A settlement counts as found when the top candidate lies
within 15 km of the expected point; a region when the top candidate is that region. The reference
is a naive lookup measured in the same run: one rapidfuzz scan over every index key per query.
"""

from __future__ import annotations

import argparse
import csv
import gc
import math
import os
import statistics
import time
from collections import defaultdict
from pathlib import Path

import psutil
from rapidfuzz import fuzz, process

from corroborate.geo import Gazetteer, fold

VARIANTS = Path(__file__).resolve().parents[1] / "tests" / "data" / "geo" / "variants.csv"
RADIUS_KM = 15.0


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(math.sqrt(h))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="Timed runs of each query.")
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args()

    with open(VARIANTS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))

    gc.collect()
    rss_before = psutil.Process().memory_info().rss
    t0 = time.perf_counter()
    gazetteer = Gazetteer.load()
    load_s = time.perf_counter() - t0
    gc.collect()
    rss_after = psutil.Process().memory_info().rss

    hits: dict[str, list[bool]] = defaultdict(list)
    failures = []
    for row in rows:
        context = row["context"] or None
        top = gazetteer.candidates(row["query"], context=context, limit=1)
        place = top[0].place if top else None
        if row["kind"] == "region":
            ok = place is not None and place.precision == "region" and place.name == row["expected"]
            detail = f"{place.name} ({place.precision})" if place else "nothing"
        else:
            ok = False
            detail = "nothing"
            if place is not None and place.latitude is not None:
                d = km(
                    place.latitude, place.longitude, float(row["latitude"]), float(row["longitude"])
                )
                ok = d <= RADIUS_KM
                detail = f"{place.name}, {place.admin1} ({d:.0f} km off)"
        hits[row["kind"]].append(ok)
        if not ok:
            failures.append((row["query"], row["context"], row["expected"], detail))

    timings: list[float] = []
    per_query: dict[int, list[float]] = defaultdict(list)
    for _ in range(args.repeat):
        for i, row in enumerate(rows):
            t = time.perf_counter()
            gazetteer.candidates(row["query"], context=row["context"] or None, limit=5)
            elapsed = (time.perf_counter() - t) * 1000
            timings.append(elapsed)
            per_query[i].append(elapsed)
    medians = [statistics.median(v) for v in per_query.values()]

    keys = list(gazetteer._index)  # the reference scans the same keys the gazetteer indexes
    reference: list[float] = []
    for row in rows:
        t = time.perf_counter()
        process.extractOne(fold(row["query"]), keys, scorer=fuzz.ratio)
        reference.append((time.perf_counter() - t) * 1000)

    total = sum(len(v) for v in hits.values())
    correct = sum(sum(v) for v in hits.values())
    print(f"gazetteer: {len(gazetteer)} entries, {len(keys)} index keys")
    print(
        f"load time: {load_s * 1000:.0f} ms; "
        f"memory: +{(rss_after - rss_before) / 2**20:.0f} MiB RSS"
    )
    print(f"top-1 accuracy: {correct}/{total} = {correct / total:.3f} (within {RADIUS_KM:.0f} km)")
    for kind, values in sorted(hits.items()):
        print(f"  {kind:10} {sum(values):3}/{len(values):3} = {sum(values) / len(values):.3f}")
    print(
        f"lookup latency over {len(timings)} calls (limit=5): "
        f"p50 {percentile(timings, 50):.3f} ms, "
        f"p99 {percentile(timings, 99):.3f} ms, max {max(timings):.3f} ms, "
        f"mean {statistics.fmean(timings):.3f} ms"
    )
    print(
        f"per-query median latency (robust to a busy machine): "
        f"p50 {percentile(medians, 50):.3f} ms, p99 {percentile(medians, 99):.3f} ms, "
        f"slowest {max(medians):.3f} ms; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs"
    )
    print(
        f"reference, one naive rapidfuzz scan of all keys per query: "
        f"p50 {percentile(reference, 50):.3f} ms, p99 {percentile(reference, 99):.3f} ms"
    )
    if failures and (args.show_failures or len(failures) <= 15):
        print("misses:")
        for query, context, expected, detail in failures:
            where = f" [{context}]" if context else ""
            print(f"  {query!r}{where}: expected {expected}, got {detail}")


if __name__ == "__main__":
    main()
