"""Checking an evidence package offline, with nothing but the zip and the key the verifier chose.

`verify_package` runs the checks in order, each its own function: the member names
(`_check_names`), the signed head and the key it is checked against (`_check_head`), the
inclusion and consistency proofs and the export record they prove (`_check_proofs`), every file
against that record (`_check_files`), the custody entries the readable JSON files show against
the proven ones (`_check_entries`), `MANIFEST.sha256` (`_check_manifest`), and the RFC 3161
tokens (`_check_stamps`). Proofs and signatures are checked by `custody.proofs`, the same code
that checks the archive's own log; this module only reads the package's form of them.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from corroborate.core import Problem, ProblemKind, TreeHead
from corroborate.custody import keys, proofs
from corroborate.custody.log import canonical_json
from corroborate.custody.proofs import TIMESTAMP_TOLERANCE
from corroborate.custody.timestamp import verify_timestamp
from corroborate.errors import CorroborateError, FormatError, InputError
from corroborate.report import safezip
from corroborate.report.package import (
    ENTRIES,
    FORMAT,
    HEAD,
    MANIFEST,
    PROOFS,
    PUBLIC_KEY,
    UNRECORDED,
    Progress,
    key_fingerprint,
    member_is_safe,
    member_json,
)
from corroborate.report.safezip import ZipLimits

_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEAD_FIELDS = {"tree_size", "root_hash", "timestamp", "signature", "key_id"}
# What ordinary zip tools add beside the files; not evidence, so set aside (and said so).
_OS_METADATA_DIRS = ("__MACOSX/",)
_OS_METADATA_FILES = (".DS_Store", "Thumbs.db", "desktop.ini")


@dataclass(frozen=True)
class PinnedKey:
    """The custody key a verifier chose: a public key, or only its fingerprint."""

    fingerprint: str
    public: Ed25519PublicKey | None
    source: str


@dataclass(frozen=True)
class PackageTimestamp:
    """A checked RFC 3161 token: the log's first `tree_size` entries existed by `gen_time`."""

    tree_size: int
    gen_time: datetime
    tsa: str
    token: str  # the .tsr file in the package
    tsa_trusted: bool  # chained to a CA the verifier gave


@dataclass
class PackageCheck:
    """The result of checking a package offline; `problems` names everything altered."""

    path: Path
    incident: str | None = None
    files_checked: int = 0
    proofs_checked: int = 0
    tree_size: int | None = None
    root_hash: str | None = None
    key_id: str | None = None
    key_fingerprint: str | None = None  # of the key the head was checked against
    key_pinned: bool = False
    timestamps: list[PackageTimestamp] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # OS metadata entries set aside
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, kind: ProblemKind, where: str, message: str) -> None:
        self.problems.append(Problem(kind, where, message))


def _head_from(data: Any) -> TreeHead:
    """A head from its JSON form (`TreeHead.from_json`), held to exactly what a package writes:
    these five fields, a size of at least 1, the timestamp as signed; FormatError otherwise."""
    if not isinstance(data, dict) or set(data) != _HEAD_FIELDS:
        raise FormatError("not a tree head")
    head = TreeHead.from_json(data, exact=True)
    if head.tree_size < 1:
        raise FormatError("bad tree size")
    if head.timestamp_text != data["timestamp"]:
        raise FormatError("the timestamp is not in the form its signature covers")
    return head


