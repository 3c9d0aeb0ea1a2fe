"""The proof checks the custody log and evidence packages share: a proof that travelled as JSON
holds only for exactly the leaf, index, size and root it was made for, and malformed input is a
proof that does not hold, never an exception."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from corroborate.core import TreeHead
from corroborate.custody import keys, merkle, proofs

LEAVES = [f"entry {n}".encode() for n in range(7)]
HASHES = [merkle.leaf_hash(leaf) for leaf in LEAVES]
ROOT = merkle.root(HASHES).hex()


def _path(index: int, size: int = len(LEAVES)) -> list[str]:
    return [h.hex() for h in merkle.inclusion_proof(index, HASHES[:size])]


def test_an_inclusion_proof_holds_for_its_own_leaf_only() -> None:
    for i, leaf in enumerate(LEAVES):
        assert proofs.inclusion_holds(leaf, i, len(LEAVES), _path(i), ROOT)
    assert not proofs.inclusion_holds(b"entry 9", 3, len(LEAVES), _path(3), ROOT)
    assert not proofs.inclusion_holds(LEAVES[3], 4, len(LEAVES), _path(3), ROOT)
    assert not proofs.inclusion_holds(LEAVES[3], 3, 4, _path(3), ROOT)  # a path of another size
    assert not proofs.inclusion_holds(LEAVES[3], 3, len(LEAVES), _path(3), "00" * 32)


@pytest.mark.parametrize(
    "path",
    [["zz" * 32], ["ab"], "not a list", [None], [5], None],
)
def test_a_malformed_audit_path_does_not_hold_and_does_not_raise(path: Any) -> None:
    assert not proofs.inclusion_holds(LEAVES[0], 0, len(LEAVES), path, ROOT)


def test_a_consistency_proof_holds_only_between_its_two_trees() -> None:
    old_root = merkle.root(HASHES[:3]).hex()
    proof = [h.hex() for h in merkle.consistency_proof(3, HASHES)]
    assert proofs.consistency_holds(3, old_root, len(LEAVES), ROOT, proof)
    assert not proofs.consistency_holds(3, ROOT, len(LEAVES), ROOT, proof)
    assert not proofs.consistency_holds(4, old_root, len(LEAVES), ROOT, proof)
    assert not proofs.consistency_holds(3, old_root, len(LEAVES), ROOT, proof[:-1])
    assert not proofs.consistency_holds(3, "not hex", len(LEAVES), ROOT, proof)
    assert not proofs.consistency_holds(3, old_root, len(LEAVES), ROOT, ["xy"])


def _head(when: datetime, private: Ed25519PrivateKey) -> TreeHead:
    public = private.public_key()
    unsigned = TreeHead(7, ROOT, when, "", keys.key_id(public))
    return TreeHead(7, ROOT, when, keys.sign(private, unsigned.signed_bytes()), unsigned.key_id)


def test_a_head_signature_holds_for_its_key_and_bytes_only() -> None:
    private = Ed25519PrivateKey.generate()
    head = _head(datetime(2026, 1, 1, tzinfo=UTC), private)
    assert proofs.head_signature_holds(head, private.public_key())
    assert not proofs.head_signature_holds(head, Ed25519PrivateKey.generate().public_key())
    moved = TreeHead(8, head.root_hash, head.timestamp, head.signature, head.key_id)
    assert not proofs.head_signature_holds(moved, private.public_key())


def test_a_token_dated_before_its_head_beyond_the_tolerance_is_backdated() -> None:
    signed = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    head = _head(signed, Ed25519PrivateKey.generate())
    naive = TreeHead(7, ROOT, signed.replace(tzinfo=None), head.signature, head.key_id)
    slack = proofs.TIMESTAMP_TOLERANCE
    for h in (head, naive):  # a head read from a package's text has no zone: it is UTC
        assert not proofs.backdated(signed - slack + timedelta(seconds=1), h)
        assert not proofs.backdated(signed + timedelta(days=1), h)
        assert proofs.backdated(signed - slack - timedelta(seconds=1), h)
