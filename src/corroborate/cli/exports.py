"""CLI: `export` (incidents, evidence packages) and `verify-package`."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from corroborate.cli.common import (
    ARCHIVE_OPTION,
    AS_OPTION,
    JSON_OPTION,
    actor_name,
    console,
    err_console,
    escape,
    handles_errors,
    min_status_option,
    open_archive,
    print_json,
    progress_bar,
)
from corroborate.report import shapes

export_app = typer.Typer(help="Export incidents (CSV, JSON Lines, GeoJSON) or evidence packages.")


@export_app.command("incidents")
@handles_errors
def export_incidents_cmd(
    format: str = typer.Option("csv", "--format", help="csv, jsonl or geojson."),
    out: Path | None = typer.Option(None, "--out", help="Write here (default: stdout)."),
    min_status: str | None = min_status_option(
        None, "Export only incidents at or above it (default: any)."
    ),
    include_sensitive: bool = typer.Option(
        False,
        "--include-sensitive",
        help="Also export incidents marked sensitive (left out by default).",
    ),
    as_user: str | None = AS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = typer.Option(
        False, "--json", help="Print what was exported (and what left out) as JSON."
    ),
) -> None:
    """Export incidents for other tools (the export is logged with its SHA-256).

    Incidents marked sensitive are left out unless --include-sensitive; CSV cells a spreadsheet
    would run as a formula (starting = + - @) are written with a leading '.
    """
    from corroborate.report import export_incidents

    done = export_incidents(
        open_archive(archive),
        format,
        actor=actor_name(as_user),
        min_status=min_status,
        include_sensitive=include_sensitive,
        out=out,
    )
    left = done.sensitive_left_out
    if json_out:
        print_json(shapes.incident_export(done))
    elif out is None:
        text = done.text
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        console.print(f"Wrote {escape(str(out))}: {len(done.incidents)} incidents", highlight=False)
    if left and not json_out:
        err_console.print(
            f"note: {left} incident{'s' if left != 1 else ''} marked sensitive left out "
            "(--include-sensitive to export them)",
            highlight=False,
        )


@export_app.command("package")
@handles_errors
def export_package_cmd(
    incident: str = typer.Argument(...),
    out: Path = typer.Option(..., "--out", help="The zip file to write, e.g. case.zip."),
    force: bool = typer.Option(False, "--force", help="Replace --out if it already exists."),
    as_user: str | None = AS_OPTION,
    archive: Path | None = ARCHIVE_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Write an evidence package a court can check offline."""
    from corroborate.report import build_package

    with progress_bar("packaging", quiet=json_out, bytes_=True) as progress:
        summary = build_package(
            open_archive(archive), incident, out, actor=actor_name(as_user), force=force,
            progress=progress,
        )  # fmt: skip
    if json_out:
        print_json(summary)
    else:
        console.print(
            f"Wrote {escape(str(summary.path))}: {summary.files} files, {summary.proofs} custody "
            f"proofs, {summary.timestamp_tokens} timestamp tokens under log head "
            f"{summary.tree_size} ({summary.root_hash[:16]}…); SHA-256 {summary.sha256}",
            highlight=False,
        )
        console.print(f"key fingerprint {summary.key_fingerprint}", highlight=False)


@handles_errors
def verify_package_cmd(
    package: Path = typer.Argument(..., help="An evidence package (.zip)."),
    key: Path | None = typer.Option(
        None,
        "--key",
        help="The archive's public key (PEM, e.g. custody.pub) or a file holding its "
        "SHA-256 fingerprint: the head must be signed by it.",
    ),
    fingerprint: str | None = typer.Option(
        None, "--fingerprint", help="The archive key's SHA-256 fingerprint (64 hex), pinned."
    ),
    tsa_ca: Path | None = typer.Option(
        None, "--tsa-ca", help="CA certificate(s) (PEM) of the timestamp authorities you trust."
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """Check an evidence package offline; names every altered, added or missing file."""
    from corroborate.report import verify_package
    from corroborate.report.trust import package_trust

    trust = package_trust(key, fingerprint, tsa_ca)
    with progress_bar("checking", quiet=json_out, bytes_=True) as progress:
        check = verify_package(
            package, key=trust.key, tsa_ca_pem=trust.tsa_ca_pem, progress=progress
        )
    if json_out:
        print_json(shapes.package_check(check))
    else:
        for p in check.problems:
            console.print(
                f"[red]{escape(p.kind)}[/] {escape(p.message)}", highlight=False, soft_wrap=True
            )
        if check.ok:
            console.print(
                f"[green]OK[/] {escape(str(package))}: {check.files_checked} files and "
                f"{check.proofs_checked} custody proofs check out under log head "
                f"{check.tree_size} signed by key {check.key_fingerprint}"
                + (" (pinned)" if check.key_pinned else ""),
                highlight=False,
                soft_wrap=True,
            )
        for t in check.timestamps:
            console.print(
                f"timestamp: the log's first {t.tree_size} entries existed by "
                f"{t.gen_time:%Y-%m-%d %H:%M:%S} UTC, says {escape(t.tsa)}"
                + ("" if t.tsa_trusted else " (TSA not checked against a CA you trust)"),
                highlight=False,
                soft_wrap=True,
            )
        for note in check.notes:
            console.print(f"note: {escape(note)}", highlight=False, soft_wrap=True)
    if not check.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the `export` group and the `verify-package` command to the main app."""
    app.add_typer(export_app, name="export")
    app.command("verify-package")(verify_package_cmd)
