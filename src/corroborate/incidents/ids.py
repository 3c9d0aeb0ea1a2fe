"""Identifiers of incidents and sources, as people write them, and their custody subjects.

One module that records, sources, review, tally and reports all read, so that none of them
needs another's internals (and `records` and `sources` no longer import each other).
"""

from __future__ import annotations

import hashlib
import re

from corroborate.errors import NotFoundError

INCIDENT_REF = re.compile(r"^(?:inc-?)?0*(\d+)$", re.IGNORECASE)
SOURCE_REF = re.compile(r"^src-?0*(\d+)$", re.IGNORECASE)


def incident_ref(pk: int) -> str:
    """The public id of an incident, as people write it in notes and reports."""
    return f"INC-{pk:04d}"


def parse_ref(ref: str) -> int:
    """The database key of an incident id as users write it (INC-0001, inc-1, 1)."""
    m = INCIDENT_REF.match(str(ref).strip())
    if not m:
        raise NotFoundError(f"{ref!r} is not an incident id (write INC-0001 or 1)")
    return int(m[1])


def source_ref(pk: int) -> str:
    """The public id of a source (SRC-0001)."""
    return f"SRC-{pk:04d}"


def source_pk(ref: str) -> int | None:
    """The database key in a source id (SRC-0001, src-1), or None when `ref` is not one
    (it may then be the source's name)."""
    m = SOURCE_REF.match(ref.strip())
    return int(m[1]) if m else None


def subject_for(kind: str, uid: str) -> str:
    """The custody-log subject of a record that is not a file: a hash of its kind and uid."""
    return hashlib.sha256(f"corroborate-{kind}/1\n{uid}".encode()).hexdigest()
