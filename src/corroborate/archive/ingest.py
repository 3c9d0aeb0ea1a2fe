"""Ingest: files, folders and URLs into content-addressed storage with a custody record.

Order of work, for crash safety: bytes are stored (atomic rename) and slow media work is done
before the database transaction; rows that point at blobs are committed only after the blobs
are in place, together with their custody entries and a new signed head. A kill at any moment
leaves at most an unreferenced blob or a temporary file, never a row without its blob.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from corroborate.archive import derivations
from corroborate.archive.derivations import Derivation, Stage, Subject, Workspace
from corroborate.archive.fetch import FetchPolicy, fetch_url, is_url, parse_datetime, safe_name
from corroborate.archive.models import ItemRow, SightingRow
from corroborate.archive.workers import Workers
from corroborate.crashpoints import crash_point
from corroborate.custody import log
from corroborate.custody.log import canonical_json
from corroborate.db import utcnow
from corroborate.errors import CorroborateError, InputError
from corroborate.media import MediaUnreadable, c2pa_notice, detect_kind, probe
from corroborate.media.detect import extension_mismatch
from corroborate.storage.archive import Archive
from corroborate.storage.blobs import BlobStore

SHORT_ID_HEX = 12  # the displayed id: the first 12 hex digits of the SHA-256 ...
SHORT_ID_STEP = 4  # ... 16, 20, ... when a different file already holds that prefix


@dataclass
class IngestResult:
    """What happened to one input file or URL."""

    input: str
    item_id: str | None = None
    sha256: str | None = None
    kind: str | None = None
    size: int | None = None
    new: bool = False
    original_name: str | None = None
    error: str | None = None  # the input was not archived
    warning: str | None = None  # archived, with a problem (e.g. unreadable media)
    notes: list[str] = field(default_factory=list)  # e.g. "shares footage with ..."

    @property
    def ok(self) -> bool:
        return self.error is None and self.warning is None


@dataclass
class IngestReport:
    results: list[IngestResult] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.ok)


Progress = Callable[[str, int], None]  # (label, bytes advanced)
# Readers of inputs that are more than their files (a Telegram channel export): each ingests
# the inputs it knows, tells every result, and returns the rest for ingest as files. A reader
# registers itself here (corroborate.archive.telegram), so this module names none of them.
INPUT_READERS: list[Callable[..., list[str]]] = []


def short_id(sha: str, taken: Callable[[str], bool]) -> str:
    """The shortest id (12, 16, 20 ... hex digits of the SHA-256) no other item holds."""
    n = SHORT_ID_HEX
    while n < len(sha):
        if not taken(sha[:n]):
            return sha[:n]
        n += SHORT_ID_STEP
    return sha


def parse_published(text: str) -> datetime:
    """A publication date a user gives (`2024-03-14`, `2024-03-14T09:30+02:00`), in UTC."""
    at = parse_datetime(text)
    if at is None:
        raise InputError(
            f"{text!r}: not a date (give ISO 8601, e.g. 2024-03-14 or 2024-03-14T09:30:00+02:00)"
        )
    return at


def expand_inputs(inputs: list[str]) -> Iterator[str | Path | IngestResult]:
    """Files as given, folders walked recursively in name order, URLs as strings.

    Symlinks are followed, to files and to folders alike (wherever they point: the sighting
    records the real path); a folder reached twice, e.g. through a link back to its parent,
    is walked once and the second way in is reported. A folder that cannot be read is
    reported as an IngestResult with an error, never skipped in silence.
    """
    seen: dict[tuple[int, int], Path] = {}
    for spec in inputs:
        if is_url(spec):
            yield spec
            continue
        path = Path(spec)
        if path.is_dir():
            yield from _walk(path, seen)
        else:
            yield path


def _walk(top: Path, seen: dict[tuple[int, int], Path]) -> Iterator[Path | IngestResult]:
    stack = [top]
    while stack:
        folder = stack.pop()
        shown = _text(str(folder))
        try:
            st = folder.stat()
        except OSError as exc:
            yield IngestResult(input=shown, error=f"{shown}: cannot read folder ({_why(exc)})")
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            yield IngestResult(
                input=shown,
                warning=f"{shown}: a link to the folder {_text(str(seen[key]))}, which is "
                "archived once; not walked again",
            )
            continue
        seen[key] = folder
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield IngestResult(
                input=shown,
                error=f"{shown}: cannot read folder ({_why(exc)}); nothing in it was archived",
            )
            continue
        subfolders: list[Path] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                is_dir = False
            if is_dir:
                subfolders.append(Path(entry.path))
            else:
                yield Path(entry.path)
        stack.extend(reversed(subfolders))


def _why(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else str(exc)


def ingest(
    archive: Archive,
    inputs: list[str],
    *,
    actor: str,
    source: str | None = None,
    progress: Progress | None = None,
    signatures: bool = True,
    policy: FetchPolicy | None = None,
    url: str | None = None,
    published_at: datetime | None = None,
    posts: Callable[[int, int | None], None] | None = None,
    workers: Workers[Any] | None = None,
) -> IngestReport:
    """Ingest files, folders and URLs; every input gets a result, failures do not stop the rest.

    With signatures=False the slow perceptual hashing is left for `rehash` (bulk intake).
    `url` and `published_at` describe where and when local files were posted (the sighting's
    post URL and publication date); `published_at` also overrides what a page says of itself.
    URLs are fetched under `policy` (default: public http(s) hosts only, 4 GiB cap).
    A Telegram Desktop export (folder or zip) is read post by post (`posts(done, total)`).
    `workers`: where the per-file work of local files runs (default: every core of this
    machine once the files are large enough to be worth it; see `ingest_files`).
    """
    report = IngestReport()
    for reader in INPUT_READERS:  # e.g. a Telegram export, read post by post
        inputs = reader(
            archive,
            inputs,
            report.results.append,
            actor=actor,
            source=source,
            signatures=signatures,
            url=url,
            posts=posts,
            workers=workers or Workers(),
        )
    specs: list[str | Path | IngestResult] = list(expand_inputs(inputs))
    files = [s for s in specs if isinstance(s, Path)]
    worked = ingest_files(archive, files, signatures=signatures, workers=workers or Workers())
    for spec in specs:
        if isinstance(spec, Path) and worked is not None:
            work = next(worked)
            if progress and work.size:
                progress(work.result.input, work.size)
            report.results.append(
                record_file(
                    archive,
                    spec,
                    work,
                    actor=actor,
                    source=source,
                    url=url,
                    published_at=published_at,
                    signatures=signatures,
                )
            )
            continue
        if isinstance(spec, IngestResult):
            report.results.append(spec)
        elif isinstance(spec, str):
            report.results.extend(
                ingest_url(
                    archive,
                    spec,
                    actor=actor,
                    source=source,
                    signatures=signatures,
                    policy=policy,
                    published_at=published_at,
                )
            )
        else:
            report.results.append(
                ingest_file(
                    archive,
                    spec,
                    actor=actor,
                    source=source,
                    progress=progress,
                    signatures=signatures,
                    url=url,
                    published_at=published_at,
                )
            )
    return report


def ingest_url(
    archive: Archive,
    url: str,
    *,
    actor: str,
    source: str | None = None,
    signatures: bool = True,
    policy: FetchPolicy | None = None,
    published_at: datetime | None = None,
) -> list[IngestResult]:
    """Download a URL's content to a temporary folder and ingest each file it yields."""
    fetch_as, url = url, _text(url)  # as given (bytes from a shell intact), and as text
    try:
        workdir = Path(tempfile.mkdtemp(prefix="corroborate-fetch-"))
    except OSError as exc:
        return [IngestResult(input=url, error=f"{url}: no temporary folder ({_why(exc)})")]
    try:
        try:
            outcome = fetch_url(fetch_as, workdir, policy)
        except CorroborateError as exc:
            return [IngestResult(input=url, error=str(exc))]
        except Exception as exc:  # noqa: BLE001 - a fetcher's surprise must not end the batch
            return [IngestResult(input=url, error=f"{url}: download failed ({exc!r})")]
        results = [
            ingest_file(
                archive,
                f.path,
                actor=actor,
                source=source,
                url=url,
                original_name=f.original_name,
                published_at=published_at or f.published_at,
                content_type=f.content_type,
                extra=f.extra,
                record_local_path=False,
                label=url,
                signatures=signatures,
            )
            for f in outcome.files
        ]
        results.extend(IngestResult(input=url, error=why) for why in outcome.refused)
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def ingest_file(
    archive: Archive,
    path: Path,
    *,
    actor: str,
    source: str | None = None,
    url: str | None = None,
    original_name: str | None = None,
    published_at: datetime | None = None,
    content_type: str | None = None,
    extra: dict[str, Any] | None = None,
    record_local_path: bool = True,
    label: str | None = None,
    progress: Progress | None = None,
    signatures: bool = True,
) -> IngestResult:
    """Archive one file (or record a new sighting of bytes already archived).

    Never raises for a problem with this one file (unreadable, a database error): the result
    carries a one-line error naming it, so a batch goes on.
    """
    shown = label or _text(str(path))
    result = IngestResult(
        input=shown, original_name=original_name or safe_name(_text(path.name, "replace"))
    )
    try:
        _ingest_file(
            archive,
            path,
            result,
            actor=actor,
            source=source,
            url=url,
            published_at=published_at,
            content_type=content_type,
            extra=extra,
            record_local_path=record_local_path,
            progress=progress,
            signatures=signatures,
        )
    except Exception as exc:
        error = not_archived(shown, exc)
        if error is None:
            raise
        result.error = str(error)
    if result.error:
        result.new = False
        result.item_id = None
    return result


