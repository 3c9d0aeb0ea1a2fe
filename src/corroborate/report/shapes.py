"""The JSON shape of every result a front end shows: `--json` prints these and the web's `/api/`
returns them, so the two cannot drift apart. `tests/test_json_shapes.py` pins them.

`to_json` turns any result into JSON values (a type with a `to_json()` method shapes itself);
the functions below give the envelope of each command whose answer is more than one result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields, is_dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corroborate.archive.ingest import IngestReport
    from corroborate.core import Claim, Item, Place, Problem, TreeHead
    from corroborate.custody.verify import ConsistencyCheck
    from corroborate.geo.gazetteer import Candidate
    from corroborate.incidents.tally import Tally, TallyRow
    from corroborate.report.exports import IncidentExport
    from corroborate.report.items import Archived
    from corroborate.report.package_verify import PackageCheck

JSON = Any  # a value json.dumps writes as it is: dict, list, str, int, float, bool or None


def to_json(value: Any) -> JSON:
    """Dataclasses as objects (field order kept), dates as ISO 8601 (UTC as `Z`), bytes as hex,
    paths as text; a value with a `to_json()` method is shaped by it."""
    method = getattr(value, "to_json", None)
    if callable(method) and not isinstance(value, type):
        return to_json(method())
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Path):
        return str(value)
    return value


def dumps(value: Any) -> str:
    """One indented JSON document, as `--json` prints it (non-ASCII kept as written)."""
    return json.dumps(to_json(value), ensure_ascii=False, indent=2)


# -- archive -------------------------------------------------------------------------------
def archive_created(
    archive: str, database: str, blobs: str, key_id: str, key_fingerprint: str, public_key: str
) -> dict[str, JSON]:
    """What `init` made: where everything is and the key to publish."""
    return {
        "archive": archive,
        "database": database,
        "blobs": blobs,
        "key_id": key_id,
        "key_fingerprint": key_fingerprint,
        "public_key": public_key,
    }


def ingest(report: IngestReport) -> dict[str, JSON]:
    return {"results": to_json(report.results), "failed": report.failed}


def items(found: Iterable[Item], sensitive: Mapping[str, Sequence[str]]) -> dict[str, JSON]:
    """Archived items without their (large) metadata; `sensitive` lists why each item is shown
    sensitive (empty: it is not)."""
    return {
        "items": [
            {
                **{k: v for k, v in to_json(i).items() if k != "metadata"},
                "sensitive": list(sensitive.get(i.id, ())),
            }
            for i in found
        ]
    }


def item_detail(
    item: Item,
    custody: Sequence[Any],
    footage: Sequence[Any],
    pdq: Any = None,
    sensitive: Sequence[str] = (),
) -> dict[str, JSON]:
    """One item with its custody entries, the footage it shares, why it is shown sensitive
    (empty: it is not), and (a still) its PDQ."""
    shown: dict[str, JSON] = {
        "item": to_json(item),
        "sensitive": list(sensitive),
        "custody": to_json(custody),
        "footage": [c.as_dict() for c in footage],
    }
    if pdq is not None:
        shown["pdq"] = to_json(pdq)
    return shown


def archived(done: Archived) -> dict[str, JSON]:
    """One uploaded file (or one file a link yielded): its ingest result, and every piece of
    footage it shares with other archived items, with their time ranges and incidents."""
    return {**to_json(done.result), "shared_footage": [s.as_dict() for s in done.shared]}


def archived_link(url: str, done: Sequence[Archived]) -> dict[str, JSON]:
    """What a pasted link yielded, each file as `archived` shows it."""
    return {
        "url": url,
        "results": [archived(d) for d in done],
        "failed": sum(1 for d in done if not d.result.ok),
    }


def item_sensitive(item: Item, sensitive: Sequence[str]) -> dict[str, JSON]:
    """An item after it was marked or unmarked: its own mark, and why it is shown sensitive."""
    return {"item": item.id, "marked": item.marked_sensitive, "sensitive": list(sensitive)}


def verified(problems: Sequence[Problem], head: TreeHead) -> dict[str, JSON]:
    return {"ok": not problems, "problems": to_json(problems), "head": to_json(head)}


# -- custody -------------------------------------------------------------------------------
def signed_head(head: TreeHead, key_fingerprint: str | None) -> dict[str, JSON]:
    """The head to publish, in its signed form, with the fingerprint of the key that signed it."""
    return {**head.to_json(), "key_fingerprint": key_fingerprint}


def consistency(result: ConsistencyCheck) -> dict[str, JSON]:
    return {
        "verified": result.verified,
        "checked": result.checked,
        "not_checked": result.not_checked,
        "problems": result.problems,
        "old_size": result.old_size,
        "old_root": result.old_root,
        "new_head": to_json(result.new_head),
        "proof": result.proof,
    }


def custody_log(rows: Sequence[Any]) -> dict[str, JSON]:
    return {"entries": to_json(rows)}


def tsas_added(added: Sequence[Any]) -> dict[str, JSON]:
    return {"added": to_json(added)}


def tsas_trusted(found: Sequence[Any]) -> dict[str, JSON]:
    return {"trusted": to_json(found)}


def exported_anchor(data: Any, token: Any, ca: Any, check: str) -> dict[str, JSON]:
    return {"data": to_json(data), "token": to_json(token), "ca": to_json(ca), "check": check}


# -- match ---------------------------------------------------------------------------------
def matches(found: Iterable[Any]) -> dict[str, JSON]:
    return {"matches": [m.as_dict() for m in found]}


def clusters(found: Iterable[Any]) -> dict[str, JSON]:
    return {"clusters": [c.as_dict() for c in found]}


def rehashed(hashed: int, found: Iterable[Any]) -> dict[str, JSON]:
    return {
        "hashed": hashed,
        "matches": [
            {"query_id": m.query_id, "query_name": m.query_name, **m.as_dict()} for m in found
        ],
    }


# -- claims --------------------------------------------------------------------------------
def claim(value: Claim) -> dict[str, JSON]:
    """A claim, its dates as `from`/`to`."""
    record: dict[str, JSON] = to_json(value)
    record["from"] = record.pop("date_from")
    record["to"] = record.pop("date_to")
    return record


def claims_read(source: str, found: Iterable[Claim]) -> dict[str, JSON]:
    return {"source": source, "claims": [claim(c) for c in found]}


def stored_claims(stored: Iterable[Any]) -> dict[str, JSON]:
    return {
        "claims": [
            {"id": s.id, "item": s.item_id, "item_name": s.item_name, **claim(s.claim)}
            for s in stored
        ]
    }


def claim_groups(groups: Iterable[Any]) -> dict[str, JSON]:
    """Claims compared, group by group; each claim names the report it was read from."""
    out: list[JSON] = []
    for sourced in groups:
        g = sourced.group
        out.append(
            {
                "event_family": g.event_family,
                "victim_category": g.victim_category,
                "period": g.period,
                "place": g.place,
                "low": g.low,
                "high": g.high,
                "spread": g.spread,
                "claimants": list(g.claimants),
                "claims": [
                    {**claim(c), "item": s.item_id, "item_name": s.item_name}
                    for c, s in zip(g.claims, sourced.sources, strict=True)
                ],
            }
        )
    return {"groups": out}


# -- geo -----------------------------------------------------------------------------------
def candidate(value: Candidate, taken: bool = False) -> dict[str, JSON]:
    """A gazetteer candidate: the place's fields, then how it matched; `taken` only for the one
    a record would take (a confident resolution)."""
    record: dict[str, JSON] = to_json(value.place)
    record["taken"] = taken
    record["matched"] = value.matched
    record["how"] = value.how
    record["similarity"] = value.similarity
    record["context_match"] = value.context_match
    record["former_names"] = list(value.former_names)
    record["derived_names"] = [{"name": n, "rule": r} for n, r in value.derived_names]
    return record


def places_in_text(text: str, found: Iterable[tuple[int, int, Place]]) -> list[JSON]:
    return [{"start": s, "end": e, "text": text[s:e], "place": to_json(p)} for s, e, p in found]


# -- incidents and reports -----------------------------------------------------------------
def tally(result: Tally, *, ids: bool = True) -> dict[str, JSON]:
    """A tally with everything a reader of its figures must know.

    Without `ids` (the workspace's figures over a large archive), the incidents counted and
    left out are given by number, not listed one by one: `left_out_counts`, and caveats that
    name at most a few per reason."""

    def row(r: TallyRow) -> JSON:
        shaped = to_json(r if ids else replace(r, incident_ids=[]))
        if not ids:
            shaped.pop("incident_ids")
        return shaped

    rows = [row(r) for r in result.rows]
    total = row(result.total)
    shape: dict[str, JSON] = {
        "summary": result.summary(),
        "by": to_json(result.by),
        "min_status": result.min_status,
        "from": to_json(result.date_from),
        "to": to_json(result.date_to),
        "rows": rows,
        "total": total,
        "left_out": to_json(result.left_out) if ids else None,
        "left_out_counts": result.left_out_counts,
        "possible_duplicates": to_json(result.duplicates),
        "caveats": result.caveats(every=ids),
    }
    return shape


def incident_export(done: IncidentExport) -> dict[str, JSON]:
    """What an export handed out; the export itself as `content` when no file was written."""
    summary: dict[str, JSON] = {
        "file": str(done.path) if done.path is not None else None,
        "format": done.format,
        "sha256": done.sha256,
        "incidents": list(done.incidents),
        "sensitive_left_out": done.sensitive_left_out,
    }
    if done.path is None:
        summary["content"] = done.text
    return summary


def package_check(check: PackageCheck) -> dict[str, JSON]:
    """Every field of a package check, and whether it holds."""
    return {**to_json(vars(check)), "ok": check.ok}
