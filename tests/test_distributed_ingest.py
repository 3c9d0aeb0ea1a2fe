"""A team ingests a large folder on a Dask cluster (or on every core of one machine): the
archive comes out as one process would have written it, and a worker lost mid-ingest loses
nothing."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from sqlalchemy import select

from corroborate.archive import ingest, verify_archive
from corroborate.archive.models import ItemRow, SightingRow
from corroborate.archive.workers import Workers
from corroborate.custody.models import CustodyEntryRow
from corroborate.custody.setup import init_archive
from corroborate.samples import render_flight
from corroborate.storage.archive import Archive
from corroborate.testing.dask_cluster import LocalDask, local_dask


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twenty files: five flights, each posted four times (bytes that differ at the end, as
    re-uploads often do), one exact duplicate, and a text report."""
    root = tmp_path_factory.mktemp("intake")
    flights = [
        render_flight(root / f"src{n}.mp4", photo, seconds=6, width=320, height=180, seed=n)
        for n, photo in enumerate(["coffee", "grass", "rocket", "brick", "gravel"])
    ]
    inbox = root / "inbox"
    inbox.mkdir()
    for n, src in enumerate(flights):
        data = src.read_bytes()
        for copy in range(4 if n < 4 else 2):
            (inbox / f"{n}-{copy}.mp4").write_bytes(data + bytes([n, copy]) * 4)
        src.unlink()
    (inbox / "4-9-again.mp4").write_bytes((inbox / "4-0.mp4").read_bytes())
    (inbox / "report.txt").write_text("On 3 March 12 drones were shot down near Kharkiv.\n")
    assert len(list(inbox.iterdir())) == 20
    return inbox


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalDask]:
    with local_dask(workers=2) as running:
        yield running


def _log(archive: Archive) -> list[tuple[str, str | None, str | None]]:
    """The custody log as (action, item, subject) in order."""
    with archive.session() as session:
        rows = session.scalars(select(CustodyEntryRow).order_by(CustodyEntryRow.seq))
        return [(r.action, json.loads(r.details).get("item"), r.subject_sha256) for r in rows]


def _entries(archive: Archive) -> list[tuple[str, str, str | None]]:
    """The custody log as (action, details, subject) in order, less the digests of rows that
    hold the time they were written (`state.record`: which rows; `derive.matches`: the rest)."""
    with archive.session() as session:
        rows = session.scalars(select(CustodyEntryRow).order_by(CustodyEntryRow.seq))
        return [(r.action, _timeless(r.action, r.details), r.subject_sha256) for r in rows]


def _timeless(action: str, details: str) -> str:
    if action == "state.record":
        return " ".join(sorted(json.loads(details)["rows"]))
    if action == "derive.matches":
        return json.dumps({k: v for k, v in json.loads(details).items() if k != "sha256"})
    return details


def _ingested(tmp_path: Path, name: str, folder: Path, workers: Workers[object]) -> Archive:
    archive = init_archive(tmp_path / name)
    report = ingest(archive, [str(folder)], actor="alice", source="Telegram: @x", workers=workers)
    assert [r.error for r in report.results if r.error] == []
    return archive


def test_the_workers_run_without_the_dashboards_profiler(cluster: LocalDask) -> None:
    import dask

    client = cluster.client()
    try:
        settings = client.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
        ticks = client.run_on_scheduler(lambda: dask.config.get("distributed.admin.tick.interval"))
    finally:
        client.close()
    assert list(settings.values()) == [False, False]
    assert ticks == "500ms"


