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

from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from corroborate.db.registry import Registry
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


# Built-in hooks and outside ones come in the same way: see `corroborate.db.registry`.
REGISTRY: Registry[ArchiveHook[Any]] = Registry(
    ENTRY_POINT_GROUP, "archive hook", ("name", "keeps_custody_log", "before_commit")
)
register = REGISTRY.register
unregister = REGISTRY.unregister
load_entry_points = REGISTRY.load_entry_points


def registered() -> list[ArchiveHook[Any]]:
    """The hooks registered so far, without loading entry points."""
    return list(REGISTRY.items.values())


def active() -> list[ArchiveHook[Any]]:
    """Every hook, entry points loaded once per process; custody-keeping hooks run last."""
    hooks = REGISTRY.active()
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
