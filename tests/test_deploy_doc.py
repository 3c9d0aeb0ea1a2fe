"""docs/deploy.md is what an administrator follows: its commands are run here, as written, in
order and in one shell, against a real PostgreSQL and a real Ceph RADOS Gateway; only the site
settings are pointed at them. The systemd units it shows must name commands the CLI accepts."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import typer.main

import corroborate
from corroborate.archive import ingest
from corroborate.custody.setup import init_archive
from corroborate.testing.rgw import S3Server

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "deploy.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", DOC.read_text(), flags=re.S | re.M)


def test_the_deploy_guide_runs_as_written_on_postgresql_and_ceph_rgw(
    postgres_server: str, s3_server: S3Server, footage: dict[str, Path], tmp_path: Path
) -> None:
    blocks = _blocks("bash")
    assert blocks[0].startswith("# site settings"), "the guide starts with the site settings"
    assert len(blocks) >= 7
    laptop = init_archive(tmp_path / "laptop")
    assert ingest(laptop, [str(footage["still"]), str(footage["coffee"])], actor="ana").failed == 0
    laptop.close()
    server = postgres_server.split("@", 1)[1].split("/", 1)[0]
    host, port = server.split(":")
    tools = tmp_path / "bin"  # `corroborate` as installed: this checkout's code
    tools.mkdir()
    code = Path(corroborate.__file__).resolve().parents[1]
    (tools / "corroborate").write_text(
        f'#!/bin/sh\nPYTHONPATH={code} exec {sys.executable} -m corroborate "$@"\n'
    )
    (tools / "corroborate").chmod(0o755)
    (tools / "dask").write_text(  # `dask` as installed beside it
        f'#!/bin/sh\nPYTHONPATH={code} exec {sys.executable} -m dask "$@"\n'
    )
    (tools / "dask").chmod(0o755)
    intake = tmp_path / "intake"  # a folder a team ingests on its cluster
    intake.mkdir()
    for name in ("coffee", "grass"):
        (intake / footage[name].name).write_bytes(footage[name].read_bytes())
    here = f"""
export CORROBORATE_HOME={tmp_path / "srv"}
export ARCHIVE="$CORROBORATE_HOME/archive"
export DB_HOST={host} DB_PORT={port} DB_NAME=team_archive DB_USER=team_corroborate
export DATABASE_URL="postgresql+psycopg://$DB_USER@$DB_HOST:$DB_PORT/$DB_NAME"
export BLOB_URL=s3://deploy-evidence/corroborate
export S3_ENDPOINT={s3_server.endpoint}
export S3_USER=deploy-test
export LAPTOP_ARCHIVE={tmp_path / "laptop"}
export INTAKE={intake}
"""
    script = "set -euo pipefail\n" + blocks[0] + here + "\n".join(blocks[1:])
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "CORROBORATE_", "PG"))  # only what the guide sets
    }
    env.update(
        PATH=f"{tools}:{os.environ['PATH']}",
        CEPH_CONF=s3_server.ceph_conf,  # radosgw-admin finds the cluster as on an admin node
        PGHOST=host,
        PGPORT=port,
        PGUSER="postgres",  # the blocks "as PostgreSQL's superuser"
        HOME=str(tmp_path / "home"),
    )
    done = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    srv = tmp_path / "srv"
    # what the guide promised: each archive verifies, and nothing secret is lying around
    env_file = srv / "env"
    assert env_file.stat().st_mode & 0o077 == 0
    secrets = dict(
        line.split("=", 1) for line in env_file.read_text().splitlines() if "SECRET" in line
    )
    assert secrets["AWS_SECRET_ACCESS_KEY"]
    assert "OK" in done.stdout
    copied = json.loads((srv / "laptop-copy.json").read_text())
    assert copied["verified"] is True
    assert copied["target_head"]["tree_size"] == copied["source_head"]["tree_size"] + 1
    assert (srv / "backup").is_dir()
    (backup,) = (srv / "backup").iterdir()
    assert (backup / "database.dump").stat().st_size > 0
    assert (backup / "archive" / "archive.json").exists()
    for path in srv.rglob("*"):
        if path.is_file() and path != env_file and path.suffix not in {".db", ".dump"}:
            text = path.read_bytes()
            assert secrets["AWS_SECRET_ACCESS_KEY"].encode() not in text, path
    assert secrets["AWS_SECRET_ACCESS_KEY"] not in done.stdout + done.stderr


def test_the_guides_systemd_units_run_commands_the_cli_accepts() -> None:
    from corroborate.cli import app
    from test_docs import _check

    units = _blocks("ini")
    assert len(units) == 5
    root = typer.main.get_command(app)
    starts = [
        line.split("=", 1)[1]
        for unit in units
        for line in unit.splitlines()
        if line.startswith("ExecStart=")
    ]
    assert len(starts) == 4
    for start in starts:
        program, *args = shlex.split(start)
        if program.endswith("/dask"):  # Dask's own command line accepts the unit's words
            options = [a.replace("%i", "1").replace("%H", "host") for a in args]
            if options[0] == "worker":
                options[1] = "tcp://127.0.0.1:1"
            done = subprocess.run(
                [sys.executable, "-m", "dask", *options, "--help"],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0 and "Usage" in done.stdout, start + done.stderr
            continue
        assert program.endswith("/corroborate")
        assert _check(root, args) is None, start
    for unit in units:
        assert "[Unit]" in unit and "Description=" in unit


def test_the_guides_dask_units_and_shell_start_dask_as_the_tests_and_benchmarks_do() -> None:
    from corroborate.archive.workers import DASK_SETTINGS

    dask_units = [u for u in _blocks("ini") if "/dask " in u]
    assert len(dask_units) == 2
    for unit in dask_units:
        given = dict(
            line.removeprefix("Environment=").split("=", 1)
            for line in unit.splitlines()
            if line.startswith("Environment=")
        )
        assert given == DASK_SETTINGS
    (by_hand,) = [b for b in _blocks("bash") if "dask scheduler" in b]
    exported = dict(
        word.split("=", 1)
        for line in by_hand.splitlines()
        if line.startswith("export DASK_")
        for word in line.split()[1:]
    )
    assert exported == DASK_SETTINGS
