"""Reading the archive: items, one item with everything known about it."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from corroborate.archive.models import ItemRow, SightingRow
from corroborate.config import Archive
from corroborate.core import Item, Sighting
from corroborate.errors import InputError, NotFoundError


def _sighting(row: SightingRow) -> Sighting:
    return Sighting(
        id=row.id,
        item_id=row.item_id,
        source_label=row.source_label,
        url=row.url,
        local_path=row.local_path,
        original_name=row.original_name,
        archived_at=row.archived_at,
        archived_by=row.archived_by,
        published_at=row.published_at,
        extra=row.extra or {},
    )


def to_item(row: ItemRow) -> Item:
    return Item(
        id=row.id,
        sha256=row.sha256,
        size=row.size,
        kind=row.kind,
        mime=row.mime,
        original_name=row.original_name,
        archived_at=row.archived_at,
        archived_by=row.archived_by,
        media_readable=row.media_readable,
        media_error=row.media_error,
        metadata=row.metadata_json or {},
        sightings=[_sighting(s) for s in row.sightings],
        keyframes=[d.sha256 for d in row.derivatives if d.role == "keyframe"],
    )


def list_items(archive: Archive, *, kind: str | None = None) -> list[Item]:
    """Every archived item, oldest first."""
    with archive.session() as session:
        query = (
            select(ItemRow)
            .options(selectinload(ItemRow.sightings), selectinload(ItemRow.derivatives))
            .order_by(ItemRow.archived_at, ItemRow.id)
        )
        if kind:
            query = query.where(ItemRow.kind == kind)
        return [to_item(r) for r in session.scalars(query)]


def get_item(archive: Archive, ref: str) -> Item:
    """An item by id, by full or prefix SHA-256 (at least 6 hex characters)."""
    ref = ref.strip().lower()
    if len(ref) < 6:
        raise InputError(f"{ref!r}: give at least 6 characters of an item id or SHA-256")
    with archive.session() as session:
        rows = list(
            session.scalars(
                select(ItemRow)
                .options(selectinload(ItemRow.sightings), selectinload(ItemRow.derivatives))
                .where(or_(ItemRow.id == ref, ItemRow.sha256.startswith(ref)))
                .limit(2)
            )
        )
    if not rows:
        raise NotFoundError(f"no archived item {ref}")
    if len(rows) > 1:
        raise InputError(f"{ref!r} names more than one item; give more characters")
    return to_item(rows[0])
