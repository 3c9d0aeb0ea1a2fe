"""Derivations plug into ingest: built-ins come in as outside ones would, and every result and
every failure is in the custody log."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from corroborate.archive import derivations, ingest_file
from corroborate.archive.derivations import Failure, Stage, Subject
from corroborate.custody import entries, state
from corroborate.errors import ArchiveError, CorroborateError, InputError
from corroborate.match.models import SignatureRow
from corroborate.storage.archive import Archive

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "tests" / "data" / "reports"


def _declared() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return dict(project["entry-points"][derivations.ENTRY_POINT_GROUP])


def _points() -> list[EntryPoint]:
    return [EntryPoint(n, v, derivations.ENTRY_POINT_GROUP) for n, v in _declared().items()]


def _by_action(archive: Archive, action: str) -> list[dict[str, Any]]:
    return [e.details for e in entries(archive) if e.action == action]


# -- the contract every derivation keeps ----------------------------------------------------


SUBJECTS = [
    Subject("0" * 64, kind, None, Path("/nonexistent"), "x", {}, readable)
    for kind in ("video", "image", "audio", "document", "webpage", "other")
    for readable in (True, False)
]


@pytest.fixture(params=sorted(_declared()))
def declared(request: pytest.FixtureRequest) -> Any:
    """Each derivation pyproject.toml declares, loaded through its entry point."""
    point = next(p for p in _points() if p.name == request.param)
    return point.load()


def test_the_built_ins_are_declared_as_outside_derivations_would_be() -> None:
    assert set(_declared()) == {"claims", "keyframes", "signature"}
    assert derivations.load_entry_points(_points) == sorted(_declared())
    assert {d.name for d in derivations.active()} >= set(_declared())


def test_a_derivation_is_named_as_its_entry_point(declared: Any) -> None:
    assert declared.name in _declared()
    assert _declared()[declared.name].split(":")[0] == type(declared).__module__


def test_a_derivation_answers_for_every_kind_of_item(declared: Any) -> None:
    assert isinstance(declared.deferrable, bool)
    for subject in SUBJECTS:
        assert isinstance(declared.applies(subject), bool)
        if not subject.media_readable and subject.kind in ("video", "image"):
            assert not declared.applies(subject)  # nothing is derived from unreadable media


def test_a_derivation_words_each_failure(declared: Any) -> None:
    for stage in ("derive", "store", "after_commit"):
        told = declared.failure(SUBJECTS[0], InputError("it broke"), stage)
        assert isinstance(told, Failure) and "it broke" in told.message


def test_a_second_derivation_of_the_same_name_is_refused(declared: Any) -> None:
    class Impostor:
        name = declared.name

    with pytest.raises(ArchiveError, match="two derivations"):
        derivations.register(Impostor())  # type: ignore[arg-type]


def test_an_entry_point_that_cannot_load_is_an_error() -> None:
    broken = EntryPoint("broken", "corroborate.no_such:THING", derivations.ENTRY_POINT_GROUP)
    with pytest.raises(ArchiveError, match="'broken'.*cannot be loaded"):
        derivations.load_entry_points(lambda: [broken])


def test_an_installation_with_no_derivations_refuses_to_ingest(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stale metadata (corroborate not reinstalled) must not archive footage unhashed."""
    monkeypatch.setattr(derivations.REGISTRY, "declared", lambda: [])
    monkeypatch.setattr(derivations.REGISTRY, "loaded", False)
    monkeypatch.setattr(derivations.REGISTRY, "items", {})
    note = tmp_path / "note.txt"
    note.write_text("Three people were killed, officials said.")
    result = ingest_file(archive, note, actor="alice")
    assert result.item_id is None and "no derivations are installed" in (result.error or "")
    assert _by_action(archive, "archive.ingest") == []


# -- results and failures in the custody log -------------------------------------------------


class Planted:
    """An outside derivation, registered the way a plugin's would be; fails where told."""

    name = "zz-planted"
    deferrable = False

    def __init__(self, fail_at: Stage | None) -> None:
        self.fail_at = fail_at

    def applies(self, subject: Subject) -> bool:
        return subject.kind == "document"

    def _maybe_fail(self, stage: Stage) -> None:
        if self.fail_at == stage:
            raise InputError(f"planted failure at {stage}")

    def derive(self, archive: Archive, subject: Subject) -> str:
        self._maybe_fail("derive")
        return hashlib.sha256(subject.path.read_bytes()).hexdigest()

    def store(
        self, session: Any, item_id: str, subject: Subject, derived: str, *, actor: str
    ) -> None:
        from corroborate.custody import log

        log.append(session, actor=actor, action="planted.result", details={"digest": derived})

    def after_commit(
        self, archive: Archive, item_id: str, subject: Subject, derived: str, *, actor: str
    ) -> list[str]:
        self._maybe_fail("after_commit")
        return ["planted: done"]

    def failure(self, subject: Subject, error: Exception, stage: Stage) -> Failure:
        return Failure(f"{subject.shown}: planted ({error})", warning=stage == "derive")


