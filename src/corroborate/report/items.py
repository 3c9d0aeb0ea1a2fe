"""What one archived item shows (`corroborate show ITEM`, the workspace's item page and
`/api/items/{ref}`): the item, its custody entries, the footage it shares and, for a still, its
plain PDQ hash to exchange. One function, so both front ends decide nothing about it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corroborate.archive.views import item_view
from corroborate.core import CustodyEntry, Item
from corroborate.match import Cluster, footage_of
from corroborate.match.exchange import exchange_hashes
from corroborate.storage.archive import Archive


@dataclass(frozen=True)
class ItemDetail:
    """An item with everything a reader of it is shown."""

    item: Item
    custody: list[CustodyEntry]
    footage: list[Cluster]  # each piece of footage it is a copy of, with every other copy
    pdq: dict[str, Any] | None  # a readable still's `pdq/1` hash (videos: too many to list)


def item_detail(archive: Archive, ref: str, *, with_pdq: bool = True) -> ItemDetail:
    """The item named by id or SHA-256 prefix, with its custody entries and footage.

    A still's exchangeable PDQ is computed from the stored original only when `with_pdq` (it
    costs a decode; the terminal view does not print it)."""
    view = item_view(archive, ref)
    found = view.item
    pdq = None
    if with_pdq and found.kind == "image" and found.media_readable:
        pdq = exchange_hashes(archive, found.id, found.sha256, found.kind)
    return ItemDetail(found, view.custody, footage_of(archive, found.id), pdq)