# -- choosing the key ---------------------------------------------------------------------
def pinned_key(text_or_pem: bytes, source: str) -> PinnedKey:
    """The key a verifier pins: a PEM public key, or its 64-hex fingerprint (colons allowed)."""
    if b"-----BEGIN" in text_or_pem:
        try:
            public = serialization.load_pem_public_key(text_or_pem)
        except ValueError as exc:
            raise InputError(f"{source}: not a readable PEM public key ({exc})") from None
        if not isinstance(public, Ed25519PublicKey):
            raise InputError(f"{source}: not an Ed25519 public key")
        return PinnedKey(key_fingerprint(public), public, source)
    try:
        text = text_or_pem.decode("ascii").strip()
    except UnicodeDecodeError:
        raise InputError(f"{source}: neither a PEM public key nor a hex fingerprint") from None
    hexed = re.sub(r"[\s:]", "", text.lower().removeprefix("sha256:"))
    if re.fullmatch(r"[0-9a-f]{16}", hexed):
        raise InputError(
            f"{source}: {hexed} is a short key id; pin the full 64-hex fingerprint (or the PEM key)"
        )
    if not _HEX64.fullmatch(hexed):
        raise InputError(f"{source}: neither a PEM public key nor a 64-hex SHA-256 fingerprint")
    return PinnedKey(hexed, None, source)


def pinned_key_file(path: Path) -> PinnedKey:
    try:
        with open(path, "rb") as fh:
            data = fh.read(64 * 1024)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the key ({exc.strerror or exc})") from None
    return pinned_key(data, str(path))


@dataclass
class _Entry:
    name: str  # without the root folder a re-zip may have added
    info: zipfile.ZipInfo


def _is_os_metadata(name: str) -> bool:
    """macOS AppleDouble files (`__MACOSX/…/._name`) and folder caches (.DS_Store, Thumbs.db)."""
    base = name.rstrip("/").rsplit("/", 1)[-1]
    if name.startswith(_OS_METADATA_DIRS):
        return name.endswith("/") or base.startswith("._")
    return base in _OS_METADATA_FILES


def _root_folder(names: list[str]) -> str:
    """The folder the package sits in when it was unzipped and re-zipped as a folder."""
    if MANIFEST in names:
        return ""
    candidates = [n[: -len(MANIFEST)] for n in names if n.endswith("/" + MANIFEST)]
    return candidates[0] if len(candidates) == 1 else ""


def verify_package(
    path: Path,
    *,
    key: PinnedKey | None = None,
    tsa_ca_pem: bytes | None = None,
    limits: ZipLimits | None = None,
    progress: Progress | None = None,
) -> PackageCheck:
    """Check a package with nothing but the package and the key the verifier chose.

    Every file against the signed export record, every proof against the signed head, the
    head's signature against `key` (or, unpinned, the key inside, said so in `notes`), each
    timestamp token over its head. Memory and time stay bounded by `limits` whatever the zip
    holds; a hostile zip is refused before its content is read. `progress(done, total)` is told
    the bytes hashed so far.
    """
    path = Path(path)
    limits = limits or ZipLimits()
    check = PackageCheck(path)
    try:
        opened = safezip.open_zip(path, limits)
    except safezip.HostileZip as exc:
        check.problem("hostile_zip", str(path), f"refused to unpack: {exc}")
        return check
    with opened as zf:
        infos = zf.infolist()
        hostile = safezip.declared_problems(infos, path.stat().st_size, limits)
        if hostile:
            for reason in hostile:
                check.problem("hostile_zip", str(path), f"refused to unpack: {reason}")
            return check
        try:
            _verify_open(zf, infos, check, key, tsa_ca_pem, limits, progress)
        except CorroborateError:
            raise
        except safezip.READ_ERRORS as exc:  # damage the per-file checks did not expect
            check.problem("damaged_zip", str(path), f"{path}: the zip is damaged ({exc})")
    return check


