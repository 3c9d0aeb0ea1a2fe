"""A missing or broken gazetteer is an error that names the file, never claims (or incidents)
read without their places as if nothing were wrong."""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corroborate.claims import extract_claims
from corroborate.cli import app
from corroborate.errors import CorroborateError
from corroborate.geo import Gazetteer, GazetteerError, default_gazetteer
from corroborate.geo import gazetteer as gazetteer_module
from corroborate.incidents import IncidentInput, create_incident
from corroborate.storage.archive import Archive

TEXT = "Police said 23 people were killed in Kramatorsk on Monday."


@pytest.fixture
def fresh_default() -> Iterator[None]:
    """The shipped gazetteer is loaded again after each test, not taken from the cache."""
    default_gazetteer.cache_clear()
    yield
    default_gazetteer.cache_clear()


@pytest.fixture
def missing(monkeypatch: pytest.MonkeyPatch, fresh_default: None) -> None:
    monkeypatch.setattr(gazetteer_module, "DATA_FILE", "no-such-gazetteer.json.gz")


def _fake_package(root: Path, name: str, data: bytes) -> str:
    """A package `name` whose data/gazetteer file holds `data`, importable from `root`."""
    (root / name / "data").mkdir(parents=True)
    (root / name / "__init__.py").write_text("")
    (root / name / "data" / gazetteer_module.DATA_FILE).write_bytes(data)
    return name


@pytest.mark.parametrize(
    ("label", "data", "says"),
    [
        (
            "truncated",
            gzip.compress(b'{"format": "x", "entries": [', mtime=0)[:-6],
            "cannot be read",
        ),
        ("not gzip", b"not a gazetteer", "cannot be read"),
        ("a list", gzip.compress(b"[1, 2, 3]", mtime=0), "not a JSON object"),
        ("no entries", gzip.compress(json.dumps({"format": "x"}).encode(), mtime=0), "format"),
    ],
    ids=lambda value: value if isinstance(value, str) else "bytes",
)
def test_a_corrupt_shipped_gazetteer_is_an_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_default: None,
    label: str,
    data: bytes,
    says: str,
) -> None:
    name = _fake_package(tmp_path, f"fake_geo_{abs(hash(label))}", data)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(gazetteer_module, "DATA_PACKAGE", name)
    with pytest.raises(GazetteerError, match=says):
        extract_claims(TEXT)
    sys.modules.pop(name, None)


def test_a_gazetteer_of_the_right_format_but_without_its_tables_is_an_error(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "g.json.gz"
    bad.write_bytes(gzip.compress(json.dumps({"format": gazetteer_module.FORMAT}).encode()))
    with pytest.raises(GazetteerError, match="incomplete"):
        Gazetteer.load(bad)


def test_claims_without_a_gazetteer_are_an_error_not_claims_without_places(
    missing: None,
) -> None:
    with pytest.raises(GazetteerError, match="build_gazetteer.py"):
        extract_claims(TEXT)
    assert issubclass(GazetteerError, CorroborateError)


def test_claims_that_do_not_ask_for_places_still_read_without_one(missing: None) -> None:
    (claim,) = extract_claims(TEXT, resolve_places=False)
    assert claim.count == 23 and claim.place == "Kramatorsk" and claim.place_resolved is None


def test_the_cli_says_so_in_one_line(missing: None, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["claims", "extract", str(report)])
    assert result.exit_code == 2
    assert "gazetteer data not found" in result.output
    assert "Traceback" not in result.output


def test_an_incident_place_without_a_gazetteer_is_an_error(archive: Archive, missing: None) -> None:
    with pytest.raises(GazetteerError):
        create_incident(
            archive, IncidentInput(type="other", title="Strike", place="Kramatorsk"), actor="a"
        )
