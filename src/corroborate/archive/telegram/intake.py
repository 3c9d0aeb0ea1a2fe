"""Ingest a Telegram Desktop channel export post by post.

Each post's media file is archived (an item, or a sighting of one already held) with a sighting
that carries the channel, the post id, its t.me link (when the channel's username is known:
the export does not record it, the user gives it with `--url https://t.me/<username>`), the
post's UTC time, its caption and where it was forwarded from. Its text (a text-only post's
too) is archived as a small text report headed with the channel, post and date, so the claims
reader reads it with the post's date as the reference date and the post as its source.

Resumable: every archived part of a post is recorded (`telegram_posts`) in the transaction of
its sighting, so a post already done is skipped by its identity (channel id, post id) without
its file being read again. One bad post is reported with its id and the rest go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from corroborate.archive.fetch import is_url
from corroborate.archive.ingest import (
    INPUT_READERS,
    FileWork,
    IngestResult,
    StoredTask,
    adopt,
    archive_stored,
    not_archived,
    stored_work,
)
from corroborate.archive.models import ItemRow, SightingRow, TelegramPostRow
from corroborate.archive.telegram.export import (
    CHUNK,
    BadPost,
    Channel,
    Entry,
    Export,
    ExportFiles,
    Post,
    Skipped,
    find_export,
    html_channel,
    html_posts,
    json_posts,
    read_json_header,
)
from corroborate.archive.workers import Workers
from corroborate.crashpoints import crash_point
from corroborate.errors import CorroborateError, InputError
from corroborate.storage.archive import Archive

PostProgress = Callable[[int, int | None], None]  # (posts done, posts in the export or None)
Emit = Callable[[IngestResult], None]


@dataclass
class ExportSummary:
    """What an export's ingest did, counted (the per-file results go to `emit`)."""

    export: str
    channel: str = ""
    posts: int = 0  # messages read
    already: int = 0  # parts of posts skipped as already archived
    media: int = 0  # media files archived (new items or sightings)
    texts: int = 0  # post texts archived as reports
    service: int = 0  # service messages (no post)
    failed: int = 0  # bad posts and files not archived


def ingest_exports_among(
    archive: Archive,
    inputs: list[str],
    emit: Emit,
    *,
    actor: str,
    source: str | None = None,
    signatures: bool = True,
    url: str | None = None,
    posts: PostProgress | None = None,
    workers: Workers[Any] | None = None,
) -> list[str]:
    """Ingest the Telegram exports among `inputs`; return the other inputs, for ingest as files.

    `url` (`https://t.me/<username>`) names the channel when one export is given; `workers`:
    where the media files' work runs (`ingest_export`)."""
    rest: list[str] = []
    for spec in inputs:
        if is_url(spec):
            rest.append(spec)
            continue
        try:
            export = find_export(spec)
        except CorroborateError as exc:
            emit(IngestResult(input=spec, error=str(exc)))
            continue
        if export is None:
            rest.append(spec)
            continue
        try:
            ingest_export(
                archive,
                export,
                emit,
                actor=actor,
                source=source,
                signatures=signatures,
                username=url,
                posts=posts,
                workers=workers,
            )
        except CorroborateError as exc:
            emit(IngestResult(input=spec, error=str(exc)))
        finally:
            export.files.close()
    return rest


