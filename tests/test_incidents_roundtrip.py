"""A monitor re-imports the tool's own CSV export: into the same archive it never duplicates an
incident; into a fresh archive it keeps what can be kept (the record, its uid, evidence whose
file is archived there, citations of sources registered there) and says plainly what it did not
import — never the status: verification happens again, with four eyes, in the new archive."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from conftest import Cli
from corroborate.archive import ingest
from corroborate.custody import entries
from corroborate.custody.setup import init_archive
from corroborate.incidents import (
    add_source,
    cite_source,
    create_incident,
    link_evidence,
    list_incidents,
    review_incident,
)
from corroborate.storage.archive import Archive
from incident_fixtures import execution


def _monitor_records(archive: Archive, items: list[str]) -> tuple[str, str]:
    add_source(archive, "UN HRMMU", kind="monitoring-mission", reliability="B", actor="alice")
    add_source(archive, "Channel X", kind="social-media", reliability="E", actor="alice")
    verified = create_incident(archive, execution(tags="pow"), actor="alice").id
    link_evidence(archive, verified, items[0], role="primary", actor="alice")
    cite_source(archive, verified, "UN HRMMU", credibility=2, actor="alice")
    cite_source(archive, verified, "Channel X", credibility=4, actor="alice")
    review_incident(archive, verified, decision="approve", actor="bob")
    other = create_incident(
        archive, execution(title="Shelling of a bus stop", type="attack-on-civilians",
                           victim_category="civilian", killed="", date="2024-11-02"),
        actor="alice",
    ).id  # fmt: skip
    return verified, other


def test_importing_an_export_into_the_same_archive_never_duplicates(
    archive: Archive, cli: Cli, items: list[str], tmp_path: Path
) -> None:
    _monitor_records(archive, items)
    sheet = tmp_path / "export.csv"
    assert cli("export", "incidents", "--out", sheet).exit_code == 0
    before = len(list_incidents(archive))

    out = cli("import", "incidents", sheet)
    assert out.exit_code == 0, out.output
    assert "Nothing imported" in out.stdout
    assert "row 2: already in this archive as INC-0001; not imported again" in out.stdout
    assert len(list_incidents(archive)) == before

    # the same row changed in the sheet is refused, naming the row and what differs
    rows = list(csv.DictReader(io.StringIO(sheet.read_text())))
    rows[0]["killed"] = "5"
    edited = tmp_path / "edited.csv"
    with edited.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    logged = len(entries(archive))
    out = cli("import", "incidents", edited)
    assert out.exit_code == 2
    assert "row 2: INC-0001 is already in this archive and this row differs from it (killed)" in (
        out.stderr
    )
    assert len(entries(archive)) == logged and len(list_incidents(archive)) == before
    assert cli("verify").exit_code == 0


def test_importing_an_export_into_a_fresh_archive_keeps_what_it_can_and_says_the_rest(
    archive: Archive, cli: Cli, items: list[str], clips: tuple[Path, Path], tmp_path: Path
) -> None:
    verified, other = _monitor_records(archive, items)
    sheet = tmp_path / "export.csv"
    assert cli("export", "incidents", "--out", sheet).exit_code == 0
    header = sheet.read_text().splitlines()[0].split(",")
    assert {"uid", "status", "evidence", "citations"} <= set(header)

    fresh = init_archive(tmp_path / "fresh")
    ingest(fresh, [str(clips[0])], actor="carol", source="Telegram: @example")
    add_source(fresh, "UN HRMMU", kind="monitoring-mission", reliability="A", actor="carol")
    there = Cli(fresh.dir)
    out = there("import", "incidents", sheet, user="carol")
    assert out.exit_code == 0, out.output
    assert "Imported 2 incidents" in out.stdout
    assert "status 'verified' in the sheet not imported" in out.stdout
    assert "four eyes" in out.stdout
    assert "citation E4 Channel X not kept: no source of that name" in out.stdout
    assert "graded B in the sheet, A in this archive" in out.stdout

    first, second = list_incidents(fresh)
    original = {i.id: i for i in list_incidents(archive)}[verified]
    assert first.uid == original.uid and first.status == "unverified"
    assert (first.title, first.killed_low, first.killed_high, first.tags) == (
        original.title, original.killed_low, original.killed_high, original.tags,
    )  # fmt: skip
    assert [e.item_id for e in first.evidence] == [items[0]]  # the same file, archived here
    assert [(c.source_name, c.grade) for c in first.citations] == [("UN HRMMU", "A2")]
    assert second.killed_low is None  # unknown stays unknown

    # and importing it there a second time does not duplicate either
    out = there("import", "incidents", sheet, user="carol")
    assert out.exit_code == 0 and "Nothing imported" in out.stdout
    assert len(list_incidents(fresh)) == 2
    assert there("verify").exit_code == 0
    fresh.close()


def test_the_import_help_lists_the_columns(cli: Cli) -> None:
    out = cli("import", "incidents", "--help")
    assert out.exit_code == 0
    for column in ("title", "type", "killed", "injured", "uid", "status", "evidence", "citations"):
        assert column in out.stdout
    assert "never imported twice" in out.stdout
