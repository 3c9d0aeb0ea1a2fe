"""An attacker with the database file edits what `show`, `tally`, exports and packages read,
without going through corroborate. Every such edit must be named by `verify`: each row is bound
to the custody log by the SHA-256 of its canonical serialisation."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from backends import Backend, raw_database
from conftest import REPORTS
from corroborate.archive import ingest, verify_archive
from corroborate.core import Problem
from corroborate.incidents import (
    add_source,
    cite_source,
    create_incident,
    link_evidence,
    mark_distinct,
    review_incident,
)
from corroborate.samples import render_flight
from corroborate.samples.transforms import reencode
from corroborate.storage.archive import Archive
from incident_fixtures import execution


@pytest.fixture(scope="module")
def built(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case as a team leaves it: footage and a repost (a stored match), a report with
    claims, a verified incident with graded, cited sources, and two incidents ruled distinct."""
    root = tmp_path_factory.mktemp("case")
    clip = render_flight(root / "clip.mp4", "coffee", seconds=6, width=320, height=180)
    repost = reencode(clip, root / "repost.mp4", bitrate=150_000)
    archive = backend.init(root / "archive")
    report = ingest(
        archive,
        [str(clip), str(repost), str(REPORTS / "fleeing-soldier-drone.txt")],
        actor="alice",
        source="Telegram: @a",
    )
    assert report.failed == 0, [r.error or r.warning for r in report.results]
    ids = [r.item_id for r in report.results]
    inc = create_incident(archive, execution(), actor="alice")
    link_evidence(archive, inc.id, ids[0], role="primary", actor="alice")
    add_source(archive, "UN HRMMU", kind="monitoring-mission", reliability="B", actor="alice")
    cite_source(archive, inc.id, "UN HRMMU", credibility=2, actor="alice")
    review_incident(archive, inc.id, decision="approve", actor="bob")
    other = create_incident(archive, execution(title="A second shooting"), actor="carol")
    link_evidence(archive, other.id, ids[1], role="primary", actor="carol")
    third = create_incident(archive, execution(title="A third one", killed=""), actor="carol")
    link_evidence(archive, third.id, ids[1], role="corroborating", actor="carol")
    mark_distinct(archive, other.id, third.id, note="two flights", actor="bob")
    assert verify_archive(archive) == []
    archive.close()
    return root / "archive"


@pytest.fixture
def case(backend: Backend, built: Path, tmp_path: Path) -> Iterator[Archive]:
    opened = backend.clone(built, tmp_path / "archive")
    yield opened
    opened.close()


def _row_problems(archive: Archive) -> list[Problem]:
    return [p for p in verify_archive(archive) if p.kind.endswith("_row")]


