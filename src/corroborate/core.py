"""Plain data types that capabilities exchange instead of ORM rows or dicts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, TypeVar, get_args

from corroborate.errors import FormatError, IntegrityError, InternalError

# The field's words, as Literal types so that mypy catches a misspelt one, each with the tuple
# of its values (in the Literal's order, which is a rank where one is said). The values are
# stored in the database and printed in JSON as they are.

# Media kinds an archived item can have.
ItemKind = Literal["video", "image", "audio", "document", "webpage", "other"]
KINDS: tuple[ItemKind, ...] = get_args(ItemKind)

_Word = TypeVar("_Word", bound=str | int)


def word_in(value: object, words: tuple[_Word, ...]) -> _Word | None:
    """`value` as one of `words` (so typed as their Literal), or None when it is none of them."""
    for word in words:
        if value == word and type(value) is type(word):
            return word
    return None


def stored_word(value: object, words: tuple[_Word, ...], what: str) -> _Word:
    """A word read back from the archive; one outside its vocabulary means the archive was
    altered or written by something else, and is said, never passed on."""
    found = word_in(value, words)
    if found is None:
        raise IntegrityError(
            f"{what}: {value!r} is not one of {', '.join(map(str, words))} (the archive holds "
            "a value corroborate never writes)"
        )
    return found


def known_word(value: object, words: tuple[_Word, ...], what: str) -> _Word:
    """A word the code itself produced (from a lexicon or table): one outside its vocabulary
    is a fault in corroborate, said as one, never stored."""
    found = word_in(value, words)
    if found is None:
        raise InternalError(f"{what}: {value!r} is not one of {', '.join(map(str, words))}")
    return found


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
    kind: ItemKind
    mime: str | None
    original_name: str
    archived_at: datetime
    archived_by: str
    media_readable: bool
    media_error: str | None
    metadata: dict[str, Any] = field(default_factory=dict)
    sightings: list[Sighting] = field(default_factory=list)
    keyframes: list[str] = field(default_factory=list)  # sha256 of keyframe thumbnails
    # marked sensitive itself; whether it is *shown* blurred is incidents.sensitive's decision
    marked_sensitive: bool = False


@dataclass(frozen=True)
class CustodyEntry:
    """One append-only custody log entry; `leaf` is the exact byte string that was hashed.

    `os_login` is the operating-system account that ran the CLI command, beside the declared
    `actor` (`--as`); None for the web workspace, whose actor is a logged-in account, and for
    entries written before it was recorded. It is part of the hashed leaf only when set.
    """

    seq: int
    time: datetime
    actor: str
    os_login: str | None = field(default=None, kw_only=True)
    action: str
    subject_sha256: str | None
    details: dict[str, Any]
    leaf_hash: str

    @property
    def who(self) -> str:
        """The actor as people read it: `alice (OS login bob)` when the OS login is known."""
        return self.actor if self.os_login is None else f"{self.actor} (OS login {self.os_login})"


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
            f"{self.timestamp_text}\n{self.key_id}\n"
        ).encode()

    @property
    def timestamp_text(self) -> str:
        """The timestamp exactly as it appears in the signed bytes (UTC, microseconds, Z)."""
        return self.timestamp.strftime(SIGNED_TIME)

    def to_json(self) -> dict[str, Any]:
        """The head as `custody head --json` and packages write it (timestamp as signed)."""
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "timestamp": self.timestamp_text,
            "signature": self.signature,
            "key_id": self.key_id,
        }

    @classmethod
    def from_json(cls, data: Any, *, exact: bool = False) -> TreeHead:
        """A head from `custody head --json` (a dict or its JSON text); FormatError (which is
        also a ValueError) if malformed.

        Extra keys (such as `key_fingerprint`) are ignored; the timestamp may be in the signed
        form or ISO 8601 with an offset; a timestamp without one is read as UTC. With `exact`
        (a head inside a package, written by `to_json`), the keys must be exactly those five
        and the timestamp in the signed form: anything else was not written by us.
        """
        import json
        import re
        from datetime import UTC

        if isinstance(data, str | bytes):
            try:
                data = json.loads(data)
            except ValueError as exc:
                raise FormatError(f"a tree head is JSON ({exc})") from None
        if not isinstance(data, dict):
            raise FormatError("a tree head is a JSON object")
        missing = [k for k in HEAD_FIELDS if k not in data]
        if missing:
            raise FormatError(f"a tree head needs {', '.join(missing)}")
        if exact and set(data) != set(HEAD_FIELDS):
            raise FormatError(f"a tree head has exactly {', '.join(HEAD_FIELDS)}")
        size, root, stamp = data["tree_size"], data["root_hash"], data["timestamp"]
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise FormatError(f"tree_size must be a whole number >= 0, not {size!r}")
        if not isinstance(root, str) or not re.fullmatch(r"[0-9a-f]{64}", root):
            raise FormatError("root_hash must be 64 lower-case hex digits")
        if not isinstance(stamp, str):
            raise FormatError("timestamp must be text")
        try:
            if exact:
                when = datetime.strptime(stamp, SIGNED_TIME).replace(tzinfo=UTC)
            else:
                when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
                when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
        except ValueError:
            raise FormatError(f"timestamp {stamp!r} is not an ISO 8601 time") from None
        if not isinstance(data["signature"], str) or not isinstance(data["key_id"], str):
            raise FormatError("signature and key_id must be text")
        return cls(size, root, when, data["signature"], data["key_id"])


# The fields of a tree head's JSON form, and the form of its timestamp in the signed bytes.
HEAD_FIELDS = ("tree_size", "root_hash", "timestamp", "signature", "key_id")
SIGNED_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class Notice:
    """Something the person making a change should know, and how to act on it.

    Front ends show `message` (and `hint`) and branch on `kind`, never on the wording. It reads
    as its message (`str(notice)`, `"Kursk" in notice`), as notices did when they were text.
    """

    kind: str  # e.g. "place-unresolved", "not-imported"
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        return self.message

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and text in self.message

    def to_json(self) -> str:
        """Its message: the `notices` of `--json` have always been a list of sentences."""
        return self.message


# How precisely a place is known: a gazetteer entry may be `approximate` (a village placed by
# its district); a record is given one of PLACE_PRECISIONS.
PlacePrecision = Literal["exact", "settlement", "approximate", "district", "region", "country"]

# How a number was said ("at least 12", "about 12", "12 to 15"), what it counts, and of whom.
ClaimQualifier = Literal["exact", "at_least", "at_most", "approx", "range"]
CLAIM_QUALIFIERS: tuple[ClaimQualifier, ...] = get_args(ClaimQualifier)
ClaimEvent = Literal[
    "killed",
    "executed",
    "died",
    "injured",
    "captured",
    "missing",
    "surrendered",
    "incidents",
    "casualties",  # killed or wounded, together: never read as killed
]
CLAIM_EVENTS: tuple[ClaimEvent, ...] = get_args(ClaimEvent)
ClaimVictimCategory = Literal["pow", "civilian", "combatant", "unknown"]
CLAIM_VICTIM_CATEGORIES: tuple[ClaimVictimCategory, ...] = get_args(ClaimVictimCategory)

# What `verify` and `verify-package` can find wrong (the `kind` of a Problem).
ProblemKind = Literal[
    # the archive: blobs, rows and the custody log
    "missing_blob",
    "altered_blob",
    "altered_entry",
    "removed_entry",
    "altered_row",
    "removed_row",
    "unlogged_item",
    "unlogged_row",
    "unsigned_entries",
    "altered_head",
    "head_mismatch",
    "bad_signature",
    "bad_key",
    "retired_key",
    "forged_rotation",
    "bad_trust_entry",
    "old_format",
    # timestamps
    "bad_timestamp",
    "untrusted_timestamp",
    "backdated_timestamp",
    "missing_timestamp",
    "unlogged_timestamp",
    "late_baseline",
    # evidence packages
    "added_file",
    "altered_file",
    "damaged_file",
    "missing_file",
    "duplicate_name",
    "unsafe_name",
    "damaged_zip",
    "hostile_zip",
    "too_large",
    "bad_proof",
    "missing_proof",
    "added_proof",
]
PROBLEM_KINDS: tuple[ProblemKind, ...] = get_args(ProblemKind)


@dataclass(frozen=True)
class Place:
    """A gazetteer entry or a resolved place name."""

    name: str
    latitude: float | None
    longitude: float | None
    admin1: str | None = None  # oblast / region
    admin2: str | None = None  # raion / district
    country: str | None = None  # ISO 3166-1 alpha-2
    precision: PlacePrecision = "settlement"
    alternate_names: tuple[str, ...] = ()
    score: float | None = None
    id: str | None = None


@dataclass(frozen=True)
class Claim:
    """A numeric harm claim read from a text, with who asserts it and about what."""

    count: int
    count_high: int | None
    qualifier: ClaimQualifier
    event: ClaimEvent
    victims: str | None
    victim_category: ClaimVictimCategory
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

    kind: ProblemKind
    where: str
    message: str


# -- incidents, sources, review (the incidents capability) --------------------------------

# Status ranks: a tally's --min-status keeps incidents at or above the given rank.
IncidentStatus = Literal["discounted", "disputed", "unverified", "under-review", "verified"]
INCIDENT_STATUSES: tuple[IncidentStatus, ...] = get_args(IncidentStatus)
EvidenceRole = Literal["primary", "corroborating", "satellite", "witness-statement", "report"]
EVIDENCE_ROLES: tuple[EvidenceRole, ...] = get_args(EvidenceRole)
SourceKind = Literal[
    "official-body", "monitoring-mission", "media", "social-media", "witness", "other"
]
SOURCE_KINDS: tuple[SourceKind, ...] = get_args(SourceKind)
ReviewDecision = Literal["approve", "reject"]
REVIEW_DECISIONS: tuple[ReviewDecision, ...] = get_args(ReviewDecision)
# The Admiralty (NATO) scale: reliability of a source, credibility of one piece of information.
Reliability = Literal["A", "B", "C", "D", "E", "F"]
RELIABILITY_GRADES: tuple[Reliability, ...] = get_args(Reliability)
Credibility = Literal[1, 2, 3, 4, 5, 6]
CREDIBILITY_GRADES: tuple[Credibility, ...] = get_args(Credibility)
RELIABILITY: dict[Reliability, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY: dict[Credibility, str] = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
VictimCategory = Literal["hors-de-combat", "civilian", "combatant", "unknown"]
VICTIM_CATEGORIES: tuple[VictimCategory, ...] = get_args(VictimCategory)
PLACE_PRECISIONS: tuple[PlacePrecision, ...] = (
    "exact",
    "settlement",
    "district",
    "region",
    "country",
)
DatePrecision = Literal["day", "month", "approximate"]
DATE_PRECISIONS: tuple[DatePrecision, ...] = get_args(DatePrecision)


@dataclass(frozen=True)
class Evidence:
    """An archived item or a footage cluster linked to an incident, with its role."""

    id: int
    incident_id: str
    role: EvidenceRole
    item_id: str | None
    item_sha256: str | None
    cluster_id: str | None
    cluster_items: tuple[str, ...]
    note: str | None
    linked_at: datetime
    linked_by: str


@dataclass(frozen=True)
class Source:
    """Who published or supplied information, graded A-F for reliability."""

    id: str  # SRC-0001
    name: str
    kind: SourceKind
    reliability: Reliability
    url: str | None
    note: str | None
    created_at: datetime
    created_by: str
    # Verified incidents a re-grade sent back to review (what the caller should be told)
    reopened: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    """One source's information about an incident, graded 1-6 for credibility."""

    id: int
    incident_id: str
    source_id: str
    source_name: str
    reliability: Reliability
    credibility: Credibility
    item_id: str | None
    note: str | None
    cited_at: datetime
    cited_by: str
    # What the person citing should know, e.g. that the incident cites this source already
    warnings: tuple[str, ...] = ()

    @property
    def grade(self) -> str:
        """The Admiralty grade as analysts write it, e.g. `B2`."""
        return f"{self.reliability}{self.credibility}"


