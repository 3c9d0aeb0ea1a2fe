"""A team server: web workers and ingest workers on several machines share one database, and
each sees the matches the others' footage makes. The frame index on a machine's disk is only
a cache: a process brings the index it holds up to date from the database before a search."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import run_corroborate
from corroborate.archive import ingest
from corroborate.custody.setup import init_archive
from corroborate.match import find_matches
from corroborate.samples import render_flight
from corroborate.samples import transforms as T
from corroborate.storage.archive import Archive
from corroborate.testing.postgres import local_postgres, postgres_bin

pytestmark = pytest.mark.skipif(
    postgres_bin() is None and not os.environ.get("CI"),
    reason="PostgreSQL not installed (scripts/install installs it; CI must have it)",
)


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with local_postgres() as url:
        yield url


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two flights, and a repost of each (re-encoded at a lower bitrate)."""
    root = tmp_path_factory.mktemp("clips")
    out: dict[str, Path] = {}
    for name, photo, seed in (("fields", "coffee", 1), ("town", "rocket", 2)):
        src = render_flight(
            root / f"{name}.mp4", photo, seconds=8, width=480, height=270, seed=seed
        )
        out[name] = src
        out[f"{name}-repost"] = T.reencode(src, root / f"{name}-repost.mp4", bitrate=300_000)
    return out


def _second_machine(first: Archive, folder: Path) -> Path:
    """The archive folder as another machine holds it: settings and keys, no index cache."""
    shutil.copytree(first.dir, folder, ignore=shutil.ignore_patterns("match", "blobs"))
    return folder


def test_two_processes_on_two_machines_see_the_matches_each_other_adds(
    pg_url: str, clips: dict[str, Path], tmp_path: Path
) -> None:
    web = init_archive(tmp_path / "a", database_url=pg_url, blob_url=str(tmp_path / "blobs"))
    other = _second_machine(web, tmp_path / "b")
    # machine A archives the fields flight and searches once: it now holds an index
    assert ingest(web, [str(clips["fields"])], actor="alice").failed == 0
    assert find_matches(web, clips["town-repost"]) == []
    # machine B, its first process, no index on its disk: sees A's footage
    found = run_corroborate("match", "-A", str(other), str(clips["fields-repost"]), "--json")
    assert found.returncode == 0, found.stderr
    assert [m["id"] for m in json.loads(found.stdout)["matches"]] == [
        web_items(web)["fields.mp4"]
    ], found.stdout
    # machine B ingests the town flight
    done = run_corroborate("ingest", "-A", str(other), str(clips["town"]), "--json")
    assert done.returncode == 0, done.stderr
    # A's process, holding its index from before, sees B's footage at its next search
    town = web_items(web)["town.mp4"]
    assert [m.item_id for m in find_matches(web, clips["town-repost"])] == [town]
    # and a repost A ingests is matched with it and stored so
    report = ingest(web, [str(clips["town-repost"])], actor="alice")
    assert any(town in note for note in report.results[0].notes), report.results[0].notes
    # the cache on A's disk is not needed: removed, the next process rebuilds it
    shutil.rmtree(web.dir / "match")
    found = run_corroborate("match", "-A", str(web.dir), str(clips["town-repost"]), "--json")
    assert town in {m["id"] for m in json.loads(found.stdout)["matches"]}
    assert (web.dir / "match").exists()
    web.close()


def web_items(archive: Archive) -> dict[str, str]:
    from corroborate.archive import list_items

    return {i.original_name: i.id for i in list_items(archive)}
