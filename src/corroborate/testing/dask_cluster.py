"""A real Dask cluster on 127.0.0.1: a `dask scheduler` and `dask worker` processes, for tests
and benchmarks of distributed ingest (what a team server runs, started the same way)."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corroborate.archive.workers import DASK_SETTINGS
from corroborate.errors import SetupError

START_TIMEOUT_S = 120.0


@dataclass
class LocalDask:
    """A running scheduler and its workers (each `dask worker` one process, one thread)."""

    address: str
    workdir: Path
    env: dict[str, str]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    scheduler: subprocess.Popen[bytes] | None = None

    def add_worker(self, hide: Sequence[Path] = ()) -> subprocess.Popen[bytes]:
        """Start one more worker process (no nanny: killing it kills the worker itself).

        `hide`: folders this worker must not see, as a worker on another machine does not see
        the ingesting machine's disk: each is covered by an empty tmpfs in the worker's own
        mount namespace (`unshare`), so the ingesting process still sees them."""
        n = len(self.workers)
        log = open(self.workdir / f"worker-{n}.log", "wb")  # noqa: SIM115 - kept by the child
        covers: list[str] = []
        if hide:
            if not shutil.which("unshare"):
                raise SetupError("`unshare` (util-linux) is needed to start a worker that hides")
            mounts = " && ".join(f"mount -t tmpfs none {shlex.quote(str(p))}" for p in hide)
            covers = ["unshare", "-rm", "sh", "-c", f'{mounts} && exec "$@"', "worker"]
        proc = subprocess.Popen(
            [
                *covers,
                sys.executable,
                "-m",
                "dask",
                "worker",
                self.address,
                "--no-nanny",
                "--nthreads",
                "1",
                "--no-dashboard",
                "--name",
                f"w{n}",
                "--local-directory",
                str(self.workdir / f"w{n}"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env,
            start_new_session=True,
        )
        self.workers.append(proc)
        return proc

    def wait_for_workers(self, n: int) -> None:
        client = self.client()
        try:
            client.wait_for_workers(n, timeout=START_TIMEOUT_S)
        finally:
            client.close()

    def client(self) -> Any:
        from distributed import Client

        connect: Any = Client  # distributed has no type hints
        return connect(self.address, timeout=30, set_as_default=False)

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """SIGKILL a worker, as the machine losing it would."""
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)

    def stop(self) -> None:
        """Workers hold nothing to save: killed at once; the scheduler is asked to stop."""
        for proc in self.workers:
            self.kill(proc)
        for proc in [self.scheduler] if self.scheduler else []:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in [*self.workers, *([self.scheduler] if self.scheduler else [])]:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=20)


@contextmanager
def local_dask(
    workers: int = 2, *, env: dict[str, str] | None = None, hide: Sequence[Path] = ()
) -> Iterator[LocalDask]:
    """Start a scheduler on a free loopback port and `workers` worker processes that import
    this same corroborate (its source folder first on their PYTHONPATH), with the settings a
    team's units give them (`DASK_SETTINGS`, unless `env` or ours says otherwise); stop them
    after.
    `hide`: folders the workers must not see (`LocalDask.add_worker`)."""
    import corroborate

    workdir = Path(tempfile.mkdtemp(prefix="corroborate-dask-"))
    source = str(Path(corroborate.__file__).resolve().parents[1])
    run_env = {**DASK_SETTINGS, **os.environ, **(env or {})}
    run_env["PYTHONPATH"] = os.pathsep.join(p for p in (source, run_env.get("PYTHONPATH", "")) if p)
    address_file = workdir / "scheduler.json"
    log = open(workdir / "scheduler.log", "wb")  # noqa: SIM115 - kept by the child
    scheduler = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dask",
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(address_file),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=run_env,
        start_new_session=True,
    )
    cluster = LocalDask("", workdir, run_env, scheduler=scheduler)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not address_file.exists():
            if scheduler.poll() is not None or time.monotonic() > deadline:
                raise SetupError(
                    f"the Dask scheduler did not start: {(workdir / 'scheduler.log').read_text()}"
                )
            time.sleep(0.2)
        import json

        while True:
            try:
                cluster.address = json.loads(address_file.read_text())["address"]
                break
            except (ValueError, KeyError):
                time.sleep(0.2)
        for _ in range(workers):
            cluster.add_worker(hide)
        if workers:
            cluster.wait_for_workers(workers)
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)
