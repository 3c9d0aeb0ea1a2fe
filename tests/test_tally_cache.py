"""A tally is counted again only when the database changed: by corroborate, or by hand (so a
record altered after a tally was kept is still left out, never counted from a stale copy)."""

from __future__ import annotations

import importlib
import sqlite3
import threading
from pathlib import Path

import pytest

from corroborate.custody.setup import init_archive
from corroborate.incidents.fields import IncidentInput
from corroborate.incidents.records import create_incident
from corroborate.incidents.tally import tally
from corroborate.storage.archive import Archive

# the module (the package's `tally` name is the function)
tally_module = importlib.import_module("corroborate.incidents.tally")


@pytest.fixture
def archive(tmp_path: object) -> Archive:
    made = init_archive(tmp_path / "archive")  # type: ignore[operator]
    for n in range(3):
        create_incident(
            made,
            IncidentInput(title=f"Strike {n}", type="other", date="2024-03-0" + str(n + 1)),
            actor="alice",
        )
    return made


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = tally_module._count

    def counted(*args: object) -> object:
        calls.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(tally_module, "_count", counted)
    return calls


def test_an_unchanged_archive_is_not_counted_twice(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting(monkeypatch)
    first = tally(archive, min_status=None)
    assert tally(archive, min_status=None) is first and len(calls) == 1
    assert tally(archive, min_status=None, by="type") is not first and len(calls) == 2


def test_a_write_through_corroborate_is_counted(archive: Archive) -> None:
    assert tally(archive, min_status=None).total.incidents == 3
    create_incident(
        archive, IncidentInput(title="Later", type="other", date="2024-03-09"), actor="a"
    )
    assert tally(archive, min_status=None).total.incidents == 4


def test_a_row_edited_by_hand_after_a_tally_is_still_left_out(archive: Archive) -> None:
    assert tally(archive, min_status=None).total.incidents == 3
    conn = sqlite3.connect(archive.dir / "archive.db")
    conn.execute("update incidents set killed_low = 500, killed_high = 500 where id = 1")
    conn.commit()
    conn.close()
    again = tally(archive, min_status=None)
    assert again.total.incidents == 2 and again.total.killed_low == 0
    assert [x.reason for x in again.left_out] == ["record-altered"]


def test_concurrent_askers_share_one_count(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting(monkeypatch)
    results: list[object] = []
    start = threading.Barrier(8)

    def ask() -> None:
        start.wait()
        results.append(tally(archive, min_status=None))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(r) for r in results}) == 1


def _edit(archive: Archive, sql: str) -> None:
    conn = sqlite3.connect(archive.dir / "archive.db")
    conn.execute(sql)
    conn.commit()
    conn.close()


def test_a_hand_edit_put_back_is_counted_again(archive: Archive) -> None:
    """The watch keeps digests of unchanged rows; a row edited and then restored by hand
    digests as logged again, so it counts again (and the edit in between never did)."""
    assert tally(archive, min_status=None).total.incidents == 3
    _edit(archive, "update incidents set title = 'Forged' where id = 2")
    assert tally(archive, min_status=None).total.incidents == 2
    _edit(archive, "update incidents set title = 'Strike 1' where id = 2")
    assert tally(archive, min_status=None).total.incidents == 3


def test_a_state_entry_rewritten_in_the_log_is_replayed_anew(archive: Archive) -> None:
    """The watch replays only entries appended since it last looked, unless the last one it
    replayed has changed: then it replays the whole log, and judges rows exactly as an archive
    opened afresh does (`verify` names the rewritten entry either way)."""
    import json

    from sqlalchemy import select

    from corroborate.archive.verify import verify_archive
    from corroborate.custody.state import row_digest, table_named

    assert tally(archive, min_status=None).total.incidents == 3
    _edit(archive, "update incidents set killed_low = 9 where id = 1")
    table = table_named("incidents")
    with archive.session() as session:
        values = session.execute(select(table).where(table.c.id == 1)).mappings().one()
    assert values["killed_low"] == 9
    conn = sqlite3.connect(archive.dir / "archive.db")
    conn.execute("drop trigger custody_entries_no_update")  # the attacker holds the file
    seq, details = conn.execute(
        "select seq, details from custody_entries where action = 'state.record' "
        "order by seq desc limit 1"
    ).fetchone()
    forged = json.loads(details)
    forged["rows"]["incidents/1"] = row_digest(table, values)
    conn.execute(
        # a leaf hash that differs for certain (one starting with 'f' would stay the same)
        "update custody_entries set details = ?, leaf_hash = "
        "(case when substr(leaf_hash, 1, 1) = 'f' then 'e' else 'f' end) || substr(leaf_hash, 2) "
        "where seq = ?",
        (json.dumps(forged, sort_keys=True, separators=(",", ":")), seq),
    )
    conn.commit()
    conn.close()
    fresh = Archive.open(archive.dir)
    assert tally(archive, min_status=None).total.incidents == (
        tally(fresh, min_status=None).total.incidents
    )
    assert "altered_entry" in {p.kind for p in verify_archive(fresh)}
    fresh.close()


def test_a_short_period_of_a_large_archive_lists_every_incident_left_out_in_order(
    tmp_path: Path,
) -> None:
    """The left-out list is made as it is read; read whole, by index or by slice, it is the
    same list, ordered by reason then id, with each reason's count."""
    from collections import Counter

    from corroborate.incidents.ids import incident_ref
    from corroborate.samples.incidents import generate_incidents

    made = init_archive(tmp_path / "large")
    generate_incidents(made, 600, seed=5)
    result = tally(made, by="type", min_status="verified", date_from="2023-03", date_to="2023-05")
    whole = list(result.left_out)
    assert len(whole) == len(result.left_out) > 500
    assert whole == sorted(whole, key=lambda x: (x.reason, x.incident_id))
    assert [result.left_out[i] for i in range(len(whole))] == whole
    assert result.left_out[-1] == whole[-1] and result.left_out[10:20] == whole[10:20]
    assert result.left_out_counts == dict(Counter(x.reason for x in whole))
    counted = result.total.incidents
    assert counted + len(whole) == 600  # every incident counted or left out, once
    assert len({x.incident_id for x in whole}) == len(whole)
    assert all(x.incident_id.startswith(incident_ref(1)[:4]) for x in whole)
    with pytest.raises(IndexError):
        result.left_out[len(whole)]
    made.close()
