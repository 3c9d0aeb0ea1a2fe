"""Chain of custody: an append-only, signed Merkle log of every action on the archive."""

from corroborate.custody.log import (
    ConsistencyProof,
    InclusionProof,
    append,
    consistency,
    current_head,
    entries,
    prove,
)

__all__ = [
    "ConsistencyProof",
    "InclusionProof",
    "append",
    "consistency",
    "current_head",
    "entries",
    "prove",
]
