"""What a reviewer approved stays approved only while it is what they saw: re-grading a source a
verified incident cites, or merging a duplicate into it, sends it back to review (logged, and
said); every status change names who made it; citing one source twice is flagged."""

from __future__ import annotations

import json

from conftest import Cli
from corroborate.incidents import (
    add_source,
    create_incident,
    get_incident,
    history,
    link_evidence,
    review_incident,
)
from corroborate.storage.archive import Archive
from incident_fixtures import execution


def _verified(archive: Archive, item: str, **fields: object) -> str:
    ref = create_incident(archive, execution(**fields), actor="alice").id
    link_evidence(archive, ref, item, role="primary", actor="alice")
    review_incident(archive, ref, decision="approve", actor="bob")
    return ref


def test_regrading_a_cited_source_reopens_the_verified_incidents_citing_it(
    archive: Archive, cli: Cli, items: list[str]
) -> None:
    add_source(archive, "Channel X", kind="social-media", reliability="B", actor="alice")
    cited = _verified(archive, items[0])
    untouched = _verified(archive, items[1], date="2024-10-20")
    assert cli("incident", "cite", cited, "Channel X", "--credibility", "2").exit_code == 0
    assert get_incident(archive, cited).status == "verified"

    out = cli("source", "grade", "Channel X", "E", user="carol")
    assert out.exit_code == 0, out.output
    assert "now graded E" in out.stdout and cited in out.stdout and untouched not in out.stdout
    inc = get_incident(archive, cited)
    assert inc.status == "under-review" and inc.citations[0].grade == "E2"
    assert inc.last_changed_by == "carol"
    last = history(archive, cited)[-1]
    assert last.action == "incident.status" and last.details["status"] == [
        "verified",
        "under-review",
    ]
    assert "re-graded B -> E" in last.details["reason"]
    assert get_incident(archive, untouched).status == "verified"
    # four eyes: the person who re-graded cannot approve it alone
    out = cli("incident", "review", cited, "--approve", user="carol")
    assert out.exit_code == 1 and "four eyes" in out.stderr
    out = cli("incident", "review", cited, "--approve", user="bob")
    assert out.exit_code == 0 and "approved by bob" in out.stdout
    assert cli("verify").exit_code == 0


def test_merging_into_a_verified_incident_reopens_its_review(
    archive: Archive, cli: Cli, items: list[str]
) -> None:
    kept = _verified(archive, items[0])
    dup = create_incident(archive, execution(killed="5"), actor="alice").id
    out = cli("incident", "merge", kept, dup, user="carol")
    assert out.exit_code == 0, out.output
    assert "needs a new approval" in out.stdout
    inc = get_incident(archive, kept)
    assert inc.status == "under-review" and inc.last_changed_by == "carol"
    merge = [e for e in history(archive, kept) if e.action == "incident.merge"][-1]
    assert merge.details["status"] == ["verified", "under-review"]
    assert cli("verify").exit_code == 0


def test_a_status_change_records_who_made_it(archive: Archive, cli: Cli) -> None:
    ref = create_incident(archive, execution(), actor="alice").id
    out = cli("incident", "edit", ref, "--status", "disputed", "--note", "denied", user="dave")
    assert out.exit_code == 0, out.output
    inc = get_incident(archive, ref)
    assert inc.status == "disputed" and inc.last_changed_by == "dave"
    assert "dave" in cli("incident", "show", ref).stdout


def test_citing_the_same_source_twice_warns(archive: Archive, cli: Cli) -> None:
    add_source(archive, "UN HRMMU", kind="monitoring-mission", reliability="A", actor="alice")
    ref = create_incident(archive, execution(), actor="alice").id
    first = cli("incident", "cite", ref, "UN HRMMU", "--credibility", "2")
    assert first.exit_code == 0 and "warning" not in first.stderr
    again = cli("incident", "cite", ref, "UN HRMMU", "--credibility", "3", "--json")
    assert again.exit_code == 0, again.output
    warnings = json.loads(again.stdout)["warnings"]
    assert warnings and "already cites UN HRMMU" in warnings[0]
    again = cli("incident", "cite", ref, "un hrmmu", "--credibility", "3")
    assert "warning:" in again.stderr and "a source cited twice is still one source" in again.stderr
    assert len(get_incident(archive, ref).citations) == 3  # recorded, but flagged


def test_a_rejection_reads_rejected(archive: Archive, cli: Cli) -> None:
    ref = create_incident(archive, execution(), actor="alice").id
    out = cli("incident", "review", ref, "--reject", "--note", "no primary footage", user="bob")
    assert out.exit_code == 0, out.output
    assert "rejected by bob" in out.stdout and "rejectd" not in out.stdout
