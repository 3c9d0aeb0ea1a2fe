"""Hooks that capabilities plug into the opened archive, so storage never imports them.

The custody log must seal every write transaction under a signed head, and an opened archive
must finish an interrupted key rotation; both are custody's business, not storage's. Custody
registers an `ArchiveHook` here when `corroborate.custody` is imported, and declares the same
hook in the `corroborate.archive_hooks` entry-point group, which is loaded the first time an
archive is opened or written. Built-in hooks and outside ones come in the same way (datasette
registers its built-ins through the hooks outside plugins use).

A write with no hook that keeps the custody log is refused: nothing is ever written unlogged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from corroborate.errors import ArchiveError

ENTRY_POINT_GROUP = "corroborate.archive_hooks"

ArchiveT_contra = TypeVar("ArchiveT_contra", contravariant=True)


class ArchiveHook(Protocol[ArchiveT_contra]):
    """What an opened archive calls: on opening, and around every write transaction.

    Generic in the archive type so that storage need not name it here (the archive module
    imports this one, not the other way round); implementations take `Archive`.
    """

    @property
    def name(self) -> str:
        """A short, unique name (the entry point's name)."""
        ...

    @property
    def keeps_custody_log(self) -> bool:
        """True for the hook that seals the custody log: a write needs one."""
        ...

    def opened(self, archive: ArchiveT_contra) -> None:
        """Called once an archive is opened (finish interrupted work, upgrade records)."""
        ...

    def begin(self, session: Session) -> None:
        """Called when a write transaction starts, before the caller's work."""
        ...

    def before_commit(self, archive: ArchiveT_contra, session: Session) -> None:
        """Called after the caller's work and before the commit, in the same transaction."""
        ...


EntryPoints = Callable[[], Iterable[EntryPoint]]

_HOOKS: dict[str, ArchiveHook[Any]] = {}
_loaded_entry_points = False


def register(hook: ArchiveHook[Any]) -> ArchiveHook[Any]:
    """Add a hook (idempotent for the same object); a second hook of the same name is refused."""
    known = _HOOKS.get(hook.name)
    if known is not None and known is not hook:
        raise ArchiveError(f"two archive hooks are named {hook.name!r}: names must be unique")
    _HOOKS[hook.name] = hook
    return hook


def unregister(name: str) -> None:
    """Remove a hook by name (for tests of what happens without one)."""
    _HOOKS.pop(name, None)


def registered() -> list[ArchiveHook[Any]]:
    """The hooks registered so far, without loading entry points."""
    return list(_HOOKS.values())


def declared() -> Iterable[EntryPoint]:
    """The entry points of the hook group, as installed packages declare them."""
    return entry_points(group=ENTRY_POINT_GROUP)


def load_entry_points(found: EntryPoints | None = None) -> list[str]:
    """Import every hook declared in the entry-point group; return their names.

    An entry point may name a module that registers its hook on import, or a hook object,
    which is registered here. One that cannot be loaded is an error, never skipped.
    """
    names = []
    for point in (found or declared)():
        try:
            loaded = point.load()
        except Exception as exc:  # noqa: BLE001 - any failure to load is reported, not skipped
            raise ArchiveError(
                f"the archive hook {point.name!r} ({point.value}) cannot be loaded: {exc}"
            ) from None
        if all(hasattr(loaded, a) for a in ("name", "keeps_custody_log", "before_commit")):
            register(loaded)
        names.append(point.name)
    return names


def active() -> list[ArchiveHook[Any]]:
    """Every hook, entry points loaded once per process; custody-keeping hooks run last.

    Entry points are loaded even when some hook is already registered: an outside hook
    imported first must not hide the custody log's.
    """
    global _loaded_entry_points
    if not _loaded_entry_points:
        load_entry_points()
        _loaded_entry_points = True
    hooks = list(_HOOKS.values())
    return [h for h in hooks if not h.keeps_custody_log] + [h for h in hooks if h.keeps_custody_log]


def for_write() -> list[ArchiveHook[Any]]:
    """The hooks for a write transaction; refused when none keeps the custody log."""
    hooks = active()
    if not any(h.keeps_custody_log for h in hooks):
        raise ArchiveError(
            "no custody log is plugged in (no archive hook keeps it; is corroborate installed, "
            f"with its {ENTRY_POINT_GROUP!r} entry points?): refusing to write unlogged"
        )
    return hooks
