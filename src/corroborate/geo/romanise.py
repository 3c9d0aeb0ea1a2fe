"""Romanisation and spelling rules: the official Ukrainian system, Russian-style and press forms.

Everything here is a pure function of a string, so the build script and the resolver share it:
the build derives spellings from the official Ukrainian (Cyrillic) names, and the resolver folds
a query with the same `fold` that folded the index keys.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = "'’ʼ`´‘\"ʹ"
_VOWELS_CYR = set("аеєиіїоуюяыэё")

# Ukrainian national system, KMU resolution 55 of 27 January 2010. Letters whose form
# depends on position: (at the start of a word, elsewhere).
_KMU: dict[str, str | tuple[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e",
    "є": ("ye", "ie"), "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": ("yi", "i"),
    "й": ("y", "i"), "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ь": "", "ю": ("yu", "iu"), "я": ("ya", "ia"),
    # Russian letters, for names typed in Russian
    "ы": "y", "э": "e", "ё": "e", "ъ": "",
}  # fmt: skip

# A practical Russian romanisation (BGN/PCGN without diacritics), as used by the English press.
_RU: dict[str, str | tuple[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": ("ye", "e"),
    "ё": ("yo", "yo"), "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
    "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye",
}  # fmt: skip

# French press transliteration (Bakhmout, Tchernihiv, Zaporijjia, Marioupol).
_FR: dict[str, str | tuple[str, str]] = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "j", "з": "z", "и": "y", "і": "i", "ї": "ï", "й": "ï", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "ou",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "tch", "ш": "ch", "щ": "chtch", "ь": "",
    "ю": "iou", "я": "ia", "ы": "y", "э": "e", "ё": "io", "ъ": "",
}  # fmt: skip

# German press transliteration (Bachmut, Charkiw, Saporischschja, Sjewjerodonezk).
_DE: dict[str, str | tuple[str, str]] = {
    "а": "a", "б": "b", "в": "w", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "je",
    "ж": "sch", "з": "s", "и": "y", "і": "i", "ї": "ji", "й": "j", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch", "ь": "",
    "ю": "ju", "я": "ja", "ы": "y", "э": "e", "ё": "jo", "ъ": "",
}  # fmt: skip

# Polish press transliteration (Bachmut, Kupiańsk without diacritics, Zaporiżżia).
_PL: dict[str, str | tuple[str, str]] = {
    "а": "a", "б": "b", "в": "w", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "je",
    "ж": "ż", "з": "z", "и": "y", "і": "i", "ї": "ji", "й": "j", "к": "k", "л": "ł",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "ch", "ц": "c", "ч": "cz", "ш": "sz", "щ": "szcz", "ь": "",
    "ю": "ju", "я": "ja", "ы": "y", "э": "e", "ё": "jo", "ъ": "",
}  # fmt: skip

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def has_cyrillic(text: str) -> bool:
    """Whether a string contains Cyrillic letters (and so needs romanising before folding)."""
    return bool(_CYRILLIC.search(text))


def _transliterate(text: str, table: dict[str, str | tuple[str, str]], zgh: bool = False) -> str:
    out: list[str] = []
    prev = ""
    for ch in unicodedata.normalize("NFC", text):
        low = ch.lower()
        if low in _APOSTROPHES:
            continue
        mapped = table.get(low)
        if mapped is None:
            out.append(ch)
            prev = low
            continue
        if isinstance(mapped, tuple):
            at_start = not prev or not prev.isalpha()
            if table is _RU:
                at_start = at_start or prev in _VOWELS_CYR or prev in "ьъ"
            mapped = mapped[0] if at_start else mapped[1]
        if zgh and low == "г" and prev == "з":
            mapped = "gh"
        if ch != low and mapped:
            nxt_upper = len(text) > 1 and text.isupper()
            mapped = mapped.upper() if nxt_upper else mapped[0].upper() + mapped[1:]
        out.append(mapped)
        prev = low
    return "".join(out)


def romanise_uk(text: str) -> str:
    """Official Ukrainian romanisation (KMU 2010): Харків -> Kharkiv, Згурівка -> Zghurivka."""
    return _transliterate(text, _KMU, zgh=True)


def romanise_ru(text: str) -> str:
    """Russian-style romanisation of a Cyrillic name: Харьков -> Kharkov, Горловка -> Gorlovka."""
    return _transliterate(text, _RU)


def _double_s(text: str) -> str:
    # French and German double an s between vowels so it is not read as z (Odessa, Lyssytchansk).
    return re.sub(r"(?<=[aeiouyïäöü])s(?=[aeiouyïäöü])", "ss", text)


def romanise_fr(text: str) -> str:
    """French press form: Бахмут -> Bakhmout, Чернігів -> Tchernihiv."""
    return _double_s(_transliterate(text, _FR))


def romanise_de(text: str) -> str:
    """German press form: Бахмут -> Bachmut, Харків -> Charkiw."""
    return _double_s(_transliterate(text, _DE))


def romanise_pl(text: str) -> str:
    """Polish press form: Бахмут -> Bachmut, Куп'янськ -> Kupjansk."""
    return _transliterate(text, _PL)


