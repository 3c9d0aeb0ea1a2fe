"""JSON shapes of the API: the same documents `corroborate items --json` and `show --json` print.

Kept to the conversion only (dataclasses, UTC times as `...Z`, bytes as hex), so that when the
library's shared shapes land they replace this module without touching a route.
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from corroborate.core import CustodyEntry, Item


def jsonable(value: Any) -> Any:
    """Dataclasses, dates and bytes made JSON-friendly, as the CLI's --json does."""
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Path):
        return str(value)
    return value


def items_document(items: list[Item]) -> dict[str, Any]:
    """`{"items": [...]}` without each item's metadata, as `corroborate items --json`."""
    return {
        "items": [{k: jsonable(v) for k, v in asdict(i).items() if k != "metadata"} for i in items]
    }


def item_document(
    item: Item, custody: list[CustodyEntry], footage: list[dict[str, Any]]
) -> dict[str, Any]:
    """`{"item", "custody", "footage"}`, as `corroborate show --json` (a still's PDQ to come)."""
    return {"item": jsonable(item), "custody": jsonable(custody), "footage": jsonable(footage)}
