"""Derivations: what ingest makes from a new item (keyframes, perceptual signatures, claims...).

Ingest loops over the registered derivations instead of naming the capabilities above it, so
`archive` imports neither `match` nor `claims`. Built-ins are declared in the
`corroborate.derivations` entry-point group, exactly as an outside package declares its own
(datasette registers its built-ins through the hooks outside plugins use), and a module that
defines one registers it on import. A derivation works in three steps, for crash safety:

1. `derive`: the slow work, outside the archive's write lock, on the stored blob;
2. `store`: rows written in the ingest transaction itself, with the custody entry that records
   them (a digest of what was stored), so a row never exists without its entry;
3. `after_commit`: work that needs the item committed (matching it against the archive).

A failure in `derive` or `after_commit` is a `derive.failed` custody entry naming the
derivation, the step and the error, and a warning or note on the ingest result: never a silent
gap, since "earliest copy" and duplicate flags depend on what was derived. A failure in `store`
undoes the whole transaction: the file is reported as not archived, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from sqlalchemy.orm import Session

from corroborate.custody import log
from corroborate.db.registry import Registry
from corroborate.storage.archive import Archive
from corroborate.storage.blobs import BlobStore

ENTRY_POINT_GROUP = "corroborate.derivations"
FAILED = "derive.failed"

Stage = Literal["derive", "store", "after_commit"]

Derived = TypeVar("Derived")


@dataclass(frozen=True)
class Subject:
    """The new item a derivation works on, as ingest has prepared it."""

    sha256: str
    kind: str  # video, image, document, webpage, ...
    mime: str | None
    path: Path  # the stored blob on the local disk of the machine deriving
    shown: str  # how the input is named in messages to the user
    metadata: dict[str, Any] = field(default_factory=dict)
    media_readable: bool = True


class Workspace(Protocol):
    """What `derive` may use of the archive: its blob store. A derivation may run on a worker
    of a Dask cluster, which has no database (an opened `Archive` is one too)."""

    @property
    def blobs(self) -> BlobStore: ...


@dataclass(frozen=True)
class Failure:
    """How a failed derivation is told to the user: a warning marks the ingest as not clean."""

    message: str
    warning: bool = True


class Derivation(Protocol[Derived]):
    """One thing made from a new item; see the module docstring for the three steps."""

    @property
    def name(self) -> str:
        """Unique, short (the entry point's name); derivations run in name order."""
        ...

    @property
    def deferrable(self) -> bool:
        """May be left for a later pass (bulk intake: `ingest --no-signatures`, then `rehash`)."""
        ...

    def applies(self, subject: Subject) -> bool:
        """Whether this item gets this derivation at all (by kind, readability)."""
        ...

    def derive(self, archive: Workspace, subject: Subject) -> Derived:
        """The slow work, before the write lock, perhaps on another machine (see `Workspace`);
        raises CorroborateError on failure. What it returns must pickle."""
        ...

    def store(
        self, session: Session, item_id: str, subject: Subject, derived: Derived, *, actor: str
    ) -> None:
        """Write the result in the ingest transaction, with the custody entry recording it."""
        ...

    def after_commit(
        self, archive: Archive, item_id: str, subject: Subject, derived: Derived, *, actor: str
    ) -> list[str]:
        """Work once the item is committed; returns notes for the user."""
        ...

    def failure(self, subject: Subject, error: Exception, stage: Stage) -> Failure:
        """What the user is told when a step failed (CorroborateError; after the commit also
        a database or file system error)."""
        ...


# Built-in derivations and outside ones come in the same way: see `corroborate.db.registry`.
REGISTRY: Registry[Derivation[Any]] = Registry(
    ENTRY_POINT_GROUP, "derivation", ("name", "applies", "derive", "store")
)
register = REGISTRY.register
unregister = REGISTRY.unregister
load_entry_points = REGISTRY.load_entry_points


def active() -> list[Derivation[Any]]:
    """Every derivation, in name order, entry points loaded once per process.

    An installation that declares none is broken (the built-ins are declared there): ingest
    is refused rather than archiving footage with no signatures or claims.
    """
    found = REGISTRY.active(
        missing=f"no derivations are installed (the {ENTRY_POINT_GROUP!r} entry points are "
        "missing): reinstall corroborate (`pip install -e .`) before ingesting"
    )
    return sorted(found, key=lambda d: d.name)


def log_failure(
    session: Session,
    derivation: str,
    error: str,
    *,
    sha256: str,
    item_id: str | None,
    stage: Stage,
    actor: str,
) -> None:
    """The custody entry for a failed derivation (inside a write transaction)."""
    log.append(
        session,
        actor=actor,
        action=FAILED,
        subject_sha256=sha256,
        details={"derivation": derivation, "stage": stage, "item": item_id, "error": error},
    )
