"""What the browser tests share: Debian's Chromium (never `playwright install`, which
downloads), a real `corroborate serve` on a free port, and the folder CI keeps screenshots in."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Kept by CI (.ci/run says so) and ignored by git (.gitignore).
SCREENSHOTS = Path(__file__).resolve().parent / "_screenshots"
SRC = Path(__file__).resolve().parents[1] / "src"


def need_chromium() -> None:
    """Skip without Chromium on a developer's machine; in CI a missing browser is a failure."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (scripts/install installs Debian's chromium package)"
    if os.environ.get("CI"):
        pytest.fail(reason + ": CI must run the browser tests")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def served(archive_dir: Path, log: Path) -> Iterator[str]:
    """`corroborate serve` in its own process over the archive; its base URL while it runs.

    Its output goes to the file `log` (a pipe nobody reads would fill and stall the server)."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-m", "corroborate", "serve", "--archive", str(archive_dir)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    shown = log.read_text(errors="replace")[-4000:]
                    pytest.fail(f"corroborate serve did not start: {shown}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
