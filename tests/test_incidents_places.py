"""Where an incident happened: the gazetteer locates a place only when it is sure, and says so
when it is not, so no record silently carries another village's coordinates."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from corroborate.cli import app
from corroborate.incidents import (
    IncidentInput,
    create_incident,
    edit_incident,
    history,
    import_incidents,
)
from corroborate.storage.archive import Archive

runner = CliRunner()
BAKHMUT = (48.595, 38.000)


def _add(archive: Archive, *args: str) -> tuple[int, str]:
    argv = ["incident", "add", "--type", "other", "--title", "Shelling", *args]
    result = runner.invoke(app, [*argv, "-A", str(archive.dir)])
    return result.exit_code, result.output


def test_an_investigator_recording_near_plekhovo_gets_no_ukrainian_coordinates(
    archive: Archive,
) -> None:
    # Tomashovka is a village of Belarus's Brest Region the gazetteer does not hold; its best
    # guess is Tomashivka in Kyiv Oblast, which must not be attached to the record.
    code, output = _add(archive, "--place", "Tomashovka", "--json")
    assert code == 0, output
    incident = json.loads(output)
    assert incident["place"]["name"] == "Tomashovka"
    assert incident["place"]["latitude"] is None and incident["place"]["longitude"] is None
    assert incident["place"]["admin1"] is None
    assert "without coordinates" in incident["notices"][0]
    assert "Tomashivka" in incident["notices"][0]  # the candidates are named, not taken

    created = history(archive, incident["id"])[0]
    assert created.details["place_unresolved"]["name"] == "Tomashovka"
    assert "place_resolved" not in created.details


def test_the_cli_tells_the_investigator_how_to_pin_the_place(archive: Archive) -> None:
    code, output = _add(archive, "--place", "near Tomashovka")
    assert code == 0, output
    assert "Recorded" in output
    assert "without coordinates" in output and "--lat/--lon" in output


def test_naming_the_region_does_not_pull_in_a_village_of_another_oblast(archive: Archive) -> None:
    incident = create_incident(
        archive,
        IncidentInput(type="other", title="Shelling", place="Tomashovka", region="Brest Region"),
        actor="alice",
    )
    assert incident.place is not None and incident.place.latitude is None
    assert incident.place.admin1 == "Brest Region"  # what the investigator said, kept
    assert incident.notices and "Brest Region" in incident.notices[0]


def test_coordinates_given_by_the_investigator_pin_the_place(archive: Archive) -> None:
    code, output = _add(
        archive, "--place", "Plekhovo", "--lat", "51.19", "--lon", "35.28", "--json"
    )
    assert code == 0, output
    incident = json.loads(output)
    assert (incident["place"]["latitude"], incident["place"]["longitude"]) == (51.19, 35.28)
    assert incident["notices"] == []


def test_bakhmut_in_its_soviet_and_french_spellings_is_still_located(archive: Archive) -> None:
    for spelling in ("Bakhmut", "Artemovsk, Donetsk Oblast", "Bachmout"):
        incident = create_incident(
            archive, IncidentInput(type="other", title="Strike", place=spelling), actor="alice"
        )
        place = incident.place
        assert place is not None and place.latitude is not None and place.longitude is not None
        assert abs(place.latitude - BAKHMUT[0]) < 0.1 and abs(place.longitude - BAKHMUT[1]) < 0.1
        assert place.name == spelling  # the record keeps the words as given
        assert place.admin1 == "Donetsk Oblast" and incident.notices == ()


def test_changing_the_place_to_an_unknown_village_drops_the_old_coordinates(
    archive: Archive,
) -> None:
    incident = create_incident(
        archive, IncidentInput(type="other", title="Strike", place="Bakhmut"), actor="alice"
    )
    edited = edit_incident(archive, incident.id, IncidentInput(place="Tomashovka"), actor="alice")
    assert edited.place is not None and edited.place.latitude is None
    assert edited.notices and "Tomashovka" in edited.notices[0]


def test_an_imported_sheet_flags_the_rows_whose_place_was_not_located(
    archive: Archive, tmp_path: Path
) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "title,type,date,place\n"
        "Strike on a school,attack-on-civilians,2024-08-10,Bachmout\n"
        "Shelling of a village,attack-on-civilians,2024-08-11,Tomashovka\n"
    )
    report = import_incidents(archive, sheet, actor="alice")
    first, second = report.incidents
    assert first.place is not None and first.place.latitude is not None and not first.notices
    assert second.place is not None and second.place.latitude is None and second.notices

    result = runner.invoke(app, ["import", "incidents", str(sheet), "-A", str(archive.dir)])
    assert result.exit_code == 0, result.output
    assert "Tomashovka" in result.output and "without coordinates" in result.output
