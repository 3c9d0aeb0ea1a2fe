"""Archive hooks, derivations and table models plug in one way; a broken install says so."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from corroborate import db
from corroborate.archive import derivations
from corroborate.db.registry import Registry
from corroborate.errors import ArchiveError
from corroborate.storage import hooks


def test_the_three_kinds_of_plugin_share_one_registry() -> None:
    assert {type(r) for r in (hooks.REGISTRY, derivations.REGISTRY, db.MODELS)} == {Registry}


def test_an_install_without_table_models_is_refused_not_left_unchecked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(db.MODELS, "declared", lambda: [])
    monkeypatch.setattr(db.MODELS, "loaded", False)
    with pytest.raises(ArchiveError, match="no table models are installed"):
        db.import_all_models()


def test_a_models_module_that_cannot_be_imported_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = EntryPoint("ghost", "corroborate.no_such_models", db.MODELS_GROUP)
    monkeypatch.setattr(db.MODELS, "declared", lambda: [broken])
    monkeypatch.setattr(db.MODELS, "loaded", False)
    with pytest.raises(ArchiveError, match="table models 'ghost'.*cannot be loaded"):
        db.import_all_models()


def test_entry_points_are_read_once_per_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []

    def declared() -> list[EntryPoint]:
        calls.append(1)
        return [EntryPoint("models", "corroborate.incidents.models", db.MODELS_GROUP)]

    monkeypatch.setattr(db.MODELS, "declared", declared)
    monkeypatch.setattr(db.MODELS, "loaded", False)
    db.import_all_models()
    db.import_all_models()
    assert calls == [1]
