"""The claims reader, told as the stories of people reading war reports."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

import corroborate.claims as claims_pkg
from corroborate.claims import ClaimGroup, compare, extract_claims, read_text_source
from corroborate.cli import app
from corroborate.core import Claim
from corroborate.errors import InputError
from corroborate.testing.http import LOCAL_ONLY

REPORTS = Path(__file__).parent / "data" / "reports"
LABELLED = Path(__file__).parent / "data/claims/labelled.jsonl"


def read(text: str, **kwargs: object) -> list[Claim]:
    return extract_claims(text, resolve_places=False, **kwargs)  # type: ignore[arg-type]


def one(text: str, **kwargs: object) -> Claim:
    found = read(text, **kwargs)
    assert len(found) == 1, found
    return found[0]


def report(name: str) -> str:
    return (REPORTS / name).read_text(encoding="utf-8")


# --- the sample reports ------------------------------------------------------------------------


def test_nato_range_of_russian_troops_killed_is_read_from_the_daily_mail_report() -> None:
    found = read(report("fleeing-soldier-drone.txt"))
    nato = [c for c in found if c.claimant == "NATO"]
    assert len(nato) == 1
    assert (nato[0].count, nato[0].count_high, nato[0].qualifier) == (7000, 15000, "range")
    assert nato[0].event == "killed"
    assert nato[0].victims == "Russian troops"
    assert nato[0].victim_category == "combatant"


def test_the_kremlins_admitted_loss_is_attributed_to_the_kremlin() -> None:
    found = read(report("fleeing-soldier-drone.txt"))
    kremlin = [c for c in found if c.count == 1351]
    assert len(kremlin) == 1
    assert kremlin[0].claimant == "The Kremlin"
    assert kremlin[0].event == "killed"
    assert kremlin[0].victims == "soldiers"


def test_ukraines_upper_estimate_of_the_russian_death_toll_is_at_most_19000() -> None:
    found = read(report("fleeing-soldier-drone.txt"))
    tolls = [c for c in found if c.count == 19000]
    assert tolls and all(c.qualifier == "at_most" and c.claimant == "Ukraine" for c in tolls)
    assert all(c.event == "killed" for c in tolls)


def test_ages_units_years_and_dates_in_the_daily_mail_report_are_not_claims() -> None:
    counts = {c.count for c in read(report("fleeing-soldier-drone.txt"))}
    # 19-year-old gunner, 136th Reconnaissance Battalion, the 2015 decree, 2014, March 8, "25,"
    assert counts.isdisjoint({19, 136, 2015, 2014, 8, 25})
    assert counts <= {3000, 1351, 7000, 15000, 19000}


@pytest.mark.parametrize("name", ["surrender-bakhmut-wsj.txt", "surrender-follow-the-drone.txt"])
def test_surrender_stories_without_figures_yield_no_claims(name: str) -> None:
    # Two planes, two flashes, May 9th, 11 May 2023 09:02, "No.10": none of them is a count.
    assert read(report(name)) == []


def test_claim_offsets_point_at_the_count_in_the_report() -> None:
    text = report("fleeing-soldier-drone.txt")
    for c in read(text):
        assert c.sentence in text
        span = text[c.char_start : c.char_end]
        assert span.replace(",", "").startswith(str(c.count))


def test_repeated_figures_in_the_daily_mail_report_are_two_mentions_not_one_read_twice() -> None:
    text = report("fleeing-soldier-drone.txt")
    bodies = [c for c in read(text) if c.count == 7000 and c.qualifier == "exact"]
    # The body text and a picture caption both state the 7,000 corpses.
    assert len(bodies) == 2 and bodies[0].char_start != bodies[1].char_start
    assert bodies[0].sentence != bodies[1].sentence
    assert all(c.victims and c.victims.endswith("Russian soldiers") for c in bodies)


def test_the_reports_dateline_resolves_on_friday() -> None:
    text = report("fleeing-soldier-drone.txt")  # dated 20220408, a Friday
    friday = [c for c in read(text) if c.period == "on Friday"]
    assert friday and all(c.date_from == c.date_to == date(2022, 4, 8) for c in friday)
    c = one("Headline\n\n11 May 2023, 09:02\n\nOfficials said 5 people were killed on Tuesday.")
    assert c.date_from == date(2023, 5, 9)
    c = one("11 May 2023\n\nOfficials said 5 people were killed on Tuesday.", reference_date=None)
    assert c.date_from == date(2023, 5, 9)


def test_an_owner_is_not_a_place() -> None:
    text = report("fleeing-soldier-drone.txt")
    arestovych = next(c for c in read(text) if c.count == 3000)
    assert arestovych.place is None  # "Ukraine's presidential administration"


# --- reading the usual forms -------------------------------------------------------------------


def test_a_pronoun_carries_victims_and_claimant_from_the_sentence_before() -> None:
    first, second = read(
        "Russia's Defence Ministry said 43 Ukrainian soldiers had been captured. "
        "It said 11 of them were wounded."
    )
    assert (second.count, second.event) == (11, "injured")
    assert second.victims == first.victims == "Ukrainian soldiers"
    assert second.claimant == "Russia's Defence Ministry" and second.victim_category == "pow"


def test_people_named_without_a_claim_are_what_of_them_refers_to() -> None:
    found = read("Lubinets said 142 prisoners of war came home. He said 30 of them were wounded.")
    assert [(c.count, c.event, c.victims, c.claimant) for c in found] == [
        (30, "injured", "prisoners of war", "Lubinets")
    ]


def test_a_statement_continued_on_the_same_line_keeps_its_claimant() -> None:
    found = read(
        "The ministry said its forces repelled five attacks. "
        "Ukrainian losses amounted to up to 90 troops.\n\nKyiv reported 3 civilians killed."
    )
    assert [(c.count, c.claimant) for c in found] == [(90, "The ministry"), (3, "Kyiv")]
    alone = one("The governor spoke at noon.\nRussian shelling killed 4 people in Kherson.")
    assert alone.claimant is None


def test_whoever_recovered_the_dead_is_the_source() -> None:
    assert one("Divers recovered the bodies of 4 soldiers.").claimant == "Divers"
    assert one("Forensic teams have identified 58 bodies.").claimant == "Forensic teams"


@pytest.mark.parametrize(
    ("text", "count", "victims"),
    [
        ("Officials said at least 8 civilianswere wounded.", 8, "civilians"),
        ("The toll is 7,000 Russian soldiersin morgues, Ukraine said.", 7000, "Russian soldiers"),
        ("The Kremlin admitted the loss of1,351 soldiers.", 1351, "soldiers"),
    ],
)
def test_words_glued_by_a_missing_space_are_read_apart(text: str, count: int, victims: str) -> None:
    c = one(text)
    assert (c.count, c.victims) == (count, victims)


def test_partitive_fatal_and_daily_increments_are_claims() -> None:
    found = read("Monitors recorded 64 civilian casualties, 18 of them fatal.")
    assert [(c.count, c.event) for c in found] == [(64, "casualties"), (18, "killed")]
    found = read("Enemy losses: personnel – about 615,000 (+1,190) troops, tanks – 9,500 (+7).")
    assert [(c.count, c.qualifier, c.victims) for c in found] == [
        (615000, "approx", "troops"),
        (1190, "exact", "troops"),
    ]


def test_military_boasts_count_people_not_vehicles() -> None:
    c = one("Its drone units destroyed 15 Russian infantrymen and 14 armoured vehicles.")
    assert (c.count, c.event, c.victim_category) == (15, "killed", "combatant")
    assert read("Air defence shot down 27 of 34 drones, the air force said.") == []
    c = one("Our scouts took 5 Russian infantrymen prisoner, the 65th Brigade wrote.")
    assert (c.event, c.victims, c.claimant) == (
        "captured",
        "Russian infantrymen",
        "the 65th Brigade",
    )


def test_ombudsman_count_of_executed_prisoners_is_attributed() -> None:
    c = one(
        "The Ukrainian Human Rights Ombudsman Office says Russian forces have executed "
        "at least 177 Ukrainian prisoners since the start of the full-scale invasion."
    )
    assert (c.count, c.qualifier, c.event) == (177, "at_least", "executed")
    assert c.victims == "Ukrainian prisoners" and c.victim_category == "pow"
    assert c.claimant == "The Ukrainian Human Rights Ombudsman Office"
    assert c.date_from == date(2022, 2, 24)


def test_follow_up_sentence_inherits_victims_and_claimant() -> None:
    first, second = read(
        "The Ukrainian Human Rights Ombudsman Office says Russian forces have executed at least "
        "177 Ukrainian prisoners since the start of the full-scale invasion. "
        "Of those, 109 were killed in 2024 alone."
    )
    assert (second.count, second.event) == (109, "executed")  # killed, of the executed
    assert second.victims == first.victims == "Ukrainian prisoners"
    assert second.claimant == first.claimant
    assert (second.date_from, second.date_to) == (date(2024, 1, 1), date(2024, 12, 31))


@pytest.mark.parametrize(
    ("text", "count", "qualifier"),
    [
        ("Officials said nine civilians were killed.", 9, "exact"),
        ("Officials said sixteen civilians were killed.", 16, "exact"),
        ("Officials said two hundred and fifty civilians were killed.", 250, "exact"),
        ("Officials said 1,134 civilians were killed.", 1134, "exact"),
        ("Officials said at least 12 civilians were killed.", 12, "at_least"),
        ("Officials said more than 40 civilians were killed.", 40, "at_least"),
        ("Officials said as many as 50 civilians were killed.", 50, "at_most"),
        ("Officials said up to 60 civilians were killed.", 60, "at_most"),
        ("Officials said about 70 civilians were killed.", 70, "approx"),
        ("Officials said 6.5 thousand civilians were killed.", 6500, "exact"),
    ],
)
def test_numbers_in_words_and_digits_with_their_qualifiers(
    text: str, count: int, qualifier: str
) -> None:
    c = one(text)
    assert (c.count, c.qualifier, c.event, c.claimant) == (count, qualifier, "killed", "Officials")


def test_between_x_and_y_is_a_range() -> None:
    c = one("Analysts estimate that between 150 and 200 Russian soldiers surrendered.")
    assert (c.count, c.count_high, c.qualifier, c.event) == (150, 200, "range", "surrendered")
    assert c.victim_category == "pow"


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("According to the regional governor, 12 people were injured.", "the regional governor"),
        ("Twelve people were injured, the regional governor said.", "the regional governor"),
        ("The regional governor announced that 12 people were injured.", "The regional governor"),
        ("The mission has documented 12 people injured by mines.", "The mission"),
        ("Twelve people were injured in the shelling.", None),
    ],
)
def test_attribution_in_its_usual_forms(text: str, claimant: str | None) -> None:
    c = one(text)
    assert (c.count, c.event, c.claimant) == (12, "injured", claimant)


def test_killed_and_injured_in_one_sentence_are_two_claims_about_the_same_people() -> None:
    killed, injured = read(
        "Russian shelling killed two civilians and wounded seven others in "
        "Kherson, the regional administration reported."
    )
    assert (killed.count, killed.event, killed.victim_category) == (2, "killed", "civilian")
    assert (injured.count, injured.event, injured.victim_category) == (7, "injured", "civilian")
    assert killed.claimant == injured.claimant == "the regional administration"


@pytest.mark.parametrize(
    "text",
    [
        "A 19-year-old gunner from the 110th Brigade was killed.",
        "The 2015 decree made military deaths a state secret.",
        "The attack took place on 9 May 2023 at 14:30, killing a soldier.",
        "Russia launched 42 drones overnight and 38 were shot down, the air force said.",
        "Support for talks fell to 32 percent, and 45% said the dead must be avenged.",
        "The commander, call sign 'Tiger 21', was wounded.",
        "The damage is put at $486 billion, with hospitals among the dead buildings.",
        "The convoy of wounded stretched for about 64 kilometres.",
        "Ivanov, 47, was killed on Tuesday.",
        "Prosecutors identified 12 Russian servicemen suspected of executing the prisoners.",
    ],
)
def test_numbers_that_are_not_harm_claims_are_left_out(text: str) -> None:
    assert read(text) == []


def test_text_in_another_language_gives_an_empty_result() -> None:
    assert read("Bei dem Angriff wurden 12 Menschen getötet, teilte die Polizei mit.") == []


def test_relative_period_is_resolved_against_the_reference_date() -> None:
    c = one(
        "The General Staff said 870 Russian servicemen were killed in the past 24 hours.",
        reference_date=date(2024, 5, 2),
    )
    assert c.period is not None and "past 24 hours" in c.period
    assert (c.date_from, c.date_to) == (date(2024, 5, 1), date(2024, 5, 2))


def test_place_words_are_kept_and_resolution_never_breaks_the_reader() -> None:
    found = extract_claims("Police said 23 people were wounded in the strike on Kramatorsk.")
    assert found[0].place == "Kramatorsk"


def test_a_claim_about_a_russian_village_is_placed_there_not_in_ukraine() -> None:
    # Plekhovo (Sudzha district, Kursk Oblast); GeoNames also spells a Poltava village Plekhovo.
    text = (
        "Three civilians were killed in shelling near the village of Plekhovo in the Kursk "
        "region, the regional governor said."
    )
    c = extract_claims(text)[0]
    assert c.place == "Plekhovo"
    assert c.place_resolved is not None and c.place_resolved.admin1 == "Kursk Oblast"


def test_a_claim_in_a_foreign_press_spelling_of_bakhmut_is_located() -> None:
    c = extract_claims("Five people were killed in Bachmout on Monday, officials said.")[0]
    assert c.place == "Bachmout"
    assert c.place_resolved is not None and c.place_resolved.name == "Bakhmut"
    assert c.place_resolved.admin1 == "Donetsk Oblast"


def test_a_village_name_ukraine_has_twice_is_not_guessed_for_a_claim() -> None:
    c = extract_claims("Four civilians were injured in Yahidne, police said.")[0]
    assert c.place == "Yahidne" and c.place_resolved is None


# --- comparing claimants -----------------------------------------------------------------------


def test_estimates_of_the_same_toll_from_different_claimants_are_side_by_side() -> None:
    found = read(
        "NATO has estimated that between 7,000 and 15,000 Russian troops have been killed. "
        "The Kremlin admitted the loss of 1,351 soldiers. "
        "Officials said 23 civilians were wounded in Kramatorsk."
    )
    groups = compare(found)
    assert isinstance(groups[0], ClaimGroup)
    top = groups[0]
    assert top.event_family == "deaths" and top.victim_category == "combatant"
    assert set(top.claimants) == {"NATO", "The Kremlin"}
    assert (top.low, top.high, top.spread) == (1351, 15000, 15000 - 1351)
    assert any(g.event_family == "injured" and len(g.claims) == 1 for g in groups)


def test_claims_about_different_years_are_not_compared() -> None:
    found = read(
        "OHCHR said 100 civilians were killed in 2023. OHCHR said 200 civilians were "
        "killed in 2024."
    )
    assert len(compare(found)) == 2


# --- the labelled set --------------------------------------------------------------------------


def test_labelled_set_is_large_enough_and_holds_out_a_third() -> None:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 150
    held_out = [r for r in rows if r["split"] == "test"]
    assert len(held_out) >= 0.3 * len(rows)
    assert sum(1 for r in rows if not r["claims"]) >= 50  # plenty of numbers that are not claims


def test_reader_reaches_its_targets_on_the_dev_split() -> None:
    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    import claims as bench  # type: ignore[import-not-found]

    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    s = bench.score([r for r in rows if r["split"] == "dev"])
    assert s["extraction_precision"] >= 0.9 and s["extraction_recall"] >= 0.9
    assert s["attribution_precision"] >= 0.85 and s["attribution_recall"] >= 0.85


# --- sources and the command line --------------------------------------------------------------


def test_public_api_is_pinned() -> None:
    assert sorted(claims_pkg.__all__) == [
        "ClaimGroup",
        "SourcedGroup",
        "StoredClaim",
        "claims_for_file",
        "compare",
        "compare_sourced",
        "compare_stored",
        "extract_claims",
        "language_note",
        "list_claims",
        "read_text_source",
        "store_claims",
    ]


def test_binary_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)))
    with pytest.raises(InputError, match="clip.mp4.*binary"):
        read_text_source(str(path))


def test_missing_file_is_refused_with_its_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.txt: no such file"):
        read_text_source(str(tmp_path / "nope.txt"))


def test_empty_file_is_refused_by_name_not_read_as_no_claims(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty.txt: is empty"):
        read_text_source(str(path))


class _Pages(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        if self.path == "/report.html":
            body = (
                b"<html><head><script>var x = 99;</script></head><body><p>Police said 23 "
                b"people were wounded in Kramatorsk.</p></body></html>"
            )
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> object:
    httpd = HTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_claims_are_read_from_a_web_page(server: str) -> None:
    text, label = read_text_source(f"{server}/report.html", LOCAL_ONLY)
    assert "var x" not in text
    c = one(text)
    assert (c.count, c.event, c.claimant) == (23, "injured", "Police")


def test_url_that_fails_gives_one_line_error_and_nonzero_exit(server: str) -> None:
    result = CliRunner().invoke(
        app, ["claims", "extract", f"{server}/gone.html", "--allow-address", "127.0.0.1"]
    )
    assert result.exit_code == 2
    assert "gone.html" in result.output and "404" in result.output
    assert "Traceback" not in result.output


def test_cli_prints_one_json_document_with_from_and_to(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(
        "OHCHR said 282 civilians were killed in 2023. Of those, 40 were children.",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["claims", "extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)  # one document, like every other --json
    assert document["source"] == str(path)
    lines = document["claims"]
    assert [r["count"] for r in lines] == [282, 40]
    assert lines[0]["from"] == "2023-01-01" and lines[0]["to"] == "2023-12-31"
    assert lines[1]["claimant"] == "OHCHR"
    assert set(lines[0]) >= {
        "count",
        "count_high",
        "qualifier",
        "event",
        "victims",
        "victim_category",
        "claimant",
        "period",
        "place",
        "place_resolved",
        "sentence",
        "char_start",
        "char_end",
    }


def test_cli_reads_standard_input_and_prints_a_table() -> None:
    result = CliRunner().invoke(
        app, ["claims", "extract", "-"], input="Police said 23 people were wounded in Kramatorsk."
    )
    assert result.exit_code == 0
    assert "23" in result.output and "injured" in result.output


def test_cli_binary_file_is_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 20)
    script = Path(sys.executable).parent / "corroborate"
    proc = subprocess.run(
        [str(script), "claims", "extract", str(path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "photo.jpg" in proc.stderr and "binary" in proc.stderr


def test_a_part_of_people_held_who_died_is_a_death_toll_and_the_whole_a_capture() -> None:
    found = read(
        "Ten of the 360 people held in the school basement had died by the time the village "
        "was liberated, investigators said."
    )
    assert [(c.count, c.event, c.victims) for c in found] == [
        (10, "died", "people"),
        (360, "captured", "people"),
    ]


def test_the_main_verb_after_a_relative_clause_is_what_befell_the_people() -> None:
    shot = read("Three Russian soldiers who surrendered near Robotyne were shot, the brigade said.")
    assert [(c.count, c.event, c.victim_category) for c in shot] == [(3, "executed", "pow")]
    assert read("Forty Ukrainian soldiers who killed the attackers were later decorated.") == []


def test_a_killing_of_people_who_had_stopped_fighting_is_an_execution_whatever_the_verb() -> None:
    """A monitor tallies executions: "shot dead after surrendering" is one, combat is not."""
    for text in (
        "Twelve Ukrainian POWs were shot dead after surrendering near Pokrovsk, prosecutors said.",
        "Prosecutors said Russian troops shot dead three Ukrainian soldiers after they had laid "
        "down their arms near Bakhmut.",
        "Researchers geolocated a video that shows the killing of three Russian prisoners.",
        "Drone operators attacked servicemen who were trying to surrender, killing 17 of them, "
        "the ministry said.",
        "Drone footage appeared to show Russian soldiers gunning down five Ukrainian servicemen "
        "who had come out of a dugout with their hands up, the office said.",
    ):
        (claim,) = read(text)
        assert (claim.event, claim.victim_category) == ("executed", "pow"), text
    for text, event in (
        (
            "\u201cWe killed at least 60 Russian soldiers and took three prisoner,\u201d he said.",
            "killed",
        ),
        (
            "The ombudsman said 245 Ukrainian prisoners of war have been killed in captivity.",
            "killed",
        ),
        ("The court heard that the soldiers shot two unarmed men in the village.", "killed"),
        ("Kyiv said 53 prisoners of war were killed in an explosion at the prison.", "killed"),
        ("Three soldiers were killed before the rest of the unit surrendered.", "killed"),
    ):
        assert read(text)[0].event == event, text


def test_our_men_in_a_commanders_words_are_his_units_fighters() -> None:
    lost = one("\u201cWe lost 14 of our men in two days,\u201d the battalion commander said.")
    assert (lost.victims, lost.victim_category) == ("men", "combatant")
    town = one("\u201cOur town lost 12 men,\u201d the mayor said.")
    assert town.victim_category == "unknown"
    comrades = one("Soldiers told the BBC that at least 30 of their comrades were killed.")
    assert (comrades.victims, comrades.victim_category) == ("comrades", "combatant")


def test_the_number_of_people_a_toll_reached_names_its_victims() -> None:
    found = one("The number of civilians killed in the region rose to 1,024, the prosecutor said.")
    assert (found.count, found.victims, found.victim_category) == (1024, "civilians", "civilian")
