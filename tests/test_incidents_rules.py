"""Bad input changes nothing and says why in one line; imports are all or nothing; possible
duplicates are flagged, left out of tallies, and merged; tallies name what they left out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corroborate.cli import app
from corroborate.custody import entries
from corroborate.custody.setup import init_archive
from corroborate.errors import InputError, NotFoundError, ReviewError
from corroborate.incidents import (
    IncidentInput,
    create_incident,
    edit_incident,
    history,
    import_incidents,
    link_evidence,
    list_incidents,
    mark_distinct,
    merge_incidents,
    possible_duplicates,
    review_incident,
    tally,
)
from corroborate.storage.archive import Archive
from incident_fixtures import execution

runner = CliRunner()


def _state(archive: Archive) -> tuple[int, list[object]]:
    return len(entries(archive)), list_incidents(archive, include_merged=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "massacre"], "unknown incident type 'massacre'"),
        (["--date-from", "2024-10-12", "--date-to", "2024-10-10"], "is after the date to"),
        (["--victims-killed", "5-3"], "the low figure 5 is more than the high 3"),
        (["--lat", "95", "--lon", "30"], "latitude 95.0 is out of range"),
        (["--lat", "47", "--lon", "200"], "longitude 200.0 is out of range"),
        (["--date", "2024-13"], "there is no month 13"),
        (["--date", "2999-01-01"], "in the future"),
    ],
)
def test_bad_input_is_one_clear_line_and_changes_nothing(
    archive: Archive, args: list[str], message: str
) -> None:
    before = _state(archive)
    base = {"--type": "other", "--title": "Something"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    argv = ["incident", "add", *[x for kv in base.items() for x in kv], "-A", str(archive.dir)]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _state(archive) == before


def test_linking_a_missing_item_changes_nothing(archive: Archive, items: list[str]) -> None:
    inc = create_incident(archive, execution(), actor="alice")
    before = _state(archive)
    with pytest.raises(NotFoundError, match="no archived item or footage cluster 'ffffff000000'"):
        link_evidence(archive, inc.id, "ffffff000000", role="primary", actor="alice")
    with pytest.raises(InputError, match="unknown evidence role"):
        link_evidence(archive, inc.id, items[0], role="star-witness", actor="alice")
    assert _state(archive) == before


def test_verified_needs_primary_evidence_and_a_located_place(
    archive: Archive, items: list[str]
) -> None:
    inc = create_incident(archive, execution(geolocation_note=""), actor="alice")
    with pytest.raises(ReviewError) as err:
        review_incident(archive, inc.id, decision="approve", actor="bob")
    assert "no primary evidence" in str(err.value) and "no geolocation note" in str(err.value)
    link_evidence(archive, inc.id, items[0], role="corroborating", actor="alice")
    edit_incident(archive, inc.id, IncidentInput(geolocation_note="Ridge line"), actor="alice")
    with pytest.raises(ReviewError, match="no primary evidence"):
        review_incident(archive, inc.id, decision="approve", actor="bob")
    link_evidence(archive, inc.id, items[1], role="primary", actor="carol")
    # carol made the last change now; alice may approve, carol may not
    with pytest.raises(ReviewError, match="four eyes"):
        review_incident(archive, inc.id, decision="approve", actor="carol")
    assert review_incident(archive, inc.id, decision="approve", actor="alice").status_after == (
        "verified"
    )
    # a substantive edit re-opens review
    edited = edit_incident(archive, inc.id, IncidentInput(killed="5"), actor="carol")
    assert edited.status == "under-review"
    assert history(archive, inc.id)[-1].details["status"] == ["verified", "under-review"]


def test_import_is_all_or_nothing_and_names_row_and_column(
    archive: Archive, tmp_path: Path
) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "title,type,date,place,lat,lon,killed,geolocation_note\n"
        "Shot after surrender,execution-hors-de-combat,2024-10-10,Robotyne,47.4,35.8,3,treeline\n"
        "Market strike,attack-on-civilians,2024-11-02,Kupiansk,49.7,37.6,2-4,shop fronts\n"
        "Bad figures,attack-on-civilians,2024-11-03,Kupiansk,49.7,37.6,7-2,\n"
        "Bad type,beheading,2024-11-04,,,,,\n"
        "Bad latitude,other,2024-11-05,Somewhere,91,30,,\n"
    )
    before = _state(archive)
    with pytest.raises(InputError) as err:
        import_incidents(archive, sheet, actor="alice")
    text = str(err.value)
    assert "nothing imported" in text
    assert "row 4, column 'killed'" in text
    assert "row 5, column 'type'" in text
    assert "row 6, column 'lat'" in text
    assert "row 2" not in text and "row 3" not in text
    assert _state(archive) == before

    result = runner.invoke(app, ["import", "incidents", str(sheet), "-A", str(archive.dir)])
    assert result.exit_code == 2 and "row 4, column 'killed'" in result.stderr

    good = tmp_path / "good.csv"
    good.write_text("\n".join(sheet.read_text().splitlines()[:3]) + "\n")
    report = import_incidents(archive, good, actor="alice")
    assert [i.title for i in report.incidents] == ["Shot after surrender", "Market strike"]
    assert report.incidents[1].killed_low == 2 and report.incidents[1].killed_high == 4
    assert all(i.status == "unverified" for i in report.incidents)
    created = history(archive, report.incidents[0].id)[0]
    assert created.details["import"]["row"] == 2


def test_unknown_column_is_refused(archive: Archive, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("title,type,colour\nx,other,red\n")
    with pytest.raises(InputError, match="row 1, column 'colour': unknown column"):
        import_incidents(archive, sheet, actor="alice")


def test_csv_export_imports_back(archive: Archive, tmp_path: Path) -> None:
    from corroborate.report import export_incidents

    create_incident(archive, execution(tags="pow,drone"), actor="alice")
    sheet = tmp_path / "export.csv"
    sheet.write_text(export_incidents(archive, "csv", actor="alice").text)
    fresh = init_archive(tmp_path / "fresh")
    again = import_incidents(fresh, sheet, actor="alice").incidents[0]
    first = list_incidents(archive)[0]
    assert (again.title, again.killed_low, again.killed_high, again.place, again.uid) == (
        first.title,
        first.killed_low,
        first.killed_high,
        first.place,
        first.uid,
    )
    assert again.tags == ("drone", "pow")
    fresh.close()


def _verified(archive: Archive, item: str, **overrides: object) -> str:
    inc = create_incident(archive, execution(**overrides), actor="alice")
    link_evidence(archive, inc.id, item, role="primary", actor="alice")
    review_incident(archive, inc.id, decision="approve", actor="bob")
    return inc.id


def test_two_incidents_linking_the_same_footage_are_flagged_then_merged(
    archive: Archive, items: list[str]
) -> None:
    first = _verified(archive, items[0])
    second = _verified(archive, items[0], killed="4", date="2024-10-11")
    third = _verified(archive, items[1], type="attack-on-civilians", killed="2")
    groups = possible_duplicates(archive)
    assert [g.incidents for g in groups] == [(first, second)]
    assert f"item {items[0]}" in groups[0].shared

    result = tally(archive, by="type")
    assert result.total.incidents == 2
    assert result.left_out_counts == {"possible-duplicate": 1}
    assert result.left_out[0].incident_id == second
    assert first in result.left_out[0].detail
    assert "1 incident possibly duplicating a counted one" in result.summary()
    out = runner.invoke(app, ["tally", "-A", str(archive.dir)]).stdout
    assert "possibly duplicating" in out and second in out

    merged = merge_incidents(archive, first, second, actor="carol", note="same clip")
    assert merged.id == first
    assert possible_duplicates(archive) == []
    assert [i.id for i in list_incidents(archive)] == [first, third]
    actions = [e.action for e in history(archive, first)]
    assert actions.count("incident.create") == 2  # both histories are kept
    assert "incident.merge" in actions and "incident.merged-into" in actions
    # the approval did not see what was merged in: the joined record goes back to review
    assert merged.status == "under-review"
    with pytest.raises(ReviewError, match="four eyes"):
        review_incident(archive, first, decision="approve", actor="carol")
    review_incident(archive, first, decision="approve", actor="bob")
    assert tally(archive).left_out == []
    with pytest.raises(InputError, match="was merged into"):
        edit_incident(archive, second, IncidentInput(title="x"), actor="alice")


def test_incidents_ruled_distinct_both_count(archive: Archive, items: list[str]) -> None:
    first = _verified(archive, items[0])
    second = _verified(archive, items[0], date="2024-10-20")
    with pytest.raises(InputError, match="say why"):
        mark_distinct(archive, first, second, actor="carol")
    mark_distinct(archive, first, second, actor="carol", note="compilation of two events")
    assert possible_duplicates(archive) == []
    assert tally(archive).total.incidents == 2


def test_two_incidents_over_copies_of_one_footage_are_flagged_as_possible_duplicates(
    archive: Archive, tmp_path: Path
) -> None:
    from corroborate.archive import ingest
    from corroborate.match import clusters
    from corroborate.samples import render_flight
    from corroborate.samples.transforms import reencode

    original = render_flight(tmp_path / "orig.mp4", "gravel", seconds=7, width=320, height=180)
    repost = reencode(original, tmp_path / "repost.mp4", bitrate=150_000)
    report = ingest(archive, [str(original), str(repost)], actor="alice", source="channels")
    first_id, repost_id = (r.item_id for r in report.results)
    assert any({first_id, repost_id} <= {i.id for i in c.items} for c in clusters(archive)), (
        "the low-bitrate repost is recognised as the same footage"
    )
    a = _verified(archive, first_id)
    b = _verified(archive, repost_id)
    assert any({a, b} <= set(g.incidents) for g in possible_duplicates(archive))
    assert tally(archive).total.incidents == 1


def test_tally_names_what_it_left_out_and_why(archive: Archive, items: list[str]) -> None:
    counted = _verified(archive, items[0], killed="3-4", date="2024-10-10")
    late = _verified(archive, items[1], killed="2", date="2024-12-05")
    unverified = create_incident(archive, execution(date="2024-10-15", killed="9"), actor="a")
    undated = create_incident(archive, execution(date=""), actor="alice")

    result = tally(archive, by="month", date_from="2024-10", date_to="2024-11")
    assert result.total.incidents == 1 and result.rows[0].incident_ids == [counted]
    assert (result.total.killed_low, result.total.killed_high) == (3, 4)
    reasons = {x.incident_id: x.reason for x in result.left_out}
    assert reasons == {
        late: "outside-period",
        unverified.id: "below-status",
        undated.id: "undated",
    }
    text = result.summary()
    assert "1 incident, at least 3 killed (up to 4)" in text
    assert "1 incident below the minimum status" in text
    assert "1 incident outside the period" in text

    everything = tally(archive, by="status", min_status=None)
    assert everything.total.incidents == 4
    assert {r.key["status"]: r.incidents for r in everything.rows} == {
        "unverified": 2,
        "verified": 2,
    }
    as_json = json.loads(
        runner.invoke(
            app, ["tally", "--min-status", "any", "--json", "-A", str(archive.dir)]
        ).stdout
    )
    assert as_json["total"]["incidents"] == 4
    with pytest.raises(InputError, match="cannot tally by 'colour'"):
        tally(archive, by="colour")


def test_taxonomy_extends_from_the_archive_folder(archive: Archive) -> None:
    (archive.dir / "taxonomy.json").write_text(
        json.dumps({"types": [{"id": "forced-deportation", "label": "Forced deportation"}]})
    )
    inc = create_incident(archive, execution(type="forced-deportation"), actor="alice")
    assert inc.type == "forced-deportation"
    out = runner.invoke(app, ["incident", "types", "-A", str(archive.dir)]).stdout
    assert "forced-deportation" in out and "execution-hors-de-combat" in out
