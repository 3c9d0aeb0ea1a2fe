"""What a page shows of an item: the item with its custody entries, and its keyframe pictures."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from corroborate.archive.queries import get_item
from corroborate.core import CustodyEntry, Item
from corroborate.custody import entries
from corroborate.errors import IntegrityError, NotFoundError
from corroborate.storage.archive import Archive

MAX_THUMBNAIL = 4 * 1024 * 1024  # keyframes are 320 px JPEGs; anything larger is not one


@dataclass(frozen=True)
class ItemView:
    """One item and every custody entry about it, oldest first (what `show` prints)."""

    item: Item
    custody: list[CustodyEntry]


def item_view(archive: Archive, ref: str) -> ItemView:
    """An item by id or SHA-256 prefix, with its custody entries."""
    item = get_item(archive, ref)
    return ItemView(item, entries(archive, subject_sha256=item.sha256))


def keyframe_jpeg(archive: Archive, ref: str, index: int) -> bytes:
    """The JPEG bytes of an item's keyframe number `index` (0-based), checked against its
    SHA-256: a swapped or damaged blob is refused, never shown as the item's picture."""
    item = get_item(archive, ref)
    if not 0 <= index < len(item.keyframes):
        raise NotFoundError(f"item {item.id} has no keyframe {index} ({len(item.keyframes)} kept)")
    sha256 = item.keyframes[index]
    with archive.blobs.open(sha256) as blob:
        data = blob.read(MAX_THUMBNAIL + 1)
    if len(data) > MAX_THUMBNAIL or hashlib.sha256(data).hexdigest() != sha256:
        raise IntegrityError(f"keyframe {index} of item {item.id} does not match its SHA-256")
    return data
