"""Checking the custody log's proofs with nothing but the proof, the signed head and a key.

One place for what `corroborate verify`, `custody prove`/`consistency` and an evidence
package's offline verifier all check: an inclusion proof or a consistency proof (hex, as they
travel in JSON) against a head's root, a head's signature, and whether a timestamp token is
dated before the head it covers. Malformed input is a proof that does not hold, never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from corroborate.core import TreeHead
from corroborate.custody import keys, merkle

# How far a token's time may fall before the time in the head it covers: the archive's clock
# and the TSA's may disagree a little; a token older than that cannot be a stamp of that head.
TIMESTAMP_TOLERANCE = timedelta(minutes=5)


def inclusion_holds(
    leaf_data: bytes, leaf_index: int, tree_size: int, audit_path: Sequence[str], root_hash: str
) -> bool:
    """Does the audit path (hex digests) prove `leaf_data` is leaf `leaf_index` of the tree of
    `tree_size` leaves whose root is `root_hash` (hex)? RFC 9162 section 2.1.3.2."""
    try:
        return merkle.verify_inclusion(
            leaf_index,
            tree_size,
            merkle.leaf_hash(leaf_data),
            [bytes.fromhex(h) for h in audit_path],
            bytes.fromhex(root_hash),
        )
    except (TypeError, ValueError):
        return False


def consistency_holds(
    old_size: int, old_root: str, new_size: int, new_root: str, proof: Sequence[str]
) -> bool:
    """Does the proof (hex digests) show the tree of `new_size` leaves with root `new_root` is
    the tree of `old_size` leaves with root `old_root` plus appended ones? RFC 9162 2.1.4.2."""
    try:
        return merkle.verify_consistency(
            old_size,
            new_size,
            bytes.fromhex(old_root),
            bytes.fromhex(new_root),
            [bytes.fromhex(h) for h in proof],
        )
    except (TypeError, ValueError):
        return False


def head_signature_holds(head: TreeHead, public: Ed25519PublicKey) -> bool:
    """Is the head's signature over its canonical bytes by `public`? (Which key ought to have
    signed it, given rotations, is the caller's question.)"""
    return keys.signature_valid(public, head.signed_bytes(), head.signature)


def backdated(gen_time: datetime, head: TreeHead) -> bool:
    """True when a token dated `gen_time` claims a time before `head` was signed, beyond
    `TIMESTAMP_TOLERANCE`: it cannot be a stamp of that head. A naive head time is UTC."""
    signed_at = head.timestamp if head.timestamp.tzinfo else head.timestamp.replace(tzinfo=UTC)
    return gen_time < signed_at - TIMESTAMP_TOLERANCE