def test_a_folder_ingested_on_dask_or_every_core_is_logged_as_one_process_logs_it(
    folder: Path, cluster: LocalDask, tmp_path: Path
) -> None:
    alone = _ingested(tmp_path, "alone", folder, Workers(processes=1))
    on_dask = _ingested(tmp_path, "dask", folder, Workers(scheduler=cluster.address))
    on_cores = _ingested(tmp_path, "cores", folder, Workers(processes=2))
    expected = _entries(alone)
    actions = [a for a, _, _ in expected]
    assert actions.count("archive.ingest") == 19 and actions.count("archive.sighting") == 1
    assert "derive.signature" in actions and "derive.matches" in actions
    assert "claims.extract" in actions and "media.keyframes" in actions
    for other in (on_dask, on_cores):
        # the same entries in the same order, to the byte (but the first: each archive's key)
        assert _entries(other)[1:] == expected[1:]
        assert verify_archive(other) == []
    for archive in (alone, on_dask, on_cores):
        archive.close()


def test_a_worker_killed_in_the_middle_of_an_ingest_loses_nothing(
    folder: Path, cluster: LocalDask, tmp_path: Path
) -> None:
    archive = init_archive(tmp_path / "killed")
    victim = cluster.add_worker()
    cluster.wait_for_workers(3)
    watcher = cluster.client()
    victim_address = next(
        addr for addr, info in watcher.scheduler_info()["workers"].items() if info["name"] == "w2"
    )
    killed: list[str] = []

    def kill_when_busy() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if watcher.processing().get(victim_address):
                cluster.kill(victim)
                killed.append(victim_address)
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_when_busy)
    killer.start()
    report = ingest(
        archive, [str(folder)], actor="alice", workers=Workers(scheduler=cluster.address)
    )
    killer.join()
    watcher.close()
    assert killed, "the worker was never seen working"
    assert victim.poll() is not None
    assert [r.error for r in report.results if r.error] == []
    assert verify_archive(archive) == []
    log = _log(archive)
    ingested = [item for action, item, _ in log if action == "archive.ingest"]
    assert len(ingested) == 19 == len(set(ingested))
    with archive.session() as session:
        assert len(session.scalars(select(ItemRow)).all()) == 19
        assert len(session.scalars(select(SightingRow)).all()) == 20
    for action in ("media.metadata", "media.keyframes", "derive.signature"):
        subjects = [s for a, _, s in log if a == action]
        assert len(subjects) == len(set(subjects)), f"{action} recorded twice for one item"
    archive.close()


def _pool_workers() -> list[psutil.Process]:
    """This process's pool workers (its children that are Python interpreters it spawned)."""
    return [
        p
        for p in psutil.Process().children(recursive=True)
        if "multiprocessing.spawn" in " ".join(p.cmdline())
        and "spawn_main" in " ".join(p.cmdline())
    ]


def test_a_local_worker_process_that_dies_mid_ingest_is_replaced_and_loses_nothing(
    folder: Path, tmp_path: Path
) -> None:
    archive = init_archive(tmp_path / "pool")
    killed: list[int] = []

    def kill_one_worker(label: str, size: int) -> None:
        if killed:
            return
        for worker in _pool_workers():
            worker.kill()
            killed.append(worker.pid)
            return

    report = ingest(
        archive,
        [str(folder)],
        actor="alice",
        workers=Workers(processes=2),
        progress=kill_one_worker,
    )
    assert killed, "no pool worker was found to kill"
    assert [r.error for r in report.results if r.error] == []
    assert verify_archive(archive) == []
    ingested = [item for action, item, _ in _log(archive) if action == "archive.ingest"]
    assert len(ingested) == 19 == len(set(ingested))
    archive.close()