def ingest_export(
    archive: Archive,
    export: Export,
    emit: Emit,
    *,
    actor: str,
    source: str | None = None,
    signatures: bool = True,
    username: str | None = None,
    posts: PostProgress | None = None,
    workers: Workers[Any] | None = None,
) -> ExportSummary:
    """Archive the export's own files, then every post's media and text; see the module doc.

    The media files' slow work (probing, keyframes, signatures) runs on `workers` (every core
    of this machine by default, or a Dask cluster) while the posts are recorded here, in
    order, by the archive's single writer: the custody log is the one a post-by-post ingest
    writes."""
    files = export.files
    summary = ExportSummary(export=files.label)
    total: int | None = None
    broken: str | None = None
    if export.form == "json":
        header = read_json_header(files, username)
        channel, total, broken = header.channel, header.messages, header.broken
    else:
        channel = html_channel(files, username)
    summary.channel = channel.label
    label = source or f"Telegram {channel.label}"
    context = _archive_export_files(archive, export, channel, emit, actor=actor, source=label)
    with archive.session() as session:
        done = {
            (post_id, part)
            for post_id, part in session.execute(
                select(TelegramPostRow.post_id, TelegramPostRow.part).where(
                    TelegramPostRow.channel_key == channel.key
                )
            )
        }
    worked = _media_work(archive, export, channel, done, signatures, workers or Workers())
    shown_page = "result.json"
    try:
        for page, entry in _entries(export):
            shown_page = page
            summary.posts += 1
            _one_entry(
                archive,
                files,
                channel,
                page,
                entry,
                done,
                context,
                summary,
                emit,
                actor=actor,
                source=label,
                signatures=signatures,
                worked=worked,
            )
            if posts is not None:
                posts(summary.posts, total)
            crash_point(f"telegram-post-{summary.posts}")
    except CorroborateError as exc:
        summary.failed += 1
        emit(IngestResult(input=f"{files.label}/{shown_page}", error=str(exc)))
    except Exception as exc:
        if type(exc).__module__.startswith("ijson"):
            summary.failed += 1
            emit(
                IngestResult(
                    input=f"{files.label}/{shown_page}",
                    error=f"{files.label}/{shown_page}: {broken or f'malformed JSON ({exc})'}; "
                    f"the {summary.posts:,} messages before it were read, none after",
                )
            )
        else:
            raise
    return summary


def _new_media(export: Export, done: set[tuple[int, str]]) -> Iterator[tuple[str, str, str]]:
    """(shown, file, name) of each post's media not archived yet, in the order the posts are
    recorded; a page that cannot be read ends the list where the recording will stop too."""
    try:
        for page, entry in _entries(export):
            if isinstance(entry, Post) and entry.media is not None:
                if (entry.id, "media") not in done:
                    shown = f"{export.files.label}/{page}: post {entry.id}"
                    yield shown, entry.media, _media_name(entry)
    except CorroborateError:
        return
    except Exception as exc:
        if not type(exc).__module__.startswith("ijson"):
            raise


def _media_work(
    archive: Archive,
    export: Export,
    channel: Channel,
    done: set[tuple[int, str]],
    signatures: bool,
    workers: Workers[Any],
) -> Iterator[FileWork] | None:
    """The new media files' work on `workers`, post by post; None when it is better done as
    each post is recorded (few or small files, one core)."""
    files = export.files
    parts = list(_new_media(export, done))
    size = 0
    for _, rel, _ in parts:
        with suppress(CorroborateError, OSError):
            size += files.size(rel)

    def stored() -> Iterator[StoredTask]:
        for shown, rel, name in parts:
            try:
                sha, got = _store_media(archive, files, rel, shown)
            except Exception as exc:
                yield StoredTask(shown, name, error=_part_error(shown, exc), signatures=signatures)
                continue
            yield StoredTask(shown, name, sha, got, signatures=signatures)

    return stored_work(archive, workers, stored(), len(parts), size)


def _store_media(archive: Archive, files: ExportFiles, rel: str, shown: str) -> tuple[str, int]:
    with files.open(rel) as src:
        sha, size = archive.blobs.put_chunks(_chunks(src))
    if size == 0:
        raise InputError(f"{shown}: empty file (0 bytes), nothing to archive")
    return sha, size


def _part_error(shown: str, exc: Exception) -> str:
    """How a part that was not archived is told (an error not of ours is raised)."""
    if isinstance(exc, InputError):  # the export's file (missing, outside it, unreadable)
        told = str(exc)
        return told if told.startswith(shown) else f"{shown}: {told}"
    error = not_archived(shown, exc)
    if error is None:
        raise exc
    return str(error)


def _media_name(post: Post) -> str:
    return (post.media or "").replace("\\", "/").rsplit("/", 1)[-1] or f"post-{post.id}"


