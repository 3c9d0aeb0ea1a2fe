"""Ukrainian words of harm claims, by lemma: numbers, qualifiers, events, victims, sources."""

from __future__ import annotations

import re

from corroborate.claims._slavic_lexicon import EventWord, Lexicon


def _q(words: str) -> re.Pattern[str]:
    return re.compile(rf"(?:^|[\s(«\"])(?:{words})(?:\s+ще)?(?:\s+(?:про|щодо))?\s*$")


_NUMERALS = {
    "нуль": 0, "один": 1, "одна": 1, "два": 2, "дві": 2, "три": 3, "чотири": 4, "п'ять": 5,
    "шість": 6, "сім": 7, "вісім": 8, "дев'ять": 9, "десять": 10, "одинадцять": 11,
    "дванадцять": 12, "тринадцять": 13, "чотирнадцять": 14, "п'ятнадцять": 15,
    "шістнадцять": 16, "сімнадцять": 17, "вісімнадцять": 18, "дев'ятнадцять": 19,
    "двадцять": 20, "тридцять": 30, "сорок": 40, "п'ятдесят": 50, "шістдесят": 60,
    "сімдесят": 70, "вісімдесят": 80, "дев'яносто": 90, "сто": 100, "двісті": 200,
    "триста": 300, "чотириста": 400, "п'ятсот": 500, "шістсот": 600, "сімсот": 700,
    "вісімсот": 800, "дев'ятсот": 900,
    # collective numerals count people: "двоє людей", "п'ятеро дітей"
    "двоє": 2, "троє": 3, "четверо": 4, "п'ятеро": 5, "шестеро": 6, "семеро": 7,
    "восьмеро": 8, "дев'ятеро": 9, "десятеро": 10, "обоє": 2,
}  # fmt: skip

_EVENTS = {
    # killed (military loss figures too, as in the English set)
    "загинути": EventWord("killed", "verb"),
    "гинути": EventWord("killed", "verb"),
    "загибель": EventWord("killed", "noun"),
    "загиблий": EventWord("killed", "head"),
    "вбити": EventWord("killed", "verb"),
    "убити": EventWord("killed", "verb"),
    "вбивати": EventWord("killed", "verb"),
    "вбитий": EventWord("killed", "head"),
    "убитий": EventWord("killed", "head"),
    "вбивство": EventWord("killed", "noun"),
    "убивство": EventWord("killed", "noun"),
    "ліквідувати": EventWord("killed", "verb", needs_person=True),
    "знищити": EventWord("killed", "verb", needs_person=True),
    "знищувати": EventWord("killed", "verb", needs_person=True),
    "втратити": EventWord("killed", "verb", needs_person=True),
    "втрачати": EventWord("killed", "verb", needs_person=True),
    "втрата": EventWord("killed", "noun"),
    "смерть": EventWord("died", "noun"),
    "померти": EventWord("died", "verb"),
    "помирати": EventWord("died", "verb"),
    "померлий": EventWord("died", "head"),
    # executed
    "стратити": EventWord("executed", "verb"),
    "страчувати": EventWord("executed", "verb"),
    "страта": EventWord("executed", "noun"),
    "страчений": EventWord("executed", "head"),
    "розстріляти": EventWord("executed", "verb"),
    "розстрілювати": EventWord("executed", "verb"),
    "розстріл": EventWord("executed", "noun"),
    "розстріляний": EventWord("executed", "head"),
    # injured
    "поранити": EventWord("injured", "verb"),
    "поранення": EventWord("injured", "noun"),
    "поранений": EventWord("injured", "head"),
    "травмувати": EventWord("injured", "verb"),
    "травмований": EventWord("injured", "head"),
    "травма": EventWord("injured", "noun"),
    "постраждати": EventWord("injured", "verb"),
    "постраждалий": EventWord("injured", "head"),
    # captured ("взяли в полон" is a capture verb with "полон"; see below)
    "полонити": EventWord("captured", "verb"),
    "полонення": EventWord("captured", "noun"),
    # incidents: criminal proceedings about harm
    "провадження": EventWord("incidents", "noun"),
}