def test_a_file_that_kills_its_worker_every_time_is_told_as_that_file_not_a_broken_pool(
    footage: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = init_archive(tmp_path / "poison")
    monkeypatch.setenv("CORROBORATE_CRASH_AT", "blob-stored")  # every worker dies storing
    report = ingest(
        archive,
        [str(footage["coffee"]), str(footage["grass"])],
        actor="alice",
        workers=Workers(processes=2),
    )
    monkeypatch.delenv("CORROBORATE_CRASH_AT")
    assert [r.error for r in report.results] == [
        f"{footage[name]}: not archived (its worker process died while working on it, twice)"
        for name in ("coffee", "grass")
    ]
    assert verify_archive(archive) == []
    assert [a for a, _, _ in _log(archive)][1:] == []  # nothing but the archive's creation
    archive.close()


def test_workers_that_cannot_see_the_ingesting_machines_files_read_them_from_the_store(
    folder: Path, tmp_path: Path
) -> None:
    """A team's Dask workers run on other machines: the export folder is on the ingesting
    machine only. Each worker here has the folder covered by an empty one; the ingest still
    archives every file, as one process logs it."""
    alone = _ingested(tmp_path, "alone", folder, Workers(processes=1))
    with local_dask(workers=2, hide=[folder]) as elsewhere:
        probe = elsewhere.client()
        try:  # the workers really do not see the folder
            seen = probe.run(lambda: sorted(p.name for p in folder.iterdir()))
        finally:
            probe.close()
        assert list(seen.values()) == [[], []]
        apart = _ingested(tmp_path, "apart", folder, Workers(scheduler=elsewhere.address))
    assert _entries(apart)[1:] == _entries(alone)[1:]
    assert verify_archive(apart) == []
    for archive in (alone, apart):
        archive.close()


@pytest.fixture(scope="module")
def channel_export(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A channel's Telegram Desktop export: eight video posts (one file posted twice), a text
    post, a post whose file is missing, one whose path leaves the export, an empty file."""
    from telegram_fixtures import message, write_json_export

    root = tmp_path_factory.mktemp("telegram") / "ChatExport_2024-10-12"
    (root / "video_files").mkdir(parents=True)
    ch = {"channel": "Frontline Witness", "channel_id": 1500000009}
    messages = []
    names = ["0-0.mp4", "1-0.mp4", "2-0.mp4", "3-0.mp4", "0-1.mp4", "4-0.mp4", "4-9-again.mp4"]
    for n, name in enumerate([*names, "0-0.mp4"]):
        rel = f"video_files/{name}"
        (root / rel).write_bytes((folder / name).read_bytes())
        when = f"2024-10-{n + 1:02d}T08:00:00"
        messages.append(message(100 + n, when, f"Drone video {n} near Kupiansk", file=rel, **ch))
    (root / "video_files/empty.mp4").write_bytes(b"")
    messages += [
        message(200, "2024-10-10T09:00:00", "Yesterday 2 civilians were killed in Kupiansk", **ch),
        message(201, "2024-10-10T10:00:00", "Another angle", file="video_files/gone.mp4", **ch),
        message(202, "2024-10-10T11:00:00", "", file="../../secret.mp4", **ch),
        message(203, "2024-10-10T12:00:00", "", file="video_files/empty.mp4", **ch),
    ]
    return write_json_export(root, "Frontline Witness", 1500000009, messages)


def _exported(tmp_path: Path, name: str, export: Path, workers: Workers[object]) -> Archive:
    archive = init_archive(tmp_path / name)
    report = ingest(archive, [str(export)], actor="alice", workers=workers)
    errors = sorted(r.error or "" for r in report.results if r.error)
    assert [e.split(": post ")[1][:3] for e in errors] == ["201", "202", "203"], errors
    return archive


def test_a_telegram_export_is_spread_over_the_workers_and_logged_as_post_by_post(
    channel_export: Path, cluster: LocalDask, tmp_path: Path
) -> None:
    alone = _exported(tmp_path, "alone", channel_export, Workers(processes=1))
    expected = _entries(alone)
    actions = [a for a, _, _ in expected]
    assert actions.count("derive.signature") == 6 and actions.count("archive.sighting") == 2
    from distributed import get_task_stream

    watcher = cluster.client()
    try:
        with get_task_stream(client=watcher) as stream:
            on_dask = _exported(
                tmp_path, "dask", channel_export, Workers(scheduler=cluster.address)
            )
    finally:
        watcher.close()
    # each post's media went to the cluster's workers: eight files, and three told as not
    # archived there without work (missing, outside the export, empty)
    ran = [t for t in stream.data if t["key"].startswith("_dask_call")]
    assert len(ran) == 11
    on_cores = _exported(tmp_path, "cores", channel_export, Workers(processes=2))
    for other in (on_dask, on_cores):
        assert _entries(other)[1:] == expected[1:]
        assert verify_archive(other) == []
    for archive in (alone, on_dask, on_cores):
        archive.close()


def test_rehash_on_dask_reads_blobs_on_the_workers_and_logs_as_one_process_logs_it(
    folder: Path, cluster: LocalDask, tmp_path: Path
) -> None:
    from corroborate.match import rehash

    some = tmp_path / "some"
    some.mkdir()
    for name in ("0-0.mp4", "0-1.mp4", "1-0.mp4", "2-0.mp4", "2-1.mp4", "report.txt"):
        (some / name).write_bytes((folder / name).read_bytes())
    logs = []
    for name, workers in (
        ("alone", Workers[object](processes=1)),
        ("dask", Workers[object](scheduler=cluster.address)),
    ):
        archive = init_archive(tmp_path / name)
        bulk = ingest(archive, [str(some)], actor="alice", signatures=False)
        assert bulk.failed == 0
        done = rehash(archive, workers=workers)
        assert done.hashed == 5 and len(done.matches) == 2  # 0-1 with 0-0, 2-1 with 2-0
        assert verify_archive(archive) == []
        logs.append(_entries(archive)[1:])
        archive.close()
    assert logs[0] == logs[1]
    assert [a for a, _, _ in logs[0]].count("match.rehash") == 5


def test_a_scheduler_that_cannot_be_reached_is_one_clear_line_and_nothing_is_archived(
    footage: dict[str, Path], tmp_path: Path
) -> None:
    from conftest import run_corroborate

    archive = init_archive(tmp_path / "unreached")
    archive.close()
    done = run_corroborate(
        "ingest",
        "-A",
        str(archive.dir),
        "--scheduler",
        "tcp://127.0.0.1:9",
        str(footage["coffee"]),
    )
    assert done.returncode != 0
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in done.stderr
    assert "Traceback" not in done.stderr
    reopened = Archive.open(archive.dir)
    assert [a for a, _, _ in _log(reopened)][1:] == []
    reopened.close()


_SEARCH_THEN_WAIT = """
import corroborate, os, time
import faiss, numpy as np
faiss.omp_set_num_threads(2)
rng = np.random.default_rng(0)
index = faiss.IndexBinaryFlat(256)
index.add(rng.integers(0, 256, (5000, 32), dtype=np.uint8))
index.search(rng.integers(0, 256, (500, 32), dtype=np.uint8), 16)
cpu = time.process_time()
time.sleep(0.5)  # the single writer waiting for its workers' next result
print(os.environ["OMP_WAIT_POLICY"], time.process_time() - cpu)
"""


def _idle_cpu(env: dict[str, str]) -> tuple[str, float]:
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _SEARCH_THEN_WAIT],
        env={k: v for k, v in {**os.environ, **env}.items() if v},
        capture_output=True,
        text=True,
        check=True,
    )
    policy, cpu = done.stdout.split()
    return policy, float(cpu)


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores")
def test_the_ingesting_process_leaves_the_cores_to_its_workers_between_frame_searches() -> None:
    """The single writer searches the frame index after each file, then waits for a worker:
    FAISS's OpenMP threads must sleep then, not spin on a core a worker needs. A user's own
    choice of policy is kept."""
    policy, idle = _idle_cpu({"OMP_WAIT_POLICY": ""})
    assert policy == "PASSIVE"
    assert idle < 0.05  # the 0.5 s wait costs (almost) no CPU
    policy, spinning = _idle_cpu({"OMP_WAIT_POLICY": "ACTIVE"})
    assert policy == "ACTIVE"
    # the check can fail: a spinning thread is seen (on a busy machine it gets a share)
    assert spinning > 0.06
