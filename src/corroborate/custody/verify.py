"""Re-check the custody log: every entry rehashed, the tree rebuilt, every signed head and
timestamp token checked. Each problem is reported with what and where."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from corroborate.core import Problem, TreeHead
from corroborate.custody import keys, merkle, rotation, trust
from corroborate.custody.log import leaf_data, to_head
from corroborate.custody.models import CustodyEntryRow, TimestampTokenRow, TreeHeadRow
from corroborate.custody.proofs import TIMESTAMP_TOLERANCE, backdated, head_signature_holds
from corroborate.custody.timestamp import verify_timestamp
from corroborate.errors import CorroborateError, InputError
from corroborate.storage.archive import Archive

ANCHOR_ACTION = "custody.anchor"


def verify_log(archive: Archive) -> list[Problem]:
    """Problems in the custody log, oldest first; an empty list means it all holds."""
    problems: list[Problem] = []
    intact: set[int] = set()
    with archive.session() as session:
        key_schedule = rotation.schedule(archive, session)
        heads = list(session.scalars(select(TreeHeadRow).order_by(TreeHeadRow.tree_size)))
        tokens = list(session.scalars(select(TimestampTokenRow).order_by(TimestampTokenRow.id)))
        anchor_rows = list(
            session.execute(
                select(CustodyEntryRow.seq, CustodyEntryRow.details)
                .where(CustodyEntryRow.action == ANCHOR_ACTION)
                .order_by(CustodyEntryRow.seq)
            )
        )
        trust_rows = list(
            session.execute(
                select(CustodyEntryRow.seq, CustodyEntryRow.details)
                .where(CustodyEntryRow.action == trust.TRUST_ACTION)
                .order_by(CustodyEntryRow.seq)
            )
        )
        rows = session.scalars(select(CustodyEntryRow).order_by(CustodyEntryRow.seq))
        compact = merkle.CompactRange()
        head_iter = iter(heads)
        next_head = next(head_iter, None)
        expected = 1
        roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT}
        for row in rows:
            if row.seq != expected:
                missing = f"{expected}" if row.seq == expected + 1 else f"{expected}-{row.seq - 1}"
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
            else:
                intact.add(row.seq)
            # the tree is rebuilt from the content as it is now, so an edit shows in every head
            compact.append(bytes.fromhex(actual) if actual != "unreadable" else b"\0" * 32)
            expected += 1
            while next_head is not None and next_head.tree_size <= compact.size:
                if next_head.tree_size == compact.size:
                    roots[compact.size] = compact.root()
                next_head = next(head_iter, None)
        log_size = compact.size

    problems.extend(key_schedule.problems)
    if key_schedule.in_force != archive.settings.get("key_id"):
        problems.append(
            Problem(
                "retired_key",
                "archive.json",
                f"this archive folder signs with key {archive.settings.get('key_id')}, but the "
                f"custody log's key in force is {key_schedule.in_force}",
            )
        )
    for head_row in heads:
        head = to_head(head_row)
        where = f"tree head {head.tree_size}"
        wanted = key_schedule.key_for(head.tree_size)
        public = key_schedule.public.get(wanted)
        if head.key_id != wanted:
            problems.append(
                Problem(
                    "bad_signature",
                    where,
                    f"{where} is signed by key {head.key_id}, which the custody log did not "
                    f"put in force (key in force at that size: {wanted})",
                )
            )
        elif public is None:
            problems.append(
                Problem(
                    "bad_signature",
                    where,
                    f"{where}: the public key of key {wanted} is not in {archive.key_dir}",
                )
            )
        elif not head_signature_holds(head, public):
            problems.append(Problem("bad_signature", where, f"{where}: signature does not verify"))
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
    signed_size = heads[-1].tree_size if heads else 0
    if heads and signed_size < log_size:
        problems.append(
            Problem(
                "unsigned_entries",
                f"custody entries {signed_size + 1}-{log_size}",
                f"{log_size - signed_size} custody entries are not covered by any "
                "signed head (appended outside corroborate)",
            )
        )
    if not heads and log_size:
        problems.append(Problem("unsigned_entries", "custody log", "no signed tree head at all"))

    # only trust entries that are intact and under a signed head count
    trusted = []
    for seq, details in trust_rows:
        if seq not in intact or seq > signed_size:
            continue
        parsed = trust.parse_entry(seq, _json_object(details))
        if parsed is None:
            problems.append(
                Problem(
                    "bad_trust_entry",
                    f"custody entry {seq}",
                    f"custody entry {seq}: trusted timestamp CA entry holds no certificate "
                    "matching its SHA-256",
                )
            )
        else:
            trusted.append(parsed)
    head_by_size = {h.tree_size: to_head(h) for h in heads}
    problems.extend(_check_tokens(tokens, anchor_rows, head_by_size, trust.bundle(trusted)))
    return problems


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _check_tokens(
    tokens: list[TimestampTokenRow],
    anchor_rows: list[Any],
    heads: dict[int, TreeHead],
    ca_bundle: bytes | None,
) -> list[Problem]:
    """Each token checks, chains to a trusted CA, is not backdated, and matches a log entry."""
    problems: list[Problem] = []
    by_id: dict[int, tuple[int, dict[str, Any]]] = {}
    by_time: dict[tuple[int, str], tuple[int, dict[str, Any]]] = {}
    for seq, text in anchor_rows:
        details = _json_object(text)
        if isinstance(details.get("token_id"), int):
            by_id[details["token_id"]] = (seq, details)
        else:  # entries written before tokens were named by id
            by_time[(details.get("tree_size", -1), str(details.get("gen_time")))] = (seq, details)
    matched: set[int] = set()
    for token in tokens:
        where = f"timestamp token {token.id} (tree head {token.tree_size})"
        entry = by_id.get(token.id) or by_time.get((token.tree_size, token.gen_time.isoformat()))
        if entry is None:
            problems.append(
                Problem(
                    "unlogged_timestamp",
                    where,
                    f"{where} has no custody.anchor entry in the log (added outside corroborate)",
                )
            )
        else:
            matched.add(entry[0])
            digest = hashlib.sha256(token.response).hexdigest()
            logged = entry[1]
            if logged.get("token_sha256", digest) != digest or logged.get("tree_size") != (
                token.tree_size
            ):
                problems.append(
                    Problem(
                        "bad_timestamp",
                        where,
                        f"{where} differs from the token custody entry {entry[0]} logged",
                    )
                )
        problems.extend(_check_token(token, where, heads, ca_bundle))
    for seq, text in anchor_rows:
        if seq in matched:
            continue
        details = _json_object(text)
        token_id = details.get("token_id", "?")
        problems.append(
            Problem(
                "missing_timestamp",
                f"custody entry {seq}",
                f"custody entry {seq} records timestamp token {token_id} of tree head "
                f"{details.get('tree_size', '?')}, but the token is missing (deleted)",
            )
        )
    return problems


def _check_token(
    token: TimestampTokenRow, where: str, heads: dict[int, TreeHead], ca_bundle: bytes | None
) -> list[Problem]:
    head = heads.get(token.tree_size)
    if head is None:
        return [Problem("bad_timestamp", where, f"{where}: the head it covers is missing")]
    try:
        info = verify_timestamp(token.response, head.signed_bytes())
    except CorroborateError as exc:
        return [Problem("bad_timestamp", where, f"{where}: {exc}")]
    problems = []
    if ca_bundle is None:
        problems.append(
            Problem(
                "untrusted_timestamp",
                where,
                f"{where}: no timestamp authority is trusted in this archive, so who issued it "
                f"({info.tsa}) cannot be checked; add its CA with `custody trust-tsa`",
            )
        )
    else:
        try:
            verify_timestamp(token.response, head.signed_bytes(), ca_bundle)
        except CorroborateError as exc:
            problems.append(Problem("untrusted_timestamp", where, f"{where}: {exc}"))
    if backdated(info.gen_time, head):
        problems.append(
            Problem(
                "backdated_timestamp",
                where,
                f"{where} is dated {info.gen_time.isoformat()}, before the head it covers was "
                f"signed ({head.timestamp_text}); a token cannot precede what it stamps "
                f"(tolerance {TIMESTAMP_TOLERANCE.total_seconds() / 60:g} minutes)",
            )
        )
    return problems


@dataclass(frozen=True)
class ConsistencyCheck:
    """What a consistency check compared, what it could not, and what failed."""

    old_size: int
    old_root: str | None
    new_head: TreeHead
    proof: list[str]
    checked: list[str] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        """True only when an old root was compared with today's log and nothing failed."""
        return self.old_root is not None and self.old_size > 0 and not self.problems


