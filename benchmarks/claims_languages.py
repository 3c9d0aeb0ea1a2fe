"""Precision and recall of the claims reader on Ukrainian and Russian labelled sets, by language.

Run: .venv/bin/python benchmarks/claims_languages.py [--show-errors] [--lang uk|ru]

Each language has a dev set (`tests/data/claims/LANG_dev.jsonl`, rules were tuned on it) and a
held-out set (`LANG_heldout.jsonl`, written before the rules and never tuned on), printed whole
and batch by batch; `--split dev` while tuning, so that no held-out error is printed. Scoring
is the English benchmark's: extraction right when count and event match a labelled claim,
attribution when claimant and victims match too. The no-rule baseline reads every number in a
sentence with a harm word stem as "killed", with no claimant or victims.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path
from typing import Any

import claims as english

DATA = Path(__file__).resolve().parents[1] / "tests/data/claims"
LANGUAGES = ("uk", "ru")
SPLITS = (("dev", "dev"), ("heldout", "test"))
_HARM = re.compile(
    r"загин|загибел|вбив|вбит|убив|убит|убий|поран|страт|розстр|полон|зник|помер|втрат|"
    r"погиб|гибел|ранен|ранил|расстр|казн|плен|пропа|сконч|умер|потер|уничтож",
    re.I,
)
_DIGITS = re.compile(r"(?<![\w-])\d{1,3}(?:[ \u00a0]\d{3})+(?!\d)|(?<![\w-])\d+(?![\d-])")


def baseline(text: str) -> list[dict[str, Any]]:
    if not _HARM.search(text):
        return []
    return [
        {"count": int(re.sub(r"\D", "", m.group(0))), "event": "killed", "claimant": None,
         "victims": None}
        for m in _DIGITS.finditer(text)
    ]  # fmt: skip


def load(lang: str, split: str) -> list[dict[str, Any]]:
    path = DATA / f"{lang}_{split}.jsonl"
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def report(
    langs: tuple[str, ...] = LANGUAGES,
    show: bool = False,
    splits: tuple[tuple[str, str], ...] = SPLITS,
) -> None:
    """One row per language, split and method, in the English benchmark's columns."""
    original = english.predicted
    for lang in langs:
        groups: list[tuple[str, list[dict[str, Any]]]] = []
        for split, _ in splits:
            rows = load(lang, split)
            groups.append((f"{lang}/{split}", rows))
            batches = sorted({r.get("batch", 1) for r in rows})
            if len(batches) > 1:  # each batch was written before the rule changes after it
                for b in batches:
                    groups.append(
                        (f"{lang}/{split}/b{b}", [r for r in rows if r.get("batch", 1) == b])
                    )
        for label, rows in groups:
            for name, base in (("baseline", True), ("rules", False)):
                # the English scorer, with this language's baseline in place of the English one
                english.predicted = (lambda text, *_: baseline(text)) if base else original
                t = time.perf_counter()
                s = english.score(rows, False, show=show and not base)
                ms = (time.perf_counter() - t) * 1000 / max(1, len(rows))
                print(
                    f"{label:<16}{name:<10}{s['gold']:>5}{s['predicted']:>6}"
                    f"{s['extraction_precision']:>8.3f}{s['extraction_recall']:>8.3f}"
                    f"{s['attribution_precision']:>8.3f}{s['attribution_recall']:>8.3f}"
                    f"{s['exact_match']:>8.3f}{ms:>9.1f}"
                )
    english.predicted = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--lang", choices=LANGUAGES, default=None)
    parser.add_argument("--split", choices=[x for x, _ in SPLITS], default=None)
    args = parser.parse_args()
    print(
        f"{'set':<16}{'method':<10}{'gold':>5}{'pred':>6}{'ext P':>8}{'ext R':>8}"
        f"{'attr P':>8}{'attr R':>8}{'exact':>8}{'ms/text':>9}"
    )
    splits = tuple(x for x in SPLITS if args.split in (None, x[0]))
    report((args.lang,) if args.lang else LANGUAGES, show=args.show_errors, splits=splits)


if __name__ == "__main__":
    main()
