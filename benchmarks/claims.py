"""Precision and recall of the claims reader on the labelled set, dev and held-out separately.

Run: .venv/bin/python benchmarks/claims.py [--show-errors] [--split dev|test]

Extraction counts a claim right when its count and event match a labelled claim; attribution
when count, event, claimant and victims all match. A no-rule baseline (every number in a
sentence with a harm word is a "killed" claim) is measured in the same run for reference.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from corroborate.claims import extract_claims
from corroborate.claims._numbers import find_numbers

DATA = Path(__file__).resolve().parents[1] / "tests/data/claims/labelled.jsonl"
_HARM = re.compile(r"\b(?:kill|dead|death|died|wound|injur|execut|captur|missing|surrender)", re.I)


def same_phrase(a: str | None, b: str | None) -> bool:
    """Two claimant or victim phrases name the same thing (case, articles, punctuation aside)."""
    if a is None or b is None:
        return a is None and b is None
    na, nb = _norm(a), _norm(b)
    return na == nb or fuzz.ratio(na, nb) >= 90


def _norm(s: str) -> str:
    s = s.lower().replace("’", "'")
    s = re.sub(r"[^\w' ]", " ", s)
    return " ".join(w for w in s.split() if w not in {"the", "a", "an"})


def predicted(text: str, baseline: bool) -> list[dict[str, Any]]:
    if baseline:
        if not _HARM.search(text):
            return []
        return [
            {"count": n.value, "event": "killed", "claimant": None, "victims": None}
            for n in find_numbers(text)
        ]
    return [
        {
            "count": c.count,
            "count_high": c.count_high,
            "qualifier": c.qualifier,
            "event": c.event,
            "claimant": c.claimant,
            "victims": c.victims,
            "victim_category": c.victim_category,
        }
        for c in extract_claims(text, resolve_places=False)
    ]


def score(
    rows: list[dict[str, Any]], baseline: bool = False, show: bool = False
) -> dict[str, float]:
    tp_x = tp_a = n_pred = n_gold = exact = 0
    for row in rows:
        gold = row["claims"]
        pred = predicted(row["text"], baseline)
        n_pred += len(pred)
        n_gold += len(gold)
        unmatched = list(gold)
        for p in pred:
            hit = next(
                (g for g in unmatched if g["count"] == p["count"] and g["event"] == p["event"]),
                None,
            )
            if hit is None:
                if show:
                    print(f"  FP {row['id']}: {p}  <- {row['text'][:100]}")
                continue
            unmatched.remove(hit)
            tp_x += 1
            if same_phrase(p["claimant"], hit["claimant"]) and same_phrase(
                p["victims"], hit["victims"]
            ):
                tp_a += 1
                if all(p.get(k) == hit[k] for k in ("count_high", "qualifier", "victim_category")):
                    exact += 1
                elif show:
                    print(f"  DETAIL {row['id']}: {p} vs {hit}")
            elif show:
                print(
                    f"  ATTR {row['id']}: claimant={p['claimant']!r} victims={p['victims']!r}"
                    f" vs {hit['claimant']!r} / {hit['victims']!r}"
                )
        if show:
            for g in unmatched:
                print(f"  FN {row['id']}: {g}  <- {row['text'][:100]}")
    p = tp_x / n_pred if n_pred else 1.0
    r = tp_x / n_gold if n_gold else 1.0
    pa = tp_a / n_pred if n_pred else 1.0
    ra = tp_a / n_gold if n_gold else 1.0
    return {
        "gold": n_gold,
        "predicted": n_pred,
        "extraction_precision": p,
        "extraction_recall": r,
        "attribution_precision": pa,
        "attribution_recall": ra,
        "exact_match": exact / n_gold if n_gold else 1.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--split", choices=["dev", "test"], default=None)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    rows = [
        json.loads(line)
        for line in args.data.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    splits = [args.split] if args.split else ["dev", "test"]
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    for split in splits:
        part = [r for r in rows if r["split"] == split]
        groups.append((split, part))
        batches = sorted({r.get("batch", 1) for r in part})
        if len(batches) > 1:
            for b in batches:
                groups.append((f"{split}/b{b}", [r for r in part if r.get("batch", 1) == b]))
    header = f"{'split':<9}{'method':<10}{'gold':>5}{'pred':>6}{'ext P':>8}{'ext R':>8}{'attr P':>8}{'attr R':>8}{'exact':>8}{'ms/sent':>9}"  # noqa: E501 - one regex alternative per line reads best
    print(header)
    for split, part in groups:
        for name, base in (("baseline", True), ("rules", False)):
            t = time.perf_counter()
            s = score(part, base, show=args.show_errors and not base)
            ms = (time.perf_counter() - t) * 1000 / max(1, len(part))
            print(
                f"{split:<9}{name:<10}{s['gold']:>5}{s['predicted']:>6}"
                f"{s['extraction_precision']:>8.3f}{s['extraction_recall']:>8.3f}"
                f"{s['attribution_precision']:>8.3f}{s['attribution_recall']:>8.3f}"
                f"{s['exact_match']:>8.3f}{ms:>9.1f}"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
