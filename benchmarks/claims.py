"""Precision and recall of the claims reader on its labelled sets, per set and per language.

Run: .venv/bin/python benchmarks/claims.py [--show-errors] [--only NAME] [--data DIR]

Sets (in tests/data/claims/): `labelled.jsonl` (English: `en/dev-b1`, held-out batches
`en/held-b1` and `en/held-b2`), and every `<lang>_dev.jsonl` and `<lang>_heldout.jsonl`
(`en/dev`, `en/held` = English batch 3; a numbered dev file such as `en_dev2.jsonl` is its
own row, `en/dev2`; `uk/...`, `ru/...` and whatever other language files exist), then
`all/held`: every language's new held-out set together. Held-out sets were written before
the rules they measure and are never tuned on; `--show-errors` prints errors for dev sets
only unless `--show-heldout-errors` is given; `--dev` skips held-out sets.

Extraction counts a claim right when its count and event match a labelled claim; attribution
when count, event, claimant and victims all match. Period counts a matched claim right when its
dates equal the labelled ones (only where a period is labelled). A no-rule baseline (every
number in a sentence with a harm word is a "killed" claim) is measured in the same run.
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

DATA = Path(__file__).resolve().parents[1] / "tests/data/claims"
_HARM = re.compile(
    r"\b(?:kill|dead|death|died|wound|injur|execut|captur|missing|surrender"
    r"|заги|вбит|убит|погиб|поран|ранен|страт|розстр|расстр|полон|плен|зник|пропа)",
    re.I,
)
# "en_dev.jsonl", "en_dev2.jsonl" (a later dev batch, its own row), "uk_heldout.jsonl".
_SET_FILE = re.compile(r"^(?P<lang>[a-z]{2})_(?P<split>dev|heldout)(?P<batch>\d*)\.jsonl$")


def same_phrase(a: str | None, b: str | None) -> bool:
    """Two claimant or victim phrases name the same thing (case, articles, punctuation aside)."""
    if a is None or b is None:
        return a is None and b is None
    na, nb = _norm(a), _norm(b)
    return na == nb or fuzz.ratio(na, nb) >= 90


def same_event(p: dict[str, Any], g: dict[str, Any], legacy: bool) -> bool:
    """The predicted event is the labelled one, by the convention of the row's set.

    The older English rows label a killing of prisoners `executed` only where the text says
    executed ("shot dead after surrendering" is `killed`, category `pow`); the newer sets
    label every killing of people hors de combat `executed`, as the reader does.
    """
    if p["event"] == g["event"]:
        return True
    return (
        legacy
        and p["event"] == "executed"
        and g["event"] == "killed"
        and g.get("victim_category") == "pow"
    )


def _norm(s: str) -> str:
    s = s.lower().replace("’", "'")
    s = re.sub(r"[^\w' ]", " ", s)
    return " ".join(w for w in s.split() if w not in {"the", "a", "an"})


def predicted(text: str, baseline: bool, legacy: bool) -> list[dict[str, Any]]:
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
            # The older English rows label "killed or wounded" totals `killed`.
            "event": "killed" if legacy and c.event == "casualties" else c.event,
            "claimant": c.claimant,
            "victims": c.victims,
            "victim_category": c.victim_category,
            "period": {"from": c.date_from.isoformat(), "to": c.date_to.isoformat()}
            if c.date_from and c.date_to
            else None,
        }
        for c in extract_claims(text, resolve_places=False)
    ]


def score(
    rows: list[dict[str, Any]], baseline: bool = False, show: bool = False, legacy: bool = False
) -> dict[str, float]:
    tp_x = tp_a = n_pred = n_gold = exact = periods = periods_right = 0
    for row in rows:
        gold = row["claims"]
        pred = predicted(row["text"], baseline, legacy)
        n_pred += len(pred)
        n_gold += len(gold)
        unmatched = list(gold)
        for p in pred:
            hit = next(
                (g for g in unmatched if g["count"] == p["count"] and same_event(p, g, legacy)),
                None,
            )
            if hit is None:
                if show:
                    print(f"  FP {row['id']}: {p}  <- {row['text'][:100]}")
                continue
            unmatched.remove(hit)
            tp_x += 1
            if hit.get("period"):
                periods += 1
                periods_right += p.get("period") == hit["period"]
                if show and p.get("period") != hit["period"]:
                    print(f"  PERIOD {row['id']}: {p.get('period')} vs {hit['period']}")
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
    return {
        "gold": n_gold,
        "predicted": n_pred,
        "extraction_precision": tp_x / n_pred if n_pred else 1.0,
        "extraction_recall": tp_x / n_gold if n_gold else 1.0,
        "attribution_precision": tp_a / n_pred if n_pred else 1.0,
        "attribution_recall": tp_a / n_gold if n_gold else 1.0,
        "exact_match": exact / n_gold if n_gold else 1.0,
        "periods": periods,
        "period_right": periods_right / periods if periods else float("nan"),
    }


def _read(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def sets(data: Path) -> list[tuple[str, bool, bool, list[dict[str, Any]]]]:
    """(name, held out, legacy convention, rows) for every labelled set found in `data`."""
    found: list[tuple[str, bool, bool, list[dict[str, Any]]]] = []
    legacy = data / "labelled.jsonl"
    if legacy.exists():
        rows = _read(legacy)
        found.append(("en/dev-b1", False, True, [r for r in rows if r["split"] == "dev"]))
        test = [r for r in rows if r["split"] == "test"]
        for b in sorted({r.get("batch", 1) for r in test}):
            part = [r for r in test if r.get("batch", 1) == b]
            found.append((f"en/held-b{b}", True, True, part))
    new_heldout: list[dict[str, Any]] = []
    for path in sorted(data.glob("*.jsonl")):
        m = _SET_FILE.match(path.name)
        if m is None:
            continue
        heldout = m["split"] == "heldout"
        name = f"{m['lang']}/{'held' if heldout else 'dev'}{m['batch']}"
        rows = _read(path)
        found.append((name, heldout, False, rows))
        if heldout:
            new_heldout.extend(rows)
    if len({r.get("lang", "en") for r in new_heldout}) > 1:
        found.append(("all/held", True, False, new_heldout))  # every language's held-out set
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true", help="errors on dev sets")
    parser.add_argument("--show-heldout-errors", action="store_true")
    parser.add_argument("--only", default=None, help="one set by name, e.g. en/dev")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--dev", action="store_true", help="dev sets only (while tuning)")
    args = parser.parse_args()
    header = (
        f"{'set':<13}{'method':<10}{'gold':>5}{'pred':>6}{'ext P':>8}{'ext R':>8}"
        f"{'attr P':>8}{'attr R':>8}{'exact':>8}{'period':>8}{'ms/text':>9}"
    )
    print(header)
    for name, heldout, legacy, rows in sets(args.data):
        if args.only and name != args.only or args.dev and heldout:
            continue
        show = args.show_heldout_errors if heldout else args.show_errors
        for method, base in (("baseline", True), ("rules", False)):
            t = time.perf_counter()
            s = score(rows, base, show=show and not base, legacy=legacy)
            ms = (time.perf_counter() - t) * 1000 / max(1, len(rows))
            print(
                f"{name:<13}{method:<10}{s['gold']:>5}{s['predicted']:>6}"
                f"{s['extraction_precision']:>8.3f}{s['extraction_recall']:>8.3f}"
                f"{s['attribution_precision']:>8.3f}{s['attribution_recall']:>8.3f}"
                f"{s['exact_match']:>8.3f}{s['period_right']:>8.3f}{ms:>9.1f}"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
