"""Chain of custody: an append-only, signed Merkle log of every action on the archive.

Importing this package plugs the log into the storage layer (`corroborate.custody.hooks`).
"""

from corroborate.custody import hooks  # registers the archive hook that seals every write
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
    "hooks",
    "ConsistencyProof",
    "InclusionProof",
    "append",
    "consistency",
    "current_head",
    "entries",
    "prove",
]
