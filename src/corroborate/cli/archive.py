"""CLI: init, ingest, items, show, sensitive, verify."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from corroborate.archive import IngestReport, ingest, verify_archive
from corroborate.archive.fetch import check_url
from corroborate.archive.ingest import parse_published
from corroborate.archive.telegram import describe_sighting
from corroborate.archive.workers import Workers
from corroborate.cli.common import (
    ALLOW_ADDRESS_OPTION,
    ALLOW_PRIVATE_OPTION,
    ARCHIVE_OPTION,
    AS_OPTION,
    JSON_OPTION,
    SCHEDULER_OPTION,
    WORKERS_OPTION,
    Table,
    Text,
    actor_name,
    archive_path,
    console,
    err_console,
    error_line,
    escape,
    fetch_policy,
    handles_errors,
    open_archive,
    os_login,
    print_json,
    progress_bar,
    warning_line,
)
from corroborate.custody import keys
from corroborate.custody.setup import init_archive
from corroborate.media import c2pa_notice
from corroborate.report import shapes
from corroborate.report.items import browse_items, item_detail, item_filter, set_item_sensitive


class _BytesOrPosts(DownloadColumn):
    """Bytes for files; "posts 120/20,000" for the posts of a Telegram export."""

    def render(self, task: Any) -> Any:
        if task.fields.get("posts"):
            of = f"/{int(task.total):,}" if task.total is not None else ""
            return Text(f"posts {int(task.completed):,}{of}", style="progress.download")
        return super().render(task)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


@handles_errors
def init_cmd(
    archive: Path | None = ARCHIVE_OPTION,
    database_url: str | None = typer.Option(
        None,
        "--database-url",
        help="SQLAlchemy URL, e.g. postgresql+psycopg://... (default SQLite)",
    ),
    blob_url: str | None = typer.Option(
        None, "--blob-url", help="fsspec URL for blobs, e.g. s3://bucket/prefix (default local)"
    ),
    rotate_key: bool = typer.Option(
        False,
        "--rotate-key",
        help="The database already holds an archive: hand it over to a new key (needs --old-key).",
    ),
    old_key: Path | None = typer.Option(
        None, "--old-key", help="The key in force (that archive's keys/custody.key)."
    ),
    as_user: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Create a new archive (database, blob store and custody signing key)."""
    path = archive_path(archive)
    opened = init_archive(
        path,
        database_url=database_url,
        blob_url=blob_url,
        rotate_key=rotate_key,
        old_key=old_key,
        actor=actor_name(as_user),
        os_login=os_login(),
    )
    info = shapes.archive_created(
        archive=str(path.resolve()),
        database=opened.database_url,
        blobs=opened.blob_url,
        key_id=opened.settings["key_id"],
        key_fingerprint=keys.fingerprint(keys.load_public(opened.key_dir)),
        public_key=str((opened.key_dir / "custody.pub").resolve()),
    )
    if json_out:
        print_json(info)
        return
    console.print(f"Created archive [bold]{escape(info['archive'])}[/]")
    console.print(
        f"  custody key {info['key_id']} (public key: {escape(info['public_key'])})",
        highlight=False,
        soft_wrap=True,
    )
    console.print(
        f"  key fingerprint {info['key_fingerprint']} (publish it)",
        highlight=False,
        soft_wrap=True,
    )


