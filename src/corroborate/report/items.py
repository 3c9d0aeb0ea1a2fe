"""What one archived item shows (`corroborate show ITEM`, the workspace's item page and
`/api/items/{ref}`): the item, its custody entries, the footage it shares (with the incidents it
is evidence of) and, for a still, its plain PDQ hash to exchange. One function, so both front
ends decide nothing about it; and what an upload or a pasted link tells its row, the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from corroborate import accounts
from corroborate.accounts import Actor
from corroborate.archive.fetch import FetchPolicy, is_url
from corroborate.archive.ingest import IngestResult, ingest_url
from corroborate.archive.upload import DEFAULT_MAX_UPLOAD, ingest_stream
from corroborate.archive.views import item_view
from corroborate.core import CustodyEntry, Item
from corroborate.errors import InputError
from corroborate.incidents.footage import SharedFootage, item_footage, shared_footage
from corroborate.match.exchange import exchange_hashes
from corroborate.storage.archive import Archive


@dataclass(frozen=True)
class ItemDetail:
    """An item with everything a reader of it is shown."""

    item: Item
    custody: list[CustodyEntry]
    footage: list[SharedFootage]  # each piece of footage it is a copy of: other copies, incidents
    pdq: dict[str, Any] | None  # a readable still's `pdq/1` hash (videos: too many to list)

    @property
    def shared(self) -> list[SharedFootage]:
        """The footage it shares with other archived items (the page's alert)."""
        return [s for s in self.footage if s.shared]


def item_detail(archive: Archive, ref: str, *, with_pdq: bool = True) -> ItemDetail:
    """The item named by id or SHA-256 prefix, with its custody entries and footage.

    A still's exchangeable PDQ is computed from the stored original only when `with_pdq` (it
    costs a decode; the terminal view does not print it)."""
    view = item_view(archive, ref)
    found = view.item
    pdq = None
    if with_pdq and found.kind == "image" and found.media_readable:
        pdq = exchange_hashes(archive, found.id, found.sha256, found.kind)
    return ItemDetail(found, view.custody, item_footage(archive, found.id), pdq)


@dataclass(frozen=True)
class Archived:
    """What one uploaded file or one file a link yielded became: the ingest result and, when
    archived, the footage it shares with other items and the incidents that footage is in."""

    result: IngestResult
    shared: list[SharedFootage]


def _archived(archive: Archive, result: IngestResult) -> Archived:
    shared = shared_footage(archive, result.item_id) if result.item_id else []
    return Archived(result, shared)


def upload(
    archive: Archive,
    chunks: Iterable[bytes],
    name: str,
    *,
    actor: Actor,
    source: str | None = None,
    max_size: int = DEFAULT_MAX_UPLOAD,
    declared_size: int | None = None,
) -> Archived:
    """Archive an uploaded stream (see `archive.upload.ingest_stream`: errors raise, nothing
    written) and say what footage it shares."""
    result = ingest_stream(
        archive,
        chunks,
        name,
        actor=actor,
        source=source,
        max_size=max_size,
        declared_size=declared_size,
    )
    return _archived(archive, result)


def archive_link(
    archive: Archive,
    url: str,
    *,
    actor: Actor,
    source: str | None = None,
    policy: FetchPolicy | None = None,
) -> list[Archived]:
    """Fetch a pasted link under `policy` (private addresses refused unless it allows them) and
    archive what it yields, as `corroborate ingest URL` does. When nothing was archived the
    link's one-line errors are raised together; otherwise each result carries its own."""
    who = accounts.require(actor, "edit")
    link = url.strip()
    if not is_url(link):
        raise InputError(f"{link[:200]!r}: not a link (give an http:// or https:// URL)")
    results = ingest_url(archive, link, actor=who, source=source, policy=policy)
    if all(r.error for r in results):
        raise InputError("; ".join(r.error or "" for r in results) or f"{link}: nothing found")
    return [_archived(archive, r) for r in results]
