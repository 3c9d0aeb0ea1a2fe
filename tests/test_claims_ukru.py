"""An analyst reads the primary sources in their own languages: Ukrainian and Russian releases.

The Ombudsman, the Prosecutor General's office, regional administrations and Russian ministries
publish in Ukrainian and Russian. The reader takes the same fields from them as from English
reports: event, qualifier and victim category in English (so claims compare across languages),
the victims and the claimant as the source wrote them. Texts here are written for the tests.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corroborate.claims import extract_claims, language_note
from corroborate.claims._language import detect_language
from corroborate.cli import app
from corroborate.core import Claim
from corroborate.storage.archive import Archive

DATA = Path(__file__).parent / "data" / "claims"


def read(text: str, **kwargs: object) -> list[Claim]:
    return extract_claims(text, resolve_places=False, **kwargs)  # type: ignore[arg-type]


def one(text: str, **kwargs: object) -> Claim:
    found = read(text, **kwargs)
    assert len(found) == 1, found
    return found[0]


# --- the story: an Ombudsman's release and a ministry's statement ------------------------------


def test_an_ombudsman_release_in_ukrainian_reads_like_an_english_one() -> None:
    c = one(
        "Омбудсман Дмитро Лубінець заявив, що окупанти стратили щонайменше 19 українських "
        "військовополонених на Запорізькому напрямку."
    )
    assert (c.count, c.qualifier, c.event) == (19, "at_least", "executed")
    assert c.victims == "українських військовополонених"  # as written, in its case
    assert c.victim_category == "pow"
    assert c.claimant == "Омбудсман Дмитро Лубінець"
    assert c.sentence.startswith("Омбудсман")


def test_a_russian_ministry_statement_keeps_its_claimant_and_its_words() -> None:
    c = one("Минобороны России сообщило, что за сутки ВСУ потеряли до 520 военнослужащих.")
    assert (c.count, c.qualifier, c.event) == (520, "at_most", "killed")
    assert (c.victims, c.victim_category) == ("военнослужащих", "combatant")
    assert c.claimant == "Минобороны России"


def test_claims_are_the_same_type_as_english_ones_and_compare_with_them() -> None:
    from corroborate.claims import compare

    en = one("The Prosecutor General's Office said 37 civilians were killed in Kherson.")
    uk = one("За даними ОВА, у Херсоні загинули 40 цивільних.")
    assert type(uk) is type(en) and uk.victim_category == en.victim_category == "civilian"
    groups = compare([en, uk])
    assert any({c.count for c in g.claims} == {37, 40} for g in groups)


# --- numbers in their case forms ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Окупанти розстріляли п'ятьох цивільних.", 5),
        ("Окупанти розстріляли п’ятьох цивільних.", 5),  # the typographic apostrophe
        ("Росіяни вбили трьох жителів села.", 3),
        ("Загинули двадцять три людини.", 23),
        ("Стало відомо про загибель двадцяти цивільних.", 20),
        ("Внаслідок удару загинули двоє людей.", 2),
        ("Поранено 1 842 людини.", 1842),
        ("Загинули понад 15 тисяч цивільних.", 15000),
        ("Поранено 1,5 тис. людей.", 1500),
        ("Расстреляны пятеро мирных жителей.", 5),
        ("Погибли сорок два человека.", 42),
        ("Сообщается о гибели двадцати трех мирных жителей.", 23),
        ("Ранены трое детей.", 3),
        ("Погибли более 11 520 мирных жителей.", 11520),
    ],
)
def test_numbers_in_digits_and_in_words_of_any_case(text: str, count: int) -> None:
    assert one(text).count == count


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("Загинули щонайменше 12 цивільних.", "at_least"),
        ("Загинули не менше ніж 12 цивільних.", "at_least"),
        ("Загинули понад 12 цивільних.", "at_least"),
        ("Загинули близько 12 цивільних.", "approx"),
        ("Загинули до 12 цивільних.", "at_most"),
        ("Загинули 12 цивільних.", "exact"),
        ("Погибли не менее 12 мирных жителей.", "at_least"),
        ("Погибли более 12 мирных жителей.", "at_least"),
        ("Погибли около 12 мирных жителей.", "approx"),
        ("Погибли по меньшей мере 12 мирных жителей.", "at_least"),
        ("Погибли не более 12 мирных жителей.", "at_most"),
    ],
)
def test_qualifiers_come_out_in_english(text: str, qualifier: str) -> None:
    assert one(text).qualifier == qualifier


def test_a_range_is_read_with_both_ends() -> None:
    c = one("От 30 до 40 военнопленных были расстреляны.")
    assert (c.count, c.count_high, c.qualifier, c.event) == (30, 40, "range", "executed")


# --- events in their inflected forms -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "event"),
    [
        ("Загинули 7 людей.", "killed"),
        ("Повідомляють про загибель 7 людей.", "killed"),
        ("Росіяни вбили 7 людей.", "killed"),
        ("Окупанти стратили 7 полонених.", "executed"),
        ("Розслідують розстріл 7 полонених.", "executed"),
        ("Поранено 7 людей.", "injured"),
        ("Ще 7 людей дістали поранення.", "injured"),
        ("Окупанти взяли в полон 7 військових.", "captured"),
        ("7 військових здалися в полон.", "surrendered"),
        ("7 військових зникли безвісти.", "missing"),
        ("7 полонених померли в колонії.", "died"),
        ("Погибли 7 человек.", "killed"),
        ("Сообщили о гибели 7 человек.", "killed"),
        ("Боевики убили 7 человек.", "killed"),
        ("Расстреляны 7 военнопленных.", "executed"),
        ("Казнили 7 военнопленных.", "executed"),
        ("Ранены 7 человек.", "injured"),
        ("7 человек получили ранения.", "injured"),
        ("В плен взяты 7 военных.", "captured"),
        ("7 военных сдались в плен.", "surrendered"),
        ("7 военных пропали без вести.", "missing"),
        ("7 раненых скончались в больнице.", "died"),
    ],
)
def test_killed_executed_wounded_captured_in_any_form(text: str, event: str) -> None:
    assert one(text).event == event


# --- who claims it -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("За даними Офісу Генпрокурора, загинули 12 дітей.", "Офісу Генпрокурора"),
        ("За словами Лубінця, загинули 12 полонених.", "Лубінця"),
        ("Загинули 12 людей, повідомив начальник ОВА Іван Федоров.", "начальник ОВА Іван Федоров"),
        ("Генштаб ЗСУ повідомив, що загинули 12 військових.", "Генштаб ЗСУ"),
        ("Загинули 12 людей, заявив мер Ігор Терехов.", "мер Ігор Терехов"),
        ("Загинули 12 людей, повідомили в поліції.", "поліції"),
        ("По данным Следственного комитета, погибли 12 человек.", "Следственного комитета"),
        ("По словам Пушилина, погибли 12 человек.", "Пушилина"),
        ("Погибли 12 человек, заявил губернатор Вячеслав Гладков.", "губернатор Вячеслав Гладков"),
        ("Погибли 12 человек, сообщил мэр города.", "мэр города"),
        ("За даними 47-ї бригади, загинули 12 окупантів.", "47-ї бригади"),
    ],
)
def test_attribution_as_ukrainian_and_russian_reports_write_it(text: str, claimant: str) -> None:
    assert one(text).claimant == claimant


def test_the_source_named_in_the_next_sentence_is_the_claimant() -> None:
    found = read(
        "Росіяни вдарили по Херсону. Загинули двоє людей, ще п'ятеро поранені. "
        "Про це повідомив начальник Херсонської ОВА Олександр Прокудін."
    )
    assert [(c.count, c.event, c.victims) for c in found] == [
        (2, "killed", "людей"),
        (5, "injured", "людей"),  # the elliptical count carries the people before it
    ]
    assert {c.claimant for c in found} == {"начальник Херсонської ОВА Олександр Прокудін"}


def test_a_pronoun_source_refers_back_to_the_last_claimant() -> None:
    c = one("Глава ДНР Денис Пушилин выступил с заявлением. По его словам, погибли 9 человек.")
    assert c.claimant == "Глава ДНР Денис Пушилин"


def test_a_telegram_signature_signs_the_post() -> None:
    found = read("Ворог обстріляв Нікополь. Поранено трьох людей.\n\nСергій Лисак")
    assert [(c.count, c.claimant) for c in found] == [(3, "Сергій Лисак")]


def test_no_source_named_means_no_claimant() -> None:
    assert one("Внаслідок обстрілу загинули 4 людини.").claimant is None


# --- victims and their kind --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "victims", "category"),
    [
        ("Загинули 12 цивільних.", "цивільних", "civilian"),
        ("Загинули 12 цивільних осіб.", "цивільних осіб", "civilian"),
        ("Загинули 12 дітей.", "дітей", "civilian"),
        ("Окупанти стратили 12 військовополонених.", "військовополонених", "pow"),
        ("Загинули 12 військовослужбовців.", "військовослужбовців", "combatant"),
        ("Розстріляли 12 українських військових.", "українських військових", "pow"),
        ("Погибли 12 мирных жителей.", "мирных жителей", "civilian"),
        ("Казнены 12 военнопленных.", "военнопленных", "pow"),
        ("Погибли 12 военнослужащих.", "военнослужащих", "combatant"),
        ("Погибли 12 человек.", "человек", "unknown"),
    ],
)
def test_victims_as_written_and_their_category_in_english(
    text: str, victims: str, category: str
) -> None:
    c = one(text)
    assert (c.victims, c.victim_category) == (victims, category)


def test_children_among_the_wounded_are_a_claim_of_their_own() -> None:
    found = read("Ранены семь человек, в том числе трое детей, сообщил Гладков.")
    assert [(c.count, c.event, c.victims, c.victim_category) for c in found] == [
        (7, "injured", "человек", "unknown"),
        (3, "injured", "детей", "civilian"),
    ]


def test_a_general_staff_bulletin_reads_personnel_losses_and_the_days_rise() -> None:
    found = read(
        "Загальні бойові втрати ворога:\nособового складу — близько 600 100 (+1 300) осіб\n"
        "танків — 9 000 (+12) од."
    )
    assert [(c.count, c.qualifier, c.event, c.victim_category) for c in found] == [
        (600100, "approx", "killed", "combatant"),
        (1300, "exact", "killed", "combatant"),
    ]  # tanks are not people


# --- numbers that are not harm claims ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Сили ППО збили 47 з 52 ударних дронів, повідомили Повітряні сили.",
        "У 2022 році 35-річний військовий з 93-ї бригади отримав орден.",
        "Україна повернула з полону 95 захисників.",
        "Відкрито провадження за ч. 2 ст. 438 КК України.",
        "Слідчі встановили 6 окупантів, причетних до вбивства цивільних.",
        "Четверо окупантів відмовилися виконувати наказ.",
        "Средствами ПВО сбиты 23 украинских беспилотника.",
        "В результате обмена на родину вернулись 103 российских военнослужащих.",
        "Собрано 120 миллионов рублей и 300 дронов.",
        "В 2023 году 25-летний военный из 155-й бригады получил награду.",
        "14 березня 2024 року о 10:30 сталася атака.",
    ],
)
def test_numbers_that_are_not_harm_claims_are_left_out(text: str) -> None:
    assert read(text) == []


def test_those_who_did_the_killing_are_not_counted_as_victims() -> None:
    c = one("Четверо окупантів розстріляли двох полонених, повідомили в прокуратурі.")
    assert (c.count, c.event, c.victims) == (2, "executed", "полонених")


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Вчора загинули 3 людини.", date(2024, 3, 13), date(2024, 3, 13)),
        ("Минулого тижня загинули 3 людини.", date(2024, 3, 4), date(2024, 3, 10)),
        ("За минулу добу загинули 3 людини.", date(2024, 3, 13), date(2024, 3, 14)),
        ("У середу загинули 3 людини.", date(2024, 3, 13), date(2024, 3, 13)),
        ("В среду погибли 3 человека.", date(2024, 3, 13), date(2024, 3, 13)),
        ("Вчера погибли 3 человека.", date(2024, 3, 13), date(2024, 3, 13)),
        ("За сутки погибли 3 человека.", date(2024, 3, 13), date(2024, 3, 14)),
        ("З початку повномасштабного вторгнення загинули 3 людини.", date(2022, 2, 24), None),
    ],
)
def test_relative_dates_are_anchored_on_the_reference_date(
    text: str, start: date, end: date | None
) -> None:
    reference = date(2024, 3, 14)  # a Thursday
    c = one(text, reference_date=reference)
    assert (c.date_from, c.date_to) == (start, end or reference)


def test_a_dateline_at_the_top_anchors_relative_dates() -> None:
    c = one("14 березня 2024, 10:30\n\nВчора внаслідок обстрілу загинули 3 людини.")
    assert (c.date_from, c.date_to) == (date(2024, 3, 13), date(2024, 3, 13))
    c = one("КИЇВ, 14 березня 2024 — У середу загинули 3 людини.")
    assert c.date_from == date(2024, 3, 13)


def test_without_a_reference_a_relative_date_has_words_but_no_dates() -> None:
    c = one("Вчора загинули 3 людини.")
    assert c.period == "Вчора" and c.date_from is None and c.date_to is None


# --- languages, and what the reader does not read ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Police said 12 people were killed in Kharkiv.", "en"),
        ("Killed: 4", "en"),
        ("Поліція повідомила, що загинули 12 людей.", "uk"),
        ("Загинули 12 людей.", "uk"),
        ("Полиция сообщила, что погибли 12 человек.", "ru"),
        ("Погибли 12 человек.", "ru"),  # no letter only Russian has: the dictionaries decide
        ("Bei dem Angriff wurden 12 Menschen getötet, teilte die Polizei mit.", None),
        ("Selon la police, 12 personnes ont été tuées.", None),
        ("При обстрела в Харков загинаха 12 души, съобщи полицията.", None),  # Bulgarian
        ("У выніку абстрэлу загінулі 12 чалавек.", None),  # Belarusian
        ("Шабуыл кезінде 12 адам қаза тапты.", None),  # Kazakh
        ("12 ανθρωποι σκοτώθηκαν.", None),  # Greek
    ],
)
def test_the_language_is_told_by_script_letters_and_words(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize(
    "text",
    [
        "Bei dem Angriff wurden 12 Menschen getötet, teilte die Polizei mit.",
        "При обстрела в Харков загинаха 12 души, съобщи полицията.",
        "У выніку абстрэлу загінулі 12 чалавек.",
    ],
)
def test_text_in_an_unsupported_language_gives_no_claims_and_says_why(text: str) -> None:
    assert read(text) == []  # never a figure read with another language's rules
    note = language_note(text)
    assert note is not None and "English, Ukrainian or Russian" in note


def test_empty_and_wordless_text_gives_no_claims_and_a_note() -> None:
    for text in ("", "   \n ", "12 34 56", "!!! ---"):
        assert read(text) == []
        assert language_note(text) is not None
    assert language_note("Загинули 12 людей.") is None


def test_cli_reads_a_ukrainian_report_and_prints_english_fields(tmp_path: Path) -> None:
    path = tmp_path / "звіт.txt"
    path.write_text(
        "За даними Офісу Генпрокурора, окупанти розстріляли п'ятьох полонених.", encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["claims", "extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)["claims"]
    assert (row["count"], row["event"], row["victim_category"]) == (5, "executed", "pow")
    assert row["claimant"] == "Офісу Генпрокурора"


def test_cli_says_when_the_language_is_not_one_it_reads(tmp_path: Path) -> None:
    path = tmp_path / "bericht.txt"
    path.write_text("Bei dem Angriff wurden 12 Menschen getötet, teilte die Polizei mit.")
    result = CliRunner().invoke(app, ["claims", "extract", str(path)])
    assert result.exit_code == 0
    assert "bericht.txt" in result.stderr and "English, Ukrainian or Russian" in result.stderr
    assert "Traceback" not in result.output
    result = CliRunner().invoke(app, ["claims", "extract", str(path), "--json"])
    assert json.loads(result.stdout)["claims"] == []  # one document; the note is on stderr
    assert "English, Ukrainian or Russian" in result.stderr


def test_cli_refuses_a_binary_file_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7\n\x00\x01\x02binary" * 50)
    result = CliRunner().invoke(app, ["claims", "extract", str(path)])
    assert result.exit_code == 2
    assert "scan.pdf" in result.output and "binary" in result.output
    assert "Traceback" not in result.output


def test_odd_input_never_raises() -> None:
    for text in (
        "\x00\x01\x02",
        "Загинули " + "9" * 400 + " людей.",
        "Загинули п'ять п'ять п'ять тисяч тисяч людей.",
        "(+ ( + ) — : : ...",
        "Ранены 7 человек" * 500,
        "особового складу — (+) осіб",
    ):
        read(text)  # no exception; whatever is found is a Claim


# --- the labelled sets -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_labelled_sets_are_kept_apart_and_large_enough(lang: str) -> None:
    def rows(split: str) -> list[dict[str, object]]:
        path = DATA / f"{lang}_{split}.jsonl"
        return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]

    dev, held = rows("dev"), rows("heldout")
    assert sum(len(r["claims"]) for r in held) >= 15  # type: ignore[arg-type]
    assert {r["text"] for r in dev}.isdisjoint({r["text"] for r in held})
    assert {r["split"] for r in dev} == {"dev"} and {r["split"] for r in held} == {"test"}
    assert {r["lang"] for r in dev + held} == {lang}


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_reader_reaches_its_targets_on_the_dev_sets(lang: str) -> None:
    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    import claims as bench  # type: ignore[import-not-found]  # benchmarks/claims.py

    s = bench.score(bench._read(DATA / f"{lang}_dev.jsonl"), False, show=False, legacy=False)
    assert s["extraction_recall"] >= 0.9 and s["extraction_precision"] >= 0.9
    assert s["attribution_recall"] >= 0.8


def test_bulletin_labels_and_participles_name_the_event() -> None:
    found = read("Погибшие: 3, раненые — 12.")
    assert [(c.count, c.event, c.claimant) for c in found] == [
        (3, "killed", None),
        (12, "injured", None),  # a label is not a source
    ]
    assert one("Обнаружены тела 7 убитых.").event == "killed"
    assert one("В Донецке 15 пострадавших.").event == "injured"


def test_quoted_speech_keeps_the_speaker_not_where_he_spoke() -> None:
    c = one(
        "«Росіяни розстріляли сімох наших бійців, які вже склали зброю», — сказав речник "
        "3-ї штурмової бригади в ефірі телемарафону."
    )
    assert (c.count, c.event, c.victims) == (7, "executed", "наших бійців")
    assert c.victim_category == "pow"  # they had laid down their arms
    assert c.claimant == "речник 3-ї штурмової бригади"


# --- places ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place", "name"),
    [
        ("ММПЛ ООН зафіксувала вбивство 25 цивільних у Бучі.", "Буча", "Bucha"),
        ("Росіяни вдарили по Херсону: загинули 2 людини.", "Херсон", "Kherson"),
        ("Внаслідок обстрілу Нікополя поранено трьох людей.", "Нікополь", "Nikopol"),
        ("Розстріляли п'ятьох полонених поблизу Роботиного.", "Роботине", "Robotyne"),
        ("В Горловке ранены семь человек.", "Горловка", "Horlivka"),
        ("Расстреляли 12 мирных жителей в Курской области.", "Курская область", "Kursk Oblast"),
    ],
)
def test_a_place_named_in_its_case_resolves_in_the_gazetteer(
    text: str, place: str, name: str
) -> None:
    c = extract_claims(text)[0]
    assert c.place == place  # the nominative the gazetteer was asked for
    assert c.place_resolved is not None and c.place_resolved.name == name


def test_the_claimants_office_is_not_taken_for_a_place() -> None:
    c = extract_claims("У Офісі Генпрокурора повідомили про 86 проваджень щодо страт полонених.")[0]
    assert c.place is None and c.place_resolved is None


def test_an_ingested_ukrainian_report_has_its_claims_stored_and_listed(
    cli: Any, archive: Archive, tmp_path: Path
) -> None:
    from corroborate.archive import list_items
    from corroborate.claims import list_claims

    report = tmp_path / "zvit-ombudsmana.txt"
    report.write_text(
        "Окупанти розстріляли шістьох українських військовополонених на Донеччині. "
        "Про це повідомив Уповноважений з прав людини Дмитро Лубінець.",
        encoding="utf-8",
    )
    cli("ingest", report)
    (item,) = list_items(archive)
    (stored,) = list_claims(archive, item=item.id)
    c = stored.claim
    assert (c.count, c.event, c.victim_category) == (6, "executed", "pow")
    assert c.claimant == "Уповноважений з прав людини Дмитро Лубінець"
    listed = cli("claims", "list", "--json")
    assert "Дмитро Лубінець" in listed.output  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    [
        "П'ять років тому в місті жили 300 тисяч людей.",
        "Телефон гарячої лінії 0 800 500 225.",
        "Область отримає 5 млн гривень на відновлення.",
        "Кількість звернень зросла на 30% за 2 тижні.",
        "Погибших стало на 12% меньше, чем в 2023 году.",
    ],
)
def test_years_phones_money_and_percentages_are_not_counts_of_people(text: str) -> None:
    assert read(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Росія втратила 500 осіб убитими і пораненими.",
        "Потери ВСУ убитыми и ранеными составили до 300 человек.",
        "Загиблих і поранених — 40.",
    ],
)
def test_killed_or_wounded_together_is_never_read_as_killed(text: str) -> None:
    from corroborate.core import CLAIM_EVENTS

    found = read(text)
    assert all(c.event not in {"killed", "injured"} for c in found)
    if "casualties" in CLAIM_EVENTS:  # the event list has a word for both together
        assert [c.event for c in found] == ["casualties"]
    else:  # no word for it yet: no claim rather than a wrong one
        assert found == []


def test_killed_and_wounded_counted_apart_stay_two_claims() -> None:
    found = read("Загинули 5 людей і поранено 12.")
    assert [(c.count, c.event) for c in found] == [(5, "killed"), (12, "injured")]
