"""Marking an item sensitive (killings, bodies, prisoners' faces): its pictures are then served
blurred until a person chooses to see them. Whether an item is *shown* sensitive also depends on
the incidents it is evidence of: that decision is `corroborate.incidents.sensitive`'s."""

from __future__ import annotations

from sqlalchemy import select

from corroborate.accounts import Actor, require
from corroborate.archive.models import ItemRow
from corroborate.archive.queries import get_item, to_item
from corroborate.core import Item
from corroborate.custody import log
from corroborate.errors import NotFoundError
from corroborate.storage.archive import Archive

ACTION = "item.sensitive"


def mark_item_sensitive(archive: Archive, ref: str, sensitive: bool, actor: Actor) -> Item:
    """Mark (or unmark) the item sensitive; an analyst or above may, and it is logged as
    `item.sensitive` even when nothing changes (the person's decision is on record)."""
    name = require(actor, "edit")
    found = get_item(archive, ref)
    with archive.write() as session:
        row = session.scalar(select(ItemRow).where(ItemRow.id == found.id))
        if row is None:  # removed between the read and the write lock: say so, write nothing
            raise NotFoundError(f"no archived item {ref}")
        before = bool(row.sensitive)
        row.sensitive = sensitive
        log.append(
            session,
            actor=name,
            action=ACTION,
            subject_sha256=row.sha256,
            details={"item": row.id, "sensitive": sensitive, "was": before},
        )
        session.flush()
        return to_item(row)
