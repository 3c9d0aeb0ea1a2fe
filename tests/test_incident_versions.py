"""Concurrent edits (issue 13, requirement 6): a stale second save is refused, never lost.

Two analysts open the same incident; the first saves; the second's save, based on the version
both had read, is refused with a message that names who changed it and what, and nothing of
it is written. An archive made before incidents had versions still verifies once upgraded.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import Cli
from corroborate.archive import verify_archive
from corroborate.custody import log
from corroborate.custody.setup import init_archive
from corroborate.errors import StaleEditError
from corroborate.incidents import (
    IncidentInput,
    create_incident,
    edit_incident,
    get_incident,
    set_status,
)
from corroborate.storage.archive import Archive
from incident_fixtures import execution


def _db(archive: Archive) -> sqlite3.Connection:
    conn = sqlite3.connect(archive.dir / "archive.db")
    conn.isolation_level = None
    return conn


def _at_version_3(archive: Archive) -> str:
    """An incident created by carol and changed twice: version 3."""
    inc = create_incident(archive, execution(), actor="carol")
    assert inc.version == 1
    edit_incident(archive, inc.id, IncidentInput(description="First report"), actor="carol")
    assert set_status(archive, inc.id, "under-review", actor="carol").version == 3
    return inc.id


def test_the_second_stale_save_is_refused_naming_who_and_what_and_nothing_is_written(
    archive: Archive,
) -> None:
    ref = _at_version_3(archive)
    alice_form = get_incident(archive, ref)  # both analysts load version 3
    bob_form = get_incident(archive, ref)
    assert alice_form.version == bob_form.version == 3
    saved = edit_incident(
        archive,
        ref,
        IncidentInput(title="Three captured soldiers shot", killed="3"),
        actor="alice",
        expected_version=alice_form.version,
    )
    assert saved.version == 4 and saved.last_changed_by == "alice"
    entries_before = len(log.entries(archive))
    with pytest.raises(StaleEditError) as refused:
        edit_incident(
            archive,
            ref,
            IncidentInput(description="Bob's better description"),
            actor="bob",
            expected_version=bob_form.version,
        )
    message = str(refused.value)
    assert ref in message and "version 3" in message and "version 4" in message
    assert "alice" in message and "title" in message and "killed" in message
    assert "description" not in message  # changed before bob's version, not since
    assert "not written" in message
    after = get_incident(archive, ref)
    assert after.description == "First report" and after.version == 4
    assert after.title == "Three captured soldiers shot"
    assert len(log.entries(archive)) == entries_before
    # a status save from the stale form is refused too, and names the edit since
    with pytest.raises(StaleEditError, match="title"):
        set_status(archive, ref, "disputed", actor="bob", expected_version=3)
    assert get_incident(archive, ref).status == "under-review"
    # bob reloads and saves: accepted
    redone = edit_incident(
        archive, ref, IncidentInput(description="Bob's"), actor="bob", expected_version=4
    )
    assert redone.version == 5
    assert verify_archive(archive) == []


def test_without_expected_version_the_last_save_wins_as_before(archive: Archive) -> None:
    ref = _at_version_3(archive)
    edit_incident(archive, ref, IncidentInput(title="A"), actor="alice")
    edited = edit_incident(archive, ref, IncidentInput(title="B"), actor="bob")
    assert edited.title == "B" and edited.version == 5


def test_every_kind_of_change_raises_the_version(archive: Archive, items: list[str]) -> None:
    from corroborate.incidents import add_source, cite_source, link_evidence, review_incident

    add_source(archive, "UN HRMMU", kind="monitoring-mission", reliability="B", actor="alice")
    inc = create_incident(archive, execution(), actor="alice")
    link_evidence(archive, inc.id, items[0], role="primary", actor="alice")
    assert get_incident(archive, inc.id).version == 2
    cite_source(archive, inc.id, "UN HRMMU", credibility="2", actor="alice")
    assert get_incident(archive, inc.id).version == 3
    review_incident(archive, inc.id, decision="approve", actor="bob")
    reviewed = get_incident(archive, inc.id)
    assert reviewed.status == "verified" and reviewed.version == 4
    assert reviewed.last_changed_by == "alice"  # the review does not make bob the author
    with pytest.raises(StaleEditError, match=r"changed by bob \(status, review\)"):
        edit_incident(archive, inc.id, IncidentInput(title="x"), actor="alice", expected_version=3)


def test_a_version_from_the_future_is_refused(archive: Archive) -> None:
    ref = create_incident(archive, execution(), actor="alice").id
    with pytest.raises(StaleEditError, match="at version 1, not 9"):
        edit_incident(archive, ref, IncidentInput(title="x"), actor="bob", expected_version=9)


def test_the_cli_refuses_a_stale_save_in_one_line(archive: Archive) -> None:
    ref = _at_version_3(archive)
    cli = Cli(archive.dir)
    shown = json.loads(cli("incident", "show", ref, "--json").stdout)
    assert shown["version"] == 3
    ok = cli("incident", "edit", ref, "--title", "Alice's", "--expect-version", "3")
    assert ok.exit_code == 0, ok.stderr
    stale = cli("incident", "edit", ref, "--title", "Bob's", "--expect-version", "3", user="bob")
    assert stale.exit_code == 1
    lines = [line for line in stale.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stale.stderr
    assert "alice" in lines[0] and "title" in lines[0] and "version 4" in lines[0]
    assert json.loads(cli("incident", "show", ref, "--json").stdout)["title"] == "Alice's"
    bad = cli("incident", "edit", ref, "--title", "x", "--expect-version", "three")
    assert bad.exit_code != 0 and "Traceback" not in bad.stderr


def test_an_archive_upgraded_to_versions_still_verifies_and_stays_protected(
    tmp_path: Path,
) -> None:
    made = init_archive(tmp_path / "old")
    ref = create_incident(made, execution(), actor="alice").id
    made.close()
    db = _db(made)  # what the previous release's archive holds: no version column, revision 0007
    db.execute("alter table incidents drop column version")
    db.execute("alter table custody_entries drop column os_login")  # came later, in 0009
    db.execute("alter table items drop column sensitive")  # and these in 0010
    db.execute("drop table media_reveals")
    db.execute("drop table telegram_posts")  # added after 0007 too
    db.execute("update alembic_version set version_num='0007'")
    state_entries = db.execute("select count(*) from custody_entries").fetchone()
    db.close()
    upgraded = Archive.open(tmp_path / "old")
    db = _db(upgraded)
    assert db.execute("select version from incidents").fetchall() == [(1,)]
    # nothing re-recorded on opening: the digests logged without the column still hold
    assert db.execute("select count(*) from custody_entries").fetchone() == state_entries
    assert verify_archive(upgraded) == []
    edited = edit_incident(upgraded, ref, IncidentInput(title="Later"), actor="bob")
    assert edited.version == 2 and verify_archive(upgraded) == []
    db.execute("update incidents set version=1")  # rolling the number back is an edit too
    assert [p.kind for p in verify_archive(upgraded)] == ["altered_row"]
    db.execute("update incidents set version=2")
    assert verify_archive(upgraded) == []
    upgraded.close()


def test_a_version_changed_in_the_database_on_an_untouched_row_is_named(archive: Archive) -> None:
    create_incident(archive, execution(), actor="alice")
    _db(archive).execute("update incidents set version=7")
    assert [p.kind for p in verify_archive(archive)] == ["altered_row"]