class _Members:
    """The package's files by name (without a re-zip's root folder), each copy kept, and the
    small reads the checks share; a missing, oversized or damaged member is a problem."""

    def __init__(
        self,
        zf: zipfile.ZipFile,
        by_name: dict[str, list[zipfile.ZipInfo]],
        check: PackageCheck,
        limits: ZipLimits,
    ) -> None:
        self.zf, self.by_name, self.check, self.limits = zf, by_name, check, limits

    def small(self, name: str, cap: int) -> bytes | None:
        """The last copy of `name`, read whole up to `cap` bytes."""
        copies = self.by_name.get(name)
        if not copies:
            self.check.problem("missing_file", name, f"{name} is missing from the package")
            return None
        try:
            return safezip.read_small(self.zf, copies[-1], cap)
        except safezip.LimitExceeded as exc:
            self.check.problem("too_large", name, f"{name}: not read, it {exc}")
            return None
        except safezip.READ_ERRORS as exc:
            self.check.problem("damaged_file", name, f"{name}: cannot be read ({exc})")
            return None

    def parsed(self, name: str) -> Any:
        """A JSON member's value; it must be byte for byte as the package writes it."""
        raw = self.small(name, self.limits.parsed_bytes)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            self.check.problem("altered_file", name, f"{name} is not readable JSON")
            return None
        if member_json(value) != raw:
            self.check.problem(
                "altered_file", name, f"{name} was altered: it is not as it was written"
            )
        return value


@dataclass
class _Proven:
    """What the proofs established: the export record (None when none was proven), the
    entries proven, and the consistency proofs by the size they start from."""

    record: dict[str, Any] | None
    proven: set[int]
    consistency: dict[int, list[str]]
    leaves: dict[int, dict[str, Any]] = field(default_factory=dict)  # each proven entry's leaf


def _verify_open(
    zf: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    check: PackageCheck,
    key: PinnedKey | None,
    tsa_ca_pem: bytes | None,
    limits: ZipLimits,
    progress: Progress | None,
) -> None:
    members = _Members(zf, _check_names(infos, check), check, limits)
    head, verifier = _check_head(members, key, check)
    proven = _check_proofs(members, head, check)
    if proven is None:
        return
    if proven.record is None:
        _manifest_only(members)
        return
    recorded = _check_files(members, proven.record, check, progress)
    _check_entries(members, proven, check)
    _check_manifest(members, recorded)
    _check_stamps(members, proven, head, verifier, tsa_ca_pem)


def _check_names(
    infos: list[zipfile.ZipInfo], check: PackageCheck
) -> dict[str, list[zipfile.ZipInfo]]:
    """Step 1, the names: unsafe ones, folders, OS metadata, a root folder, duplicates; the
    files by name, without the root folder."""
    files: list[zipfile.ZipInfo] = []
    for info in infos:
        name = info.filename
        if not member_is_safe(name) or safezip.is_symlink(info):
            what = "a symbolic link" if member_is_safe(name) else "unsafe to extract"
            check.problem("unsafe_name", name, f"{name!r}: entry name is {what}")
        elif _is_os_metadata(name):
            if not name.endswith("/"):
                check.ignored.append(name)
        elif name.endswith("/"):
            if info.file_size:
                check.problem("added_file", name, f"{name}: a folder entry that holds data")
        else:
            files.append(info)
    root = _root_folder([i.filename for i in files])
    if root:
        check.notes.append(f"the files are inside the folder {root} (the package was re-zipped)")
    entries: list[_Entry] = []
    for info in files:
        if root and not info.filename.startswith(root):
            check.problem(
                "added_file",
                info.filename,
                f"{info.filename} was added: it is outside the package's folder {root}",
            )
            continue
        entries.append(_Entry(info.filename[len(root) :], info))
    if check.ignored:
        shown = ", ".join(check.ignored[:3]) + (", …" if len(check.ignored) > 3 else "")
        check.notes.append(
            f"set aside {len(check.ignored)} entries that zip tools add ({shown}): "
            "not evidence, not checked"
        )
    counts = Counter(e.name for e in entries)
    for name, n in sorted(counts.items()):
        if n > 1:
            check.problem(
                "duplicate_name",
                name,
                f"{name}: the zip holds {n} entries of this name (unzip tools may extract "
                "either copy)",
            )
    by_name: dict[str, list[zipfile.ZipInfo]] = {}
    for e in entries:
        by_name.setdefault(e.name, []).append(e.info)
    return by_name