def not_archived(shown: str, exc: Exception) -> CorroborateError | None:
    """The one-line error a failure to archive one input is told as (None: a bug, raise it).

    Shared by every way in (files, URLs, web uploads) so they word the same failure alike."""
    if isinstance(exc, CorroborateError):
        return exc
    if isinstance(exc, SQLAlchemyError):
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        return CorroborateError(f"{shown}: not archived, the database refused it ({detail})")
    if isinstance(exc, OSError):
        return CorroborateError(f"{shown}: not archived ({_why(exc)})")
    if isinstance(exc, UnicodeError | ValueError):
        return CorroborateError(f"{shown}: not archived ({exc})")
    return None


# -- the per-file work of a large ingest, on workers -----------------------------------------
class KnownDigests:
    """The SHA-256 digests archived when an ingest began, small enough to send to workers
    (first 8 bytes each), so they skip the slow work on bytes already archived. A false
    "known" costs nothing but time: the writer prepares what it does not find."""

    def __init__(self, digests: Iterable[str]) -> None:
        self.prefixes = np.unique(np.array([int(d[:16], 16) for d in digests], dtype=np.uint64))

    def __contains__(self, sha: str) -> bool:
        key = np.uint64(int(sha[:16], 16))
        at = int(np.searchsorted(self.prefixes, key))
        return at < len(self.prefixes) and self.prefixes[at] == key


