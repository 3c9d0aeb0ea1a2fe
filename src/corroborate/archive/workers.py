"""Where the per-file work of a large ingest or `rehash` runs: in this process, on every core
of this machine (a process pool), or on a Dask cluster (`--scheduler tcp://host:8786`).

The work is a plain function of (shared, task) returning a picklable result; only the caller,
the archive's single writer, touches the database, and it takes the results in the order the
tasks were given, so the custody log comes out as a run in one process writes it. A worker
that dies loses nothing: Dask's scheduler runs its tasks again on another worker, and the
local pool is started afresh and the tasks it held run again, one by one, so that a file that
kills its worker every time is told as that one file's error (`lost`), not a broken pool.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from corroborate.errors import SetupError

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

Work = Callable[[S, T], R]
Lost = Callable[[T, str], R]  # the result told for a task no worker could finish

DECODE_THREADS_ENV = "CORROBORATE_DECODE_THREADS"  # as corroborate.media.keyframes reads it
# How corroborate's `dask scheduler` and `dask worker`s are started (docs/deploy.md's units,
# `testing.dask_cluster`): without Dask's statistical profiler, which samples a worker's stack
# every 10 ms for the dashboard we run without, and with its event-loop and system checks a
# few times a second rather than 50. An idle worker used 3.6% of a core with Dask's defaults
# and 0.8% with these, an idle scheduler 2.0% and 0.4%: CPU taken from the decoding.
DASK_SETTINGS = {
    "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False",
    "DASK_DISTRIBUTED__ADMIN__TICK__INTERVAL": "500ms",
    "DASK_DISTRIBUTED__ADMIN__SYSTEM_MONITOR__INTERVAL": "2s",
}
# Less than this much to read is not worth starting worker processes for (by default).
POOL_FROM_BYTES = 64 * 1024 * 1024


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def one_decoder_thread() -> None:
    """In a worker that shares the machine with others: each decodes on one thread."""
    os.environ.setdefault(DECODE_THREADS_ENV, "1")


@dataclass
class Workers(Generic[S]):
    """How many processes work, and where; `map` runs a work function over tasks.

    `scheduler`: a Dask scheduler's address; else `processes` local processes (1: this
    process only; 0: one per core, once there is enough work to be worth starting them)."""

    scheduler: str | None = None
    processes: int = 0

    def runs_here(self, count: int, size: int) -> bool:
        """Whether this process alone should do the work of `count` tasks of `size` bytes."""
        if self.scheduler:
            return False
        if (self.processes or cores()) <= 1 or count < 2:
            return True
        return self.processes == 0 and size < POOL_FROM_BYTES

    def map(
        self, work: Work[S, T, R], shared: S, tasks: Iterable[T], lost: Lost[T, R]
    ) -> Iterator[R]:
        """work(shared, task) for every task on the workers, results in the tasks' order."""
        if self.scheduler:
            return _on_dask(self.scheduler, work, shared, tasks, lost)
        n = self.processes or cores()
        if n <= 1:
            return (work(shared, t) for t in tasks)
        return _on_pool(n, work, shared, tasks, lost)


# -- a local process pool -------------------------------------------------------------------
_SHARED: Any = None


def _start_worker(shared: Any) -> None:
    global _SHARED
    _SHARED = shared
    one_decoder_thread()


def _call(work: Callable[[Any, Any], Any], task: Any) -> Any:
    return work(_SHARED, task)


def _pool(n: int, shared: Any) -> ProcessPoolExecutor:
    import multiprocessing

    # spawn: a clean process with this one's environment, not a copy of this one (its
    # database connections, its threads)
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(n, mp_context=context, initializer=_start_worker, initargs=(shared,))


def _on_pool(
    n: int, work: Work[S, T, R], shared: S, tasks: Iterable[T], lost: Lost[T, R]
) -> Iterator[R]:
    todo = iter(tasks)
    window: deque[tuple[T, Future[R] | None]] = deque()
    pool = _pool(n, shared)
    try:
        while True:
            try:
                while len(window) < 2 * n:
                    task = next(todo, _END)
                    if task is _END:
                        break
                    window.append((task, None))  # held even if the pool breaks submitting it
                    window[-1] = (task, pool.submit(_call, work, task))
                if not window:
                    return
                future = window[0][1]
                if future is None:  # pragma: no cover - set once submit returned
                    raise BrokenProcessPool("not submitted")
                result = future.result()
            except BrokenProcessPool:
                pool.shutdown(wait=False, cancel_futures=True)
                held = [t for t, _ in window]
                window.clear()
                yield from _one_by_one(work, shared, held, lost)
                pool = _pool(n, shared)
                continue
            window.popleft()
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_END: Any = object()


def _one_by_one(work: Work[S, T, R], shared: S, held: list[T], lost: Lost[T, R]) -> Iterator[R]:
    """The tasks a broken pool held, one at a time in a fresh one-process pool: a task that
    kills that process too is `lost`, and the rest go on in another."""
    pool = None
    try:
        for task in held:
            pool = pool or _pool(1, shared)
            try:
                done: R = pool.submit(_call, work, task).result()
            except BrokenProcessPool:
                pool.shutdown(wait=False, cancel_futures=True)
                pool = None
                done = lost(task, "its worker process died while working on it, twice")
            yield done
    finally:
        if pool is not None:
            pool.shutdown(wait=True)


# -- a Dask cluster -------------------------------------------------------------------------
def _dask_call(work: Callable[[Any, Any], Any], shared: Any, task: Any) -> Any:
    one_decoder_thread()
    return work(shared, task)


def _on_dask(
    address: str, work: Work[S, T, R], shared: S, tasks: Iterable[T], lost: Lost[T, R]
) -> Iterator[R]:
    from distributed import Client
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    connect: Any = Client  # distributed has no type hints
    try:
        client: Any = connect(address, timeout=15, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise SetupError(f"cannot reach the Dask scheduler at {address} ({exc})") from None
    try:
        slots = max(1, sum(client.nthreads().values()))
        shared_on_workers = client.scatter(shared, broadcast=True, hash=False)
        todo = iter(tasks)
        window: deque[tuple[T, Any]] = deque()
        while True:
            while len(window) < 2 * slots + 2:
                task = next(todo, _END)
                if task is _END:
                    break
                window.append(
                    (task, client.submit(_dask_call, work, shared_on_workers, task, pure=False))
                )
            if not window:
                return
            task, future = window.popleft()
            try:
                result = future.result()
            except (KilledWorker, FutureCancelledError) as exc:
                result = lost(task, f"the Dask workers running it died ({type(exc).__name__})")
            yield result
            future.release()
    finally:
        client.close()