def _check_head(
    members: _Members, key: PinnedKey | None, check: PackageCheck
) -> tuple[TreeHead | None, Ed25519PublicKey | None]:
    """Step 2, the signed head and the key it is checked against: the pinned key when there is
    one (the key inside must be it), else the key inside, said so. (head, verifying key)."""
    head: TreeHead | None = None
    head_data = members.parsed(HEAD)
    if head_data is not None:
        try:
            head = _head_from(head_data)
        except (ValueError, TypeError):
            check.problem("altered_file", HEAD, f"{HEAD}: the signed head is unreadable")
    if head is not None:
        check.tree_size, check.root_hash, check.key_id = (
            head.tree_size,
            head.root_hash,
            head.key_id,
        )
    inside: Ed25519PublicKey | None = None
    pem = members.small(PUBLIC_KEY, 64 * 1024)
    if pem is not None:
        try:
            loaded = serialization.load_pem_public_key(pem)
        except ValueError as exc:
            check.problem("altered_file", PUBLIC_KEY, f"{PUBLIC_KEY}: unreadable key ({exc})")
        else:
            if isinstance(loaded, Ed25519PublicKey):
                inside = loaded
            else:
                check.problem(
                    "altered_file", PUBLIC_KEY, f"{PUBLIC_KEY}: unreadable key (not an Ed25519 key)"
                )
    inside_fp = key_fingerprint(inside) if inside is not None else None
    verifier: Ed25519PublicKey | None = inside
    if key is not None:
        check.key_pinned = True
        check.key_fingerprint = key.fingerprint
        if inside_fp is not None and inside_fp != key.fingerprint:
            check.problem(
                "bad_key",
                PUBLIC_KEY,
                f"{PUBLIC_KEY}: the package carries key {inside_fp}, not the key you pinned "
                f"({key.fingerprint}, from {key.source})",
            )
        if key.public is not None:
            verifier = key.public
        elif inside_fp != key.fingerprint:
            verifier = None
    else:
        check.key_fingerprint = inside_fp
        if inside_fp is not None:
            check.notes.append(
                "the signature was checked only against the key inside the package, fingerprint "
                f"{inside_fp}; compare it with the archive's published fingerprint or pass --key"
            )
    if head is not None and verifier is not None:
        if keys.key_id(verifier) != head.key_id:
            check.problem(
                "bad_signature",
                HEAD,
                f"{HEAD}: the head names key id {head.key_id}, not {keys.key_id(verifier)} "
                f"(fingerprint {key_fingerprint(verifier)})",
            )
        elif not proofs.head_signature_holds(head, verifier):
            check.problem(
                "bad_signature", HEAD, f"{HEAD}: the custody log head's signature does not verify"
            )
    return head, verifier


