"""CLI: the custody log (head, log, prove, consistency, anchor, trust-tsa, rotate-key, ...)."""

from __future__ import annotations

from pathlib import Path

import typer

from corroborate.cli.common import (
    ARCHIVE_OPTION,
    AS_OPTION,
    JSON_OPTION,
    Table,
    actor_name,
    console,
    err_console,
    escape,
    handles_errors,
    open_archive,
    print_json,
)
from corroborate.custody import current_head, entries, prove
from corroborate.custody.anchor import anchor, export_anchor
from corroborate.custody.keys import fingerprint
from corroborate.custody.rotation import rotate, schedule
from corroborate.custody.trust import trust_tsa, trusted_tsas
from corroborate.custody.verify import check_consistency, earlier_head
from corroborate.errors import IntegrityError
from corroborate.report import shapes
from corroborate.storage.archive import Archive

custody_app = typer.Typer(help="The append-only, signed custody log.", no_args_is_help=True)


@custody_app.command("head")
@handles_errors
def head_cmd(archive: Path | None = ARCHIVE_OPTION, json_out: bool = JSON_OPTION) -> None:
    """The current signed tree head, to publish or pin, with the signing key's fingerprint."""
    opened = open_archive(archive)
    head = current_head(opened)
    fingerprint = key_fingerprint(opened, head.key_id)
    if json_out:
        print_json(shapes.signed_head(head, fingerprint))
        return
    # the timestamp exactly as signed, so a copied head checks against signed_bytes()
    console.print(f"tree_size        {head.tree_size}", highlight=False)
    console.print(f"root_hash        {head.root_hash}", highlight=False)
    console.print(f"timestamp        {head.timestamp_text}", highlight=False)
    console.print(f"key_id           {head.key_id}", highlight=False)
    console.print(
        f"key_fingerprint  {fingerprint or 'unknown (public key not in keys/)'}", highlight=False
    )
    console.print(f"signature        {head.signature}", highlight=False, soft_wrap=True)


