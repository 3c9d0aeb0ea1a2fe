"""Signatures of many files at once, a process a core: hashing is Python and NumPy on one
thread per process, so a batch (rehash) is only as fast as the machine when each core has a
process of its own. Results come back in the order asked, and each is remembered for the
match that follows, as `full_signature` would remember it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from corroborate.match.signal import FileSignature
from corroborate.match.signature import full_signature, remember, signature_for_file


def _one(path: Path, kind: str) -> FileSignature | None:
    # one decoding thread: the other cores have processes of their own
    return signature_for_file(path, kind, threads=1)


def signatures(
    jobs: Iterable[tuple[Path, str]], *, workers: int | None = None
) -> Iterator[FileSignature | None]:
    """The full signature of each (path, kind), in order, hashed by `workers` processes (by
    default one a core); a MediaError is raised where that file's turn comes. Jobs are read
    a few ahead of the results, so a long batch does not hold every path or result."""
    workers = workers or len(os.sched_getaffinity(0))
    if workers <= 1:
        yield from (full_signature(path, kind) for path, kind in jobs)
        return
    context = multiprocessing.get_context("forkserver")
    pending: deque[tuple[Path, Future[FileSignature | None]]] = deque()
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        todo = iter(jobs)
        for path, kind in todo:
            pending.append((path, pool.submit(_one, path, kind)))
            if len(pending) >= 2 * workers:
                yield _done(*pending.popleft())
        while pending:
            yield _done(*pending.popleft())


def _done(path: Path, future: Future[FileSignature | None]) -> FileSignature | None:
    sig = future.result()
    if sig is not None:
        remember(path, sig)
    return sig