def _check_proofs(members: _Members, head: TreeHead | None, check: PackageCheck) -> _Proven | None:
    """Step 3, the proofs: each inclusion proof against the signed head, the export record
    among the entries proven, the consistency proofs read, and exactly the entries the record
    lists proven. None when the package is of a format this verifier cannot check further."""
    record: dict[str, Any] | None = None
    record_seq = 0  # the export entry's, once proven
    proven: set[int] = set()
    leaves: dict[int, dict[str, Any]] = {}
    proofs_data = members.parsed(PROOFS)
    consistency: dict[int, list[str]] = {}
    if isinstance(proofs_data, dict) and proofs_data.get("format") != FORMAT:
        check.problem(
            "old_format",
            PROOFS,
            f"{PROOFS}: a package of format {str(proofs_data.get('format'))[:60]!r}, made by an "
            f"older corroborate; this verifier checks {FORMAT}: export it again to check it",
        )
        return None
    export_seq = proofs_data.get("export_entry") if isinstance(proofs_data, dict) else None
    if head is not None and isinstance(proofs_data, dict):
        raw_proofs = proofs_data.get("proofs")
        if set(proofs_data) != {"format", "export_entry", "proofs", "consistency"}:
            check.problem("altered_file", PROOFS, f"{PROOFS}: holds fields that are not proofs")
        for proof in raw_proofs if isinstance(raw_proofs, list) else []:
            check.proofs_checked += 1
            seq, entry = _check_inclusion(proof, head)
            where = f"custody entry {seq}" if isinstance(seq, int) else PROOFS
            if entry is None:
                check.problem(
                    "bad_proof",
                    where,
                    f"{PROOFS}: the proof of {where} was altered or the entry is not in the "
                    f"signed custody log (head size {head.tree_size})",
                )
                continue
            if seq in proven:
                check.problem("bad_proof", where, f"{PROOFS}: {where} is proved twice")
            proven.add(seq)
            leaves[seq] = entry
            if seq == export_seq and entry.get("action") == "export.package":
                details = entry.get("details")
                record = details if isinstance(details, dict) else {}
                record_seq = seq
                check.incident = record.get("incident")
        raw_consistency = proofs_data.get("consistency")
        for c in raw_consistency if isinstance(raw_consistency, list) else []:
            if (
                isinstance(c, dict)
                and set(c) == {"from_size", "tree_size", "proof"}
                and isinstance(c["from_size"], int)
                and c["tree_size"] == head.tree_size
                and isinstance(c["proof"], list)
            ):
                consistency[c["from_size"]] = [str(h) for h in c["proof"]]
            else:
                check.problem("bad_proof", PROOFS, f"{PROOFS}: a consistency proof is unreadable")
    if record is None:
        if head is not None and proofs_data is not None:
            check.problem(
                "bad_proof",
                PROOFS,
                f"{PROOFS}: no proven export entry, so no file can be checked against the "
                "signed log",
            )
        return _Proven(None, proven, consistency, leaves)
    if record.get("format") != FORMAT:
        check.problem(
            "bad_proof",
            PROOFS,
            f"{PROOFS}: the export record is of format {record.get('format')!r}; this verifier "
            f"checks {FORMAT} (re-export the package with this version)",
        )
        return None
    wanted = {int(s) for s in record.get("entries") or [] if isinstance(s, int)}
    wanted.add(record_seq)
    for seq in sorted(wanted - proven):
        check.problem(
            "missing_proof",
            f"custody entry {seq}",
            f"{PROOFS}: the proof of custody entry {seq} is missing (the export record lists it)",
        )
    for seq in sorted(proven - wanted):
        check.problem(
            "added_proof",
            f"custody entry {seq}",
            f"{PROOFS}: a proof of custody entry {seq} was added (the export record does not "
            "list it)",
        )
    return _Proven(record, proven, consistency, leaves)


# the files that show custody entries to a reader, as `CustodyEntry` objects
_ENTRY_FILES = (ENTRIES, "history.json")


def _check_entries(members: _Members, proven: _Proven, check: PackageCheck) -> None:
    """Step 4b, the entries a reader sees: each custody entry in the readable JSON files, put
    back into its leaf form (with its OS login where it has one), must be the entry proven in
    the signed log, so an edit is named by entry and field, not only by file."""
    for name in _ENTRY_FILES:
        if name not in members.by_name:
            continue  # named as missing by the file checks
        shown = members.parsed(name)
        for entry in shown if isinstance(shown, list) else []:
            seq = entry.get("seq") if isinstance(entry, dict) else None
            where = f"custody entry {seq}" if isinstance(seq, int) else name
            leaf = proven.leaves.get(seq) if isinstance(seq, int) else None
            if leaf is None:
                check.problem(
                    "altered_entry",
                    where,
                    f"{name}: {where} is not among the entries proven in the signed log",
                )
                continue
            form = _leaf_form(entry)
            changed = sorted(k for k in set(leaf) | set(form) if leaf.get(k) != form.get(k))
            if changed:
                check.problem(
                    "altered_entry",
                    where,
                    f"{name}: {where} was altered: its {' and '.join(changed)} "
                    f"{'differs' if len(changed) == 1 else 'differ'} from the entry proven in "
                    "the signed log",
                )


