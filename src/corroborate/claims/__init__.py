"""Reading numeric harm claims (who says how many were killed, captured, ...) from report text."""

from __future__ import annotations

from corroborate.claims._compare import ClaimGroup, compare
from corroborate.claims._language import language_note
from corroborate.claims._reader import extract_claims
from corroborate.claims._source import read_text_source
from corroborate.claims.store import (
    SourcedGroup,
    StoredClaim,
    claims_for_file,
    compare_sourced,
    compare_stored,
    list_claims,
    store_claims,
)

__all__ = [
    "ClaimGroup",
    "SourcedGroup",
    "StoredClaim",
    "claims_for_file",
    "compare",
    "compare_sourced",
    "compare_stored",
    "extract_claims",
    "language_note",
    "list_claims",
    "read_text_source",
    "store_claims",
]
