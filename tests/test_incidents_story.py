"""The story end to end: footage archived, an incident recorded, evidence linked, sources
graded, verification refused to its author and granted to a second reviewer, a tally, exports,
an evidence package checked offline (and with `sha256sum -c`), and tampering caught."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corroborate.cli import app
from corroborate.custody.verify import verify_log
from corroborate.incidents import get_incident, history
from corroborate.report import verify_package
from corroborate.storage.archive import Archive

runner = CliRunner()


def cli(archive: Archive, *args: str) -> str:
    result = runner.invoke(app, [*args, "--archive", str(archive.dir)])
    assert result.exit_code == 0, result.output
    return result.stdout


def cli_json(archive: Archive, *args: str) -> object:
    return json.loads(cli(archive, *args, "--json"))


def test_a_monitor_records_verifies_tallies_and_packages_an_execution(
    archive: Archive,
    items: list[str],
    tmp_path: Path,
) -> None:
    clip, other = items
    inc = cli_json(
        archive, "incident", "add", "--type", "execution-hors-de-combat",
        "--title", "Three captured soldiers shot near a treeline",
        "--place", "Robotyne", "--lat", "47.4453", "--lon", "35.8408",
        "--region", "Zaporizhzhia Oblast",
        "--geolocation-note", "Treeline and field edges matched to satellite imagery",
        "--date", "2024-10-10", "--perpetrator", "Party A", "--victim-party", "Party B",
        "--as", "alice",
    )  # fmt: skip
    assert isinstance(inc, dict)
    ref = inc["id"]
    assert inc["status"] == "unverified" and inc["created_by"] == "alice"

    cli(archive, "incident", "link", ref, clip, "--role", "primary", "--as", "alice")
    cli(archive, "incident", "link", ref, other, "--role", "corroborating", "--as", "alice")
    cli(archive, "incident", "edit", ref, "--victims-killed", "3-4", "--as", "alice")
    cli(archive, "source", "add", "UN HRMMU", "--kind", "monitoring-mission",
        "--reliability", "B", "--as", "alice")  # fmt: skip
    cli(archive, "source", "add", "Example channel", "--kind", "social-media",
        "--reliability", "F", "--as", "alice")  # fmt: skip
    cli(archive, "incident", "cite", ref, "UN HRMMU", "--credibility", "2", "--as", "alice")
    cli(archive, "incident", "cite", ref, "Example channel", "--credibility", "3",
        "--item", clip, "--note", "first posted the clip", "--as", "alice")  # fmt: skip

    # alice wrote the last change: she cannot verify her own work
    alone = runner.invoke(
        app, ["incident", "review", ref, "--approve", "--as", "alice", "-A", str(archive.dir)]
    )
    assert alone.exit_code == 1
    assert "four eyes" in alone.stderr and "alice made the last change" in alone.stderr
    assert get_incident(archive, ref).status == "unverified"

    cli(archive, "incident", "review", ref, "--approve", "--as", "bob")
    shown = cli_json(archive, "incident", "show", ref)
    assert isinstance(shown, dict)
    assert shown["status"] == "verified"
    assert shown["killed_low"] == 3 and shown["killed_high"] == 4
    assert sorted(c["reliability"] + str(c["credibility"]) for c in shown["citations"]) == [
        "B2",
        "F3",
    ]

    # the history names who did what, from the custody log
    actions = [(e.actor, e.action) for e in history(archive, ref)]
    assert actions[0] == ("alice", "incident.create")
    assert ("alice", "incident.edit") in actions
    assert actions[-1] == ("bob", "incident.review")
    assert "incident.review" in cli(archive, "incident", "history", ref)

    # the tally counts it and says what it counted
    counted = cli_json(archive, "tally", "--by", "month,type")
    assert isinstance(counted, dict)
    assert counted["rows"][0]["key"] == {"month": "2024-10", "type": "execution-hors-de-combat"}
    assert counted["total"]["incidents"] == 1
    assert (counted["total"]["killed_low"], counted["total"]["killed_high"]) == (3, 4)
    assert "at least 3 killed (up to 4)" in counted["summary"]
    assert "counting only incidents rated verified" in counted["summary"]
    table = cli(archive, "tally", "--by", "region", "--csv")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert rows[0]["row"] == "group" and rows[0]["region"] == "Zaporizhzhia Oblast"
    assert (rows[0]["incidents"], rows[0]["killed_low"], rows[0]["killed_high"]) == ("1", "3", "4")
    # no injured figure was given: unknown, never 0
    assert (rows[0]["injured_high"], rows[0]["injured_no_figure"]) == ("", "1")
    assert [r["row"] for r in rows[1:]][:2] == ["total", "caveat"]

    # exports
    geo = json.loads(cli(archive, "export", "incidents", "--format", "geojson"))
    assert geo["type"] == "FeatureCollection"
    assert geo["features"][0]["geometry"] == {"type": "Point", "coordinates": [35.8408, 47.4453]}
    lines = cli(archive, "export", "incidents", "--format", "jsonl").splitlines()
    assert json.loads(lines[0])["id"] == ref
    rows = list(csv.DictReader(io.StringIO(cli(archive, "export", "incidents", "--format", "csv"))))
    assert rows[0]["killed"] == "3-4" and rows[0]["status"] == "verified"

    # the evidence package, checked offline
    package = tmp_path / "case.zip"
    cli(archive, "export", "package", ref, "--out", str(package), "--as", "carol")
    archive.close()
    shutil.rmtree(archive.dir)  # no archive at hand
    check = verify_package(package)
    assert check.ok, check.problems
    assert check.incident == ref and check.proofs_checked >= 8
    assert "OK" in runner.invoke(app, ["verify-package", str(package)]).stdout

    extracted = tmp_path / "extracted"
    with zipfile.ZipFile(package) as zf:
        zf.extractall(extracted)
        names = zf.namelist()
    assert any(n.startswith("evidence/") and n.endswith("_clip.mp4") for n in names)
    assert {"incident.json", "history.json", "report.html", "custody/proofs.json"} <= set(names)
    assert "Three captured soldiers" in (extracted / "report.html").read_text()
    if shutil.which("sha256sum"):
        done = subprocess.run(
            ["sha256sum", "-c", "MANIFEST.sha256"], cwd=extracted, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr

    # tampering: a changed incident record, even with the manifest fixed up, is caught
    tampered = tmp_path / "tampered.zip"
    _rewrite(
        package,
        tampered,
        "incident.json",
        lambda b: b.replace(b'"killed_low": 3', b'"killed_low": 1'),
    )
    check = verify_package(tampered)
    assert not check.ok
    # the file, and the manifest line the forger fixed up, both differ from the signed record
    assert {p.where for p in check.problems} == {"incident.json", "MANIFEST.sha256"}
    assert "signed custody log" in " ".join(p.message for p in check.problems)
    result = runner.invoke(app, ["verify-package", str(tampered)])
    assert result.exit_code == 1 and "incident.json" in result.stdout


def _rewrite(src: Path, dst: Path, name: str, change: object, fix_manifest: bool = True) -> None:
    """Copy a zip, changing one member and (like a careful forger) its manifest line."""
    import hashlib

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        data = {n: zin.read(n) for n in zin.namelist()}
        old = hashlib.sha256(data[name]).hexdigest()
        data[name] = change(data[name])  # type: ignore[operator]
        new = hashlib.sha256(data[name]).hexdigest()
        if fix_manifest:
            data["MANIFEST.sha256"] = data["MANIFEST.sha256"].replace(old.encode(), new.encode())
        for n, d in data.items():
            zout.writestr(n, d)


@pytest.mark.parametrize(
    ("member", "kind"),
    [
        ("evidence", "altered_file"),
        ("custody/proofs.json", "bad_proof"),
        ("custody/head.json", "bad_signature"),
    ],
)
def test_verify_package_names_what_was_altered(
    archive: Archive,
    items: list[str],
    tmp_path: Path,
    member: str,
    kind: str,
) -> None:
    from corroborate.incidents import create_incident, link_evidence
    from corroborate.report import build_package
    from incident_fixtures import execution

    inc = create_incident(archive, execution(), actor="alice")
    link_evidence(archive, inc.id, items[0], role="primary", actor="alice")
    package = build_package(archive, inc.id, tmp_path / "case.zip", actor="alice").path
    with zipfile.ZipFile(package) as zf:
        target = next(
            n for n in zf.namelist() if n.startswith(member) and n.endswith((".mp4", ".json"))
        )

    def change(data: bytes) -> bytes:
        if target.endswith(".mp4"):
            return data[:1000] + bytes([data[1000] ^ 1]) + data[1001:]
        if target == "custody/head.json":
            return data.replace(b'"tree_size": ', b'"tree_size": 1')
        return data.replace(b'"audit_path": [\n', b'"audit_path": [\n"' + b"0" * 64 + b'",\n', 1)

    tampered = tmp_path / "tampered.zip"
    _rewrite(package, tampered, target, change, fix_manifest=(member != "evidence"))
    check = verify_package(tampered)
    assert not check.ok
    assert kind in {p.kind for p in check.problems}, check.problems
    if member == "evidence":
        assert any(p.where == target for p in check.problems)


def test_every_incident_write_is_in_the_signed_custody_log(
    archive: Archive,
    items: list[str],
) -> None:
    from corroborate.custody import entries
    from corroborate.incidents import (
        add_source,
        cite_source,
        create_incident,
        link_evidence,
        review_incident,
    )

    inc = create_incident(archive, __import__("incident_fixtures").execution(), actor="alice")
    link_evidence(archive, inc.id, items[0], role="primary", actor="alice")
    add_source(archive, "UN HRMMU", kind="monitoring-mission", reliability="B", actor="alice")
    cite_source(archive, inc.id, "UN HRMMU", credibility=2, actor="alice")
    review_incident(archive, inc.id, decision="approve", actor="bob")
    actions = [e.action for e in entries(archive)]
    for action in ("incident.create", "incident.link", "source.create", "incident.cite",
                   "incident.review"):  # fmt: skip
        assert action in actions
    assert verify_log(archive) == []