def _entries(export: Export) -> Iterator[tuple[str, Entry]]:
    if export.form == "json":
        for entry in json_posts(export.files):
            yield "result.json", entry
        return
    for page in export.pages:
        for entry in html_posts(export.files, page):
            yield page, entry


def _one_entry(
    archive: Archive,
    files: ExportFiles,
    channel: Channel,
    page: str,
    entry: Entry,
    done: set[tuple[int, str]],
    context: dict[str, str],
    summary: ExportSummary,
    emit: Emit,
    *,
    actor: str,
    source: str,
    signatures: bool,
    worked: Iterator[FileWork] | None,
) -> None:
    where = f"{files.label}/{page}: post"
    if isinstance(entry, Skipped):
        summary.service += 1
        return
    if isinstance(entry, BadPost):
        summary.failed += 1
        ident = f" {entry.id}" if entry.id is not None else " (no id)"
        emit(IngestResult(input=f"{where}{ident}", error=f"{where}{ident}: {entry.problem}"))
        return
    post = entry
    shown = f"{where} {post.id}"
    if post.media is not None:
        if (post.id, "media") in done:
            summary.already += 1
        else:
            result = _archive_part(
                archive,
                files,
                channel,
                post,
                "media",
                context,
                shown=shown,
                actor=actor,
                source=source,
                signatures=signatures,
                work=next(worked) if worked is not None else None,
            )
            summary.media += result.error is None
            summary.failed += result.error is not None
            emit(result)
    elif post.media_missing is not None:
        summary.failed += 1
        emit(
            IngestResult(
                input=shown,
                warning=f"{shown}: its {post.media_type or 'file'} is not in the export "
                f"({post.media_missing}); only its text is archived",
            )
        )
    if post.text.strip():
        if (post.id, "text") in done:
            summary.already += 1
        else:
            result = _archive_part(
                archive,
                files,
                channel,
                post,
                "text",
                context,
                shown=f"{shown} (text)",
                actor=actor,
                source=source,
                signatures=signatures,
            )
            summary.texts += result.error is None
            summary.failed += result.error is not None
            emit(result)


def post_report(channel: Channel, post: Post) -> str:
    """The post's text as a report: a header naming the channel, the post and its date (the
    claims reader's dateline), then the text with its entities flattened."""
    lines = [f"Telegram post {post.id} in {channel.name}" + _who(channel)]
    lines.append(f"Posted: {post.date:%Y-%m-%d %H:%M} UTC")
    if post.forward is not None:
        origin = post.forward.name or post.forward.key or "an unknown channel"
        after = f", post {post.forward.post_id}" if post.forward.post_id else ""
        lines.append(f"Forwarded from: {origin}{after}")
    link = channel.link(post.id)
    if link:
        lines.append(f"Link: {link}")
    return "\n".join(lines) + "\n\n" + post.text.strip() + "\n"


def _who(channel: Channel) -> str:
    if channel.username:
        return f" (@{channel.username})"
    return f" ({channel.key})" if channel.id is not None else ""


def _archive_part(
    archive: Archive,
    files: ExportFiles,
    channel: Channel,
    post: Post,
    part: str,
    context: dict[str, str],
    *,
    shown: str,
    actor: str,
    source: str,
    signatures: bool,
    work: FileWork | None = None,
) -> IngestResult:
    """Archive one part of a post. `work`: what a worker made of the media file (stored and
    prepared already), else it is stored and prepared here."""
    slug = channel.username or channel.key.replace("name:", "").replace("/", "_")[:40]
    if part == "text":
        name = f"telegram-{slug}-{post.id}.txt"
    else:
        name = _media_name(post)
    result = IngestResult(input=shown, original_name=name) if work is None else work.result
    prepared = None
    try:
        if part == "text":
            data = post_report(channel, post).encode("utf-8")
            sha, size = archive.blobs.put_chunks(iter([data]))
            local_path = None
            content_type: str | None = "text/plain"
        else:
            rel = post.media or ""
            if work is None:
                sha, size = _store_media(archive, files, rel, shown)
            elif result.error is not None or work.sha256 is None or work.size is None:
                result.item_id, result.new = None, False
                return result
            else:
                adopt(work)
                sha, size, prepared = work.sha256, work.size, work.prepared
            local_path = files.local_path(rel)
            content_type = None
        details = _sighting_details(files, channel, post, part, context)
        archive_stored(
            archive,
            sha,
            size,
            result,
            actor=actor,
            source=source,
            url=channel.link(post.id),
            local_path=local_path,
            published_at=post.date,
            content_type=content_type,
            extra={"telegram": details},
            signatures=signatures,
            with_sighting=lambda session, row: _mark_done(session, row, channel, post, part),
            prepared=prepared,
        )
    except Exception as exc:
        result.error = _part_error(shown, exc)
        result.item_id, result.new = None, False
    return result


