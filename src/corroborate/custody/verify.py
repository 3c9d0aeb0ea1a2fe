"""Re-check the custody log: every entry rehashed, the tree rebuilt, every signed head and
timestamp token checked. Each problem is reported with what and where."""

from __future__ import annotations

import json

from sqlalchemy import select

from corroborate.config import Archive
from corroborate.core import Problem, TreeHead
from corroborate.custody import keys, merkle
from corroborate.custody.log import leaf_data, to_head
from corroborate.custody.models import CustodyEntryRow, TimestampTokenRow, TreeHeadRow


def verify_log(archive: Archive) -> list[Problem]:
    """Problems in the custody log, oldest first; an empty list means it all holds."""
    problems: list[Problem] = []
    public = keys.load_public(archive.key_dir)
    with archive.session() as session:
        heads = list(session.scalars(select(TreeHeadRow).order_by(TreeHeadRow.tree_size)))
        tokens = list(session.scalars(select(TimestampTokenRow).order_by(TimestampTokenRow.id)))
        rows = session.scalars(select(CustodyEntryRow).order_by(CustodyEntryRow.seq))
        compact = merkle.CompactRange()
        head_iter = iter(heads)
        next_head = next(head_iter, None)
        expected = 1
        roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT}
        for row in rows:
            if row.seq != expected:
                missing = (
                    f"{expected}" if row.seq == expected + 1 else f"{expected}-{row.seq - 1}"
                )
                problems.append(
                    Problem(
                        "removed_entry",
                        f"custody entry {missing}",
                        f"custody entry {missing} is missing from the log (removed)",
                    )
                )
                expected = row.seq
            try:
                actual = merkle.leaf_hash(leaf_data(row)).hex()
            except ValueError:
                actual = "unreadable"
            if actual != row.leaf_hash:
                problems.append(
                    Problem(
                        "altered_entry",
                        f"custody entry {row.seq}",
                        f"custody entry {row.seq} ({row.action}) was altered: its content no "
                        "longer matches the hash sealed in the log",
                    )
                )
            # the tree is rebuilt from the content as it is now, so an edit shows in every head
            compact.append(bytes.fromhex(actual) if actual != "unreadable" else b"\0" * 32)
            expected += 1
            while next_head is not None and next_head.tree_size <= compact.size:
                if next_head.tree_size == compact.size:
                    roots[compact.size] = compact.root()
                next_head = next(head_iter, None)
        log_size = compact.size

    for head_row in heads:
        head = to_head(head_row)
        where = f"tree head {head.tree_size}"
        if head.key_id != archive.settings.get("key_id") or not keys.signature_valid(
            public, head.signed_bytes(), head.signature
        ):
            problems.append(
                Problem("bad_signature", where, f"{where}: signature does not verify")
            )
        if head.tree_size > log_size:
            problems.append(
                Problem(
                    "removed_entry",
                    where,
                    f"{where} covers {head.tree_size} entries but the log holds {log_size}: "
                    "entries were removed",
                )
            )
        elif roots.get(head.tree_size, b"").hex() != head.root_hash:
            problems.append(
                Problem(
                    "head_mismatch",
                    where,
                    f"{where}: the log's entries no longer hash to the signed root",
                )
            )
        try:
            json.loads(head_row.frontier)
        except ValueError:
            problems.append(Problem("altered_head", where, f"{where}: stored frontier unreadable"))
    if heads and heads[-1].tree_size < log_size:
        problems.append(
            Problem(
                "unsigned_entries",
                f"custody entries {heads[-1].tree_size + 1}-{log_size}",
                f"{log_size - heads[-1].tree_size} custody entries are not covered by any "
                "signed head (appended outside corroborate)",
            )
        )
    if not heads and log_size:
        problems.append(Problem("unsigned_entries", "custody log", "no signed tree head at all"))

    head_by_size = {h.tree_size: to_head(h) for h in heads}
    for token in tokens:
        problems.extend(_check_token(archive, token, head_by_size))
    return problems


def _check_token(
    archive: Archive, token: TimestampTokenRow, heads: dict[int, TreeHead]
) -> list[Problem]:
    from corroborate.custody.timestamp import verify_timestamp
    from corroborate.errors import CorroborateError

    where = f"timestamp token {token.id} (tree head {token.tree_size})"
    head = heads.get(token.tree_size)
    if head is None:
        return [Problem("bad_timestamp", where, f"{where}: the head it covers is missing")]
    try:
        verify_timestamp(token.response, head.signed_bytes())
    except CorroborateError as exc:
        return [Problem("bad_timestamp", where, f"{where}: {exc}")]
    return []
