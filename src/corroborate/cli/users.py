"""`corroborate user ...`: the workspace's accounts, managed from the archive's own machine.

Whoever runs these holds the archive folder (and its signing key), so the CLI acts as a local
operator: the custody entries name the OS login (or --as), and no role is asked for.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from corroborate import accounts
from corroborate.cli.common import (
    ARCHIVE_OPTION,
    AS_OPTION,
    JSON_OPTION,
    Table,
    actor_name,
    console,
    handles_errors,
    open_archive,
    print_json,
)
from corroborate.errors import InputError

app = typer.Typer(
    help="Accounts of the web workspace: add, list, tokens for scripts.",
    no_args_is_help=True,
)

PasswordStdinOption = typer.Option(
    False,
    "--password-stdin",
    help="Read the password from the first line of standard input (for scripts).",
)


def _password(from_stdin: bool) -> str:
    """The new password: from stdin's first line, or asked twice without echo."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InputError("--password-stdin: standard input is empty")
        return line.rstrip("\r\n")
    value = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return str(value)


@app.command("add")
@handles_errors
def add_cmd(
    name: str = typer.Argument(..., help="Account name (lower-case letters, digits, . _ -)."),
    role: str = typer.Option(
        ..., "--role", help=f"One of: {', '.join(accounts.ROLES)}.", show_default=False
    ),
    password_stdin: bool = PasswordStdinOption,
    archive: Path | None = ARCHIVE_OPTION,
    as_user: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Add an account; asks for its password (twice, not shown)."""
    opened = open_archive(archive)
    accounts.check_name(name)  # before the prompt: no password typed for nothing
    accounts.check_role(role)
    user = accounts.add_user(
        opened, name, role=role, password=_password(password_stdin), by=actor_name(as_user)
    )
    if json_out:
        print_json({"user": user})
        return
    console.print(f"added {user.name} ({user.role})", markup=False, highlight=False)


@app.command("password")
@handles_errors
def password_cmd(
    name: str = typer.Argument(..., help="Account name."),
    password_stdin: bool = PasswordStdinOption,
    archive: Path | None = ARCHIVE_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Set a new password for an account (its browser sessions end)."""
    opened = open_archive(archive)
    accounts.get_user(opened, name)  # an unknown name fails before the prompt
    accounts.set_password(opened, name, _password(password_stdin), by=actor_name(as_user))
    console.print(f"password of {name} changed", markup=False, highlight=False)


@app.command("token")
@handles_errors
def token_cmd(
    name: str = typer.Argument(..., help="Account name."),
    archive: Path | None = ARCHIVE_OPTION,
    as_user: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Issue an API token for scripts (`Authorization: Bearer TOKEN`); it is shown only once."""
    token = accounts.issue_token(open_archive(archive), name, by=actor_name(as_user))
    if json_out:
        print_json({"user": name, "token": token})
        return
    sys.stdout.write(token + "\n")
    if sys.stderr.isatty():
        sys.stderr.write("keep it safe: only its hash is stored, it cannot be shown again\n")


@app.command("list")
@handles_errors
def list_cmd(
    archive: Path | None = ARCHIVE_OPTION,
    as_user: str | None = AS_OPTION,
    json_out: bool = JSON_OPTION,
) -> None:
    """Every account, its role and whether it is disabled."""
    users = accounts.list_users(open_archive(archive), by=actor_name(as_user))
    if json_out:
        print_json({"users": users})
        return
    table = Table(title=f"{len(users)} accounts")
    for col in ("name", "role", "status", "created (UTC)", "by"):
        table.add_column(col)
    for u in users:
        table.add_row(
            u.name,
            u.role,
            "disabled" if u.disabled else "active",
            u.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            u.created_by,
        )
    console.print(table)


def _set_disabled(name: str, disabled: bool, archive: Path | None, as_user: str | None) -> None:
    user = accounts.set_disabled(open_archive(archive), name, disabled, by=actor_name(as_user))
    state = "disabled" if user.disabled else "enabled"
    console.print(f"{user.name} is {state}", markup=False, highlight=False)


@app.command("disable")
@handles_errors
def disable_cmd(
    name: str = typer.Argument(..., help="Account name."),
    archive: Path | None = ARCHIVE_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Disable an account: its sessions and tokens stop working at once."""
    _set_disabled(name, True, archive, as_user)


@app.command("enable")
@handles_errors
def enable_cmd(
    name: str = typer.Argument(..., help="Account name."),
    archive: Path | None = ARCHIVE_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Enable a disabled account again."""
    _set_disabled(name, False, archive, as_user)


@app.command("remove")
@handles_errors
def remove_cmd(
    name: str = typer.Argument(..., help="Account name."),
    archive: Path | None = ARCHIVE_OPTION,
    as_user: str | None = AS_OPTION,
) -> None:
    """Delete an account and revoke its tokens (custody entries naming it stay)."""
    accounts.remove_user(open_archive(archive), name, by=actor_name(as_user))
    console.print(f"removed {name}", markup=False, highlight=False)
