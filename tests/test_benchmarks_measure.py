"""The benchmarks' memory figures are each command's own, not the benchmark's.

A benchmark that has rendered a video or built an index holds hundreds of MB; on Linux a child
it starts reports that much from `wait4` before it has done anything. `benchmarks/measure.py`
must report a small command as small from such a parent, and a large one as large.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
MB = 2**20


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("measure", ROOT / "benchmarks" / "measure.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["measure"] = module
    spec.loader.exec_module(module)
    return module


measure = _load()
METHODS = ["python-launcher"] + (["gnu-time"] if measure._gnu_time() else [])


@pytest.fixture(scope="module")
def heavy_parent() -> Iterator[bytearray]:
    """This test process holds 300 MB of touched pages, as a benchmark would."""
    ballast = bytearray(300 * MB)
    for offset in range(0, len(ballast), 4096):
        ballast[offset] = 1
    yield ballast
    del ballast


@pytest.fixture(scope="module")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("measure") / "large.bin"
    with open(path, "wb") as f:  # 80 MB: real bytes at the start and end, sparse between
        f.write(os.urandom(MB))
        f.seek(79 * MB)
        f.write(os.urandom(MB))
    return path


def test_plain_wait4_reports_the_parents_pages(heavy_parent: bytearray, large_file: Path) -> None:
    """The problem the helper exists for: sha256sum started directly looks 300 MB big."""
    proc = subprocess.Popen(["sha256sum", str(large_file)], stdout=subprocess.DEVNULL)
    _pid, _status, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0
    assert usage.ru_maxrss * 1024 > 250 * MB


@pytest.mark.parametrize("method", METHODS)
def test_sha256sum_from_a_heavy_parent_is_reported_at_a_few_mb(
    heavy_parent: bytearray, large_file: Path, method: str
) -> None:
    measured = measure.run(["sha256sum", str(large_file)], method=method)
    expected = subprocess.run(
        ["sha256sum", str(large_file)], capture_output=True, check=True
    ).stdout
    assert measured.returncode == 0 and measured.stdout == expected
    assert measured.method == method
    assert 0 < measured.peak_rss_bytes < 30 * MB
    assert measured.wall_s > 0


@pytest.mark.parametrize("method", METHODS)
def test_a_command_that_allocates_200_mb_is_reported_at_200_mb_or_more(
    heavy_parent: bytearray, method: str
) -> None:
    """It exits as soon as it has touched its pages: no sampling interval to hide in."""
    code = "b = bytearray(200 * 2**20)\nfor i in range(0, len(b), 4096): b[i] = 1"
    measured = measure.run([sys.executable, "-c", code], method=method, sample=False)
    assert measured.returncode == 0
    assert measured.peak_rss_bytes >= 200 * MB
    assert measured.peak_rss_bytes < 290 * MB  # its own pages, not the parent's 300 on top


def test_processes_running_side_by_side_are_summed(heavy_parent: bytearray) -> None:
    """A worker pool: two 120 MB workers at once use more than either one."""
    worker = (
        "import time\nb = bytearray(120 * 2**20)\n"
        "for i in range(0, len(b), 4096): b[i] = 1\ntime.sleep(0.6)"
    )
    script = '"$0" -c "$1" & "$0" -c "$1" & wait'
    measured = measure.run(["sh", "-c", script, sys.executable, worker])
    assert measured.returncode == 0
    assert 120 * MB <= measured.peak_process_bytes < 200 * MB
    assert measured.peak_tree_bytes >= 240 * MB
    assert measured.peak_rss_bytes == measured.peak_tree_bytes


def test_exit_status_output_and_a_missing_command_are_reported() -> None:
    failed = measure.run(["sh", "-c", "echo out; echo err >&2; exit 3"])
    assert (failed.returncode, failed.stdout, failed.stderr) == (3, b"out\n", b"err\n")
    with pytest.raises(measure.CommandFailed, match="exited 3"):
        measure.run(["sh", "-c", "exit 3"], check=True)
    missing = measure.run(["no-such-command-anywhere"])
    assert missing.returncode == 127 and b"no-such-command-anywhere" in missing.stderr


def test_a_runaway_command_is_stopped_by_time_or_memory() -> None:
    """A hostile input must not take the shared machine down with the benchmark."""
    slow = measure.run(["sh", "-c", "sleep 30 & sleep 30; wait"], timeout_s=0.5)
    assert slow.killed == "timeout" and slow.wall_s < 10
    code = "import time\nb = bytearray(400 * 2**20)\nfor i in range(0, len(b), 4096): b[i] = 1"
    greedy = [sys.executable, "-c", code + "\ntime.sleep(5)"]
    stopped = measure.run(greedy, max_rss_bytes=150 * MB)
    assert stopped.killed == "memory" and stopped.peak_rss_bytes > 150 * MB
    assert stopped.wall_s < 5
    with pytest.raises(measure.CommandFailed, match="memory"):
        measure.run(greedy, max_rss_bytes=150 * MB, check=True)


def test_the_references_beside_sha256sum_read_the_same_bytes(
    large_file: Path, tmp_path: Path
) -> None:
    refs = measure.references(large_file, tmp_path / "copy.bin")
    labels = [label for label, _cmd, _capture in refs]
    assert labels[0] == "sha256sum" and "cp (same filesystem)" in labels
    assert "cat > /dev/null" in labels
    for _label, cmd, capture in refs:
        assert measure.run(cmd, capture=capture).returncode == 0
    assert (tmp_path / "copy.bin").read_bytes() == large_file.read_bytes()


def test_the_process_tree_is_found_with_and_without_the_kernels_children_files() -> None:
    proc = subprocess.Popen(["sh", "-c", "sleep 5 & sleep 5 & wait"], start_new_session=True)
    try:
        deadline = time.monotonic() + 5
        while len(measure._descendants(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        fast, scanned = measure._descendants(proc.pid), measure._descendants_by_scan(proc.pid)
        assert len(fast) == 2 and sorted(fast) == sorted(scanned)
    finally:
        os.killpg(proc.pid, 9)  # the shell and its two sleeps: a group of our own
        proc.wait()
