"""What every command shares: finding the archive, the actor, JSON output and one-line errors."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from corroborate.errors import CorroborateError

console = Console()
err_console = Console(stderr=True)

ArchiveOption = typer.Option(
    None,
    "--archive",
    "-A",
    envvar="CORROBORATE_ARCHIVE",
    help="Archive folder (default ./corroborate-archive).",
)
AsOption = typer.Option(
    None, "--as", envvar="CORROBORATE_USER", help="Who is acting (default: the login name)."
)
JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON.")


def archive_path(archive: Path | None) -> Path:
    """The archive folder chosen by --archive, CORROBORATE_ARCHIVE, or the default."""
    return Path(archive) if archive else Path("corroborate-archive")


def actor_name(as_user: str | None) -> str:
    """The actor a write is recorded under."""
    if as_user:
        return as_user
    for var in ("CORROBORATE_USER", "USER", "LOGNAME"):
        if os.environ.get(var):
            return os.environ[var]
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name at all, e.g. in a bare container
        return "unknown"


def to_jsonable(value: Any) -> Any:
    """Dataclasses, dates and bytes made JSON-friendly."""
    if is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Path):
        return str(value)
    return value


def print_json(value: Any) -> None:
    """Print one JSON document to stdout."""
    sys.stdout.write(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2) + "\n")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line error to stderr and return the Exit to raise."""
    err_console.print(
        f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True, emoji=False
    )
    return typer.Exit(code)


F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(func: F) -> F:
    """Turn a CorroborateError into one line on stderr and its exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CorroborateError as exc:
            raise fail(str(exc), exc.exit_code) from None

    return wrapper  # type: ignore[return-value]