@dataclass(frozen=True)
class Review:
    """A reviewer's decision on an incident and the status it left behind."""

    id: int
    incident_id: str
    reviewer: str
    decision: ReviewDecision
    note: str | None
    time: datetime
    status_before: IncidentStatus
    status_after: IncidentStatus


@dataclass(frozen=True)
class Incident:
    """An event that footage and reports are evidence of: what, when, where, who, how many."""

    id: str  # INC-0001
    title: str
    type: str
    status: IncidentStatus
    occurred_from: date | None
    occurred_to: date | None
    date_precision: DatePrecision
    place: Place | None
    geolocation_note: str | None
    perpetrator_party: str | None
    victim_party: str | None
    killed_low: int | None
    killed_high: int | None
    injured_low: int | None
    injured_high: int | None
    victim_category: VictimCategory
    description: str
    tags: tuple[str, ...]
    sensitive: bool
    created_at: datetime
    created_by: str
    updated_at: datetime
    last_changed_by: str
    subject_sha256: str  # the custody log subject that names this incident
    merged_into: str | None = None
    evidence: tuple[Evidence, ...] = ()
    citations: tuple[Citation, ...] = ()
    reviews: tuple[Review, ...] = ()
    # What the person making this change should know, e.g. a place kept without a point; not stored
    notices: tuple[Notice, ...] = ()
    uid: str = ""  # unique across archives: an export re-imported is recognised by it
    version: int = 1  # raised by every change; a save based on an older one is refused