def earlier_head(spec: str) -> TreeHead | tuple[int, str | None]:
    """What a user gives as an earlier head: a JSON file from `custody head --json` (a full
    signed head, or at least its size and root) or `SIZE:ROOT` / `SIZE`. InputError if not."""
    path = Path(spec)
    if path.is_file() or spec.endswith(".json"):
        try:
            text = path.read_text()
        except OSError as exc:
            raise InputError(f"{spec}: cannot read ({exc.strerror})") from None
        try:
            return TreeHead.from_json(text)
        except ValueError as exc:
            try:
                data = json.loads(text)
                size, root = data["tree_size"], data["root_hash"]
            except (ValueError, KeyError, TypeError):
                raise InputError(
                    f"{spec}: not a tree head from `custody head --json` ({exc})"
                ) from None
            if isinstance(size, int) and size >= 0 and isinstance(root, str):
                return size, _earlier_root(spec, root)
            raise InputError(
                f"{spec}: not a tree head from `custody head --json` ({exc})"
            ) from None
    size_text, _, root = spec.partition(":")
    if not size_text.isdigit():
        raise InputError(f"{spec}: give a head file from `custody head --json` or SIZE:ROOT")
    return int(size_text), _earlier_root(spec, root) if root else None


def _earlier_root(spec: str, root: str) -> str:
    if not re.fullmatch(r"[0-9a-fA-F]{64}", root):
        raise InputError(f"{spec}: the root must be 64 hex digits (the head's root_hash)")
    return root.lower()


