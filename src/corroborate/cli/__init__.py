"""The `corroborate` command line: thin Typer commands over the library."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

try:  # typer vendors click from 0.2x on; its commands raise the vendored exceptions
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - an older typer over the real click
    from click import exceptions as click_errors  # type: ignore[no-redef]

from corroborate.cli import (
    archive,
    claims,
    custody,
    demo,
    exports,
    geo,
    imports,
    incidents,
    match,
    sources,
    tally,
    team,
)
from corroborate.cli.common import error_line
from corroborate.cli.serve import serve_cmd
from corroborate.cli.users import app as users_app


class _OneLineErrors(TyperGroup):
    """Usage errors (unknown option, missing argument) are one line on stderr and exit 2, like
    every other error, instead of a multi-line box."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            result = super().main(
                args, prog_name, complete_var, False, windows_expand_args, **extra
            )
        except click_errors.NoArgsIsHelpError as exc:
            exc.show()  # a bare group: its help
            sys.exit(exc.exit_code)
        except click_errors.ClickException as exc:
            ctx = getattr(exc, "ctx", None)
            where = ctx.command_path if ctx is not None else (prog_name or "corroborate")
            message = exc.format_message()
            if isinstance(exc, click_errors.UsageError):
                message += f" (see '{where} --help')"
            error_line(message, f"{where}: error:")
            sys.exit(exc.exit_code)
        except typer.Abort:
            error_line("aborted", "corroborate: error:")
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


app = typer.Typer(
    name="corroborate",
    cls=_OneLineErrors,
    help="Archive war footage with chain of custody, recognise reposts, record incidents, "
    "read claims and tally honestly.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("corroborate")
        except PackageNotFoundError:  # run from a source tree that was never installed
            number = "unknown (not installed)"
        sys.stdout.write(f"corroborate {number}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    show_version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """Archive war footage with chain of custody, recognise reposts, record incidents, read
    claims and tally honestly."""


# the order of this tuple is the order of `corroborate --help`
_MODULES = (
    archive,
    custody,
    match,
    incidents,
    sources,
    tally,
    exports,
    imports,
    claims,
    geo,
    demo,
    team,
)
for _module in _MODULES:
    _module.register(app)
app.add_typer(users_app, name="user")
app.command("serve")(serve_cmd)


def main() -> None:
    """Entry point of the console script."""
    app()
