"""A local S3-compatible object store (moto's server, a real HTTP S3 API on 127.0.0.1) for
tests of blob storage on a team server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from corroborate.errors import SetupError


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def local_s3(bucket: str = "evidence") -> Iterator[dict[str, str]]:
    """Start an S3 server in a child process with one bucket; yields the environment that
    s3fs/botocore read (endpoint, keys). The server stops when the block ends."""
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(endpoint, timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SetupError("the local S3 server did not start") from None
                time.sleep(0.2)
        env = {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ENDPOINT_URL_S3": endpoint,
        }
        request = urllib.request.Request(f"{endpoint}/{bucket}", method="PUT")
        urllib.request.urlopen(request, timeout=10).close()
        yield env
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def apply(env: dict[str, str]) -> dict[str, str | None]:
    """Set the variables in this process; returns the old values for restoring."""
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    return old
