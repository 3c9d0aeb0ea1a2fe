"""Claims of archived reports: read at ingest, stored with their item, listed and compared."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corroborate.claims._compare import ClaimGroup, compare
from corroborate.claims._reader import extract_claims
from corroborate.claims._source import binary_kind, decode_text, html_to_text
from corroborate.claims.models import ClaimRow
from corroborate.core import (
    CLAIM_EVENTS,
    CLAIM_QUALIFIERS,
    CLAIM_VICTIM_CATEGORIES,
    Claim,
    Place,
    stored_word,
)
from corroborate.custody import log
from corroborate.db import utcnow
from corroborate.storage.archive import Archive


@dataclass(frozen=True)
class StoredClaim:
    """A claim and the archived report it was read from."""

    id: int
    item_id: str
    item_name: str
    claim: Claim


def claims_for_file(path: Path, kind: str) -> list[Claim]:
    """Claims in an archived text document or web page; [] for binary documents (PDF...)."""
    raw = path.read_bytes()
    if b"\0" in raw[:8192] or binary_kind(raw) is not None:
        return []  # a PDF's bytes are not its words: nothing read rather than made-up claims
    text = decode_text(raw, path.name)
    if kind == "webpage":
        text = html_to_text(text)
    return extract_claims(text)


def store_claims(session: Session, item_id: str, claims: list[Claim], *, actor: str) -> None:
    """Store an item's claims inside the ingest transaction, with one custody entry."""
    for c in claims:
        session.add(
            ClaimRow(
                item_id=item_id,
                count=c.count,
                count_high=c.count_high,
                qualifier=c.qualifier,
                event=c.event,
                victims=c.victims,
                victim_category=c.victim_category,
                claimant=c.claimant,
                period=c.period,
                date_from=c.date_from,
                date_to=c.date_to,
                place=c.place,
                place_resolved=asdict(c.place_resolved) if c.place_resolved else None,
                sentence=c.sentence,
                char_start=c.char_start,
                char_end=c.char_end,
                created_at=utcnow(),
            )
        )
    log.append(
        session,
        actor=actor,
        action="claims.extract",
        details={"item": item_id, "claims": len(claims)},
    )


def _to_claim(row: ClaimRow) -> Claim:
    place = None
    if row.place_resolved:
        data: dict[str, Any] = dict(row.place_resolved)
        data["alternate_names"] = tuple(data.get("alternate_names") or ())
        place = Place(**data)
    return Claim(
        count=row.count,
        count_high=row.count_high,
        qualifier=stored_word(row.qualifier, CLAIM_QUALIFIERS, f"claim {row.id}: qualifier"),
        event=stored_word(row.event, CLAIM_EVENTS, f"claim {row.id}: event"),
        victims=row.victims,
        victim_category=stored_word(
            row.victim_category, CLAIM_VICTIM_CATEGORIES, f"claim {row.id}: victim category"
        ),
        claimant=row.claimant,
        period=row.period,
        date_from=row.date_from,
        date_to=row.date_to,
        place=row.place,
        place_resolved=place,
        sentence=row.sentence,
        char_start=row.char_start,
        char_end=row.char_end,
    )


def list_claims(
    archive: Archive, *, event: str | None = None, item: str | None = None
) -> list[StoredClaim]:
    """Stored claims, in the order they were read, optionally of one event or item."""
    from corroborate.archive.models import ItemRow

    with archive.session() as session:
        query = (
            select(ClaimRow, ItemRow.original_name)
            .join(ItemRow, ItemRow.id == ClaimRow.item_id)
            .order_by(ClaimRow.id)
        )
        if event:
            query = query.where(ClaimRow.event == event)
        if item:
            query = query.where(ClaimRow.item_id.startswith(item.lower()))
        rows = session.execute(query)
        return [StoredClaim(r.id, r.item_id, name, _to_claim(r)) for r, name in rows]


def compare_stored(archive: Archive) -> list[ClaimGroup]:
    """Stored claims grouped by quantity, different claimants side by side."""
    return [g.group for g in compare_sourced(archive)]


@dataclass(frozen=True)
class SourcedGroup:
    """A group of claims about one quantity, each with the archived report it was read from
    (`sources[i]` is where `group.claims[i]` comes from)."""

    group: ClaimGroup
    sources: tuple[StoredClaim, ...]


def compare_sourced(archive: Archive) -> list[SourcedGroup]:
    """As `compare_stored`, keeping each claim's report, so a reader can open it."""
    stored = list_claims(archive)
    by_claim = {id(s.claim): s for s in stored}
    return [
        SourcedGroup(g, tuple(by_claim[id(c)] for c in g.claims))
        for g in compare([s.claim for s in stored])
    ]
