"""A real S3 server for tests: Ceph's RADOS Gateway on a throw-away single-node cluster.

moto answers S3 calls but checks no signatures and has none of a real store's behaviour;
RGW is what a team may run. The cluster is one monitor and one OSD keeping its objects in
memory (memstore), all in a new temporary folder and bound to 127.0.0.1 only; it starts in
seconds and is removed when the block ends. Debian's packages `ceph-mon`, `ceph-osd` and
`radosgw` provide the programs (scripts/install).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from corroborate.errors import SetupError

PROGRAMS = ("monmaptool", "ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "ceph")
START_TIMEOUT_S = 90.0


def rgw_installed() -> bool:
    """Whether the programs of a one-node Ceph cluster with a gateway are on PATH."""
    return all(shutil.which(p) for p in PROGRAMS)


@dataclass(frozen=True)
class S3Server:
    """Where a running S3 server listens and the keys of its one user."""

    endpoint: str
    access_key: str
    secret_key: str
    region: str = "us-east-1"
    ceph_conf: str = ""  # the cluster's ceph.conf, for `radosgw-admin` (as CEPH_CONF)

    @property
    def env(self) -> dict[str, str]:
        """The variables botocore and s3fs read to reach this server."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ENDPOINT_URL_S3": self.endpoint,
        }

    def make_bucket(self, name: str) -> None:
        """Create a bucket (an existing one of this user's is fine)."""
        import s3fs  # type: ignore[import-untyped]

        fs = s3fs.S3FileSystem(
            key=self.access_key,
            secret=self.secret_key,
            endpoint_url=self.endpoint,
            skip_instance_cache=True,
        )
        if not fs.exists(name):
            fs.mkdir(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_CONF = """\
[global]
fsid = {fsid}
mon host = v1:127.0.0.1:{mon_port}
public addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
mon allow pool size one = true
mon data avail warn = 1
mon data avail crit = 0
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
osd crush update on start = false
osd class update on start = false
osd objectstore = memstore
memstore device bytes = {memstore_bytes}
run dir = {root}/run
admin socket = {root}/run/$name.asok
pid file = {root}/run/$name.pid
log file = {root}/log/$name.log
mon cluster log file = {root}/log/cluster.log
mon data = {root}/mon/$name
osd data = {root}/osd/$name
keyring = {root}/keyring

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:{rgw_port}
rgw dns name = 127.0.0.1
"""


class _Cluster:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.conf = root / "ceph.conf"

    def run(self, *args: str, timeout: float = 60) -> str:
        try:
            done = subprocess.run(
                [args[0], "-c", str(self.conf), *args[1:]],
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            raise SetupError(f"{args[0]} did not answer within {timeout:.0f} s") from None
        if done.returncode != 0:
            raise SetupError(f"{' '.join(args[:3])} failed: {done.stderr.strip()[-400:]}")
        return done.stdout

    def retry(self, *args: str, deadline: float) -> str:
        """A monitor just started refuses commands for a moment; ask again until it answers."""
        while True:
            try:
                return self.run(*args, timeout=20)
            except SetupError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def log_tail(self) -> str:
        lines: list[str] = []
        for log in sorted((self.root / "log").glob("*.log")):
            with suppress(OSError):
                tail = log.read_text(errors="replace").splitlines()[-3:]
                lines += [f"{log.name}: {t}" for t in tail]
        return "\n".join(lines)

    def stop(self) -> None:
        """Stop the gateway, the OSD, then the monitor (SIGKILL after 2 s each: the cluster
        keeps nothing worth a clean shutdown)."""
        for name in ("client.rgw", "osd.0", "mon.a"):
            pid_file = self.root / "run" / f"{name}.pid"
            with suppress(OSError, ValueError):
                pid = int(pid_file.read_text().strip())
                _stop_pid(pid)


def _stop_pid(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@contextmanager
def local_rgw(memstore_mb: int = 1024) -> Iterator[S3Server]:
    """Start a one-node Ceph cluster and its RADOS Gateway on loopback ports, with one S3 user
    whose keys are made here; yields where it listens; stops it and removes its folder after.

    Objects live in memory (`memstore_mb` at most), so the server is fast and leaves nothing.
    """
    if not rgw_installed():
        missing = [p for p in PROGRAMS if not shutil.which(p)]
        raise SetupError(f"Ceph programs are not installed: {', '.join(missing)} (scripts/install)")
    root = Path(tempfile.mkdtemp(prefix="corroborate-rgw-"))
    for sub in ("mon", "osd/osd.0", "run", "log"):
        (root / sub).mkdir(parents=True)
    fsid = str(uuid.uuid4())
    mon_port, rgw_port = _free_port(), _free_port()
    (root / "ceph.conf").write_text(
        _CONF.format(
            fsid=fsid,
            mon_port=mon_port,
            rgw_port=rgw_port,
            root=root,
            memstore_bytes=memstore_mb * 1024 * 1024,
        )
    )
    cluster = _Cluster(root)
    endpoint = f"http://127.0.0.1:{rgw_port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        cluster.run(
            "monmaptool",
            "--create",
            "--add",
            "a",
            f"v1:127.0.0.1:{mon_port}",
            "--fsid",
            fsid,
            str(root / "monmap"),
        )
        cluster.run("ceph-mon", "--mkfs", "-i", "a", "--monmap", str(root / "monmap"))
        cluster.run("ceph-mon", "-i", "a")
        osd_uuid = str(uuid.uuid4())
        osd_id = cluster.retry("ceph", "osd", "new", osd_uuid, deadline=deadline).strip()
        if osd_id != "0":
            raise SetupError(f"the new cluster numbered its first OSD {osd_id!r}, not 0")
        cluster.run("ceph-osd", "-i", "0", "--mkfs", "--osd-uuid", osd_uuid)
        # placed by hand: an OSD placing itself on start races the monitor's first map
        cluster.retry(
            "ceph", "osd", "crush", "add", "osd.0", "1.0", "root=default", deadline=deadline
        )
        cluster.run("ceph-osd", "-i", "0")
        cluster.run("radosgw", "-n", "client.rgw")
        _wait_http(endpoint, deadline, cluster)
        access_key = "CORROBORATE" + secrets.token_hex(6).upper()
        secret_key = secrets.token_urlsafe(30)
        out = cluster.retry(
            "radosgw-admin",
            "user",
            "create",
            "--uid=corroborate",
            "--display-name=corroborate tests",
            f"--access-key={access_key}",
            f"--secret-key={secret_key}",
            deadline=deadline,
        )
        keys = json.loads(out)["keys"][0]
        if keys["access_key"] != access_key:
            raise SetupError("radosgw-admin made a user with other keys than asked")
        yield S3Server(endpoint, access_key, secret_key, ceph_conf=str(root / "ceph.conf"))
    except SetupError as exc:
        raise SetupError(f"{exc}\n{cluster.log_tail()}") from None
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def _wait_http(endpoint: str, deadline: float, cluster: _Cluster) -> None:
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SetupError(f"the RADOS Gateway did not answer at {endpoint}") from None
            time.sleep(0.3)