# (case name, SQL the attacker runs, what the report must name); where SQLite and PostgreSQL
# spell the attack differently, the SQL for each
EDITS: list[tuple[str, str | dict[str, str], str]] = [
    (
        "incident set to verified with new figures, skipping review",
        "update incidents set status='verified', killed_low=40, killed_high=40 where id=2",
        "incident INC-0002 was changed",
    ),
    (
        "incident title rewritten",
        "update incidents set title='Nothing happened' where id=1",
        "incident INC-0001 was changed",
    ),
    (
        "incident moved elsewhere",
        "update incidents set latitude=50.45, longitude=30.52 where id=1",
        "incident INC-0001 was changed",
    ),
    (
        "incident's sensitive flag flipped",
        "update incidents set sensitive=NOT sensitive where id=1",
        "incident INC-0001 was changed",
    ),
    (
        "incident's victims and perpetrators swapped",
        "update incidents set perpetrator_party=victim_party, victim_party=perpetrator_party "
        "where id=1",
        "incident INC-0001 was changed",
    ),
    (
        "incident deleted",
        {
            "sqlite": "delete from incidents where id=3",  # foreign keys are off unless asked
            "postgresql": "set session_replication_role=replica; delete from incidents where id=3",
        },
        "incident 3 (incidents) is recorded",
    ),
    (
        "incident back-dated",
        "update incidents set occurred_from='2022-02-24', occurred_to='2022-02-24' where id=1",
        "incident INC-0001 was changed",
    ),
    (
        "item pointed at another file's bytes",
        "update items set sha256=(select sha256 from derivatives limit 1) "
        "where id=(select min(id) from items where kind='video')",
        "was changed outside corroborate",
    ),
    (
        "item's creation time forged",
        {
            "sqlite": "update items set metadata_json=json_set(metadata_json, '$.creation_time', "
            "'2022-01-01T00:00:00Z') where kind='video'",
            "postgresql": "update items set metadata_json=jsonb_set(metadata_json::jsonb, "
            """'{creation_time}', '"2022-01-01T00:00:00Z"')::json where kind='video'""",
        },
        "was changed outside corroborate",
    ),
    (
        "item given a GPS position",
        {
            "sqlite": "update items set metadata_json=json_set(metadata_json, '$.gps', "
            "json('[48.0, 37.9]')) where kind='video'",
            "postgresql": "update items set metadata_json=jsonb_set(metadata_json::jsonb, "
            "'{gps}', '[48.0, 37.9]')::json where kind='video'",
        },
        "was changed outside corroborate",
    ),
    (
        "item renamed",
        "update items set original_name='official UN footage.mp4' where kind='video'",
        "was changed outside corroborate",
    ),
    (
        "item kind changed",
        "update items set kind='image' where kind='document'",
        "was changed outside corroborate",
    ),
    (
        "item deleted with its rows",
        {
            "sqlite": "pragma foreign_keys=off; delete from items where kind='document'",
            "postgresql": "set session_replication_role=replica; "
            "delete from items where kind='document'",
        },
        "is recorded in the custody log but is gone",
    ),
    (
        "sighting URL forged",
        "update sightings set url='https://t.me/official/1' where id=1",
        "sighting 1 (sightings) was changed",
    ),
    (
        "sighting source forged",
        "update sightings set source_label='UN HRMMU' where id=2",
        "sighting 2 (sightings) was changed",
    ),
    (
        "sighting back-dated to make it the earliest copy",
        "update sightings set published_at='2020-01-01 00:00:00.000000' where id=2",
        "sighting 2 (sightings) was changed",
    ),
    (
        "keyframe pointed at another picture",
        "update derivatives set sha256=(select sha256 from derivatives where id=2) where id=1",
        "derivative (keyframe) 1",
    ),
    (
        "evidence role raised to primary",
        "update incident_evidence set role='primary' where role='corroborating'",
        "evidence link",
    ),
    (
        "evidence link removed",
        "delete from incident_evidence where id=1",
        "evidence link 1 (incident_evidence) is recorded in the custody log but is gone",
    ),
    (
        "source re-graded to A",
        "update sources set reliability='A'",
        "source UN HRMMU (sources #1) was changed",
    ),
    ("source renamed", "update sources set name='UN OHCHR'", "source UN OHCHR (sources #1)"),
    (
        "citation credibility raised",
        "update incident_citations set credibility=1",
        "citation 1 (incident_citations) was changed",
    ),
    ("citation removed", "delete from incident_citations", "citation 1"),
    (
        "review's reviewer renamed",
        "update incident_reviews set reviewer='alice'",
        "review 1 (incident_reviews) was changed",
    ),
    ("distinct ruling removed", "delete from incident_distinct_pairs", "distinct-pair ruling 1"),
    (
        "stored match's threshold loosened",
        "update match_links set item_share=item_share/2, threshold=threshold+20",
        "stored match",
    ),
    ("stored match removed", "delete from match_links", "stored match"),
    (
        "signature replaced",
        {
            "sqlite": "update match_signatures set data=x'00' where id=1",
            "postgresql": "update match_signatures set data='\\x00'::bytea where id=1",
        },
        "signature 1",
    ),
    (
        "claim count inflated",
        "update claims set count=count*10 where id=1",
        "claim 1 (claims) was changed",
    ),
    (
        "claim put in another claimant's mouth",
        "update claims set claimant='UN HRMMU' where id=1",
        "claim 1 (claims) was changed",
    ),
    ("claim removed", "delete from claims where id=1", "claim 1 (claims) is recorded"),
]


@pytest.mark.parametrize(("sql", "named"), [e[1:] for e in EDITS], ids=[e[0] for e in EDITS])
def test_a_direct_database_edit_is_named_by_verify(
    case: Archive, sql: str | dict[str, str], named: str
) -> None:
    db = raw_database(case)
    if isinstance(sql, dict):
        sql = sql[db.conn.dialect.name]
    for statement in sql.split(";"):
        changed = db.execute(statement).rowcount
    assert changed > 0, f"the attack changed nothing: {sql}"
    problems = _row_problems(case)
    assert problems, f"not caught: {sql}"
    assert any(named in p.message for p in problems), [p.message for p in problems]


