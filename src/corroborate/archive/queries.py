"""Reading the archive: items, one item with everything known about it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from corroborate.archive.models import ItemRow, SightingRow
from corroborate.core import KINDS, Item, Sighting, stored_word
from corroborate.errors import InputError, NotFoundError
from corroborate.storage.archive import Archive


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
        kind=stored_word(row.kind, KINDS, f"item {row.id}: kind"),
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
    """Every archived item, oldest first (only one kind if given; an unknown kind is refused)."""
    if kind is not None and kind not in KINDS:
        raise InputError(f"{kind!r}: not a kind of item (choose from {', '.join(KINDS)})")
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
    """An item by id, or by a prefix of its SHA-256 (at least 6 hex characters).

    An id as shown (12 hex digits, longer when two files share a prefix) names its item even
    when another file's digest starts with the same digits; any other prefix must name one item.
    """
    ref = ref.strip().lower()
    if len(ref) < 6:
        raise InputError(f"{ref!r}: give at least 6 characters of an item id or SHA-256")
    load = (selectinload(ItemRow.sightings), selectinload(ItemRow.derivatives))
    with archive.session() as session:
        exact = session.scalar(select(ItemRow).options(*load).where(ItemRow.id == ref))
        if exact is not None:
            return to_item(exact)
        rows = list(
            session.scalars(
                select(ItemRow)
                .options(*load)
                .where(ItemRow.sha256.startswith(ref, autoescape=True))
                .order_by(ItemRow.id)
                .limit(_CANDIDATES + 1)
            )
        )
    if not rows:
        raise NotFoundError(f"no archived item {ref}")
    if len(rows) > 1:
        listed = ", ".join(f"{r.id} ({r.original_name})" for r in rows[:_CANDIDATES])
        more = " and more" if len(rows) > _CANDIDATES else ""
        raise InputError(
            f"{ref!r} names more than one item: {listed}{more}; give more characters or the id"
        )
    return to_item(rows[0])


_CANDIDATES = 5
