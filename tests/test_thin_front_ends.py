"""What the CLI decided now lives in the library, so the web front end gets the same answers:
an edit with its status change is one transaction, tally and export read one status
vocabulary, every export is logged once its file is in place (and never otherwise)."""

from __future__ import annotations

import pytest

from corroborate.custody import entries
from corroborate.errors import InputError
from corroborate.incidents import (
    IncidentInput,
    create_incident,
    edit_incident,
    get_incident,
    history,
)
from corroborate.storage.archive import Archive
from incident_fixtures import execution


def test_an_edit_whose_status_cannot_be_set_leaves_the_edit_unapplied(archive: Archive) -> None:
    inc = create_incident(archive, execution(), actor="alice")
    logged = len(entries(archive))
    with pytest.raises(InputError, match="already unverified"):
        edit_incident(
            archive, inc.id, IncidentInput(title="Renamed"), status="unverified", actor="bob"
        )
    after = get_incident(archive, inc.id)
    assert after.title == inc.title and after.last_changed_by == "alice"
    assert len(entries(archive)) == logged  # neither the edit nor the status was logged


def test_an_edit_with_its_status_is_committed_together(archive: Archive) -> None:
    inc = create_incident(archive, execution(), actor="alice")
    changed = edit_incident(
        archive, inc.id, IncidentInput(title="Renamed"), status="disputed", actor="bob", note="n"
    )
    assert changed.title == "Renamed" and changed.status == "disputed"
    actions = [e.action for e in history(archive, inc.id)]
    assert actions[-2:] == ["incident.edit", "incident.status"]


def test_the_cli_edit_with_a_status_that_fails_changes_nothing(archive: Archive, cli) -> None:  # noqa: ANN001
    inc = create_incident(archive, execution(), actor="alice")
    logged = len(entries(archive))
    out = cli("incident", "edit", inc.id, "--title", "Renamed", "--status", "unverified")
    assert out.exit_code != 0 and "already unverified" in out.stderr
    assert get_incident(archive, inc.id).title == inc.title
    assert len(entries(archive)) == logged


def test_an_edit_giving_nothing_is_refused(archive: Archive) -> None:
    inc = create_incident(archive, execution(), actor="alice")
    with pytest.raises(InputError, match="nothing to change"):
        edit_incident(archive, inc.id, IncidentInput(), actor="bob")
