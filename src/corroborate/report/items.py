"""What one archived item shows (`corroborate show ITEM`, the workspace's item page and
`/api/items/{ref}`): the item, its custody entries, the footage it shares (with the incidents it
is evidence of), why it is sensitive and, for a still, its plain PDQ hash to exchange; what an
upload or a pasted link tells its row; and what a listing of items shows (`items`, the grid,
`/api/items`), filtered the same way everywhere. One function each, so the front ends decide
nothing about them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from corroborate import accounts
from corroborate.accounts import Actor, require
from corroborate.accounts.reveals import revealed_to
from corroborate.archive.fetch import FetchPolicy, is_url
from corroborate.archive.ingest import IngestResult, ingest_url
from corroborate.archive.queries import DATED, list_items, source_labels
from corroborate.archive.sensitive import mark_item_sensitive
from corroborate.archive.upload import DEFAULT_MAX_UPLOAD, ingest_stream
from corroborate.archive.views import item_view
from corroborate.core import CustodyEntry, Item
from corroborate.errors import InputError
from corroborate.incidents.footage import SharedFootage, item_footage, shared_footage
from corroborate.incidents.sensitive import Reasons, sensitive_items
from corroborate.match import cluster_members
from corroborate.match.exchange import exchange_hashes
from corroborate.storage.archive import Archive


class FilterError(InputError):
    """A filter value that cannot be read (an invalid date): the request is refused (422)."""


@dataclass(frozen=True)
class ItemDetail:
    """An item with everything a reader of it is shown."""

    item: Item
    custody: list[CustodyEntry]
    footage: list[SharedFootage]  # each piece of footage it is a copy of: other copies, incidents
    pdq: dict[str, Any] | None  # a readable still's `pdq/1` hash (videos: too many to list)
    sensitive: list[str] = field(default_factory=list)  # why it is blurred (empty: it is not)
    blurred: bool = False  # sensitive, and the session asking has not revealed it

    @property
    def shared(self) -> list[SharedFootage]:
        """The footage it shares with other archived items (the page's alert)."""
        return [s for s in self.footage if s.shared]


def item_detail(
    archive: Archive, ref: str, *, with_pdq: bool = True, holder: str | None = None
) -> ItemDetail:
    """The item named by id or SHA-256 prefix, with its custody entries and footage, and
    whether its pictures are blurred for the session `holder` (see `report.media`).

    A still's exchangeable PDQ is computed from the stored original only when `with_pdq` (it
    costs a decode; the terminal view does not print it)."""
    view = item_view(archive, ref)
    found = view.item
    pdq = None
    if with_pdq and found.kind == "image" and found.media_readable:
        pdq = exchange_hashes(archive, found.id, found.sha256, found.kind)
    reasons = sensitive_items(archive).get(found.id, [])
    blurred = bool(reasons) and found.id not in revealed_to(archive, holder)
    return ItemDetail(found, view.custody, item_footage(archive, found.id), pdq, reasons, blurred)


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


def set_item_sensitive(archive: Archive, ref: str, sensitive: bool, *, actor: Actor) -> ItemDetail:
    """Mark or unmark an item sensitive (analysts and above, logged as `item.sensitive`), and
    what it shows afterwards: an unmarked item may still be sensitive through an incident."""
    marked = mark_item_sensitive(archive, ref, sensitive, actor)
    return item_detail(archive, marked.id, with_pdq=False)


@dataclass(frozen=True)
class ItemFilter:
    """Which items a listing shows. Dates are whole UTC days, both ends included."""

    kind: str | None = None
    source: str | None = None  # part of a sighting's source label, any case
    since: date | None = None
    until: date | None = None
    dated: str = "archived"  # "archived": first archived; "published": a sighting's date
    shares_footage: bool = False  # only items in a footage cluster with another item


def _day(text: str | None, name: str) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        shown = text.strip()[:40]
        raise FilterError(f"{name}: {shown!r} is not a date (write YYYY-MM-DD)") from None


def item_filter(
    *,
    kind: str | None = None,
    source: str | None = None,
    since: str | None = None,
    until: str | None = None,
    dated: str | None = None,
    shares_footage: bool = False,
) -> ItemFilter:
    """A filter from what a person typed (a form, a query string, CLI options): blank means
    "any"; an unreadable date or an unknown choice is a FilterError naming the field."""
    chosen = (dated or "archived").strip()
    if chosen not in DATED:
        raise FilterError(f"dated: {chosen[:40]!r} is not one of {', '.join(DATED)}")
    first, last = _day(since, "since"), _day(until, "until")
    if first and last and first > last:
        raise FilterError(f"since {first} is after until {last}: no day is in that range")
    return ItemFilter(
        kind=(kind or "").strip() or None,
        source=(source or "").strip() or None,
        since=first,
        until=last,
        dated=chosen,
        shares_footage=shares_footage,
    )


@dataclass(frozen=True)
class ItemListing:
    """Items as a listing shows them: which are sensitive and why, and which of those are
    blurred for the session asking (all of them, unless it revealed some)."""

    items: list[Item]
    sensitive: Reasons
    blurred: frozenset[str]
    sources: list[str]  # every source label in the archive, for a filter's suggestions


def browse_items(
    archive: Archive, chosen: ItemFilter, *, actor: Actor, holder: str | None = None
) -> ItemListing:
    """The items `chosen` lets through, oldest first, with their sensitivity."""
    require(actor, "read")
    found = list_items(
        archive,
        kind=chosen.kind,
        source=chosen.source,
        since=chosen.since,
        until=chosen.until,
        dated=chosen.dated,
    )
    if chosen.shares_footage:
        _, members = cluster_members(archive)
        shared = {i for items in members.values() if len(set(items)) > 1 for i in items}
        found = [i for i in found if i.id in shared]
    reasons = sensitive_items(archive)
    seen = revealed_to(archive, holder)
    blurred = frozenset(i.id for i in found if i.id in reasons and i.id not in seen)
    return ItemListing(found, reasons, blurred, source_labels(archive))
