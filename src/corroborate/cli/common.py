"""What every command shares: finding the archive, the actor, JSON output, one-line errors, and
output that treats stored text as data (never Rich markup) and never cuts an identifier."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import rich.table
import typer
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.markup import escape
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

from corroborate.core import Notice
from corroborate.errors import CorroborateError
from corroborate.net import FetchPolicy, parse_network, parse_size
from corroborate.report import shapes
from corroborate.storage.archive import Archive

__all__ = ["Table", "Text", "console", "err_console", "escape", "fail", "progress_bar"]

PLAIN_WIDTH = 100_000  # "unlimited": piped tables are as wide as their longest row


class _Console(Console):
    """Standard output: on a terminal as Rich draws it; piped, lines are never wrapped or cut."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        if not self.is_terminal:
            kwargs.setdefault("soft_wrap", True)
        super().print(*objects, **kwargs)


console: Console = _Console()
# errors and warnings are one line each, however long: never wrapped, never cut
err_console = Console(stderr=True, soft_wrap=True, highlight=False)


def _plain(value: Any) -> Any:
    """A str becomes literal Text (its brackets are data); anything else is kept as it is."""
    return Text(value) if isinstance(value, str) else value


class Table(rich.table.Table):
    """A Rich table for stored data: str cells, headers and titles are shown literally (never
    read as markup; style a cell by passing `Text(..., style=...)`). The columns named in `whole`
    (default: the first, which identifies the row) are never wrapped or cut, other columns wrap
    around them. When the output is not a terminal the table is plain and complete: no box
    drawing, no truncation, each row on one line."""

    def __init__(
        self,
        *headers: str | rich.table.Column,
        whole: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        for key in ("title", "caption"):
            if key in kwargs:
                kwargs[key] = _plain(kwargs[key])
        self._whole = whole
        super().__init__(*headers, **kwargs)

    def add_column(self, header: Any = "", *args: Any, **kwargs: Any) -> None:
        super().add_column(_plain(header), *args, **kwargs)

    def add_row(self, *renderables: RenderableType | None, **kwargs: Any) -> None:
        super().add_row(*(_plain(r) for r in renderables), **kwargs)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        plain = not console.is_terminal
        if plain:
            self.box = None
            self.pad_edge = False
            self.show_edge = False
            options = options.update_width(PLAIN_WIDTH)
            for column in self.columns:  # one row, one line: a newline in a value is a space
                column._cells = [
                    Text(" ".join(c.plain.splitlines())) if isinstance(c, Text) else c
                    for c in column._cells
                ]
        for index, column in enumerate(self.columns):
            header = column.header.plain if isinstance(column.header, Text) else str(column.header)
            if (index == 0) if self._whole is None else (header in self._whole):
                column.no_wrap = True
                longest = max(
                    (Measurement.get(console, options, cell).maximum for cell in column.cells),
                    default=0,
                )
                column.min_width = max(column.min_width or 0, longest, len(header))
            elif column.overflow == "ellipsis":
                column.overflow = "fold"  # wrapped, never cut: every character stays visible
        rendered = super().__rich_console__(console, options)
        if not plain:
            yield from rendered
            return
        for line in Segment.split_lines(s for s in rendered if isinstance(s, Segment)):
            yield Segment("".join(segment.text for segment in line).rstrip())
            yield Segment.line()


# -- options every command group shares, defined once -------------------------------------
ARCHIVE_OPTION = typer.Option(
    None,
    "--archive",
    "-A",
    envvar="CORROBORATE_ARCHIVE",
    help="Archive folder (default ./corroborate-archive).",
)
AS_OPTION = typer.Option(
    None, "--as", envvar="CORROBORATE_USER", help="Who is acting (default: the login name)."
)
JSON_OPTION = typer.Option(False, "--json", help="Print machine-readable JSON.")
NOTE_OPTION = typer.Option(None, "--note", help="Why: kept with the change in the custody log.")


def min_status_option(default: str | None, help: str) -> Any:
    """`--min-status` over the library's one status vocabulary (`any` and every status)."""
    from corroborate.incidents.statuses import STATUS_FILTERS

    words = ", ".join(STATUS_FILTERS)
    return typer.Option(default, "--min-status", help=f"{help} One of: {words}.")


def open_archive(archive: Path | None) -> Archive:
    """Open the archive the user named (or the default one) as this OS account: its login is
    recorded beside `--as` in every custody entry the command writes."""
    return Archive.open(archive_path(archive), os_login=os_login())


def os_login() -> str:
    """The OS account this process runs as, from the OS's account database, not the
    environment (`USER=bob` would make it as self-declared as `--as`). With no entry for the
    user id (a bare container) it is `uid N`; without POSIX accounts, the platform's login."""
    try:
        import pwd
    except ImportError:  # pragma: no cover - not POSIX (Windows)
        import getpass

        try:
            return getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name at all
            return "unknown"
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


# What a command that fetches URLs lets its user relax (corroborate.net refuses by default).
SCHEDULER_OPTION = typer.Option(
    None,
    "--scheduler",
    help="Run the per-file work on a Dask cluster, e.g. tcp://scheduler:8786 (its workers "
    "must see the files at the same paths and reach the blob store).",
)
WORKERS_OPTION = typer.Option(
    0,
    "--workers",
    min=0,
    help="Local worker processes without --scheduler (0: one per core for large work; "
    "1: this process only).",
)
ALLOW_PRIVATE_OPTION = typer.Option(
    False,
    "--allow-private-addresses",
    help="Let URLs reach loopback, private and link-local addresses (refused by default).",
)
ALLOW_ADDRESS_OPTION = typer.Option(
    [], "--allow-address", help="Let URLs reach this internal address or network only."
)


def fetch_policy(
    allow_private: bool, allow_address: list[str], max_size: str, *, timeout: float = 60.0
) -> FetchPolicy:
    """The fetch policy the shared URL options ask for (bad values are one-line errors)."""
    return FetchPolicy(
        allow_private=allow_private,
        allowed_networks=tuple(parse_network(a) for a in allow_address),
        max_size=parse_size(max_size),
        timeout=timeout,
    )


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
    """Results as JSON values: the library's one shaping (`corroborate.report.shapes`)."""
    return shapes.to_json(value)


def print_json(value: Any) -> None:
    """Print one JSON document to stdout, exactly as the web's `/api/` returns it."""
    sys.stdout.write(shapes.dumps(value) + "\n")


def error_line(message: str, label: str = "error:", style: str = "bold red") -> None:
    """One line on stderr, the message shown literally (a `[bold]` in it is text, not markup)."""
    err_console.print(Text.assemble((label, style), " ", " ".join(str(message).split())))


def warning_line(message: str) -> None:
    """A one-line warning on stderr, shown literally."""
    error_line(message, "warning:", "bold yellow")


def say_notices(notices: Sequence[Notice], prefix: str = "") -> None:
    """What the library says the person should know about a change, and how to act on it."""
    for notice in notices:
        console.print(f"[yellow]note:[/] {escape(prefix + notice.message)}", highlight=False)
        if notice.hint:
            console.print(f"      {escape(notice.hint)}", highlight=False)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print a one-line error to stderr and return the Exit to raise."""
    error_line(message)
    return typer.Exit(code)


@contextmanager
def progress_bar(
    description: str, *, quiet: bool = False, total: float | None = None, bytes_: bool = False
) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on stderr, as a `progress(done, total)` callable for the library
    (which never imports Rich); None, and nothing printed, when piped or `quiet` (--json)."""
    if quiet or not err_console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    counter = DownloadColumn() if bytes_ else MofNCompleteColumn()
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        counter,
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)

        def advance(done: int, of: int) -> None:
            bar.update(task, completed=done, total=of)

        yield advance


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


def command_name() -> str:
    """How the user can run corroborate again from here: `corroborate` when that is on PATH and
    is this installation, else the console script's path (`.venv/bin/corroborate`), else
    `python -m corroborate` with this interpreter."""
    import shutil

    script = Path(sys.executable).parent / "corroborate"
    found = shutil.which("corroborate")
    if script.is_file():
        if found and Path(found).resolve() == script.resolve():
            return "corroborate"
        try:
            return str(script.absolute().relative_to(Path.cwd()))
        except ValueError:
            return str(script.absolute())
    return f"{sys.executable} -m corroborate"
