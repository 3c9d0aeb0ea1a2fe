"""`corroborate serve --workers N` runs N server processes over one archive: every process
answers as the same workspace (accounts, sessions and grants live in the archive, not in a
process)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from corroborate import accounts
from corroborate.storage.archive import Archive

SRC = Path(__file__).resolve().parents[1] / "src"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_two_worker_processes_serve_the_same_archive(archive: Archive, tmp_path: Path) -> None:
    accounts.add_user(archive, "alice", role="analyst", password="correct horse battery", by="root")
    token = accounts.issue_token(archive, "alice", by="root")
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-m", "corroborate", "serve", "--archive", str(archive.dir)]
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*command, "--port", str(port), "--workers", "2"], env=env, stdout=out, stderr=out
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(url + "/login", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
        answers = [
            httpx.get(url + "/api/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
            for _ in range(20)
        ]
        assert {a.status_code for a in answers} == {200}
        assert {a.json()["user"]["name"] for a in answers} == {"alice"}
        assert "(2 processes)" in log.read_text()
        workers = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(workers) >= 2, workers  # the two worker processes (and uvicorn's helper)
    finally:
        server.terminate()
        server.wait(timeout=30)
