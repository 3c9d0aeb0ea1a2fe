"""`corroborate geo` at the keyboard, and the build script that makes the shipped data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import corroborate.geo as geo
from corroborate.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_resolve_bachmout_in_donetsk_region_prints_ranked_json() -> None:
    result = runner.invoke(
        app, ["geo", "resolve", "Bachmout", "--context", "Donetsk region", "--json"]
    )
    assert result.exit_code == 0, result.output
    candidates = json.loads(result.stdout)
    best = candidates[0]
    assert best["name"] == "Bakhmut"
    for field in ("alternate_names", "admin1", "country", "latitude", "longitude", "precision"):
        assert field in best
    assert best["admin1"] == "Donetsk Oblast" and best["country"] == "UA"
    assert best["context_match"] == "admin1"
    assert abs(best["latitude"] - 48.595) < 0.1 and abs(best["longitude"] - 38.0) < 0.1
    scores = [c["score"] for c in candidates]
    assert scores == sorted(scores, reverse=True)


def test_resolve_prints_a_table_for_people_with_the_attribution() -> None:
    result = runner.invoke(app, ["geo", "resolve", "Artemovsk", "--limit", "2"])
    assert result.exit_code == 0, result.output
    assert "Bakhmut" in result.stdout
    assert "GeoNames" in result.stdout


def test_help_names_the_geonames_licence() -> None:
    result = runner.invoke(app, ["geo", "--help"])
    assert result.exit_code == 0
    assert "GeoNames" in result.stdout and "CC-BY 4.0" in result.stdout


def test_derived_spellings_are_marked_as_derived_in_json() -> None:
    result = runner.invoke(app, ["geo", "resolve", "Kleshcheevka", "--json", "--limit", "1"])
    best = json.loads(result.stdout)[0]
    assert best["how"] == "derived"
    assert best["precision"] == "approximate"
    assert {"name": "Клещеевка", "rule": "russian-style"} in best["derived_names"]


def test_garbage_name_says_nothing_matches_and_fails() -> None:
    result = runner.invoke(app, ["geo", "resolve", "qxzzvw"])
    assert result.exit_code == 1
    assert "no place in the gazetteer matches 'qxzzvw'" in result.output


def test_garbage_name_with_json_is_an_empty_list() -> None:
    result = runner.invoke(app, ["geo", "resolve", "qxzzvw", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_empty_name_is_one_line_error_with_input_exit_code() -> None:
    result = runner.invoke(app, ["geo", "resolve", "  "])
    assert result.exit_code == 2
    assert "empty place name" in result.output
    assert "Traceback" not in result.output


def test_find_lists_places_in_a_sentence() -> None:
    text = "Drones struck near Kupyansk and in the village of Klishchiivka."
    result = runner.invoke(app, ["geo", "find", text, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["place"]["name"] for r in rows] == ["Kupiansk", "Klishchiivka"]
    assert rows[0]["text"] == "Kupyansk"


@pytest.mark.timeout(300)
def test_build_script_remakes_the_shipped_data_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "gazetteer.json.gz"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_gazetteer.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    shipped = Path(geo.__file__).parent / "data" / "gazetteer.json.gz"
    assert out.read_bytes() == shipped.read_bytes()


def test_resolve_says_when_a_record_would_not_take_the_best_guess() -> None:
    result = runner.invoke(app, ["geo", "resolve", "Tomashovka"])
    assert result.exit_code == 0, result.output
    assert "Not confident" in result.stdout and "Tomashivka" in result.stdout
    rows = json.loads(runner.invoke(app, ["geo", "resolve", "Tomashovka", "--json"]).stdout)
    assert rows and not any(r["taken"] for r in rows)


def test_resolve_marks_the_place_a_record_takes() -> None:
    result = runner.invoke(
        app, ["geo", "resolve", "Artemovsk, Donetsk Oblast", "--json", "-n", "3"]
    )
    rows = json.loads(result.stdout)
    assert rows[0]["name"] == "Bakhmut" and rows[0]["taken"]
    assert not any(r["taken"] for r in rows[1:])