@custody_app.command("log")
@handles_errors
def log_cmd(
    subject: str | None = typer.Option(None, "--subject", help="Only entries about this SHA-256."),
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Every custody entry, oldest first."""
    rows = entries(open_archive(archive), subject_sha256=subject)
    if json_out:
        print_json(shapes.custody_log(rows))
        return
    table = Table(title=f"{len(rows)} custody entries", whole=("seq", "subject"))
    for col in ("seq", "time (UTC)", "actor", "OS login", "action", "subject"):
        table.add_column(col)
    for e in rows:
        table.add_row(
            str(e.seq),
            e.time.strftime("%Y-%m-%d %H:%M:%S"),
            e.actor,
            e.os_login or "",
            e.action,
            (e.subject_sha256 or "")[:16],
        )
    console.print(table)


@custody_app.command("prove")
@handles_errors
def prove_cmd(
    entry: int = typer.Argument(..., help="Sequence number of the custody entry."),
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Inclusion proof (RFC 6962) of one entry against the current signed head."""
    proof = prove(open_archive(archive), entry)
    if not proof.verify():
        raise IntegrityError(f"custody entry {entry}: the proof does not verify; run `verify`")
    if json_out:
        print_json(proof)
        return
    console.print(
        f"custody entry {entry} ({proof.entry.action}) is leaf {proof.leaf_index} of the log "
        f"under signed head {proof.tree_size} (root {proof.head.root_hash}, key "
        f"{proof.head.key_id}); audit path of {len(proof.audit_path)} hashes checks out. "
        "Use --json for the proof itself.",
        highlight=False,
        soft_wrap=True,
    )


@custody_app.command("consistency")
@handles_errors
def consistency_cmd(
    old_head: str = typer.Argument(
        ..., help="An earlier head: a JSON file from `custody head --json`, or SIZE:ROOT."
    ),
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Prove that an earlier published head is a prefix of today's log, saying what was checked.

    Exit 0 only when an earlier root was compared and held; 1 when something failed or
    nothing could be compared (a size without a root, or size 0).
    """
    result = check_consistency(open_archive(archive), earlier_head(old_head))
    if json_out:
        print_json(shapes.consistency(result))
    else:
        for line in result.checked:
            console.print(f"[green]checked[/] {escape(line)}", highlight=False, soft_wrap=True)
        for line in result.not_checked:
            err_console.print(
                f"[yellow]not checked[/] {escape(line)}", highlight=False, soft_wrap=True
            )
        for line in result.problems:
            err_console.print(f"[bold red]FAIL[/] {escape(line)}", highlight=False, soft_wrap=True)
        if result.verified:
            console.print("[bold green]OK[/] the earlier head is a prefix of today's log")
        elif not result.problems:
            err_console.print("[bold red]not verified[/]: nothing was compared")
    if not result.verified:
        raise typer.Exit(1)


@custody_app.command("anchor")
@handles_errors
def anchor_cmd(
    tsa: str = typer.Option(..., "--tsa", help="RFC 3161 timestamp authority URL."),
    trust_ca: Path | None = typer.Option(
        None, "--trust-ca", help="Also trust this CA certificate (PEM) for timestamps, now."
    ),
    archive: Path | None = ARCHIVE_OPTION,
    as_user: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Obtain an RFC 3161 timestamp over the current signed head from a trusted TSA; store it."""
    result = anchor(open_archive(archive), tsa, actor=actor_name(as_user), trust_ca=trust_ca)
    if json_out:
        print_json(result)
        return
    console.print(
        f"Timestamp token {result.id}: tree head {result.tree_size} at "
        f"{result.gen_time.isoformat()} by {escape(result.tsa)}",
        highlight=False,
    )


@custody_app.command("trust-tsa")
@handles_errors
def trust_tsa_cmd(
    ca: Path = typer.Argument(..., help="The TSA's CA certificate (PEM or DER)."),
    name: str | None = typer.Option(None, "--name", help="A label, e.g. the TSA's name."),
    archive: Path | None = ARCHIVE_OPTION,
    as_user: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Trust a timestamp authority's CA; recorded as a signed custody entry."""
    added = trust_tsa(open_archive(archive), ca, name=name, actor=actor_name(as_user))
    if json_out:
        print_json(shapes.tsas_added(added))
        return
    for t in added:
        console.print(
            f"Trusted {escape(t.name)} ({escape(t.subject)}), SHA-256 {t.sha256}, "
            f"custody entry {t.seq}",
            highlight=False,
            soft_wrap=True,
        )


@custody_app.command("trusted-tsas")
@handles_errors
def trusted_tsas_cmd(archive: Path | None = ARCHIVE_OPTION, json_out: bool = JSON_OPTION) -> None:
    """The timestamp CAs this archive trusts, as its custody log records them."""
    found = trusted_tsas(open_archive(archive))
    if json_out:
        print_json(shapes.tsas_trusted(found))
        return
    table = Table(title=f"{len(found)} trusted timestamp CAs")
    for col in ("entry", "name", "subject", "SHA-256", "valid until"):
        table.add_column(col, overflow="fold")
    for t in found:
        table.add_row(str(t.seq), t.name, t.subject, t.sha256, t.not_after.strftime("%Y-%m-%d"))
    console.print(table)


@custody_app.command("rotate-key")
@handles_errors
def rotate_key_cmd(
    archive: Path | None = ARCHIVE_OPTION,
    as_user: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Hand the custody log over to a new signing key, signed by the current one."""
    result = rotate(open_archive(archive), actor=actor_name(as_user))
    if json_out:
        print_json(result)
        return
    console.print(
        f"Custody entry {result.seq}: key {result.old_key_id} handed over to "
        f"{result.new_key_id} (fingerprint {result.new_fingerprint})",
        highlight=False,
    )


@custody_app.command("export-anchor")
@handles_errors
def export_anchor_cmd(
    token: int = typer.Argument(..., help="Timestamp token id."),
    out: Path = typer.Option(Path("."), "--out", help="Folder to write into."),
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Write a token and the head it covers, for `openssl ts -verify`."""
    exported = export_anchor(open_archive(archive), token, out)
    command = exported.openssl_command()
    if json_out:
        print_json(shapes.exported_anchor(exported.data, exported.token, exported.ca, command))
        return
    for path in (exported.data, exported.token, exported.ca):
        if path is not None:
            console.print(escape(str(path)), highlight=False, soft_wrap=True)
    console.print(f"Check with: {escape(command)}", highlight=False, soft_wrap=True)


def key_fingerprint(opened: Archive, key_id: str) -> str | None:
    """The fingerprint of a key the archive knows (in force, retired, or handed over to)."""
    with opened.session() as session:
        public = schedule(opened, session).public.get(key_id)
    return fingerprint(public) if public is not None else None


def register(app: typer.Typer) -> None:
    app.add_typer(custody_app, name="custody")