@pytest.fixture
def planted() -> Iterator[Any]:
    def plant(fail_at: Stage | None) -> Planted:
        derivations.unregister(Planted.name)
        return derivations.register(Planted(fail_at))  # type: ignore[return-value]

    yield plant
    derivations.unregister(Planted.name)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_bytes((REPORTS / "surrender-follow-the-drone.txt").read_bytes())
    return path


def test_an_outside_derivation_runs_and_its_result_is_logged(
    archive: Archive, report: Path, planted: Any
) -> None:
    planted(None)
    result = ingest_file(archive, report, actor="alice")
    assert result.ok and "planted: done" in result.notes
    assert _by_action(archive, "planted.result") == [
        {"digest": hashlib.sha256(report.read_bytes()).hexdigest()}
    ]
    assert _by_action(archive, "claims.extract")[0]["item"] == result.item_id
    assert _by_action(archive, derivations.FAILED) == []


def test_a_failed_derivation_is_logged_and_the_item_still_archived(
    archive: Archive, report: Path, planted: Any
) -> None:
    planted("derive")
    result = ingest_file(archive, report, actor="alice")
    assert result.item_id and result.warning == f"{report}: planted (planted failure at derive)"
    assert _by_action(archive, derivations.FAILED) == [
        {
            "derivation": Planted.name,
            "stage": "derive",
            "item": result.item_id,
            "error": "planted failure at derive",
        }
    ]
    assert _by_action(archive, "planted.result") == []


def test_a_failure_after_the_commit_is_logged_too(
    archive: Archive, report: Path, planted: Any
) -> None:
    planted("after_commit")
    result = ingest_file(archive, report, actor="alice")
    assert result.ok and f"{report}: planted (planted failure at after_commit)" in result.notes
    failed = _by_action(archive, derivations.FAILED)
    assert [(f["stage"], f["item"]) for f in failed] == [("after_commit", result.item_id)]
    assert len(_by_action(archive, "planted.result")) == 1  # stored before the failure


def test_a_claims_read_that_fails_is_a_note_and_an_entry(
    archive: Archive, report: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corroborate.claims import derivation

    def broken(path: Path, kind: str) -> list[Any]:
        raise CorroborateError("no gazetteer")

    monkeypatch.setattr(derivation, "claims_for_file", broken)
    result = ingest_file(archive, report, actor="alice")
    assert result.notes == ["claims not read: no gazetteer"] and result.ok
    assert _by_action(archive, derivations.FAILED)[0]["derivation"] == "claims"
    assert _by_action(archive, "claims.extract") == []


def test_stored_signatures_and_matches_are_logged_with_digests_of_what_was_stored(
    archive: Archive, footage: dict[str, Path], tmp_path: Path
) -> None:
    first = ingest_file(archive, footage["still"], actor="alice")
    copy = tmp_path / "recompressed.jpg"
    Image.open(footage["still"]).save(copy, quality=60)
    second = ingest_file(archive, copy, actor="alice")
    assert any(n.startswith(f"shares footage with {first.item_id}") for n in second.notes)
    with archive.session() as session:
        stored = {
            r.item_id: (f"{r.signal}/{r.version}", hashlib.sha256(r.data).hexdigest())
            for r in session.scalars(select(SignatureRow))
        }
    logged = _by_action(archive, "derive.signature")
    assert {d["item"]: (d["signal"], d["sha256"]) for d in logged} == stored
    (matches,) = _by_action(archive, "derive.matches")
    table = state.table_named("match_links")
    with archive.session() as session:
        rows = session.execute(
            select(table).where(table.c.query_id == second.item_id).order_by(table.c.id)
        ).mappings()
        canonical = "\n".join(state.canonical_row(table, r) for r in rows)
    assert matches["sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert [m["item"] for m in matches["matches"]] == [first.item_id]


def test_bulk_intake_leaves_the_signature_for_rehash(
    archive: Archive, footage: dict[str, Path]
) -> None:
    ingest_file(archive, footage["still"], actor="alice", signatures=False)
    assert _by_action(archive, "derive.signature") == []
    assert _by_action(archive, derivations.FAILED) == []
