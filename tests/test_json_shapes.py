"""The JSON every `--json` prints is pinned (keys and value types, from a real run over a small
archive), and is exactly what `corroborate.report.shapes` makes of the library's results, so the
web's `/api/` can return the same documents.

The pinned shapes live in `tests/data/json_shapes.json`. A change to a shape fails here until
that file is changed with it (run with CORROBORATE_PIN_SHAPES=1 to rewrite it, then review the
diff: every changed line is a change a script reading `--json` will see).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from corroborate.incidents import get_incident, history, list_sources, tally
from corroborate.report import shapes
from corroborate.storage.archive import Archive

PINNED = Path(__file__).resolve().parent / "data" / "json_shapes.json"
REPORTS = Path(__file__).resolve().parent / "data" / "reports"
# Free-form objects (metadata read from a file, a custody entry's details): their keys depend on
# the data, not on the shape, so they are pinned as "object".
FREE_FORM = {"metadata", "details", "extra", "sizes", "files", "left_out_counts", "key"}


def skeleton(value: Any, name: str = "") -> Any:
    """Keys and value types of a JSON document; a list by its first element."""
    if isinstance(value, dict):
        if name in FREE_FORM:
            return "object"
        return {k: skeleton(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [skeleton(value[0], name)] if value else []
    return {bool: "bool", int: "int", float: "float", str: "str", type(None): "null"}[type(value)]


def _json(cli, *args: object) -> Any:  # noqa: ANN001
    out = cli(*args, "--json")
    assert out.exit_code in (0, 1), (args, out.output)
    return json.loads(out.stdout)


def _scenario(cli, archive: Archive, footage: dict[str, Path], tmp_path: Path) -> dict[str, Any]:  # noqa: ANN001
    """Every command with --json (but those needing a timestamp authority), over one archive."""
    docs: dict[str, Any] = {}
    docs["init"] = _json(cli, "init", "-A", tmp_path / "another")
    docs["ingest"] = _json(cli, "ingest", footage["coffee"], footage["still"], "--source", "t.me/x")
    item = docs["ingest"]["results"][0]["item_id"]
    still = docs["ingest"]["results"][1]["item_id"]
    docs["items"] = _json(cli, "items")
    docs["show"] = _json(cli, "show", still)
    docs["match"] = _json(cli, "match", footage["coffee"])
    docs["clusters"] = _json(cli, "clusters")
    docs["rehash"] = _json(cli, "rehash")
    docs["source add"] = _json(cli, "source", "add", "UN HRMMU", "--kind", "monitoring-mission",
                               "--reliability", "B")  # fmt: skip
    docs["source grade"] = _json(cli, "source", "grade", "UN HRMMU", "A")
    docs["source list"] = _json(cli, "source", "list")
    add = ("incident", "add", "--type", "execution-hors-de-combat", "--title", "Shot near a ridge",
           "--date", "2024-10-10", "--place", "Robotyne", "--lat", "47.4453", "--lon", "35.8408",
           "--killed", "3-4", "--victim-category", "hors-de-combat")  # fmt: skip
    docs["incident add"] = _json(cli, *add)
    ref = docs["incident add"]["id"]
    other = _json(cli, *add)["id"]
    docs["incident edit"] = _json(cli, "incident", "edit", ref, "--geolocation-note", "ridge",
                                  "--status", "under-review")  # fmt: skip
    docs["incident link"] = _json(cli, "incident", "link", ref, item)
    _json(cli, "incident", "link", other, item)
    docs["incident cite"] = _json(cli, "incident", "cite", ref, "UN HRMMU", "--credibility", "2")
    out = cli("incident", "review", ref, "--approve", "--json", user="bob")
    docs["incident review"] = json.loads(out.stdout)
    docs["incident duplicates"] = _json(cli, "incident", "duplicates")
    docs["incident list"] = _json(cli, "incident", "list")
    docs["incident show"] = _json(cli, "incident", "show", ref)
    docs["incident history"] = _json(cli, "incident", "history", ref)
    docs["incident types"] = _json(cli, "incident", "types")
    docs["tally"] = _json(cli, "tally", "--min-status", "any", "--by", "type")
    docs["export incidents"] = _json(cli, "export", "incidents", "--format", "jsonl")
    package = tmp_path / "case.zip"
    docs["export package"] = _json(cli, "export", "package", ref, "--out", package)
    docs["verify-package"] = _json(cli, "verify-package", package)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("title,type,place\nA shelling,other,Nowhere-at-all\n", encoding="utf-8")
    docs["import incidents"] = _json(cli, "import", "incidents", sheet)
    docs["incident merge"] = _json(cli, "incident", "merge", ref, other)
    docs["custody head"] = _json(cli, "custody", "head")
    head = tmp_path / "head.json"
    head.write_text(json.dumps(docs["custody head"]))
    docs["custody log"] = _json(cli, "custody", "log")
    docs["custody prove"] = _json(cli, "custody", "prove", "1")
    docs["custody trusted-tsas"] = _json(cli, "custody", "trusted-tsas")
    docs["custody rotate-key"] = _json(cli, "custody", "rotate-key")
    docs["custody consistency"] = _json(cli, "custody", "consistency", head)
    docs["verify"] = _json(cli, "verify")
    docs["claims extract"] = _json(cli, "claims", "extract", REPORTS / "fleeing-soldier-drone.txt")
    reports = [tmp_path / "ohchr.txt", tmp_path / "officials.txt"]
    reports[0].write_text("OHCHR said 282 civilians were killed in Kharkiv in 2023.\n")
    reports[1].write_text("Officials said at least 300 civilians were killed in Kharkiv in 2023.\n")
    _json(cli, "ingest", *reports)  # claims are read on ingest
    docs["claims list"] = _json(cli, "claims", "list")
    docs["claims compare"] = _json(cli, "claims", "compare")
    docs["geo resolve"] = _json(cli, "geo", "resolve", "Robotyne")
    docs["geo find"] = _json(cli, "geo", "find", "Shelling near Robotyne killed two.")
    return docs


def test_every_json_output_keeps_its_pinned_shape(
    cli,  # noqa: ANN001
    archive: Archive,
    footage: dict[str, Path],
    tmp_path: Path,
) -> None:
    shapes_now = {k: skeleton(v) for k, v in _scenario(cli, archive, footage, tmp_path).items()}
    if os.environ.get("CORROBORATE_PIN_SHAPES") == "1":
        PINNED.write_text(json.dumps(shapes_now, indent=1, sort_keys=True) + "\n")
    pinned = json.loads(PINNED.read_text())
    assert sorted(shapes_now) == sorted(pinned)
    changed = [command for command, shape in shapes_now.items() if shape != pinned[command]]
    assert changed == [], f"the --json of these commands changed shape: {changed}"


def test_the_cli_prints_exactly_what_the_library_shapes(cli, archive: Archive) -> None:  # noqa: ANN001
    add = ("incident", "add", "--type", "other", "--title", "A [b]title[/b]", "--place", "Nowhere")
    ref = _json(cli, *add)["id"]
    _json(cli, "source", "add", "Channel", "--kind", "media", "--reliability", "C")
    assert _json(cli, "incident", "show", ref) == shapes.to_json(get_incident(archive, ref))
    assert _json(cli, "incident", "history", ref) == shapes.to_json(history(archive, ref))
    assert _json(cli, "source", "list") == shapes.to_json(list_sources(archive))
    counted = tally(archive, min_status="any", by="type")
    assert _json(cli, "tally", "--min-status", "any", "--by", "type") == shapes.tally(counted)
    # a notice is printed as its message in JSON, and its hint on the terminal
    notice = get_incident(archive, ref)
    shown = _json(cli, *add)
    assert shown["notices"] and all(isinstance(n, str) for n in shown["notices"])
    assert notice.notices == ()  # notices belong to the change, not to the stored record
    printed = cli(*add)
    assert "note:" in printed.stdout and "--lat/--lon" in printed.stdout