INSERTS: list[tuple[str, str, str, dict[str, object]]] = [
    ("a fake approval review", "incident_reviews", "id=1", {"id": 99, "reviewer": "mallory"}),
    (
        "a fake sighting on an official channel",
        "sightings",
        "id=1",
        {"id": 99, "source_label": "Ministry of Defence", "url": "https://t.me/mod/1"},
    ),
    ("a fake citation", "incident_citations", "id=1", {"id": 99, "incident_id": 2}),
    ("a fake evidence link", "incident_evidence", "id=1", {"id": 99, "incident_id": 2}),
    (
        "a fake source",
        "sources",
        "id=1",
        {"id": 99, "uid": "x" * 32, "name": "Independent witness", "reliability": "A"},
    ),
    ("a fake claim", "claims", "id=1", {"id": 99, "claimant": "UN HRMMU", "count": 500}),
    ("a fake incident", "incidents", "id=1", {"id": 99, "uid": "y" * 32, "title": "Forged"}),
    ("a fake distinct ruling", "incident_distinct_pairs", "id=1", {"id": 99, "first_id": 1}),
]


@pytest.mark.parametrize(
    ("table", "where", "changes"), [i[1:] for i in INSERTS], ids=[i[0] for i in INSERTS]
)
def test_a_row_slipped_into_the_database_is_named_by_verify(
    case: Archive, table: str, where: str, changes: dict[str, object]
) -> None:
    raw_database(case).copy_row(table, where, **changes)
    problems = _row_problems(case)
    assert [p.kind for p in problems] == ["unlogged_row"]
    assert "no custody entry records it" in problems[0].message
    assert (
        "99" in problems[0].where or "Forged" in problems[0].where or "witness" in problems[0].where
    )


def test_two_rows_swapped_are_both_named(case: Archive) -> None:
    db = raw_database(case)
    second, third = db.execute("select title from incidents where id in (2, 3) order by id")
    db.execute("update incidents set title=:t where id=2", {"t": third[0]})
    db.execute("update incidents set title=:t where id=3", {"t": second[0]})
    named = {p.where for p in _row_problems(case)}
    assert {"incident INC-0002", "incident INC-0003"} <= named


def test_blessing_an_edit_by_rewriting_the_state_entry_is_caught_by_the_log(case: Archive) -> None:
    db = raw_database(case)
    db.execute("update incidents set killed_low=40, killed_high=40 where id=1")
    row = db.execute("select * from incidents where id=1").first()
    assert row is not None
    db.bypass_append_only("custody_entries")
    seq, details = db.execute(
        "select seq, details from custody_entries where details like '%incidents/1%' "
        "order by seq desc limit 1"
    ).one()
    forged = json.loads(details)
    forged["rows"]["incidents/1"] = "0" * 64
    db.execute(
        "update custody_entries set details=:d where seq=:s", {"d": json.dumps(forged), "s": seq}
    )
    kinds = {p.kind for p in verify_archive(case)}
    assert "altered_entry" in kinds and "altered_row" in kinds


def test_the_cli_names_the_edited_incident_and_exits_1(case: Archive, tmp_path: Path) -> None:
    from conftest import Cli

    raw_database(case).execute("update incidents set status='verified' where id=2")
    result = Cli(case.dir)("verify")
    assert result.exit_code == 1
    assert "incident INC-0002 was changed outside corroborate" in result.stderr
    problems = json.loads(Cli(case.dir)("verify", "--json").stdout)["problems"]
    assert [p["kind"] for p in problems] == ["altered_row"]


def test_ordinary_work_through_corroborate_keeps_verify_clean(case: Archive) -> None:
    from corroborate.incidents import edit_incident, grade_source, merge_incidents

    edit_incident(case, "INC-0002", execution(killed="5"), actor="carol")
    grade_source(case, "UN HRMMU", "C", actor="alice")
    merge_incidents(case, "INC-0002", "INC-0003", actor="bob")
    assert verify_archive(case) == []


