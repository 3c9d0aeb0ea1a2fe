"""Plain data types that capabilities exchange instead of ORM rows or dicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# Media kinds an archived item can have.
KINDS = ("video", "image", "audio", "document", "webpage", "other")


@dataclass(frozen=True)
class Sighting:
    """One place a file was found: who supplied it, from where, when it was archived."""

    id: int
    item_id: str
    source_label: str | None
    url: str | None
    local_path: str | None
    original_name: str
    archived_at: datetime
    archived_by: str
    published_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Item:
    """An archived file, addressed by the SHA-256 of its bytes."""

    id: str  # short public id, the first 12 hex characters of the sha256
    sha256: str
    size: int
    kind: str
    mime: str | None
    original_name: str
    archived_at: datetime
    archived_by: str
    media_readable: bool
    media_error: str | None
    metadata: dict[str, Any] = field(default_factory=dict)
    sightings: list[Sighting] = field(default_factory=list)
    keyframes: list[str] = field(default_factory=list)  # sha256 of keyframe thumbnails


@dataclass(frozen=True)
class CustodyEntry:
    """One append-only custody log entry; `leaf` is the exact byte string that was hashed."""

    seq: int
    time: datetime
    actor: str
    action: str
    subject_sha256: str | None
    details: dict[str, Any]
    leaf_hash: str


@dataclass(frozen=True)
class TreeHead:
    """A signed statement of the custody log's size and Merkle root at a moment."""

    tree_size: int
    root_hash: str
    timestamp: datetime
    signature: str  # base64 Ed25519 signature over `signed_bytes`
    key_id: str

    def signed_bytes(self) -> bytes:
        """The canonical bytes the signature covers (and a timestamp token anchors)."""
        return (
            f"corroborate-tree-head/1\n{self.tree_size}\n{self.root_hash}\n"
            f"{self.timestamp.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}\n{self.key_id}\n"
        ).encode()


@dataclass(frozen=True)
class Place:
    """A gazetteer entry or a resolved place name."""

    name: str
    latitude: float | None
    longitude: float | None
    admin1: str | None = None  # oblast / region
    admin2: str | None = None  # raion / district
    country: str | None = None  # ISO 3166-1 alpha-2
    precision: str = "settlement"  # exact, settlement, approximate, district, region, country
    alternate_names: tuple[str, ...] = ()
    score: float | None = None
    id: str | None = None


@dataclass(frozen=True)
class Claim:
    """A numeric harm claim read from a text, with who asserts it and about what."""

    count: int
    count_high: int | None
    qualifier: str  # exact, at_least, at_most, approx, range
    event: str  # killed, executed, died, injured, captured, missing, surrendered, incidents
    victims: str | None
    victim_category: str  # pow, civilian, combatant, unknown
    claimant: str | None
    period: str | None
    date_from: date | None
    date_to: date | None
    place: str | None
    place_resolved: Place | None
    sentence: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class Problem:
    """One thing `verify` found wrong: what kind, where, and a sentence for the reader."""

    kind: str  # missing_blob, altered_blob, altered_entry, removed_entry, bad_signature, ...
    where: str
    message: str
