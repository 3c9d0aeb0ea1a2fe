"""The incident taxonomy: a data file a team extends without code.

The shipped `taxonomy.json` is merged with `<archive>/taxonomy.json` when present; an entry
with the same id replaces the shipped one, so a team can relabel or add types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corroborate.core import VICTIM_CATEGORIES
from corroborate.errors import InputError

SHIPPED = Path(__file__).with_name("taxonomy.json")
LOCAL_NAME = "taxonomy.json"


@dataclass(frozen=True)
class IncidentType:
    """One entry of the taxonomy."""

    id: str
    label: str
    description: str = ""
    victim_category: str = "unknown"  # the usual category of its victims, a default only


def _read(path: Path) -> list[IncidentType]:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the incident taxonomy ({exc})") from None
    entries = data.get("types") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise InputError(f'{path}: expected a list of types under "types"')
    out = []
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not entry.get("id") or not entry.get("label"):
            raise InputError(f'{path}: type {n} needs an "id" and a "label"')
        category = entry.get("victim_category", "unknown")
        if category not in VICTIM_CATEGORIES:
            raise InputError(f"{path}: type {entry['id']}: unknown victim_category {category!r}")
        out.append(
            IncidentType(
                str(entry["id"]), str(entry["label"]), str(entry.get("description", "")), category
            )
        )
    return out


def load_taxonomy(archive_dir: Path | None = None) -> dict[str, IncidentType]:
    """Incident types by id: the shipped file, then the archive's own file merged over it."""
    types = {t.id: t for t in _read(SHIPPED)}
    if archive_dir is not None and (Path(archive_dir) / LOCAL_NAME).exists():
        types.update({t.id: t for t in _read(Path(archive_dir) / LOCAL_NAME)})
    return types