def test_a_third_party_recomputes_a_row_digest_from_the_readme_rule(case: Archive) -> None:
    """The canonical serialisation stated in the README, implemented here independently."""
    db = raw_database(case)
    source = dict(db.execute("select * from sources where id=1").mappings().one())

    def ts(value: str | datetime) -> str:
        """SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff' text in UTC; PostgreSQL a timestamp."""
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        date, _, time = value.partition(" ")
        whole, _, frac = time.partition(".")
        return f"{date}T{whole}.{(frac + '000000')[:6]}Z"

    source["created_at"] = ts(source["created_at"])
    text = json.dumps(
        {"table": "sources", "row": source},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    digest = hashlib.sha256(text.encode()).hexdigest()
    logged = [
        json.loads(d)["rows"].get("sources/1")
        for (d,) in db.execute(
            "select details from custody_entries where action like 'state.%' order by seq"
        )
    ]
    assert [d for d in logged if d][-1] == digest


def test_an_archive_made_before_state_binding_is_recorded_once_and_then_protected(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corroborate.custody import state

    with monkeypatch.context() as older_version:  # what an archive of the previous release holds
        older_version.setattr(state, "record_pending", lambda session, **_: None)
        old = backend.init(tmp_path / "old")
        settings = json.loads((old.dir / "archive.json").read_text())
        (old.dir / "archive.json").write_text(json.dumps({**settings, "format": 1}))
        ingest(old, [str(REPORTS / "surrender-follow-the-drone.txt")], actor="alice")
        old.close()
    upgraded = Archive.open(tmp_path / "old")
    actions = [a for (a,) in raw_database(upgraded).execute("select action from custody_entries")]
    assert actions.count("state.baseline") == 1 and "state.record" not in actions
    assert verify_archive(upgraded) == []
    Archive.open(tmp_path / "old").close()  # opening again records nothing more
    assert [
        a for (a,) in raw_database(upgraded).execute("select action from custody_entries")
    ] == actions
    raw_database(upgraded).execute("update sightings set url='https://forged.example/'")
    assert [p.kind for p in verify_archive(upgraded)] == ["altered_row"]


def test_a_package_is_never_built_over_a_forged_record(case: Archive, tmp_path: Path) -> None:
    from conftest import Cli

    raw_database(case).execute("update incidents set killed_low=40, killed_high=40 where id=1")
    result = Cli(case.dir)("export", "package", "INC-0001", "--out", str(tmp_path / "case.zip"))
    assert result.exit_code == 1
    assert "INC-0001 cannot be packaged: incident INC-0001 does not match its state" in (
        result.stderr
    )
    assert not (tmp_path / "case.zip").exists()


def test_a_package_is_never_built_over_a_forged_sighting_of_its_evidence(
    case: Archive, tmp_path: Path
) -> None:
    from corroborate.errors import IntegrityError
    from corroborate.report import build_package

    raw_database(case).execute("update sightings set url='https://t.me/official/1' where id=1")
    with pytest.raises(IntegrityError, match="sighting 1"):
        build_package(case, "INC-0001", tmp_path / "case.zip", actor="alice")
    build_package(case, "INC-0003", tmp_path / "other.zip", actor="alice")  # not its evidence


def test_a_tally_never_counts_an_incident_set_to_verified_in_the_database(case: Archive) -> None:
    from corroborate.incidents import tally

    before = tally(case)
    raw_database(case).execute("update incidents set status='verified', killed_low=40 where id=2")
    after = tally(case)
    assert after.total.incidents == before.total.incidents
    assert [(x.incident_id, x.reason) for x in after.left_out if x.reason == "record-altered"] == [
        ("INC-0002", "record-altered")
    ]


# -- the OS login the CLI records beside the actor (issue 13): part of the sealed leaf -------
@pytest.mark.parametrize("change", ["swapped", "removed", "added to an entry that had none"])
def test_an_entrys_os_login_edited_in_the_database_is_named(case: Archive, change: str) -> None:
    from corroborate.custody import entries
    from corroborate.custody.log import leaf_data
    from corroborate.custody.models import CustodyEntryRow

    case.os_login = "bob"  # as `corroborate` run by the OS account bob opens it
    add_source(case, "OHCHR", kind="monitoring-mission", reliability="A", actor="alice")
    assert verify_archive(case) == []
    by = {(e.actor, e.action, e.os_login): e.seq for e in entries(case)}
    seq, sql = {
        "swapped": (by["alice", "source.create", "bob"], "os_login='alice'"),
        "removed": (by["alice", "source.create", "bob"], "os_login=NULL"),
        "added to an entry that had none": (by["bob", "incident.review", None], "os_login='bob'"),
    }[change]
    db = raw_database(case)
    db.bypass_append_only("custody_entries")  # the attacker holds the database or its owner
    db.execute(f"update custody_entries set {sql} where seq={seq}")
    altered = [p for p in verify_archive(case) if p.kind == "altered_entry"]
    assert [p.where for p in altered] == [f"custody entry {seq}"], altered
    assert "no longer matches the hash sealed in the log" in altered[0].message
    with case.session() as session:  # the edit is in the leaf, not in some side column
        row = session.get(CustodyEntryRow, seq)
        assert row is not None and (b'"os_login"' in leaf_data(row)) == (change != "removed")
