"""A monitor's tally never turns "not known" into 0: a measure some incident has no figure for
reads "at least", with how many incidents have none, in the table, the sentence, the JSON and
the CSV a spreadsheet user opens; and a place the gazetteer would not locate still counts in the
oblast the monitor wrote."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from corroborate.custody import entries
from corroborate.incidents import create_incident, tally
from corroborate.storage.archive import Archive
from incident_fixtures import execution


def _record(archive: Archive, **fields: object) -> str:
    return create_incident(archive, execution(**fields), actor="alice").id


def _verify_passes(cli) -> None:  # noqa: ANN001
    out = cli("verify")
    assert out.exit_code == 0, out.output


def test_an_incident_with_no_injured_figure_makes_the_injured_total_a_minimum(
    archive: Archive,
    cli,  # noqa: ANN001
) -> None:
    _record(archive, killed="3")  # injured: not known
    _record(archive, killed="2-4", injured="1", date="2024-10-11")
    result = tally(archive, min_status=None)
    t = result.total
    assert (t.killed_low, t.killed_high, t.killed_unknown) == (5, 7, 0)
    # not "injured 1": one of the two incidents has no injured figure at all
    assert (t.injured_low, t.injured_high, t.injured_unknown) == (1, None, 1)
    assert t.figures_unknown == 1
    assert t.figure("killed") == "5-7"
    assert t.figure("injured") == "at least 1 (1 of 2 no figure)"
    assert "at least 1 injured (1 incident with no injured figure" in result.summary()

    out = cli("tally", "--min-status", "any")
    assert out.exit_code == 0, out.output
    assert "at least 1 (1 of 2 no figure)" in out.stdout
    assert "total" in out.stdout  # no --by: one labelled total
    data = json.loads(cli("tally", "--min-status", "any", "--json").stdout)
    assert data["total"]["injured_high"] is None and data["total"]["injured_unknown"] == 1
    assert any("no injured figure" in c for c in data["caveats"])
    _verify_passes(cli)


def test_a_group_where_no_incident_has_a_figure_reads_unknown_not_zero(
    archive: Archive,
    cli,  # noqa: ANN001
) -> None:
    _record(archive, killed="", type="attack-on-civilians", victim_category="civilian")
    _record(archive, killed="", date="2024-10-12")
    result = tally(archive, min_status=None, by="type")
    assert result.total.killed_unknown == 2 and result.total.killed_high is None
    assert result.total.figure("killed") == "unknown (2 of 2 no figure)"
    assert "killed not known (no killed figure for any of the 2 incidents)" in result.summary()
    out = cli("tally", "--min-status", "any", "--by", "type")
    assert "unknown (1 of 1 no figure)" in out.stdout
    assert " 0 " not in out.stdout.split("total")[-1].splitlines()[0]


def test_the_csv_tally_carries_its_caveats_and_writes_no_zero_for_unknown(
    archive: Archive,
    cli,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    _record(archive, killed="3", perpetrator='=HYPERLINK("http://evil","x")')
    _record(archive, killed="1", injured="2", date="2024-10-11", perpetrator="Party A")
    out = cli("tally", "--min-status", "any", "--by", "perpetrator", "--csv")
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    kinds = [r["row"] for r in rows]
    assert kinds[:3] == ["group", "group", "total"] and set(kinds[3:]) == {"caveat"}
    by = {r["perpetrator"]: r for r in rows if r["row"] == "group"}
    # the formula a source wrote is shown as text, never run by the spreadsheet
    assert '\'=HYPERLINK("http://evil","x")' in by
    evil = by['\'=HYPERLINK("http://evil","x")']
    assert (evil["injured_low"], evil["injured_high"], evil["injured_no_figure"]) == ("0", "", "1")
    assert evil["reads"].startswith("killed: 3; injured: unknown")
    total = rows[2]
    assert (total["killed_low"], total["killed_high"]) == ("4", "4")
    assert total["injured_high"] == "" and "at least 2" in total["reads"]
    caveats = " ".join(r["reads"] for r in rows if r["row"] == "caveat")
    assert "no injured figure" in caveats and "minimums" in caveats

    target = tmp_path / "out" / "tally.csv"
    target.parent.mkdir()
    assert cli("tally", "--min-status", "any", "--csv", "--out", target).exit_code == 0
    written = list(csv.DictReader(io.StringIO(target.read_text())))
    assert written[0]["row"] == "total" and written[0]["incidents"] == "2"  # one labelled total
    assert {r["row"] for r in written[1:]} == {"caveat"}
    assert [p.name for p in target.parent.iterdir()] == ["tally.csv"]  # no temporary left


def test_an_unwritable_tally_out_is_one_line(
    archive: Archive,
    cli,
    tmp_path: Path,  # noqa: ANN001
) -> None:
    _record(archive)
    out = cli("tally", "--min-status", "any", "--csv", "--out", tmp_path / "no" / "t.csv")
    assert out.exit_code == 2
    assert "cannot write here" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.output


def test_a_place_not_located_counts_under_the_oblast_the_monitor_wrote(
    archive: Archive,
    cli,  # noqa: ANN001
) -> None:
    inc = create_incident(
        archive,
        execution(place="Tomashovka, Brest Region", latitude=None, longitude=None, region=None),
        actor="alice",
    )
    assert inc.place is not None and inc.place.latitude is None  # the gazetteer refused it
    assert inc.place.admin1 == "Brest Region"
    before = len(entries(archive))
    result = tally(archive, min_status=None, by="region")
    assert [r.key["region"] for r in result.rows] == ["Brest Region"]
    assert len(entries(archive)) == before
    _verify_passes(cli)