@handles_errors
def ingest_cmd(
    inputs: list[str] = typer.Argument(..., help="Files, folders or http(s) URLs."),
    source: str | None = typer.Option(
        None, "--source", "-s", help='Where this came from, e.g. "Telegram: @channel".'
    ),
    no_signatures: bool = typer.Option(
        False, "--no-signatures", help="Skip perceptual hashing now (run `rehash` later)."
    ),
    post_url: str | None = typer.Option(
        None,
        "--url",
        help="Where local files were posted (stored on their sightings); for a Telegram "
        "export, the channel's https://t.me/<username> (the export does not record it).",
    ),
    published: str | None = typer.Option(
        None, "--published", help="When they were published, e.g. 2024-03-14 or ISO 8601 time."
    ),
    max_size: str = typer.Option(
        "4G", "--max-size", help="Refuse downloads larger than this (e.g. 500M, 10G)."
    ),
    allow_private: bool = ALLOW_PRIVATE_OPTION,
    allow_address: list[str] = ALLOW_ADDRESS_OPTION,
    scheduler: str | None = SCHEDULER_OPTION,
    workers: int = WORKERS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
    as_user: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Archive files, folders (recursively, following symlinks) and URLs with a custody record."""
    policy = fetch_policy(allow_private, allow_address, max_size)
    published_at = parse_published(published) if published else None
    if post_url is not None:
        check_url(post_url)
    opened = open_archive(archive)
    actor = actor_name(as_user)

    def run(
        progress: Callable[[str, int], None] | None = None,
        posts: Callable[[int, int | None], None] | None = None,
    ) -> IngestReport:
        return ingest(
            opened,
            inputs,
            actor=actor,
            source=source,
            progress=progress,
            signatures=not no_signatures,
            policy=policy,
            url=post_url,
            published_at=published_at,
            posts=posts,
            workers=Workers(scheduler, workers),
        )

    show_bar = err_console.is_terminal and not json_out
    if show_bar:
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            _BytesOrPosts(),
            TransferSpeedColumn(),
            console=err_console,
            transient=True,
        ) as bar:
            task = bar.add_task("ingesting", total=_local_bytes(inputs))
            post_task: list[Any] = []

            def advance(label: str, n: int) -> None:
                bar.update(task, advance=n, description=escape(Path(label).name[:40]))

            def posts(done: int, total: int | None) -> None:
                if not post_task:
                    post_task.append(bar.add_task("Telegram posts", total=total, posts=True))
                bar.update(post_task[0], completed=done, total=total)

            report = run(advance, posts)
    else:
        report = run()
    if json_out:
        print_json(shapes.ingest(report))
    else:
        for r in report.results:
            if r.error:
                error_line(r.error)
                continue
            if r.item_id is None:  # nothing archived under this input, e.g. a folder link
                warning_line(r.warning or "")
                continue
            state = "archived" if r.new else "already archived; new sighting recorded"
            console.print(
                f"[green]{r.item_id}[/] {r.kind:<8} {_size(r.size or 0):>9}  "
                f"{escape(r.original_name or '')}  [dim]({state})[/]",
                highlight=False,
            )
            if r.warning:
                warning_line(r.warning)
            for note in r.notes:
                console.print(f"  [bold magenta]>>> {escape(note)}[/]", highlight=False)
    if report.failed:
        raise typer.Exit(1)


@handles_errors
def items_cmd(
    kind: str | None = typer.Option(
        None,
        "--kind",
        help="Only items of this kind: video, image, audio, document, webpage, other.",
    ),
    source: str | None = typer.Option(
        None, "--source", help="Only items with a sighting whose source label contains this."
    ),
    since: str | None = typer.Option(
        None, "--since", help="Only items dated on or after this day (YYYY-MM-DD, UTC)."
    ),
    until: str | None = typer.Option(
        None, "--until", help="Only items dated on or before this day (YYYY-MM-DD, UTC)."
    ),
    dated: str = typer.Option(
        "archived",
        "--dated",
        help="Which date --since/--until read: archived (first archived) or published "
        "(a sighting's publication date).",
    ),
    shares_footage: bool = typer.Option(
        False, "--shares-footage", help="Only items that share footage with another item."
    ),
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """List what is archived (sensitive items are flagged)."""
    chosen = item_filter(
        kind=kind,
        source=source,
        since=since,
        until=until,
        dated=dated,
        shares_footage=shares_footage,
    )
    listing = browse_items(open_archive(archive), chosen, actor=actor_name(None))
    items = listing.items
    if json_out:
        print_json(shapes.items(items, listing.sensitive))
        return
    table = Table(title=f"{len(items)} archived items")
    for col in ("id", "kind", "size", "name", "sightings", "archived (UTC)", "by"):
        table.add_column(col)
    for i in items:
        flag = "" if i.media_readable else " (unreadable)"
        mark = " (sensitive)" if i.id in listing.sensitive else ""
        table.add_row(
            i.id,
            Text.assemble(i.kind, (flag, "red"), (mark, "yellow")),
            _size(i.size),
            i.original_name,
            str(len(i.sightings)),
            i.archived_at.strftime("%Y-%m-%d %H:%M:%S"),
            i.archived_by,
        )
    console.print(table)


@handles_errors
def sensitive_cmd(
    item: str = typer.Argument(..., help="Item id or SHA-256 (prefix of 6+ characters)."),
    off: bool = typer.Option(False, "--off", help="Unmark it (its pictures are shown again)."),
    as_user: str | None = AS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Mark an item sensitive: the workspace blurs its pictures until someone reveals them."""
    detail = set_item_sensitive(open_archive(archive), item, not off, actor=actor_name(as_user))
    marked = detail.item
    if json_out:
        print_json(shapes.item_sensitive(marked, detail.sensitive))
        return
    state = "marked sensitive" if marked.marked_sensitive else "no longer marked sensitive"
    console.print(f"{marked.id}: {state}", highlight=False)
    for why in detail.sensitive:
        if why != "marked sensitive":
            console.print(f"  still shown sensitive: {escape(why)}", highlight=False)


@handles_errors
def show_cmd(
    item: str = typer.Argument(..., help="Item id or SHA-256 (prefix of 6+ characters)."),
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """One item: hashes, metadata, sightings and custody entries."""
    from corroborate.cli.match import render_item_footage

    detail = item_detail(open_archive(archive), item, with_pdq=json_out)
    found, log, footage = detail.item, detail.custody, detail.footage
    if json_out:
        print_json(shapes.item_detail(found, log, footage, detail.pdq, detail.sensitive))
        return
    console.print(f"[bold]{found.id}[/]  {escape(found.original_name)}", highlight=False)
    for why in detail.sensitive:
        console.print(f"  [yellow]sensitive: {escape(why)}[/]", highlight=False)
    console.print(f"  sha256   {found.sha256}")
    console.print(
        f"  kind     {found.kind} ({escape(found.mime or 'unknown type')}), {_size(found.size)}"
    )
    if not found.media_readable:
        console.print(f"  [red]media unreadable: {escape(str(found.media_error))}[/]")
    meta = found.metadata
    for key in (
        "duration_s",
        "width",
        "height",
        "frame_rate",
        "codec",
        "rotation",
        "creation_time",
        "location",
    ):
        if meta.get(key) is not None:
            console.print(f"  {key:<14} {escape(str(meta[key]))}", highlight=False)
    credentials = meta.get("c2pa")
    if isinstance(credentials, dict) and "status" in credentials:
        notice = c2pa_notice(meta)
        if notice:
            console.print(f"  [red]{escape(notice)}[/]", highlight=False)
        else:
            console.print(f"  C2PA Content Credentials {credentials['status']}", highlight=False)
        for problem in credentials.get("problems") or []:
            console.print(f"    {escape(str(problem))}", highlight=False)
    elif credentials:  # stored before their validation state was kept
        console.print("  C2PA Content Credentials present")
    if found.keyframes:
        console.print(f"  keyframes {len(found.keyframes)}")
    render_item_footage(found.id, footage)
    table = Table(title="Sightings")
    for col in ("#", "source", "url / path", "name", "published", "archived (UTC)", "by"):
        table.add_column(col)
    for s in found.sightings:
        table.add_row(
            str(s.id),
            s.source_label or "",
            s.url or s.local_path or "",
            s.original_name,
            s.published_at.strftime("%Y-%m-%d") if s.published_at else "",
            s.archived_at.strftime("%Y-%m-%d %H:%M:%S"),
            s.archived_by,
        )
    console.print(table)
    for s in found.sightings:
        if told := describe_sighting(s.extra):
            console.print(f"  sighting {s.id}: {escape(told)}", highlight=False)
    table = Table(title="Custody entries")
    for col in ("seq", "time (UTC)", "actor", "action"):
        table.add_column(col)
    for e in log:
        table.add_row(str(e.seq), e.time.strftime("%Y-%m-%d %H:%M:%S"), e.who, e.action)
    console.print(table)


@handles_errors
def verify_cmd(archive: Path | None = ARCHIVE_OPTION, json_out: bool = JSON_OPTION) -> None:
    """Re-hash every blob and check the custody log, its signatures and timestamps."""
    opened = open_archive(archive)
    with progress_bar("verifying", quiet=json_out) as progress:
        problems = verify_archive(opened, progress=progress)
    from corroborate.custody import current_head

    head = current_head(opened)
    if json_out:
        print_json(shapes.verified(problems, head))
    else:
        for p in problems:
            error_line(p.message, "FAIL")
        if not problems:
            console.print(
                f"[bold green]OK[/] every blob and all {head.tree_size} custody entries check "
                f"out (root {head.root_hash[:16]}…)"
            )
    if problems:
        raise typer.Exit(1)


def _local_bytes(inputs: list[str]) -> int | None:
    """The bytes the local files and folders among the inputs hold (the bar's real total);
    None when a URL is among them, as its size is only known once it is fetched."""
    from corroborate.archive.ingest import expand_inputs

    total = 0
    for spec in expand_inputs(inputs):
        if isinstance(spec, str):
            return None
        if not isinstance(spec, Path):  # an input already known to fail
            continue
        try:
            total += spec.stat().st_size
        except OSError:
            continue
    return total


def register(app: typer.Typer) -> None:
    """Add the archive commands to the main app."""
    app.command("init")(init_cmd)
    app.command("ingest")(ingest_cmd)
    app.command("items")(items_cmd)
    app.command("show")(show_cmd)
    app.command("sensitive")(sensitive_cmd)
    app.command("verify")(verify_cmd)
