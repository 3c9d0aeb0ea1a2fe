"""Shared fixtures: real footage rendered over real photographs, fresh archives, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corroborate.custody.setup import init_archive
from corroborate.samples import render_flight, render_still
from corroborate.storage.archive import Archive

pytest_plugins = ["incident_fixtures", "corroborate.testing.servers"]

# copies of the sample reports: tests read only what the repository holds
REPORTS = Path(__file__).resolve().parent / "data" / "reports"


@pytest.fixture(scope="session")
def footage(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A few short, real clips and a still: two flights over different photographs, one still."""
    root = tmp_path_factory.mktemp("footage")
    return {
        "coffee": render_flight(
            root / "coffee.mp4",
            "coffee",
            seconds=3,
            width=320,
            height=180,
            creation_time="2024-10-10T06:12:00Z",
        ),
        "grass": render_flight(
            root / "grass.mp4", "grass", seconds=3, width=320, height=180, seed=4
        ),
        "still": render_still(root / "still.jpg", "rocket", width=400, height=300),
    }


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    """A new, empty archive."""
    opened = init_archive(tmp_path / "archive")
    yield opened
    opened.close()


class Cli:
    """Runs `corroborate` as a user types it (in-process), against one archive."""

    def __init__(self, archive_dir: Path) -> None:
        self.archive_dir = archive_dir
        self.runner = CliRunner()

    def __call__(self, *args: str, user: str = "alice") -> object:
        from corroborate.cli import app

        env = {
            "CORROBORATE_ARCHIVE": str(self.archive_dir),
            "CORROBORATE_USER": user,
            "COLUMNS": "200",
        }
        return self.runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)


@pytest.fixture
def cli(archive: Archive) -> Cli:
    return Cli(archive.dir)


def run_corroborate(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point in a separate process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "corroborate", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )
