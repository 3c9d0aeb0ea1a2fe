"""CI's gate: `scripts/test` (run by `.ci/run`) stops on a format, lint or strict-typing error
before the tests, and `scripts/install` stops when pip fails.

The scripts are run for real, in a copy of the repository's scripts where `.venv/bin/ruff`,
`mypy`, `python` (and pip) are small fakes that record their arguments and fail on request, so
the test proves what the shell does without running the real tools over the tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHECKED = "src tests benchmarks scripts"
SERVERS_CHECK = (
    "import sys; from corroborate.testing.postgres import postgres_bin; "
    "from corroborate.testing.rgw import rgw_installed; "
    "sys.exit(not (postgres_bin() and rgw_installed()))"
)

_FAKE = """#!/usr/bin/env bash
# records `NAME ARGS` and fails when FAIL_ON names this step
name="$(basename "$0")"
if [ "$name" = python ] && [ "${1:-}" = -m ] && [ "${2:-}" = pip ]; then name=pip; fi
if [ "$name" = python ] && [ "${1:-}" = -m ]; then name="${2}"; shift 2; fi
if [ "$name" = pip ]; then shift 2; fi
step="$name $*"
b="${CORROBORATE_TEST_BACKEND:-}"; [ -z "$b" ] || step="CORROBORATE_TEST_BACKEND=$b $step"
echo "$step" >> "$CALLS"
if [ -n "$b" ] && [ -n "${FAIL_BACKEND:-}" ]; then
  echo "fake $name: backend pass failing" >&2; exit 4
fi
for bad in ${FAIL_ON:-}; do
  case "$step" in "${bad//_/ }"*) echo "fake $name: failing on purpose" >&2; exit 3;; esac
done
exit 0
"""


def _repo_copy(tmp_path: Path, *, real_install: bool) -> Path:
    """A folder with the real scripts, pyproject and fakes for the virtual environment's tools."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    (repo / ".ci").mkdir()
    for name in ("scripts/test", ".ci/run", "pyproject.toml", "constraints.txt"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, repo / name)
    if real_install:
        shutil.copy(ROOT / "scripts/install", repo / "scripts/install")
    else:
        (repo / "scripts/install").write_text('#!/usr/bin/env bash\necho install >> "$CALLS"\n')
    venv_bin = repo / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    for tool in ("ruff", "mypy", "python"):
        (venv_bin / tool).write_text(_FAKE)
        (venv_bin / tool).chmod(0o755)
    return repo


def _run(
    repo: Path,
    script: str,
    tmp_path: Path,
    fail_on: str = "",
    args: tuple[str, ...] = (),
    fail_backend: bool = False,
) -> tuple[int, list[str], str]:
    calls = tmp_path / "calls.txt"
    calls.write_text("")
    # system programs scripts/install looks for, so it never reaches for apt-get here
    sysbin = tmp_path / "sysbin"
    sysbin.mkdir(exist_ok=True)
    for prog in ("openssl", "zip", "sqlite3", "initdb"):
        (sysbin / prog).write_text("#!/bin/sh\nexit 0\n")
        (sysbin / prog).chmod(0o755)
    env = {
        **{k: v for k, v in os.environ.items() if k != "CORROBORATE_TEST_BACKEND"},
        "PATH": f"{sysbin}:{os.environ['PATH']}",
        "CALLS": str(calls),
        "FAIL_ON": fail_on,
        "FAIL_BACKEND": "1" if fail_backend else "",
    }
    done = subprocess.run(
        ["bash", str(repo / script), *args], env=env, capture_output=True, text=True, timeout=60
    )
    return done.returncode, calls.read_text().splitlines(), done.stderr + done.stdout


BACKEND_PASS = "CORROBORATE_TEST_BACKEND=postgresql+s3 pytest -q -m backend -p no:cacheprovider"
# the whole suite's main pass, on every core the run may use (as `nproc` counts them)
MAIN_PASS = f"pytest -q -n {len(os.sched_getaffinity(0))} --dist loadfile"


def test_ci_runs_format_lint_and_strict_types_before_the_tests(tmp_path: Path) -> None:
    repo = _repo_copy(tmp_path, real_install=False)
    code, calls, err = _run(repo, ".ci/run", tmp_path)
    assert code == 0, err
    assert calls[:5] == [
        "install",
        f"ruff format --check {CHECKED}",
        f"ruff check {CHECKED}",
        "mypy --strict src/corroborate",
        f"python -c {SERVERS_CHECK}",
    ]
    # then the main pass and the behavioural pass on postgresql+s3, side by side
    assert sorted(calls[5:]) == sorted([MAIN_PASS, BACKEND_PASS])


def test_a_failing_behavioural_pass_fails_the_run_and_its_output_is_shown(tmp_path: Path) -> None:
    repo = _repo_copy(tmp_path, real_install=False)
    code, calls, err = _run(repo, ".ci/run", tmp_path, fail_backend=True)
    assert code == 4  # the main pass passed; the run still fails, with the backend's status
    assert "backend pass failing" in err
    assert MAIN_PASS in calls
    code, calls, err = _run(repo, ".ci/run", tmp_path, fail_on="pytest_-q")
    assert code == 3  # the main pass failed: its status is the run's
    assert BACKEND_PASS in calls  # the other pass ran to its end all the same


def test_the_behavioural_pass_on_postgresql_and_s3_is_left_out_only_without_the_servers(
    tmp_path: Path,
) -> None:
    repo = _repo_copy(tmp_path, real_install=False)
    code, calls, err = _run(repo, ".ci/run", tmp_path, fail_on="python_-c")  # none installed
    assert code == 0, err
    assert calls[-2:] == [f"python -c {SERVERS_CHECK}", MAIN_PASS]
    code, calls, err = _run(repo, "scripts/test", tmp_path, args=("tests/test_archive.py",))
    assert code == 0, err
    assert calls[-1] == "pytest -q tests/test_archive.py"  # a chosen file runs once, as asked


@pytest.mark.parametrize(
    ("failing", "ran"),
    [
        ("ruff_format", ["ruff format --check"]),
        ("ruff_check", ["ruff format --check", "ruff check"]),
        ("mypy", ["ruff format --check", "ruff check", "mypy --strict"]),
    ],
)
def test_a_failing_check_fails_the_run_and_the_tests_never_start(
    tmp_path: Path, failing: str, ran: list[str]
) -> None:
    repo = _repo_copy(tmp_path, real_install=False)
    code, calls, err = _run(repo, ".ci/run", tmp_path, fail_on=failing)
    assert code != 0
    assert "failing on purpose" in err
    steps = [c for c in calls if c != "install"]
    assert len(steps) == len(ran)  # nothing after the failing check ran, the tests least of all
    assert all(step.startswith(want) for step, want in zip(steps, ran, strict=True))


def test_install_stops_when_pip_fails(tmp_path: Path) -> None:
    repo = _repo_copy(tmp_path, real_install=True)
    code, calls, err = _run(repo, "scripts/install", tmp_path, fail_on="pip_install_-q")
    assert code != 0, err
    assert "failing on purpose" in err  # pip's own message reaches the user
    assert "failed" in err
    assert not (repo / ".venv" / ".corroborate-installed").exists()
    assert not any("import corroborate" in c for c in calls)


def test_install_stops_when_the_package_install_fails_after_pip_upgrades(tmp_path: Path) -> None:
    repo = _repo_copy(tmp_path, real_install=True)
    only_the_package = "pip_install_-q_--disable-pip-version-check_-c"
    code, calls, err = _run(repo, "scripts/install", tmp_path, fail_on=only_the_package)
    assert code != 0, err
    assert any("-U pip" in c for c in calls)  # the upgrade ran and passed
    assert "failing on purpose" in err
    assert not (repo / ".venv" / ".corroborate-installed").exists()


def test_install_marks_done_only_after_pip_and_the_import_check_pass(tmp_path: Path) -> None:
    repo = _repo_copy(tmp_path, real_install=True)
    code, calls, err = _run(repo, "scripts/install", tmp_path)
    assert code == 0, err
    assert (repo / ".venv" / ".corroborate-installed").exists()
    assert calls[-1].startswith("python -c import corroborate.cli")


def test_mypy_is_strict_on_the_whole_library() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config["strict"] is True
    assert config["packages"] == ["corroborate"]
    # no global escape hatches
    for loose in ("ignore_missing_imports", "ignore_errors", "disable_error_code"):
        assert loose not in config, loose
    # per-module relaxations name third-party modules only, never the project's own code
    for override in config.get("overrides", []):
        modules = override["module"]
        modules = [modules] if isinstance(modules, str) else modules
        assert not any(m == "corroborate" or m.startswith("corroborate.") for m in modules)
        assert "ignore_errors" not in override


def test_the_package_ships_its_type_marker() -> None:
    assert (ROOT / "src" / "corroborate" / "py.typed").is_file()
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "py.typed" in data["package-data"]["corroborate"]