@dataclass(frozen=True)
class FileShared:
    """What every file's work needs: where blobs go, and what is archived already."""

    blob_url: str
    known: KnownDigests


@dataclass(frozen=True)
class FileTask:
    """One local file for a worker to read, store and prepare."""

    path: Path
    input: str  # how the file is named to the user
    original_name: str
    signatures: bool = True


@dataclass
class FileWork:
    """What a worker made of one file, for the archive's single writer to record."""

    result: IngestResult
    sha256: str | None = None
    size: int | None = None
    prepared: _Prepared | None = None  # None: already archived when the ingest began


@dataclass(frozen=True)
class _Blobs:
    """A worker's view of the archive: the blob store, and no database."""

    blobs: BlobStore


_stores: dict[str, _Blobs] = {}


def _worker_store(blob_url: str) -> _Blobs:
    return _stores.get(blob_url) or _stores.setdefault(blob_url, _Blobs(BlobStore(blob_url)))


@dataclass(frozen=True)
class StoredTask:
    """One file the ingesting machine has stored already, for a worker of a Dask cluster to
    read back from the blob store by its digest: a worker on another machine cannot see the
    ingesting machine's files, but every worker reaches the team's object store."""

    input: str
    original_name: str
    sha256: str | None = None
    size: int | None = None
    error: str | None = None  # the file could not be stored: told as the result, no work
    signatures: bool = True


