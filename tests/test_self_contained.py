"""The suite must pass on a user's clone, which has nothing beside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_test_or_demo_reads_outside_the_repository() -> None:
    outside = re.compile(r"parents\[[2-9]\] */|shared/samples|/ *\"shared\"")
    offenders = []
    for folder in (ROOT / "tests", ROOT / "src", ROOT / "scripts"):
        for path in folder.rglob("*.py"):
            if path == Path(__file__).resolve():
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if outside.search(line) and "noqa: outside" not in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
