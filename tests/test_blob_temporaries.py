"""A writer killed mid-blob leaves its temporary in blobs/tmp; the next writer removes it once it
is stale, and never a temporary a live writer is still filling."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from conftest import run_corroborate
from corroborate.custody.setup import init_archive
from corroborate.storage.blobs import STALE_TEMPORARY_S, BlobStore


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_killed_writers_temporary_is_removed_by_the_next_ingest(
    footage: dict[str, Path], tmp_path: Path
) -> None:
    arc = tmp_path / "arc"
    init_archive(arc).close()
    killed = run_corroborate(
        "ingest",
        "-A",
        str(arc),
        str(footage["coffee"]),
        env={"CORROBORATE_CRASH_AT": "blob-written"},
    )
    assert killed.returncode == -signal.SIGKILL
    tmp = arc / "blobs" / "tmp"
    (left,) = list(tmp.iterdir())  # killed after the bytes were written, before the rename
    assert left.stat().st_size == footage["coffee"].stat().st_size
    _age(left, STALE_TEMPORARY_S + 60)
    live = tmp / "another-writer.part"  # just written to: a writer still at work
    live.write_bytes(b"half a blob")

    again = run_corroborate("ingest", "-A", str(arc), str(footage["coffee"]))
    assert again.returncode == 0, again.stderr
    assert list(tmp.iterdir()) == [live]


def test_only_temporaries_untouched_for_longer_than_the_limit_are_removed(tmp_path: Path) -> None:
    store = BlobStore(str(tmp_path / "blobs"))
    tmp = tmp_path / "blobs" / "tmp"
    stale, fresh = tmp / "stale.part", tmp / "fresh.part"
    for path in (stale, fresh):
        path.write_bytes(b"x")
    _age(stale, STALE_TEMPORARY_S + 5)
    _age(fresh, STALE_TEMPORARY_S - 60)

    sha, _ = store.put_bytes(b"evidence")  # the store's first write sweeps

    assert store.exists(sha)
    assert sorted(p.name for p in tmp.iterdir()) == ["fresh.part"]
    # it sweeps once: a temporary gone stale since waits for the next store that writes
    _age(fresh, STALE_TEMPORARY_S + 5)
    store.put_bytes(b"more evidence")
    assert sorted(p.name for p in tmp.iterdir()) == ["fresh.part"]
    BlobStore(str(tmp_path / "blobs")).put_bytes(b"x")
    assert list(tmp.iterdir()) == []