def work_stored(shared: FileShared, task: StoredTask) -> FileWork:
    """A stored file's share of an ingest, on a Dask worker: probe it and run the derivations
    on a copy fetched (and checked against its digest) from the blob store, unless its bytes
    were archived already. Never touches the database."""
    result = IngestResult(input=task.input, original_name=task.original_name)
    work = FileWork(result, task.sha256, task.size)
    if task.error is not None or task.sha256 is None:
        result.error = task.error or f"{task.input}: not archived (not stored)"
        return work
    if task.sha256 in shared.known:
        return work
    where = _worker_store(shared.blob_url)
    try:
        with where.blobs.fetched(task.sha256) as blob:
            work.prepared = _prepare(where, task.sha256, result, None, task.signatures, blob)
    except Exception as exc:
        error = not_archived(task.input, exc)
        if error is None:
            raise
        result.error = str(error)
    return work


def _stored_tasks(archive: Archive, paths: list[Path], signatures: bool) -> Iterator[StoredTask]:
    """Each file stored here, as the workers take them (storing is reading and hashing, so it
    keeps ahead of the decoding the workers do)."""
    for path in paths:
        shown = _text(str(path))
        name = safe_name(_text(path.name, "replace"))
        try:
            _check_readable(path, shown)
            sha, size = _store(archive, path, shown, None)
        except Exception as exc:
            error = not_archived(shown, exc)
            if error is None:
                raise
            yield StoredTask(shown, name, error=str(error), signatures=signatures)
            continue
        yield StoredTask(shown, name, sha, size, signatures=signatures)


def work_file(shared: FileShared, task: FileTask) -> FileWork:
    """A file's share of an ingest, on a worker of this machine: read it into the blob store,
    then probe it and run the derivations unless its bytes were archived already. Never
    touches the database; a problem with the file is on the result, as `ingest_file` tells it."""
    where = _worker_store(shared.blob_url)
    result = IngestResult(input=task.input, original_name=task.original_name)
    work = FileWork(result)
    try:
        _check_readable(task.path, task.input)
        work.sha256, work.size = _store(where, task.path, task.input, None)
        if work.sha256 not in shared.known:
            work.prepared = _prepare(where, work.sha256, result, None, task.signatures)
    except Exception as exc:
        error = not_archived(task.input, exc)
        if error is None:
            raise
        result.error = str(error)
    return work


def _lost(task: FileTask | StoredTask, why: str) -> FileWork:
    return FileWork(
        IngestResult(
            input=task.input,
            original_name=task.original_name,
            error=f"{task.input}: not archived ({why})",
        )
    )


def ingest_files(
    archive: Archive, paths: list[Path], *, signatures: bool, workers: Workers[Any]
) -> Iterator[FileWork] | None:
    """The work of these local files on `workers`, in their order; None when it is better
    done here, file by file, as `ingest_file` does (few or small files, one core)."""
    sizes = 0
    for path in paths:
        with contextlib.suppress(OSError):
            sizes += path.stat().st_size
    if workers.runs_here(len(paths), sizes):
        return None
    with archive.session() as session:
        known = KnownDigests(session.scalars(select(ItemRow.sha256)))
    shared = FileShared(archive.blob_url, known)
    if workers.scheduler:  # workers on other machines: they read what is stored here
        stored = _stored_tasks(archive, paths, signatures)
        return workers.map(work_stored, shared, stored, _lost)
    tasks = (
        FileTask(
            path,
            _text(str(path)),
            safe_name(_text(path.name, "replace")),
            signatures,
        )
        for path in paths
    )
    return workers.map(work_file, shared, tasks, _lost)


def adopt(work: FileWork) -> None:
    """A worker's results, made to refer to this process's registered derivations (the
    worker's are copies, unpickled with its results)."""
    if work.prepared is not None:
        named = {d.name: d for d in derivations.active()}
        work.prepared.derived = [(named[d.name], v) for d, v in work.prepared.derived]