def _leaf_form(entry: dict[str, Any]) -> dict[str, Any]:
    """A `CustodyEntry` as JSON, in the form its leaf was hashed (see `custody.log.leaf_data`)."""
    leaf: dict[str, Any] = {
        "seq": entry.get("seq"),
        "time": _leaf_time(entry.get("time")),
        "actor": entry.get("actor"),
        "action": entry.get("action"),
        "subject": entry.get("subject_sha256"),
        "details": entry.get("details"),
    }
    if entry.get("os_login") is not None:
        leaf["os_login"] = entry["os_login"]
    return leaf


def _leaf_time(value: Any) -> Any:
    """An ISO 8601 time as the leaf writes it (`...T12:00:00.000000Z`); other values as they are."""
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return value
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _check_files(
    members: _Members, record: dict[str, Any], check: PackageCheck, progress: Progress | None
) -> dict[str, str]:
    """Step 4, every file against the signed export record (streamed, each read capped at its
    recorded size): none added, none missing, each of its recorded size and SHA-256. Returns
    the record's SHA-256 by name."""
    zf, by_name, limits = members.zf, members.by_name, members.limits
    files, file_sizes = record.get("files"), record.get("sizes")
    recorded: dict[str, Any] = files if isinstance(files, dict) else {}
    sizes: dict[str, Any] = file_sizes if isinstance(file_sizes, dict) else {}
    to_hash = sum(i.file_size for n, c in by_name.items() if n in recorded for i in c)
    hashed = 0

    def advanced(n: int) -> None:
        nonlocal hashed
        hashed += n
        if progress is not None:
            progress(hashed, max(to_hash, hashed))

    for name, copies in sorted(by_name.items()):
        if name in UNRECORDED:
            continue
        if name not in recorded:
            check.problem(
                "added_file",
                name,
                f"{name} was added: it is not in the signed export record",
            )
            continue
        recorded_size = sizes.get(name)
        cap = min(
            limits.entry_bytes,
            recorded_size if isinstance(recorded_size, int) else limits.entry_bytes,
        )
        for n, info in enumerate(copies, 1):
            copy = f" (copy {n} of {len(copies)})" if len(copies) > 1 else ""
            if info.file_size != recorded_size:
                check.problem(
                    "altered_file",
                    name,
                    f"{name}{copy} was altered: {info.file_size:,} bytes, the signed export "
                    f"record says {recorded_size:,}"
                    if isinstance(recorded_size, int)
                    else f"{name}{copy}: the export record has no size for it",
                )
                continue
            try:
                sha, _n = safezip.sha256_of(zf, info, cap, advanced)
            except safezip.READ_ERRORS as exc:
                check.problem("damaged_file", name, f"{name}{copy}: cannot be read ({exc})")
                continue
            if sha != recorded[name]:
                check.problem(
                    "altered_file",
                    name,
                    f"{name}{copy} was altered: its SHA-256 differs from the one the signed "
                    "custody log recorded at export",
                )
        check.files_checked += 1
    for name in sorted(set(recorded) - set(by_name)):
        check.problem("missing_file", name, f"{name} is missing: the signed export record lists it")
    return recorded


def _check_manifest(members: _Members, recorded: dict[str, str]) -> None:
    """Step 5, the manifest: exactly the record's files and the proofs, with their SHA-256."""
    raw_manifest = members.small(MANIFEST, members.limits.parsed_bytes)
    if raw_manifest is None:
        return
    expected = dict(recorded)
    for name in (HEAD, PROOFS):
        if name in members.by_name:
            try:
                expected[name] = safezip.sha256_of(
                    members.zf, members.by_name[name][-1], members.limits.parsed_bytes
                )[0]
            except safezip.READ_ERRORS:
                pass
    _compare_manifest(raw_manifest, expected, members.check)


