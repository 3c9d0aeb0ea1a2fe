"""Reading numeric harm claims (who says how many were killed, captured, ...) from report text."""

from __future__ import annotations

from corroborate.claims._compare import ClaimGroup, compare
from corroborate.claims._reader import extract_claims
from corroborate.claims._source import read_text_source

__all__ = ["ClaimGroup", "compare", "extract_claims", "read_text_source"]