def stored_work(
    archive: Archive,
    workers: Workers[Any],
    tasks: Iterable[StoredTask],
    count: int,
    size: int,
) -> Iterator[FileWork] | None:
    """The work of files stored already (`tasks` stores each as it is taken), on `workers`,
    in their order; None when it is better done here (few or small files, one core)."""
    if workers.runs_here(count, size):
        return None
    with archive.session() as session:
        known = KnownDigests(session.scalars(select(ItemRow.sha256)))
    return workers.map(work_stored, FileShared(archive.blob_url, known), tasks, _lost)


def record_file(
    archive: Archive,
    path: Path,
    work: FileWork,
    *,
    actor: str,
    source: str | None = None,
    url: str | None = None,
    published_at: datetime | None = None,
    signatures: bool = True,
) -> IngestResult:
    """The single writer's part of a file a worker read: its item, sighting and custody
    entries, exactly as `ingest_file` writes them."""
    result = work.result
    adopt(work)
    if result.error is None and work.sha256 is not None and work.size is not None:
        try:
            local_path, extra = _where_found(path, None, True)
            archive_stored(
                archive,
                work.sha256,
                work.size,
                result,
                actor=actor,
                source=source,
                url=url,
                local_path=local_path,
                published_at=published_at,
                content_type=None,
                extra=extra,
                signatures=signatures,
                prepared=work.prepared,
            )
        except Exception as exc:
            error = not_archived(result.input, exc)
            if error is None:
                raise
            result.error = str(error)
    if result.error:
        result.new = False
        result.item_id = None
    return result


def _ingest_file(
    archive: Archive,
    path: Path,
    result: IngestResult,
    *,
    actor: str,
    source: str | None,
    url: str | None,
    published_at: datetime | None,
    content_type: str | None,
    extra: dict[str, Any] | None,
    record_local_path: bool,
    progress: Progress | None,
    signatures: bool,
) -> None:
    shown = result.input
    _check_readable(path, shown)
    sha, size = _store(archive, path, shown, progress)
    local_path, extra = _where_found(path, extra, record_local_path)
    archive_stored(
        archive,
        sha,
        size,
        result,
        actor=actor,
        source=source,
        url=url,
        local_path=local_path,
        published_at=published_at,
        content_type=content_type,
        extra=extra,
        signatures=signatures,
    )


def _where_found(
    path: Path, extra: dict[str, Any] | None, record_local_path: bool
) -> tuple[str | None, dict[str, Any]]:
    """The sighting's local path (the real one, links followed) and the extra facts of how
    it was reached."""
    extra = dict(extra or {})
    local_path = None
    if record_local_path:
        real = str(path.resolve())
        local_path = _text(real)
        if real != str(path.absolute()):
            extra["given_path"] = _text(str(path.absolute()))  # reached through a symlink
        if local_path != real:  # a name that is not UTF-8: keep its exact bytes too
            extra["local_path_bytes_hex"] = os.fsencode(real).hex()
    return local_path, extra


