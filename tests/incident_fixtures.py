"""Fixtures for incident and report tests: an archive holding two real short drone-like clips."""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborate.archive import ingest
from corroborate.incidents import IncidentInput
from corroborate.samples import render_flight
from corroborate.storage.archive import Archive


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two different clips rendered once per session (3 s, 320x180)."""
    folder = tmp_path_factory.mktemp("clips")
    first = render_flight(folder / "clip.mp4", "coffee", seconds=3, width=320, height=180)
    second = render_flight(folder / "rocket.mp4", "rocket", seconds=3, width=320, height=180)
    return first, second


@pytest.fixture
def items(archive: Archive, clips: tuple[Path, Path]) -> list[str]:
    """Item ids of the two clips, archived by alice."""
    report = ingest(archive, [str(c) for c in clips], actor="alice", source="Telegram: @example")
    assert report.failed == 0
    return [r.item_id for r in report.results if r.item_id]


def execution(**overrides: object) -> IncidentInput:
    """A complete, verifiable incident record of the kind monitors keep."""
    data: dict[str, object] = dict(
        title="Captured soldiers shot near a treeline",
        type="execution-hors-de-combat",
        date="2024-10-10",
        place="Robotyne",
        latitude="47.4453",
        longitude="35.8408",
        region="Zaporizhzhia Oblast",
        geolocation_note="Treeline matched to satellite imagery",
        perpetrator="Party A",
        victim_party="Party B",
        killed="3-4",
        victim_category="hors-de-combat",
    )
    data.update(overrides)
    return IncidentInput(**data)  # type: ignore[arg-type]