_PERSONS = {
    # civilians
    "цивільний": "civilian", "житель": "civilian", "мешканець": "civilian",
    "дитина": "civilian", "підліток": "civilian", "немовля": "civilian", "жінка": "civilian",
    "журналіст": "civilian", "волонтер": "civilian", "лікар": "civilian", "медик": "civilian",
    "рятувальник": "civilian", "пенсіонер": "civilian", "селянин": "civilian",
    "пасажир": "civilian", "школяр": "civilian", "студент": "civilian",
    # combatants
    "військовий": "combatant", "військовослужбовець": "combatant", "солдат": "combatant",
    "боєць": "combatant", "захисник": "combatant", "морпіх": "combatant",
    "десантник": "combatant", "окупант": "combatant", "найманець": "combatant",
    "бойовик": "combatant", "прикордонник": "combatant", "штурмовик": "combatant",
    "гвардієць": "combatant", "офіцер": "combatant", "піхотинець": "combatant",
    "вояк": "combatant", "оборонець": "combatant",
    # prisoners of war
    "військовополонений": "pow", "полонений": "pow", "бранець": "pow",
    # people of no stated side
    "людина": "unknown", "особа": "unknown", "чоловік": "unknown", "українець": "unknown",
    "росіянин": "unknown", "громадянин": "unknown", "загиблий": "unknown",
    "поранений": "unknown", "постраждалий": "unknown", "жертва": "unknown",
    "померлий": "unknown", "вбитий": "unknown", "страчений": "unknown",
    "розстріляний": "unknown", "травмований": "unknown", "дорослий": "unknown",
}  # fmt: skip

# The English reader's victim nouns, in Ukrainian (one entry covers every case form).
for _cat, _words in {
    "civilian": "хлопчик дівчинка малюк школяр учень студент вчитель учитель пацієнт фермер "
    "шахтар водій селянин священник депортований громадянин дорослий евакуйований біженець "
    "покупець енергетик інженер рибалка будівельник пішохід велосипедист перехожий поліцейський "
    "правоохоронець демінер піротехнік мати батько син донька дочка дружина сусід гість клієнт "
    "глядач чернець черниця залізничник комунальник медпрацівник медсестра фельдшер пожежник "
    "рятувальник працівник співробітник репортер оператор-телевізійник пенсіонерка мирний",
    "combatant": "військовослужбовиця найманець морпіх піхотинець строковик мобілізований "
    "резервіст командир загарбник пілот льотчик моряк артилерист снайпер сапер комбатант "
    "ополченець сепаратист новобранець розвідник спецпризначенець партизан легіонер контрактник "
    "танкіст стрілець нацгвардієць терооборонець кулеметник мінометник зек в'язень-найманець",
    "pow": "заручник затриманий утримуваний",
    "unknown": "родич в'язень інший",
}.items():
    for _w in _words.split():
        _PERSONS.setdefault(_w, _cat)

_MONTHS = (
    "січень лютий березень квітень травень червень липень серпень вересень жовтень "
    "листопад грудень рік"
)