def archive_stored(
    archive: Archive,
    sha: str,
    size: int,
    result: IngestResult,
    *,
    actor: str,
    source: str | None,
    url: str | None,
    local_path: str | None,
    published_at: datetime | None,
    content_type: str | None,
    extra: dict[str, Any],
    signatures: bool,
    with_sighting: Callable[[Any, SightingRow], None] | None = None,
    prepared: _Prepared | None = None,
) -> None:
    """Everything after the bytes are in the blob store: probe, derivations, the item (when
    new), its sighting and their custody entries, then matching. Every way in ends here.

    `with_sighting(session, row)` writes rows that must commit with the sighting or not at all
    (a Telegram post marked done). `prepared`: the probe and derivations a worker has already
    made of these bytes."""
    shown = result.input
    result.sha256, result.size = sha, size
    sighting = dict(
        source_label=source,
        url=url,
        local_path=local_path,
        original_name=result.original_name,
        published_at=published_at,
        extra=extra,
    )
    if prepared is None:
        with archive.session() as session:
            known = session.scalar(select(ItemRow).where(ItemRow.sha256 == sha))
        prepared = None if known else _prepare(archive, sha, result, content_type, signatures)
    with archive.write() as session:
        item = session.scalar(select(ItemRow).where(ItemRow.sha256 == sha))
        if item is None:
            if prepared is None:  # removed meanwhile? prepare now, under lock
                prepared = _prepare(archive, sha, result, content_type, signatures)
            item_id = short_id(
                sha, lambda c: session.scalar(select(ItemRow.id).where(ItemRow.id == c)) is not None
            )
            result.item_id = item_id
            _insert_item(session, prepared, item_id, sha, size, result, actor)
            result.new = True
        else:
            item_id = result.item_id = item.id
            result.kind = item.kind
            if not item.media_readable:
                _warn(
                    result,
                    f"{shown}: already archived and flagged as unreadable media "
                    f"({item.media_error or 'no detail'})",
                )
            if credentials := c2pa_notice(item.metadata_json or {}):
                _warn(result, f"{shown}: already archived; {credentials}")
        row = SightingRow(item_id=item_id, archived_at=utcnow(), archived_by=actor, **sighting)
        session.add(row)
        session.flush()
        if with_sighting is not None:
            with_sighting(session, row)
        log.append(
            session,
            actor=actor,
            action="archive.ingest" if result.new else "archive.sighting",
            subject_sha256=sha,
            details={
                "item": item_id,
                "sighting": row.id,
                "size": size,
                "kind": result.kind,
                "original_name": result.original_name,
                "source": source,
                "url": url,
                "local_path": local_path,
                "published_at": published_at.isoformat() if published_at else None,
            },
        )
        if result.new and prepared is not None:
            _log_metadata(session, prepared, sha, actor)
            _store_derived(session, prepared, item_id, actor)
        session.flush()
        crash_point("rows-added")
    crash_point("committed")
    if result.new and prepared is not None:
        _after_commit(archive, prepared, item_id, result, actor)


def _text(name: str, errors: str = "backslashreplace") -> str:
    """A file system name as text: bytes that are not UTF-8 shown as `\\xff` escapes (or �)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", errors)


def _warn(result: IngestResult, message: str) -> None:
    result.warning = f"{result.warning}; {message}" if result.warning else message


def _check_readable(path: Path, shown: str) -> None:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file or folder") from None
    except OSError as exc:
        raise InputError(f"{shown}: cannot read ({exc.strerror})") from None
    if not path.is_file():
        raise InputError(f"{shown}: not a regular file")
    if not os.access(path, os.R_OK):
        raise InputError(f"{shown}: cannot read (permission denied)")
    if st.st_size == 0:
        raise InputError(f"{shown}: empty file (0 bytes), nothing to archive")


def _store(
    archive: Workspace, path: Path, shown: str, progress: Progress | None
) -> tuple[str, int]:
    try:
        with open(path, "rb") as src:

            def chunks() -> Iterator[bytes]:
                while chunk := src.read(4 * 1024 * 1024):
                    if progress:
                        progress(shown, len(chunk))
                    yield chunk

            sha, size = archive.blobs.put_chunks(chunks())
    except OSError as exc:
        raise InputError(f"{shown}: cannot read ({exc.strerror or exc})") from None
    if size == 0:
        raise InputError(f"{shown}: empty file (0 bytes), nothing to archive")
    return sha, size


@dataclass
class _Prepared:
    kind: str
    mime: str | None
    metadata: dict[str, Any]
    media_error: str | None
    subject: Subject
    derived: list[tuple[Derivation[Any], Any]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (derivation, error)


def _prepare(
    archive: Workspace,
    sha: str,
    result: IngestResult,
    content_type: str | None,
    signatures: bool = True,
    blob: Path | None = None,
) -> _Prepared:
    """Slow work outside the write lock: type, metadata, then every derivation that applies.

    With signatures=False the deferrable derivations (perceptual hashing) are left for
    `rehash`. A derivation that fails is told on the result and logged with the item.
    `blob`: a local copy of the stored bytes, where the caller fetched one.
    """
    blob = blob or archive.blobs.local_path(sha)
    kind, mime = detect_kind(blob, content_type=content_type, name=result.original_name)
    result.kind = kind
    mismatch = extension_mismatch(result.original_name, kind, mime)
    if mismatch:
        _warn(result, f"{result.input}: {mismatch}")
    metadata: dict[str, Any] = {}
    media_error = None
    try:
        metadata = probe(blob, kind)
    except MediaUnreadable as exc:
        media_error = _without_blob_path(
            str(exc).split(": ", 1)[-1], blob, result.original_name or "the file"
        )
        _warn(
            result,
            f"{result.input}: {media_error}; archived as a file, flagged as unreadable media",
        )
    if credentials := c2pa_notice(metadata):  # stored in the metadata the custody entry hashes
        _warn(result, f"{result.input}: {credentials}")
    subject = Subject(sha, kind, mime, blob, result.input, metadata, media_error is None)
    prepared = _Prepared(kind, mime, metadata, media_error, subject)
    for derivation in derivations.active():
        if (derivation.deferrable and not signatures) or not derivation.applies(subject):
            continue
        try:
            prepared.derived.append((derivation, derivation.derive(archive, subject)))
        except CorroborateError as exc:
            _told(result, derivation, subject, exc, "derive")
            prepared.failed.append((derivation.name, str(exc)))
    return prepared


def _told(
    result: IngestResult,
    derivation: Derivation[Any],
    subject: Subject,
    exc: Exception,
    stage: Stage,
) -> None:
    """A failed derivation on the result, as the derivation words it (warning or note)."""
    failure = derivation.failure(subject, exc, stage)
    if failure.warning:
        _warn(result, failure.message)
    else:
        result.notes.append(failure.message)


def _without_blob_path(message: str, blob: Path, name: str) -> str:
    """FFmpeg names the file it read, the blob (perhaps cut short): show the user's name."""
    path = str(blob)
    start = message.find(path[:16])
    if start < 0:
        return message.replace(blob.name, name)
    end = start
    while end < len(message) and end - start < len(path) and message[end] == path[end - start]:
        end += 1
    return message[:start] + name + message[end:]


