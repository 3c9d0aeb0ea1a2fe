"""Russian words of harm claims, by lemma: numbers, qualifiers, events, victims, sources."""

from __future__ import annotations

import re

from corroborate.claims._slavic_lexicon import EventWord, Lexicon


def _q(words: str) -> re.Pattern[str]:
    return re.compile(rf"(?:^|[\s(«\"])(?:{words})(?:\s+еще)?(?:\s+(?:о|об))?\s*$")


_NUMERALS = {
    "ноль": 0, "один": 1, "одна": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5,
    "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11,
    "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15,
    "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19,
    "двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60,
    "семьдесят": 70, "восемьдесят": 80, "девяносто": 90, "сто": 100, "двести": 200,
    "триста": 300, "четыреста": 400, "пятьсот": 500, "шестьсот": 600, "семьсот": 700,
    "восемьсот": 800, "девятьсот": 900,
    "двое": 2, "трое": 3, "четверо": 4, "пятеро": 5, "шестеро": 6, "семеро": 7,
    "восьмеро": 8, "девятеро": 9, "десятеро": 10, "оба": 2, "обе": 2,
}  # fmt: skip

_EVENTS = {
    "погибнуть": EventWord("killed", "verb"),
    "погибать": EventWord("killed", "verb"),
    "гибель": EventWord("killed", "noun"),
    "погибший": EventWord("killed", "head"),
    "убить": EventWord("killed", "verb"),
    "убивать": EventWord("killed", "verb"),
    "убитый": EventWord("killed", "head"),
    "убийство": EventWord("killed", "noun"),
    "уничтожить": EventWord("killed", "verb", needs_person=True),
    "уничтожать": EventWord("killed", "verb", needs_person=True),
    "ликвидировать": EventWord("killed", "verb", needs_person=True),
    "потерять": EventWord("killed", "verb", needs_person=True),
    "терять": EventWord("killed", "verb", needs_person=True),
    "потеря": EventWord("killed", "noun"),
    "смерть": EventWord("died", "noun"),
    "умереть": EventWord("died", "verb"),
    "скончаться": EventWord("died", "verb"),
    "умерший": EventWord("died", "head"),
    "расстрелять": EventWord("executed", "verb"),
    "расстреливать": EventWord("executed", "verb"),
    "расстрел": EventWord("executed", "noun"),
    "расстрелянный": EventWord("executed", "head"),
    "казнить": EventWord("executed", "verb"),
    "казнь": EventWord("executed", "noun"),
    "казненный": EventWord("executed", "head"),
    "ранить": EventWord("injured", "verb"),
    "ранение": EventWord("injured", "noun"),
    "раненый": EventWord("injured", "head"),
    "раненный": EventWord("injured", "head"),
    "пострадать": EventWord("injured", "verb"),
    "пострадавший": EventWord("injured", "head"),
    "травмировать": EventWord("injured", "verb"),
    "травма": EventWord("injured", "noun"),
    "пленить": EventWord("captured", "verb"),
    "пленение": EventWord("captured", "noun"),
    "дело": EventWord("incidents", "noun"),
}

_PERSONS = {
    "гражданский": "civilian", "житель": "civilian", "ребенок": "civilian",
    "подросток": "civilian", "младенец": "civilian", "женщина": "civilian",
    "журналист": "civilian", "волонтер": "civilian", "врач": "civilian", "медик": "civilian",
    "спасатель": "civilian", "пенсионер": "civilian", "пассажир": "civilian",
    "школьник": "civilian", "студент": "civilian", "сельчанин": "civilian",
    "военный": "combatant", "военнослужащий": "combatant", "солдат": "combatant",
    "боец": "combatant", "боевик": "combatant", "наемник": "combatant",
    "десантник": "combatant", "морпех": "combatant", "пограничник": "combatant",
    "штурмовик": "combatant", "офицер": "combatant", "защитник": "combatant",
    "оккупант": "combatant", "нацист": "combatant", "националист": "combatant",
    "пехотинец": "combatant", "гвардеец": "combatant", "военнопленный": "pow",
    "пленный": "pow", "человек": "unknown", "мужчина": "unknown", "лицо": "unknown",
    "украинец": "unknown",
    "россиянин": "unknown", "гражданин": "unknown", "погибший": "unknown",
    "раненый": "unknown", "раненный": "unknown", "пострадавший": "unknown",
    "жертва": "unknown", "умерший": "unknown", "убитый": "unknown",
    "расстрелянный": "unknown", "казненный": "unknown", "взрослый": "unknown",
}  # fmt: skip