# Russian-style Cyrillic from a Ukrainian name. Each rule is applied per word; the results are
# alternatives (Russian spelling of a Ukrainian place is irregular, so we offer the usual ones).
_RU_ENDINGS: list[tuple[str, tuple[str, ...]]] = [
    ("аїв", ("аев",)), ("іївка", ("еевка",)), ("ївка", ("евка", "ьевка")), ("івка", ("овка",)),
    ("івськ", ("овск",)), ("ів", ("ов",)), ("ськ", ("ск",)), ("цьк", ("цк",)),
    ("ське", ("ское",)), ("цьке", ("цкое",)), ("ська", ("ская",)), ("цька", ("цкая",)),
    ("ський", ("ский",)), ("цький", ("цкий",)),
    ("ове", ("ово", "овое")), ("еве", ("ево", "евое")), ("єве", ("ево", "евое")),
    ("ине", ("ино", "иное")), ("іне", ("ино", "еное")), ("не", ("ное",)), ("ре", ("рое",)),
    ("ке", ("кое",)), ("че", ("чье", "чее")), ("на", ("ная",)), ("ий", ("ый", "ой", "ий")),
]  # fmt: skip
_RU_WORDS = {
    "велика": "великая", "мала": "малая", "нова": "новая", "стара": "старая",
    "новий": "новый", "старий": "старый", "червоний": "красный", "червона": "красная",
    "червоне": "красное", "зелений": "зеленый", "зелена": "зеленая",
}  # fmt: skip
_RU_PREFIXES = [("олекс", "алекс"), ("микол", "никол"), ("вугле", "угле"), ("вільн", "вольн")]


def _russify_word(word: str) -> list[str]:
    low = word.lower()
    if low in _RU_WORDS:
        whole = _RU_WORDS[low]
        return [whole[:1].upper() + whole[1:] if word[:1].isupper() else whole]
    stems = [(low, "")]
    for ending, replacements in _RU_ENDINGS:
        if low.endswith(ending) and len(low) > len(ending) + 1:
            stems = [(low[: -len(ending)], r) for r in replacements]
            break
    for old, new in _RU_PREFIXES:
        stems = [(new + s[len(old) :] if s.startswith(old) else s, e) for s, e in stems]
    forms: list[str] = []
    for stem, ending in stems:
        base = stem.replace("'", "ь").replace("’", "ь").replace("є", "е").replace("ї", "и")
        for i_as in ("и", "е"):
            form = (base.replace("і", i_as) + ending).replace("ьо", "ё")
            form = re.sub(r"ь(?=[бвгджзклмнпрстфхцчшщ])", "", form)
            if form not in forms:
                forms.append(form)
    return [f[:1].upper() + f[1:] if word[:1].isupper() else f for f in forms]


def russify(name_uk: str, limit: int = 6) -> list[str]:
    """Russian-style spellings of a Ukrainian name: Харків -> Харков, Попасна -> Попасная."""
    words = re.split(r"(\s+|-)", name_uk)
    results = [""]
    for word in words:
        options = _russify_word(word) if word.strip() and word != "-" else [word]
        results = [r + o for r in results for o in options][: limit * 2]
    out: list[str] = []
    for form in results:
        if form != name_uk and form not in out:
            out.append(form)
    return out[:limit]


# Russian endings and the Ukrainian ones the Ukrainian press writes for a Russian place
# (Новоивановка -> Новоіванівка -> Novoivanivka, Глушково -> Глушкове), the inverse of the above.
_UK_ENDINGS: list[tuple[str, tuple[str, ...]]] = [
    ("овка", ("івка",)), ("евка", ("івка", "ївка")), ("овск", ("івськ",)), ("ск", ("ськ",)),
    ("цк", ("цьк",)), ("ское", ("ське",)), ("цкое", ("цьке",)), ("ская", ("ська",)),
    ("цкая", ("цька",)), ("ский", ("ський",)), ("цкий", ("цький",)), ("ово", ("ове",)),
    ("ево", ("еве",)), ("ино", ("іне",)), ("ное", ("не",)), ("рое", ("ре",)), ("кое", ("ке",)),
    ("ая", ("а",)), ("ний", ("ній",)), ("ый", ("ий",)), ("ов", ("ів",)),
]  # fmt: skip
_UK_WORDS = {
    "новая": "нова", "малая": "мала", "старая": "стара", "новый": "новий", "старый": "старий",
    "новое": "нове", "старое": "старе", "малое": "мале", "нижний": "нижній",
    "верхний": "верхній", "нижняя": "нижня", "верхняя": "верхня", "зелёный": "зелений",
    "зеленый": "зелений",
}  # fmt: skip


