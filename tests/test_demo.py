"""A newcomer runs the Quick start demo and sees every capability work on the sample data."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from corroborate.cli import app


def test_the_demo_archives_matches_reads_claims_tallies_and_verifies(tmp_path: Path) -> None:
    target = tmp_path / "demo-archive"
    result = CliRunner().invoke(app, ["demo", "--archive", str(target)], env={"COLUMNS": "200"})
    out = result.stdout
    assert result.exit_code == 0, out + result.stderr
    assert "same bytes already archived: new sighting" in out
    assert "shares footage with" in out, "the compilation is recognised"
    assert "(compilation)" in out
    assert "Bachmout" in out and "Bakhmut" in out
    assert "counting only incidents rated verified" in out
    assert "possibly duplicating" in out
    assert "verify OK" in out
    # a second run refuses to touch an existing archive unless asked
    again = CliRunner().invoke(app, ["demo", "--archive", str(target)])
    assert again.exit_code == 2
    assert "already exists" in again.stderr


def test_the_demo_never_deletes_a_folder_it_did_not_make(tmp_path: Path) -> None:
    precious = tmp_path / "evidence"
    precious.mkdir()
    (precious / "keep.txt").write_text("do not delete")
    result = CliRunner().invoke(app, ["demo", "--archive", str(precious), "--fresh"])
    assert result.exit_code == 2
    assert "not a demo archive" in result.stderr
    assert (precious / "keep.txt").exists()
