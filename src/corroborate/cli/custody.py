"""CLI: the custody log (head, log, prove, consistency, anchor, export-anchor)."""

from __future__ import annotations

from pathlib import Path

import typer

from corroborate.cli.archive import open_archive
from corroborate.cli.common import (
    ArchiveOption,
    AsOption,
    JsonOption,
    Table,
    actor_name,
    console,
    escape,
    handles_errors,
    print_json,
)
from corroborate.custody import consistency, current_head, entries, prove
from corroborate.custody.anchor import anchor, export_anchor
from corroborate.errors import InputError

custody_app = typer.Typer(help="The append-only, signed custody log.", no_args_is_help=True)


@custody_app.command("head")
@handles_errors
def head_cmd(archive: Path | None = ArchiveOption, json_out: bool = JsonOption) -> None:
    """The current signed tree head, to publish or pin."""
    head = current_head(open_archive(archive))
    if json_out:
        print_json(head)
        return
    console.print(f"tree_size  {head.tree_size}")
    console.print(f"root_hash  {head.root_hash}")
    console.print(f"timestamp  {head.timestamp.isoformat()}")
    console.print(f"key_id     {head.key_id}")
    console.print(f"signature  {head.signature}")


@custody_app.command("log")
@handles_errors
def log_cmd(
    subject: str | None = typer.Option(None, "--subject", help="Only entries about this SHA-256."),
    archive: Path | None = ArchiveOption,
    json_out: bool = JsonOption,
) -> None:
    """Every custody entry, oldest first."""
    rows = entries(open_archive(archive), subject_sha256=subject)
    if json_out:
        print_json({"entries": rows})
        return
    table = Table(title=f"{len(rows)} custody entries", whole=("seq", "subject"))
    for col in ("seq", "time (UTC)", "actor", "action", "subject"):
        table.add_column(col)
    for e in rows:
        table.add_row(str(e.seq), e.time.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action,
                      (e.subject_sha256 or "")[:16])
    console.print(table)


@custody_app.command("prove")
@handles_errors
def prove_cmd(
    entry: int = typer.Argument(..., help="Sequence number of the custody entry."),
    archive: Path | None = ArchiveOption,
) -> None:
    """Inclusion proof (RFC 6962) of one entry against the current signed head, as JSON."""
    proof = prove(open_archive(archive), entry)
    if not proof.verify():
        raise InputError(f"custody entry {entry}: the proof does not verify; run `verify`")
    print_json(proof)


@custody_app.command("consistency")
@handles_errors
def consistency_cmd(
    old_head: str = typer.Argument(
        ..., help="An earlier head: a JSON file from `custody head --json`, or SIZE[:ROOT]."
    ),
    archive: Path | None = ArchiveOption,
) -> None:
    """Prove that an earlier published head is a prefix of today's log."""
    size, root = _parse_head(old_head)
    proof = consistency(open_archive(archive), size, root)
    ok = proof.verify()
    print_json({"verified": ok, **proof.__dict__})
    if not ok:
        raise typer.Exit(1)


def _parse_head(spec: str) -> tuple[int, str | None]:
    import json

    path = Path(spec)
    if path.exists():
        try:
            data = json.loads(path.read_text())
            return int(data["tree_size"]), str(data["root_hash"])
        except (ValueError, KeyError, TypeError):
            raise InputError(f"{spec}: not a tree head from `custody head --json`") from None
    size, _, root = spec.partition(":")
    if not size.isdigit():
        raise InputError(f"{spec}: give a head file or SIZE[:ROOT]")
    return int(size), root or None


@custody_app.command("anchor")
@handles_errors
def anchor_cmd(
    tsa: str = typer.Option(..., "--tsa", help="RFC 3161 timestamp authority URL."),
    archive: Path | None = ArchiveOption,
    as_user: str | None = AsOption,
    json_out: bool = JsonOption,
) -> None:
    """Obtain an RFC 3161 timestamp over the current signed tree head and store it."""
    result = anchor(open_archive(archive), tsa, actor=actor_name(as_user))
    if json_out:
        print_json(result)
        return
    console.print(
        f"Timestamp token {result.id}: tree head {result.tree_size} at "
        f"{result.gen_time.isoformat()} by {escape(result.tsa)}"
    )


@custody_app.command("export-anchor")
@handles_errors
def export_anchor_cmd(
    token: int = typer.Argument(..., help="Timestamp token id."),
    out: Path = typer.Option(Path("."), "--out", help="Folder to write into."),
    archive: Path | None = ArchiveOption,
) -> None:
    """Write a token and the head it covers, for `openssl ts -verify`."""
    data, tsr = export_anchor(open_archive(archive), token, out)
    console.print(escape(f"{data}\n{tsr}"))
    console.print(
        escape(f"Check with: openssl ts -verify -data {data} -in {tsr} -CAfile TSA_CA.pem "
               "-untrusted TSA_CERT.pem"),
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.add_typer(custody_app, name="custody")
