"""Roles are enforced in the incident library, so the CLI, the pages and the API cannot disagree:
a viewer edits nothing, an analyst approves nothing, and a reviewer does not approve their own
work, compared by account name. A plain name (the local CLI operator) keeps every power."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from corroborate import accounts
from corroborate.accounts import AccessError, User
from corroborate.custody import entries
from corroborate.errors import ReviewError
from corroborate.incidents import (
    IncidentInput,
    add_source,
    cite_source,
    create_incident,
    edit_incident,
    get_incident,
    grade_source,
    history,
    link_evidence,
    merge_incidents,
    review_incident,
    set_status,
)
from corroborate.incidents.duplicates import mark_distinct
from corroborate.incidents.fields import FormEdit, date_text, form_input, form_text
from corroborate.incidents.importer import import_incidents
from corroborate.incidents.records import field_values
from corroborate.report import build_package, verify_package
from corroborate.report.exports import export_incidents
from corroborate.storage.archive import Archive
from incident_fixtures import execution

PASSWORD = "correct horse battery"


@pytest.fixture
def team(archive: Archive) -> dict[str, User]:
    """One real account of each role (and a second reviewer)."""
    made = {}
    for name, role in (
        ("vera", "viewer"),
        ("ana", "analyst"),
        ("rex", "reviewer"),
        ("rita", "reviewer"),
    ):
        made[name] = accounts.add_user(archive, name, role=role, password=PASSWORD, by="root")
    return made


def _ready(archive: Archive, items: list[str], author: User | str) -> str:
    """A complete incident with primary evidence, submitted for review by `author`."""
    inc = create_incident(archive, execution(), actor=author)
    link_evidence(archive, inc.id, items[0], role="primary", actor=author)
    set_status(archive, inc.id, "under-review", actor=author)
    return inc.id


def test_a_viewer_account_can_write_nothing_about_incidents_and_nothing_is_logged(
    archive: Archive, items: list[str], team: dict[str, User], tmp_path: Path
) -> None:
    ref = create_incident(archive, execution(), actor="alice").id
    other = create_incident(archive, execution(title="Another"), actor="alice").id
    src = add_source(archive, "UN HRMMU", kind="monitoring-mission", reliability="B", actor="a")
    viewer = team["vera"]
    csv = tmp_path / "rows.csv"
    csv.write_text("title,type\nShelling,shelling-residential\n")
    writes: list[Callable[[], object]] = [
        lambda: create_incident(archive, execution(), actor=viewer),
        lambda: edit_incident(archive, ref, IncidentInput(title="x"), actor=viewer),
        lambda: edit_incident(archive, ref, FormEdit({"title": "x"}), actor=viewer),
        lambda: set_status(archive, ref, "under-review", actor=viewer),
        lambda: link_evidence(archive, ref, items[0], role="primary", actor=viewer),
        lambda: add_source(archive, "Src", kind="media", reliability="C", actor=viewer),
        lambda: grade_source(archive, src.id, "C", actor=viewer),
        lambda: cite_source(archive, ref, src.id, credibility=2, actor=viewer),
        lambda: merge_incidents(archive, ref, other, actor=viewer),
        lambda: mark_distinct(archive, ref, other, actor=viewer, note="different days"),
        lambda: import_incidents(archive, csv, actor=viewer),
        lambda: review_incident(archive, ref, decision="reject", note="no", actor=viewer),
    ]
    logged = len(entries(archive))
    for write in writes:
        with pytest.raises(AccessError, match="vera is a viewer"):
            write()
    assert len(entries(archive)) == logged
    assert get_incident(archive, ref).title == execution().title
    # reading and exporting are a viewer's: the export entry names the account
    done = export_incidents(archive, "csv", actor=viewer)
    assert entries(archive)[-1].actor == "vera" and ref in done.incidents


def test_an_analyst_cannot_approve_or_reject(
    archive: Archive, items: list[str], team: dict[str, User]
) -> None:
    ref = _ready(archive, items, "alice")
    logged = len(entries(archive))
    for decision in ("approve", "reject"):
        with pytest.raises(AccessError, match=r"ana is an? analyst: approving or rejecting"):
            review_incident(archive, ref, decision=decision, note="n", actor=team["ana"])
    assert get_incident(archive, ref).status == "under-review"
    assert len(entries(archive)) == logged


def test_a_reviewer_cannot_approve_what_they_submitted_but_another_reviewer_can(
    archive: Archive, items: list[str], team: dict[str, User]
) -> None:
    ref = _ready(archive, items, team["ana"])
    edit_incident(archive, ref, IncidentInput(description="Seen by rex"), actor=team["rex"])
    with pytest.raises(ReviewError, match="rex made the last change"):
        review_incident(archive, ref, decision="approve", actor=team["rex"])
    # the same person under the CLI's plain name is the same person
    with pytest.raises(ReviewError, match="four eyes"):
        review_incident(archive, ref, decision="approve", actor="REX")
    review = review_incident(archive, ref, decision="approve", actor=team["rita"])
    assert review.reviewer == "rita" and review.status_after == "verified"
    actors = [(e.action, e.actor) for e in history(archive, ref)]
    assert ("incident.create", "ana") in actors and ("incident.edit", "rex") in actors
    assert actors[-1] == ("incident.review", "rita")


def test_a_disabled_account_can_do_nothing(
    archive: Archive, items: list[str], team: dict[str, User]
) -> None:
    gone = accounts.set_disabled(archive, "rita", True, by="root")
    with pytest.raises(AccessError):
        create_incident(archive, execution(), actor=gone)


def test_a_package_export_is_logged_under_the_account(
    archive: Archive, items: list[str], team: dict[str, User], tmp_path: Path
) -> None:
    ref = _ready(archive, items, team["ana"])
    summary = build_package(archive, ref, tmp_path / "case.zip", actor=team["vera"])
    assert verify_package(summary.path).ok
    assert [e.actor for e in history(archive, ref) if e.action == "export.package"] == ["vera"]


# -- an edit form changes only what the person changed -------------------------------------
def test_a_form_showing_a_record_reads_back_as_no_change(archive: Archive) -> None:
    inc = create_incident(archive, execution(tags="a, b", sensitive=True), actor="alice")
    with archive.session() as session:
        from corroborate.incidents.models import IncidentRow

        row = session.get(IncidentRow, 1)
        assert row is not None
        shown = field_values(row)
    text = form_text(shown)
    assert FormEdit(text).against(shown).given() == []
    renamed = FormEdit({**text, "title": " Renamed\r\n"}).against(shown)
    assert renamed.given() == ["title"] and renamed.title == "Renamed"
    unticked = {k: v for k, v in text.items() if k != "sensitive"}  # a browser leaves it out
    assert FormEdit(unticked).against(shown).sensitive == "no"
    moved = FormEdit({**text, "latitude": "47.5"}).against(shown)
    assert moved.given() == ["latitude", "longitude"]
    edited = edit_incident(
        archive, inc.id, FormEdit({**text, "killed": "5"}), actor="bob", expected_version=1
    )
    assert edited.killed_low == edited.killed_high == 5 and edited.place == inc.place
    changes = history(archive, inc.id)[-1].details["changes"]
    assert sorted(changes) == ["killed_high", "killed_low"]


@pytest.mark.parametrize(
    "written",
    ["2024-10-10", "2024-10", "~2024-10", "2023", "2024-10-10..2024-10-12", "~2024-10-10"],
)
def test_a_stored_date_is_written_as_it_reads_back(written: str) -> None:
    from corroborate.incidents.fields import parse_when

    start, end, precision = parse_when(written)
    assert date_text(start, end, precision) == written


def test_a_new_incident_form_treats_blank_fields_as_not_given() -> None:
    data = form_input({"title": "T", "type": "shelling", "latitude": "", "place": "Robotyne"})
    assert data.given() == ["title", "type", "place"]
    assert form_input({"sensitive": "on"}).sensitive == "yes"