def _check_stamps(
    members: _Members,
    proven: _Proven,
    head: TreeHead | None,
    verifier: Ed25519PublicKey | None,
    tsa_ca_pem: bytes | None,
) -> None:
    """Step 6, timestamps: each token over its head, that head consistent with the package's."""
    check = members.check
    stamped = (proven.record or {}).get("timestamps") or []
    if head is not None and isinstance(stamped, list):
        for stamp in stamped:
            _check_stamp(members, stamp, head, verifier, proven.consistency, tsa_ca_pem)
    if not stamped:
        check.notes.append(
            "no RFC 3161 timestamp: the package proves what the log held, not when "
            "(the archive had not anchored its log with `corroborate custody anchor`)"
        )
    elif tsa_ca_pem is None and check.timestamps:
        check.notes.append(
            "timestamp tokens were checked (imprint, TSA signature) but not against a TSA you "
            "trust: pass --tsa-ca with its CA certificate"
        )


def _check_inclusion(proof: Any, head: TreeHead) -> tuple[Any, dict[str, Any] | None]:
    """(seq, the proven entry) or (seq, None) when the proof does not hold."""
    if not isinstance(proof, dict):
        return None, None
    seq = proof.get("seq")
    if set(proof) != {"seq", "leaf_data", "leaf_index", "tree_size", "audit_path"}:
        return seq, None
    try:
        leaf_data = str(proof["leaf_data"]).encode()
        entry = json.loads(leaf_data)
        ok = (
            isinstance(entry, dict)
            and isinstance(seq, int)
            and entry.get("seq") == seq
            and proof["leaf_index"] == seq - 1
            and proof["tree_size"] == head.tree_size
            and leaf_data == canonical_json(entry).encode()
            and proofs.inclusion_holds(
                leaf_data, seq - 1, head.tree_size, proof["audit_path"], head.root_hash
            )
        )
    except (KeyError, TypeError, ValueError):
        return seq, None
    return seq, entry if ok else None


def _compare_manifest(raw: bytes, expected: dict[str, str], check: PackageCheck) -> None:
    """The manifest's lines against the SHA-256 each file should have, and its exact form."""
    listed: dict[str, str] = {}
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        check.problem("altered_file", MANIFEST, f"{MANIFEST} was altered: it is not UTF-8 text")
        return
    for line in text.splitlines():
        sha, sep, name = line.partition("  ")
        if not sep or not _HEX64.fullmatch(sha) or name in listed:
            check.problem("altered_file", MANIFEST, f"{MANIFEST} was altered: line {line[:120]!r}")
            continue
        listed[name] = sha
    for name in sorted(set(listed) | set(expected)):
        if name not in expected:
            check.problem(
                "altered_file",
                MANIFEST,
                f"{MANIFEST} was altered: it lists {name}, which the export record does not",
            )
        elif name not in listed:
            check.problem(
                "altered_file", MANIFEST, f"{MANIFEST} was altered: it does not list {name}"
            )
        elif listed[name] != expected[name]:
            check.problem(
                "altered_file",
                MANIFEST,
                f"{MANIFEST} was altered: its SHA-256 for {name} is not the one the signed "
                "export record holds",
            )
    regenerated = "".join(f"{sha}  {name}\n" for name, sha in sorted(listed.items()))
    if regenerated != text and not any(p.where == MANIFEST for p in check.problems):
        check.problem("altered_file", MANIFEST, f"{MANIFEST} was altered: it is not as written")


