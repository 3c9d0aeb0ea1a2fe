"""The RFC 6962 / RFC 9162 Merkle tree that makes the custody log append-only and provable.

Copied exactly from the Certificate Transparency specification so that any CT tooling can check
our proofs. Every function works on 32-byte SHA-256 hashes; none recurses deeper than a loop, and
building a root or a proof over n leaf hashes costs at most n - 1 node hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from corroborate.errors import InputError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data): the prefix stops a leaf from being passed off as an inner node."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right), the hash of an inner node."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2): where RFC 6962 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


def _range_root(leaf_hashes: Sequence[bytes], start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a non-empty range, level by level (an odd last node moves up as is)."""
    level = list(leaf_hashes[start:end])
    sha256 = hashlib.sha256
    while len(level) > 1:
        paired = [
            sha256(_NODE_PREFIX + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 6962 section 2.1; the empty tree's root is SHA-256 of nothing."""
    if len(leaf_hashes) == 0:
        return EMPTY_ROOT
    return _range_root(leaf_hashes, 0, len(leaf_hashes))


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PATH(index, D[n]) of RFC 6962 section 2.1.1, nearest sibling first.

    `leaf_hashes` may be any sequence (a list loaded from the database, or a lazy view of it);
    each sibling subtree is hashed once, so the cost is below n node hashes.
    """
    size = len(leaf_hashes)
    if not 0 <= index < size:
        raise InputError(f"no entry {index} in a log of {size} entries")
    siblings: list[bytes] = []  # collected from the top of the tree down
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            siblings.append(_range_root(leaf_hashes, lo + k, hi))
            hi = lo + k
        else:
            siblings.append(_range_root(leaf_hashes, lo, lo + k))
            lo = lo + k
    siblings.reverse()
    return siblings


def consistency_proof(old_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(old_size, D[n]) of RFC 6962 section 2.1.2: the new tree only appended to the old one.

    Empty for old_size 0 or old_size == n, where RFC 9162 needs no proof.
    """
    size = len(leaf_hashes)
    if not 0 <= old_size <= size:
        raise InputError(f"cannot prove a log of {size} entries extends one of {old_size} entries")
    if old_size == 0 or old_size == size:
        return []
    tail: list[bytes] = []  # SUBPROOF's appended nodes, collected from the top down
    lo, hi, m, whole_old_tree_known = 0, size, old_size, True
    while m != hi - lo:
        k = _split(hi - lo)
        if m <= k:
            tail.append(_range_root(leaf_hashes, lo + k, hi))
            hi = lo + k
        else:
            tail.append(_range_root(leaf_hashes, lo, lo + k))
            lo, m, whole_old_tree_known = lo + k, m - k, False
    head = [] if whole_old_tree_known else [_range_root(leaf_hashes, lo, hi)]
    return head + tail[::-1]


def _is_hash(value: bytes) -> bool:
    return isinstance(value, bytes | bytearray) and len(value) == HASH_SIZE


def verify_inclusion(
    index: int, tree_size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 section 2.1.3.2: does `proof` show leaf `index` is in the tree with `root`?"""
    if not 0 <= index < tree_size:
        return False
    if not (_is_hash(leaf_hash) and _is_hash(root) and all(_is_hash(p) for p in proof)):
        return False
    fn, sn = index, tree_size - 1
    r = bytes(leaf_hash)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 section 2.1.4.2: is the tree with `new_root` the old tree plus appended leaves?

    An empty old tree (whose root must be EMPTY_ROOT) and an unchanged tree need an empty proof.
    """
    if not 0 <= old_size <= new_size:
        return False
    if not (_is_hash(old_root) and _is_hash(new_root) and all(_is_hash(p) for p in proof)):
        return False
    if old_size == 0:
        return old_root == EMPTY_ROOT and not proof
    if old_size == new_size:
        return old_root == new_root and not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


class CompactRange:
    """The roots of the perfect subtrees covering leaves [0, size), largest first.

    This is all a log must keep to append a leaf and know the new root in O(log n) hashes;
    `to_hex_list` / `from_hex_list` store it in one database row.
    """

    __slots__ = ("_size", "_hashes")

    def __init__(self) -> None:
        self._size = 0
        self._hashes: list[bytes] = []

    @property
    def size(self) -> int:
        """How many leaves have been appended."""
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """The subtree roots, one per set bit of `size`, the largest (leftmost) subtree first."""
        return tuple(self._hashes)

    def append(self, leaf_hash: bytes) -> None:
        """Add one leaf hash, merging the equal-sized subtrees it completes."""
        if not _is_hash(leaf_hash):
            raise InputError(f"a leaf hash must be {HASH_SIZE} bytes, got {len(leaf_hash)}")
        hashes = self._hashes
        hashes.append(bytes(leaf_hash))
        size = self._size
        while size & 1:
            right = hashes.pop()
            hashes[-1] = node_hash(hashes[-1], right)
            size >>= 1
        self._size += 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append several leaf hashes in order."""
        for h in leaf_hashes:
            self.append(h)

    def root(self) -> bytes:
        """MTH over every appended leaf; equal to `root(all_leaf_hashes)`."""
        if not self._hashes:
            return EMPTY_ROOT
        r = self._hashes[-1]
        for h in reversed(self._hashes[:-1]):
            r = node_hash(h, r)
        return r

    def copy(self) -> CompactRange:
        """An independent copy, for computing a root after hypothetical appends."""
        return CompactRange.from_hashes(self._size, self._hashes)

    def to_hex_list(self) -> list[str]:
        """The subtree roots as lowercase hex, for a JSON column next to `size`."""
        return [h.hex() for h in self._hashes]

    @classmethod
    def from_hashes(cls, size: int, hashes: Sequence[bytes]) -> CompactRange:
        """Rebuild from a stored size and its subtree roots, checking they fit together."""
        if size < 0:
            raise InputError(f"a compact range cannot have {size} leaves")
        expected = size.bit_count()
        if len(hashes) != expected:
            raise InputError(
                f"a compact range of {size} leaves needs {expected} subtree hashes, "
                f"got {len(hashes)}"
            )
        if not all(_is_hash(h) for h in hashes):
            raise InputError(f"every compact range hash must be {HASH_SIZE} bytes")
        rng = cls()
        rng._size = size
        rng._hashes = [bytes(h) for h in hashes]
        return rng

    @classmethod
    def from_hex_list(cls, size: int, hashes: Sequence[str]) -> CompactRange:
        """Inverse of `to_hex_list`."""
        try:
            raw = [bytes.fromhex(h) for h in hashes]
        except (ValueError, TypeError) as exc:
            raise InputError(f"stored compact range is not hex: {exc}") from exc
        return cls.from_hashes(size, raw)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CompactRange):
            return NotImplemented
        return self._size == other._size and self._hashes == other._hashes

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"CompactRange(size={self._size}, root={self.root().hex()[:16]}…)"