def _chunks(src: Any) -> Iterator[bytes]:
    while chunk := src.read(CHUNK):
        yield chunk


def _sighting_details(
    files: ExportFiles, channel: Channel, post: Post, part: str, context: dict[str, str]
) -> dict[str, Any]:
    details: dict[str, Any] = {
        "channel": channel.name,
        "channel_id": channel.id,
        "channel_key": channel.key,
        "channel_type": channel.type,
        "username": channel.username,
        "post_id": post.id,
        "posted_at": post.date.isoformat(),
        "date_unixtime": int(post.date.timestamp()),
        "part": part,
        "export": files.label,
        "export_items": context,  # the archived result.json / HTML pages the dates come from
    }
    if part == "media":
        details.update(file=post.media, media_type=post.media_type, caption=post.text)
    if post.forward is not None:
        f = post.forward
        details.update(
            forwarded_from=f.name,
            forwarded_from_id=f.key,
            forwarded_post_id=f.post_id,
            forwarded_at=f.date.isoformat() if f.date else None,
        )
    if post.edited is not None:
        details["edited_at"] = post.edited.isoformat()
    if post.links:
        details["links"] = list(post.links)
    if post.extra:
        details["message"] = post.extra
    return details


def _mark_done(session: Any, row: SightingRow, channel: Channel, post: Post, part: str) -> None:
    f = post.forward
    session.add(
        TelegramPostRow(
            channel_key=channel.key,
            channel_name=channel.name,
            channel_username=channel.username,
            post_id=post.id,
            part=part,
            item_id=row.item_id,
            sighting_id=row.id,
            posted_at=post.date,
            forwarded_from=f.name if f else None,
            forwarded_from_key=f.key if f else None,
            forwarded_post_id=f.post_id if f else None,
            forwarded_at=f.date if f else None,
        )
    )
    session.flush()


def _archive_export_files(
    archive: Archive,
    export: Export,
    channel: Channel,
    emit: Emit,
    *,
    actor: str,
    source: str,
) -> dict[str, str]:
    """Archive result.json or the HTML pages (once per channel and content): the custody log
    then covers the context every post's date and forward were read from. Returns
    {file name: item id}."""
    files = export.files
    out: dict[str, str] = {}
    for name in export.pages:
        shown = f"{files.label}/{name}"
        result = IngestResult(input=shown, original_name=name)
        try:
            with files.open(name) as src:
                sha, size = archive.blobs.put_chunks(_chunks(src))
            with archive.session() as session:
                held = session.scalar(select(ItemRow).where(ItemRow.sha256 == sha))
                seen = held is not None and any(
                    (s.extra or {}).get("telegram_export", {}).get("channel_key") == channel.key
                    for s in held.sightings
                )
                if seen and held is not None:
                    out[name] = held.id
                    continue
            archive_stored(
                archive,
                sha,
                size,
                result,
                actor=actor,
                source=source,
                url=None,
                local_path=files.local_path(name),
                published_at=None,
                content_type="application/octet-stream",
                extra={
                    "telegram_export": {
                        "channel": channel.name,
                        "channel_key": channel.key,
                        "file": name,
                        "form": export.form,
                    }
                },
                signatures=False,
            )
        except Exception as exc:
            error = not_archived(shown, exc)
            if error is None:
                raise
            result.error = str(error)
            result.item_id = None
        if result.item_id:
            out[name] = result.item_id
        emit(result)
    return out


INPUT_READERS.append(ingest_exports_among)