def _check_stamp(
    members: _Members,
    stamp: Any,
    head: TreeHead,
    verifier: Ed25519PublicKey | None,
    consistency: dict[int, list[str]],
    tsa_ca_pem: bytes | None,
) -> None:
    """One timestamp of the export record: its head's signature (when by the same key), the
    consistency proof from it to the package's head, its bytes, and each token over them."""
    zf, by_name, check, limits = members.zf, members.by_name, members.check, members.limits
    try:
        anchored = _head_from(stamp["head"])
        data_name = str(stamp["data"])
        token_names = [str(t) for t in stamp["tokens"]]
    except (KeyError, TypeError, ValueError):
        check.problem(
            "bad_proof", PROOFS, f"{PROOFS}: a timestamp in the export record is unreadable"
        )
        return
    where = f"tree head {anchored.tree_size}"
    # The record and the consistency proof already bind this head to the verified one; its own
    # signature is checked too when it is by the same key (an earlier head may predate a rotation).
    if (
        verifier is not None
        and anchored.key_id == keys.key_id(verifier)
        and not proofs.head_signature_holds(anchored, verifier)
    ):
        check.problem("bad_signature", where, f"{where} (timestamped): signature does not verify")
    proof = consistency.get(anchored.tree_size)
    consistent = proof is not None and proofs.consistency_holds(
        anchored.tree_size, anchored.root_hash, head.tree_size, head.root_hash, proof
    )
    if not consistent:
        check.problem(
            "bad_proof",
            where,
            f"{PROOFS}: the consistency proof from timestamped {where} to the package's head "
            f"{'is missing' if proof is None else 'does not verify'}",
        )
    data = anchored.signed_bytes()
    copies = by_name.get(data_name)
    if copies:
        try:
            if safezip.read_small(zf, copies[-1], 64 * 1024) != data:
                check.problem("altered_file", data_name, f"{data_name}: is not {where}'s bytes")
        except safezip.READ_ERRORS as exc:
            check.problem("damaged_file", data_name, f"{data_name}: cannot be read ({exc})")
    for token_name in token_names:
        copies = by_name.get(token_name)
        if not copies:
            continue  # reported as missing against the record
        try:
            der = safezip.read_small(zf, copies[-1], limits.parsed_bytes)
        except safezip.READ_ERRORS as exc:
            check.problem("damaged_file", token_name, f"{token_name}: cannot be read ({exc})")
            continue
        try:
            info = verify_timestamp(der, data, tsa_ca_pem)
        except CorroborateError as exc:
            check.problem("bad_timestamp", token_name, f"{token_name}: {exc}")
            continue
        if proofs.backdated(info.gen_time, anchored):
            check.problem(
                "bad_timestamp",
                token_name,
                f"{token_name}: dated {info.gen_time:%Y-%m-%d %H:%M:%S} UTC, before the head it "
                f"covers was signed ({anchored.timestamp:%Y-%m-%d %H:%M:%S} UTC; tolerance "
                f"{TIMESTAMP_TOLERANCE.total_seconds() / 60:g} minutes)",
            )
            continue
        if consistent:
            check.timestamps.append(
                PackageTimestamp(
                    anchored.tree_size, info.gen_time, info.tsa, token_name, tsa_ca_pem is not None
                )
            )


def _manifest_only(members: _Members) -> None:
    """With no proven record, still say which files differ from the manifest (a hint only)."""
    zf, by_name, check, limits = members.zf, members.by_name, members.check, members.limits
    copies = by_name.get(MANIFEST)
    if not copies:
        return
    try:
        text = safezip.read_small(zf, copies[-1], limits.parsed_bytes).decode()
    except (*safezip.READ_ERRORS, UnicodeDecodeError):
        return
    for line in text.splitlines():
        sha, sep, name = line.partition("  ")
        if not sep or name not in by_name or name == MANIFEST:
            continue
        try:
            actual = safezip.sha256_of(zf, by_name[name][-1], limits.entry_bytes)[0]
        except safezip.READ_ERRORS:
            continue
        check.files_checked += 1
        if actual != sha:
            check.problem("altered_file", name, f"{name} was altered: it differs from {MANIFEST}")