def _ukrainise_word(word: str) -> list[str]:
    low = word.lower()
    if low in _UK_WORDS:
        options = [_UK_WORDS[low]]
    else:
        options = [low]
        for ending, replacements in _UK_ENDINGS:
            if low.endswith(ending) and len(low) > len(ending) + 1:
                options = [low[: -len(ending)] + r for r in replacements]
                break
    forms = []
    for form in options:
        form = re.sub(r"(?<=[бвгджзклмнпрстфхцчшщ])ё", "ьо", form).replace("ё", "йо")
        form = form.replace("ы", "и").replace("э", "е").replace("ъ", "'")
        forms.append(form[:1].upper() + form[1:] if word[:1].isupper() else form)
    return forms


def ukrainise(name_ru: str, limit: int = 3) -> list[str]:
    """Ukrainian-style spellings of a Russian name: Любимовка -> Любимівка, Суджа -> Суджа."""
    results = [""]
    for word in re.split(r"(\s+|-)", name_ru):
        options = _ukrainise_word(word) if word.strip() and word != "-" else [word]
        results = [r + o for r in results for o in options][: limit * 2]
    return [f for f in dict.fromkeys(results) if f != name_ru][:limit]


# ---- folding: the comparison key ------------------------------------------------------------

_FOLD_LETTERS = str.maketrans({"č": "ch", "š": "sh", "ž": "zh", "ł": "l", "ß": "ss", "ø": "o"})
_NOISE_START = re.compile(
    r"^(?:the |city of |town of |village of |settlement of |urban settlement of |"
    r"m\.? |s\.? |smt\.? |selo |selyshche |misto |g\.? |gorod |pgt\.? |p\.? |"
    r"village |town |city |settlement |hamlet )+"
)
_NOISE_END = re.compile(r"(?: city| town| village| settlement| misto| selo)+$")
_REGION_WORDS = re.compile(
    r"\b(?:region|oblast|oblasti|oblasty|oblast's|obl|oblastu|oblasts|province|provinz|"
    r"gebiet|regione|oblys|obwod|obwodu|oblastia)\b"
)
_DISTRICT_WORDS = re.compile(
    r"\b(?:raion|raione|rayon|raioni|raionu|raiony|raiona|rayone|district|bezirk|rajon|powiat)\b"
)
_MERGES = [
    ("schtsch", "shch"), ("szcz", "shch"), ("chtch", "shch"), ("tsch", "ch"), ("tch", "ch"),
    ("sch", "sh"), ("sz", "sh"), ("cz", "ch"), ("ou", "u"), ("w", "v"), ("j", "y"), ("y", "i"),
    ("ie", "e"), ("ye", "e"),
]  # fmt: skip
_DOUBLE = re.compile(r"([a-z])\1+")
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """The comparison key: romanised, lower case, no diacritics, spelling quirks merged.

    `fold("Бахмут") == fold("Bakhmout") == fold("bakhmut")`; it is applied both to the index
    keys at build time and to every query, so only equality of folds matters.
    """
    text = unicodedata.normalize("NFC", text).lower()
    if has_cyrillic(text):
        text = romanise_uk(text).lower()
    text = text.translate(_FOLD_LETTERS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    for mark in _APOSTROPHES:
        text = text.replace(mark, "")
    text = _NON_WORD.sub(" ", text.replace("-", " "))
    text = _SPACES.sub(" ", text).strip()
    text = _NOISE_END.sub("", _NOISE_START.sub("", text))
    text = _REGION_WORDS.sub("oblast", text)
    text = _DISTRICT_WORDS.sub("raion", text)
    for old, new in _MERGES:
        text = text.replace(old, new)
    text = _DOUBLE.sub(r"\1", text)
    return text.strip()


def press_forms(name_cyr: str, ukrainian: bool = True) -> list[tuple[str, str]]:
    """Derived spellings of a Cyrillic name, each with the rule that made it.

    For a Ukrainian name: Russian-style Cyrillic and Latin, and French, German and Polish press
    forms of both the Ukrainian and the Russian-style spelling. For a Russian name: the press forms.
    """
    forms: list[tuple[str, str]] = []
    bases = [(name_cyr, "uk")]
    if ukrainian:
        for ru in russify(name_cyr):
            forms.append((ru, "russian-style"))
            forms.append((romanise_ru(ru), "russian-style"))
            bases.append((ru, "ru"))
    else:
        forms.append((romanise_ru(name_cyr), "russian"))
        for uk in ukrainise(name_cyr):  # how Ukrainian reports write a Russian village
            forms.append((uk, "ukrainian-style"))
            forms.append((romanise_uk(uk), "ukrainian-style"))
    for base, lang in bases:
        forms.append((romanise_fr(base), "french"))
        forms.append((romanise_de(base), "german"))
        if lang == "uk":
            forms.append((romanise_pl(base), "polish"))
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for form, how in forms:
        if form and form not in seen:
            seen.add(form)
            out.append((form, how))
    return out
