"""Shared fixtures: real footage rendered over real photographs, fresh archives on the backend
CORROBORATE_TEST_BACKEND names (tests/backends.py), the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backends import BEHAVIOURAL_FILES, Backend, backend_named, chosen
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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "backend: a behavioural story that runs unchanged on every backend"
    )
    config.addinivalue_line(
        "markers", "sqlite_only(reason): about SQLite or a local folder itself; not run elsewhere"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    name = chosen()
    for item in items:
        if item.path.name in BEHAVIOURAL_FILES:
            item.add_marker(pytest.mark.backend)
        only = item.get_closest_marker("sqlite_only")
        if only is not None and name != "sqlite+folder":
            why = only.kwargs.get("reason") or (only.args[0] if only.args else "")
            item.add_marker(pytest.mark.skip(reason=f"on sqlite+folder only: {why}"))


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """The backend CORROBORATE_TEST_BACKEND names (sqlite+folder unless told)."""
    with pytest.MonkeyPatch.context() as session_env:
        yield backend_named(chosen(), request, session_env)


@pytest.fixture
def archive(backend: Backend, tmp_path: Path) -> Iterator[Archive]:
    """A new, empty archive on the chosen backend."""
    opened = backend.init(tmp_path / "archive")
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
