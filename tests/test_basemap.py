"""The map's base layer is packaged, offline, and draws Ukraine whole, Crimea included."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import corroborate.web

STATIC = Path(corroborate.web.__file__).parent / "static"
# Ukraine's 24 oblasts, the Autonomous Republic of Crimea and the two cities with special status
UKRAINE = {
    "UA-05", "UA-07", "UA-09", "UA-12", "UA-14", "UA-18", "UA-21", "UA-23", "UA-26", "UA-30",
    "UA-32", "UA-35", "UA-40", "UA-43", "UA-46", "UA-48", "UA-51", "UA-53", "UA-56", "UA-59",
    "UA-61", "UA-63", "UA-65", "UA-68", "UA-71", "UA-74", "UA-77",
}  # fmt: skip
BORDER = {"RU-BRY", "RU-KRS", "RU-BEL", "RU-VOR", "RU-ROS", "BY-HO", "BY-BR"}


def _regions() -> dict[str, dict[str, object]]:
    data = json.loads((STATIC / "basemap" / "regions.json").read_text(encoding="utf-8"))
    return {f["id"]: f for f in data["features"]}


def test_every_region_of_ukraine_and_the_border_regions_are_there() -> None:
    regions = _regions()
    assert UKRAINE <= set(regions) and BORDER <= set(regions)
    assert {i for i in regions if i.startswith("UA-")} == UKRAINE


def test_crimea_and_sevastopol_are_drawn_as_ukraines() -> None:
    regions = _regions()
    for code in ("UA-43", "UA-40"):
        assert regions[code]["properties"]["country"] == "UA"  # type: ignore[index]


def test_regions_carry_ukrainian_and_russian_names() -> None:
    kursk = _regions()["RU-KRS"]["properties"]
    assert kursk["name"] == "Kursk" and kursk["name_uk"] and kursk["name_ru"]  # type: ignore[index]


def test_the_vendored_leaflet_is_the_pinned_one_with_its_licence() -> None:
    js = (STATIC / "leaflet" / "leaflet.js").read_bytes()
    digest = hashlib.sha256(js).hexdigest()
    assert digest == "db49d009c841f5ca34a888c96511ae936fd9f5533e90d8b2c4d57596f4e5641a"
    assert "BSD 2-Clause" in (STATIC / "leaflet" / "LICENSE.txt").read_text()
    assert digest in (STATIC / "README.md").read_text()
