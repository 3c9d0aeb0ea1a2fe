"""The custody log's Merkle tree gives the same roots and proofs as Certificate Transparency."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from corroborate.custody.merkle import (
    EMPTY_ROOT,
    CompactRange,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from corroborate.errors import InputError

# Published RFC 6962 vectors, copied verbatim from github.com/transparency-dev/merkle
# testonly/constants.go and proof/verify_test.go (the set trillian and CT use); see the file.
VECTORS = json.loads((Path(__file__).parent / "data/merkle/rfc6962_vectors.json").read_text())
LEAF_INPUTS = [bytes.fromhex(x) for x in VECTORS["leaf_inputs"]]
LEAF_HASHES = [leaf_hash(x) for x in LEAF_INPUTS]
ROOTS = [bytes.fromhex(x) for x in VECTORS["roots_by_size"]]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def _hx(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(v) for v in values]


def _reference_mth(d: list[bytes]) -> bytes:
    """MTH written straight from the RFC 6962 text, recursion and all, to check the fast one."""
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = 1
    while k * 2 < len(d):
        k *= 2
    return node_hash(_reference_mth(d[:k]), _reference_mth(d[k:]))


def _reference_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = 1
    while k * 2 < len(d):
        k *= 2
    if m < k:
        return _reference_path(m, d[:k]) + [_reference_mth(d[k:])]
    return _reference_path(m - k, d[k:]) + [_reference_mth(d[:k])]


def _reference_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [_reference_mth(d)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return _reference_subproof(m, d[:k], b) + [_reference_mth(d[k:])]
    return _reference_subproof(m - k, d[k:], False) + [_reference_mth(d[:k])]


def _leaves(n: int) -> list[bytes]:
    return [leaf_hash(f"custody entry {i}".encode()) for i in range(n)]


def _flip(value: bytes, bit: int = 3) -> bytes:
    return bytes([value[0] ^ (1 << bit)]) + value[1:]


# --- the published vectors ---------------------------------------------------------------


def test_leaf_and_node_hashes_match_the_published_tree() -> None:
    levels = [_hx(level) for level in VECTORS["node_hashes"]]
    assert LEAF_HASHES == levels[0]
    for height in range(1, len(levels)):
        below = levels[height - 1]
        assert levels[height] == [
            node_hash(below[i], below[i + 1]) for i in range(0, len(below), 2)
        ]


def test_empty_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT == ROOTS[0] == root([])


@pytest.mark.parametrize("size", range(0, 9))
def test_root_of_each_prefix_matches_the_published_root(size: int) -> None:
    assert root(LEAF_HASHES[:size]) == ROOTS[size]


@pytest.mark.parametrize(
    "vector", VECTORS["inclusion_proofs"], ids=lambda v: f"{v['leaf']}of{v['size']}"
)
def test_inclusion_proof_matches_the_published_proof(vector: dict) -> None:
    index, size, expected = vector["leaf"] - 1, vector["size"], _hx(vector["proof"])
    assert inclusion_proof(index, LEAF_HASHES[:size]) == expected
    assert verify_inclusion(index, size, LEAF_HASHES[index], expected, ROOTS[size])


@pytest.mark.parametrize(
    "vector", VECTORS["consistency_proofs"], ids=lambda v: f"{v['size1']}to{v['size2']}"
)
def test_consistency_proof_matches_the_published_proof(vector: dict) -> None:
    old, new, expected = vector["size1"], vector["size2"], _hx(vector["proof"])
    assert consistency_proof(old, LEAF_HASHES[:new]) == expected
    assert verify_consistency(old, new, ROOTS[old], ROOTS[new], expected)


def test_compact_range_holds_the_published_subtree_roots() -> None:
    # CompactTrees() in transparency-dev/merkle testonly/constants.go.
    nh = [_hx(level) for level in VECTORS["node_hashes"]]
    expected = [
        [],
        [nh[0][0]],
        [nh[1][0]],
        [nh[1][0], nh[0][2]],
        [nh[2][0]],
        [nh[2][0], nh[0][4]],
        [nh[2][0], nh[1][2]],
        [nh[2][0], nh[1][2], nh[0][6]],
        [nh[3][0]],
    ]
    rng = CompactRange()
    for size in range(9):
        assert list(rng.hashes) == expected[size]
        assert rng.root() == ROOTS[size]
        if size < 8:
            rng.append(LEAF_HASHES[size])


# --- every size up to 64 -----------------------------------------------------------------

LEAVES_64 = _leaves(64)
ROOTS_64 = [root(LEAVES_64[:n]) for n in range(65)]


def test_fast_root_and_proofs_equal_the_rfc_text_for_every_size() -> None:
    for n in range(1, 65):
        d = LEAVES_64[:n]
        assert ROOTS_64[n] == _reference_mth(d)
        for m in range(n):
            assert inclusion_proof(m, d) == _reference_path(m, d)
        for m in range(1, n):
            assert consistency_proof(m, d) == _reference_subproof(m, d, True)


def test_every_inclusion_proof_verifies_and_no_corruption_does() -> None:
    for n in range(1, 65):
        d = LEAVES_64[:n]
        r = ROOTS_64[n]
        for i in range(n):
            proof = inclusion_proof(i, d)
            assert verify_inclusion(i, n, d[i], proof, r), (i, n)
            bad: list[tuple[int, int, bytes, list[bytes], bytes, str]] = [
                (i - 1, n, d[i], proof, r, "index - 1"),
                (i + 1, n, d[i], proof, r, "index + 1"),
                (i ^ 2, n, d[i], proof, r, "index ^ 2"),
                (i, n * 2, d[i], proof, r, "size * 2"),
                (i, n // 2, d[i], proof, r, "size / 2"),
                (i, n, leaf_hash(b"forged"), proof, r, "wrong leaf"),
                (i, n, _flip(d[i]), proof, r, "leaf bit"),
                (i, n, d[i], proof, _flip(r), "root bit"),
                (i, n, d[i], proof, EMPTY_ROOT, "empty root"),
                (i, n, d[i], proof + [SOME_HASH], r, "trailing hash"),
                (i, n, d[i], proof + [r], r, "trailing root"),
                (i, n, d[i], [r] + proof, r, "preceding root"),
                (i, n, d[i], proof + [b""], r, "trailing garbage"),
            ]
            if proof:
                bad.append((i, n, d[i], proof[:-1], r, "truncated"))
                bad.append((i, n, d[i], proof[1:], r, "first removed"))
            if len(proof) > 1:
                bad.append((i, n, d[i], [proof[0], SOME_HASH, *proof[1:]], r, "inserted"))
            for k in range(len(proof)):
                wrong = list(proof)
                wrong[k] = _flip(wrong[k])
                bad.append((i, n, d[i], wrong, r, f"proof[{k}] bit"))
            for bi, bn, bl, bp, br, desc in bad:
                if (bi, bn) == (i, n) or not (0 <= bi < bn <= 64) or bp != proof:
                    assert not verify_inclusion(bi, bn, bl, bp, br), (i, n, desc)
                elif inclusion_proof(bi, LEAVES_64[:bn]) != proof or ROOTS_64[bn] != r:
                    # Another (index, size) can only pass if it has this very path and root.
                    assert not verify_inclusion(bi, bn, bl, bp, br), (i, n, desc)


def test_every_consistency_proof_verifies_and_no_corruption_does() -> None:
    for n in range(1, 65):
        for m in range(0, n + 1):
            proof = consistency_proof(m, LEAVES_64[:n])
            r1, r2 = ROOTS_64[m], ROOTS_64[n]
            assert verify_consistency(m, n, r1, r2, proof), (m, n)
            if m == 0 or m == n:
                assert proof == []
                assert not verify_consistency(m, n, r1, r2, [SOME_HASH])
                assert not verify_consistency(m, n, _flip(r1), r2, [])
                continue
            bad: list[tuple[int, int, bytes, bytes, list[bytes], str]] = [
                (m - 1, n, r1, r2, proof, "old size - 1"),
                (m + 1, n, r1, r2, proof, "old size + 1"),
                (m ^ 2, n, r1, r2, proof, "old size ^ 2"),
                (m, n * 2, r1, r2, proof, "new size * 2"),
                (m, n // 2, r1, r2, proof, "new size / 2"),
                (m, n, _flip(r1), r2, proof, "old root bit"),
                (m, n, r1, _flip(r2), proof, "new root bit"),
                (m, n, r2, r1, proof, "swapped roots"),
                (m, n, r1, r2, [], "empty proof"),
                (m, n, r1, r2, proof + [b""], "trailing garbage"),
                (m, n, r1, r2, proof + [r1], "trailing old root"),
                (m, n, r1, r2, proof + [r2], "trailing new root"),
                (m, n, r1, r2, [r1] + proof, "preceding old root"),
                (m, n, r1, r2, [r2] + proof, "preceding new root"),
                (m, n, r1, r2, [proof[0]] + proof, "preceding proof[0]"),
                (m, n, r1, r2, proof[:-1], "truncated"),
            ]
            for k in range(len(proof)):
                wrong = list(proof)
                wrong[k] = _flip(wrong[k], 4)
                bad.append((m, n, r1, r2, wrong, f"proof[{k}] bit"))
            for bm, bn, b1, b2, bp, desc in bad:
                if (bm, bn) != (m, n) and 0 < bm <= bn <= 64 and bp == proof:
                    if (
                        consistency_proof(bm, LEAVES_64[:bn]) == proof
                        and ROOTS_64[bm] == b1
                        and ROOTS_64[bn] == b2
                    ):
                        continue
                assert not verify_consistency(bm, bn, b1, b2, bp), (m, n, desc)


def test_a_log_that_rewrote_an_entry_cannot_prove_consistency() -> None:
    old = LEAVES_64[:20]
    rewritten = list(LEAVES_64[:40])
    rewritten[7] = leaf_hash(b"quietly edited")
    proof = consistency_proof(20, rewritten)
    assert not verify_consistency(20, 40, root(old), root(rewritten), proof)


def test_verifiers_reject_impossible_sizes() -> None:
    h = LEAVES_64[0]
    assert verify_inclusion(0, 1, h, [], h)
    assert not verify_inclusion(0, 0, h, [], h)
    assert not verify_inclusion(1, 1, h, [], h)
    assert not verify_inclusion(-1, 1, h, [], h)
    assert not verify_inclusion(0, 1, b"", [], b"")
    assert not verify_consistency(2, 1, h, h, [])
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert not verify_consistency(0, 5, SOME_HASH, ROOTS_64[5], [])


def test_proofs_for_entries_outside_the_log_are_refused() -> None:
    with pytest.raises(InputError, match="no entry 5 in a log of 5 entries"):
        inclusion_proof(5, LEAVES_64[:5])
    with pytest.raises(InputError, match="5 entries extends one of 6"):
        consistency_proof(6, LEAVES_64[:5])


# --- the compact range a log keeps -------------------------------------------------------


def test_compact_range_root_equals_full_root_for_every_size_up_to_200() -> None:
    leaves = _leaves(200)
    rng = CompactRange()
    assert rng.root() == EMPTY_ROOT and rng.size == 0
    for n, h in enumerate(leaves, start=1):
        rng.append(h)
        assert rng.size == n
        assert rng.root() == root(leaves[:n]), n
        assert len(rng.hashes) == n.bit_count()


def test_compact_range_survives_a_round_trip_through_a_database_row() -> None:
    leaves = _leaves(77)
    rng = CompactRange()
    rng.extend(leaves[:50])
    stored = json.dumps({"size": rng.size, "hashes": rng.to_hex_list()})
    row = json.loads(stored)
    reloaded = CompactRange.from_hex_list(row["size"], row["hashes"])
    assert reloaded == rng
    reloaded.extend(leaves[50:])
    assert reloaded.root() == root(leaves)
    assert rng.size == 50  # the original is untouched


def test_compact_range_refuses_a_corrupt_row() -> None:
    with pytest.raises(InputError, match="needs 3 subtree hashes, got 2"):
        CompactRange.from_hex_list(7, ["00" * 32, "11" * 32])
    with pytest.raises(InputError, match="not hex"):
        CompactRange.from_hex_list(1, ["zz"])
    with pytest.raises(InputError, match="32 bytes"):
        CompactRange.from_hex_list(1, ["00" * 31])
    with pytest.raises(InputError, match="32 bytes"):
        CompactRange().append(b"short")


# --- scale ---------------------------------------------------------------------------------


def test_a_large_log_needs_no_deep_recursion() -> None:
    n = (1 << 17) + 3
    leaves = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(n)]
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(100)
    try:
        r = root(leaves)
        index = n - 2
        proof = inclusion_proof(index, leaves)
        old_root = root(leaves[:100_000])
        cproof = consistency_proof(100_000, leaves)
    finally:
        sys.setrecursionlimit(old_limit)
    rng = CompactRange()
    rng.extend(leaves)
    assert rng.root() == r
    assert verify_inclusion(index, n, leaves[index], proof, r)
    assert verify_consistency(100_000, n, old_root, r, cproof)
