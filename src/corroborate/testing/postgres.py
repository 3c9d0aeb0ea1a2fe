"""A real, throw-away PostgreSQL server on 127.0.0.1 for tests of the team-server setup."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from corroborate.errors import SetupError


def postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server programs, newest version first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(found[0]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def local_postgres() -> Iterator[str]:
    """Start a PostgreSQL cluster in a new temporary folder; yields a SQLAlchemy URL; stops
    and removes it afterwards.

    PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user
    that Debian's package creates (the folder lives under /tmp so that user can reach it).
    """
    bindir = postgres_bin()
    if bindir is None:
        raise SetupError("PostgreSQL server programs are not installed (scripts/install)")
    workdir = Path(tempfile.mkdtemp(prefix="corroborate-pg-"))
    data = workdir / "pgdata"
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(workdir, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, *map(str, args)], check=True, capture_output=True, text=True
        )

    run(bindir / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
    run(
        bindir / "pg_ctl",
        "-D",
        data,
        "-l",
        workdir / "server.log",
        "-w",
        "-o",
        f"-k {workdir} -c listen_addresses=127.0.0.1 -p {port} -c fsync=off",
        "start",
    )
    try:
        run(bindir / "createdb", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "corroborate")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/corroborate"
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
        )
        shutil.rmtree(workdir, ignore_errors=True)