# The English reader's victim nouns, in Russian (one entry covers every case form).
for _cat, _words in {
    "civilian": "мальчик девочка малыш школьник ученик студент учитель пациент фермер шахтер "
    "водитель селянин священник депортированный гражданин взрослый эвакуированный беженец "
    "покупатель энергетик инженер рыбак строитель пешеход велосипедист прохожий полицейский "
    "сапер-пиротехник пиротехник мать отец сын дочь жена сосед гость клиент зритель монах "
    "монахиня железнодорожник коммунальщик медработник медсестра фельдшер пожарный спасатель "
    "работник сотрудник репортер пенсионерка местный",
    "combatant": "наемник морпех пехотинец срочник мобилизованный резервист командир "
    "захватчик пилот летчик моряк артиллерист снайпер сапер комбатант ополченец сепаратист "
    "новобранец разведчик спецназовец партизан легионер контрактник танкист стрелок "
    "нацгвардеец теробороновец пулеметчик минометчик",
    "pow": "заложник задержанный",
    "unknown": "родственник заключенный другой",
}.items():
    for _w in _words.split():
        _PERSONS.setdefault(_w, _cat)

_MONTHS = "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь год"

LEXICON = Lexicon(
    lang="ru",
    numerals=_NUMERALS,
    multipliers={"тысяча": 1000, "тыс": 1000, "миллион": 1_000_000, "млн": 1_000_000},
    qualifiers_before=(
        (
            _q(
                r"не менее чем|не менее|не меньше чем|не меньше|по меньшей мере|как минимум|"
                r"минимум|по крайней мере"
            ),
            "at_least",
        ),
        (
            _q(r"не более чем|не более|не больше|до|максимум|менее чем|менее|меньше"),
            "at_most",
        ),  # before "more than": "не більше" / "не более" ends in it
        (_q(r"более чем|более|больше чем|больше|свыше|сверх"), "at_least"),
        (_q(r"около|примерно|почти|порядка|приблизительно|ориентировочно|чуть более"), "approx"),
    ),
    range_opener="от",
    range_joiner="до",
    partitive=frozenset({"из"}),
    events=_EVENTS,
    capture_verbs=frozenset({"взять", "брать", "захватить", "захватывать", "попасть", "попадать"}),
    captivity=frozenset({"плен"}),
    surrender_verbs=frozenset({"сдаться", "сдаваться"}),
    missing_words=frozenset({"пропасть", "пропавший", "пропадать"}),
    missing_marker=re.compile(r"\bбез вести\b", re.I),
    linking_verbs=frozenset(
        {"составить", "составлять", "достичь", "достигнуть", "превысить", "вырасти", "быть"}
    ),
    persons=_PERSONS,  # type: ignore[arg-type]
    civilian_modifiers=frozenset({"мирный", "гражданский"}),
    pow_context=frozenset({"плен", "пленный", "военнопленный"}),
    pow_phrases=re.compile(r"сложил\w* оружие|сдал\w*сь|сдава\w*сь|безоружн\w*", re.I),
    claimant_tail=re.compile(
        r"\s+(?:в|во|на|во время|для)\s+(?:эфир\w*|интервью|брифинг\w*|телеграм\S*|"
        r"telegram\S*|соцсет\w*|коммент\w*|разговор\w*|обращени\w*|заявлени\w*)(?:\s.*)?$",
        re.I,
    ),
    forces_context=frozenset({"потеря", "противник", "враг", "всу"}),
    inclusion=re.compile(
        r"(?:среди них|среди которых|в том числе|из них|из которых)"
        r"(?:\s+еще)?\s*[—:–-]?\s*(?:\S+\s+)?$",
        re.I,
    ),
    relative_pronouns=frozenset({"который"}),
    personnel_labels=re.compile(r"личного состава\s*[—–‒:-]\s*(?:\S+\s+)?$", re.I),
    perpetrator_cues=frozenset({"причастный", "подозреваемый", "ответственный", "виновный"}),
    continuation=frozenset({"еще", "ещё"}),
    conjunctions=frozenset({"и", "а", "но", "или"}),
    skip_before=frozenset({"еще", "ещё", "было", "были", "был", "была", "уже", "также", "же"}),
    attribution_verbs=frozenset(
        {
            "сообщить",
            "сообщать",
            "заявить",
            "заявлять",
            "сказать",
            "отметить",
            "рассказать",
            "подчеркнуть",
            "добавить",
            "уточнить",
            "зафиксировать",
            "фиксировать",
            "задокументировать",
            "документировать",
            "подтвердить",
            "написать",
            "выступить",
            "информировать",
            "проинформировать",
            "доложить",
            "констатировать",
            "указать",
            "передать",
            "опубликовать",
            "признать",
        }
    ),  # fmt: skip
    counting_verbs=frozenset({"возбудить", "расследовать", "установить", "начать", "открыть"}),
    source_phrase=re.compile(
        r"\b(?:по|согласно)\s+(?:(?:предварительным|последним|обновленным|официальным|"
        r"уточненным)\s+)?(?:данным|словам|информации|сведениям|подсчетам|оценкам|оценке|"
        r"версии|сообщению)"
        r"\s+(?P<who>[^,;:.!?]+)",
        re.I,
    ),
    about_this=re.compile(r"(?:об этом|о том|эту информацию|эти данные)\s+", re.I),
    pronoun_source=re.compile(
        r"\b(?:по|согласно)\s+(?:его|ее|её|их)\s+(?:данным|словам|информации|сведениям)", re.I
    ),
    claimant_lead=re.compile(r"^(?:в|во|журналистам|изданию|агентству|ТАСС|РИА)\s+", re.I),
    not_claimants=frozenset(
        {"всу", "украина", "россия", "противник", "враг", "они", "он", "она", "это"}
    ),
    date_words=frozenset(_MONTHS.split()),
    relative_periods=(
        (re.compile(r"\bвчера\b", re.I), "yesterday"),
        (re.compile(r"\bсегодня\b", re.I), "today"),
        (re.compile(r"\bночью\b|\bпрошлой ночью\b|\bв ночь\b", re.I), "overnight"),
        (
            re.compile(
                r"\b(?:за\s+)?(?:прошедшие|минувшие|последние)\s+сутки\b|\bза сутки\b", re.I
            ),
            "day",
        ),  # noqa: E501
        (re.compile(r"\bна прошлой неделе\b", re.I), "last week"),
        (
            re.compile(
                r"\b(?:за|в течение)\s+(?:прошедшую|минувшую|последнюю\s+)?недел[юи]\b", re.I
            ),
            "past week",
        ),  # noqa: E501
        (re.compile(r"\bв прошлом месяце\b", re.I), "last month"),
        (
            re.compile(r"\b(?:за|в течение)\s+(?:прошедший|минувший|последний\s+)?месяц\b", re.I),
            "past month",
        ),  # noqa: E501
        (re.compile(r"\bв прошлом году\b", re.I), "last year"),
        (re.compile(r"\bна этой неделе\b", re.I), "this week"),
        (
            re.compile(
                r"\bво?\s+(?P<wd>понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)\b",
                re.I,
            ),
            "weekday",
        ),  # noqa: E501
    ),
    since_invasion=re.compile(
        r"\bс\s+начала\s+(?:полномасштабн\w+\s+)?(?:вторжения|войны|специальной военной "
        r"операции|СВО|агрессии|конфликта)",
        re.I,
    ),
    weekdays={
        "понедельник": 0,
        "вторник": 1,
        "среду": 2,
        "среда": 2,
        "четверг": 3,
        "пятницу": 4,
        "пятница": 4,
        "субботу": 5,
        "суббота": 5,
        "воскресенье": 6,
    },  # fmt: skip
)