def _insert_item(
    session: Any,
    prepared: _Prepared,
    item_id: str,
    sha: str,
    size: int,
    result: IngestResult,
    actor: str,
) -> None:
    session.add(
        ItemRow(
            id=item_id,
            sha256=sha,
            size=size,
            kind=prepared.kind,
            mime=prepared.mime,
            original_name=result.original_name or "",
            archived_at=utcnow(),
            archived_by=actor,
            media_readable=prepared.media_error is None,
            media_error=prepared.media_error,
            metadata_json=prepared.metadata,
        )
    )
    session.flush()


def _log_metadata(session: Any, prepared: _Prepared, sha: str, actor: str) -> None:
    meta_json = canonical_json(prepared.metadata)
    log.append(
        session,
        actor=actor,
        action="media.metadata",
        subject_sha256=sha,
        details={
            "kind": prepared.kind,
            "mime": prepared.mime,
            "metadata_sha256": hashlib.sha256(meta_json.encode()).hexdigest(),
            "media_readable": prepared.media_error is None,
            "media_error": prepared.media_error,
        },
    )


def _store_derived(session: Any, prepared: _Prepared, item_id: str, actor: str) -> None:
    """Each derivation's rows and custody entry, and each failure's, in the ingest transaction."""
    sha = prepared.subject.sha256
    for name, error in prepared.failed:
        derivations.log_failure(
            session, name, error, sha256=sha, item_id=item_id, stage="derive", actor=actor
        )
    for derivation, derived in prepared.derived:
        derivation.store(session, item_id, prepared.subject, derived, actor=actor)


def _after_commit(
    archive: Archive, prepared: _Prepared, item_id: str, result: IngestResult, actor: str
) -> None:
    """Work that needs the item committed (matching); a failure leaves it archived, logged."""
    for derivation, derived in prepared.derived:
        try:
            result.notes.extend(
                derivation.after_commit(archive, item_id, prepared.subject, derived, actor=actor)
            )
        except (CorroborateError, SQLAlchemyError, OSError) as exc:  # archived all the same
            _told(result, derivation, prepared.subject, exc, "after_commit")
            with archive.write() as session:
                derivations.log_failure(
                    session,
                    derivation.name,
                    str(exc),
                    sha256=prepared.subject.sha256,
                    item_id=item_id,
                    stage="after_commit",
                    actor=actor,
                )
