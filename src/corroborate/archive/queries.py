"""Reading the archive: items, one item with everything known about it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, func, select
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
        marked_sensitive=bool(row.sensitive),
    )


DATED = ("archived", "published")  # which date a date range filters on


def list_items(
    archive: Archive,
    *,
    kind: str | None = None,
    source: str | None = None,
    since: date | None = None,
    until: date | None = None,
    dated: str = "archived",
) -> list[Item]:
    """Archived items, oldest first; an unknown kind is refused.

    `source`: only items with a sighting whose source label contains it (any case).
    `since`/`until` (whole UTC days, both included): the day the item was first archived
    (`dated="archived"`), or the day any of its sightings was published (`"published"`)."""
    if kind is not None and kind not in KINDS:
        raise InputError(f"{kind!r}: not a kind of item (choose from {', '.join(KINDS)})")
    if dated not in DATED:
        raise InputError(f"{dated!r}: filter dates by one of {', '.join(DATED)}")
    if since and until and since > until:
        raise InputError(f"the date range is empty: {since} is after {until}")
    start = datetime.combine(since, time(), UTC) if since else None
    end = datetime.combine(until + timedelta(days=1), time(), UTC) if until else None
    with archive.session() as session:
        query = (
            select(ItemRow)
            .options(selectinload(ItemRow.sightings), selectinload(ItemRow.derivatives))
            .order_by(ItemRow.archived_at, ItemRow.id)
        )
        if kind:
            query = query.where(ItemRow.kind == kind)
        if source:
            label = func.lower(SightingRow.source_label)  # `%` and `_` typed are letters
            query = query.where(
                ItemRow.sightings.any(label.contains(source.lower(), autoescape=True))
            )
        if dated == "archived":
            if start:
                query = query.where(ItemRow.archived_at >= start)
            if end:
                query = query.where(ItemRow.archived_at < end)
        elif start or end:
            published: list[ColumnElement[bool]] = [SightingRow.published_at.is_not(None)]
            if start:
                published.append(SightingRow.published_at >= start)
            if end:
                published.append(SightingRow.published_at < end)
            query = query.where(ItemRow.sightings.any(and_(*published)))
        return [to_item(r) for r in session.scalars(query)]


def source_labels(archive: Archive) -> list[str]:
    """Every source label a sighting was archived with, sorted (a filter's suggestions)."""
    with archive.session() as session:
        found = session.scalars(
            select(SightingRow.source_label)
            .where(SightingRow.source_label.is_not(None))
            .distinct()
            .order_by(SightingRow.source_label)
        )
        return [label for label in found if label]


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