LEXICON = Lexicon(
    lang="uk",
    numerals=_NUMERALS,
    multipliers={"тисяча": 1000, "тис": 1000, "мільйон": 1_000_000, "млн": 1_000_000},
    qualifiers_before=(
        (
            _q(
                r"щонайменше|принаймні|не менше ніж|не менш ніж|не менше як|не менш як|"
                r"не менше|не менш|як мінімум|мінімум|щонайменш"
            ),
            "at_least",
        ),
        (
            _q(r"не більше ніж|не більш ніж|не більше|щонайбільше|до|максимум|менше ніж"),
            "at_most",
        ),  # before "more than": "не більше" / "не более" ends in it
        (_q(r"понад|більше ніж|більш ніж|більше як|більше|більш|понад як"), "at_least"),
        (_q(r"близько|приблизно|майже|орієнтовно|біля|понад півтора|порядку"), "approx"),
    ),
    range_opener="від",
    range_joiner="до",
    partitive=frozenset({"з", "із", "зі"}),
    events=_EVENTS,
    capture_verbs=frozenset(
        {"взяти", "брати", "узяти", "захопити", "захоплювати", "потрапити", "потрапляти"}
    ),
    captivity=frozenset({"полон"}),
    surrender_verbs=frozenset({"здатися", "здаватися", "здати"}),
    missing_words=frozenset({"зникнути", "зниклий", "зникати", "пропасти", "пропалий"}),
    missing_marker=re.compile(r"\bбезвісти\b|\bбез вісти\b", re.I),
    linking_verbs=frozenset(
        {"скласти", "складати", "становити", "сягнути", "сягати", "перевищити", "зрости", "бути"}
    ),
    persons=_PERSONS,  # type: ignore[arg-type]
    civilian_modifiers=frozenset({"цивільний", "мирний"}),
    pow_context=frozenset({"полон", "полонений", "військовополонений", "бранець"}),
    pow_phrases=re.compile(r"склал\w* зброю|здал\w*ся|здава\w*ся|беззбройн\w*", re.I),
    claimant_tail=re.compile(
        r"\s+(?:в|у|на|під час|для)\s+(?:ефір\w*|інтерв'ю|брифінг\w*|телеграм\S*|telegram\S*|"
        r"соцмереж\w*|коментар\w*|розмов\w*|звернен\w*|заяв\w*)(?:\s.*)?$",
        re.I,
    ),
    forces_context=frozenset({"втрата", "ворог", "противник", "окупант"}),
    inclusion=re.compile(
        r"(?:серед них|серед яких|у тому числі|в тому числі|зокрема|з них|із них|з яких)"
        r"(?:\s+ще)?\s*[—:–-]?\s*(?:\S+\s+)?$",
        re.I,
    ),
    relative_pronouns=frozenset({"який", "котрий"}),
    personnel_labels=re.compile(r"особового складу\s*[—–‒:-]\s*(?:\S+\s+)?$", re.I),
    perpetrator_cues=frozenset({"причетний", "підозрюваний", "відповідальний", "винний"}),
    continuation=frozenset({"ще"}),
    conjunctions=frozenset({"і", "й", "та", "а", "але", "або"}),
    skip_before=frozenset({"ще", "було", "були", "був", "була", "вже", "також", "й", "ж"}),
    attribution_verbs=frozenset(
        {
            "повідомити",
            "повідомляти",
            "заявити",
            "заявляти",
            "сказати",
            "зазначити",
            "розповісти",
            "наголосити",
            "додати",
            "інформувати",
            "зафіксувати",
            "фіксувати",
            "задокументувати",
            "документувати",
            "підтвердити",
            "уточнити",
            "написати",
            "оприлюднити",
            "звітувати",
            "поінформувати",
            "констатувати",
            "вказати",
            "передати",
            "доповісти",
            "визнати",
        }
    ),  # fmt: skip
    counting_verbs=frozenset(
        {"розпочати", "розслідувати", "відкрити", "встановити", "ідентифікувати", "порушити"}
    ),
    source_phrase=re.compile(
        r"\b(?:за|згідно з|згідно із)\s+(?:(?:попередніми|оновленими|останніми|офіційними|"
        r"уточненими)\s+)?(?:даними|словами|інформацією|підрахунками|оцінками|оцінкою|версією|"
        r"повідомленням)"
        r"\s+(?P<who>[^,;:.!?]+)",
        re.I,
    ),
    about_this=re.compile(r"(?:про це|про це також|таку інформацію|ці дані)\s+", re.I),
    pronoun_source=re.compile(
        r"\b(?:за|згідно з)\s+(?:його|її|їхніми|їх|їхньою)\s+(?:даними|словами|інформацією)", re.I
    ),
    claimant_lead=re.compile(r"^(?:у|в|журналістам|виданню|агенції|зі|із|з)\s+", re.I),
    not_claimants=frozenset(
        {"росіяни", "окупанти", "росія", "ворог", "україна", "вони", "він", "вона", "це"}
    ),
    date_words=frozenset(_MONTHS.split()),
    relative_periods=(
        (re.compile(r"\bвчора\b|\bучора\b", re.I), "yesterday"),
        (re.compile(r"\bсьогодні\b", re.I), "today"),
        (re.compile(r"\bвночі\b|\bминулої ночі\b|\bнаніч\b", re.I), "overnight"),
        (re.compile(r"\b(?:за\s+)?(?:минулу|останню|попередню)\s+добу\b|\bза добу\b", re.I), "day"),
        (re.compile(r"\bминулого тижня\b|\bна минулому тижні\b", re.I), "last week"),
        (
            re.compile(
                r"\b(?:за|протягом)\s+(?:минулого|останнього\s+)?тижн[яь]\b|\bза тиждень\b", re.I
            ),
            "past week",
        ),  # noqa: E501
        (re.compile(r"\bминулого місяця\b", re.I), "last month"),
        (
            re.compile(r"\b(?:за|протягом)\s+(?:минулий|останній)\s+місяць\b|\bза місяць\b", re.I),
            "past month",
        ),  # noqa: E501
        (re.compile(r"\bминулого року\b", re.I), "last year"),
        (re.compile(r"\bцього тижня\b", re.I), "this week"),
        (
            re.compile(
                r"\b[ув]\s+(?:понеділок|вівторок|середу|четвер|п'ятницю|суботу|неділю)\b", re.I
            ),
            "weekday",
        ),  # noqa: E501
    ),
    since_invasion=re.compile(
        r"\b(?:з|від|із)\s+початку\s+(?:повномасштабн\w+\s+)?(?:вторгнення|агресії|війни|"
        r"російського вторгнення|російської агресії)\w*",
        re.I,
    ),
    weekdays={
        "понеділок": 0,
        "вівторок": 1,
        "середа": 2,
        "середу": 2,
        "четвер": 3,
        "п'ятниця": 4,
        "п'ятницю": 4,
        "субота": 5,
        "суботу": 5,
        "неділя": 6,
        "неділю": 6,
    },  # fmt: skip
)
