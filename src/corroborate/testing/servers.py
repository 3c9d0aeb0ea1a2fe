"""Session-wide pytest fixtures for the team-server backends: one real PostgreSQL and one real
S3 server (Ceph RGW) per test session, started only when a test asks for them.

Load with `pytest_plugins = ["corroborate.testing.servers"]`. Outside CI a missing server
program skips the tests that need it; with CI set it fails them, so CI never passes by skipping.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from corroborate.testing.postgres import local_postgres, postgres_bin
from corroborate.testing.rgw import S3Server, local_rgw, rgw_installed

_names = itertools.count(1)


def _need(installed: bool, what: str) -> None:
    if not installed and not os.environ.get("CI"):
        pytest.skip(f"{what} not installed (scripts/install installs it; CI must have it)")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of the `postgres` database of a PostgreSQL server running for this session."""
    _need(postgres_bin() is not None, "PostgreSQL")
    with local_postgres() as url:
        yield url.rsplit("/", 1)[0] + "/postgres"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """A Ceph RADOS Gateway running for this session (started on first use, ~10 s)."""
    _need(rgw_installed(), "Ceph (ceph-mon, ceph-osd, radosgw)")
    with local_rgw() as server:
        yield server


def new_database(server_url: str) -> str:
    """Create a new, empty database on the server; returns its URL."""
    import sqlalchemy as sa

    name = f"t{os.getpid()}_{next(_names)}"
    engine = sa.create_engine(server_url)
    try:
        with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


def new_bucket(server: S3Server) -> str:
    """Create a new, empty bucket; returns an s3:// URL with a prefix inside it."""
    name = f"t{os.getpid()}-{next(_names)}"
    server.make_bucket(name)
    return f"s3://{name}/archive"
