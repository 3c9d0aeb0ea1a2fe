"""One way to plug things in: a named registry filled by imports and by an entry-point group.

Archive hooks, derivations and table models all come in the same way (built-ins are declared
in pyproject.toml exactly as an outside package would declare its own): an entry point names
an object, registered here, or a module that registers on import. One that cannot be loaded
is an error, never skipped, and two things of one name are refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Generic, Protocol, TypeVar

from corroborate.errors import ArchiveError


class Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Named)
EntryPoints = Callable[[], Iterable[EntryPoint]]


class Registry(Generic[T]):
    """Things of one kind by unique name, with the entry points of `group` loaded once."""

    def __init__(self, group: str, what: str, shape: tuple[str, ...]) -> None:
        self.group = group
        self.what = what  # "archive hook", "derivation": for messages
        self.shape = shape  # the attributes that make an entry point's object one of these
        self.items: dict[str, T] = {}
        self.loaded = False
        self.declared: EntryPoints = lambda: entry_points(group=self.group)

    def register(self, thing: T) -> T:
        """Add one (idempotent for the same object); a second of the same name is refused."""
        known = self.items.get(thing.name)
        if known is not None and known is not thing:
            raise ArchiveError(f"two {self.what}s are named {thing.name!r}: names must be unique")
        self.items[thing.name] = thing
        return thing

    def unregister(self, name: str) -> None:
        """Remove one by name (for tests of what happens without it)."""
        self.items.pop(name, None)

    def load_entry_points(self, found: EntryPoints | None = None) -> list[str]:
        """Import every entry point of the group; return their names."""
        names = []
        for point in (found or self.declared)():
            try:
                loaded: Any = point.load()
            except Exception as exc:  # noqa: BLE001 - any failure to load is reported
                raise ArchiveError(
                    f"the {self.what} {point.name!r} ({point.value}) cannot be loaded: {exc}"
                ) from None
            if self.shape and all(hasattr(loaded, a) for a in self.shape):
                self.register(loaded)
            names.append(point.name)
        return names

    def active(self, *, missing: str | None = None) -> list[T]:
        """Everything registered, the entry points loaded first (once per process).

        Entry points are loaded even when something is already registered: an outside plugin
        imported first must not hide a built-in. With `missing`, a group that declares nothing
        while nothing is registered is that error (a stale install, not an empty one).
        """
        if not self.loaded:
            if not self.load_entry_points() and not self.items and missing is not None:
                raise ArchiveError(missing)
            self.loaded = True
        return list(self.items.values())

    def reset(self, declared: EntryPoints | None = None) -> None:
        """Forget what was loaded (and optionally where entry points come from): for tests."""
        self.loaded = False
        if declared is not None:
            self.declared = declared
