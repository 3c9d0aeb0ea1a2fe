"""What the CLI decided now lives in the library, so the web front end gets the same answers:
an edit with its status change is one transaction, tally and export read one status
vocabulary, every export is logged once its file is in place (and never otherwise)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
from pathlib import Path

import pytest

from corroborate.custody import entries
from corroborate.errors import CorroborateError, InputError
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


def test_an_edit_asking_for_verified_is_refused_whole(archive: Archive) -> None:
    from corroborate.errors import ReviewError

    inc = create_incident(archive, execution(), actor="alice")
    logged = len(entries(archive))
    with pytest.raises(ReviewError, match="second person"):
        edit_incident(archive, inc.id, IncidentInput(killed="9"), status="verified", actor="bob")
    assert get_incident(archive, inc.id).killed_low == inc.killed_low
    assert len(entries(archive)) == logged


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


# -- one status vocabulary -----------------------------------------------------------------
def test_tally_and_export_read_the_same_status_words(archive: Archive) -> None:
    from corroborate.incidents import tally
    from corroborate.incidents.statuses import STATUS_FILTERS, parse_min_status
    from corroborate.report import export_incidents

    create_incident(archive, execution(), actor="alice")
    assert STATUS_FILTERS[0] == "any" and "verified" in STATUS_FILTERS
    assert parse_min_status("any") is None and parse_min_status(" Under_Review ") == "under-review"
    assert tally(archive, min_status="any").total.incidents == 1
    assert tally(archive, min_status="verified").total.incidents == 0
    assert len(export_incidents(archive, "csv", actor="a", min_status="any").incidents) == 1
    assert export_incidents(archive, "csv", actor="a", min_status="verified").incidents == []
    messages = []
    for call in (
        lambda: tally(archive, min_status="anything"),
        lambda: export_incidents(archive, "csv", actor="a", min_status="anything"),
    ):
        with pytest.raises(InputError) as caught:
            call()
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and "any, discounted" in messages[0]


def test_export_incidents_on_the_cli_takes_any(archive: Archive, cli) -> None:  # noqa: ANN001
    inc = create_incident(archive, execution(), actor="alice")
    out = cli("export", "incidents", "--min-status", "any", "--format", "jsonl")
    assert out.exit_code == 0, out.output
    assert inc.id in out.stdout


# -- the tally CSV is an export like the others --------------------------------------------
def test_a_csv_tally_is_logged_with_the_digest_of_the_file(
    archive: Archive,
    cli,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    create_incident(archive, execution(), actor="alice")
    target = tmp_path / "tally.csv"
    out = cli("tally", "--min-status", "any", "--by", "type", "--csv", "--out", target)
    assert out.exit_code == 0, out.output
    logged = [e for e in entries(archive) if e.action == "export.tally"]
    assert len(logged) == 1 and logged[0].actor == "alice"
    assert logged[0].details["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert logged[0].details["file"] == "tally.csv" and logged[0].details["by"] == ["type"]
    piped = cli("tally", "--min-status", "any", "--csv")
    again = [e for e in entries(archive) if e.action == "export.tally"][-1]
    assert again.details["sha256"] == hashlib.sha256(piped.stdout.encode()).hexdigest()
    assert again.details["file"] is None
    assert cli("verify").exit_code == 0


# -- an export that cannot be written leaves no entry and no file ---------------------------
def _fail_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)


def _export(kind: str, archive: Archive, target: Path, ref: str) -> object:
    from corroborate.incidents import tally
    from corroborate.report import build_package, export_incidents
    from corroborate.report.exports import export_tally

    if kind == "incidents":
        return export_incidents(archive, "geojson", actor="alice", out=target)
    if kind == "tally":
        return export_tally(archive, tally(archive, min_status="any"), actor="alice", out=target)
    return build_package(archive, ref, target, actor="alice")


@pytest.mark.parametrize("kind", ["incidents", "tally", "package"])
def test_a_file_that_cannot_be_written_leaves_no_entry_and_no_partial_file(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    inc = create_incident(archive, execution(), actor="alice")
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / {"incidents": "x.geojson", "tally": "tally.csv", "package": "case.zip"}[kind]
    before = [e.seq for e in entries(archive)]
    _fail_fsync(monkeypatch)
    with pytest.raises(CorroborateError) as caught:
        _export(kind, archive, target, inc.id)
    monkeypatch.undo()
    assert target.name in str(caught.value) and "No space left" in str(caught.value)
    assert [e.seq for e in entries(archive)] == before  # no export.* entry was signed
    assert list(folder.iterdir()) == []  # neither the file nor a temporary
    _export(kind, archive, target, inc.id)  # and it works once the disk does
    assert [p.name for p in folder.iterdir()] == [target.name]
    assert entries(archive)[-1].action.startswith("export.")


@pytest.mark.parametrize("kind", ["incidents", "tally"])
def test_an_export_killed_before_its_file_is_in_place_logs_nothing(
    archive: Archive, tmp_path: Path, kind: str
) -> None:
    from conftest import run_corroborate

    create_incident(archive, execution(), actor="alice")
    target = tmp_path / "killed.csv"
    before = len(entries(archive))
    args = {
        "incidents": ["export", "incidents", "--format", "csv"],
        "tally": ["tally", "--min-status", "any", "--csv"],
    }[kind]
    archive.close()
    done = run_corroborate(
        *args, "--out", str(target), "-A", str(archive.dir),
        env={"CORROBORATE_CRASH_AT": "export-written"},
    )  # fmt: skip
    assert done.returncode == -signal.SIGKILL
    reopened = Archive.open(archive.dir)
    try:
        assert len(entries(reopened)) == before
        assert not target.exists()  # the temporary was never renamed into place
    finally:
        reopened.close()


# -- one tree-head parser ------------------------------------------------------------------
def test_a_tree_head_reads_back_as_written_and_a_package_head_must_be_exact(
    archive: Archive,
) -> None:
    from corroborate.core import TreeHead
    from corroborate.custody import current_head

    create_incident(archive, execution(), actor="alice")
    head = current_head(archive)
    assert TreeHead.from_json(head.to_json()) == head
    assert TreeHead.from_json(head.to_json(), exact=True) == head
    assert TreeHead.from_json(json.dumps({**head.to_json(), "key_fingerprint": "x"})) == head
    with pytest.raises(ValueError, match="exactly"):
        TreeHead.from_json({**head.to_json(), "key_fingerprint": "x"}, exact=True)
    iso = {**head.to_json(), "timestamp": head.timestamp.isoformat()}
    assert TreeHead.from_json(iso) == head
    with pytest.raises(ValueError):
        TreeHead.from_json(iso, exact=True)  # not the signed form: not written by a package


def test_the_cli_and_the_library_read_an_earlier_head_the_same_way(
    archive: Archive,
    cli,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    from corroborate.custody.verify import earlier_head

    create_incident(archive, execution(), actor="alice")
    saved = tmp_path / "head.json"
    saved.write_text(cli("custody", "head", "--json").stdout)
    parsed = earlier_head(str(saved))
    assert not isinstance(parsed, tuple) and parsed.root_hash in saved.read_text()
    assert earlier_head(f"{parsed.tree_size}:{parsed.root_hash.upper()}") == (
        parsed.tree_size,
        parsed.root_hash,
    )
    with pytest.raises(InputError, match="64 hex digits"):
        earlier_head("3:abc")
    assert cli("custody", "consistency", str(saved)).exit_code == 0
    bad = cli("custody", "consistency", "3:abc")
    assert bad.exit_code == 2 and "64 hex digits" in bad.stderr


# -- what a verifier pins is read by the library ------------------------------------------
def test_a_key_file_and_a_fingerprint_that_disagree_are_refused(
    archive: Archive, tmp_path: Path
) -> None:
    from corroborate.custody import keys
    from corroborate.report import key_fingerprint
    from corroborate.report.trust import package_trust

    pem = tmp_path / "custody.pub"
    pem.write_text(keys.public_pem(archive.key_dir))
    right = key_fingerprint(keys.load_public(archive.key_dir))
    trust = package_trust(pem, right)
    assert trust.key is not None and trust.key.fingerprint == right and trust.tsa_ca_pem is None
    with pytest.raises(InputError, match="has fingerprint"):
        package_trust(pem, "0" * 64)
    with pytest.raises(InputError, match="cannot read"):
        package_trust(tsa_ca=tmp_path / "missing.pem")
