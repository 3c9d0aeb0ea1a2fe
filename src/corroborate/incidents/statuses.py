"""The one vocabulary for "only incidents at or above a status": a status, or `any` for all.

Tally and export read it, so the CLI and the web offer the same words and refuse the same ones.
"""

from __future__ import annotations

from corroborate.core import INCIDENT_STATUSES
from corroborate.errors import InputError

ANY = "any"
# Every word a status filter accepts, weakest first; `any` keeps every status.
STATUS_FILTERS: tuple[str, ...] = (ANY, *INCIDENT_STATUSES)


def parse_min_status(value: str | None) -> str | None:
    """A minimum status as people write it (`Under review`, `under_review`); None for `any`.

    None stays None (no filter); an unknown word raises InputError naming the choices.
    """
    if value is None:
        return None
    word = value.strip().lower().replace("_", "-").replace(" ", "-")
    if word == ANY:
        return None
    if word not in INCIDENT_STATUSES:
        raise InputError(f"unknown status {value!r}; use one of: {', '.join(STATUS_FILTERS)}")
    return word


def meets(status: str, min_status: str | None) -> bool:
    """Whether an incident's status is at or above `min_status` (already parsed)."""
    if min_status is None:
        return True
    return INCIDENT_STATUSES.index(status) >= INCIDENT_STATUSES.index(min_status)