def check_consistency(archive: Archive, old: TreeHead | tuple[int, str | None]) -> ConsistencyCheck:
    """Check that an earlier published head (a full signed head, or size and root) is a prefix
    of today's log, saying exactly what was compared."""
    from corroborate.custody.log import consistency

    signed = old if isinstance(old, TreeHead) else None
    size, root = (old.tree_size, old.root_hash) if isinstance(old, TreeHead) else old
    proof = consistency(archive, size, root)
    new = proof.new_head
    checked: list[str] = []
    not_checked: list[str] = []
    problems: list[str] = []
    with archive.session() as session:
        key_schedule = rotation.schedule(archive, session)
    for label, head in (("the earlier head", signed), ("today's head", new)):
        if head is None:
            not_checked.append(
                "the earlier head's signature: only a size and root were given (pass the JSON "
                "of `custody head --json` to check it)"
            )
            continue
        if head.tree_size == 0 and not head.signature:
            continue
        wanted = key_schedule.key_for(head.tree_size)
        public = key_schedule.public.get(head.key_id)
        if head.key_id != wanted:
            problems.append(
                f"{label} (size {head.tree_size}) is signed by key {head.key_id}, which this "
                f"log did not have in force at that size ({wanted})"
            )
        elif public is None or not head_signature_holds(head, public):
            problems.append(f"{label} (size {head.tree_size}): signature does not verify")
        else:
            checked.append(
                f"{label} (size {head.tree_size}) is signed by key {head.key_id} "
                f"(fingerprint {keys.fingerprint(public)})"
            )
    if size == 0:
        not_checked.append("a head of size 0 is a prefix of every log: there is nothing to compare")
    elif root is None:
        not_checked.append(
            f"no root was given for size {size}: the proof was computed from today's log, so "
            "nothing was compared"
        )
    elif proof.verify():
        checked.append(
            f"the earlier root {root} (size {size}) is a prefix of today's log "
            f"(size {new.tree_size}, root {new.root_hash})"
        )
    else:
        problems.append(
            f"the earlier root {root} (size {size}) is NOT a prefix of today's log (size "
            f"{new.tree_size}): the log was rewritten, or the head is not this archive's"
        )
    return ConsistencyCheck(
        size, None if size == 0 else root, new, proof.proof, checked, not_checked, problems
    )
