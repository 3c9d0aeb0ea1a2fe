"""Which language a report is written in: English, Ukrainian, Russian, or one the reader lacks.

The claims reader has rules for three languages. Text in any other is given no claims and a
note saying why, rather than being read with the wrong rules (a Bulgarian or Belarusian report
read as Russian would put made-up figures in a claimant's mouth). Script, the letters that only
one of Ukrainian and Russian uses (і ї є ґ against ы э ъ ё), and common function words decide;
no model is needed for this much.
"""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["en", "uk", "ru"]
READ_LANGUAGES: tuple[Language, ...] = ("en", "uk", "ru")

_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
_UK_LETTERS = set("іїєґ")
_RU_LETTERS = set("ыэъё")
# Letters of other Cyrillic alphabets: Belarusian ў, Serbian and Macedonian ђ ј љ њ ћ џ ѓ ќ ѕ,
# Kazakh, Kyrgyz, Tatar, Bashkir, Mongolian ә ғ қ ң ө ұ ү һ.
_OTHER_CYRILLIC = set("ўђјљњћџѓќѕәғқңөұүһ")
_UK_WORDS = frozenset(
    "що та як від для це його які який яка із з у і й ще під через було після були також щодо "
    "внаслідок повідомив повідомила повідомили заявив заявила даними словами цього вже їх".split()
)
_RU_WORDS = frozenset(
    "что как от для это его которые который которая из и еще ещё под после было были также "
    "результате сообщил сообщила сообщили заявил заявила данным словам этого уже их".split()
)
_EN_WORDS = frozenset(
    "the of and to in was were is are said that by for with from at on has have had "
    "killed according people".split()
)
# Function words of the Latin-script languages a report in the field is most often in besides
# English; enough of them, and more than English ones, mark a text the reader cannot read.
_OTHER_LATIN_WORDS = frozenset(
    "der die das und ist nicht mit von den dem bei wurden wurde nach auf sich ein eine im zu "
    "le la les et est des une dans pour que qui ont été selon par du au sur "
    "el los las del por con una para fueron según al se "
    "il di che della nel sono stati "
    "w z się nie na jest oraz że do według przez zostało "
    "och att är det ve bir bu için ile".split()
)


def detect_language(text: str) -> Language | None:
    """The language of `text` among those the reader reads, or None (another language, or none).

    Latin-script text is English unless another language's function words clearly outnumber
    English ones, so a bare English bulletin line ("Killed: 4") still reads as English.
    """
    words = [w.lower() for w in _WORD.findall(text[:200_000])]  # the opening tells
    if not words:
        return None
    cyrillic = sum(1 for w in words if _is_cyrillic(w))
    latin = len(words) - cyrillic
    if cyrillic > latin:
        return _cyrillic_language(words)
    english = sum(1 for w in words if w in _EN_WORDS)
    other = sum(1 for w in words if w in _OTHER_LATIN_WORDS)
    if other >= 2 and other > 2 * english:
        return None
    if not any(w.isascii() for w in words):
        return None  # Greek, Arabic, Hebrew, Georgian, CJK ... letters only
    return "en"


def language_note(text: str) -> str | None:
    """Why the reader finds no claims in `text` by its language, or None when it reads it."""
    if not text.strip():
        return "empty text: no claims to read"
    if detect_language(text) is not None:
        return None
    if not _WORD.search(text):
        return "no words in the text: no claims to read"
    return (
        "the text is not in English, Ukrainian or Russian, the languages the claims reader "
        "reads: no claims read"
    )


def _is_cyrillic(word: str) -> bool:
    return "\u0400" <= word[0] <= "\u04ff"


def _cyrillic_language(words: list[str]) -> Language | None:
    letters = "".join(w for w in words if _is_cyrillic(w))
    if any(ch in _OTHER_CYRILLIC for ch in letters):
        return None
    # No Ukrainian or Russian word has letters of both (Belarusian "выніку", "дзяржаўны" do).
    hybrid = sum(1 for w in words if set(w) & _UK_LETTERS and set(w) & _RU_LETTERS)
    if hybrid >= (1 if len(words) < 50 else 2):
        return None
    uk = sum(1 for ch in letters if ch in _UK_LETTERS)
    ru = sum(1 for ch in letters if ch in _RU_LETTERS)
    hard = letters.count("ъ")
    if hard and ru == hard and not uk:
        # Bulgarian writes ъ as a vowel in many words and has no ы, э or ё; Russian has ъ
        # only rarely, beside many ы.
        if hard >= 2 or not any(w in _RU_WORDS for w in words):
            return None
    uk += 2 * sum(1 for w in words if w in _UK_WORDS)
    ru += 2 * sum(1 for w in words if w in _RU_WORDS)
    if uk != ru:
        return "uk" if uk > ru else "ru"
    # A short line with none of those ("Погибли 12 человек."): the words each dictionary knows.
    from corroborate.claims._slavic_lexicon import analyzer

    cyrillic = [w for w in words if _is_cyrillic(w)][:2000]  # a sample is enough, and fast
    known = {
        lang: sum(1 for w in cyrillic if analyzer(lang).word_is_known(w)) for lang in ("uk", "ru")
    }
    best = max(known, key=lambda k: known[k])
    other = "ru" if best == "uk" else "uk"
    if 2 * known[best] < len(cyrillic):
        return None
    if known[best] == known[other]:
        # Every word in both dictionaries ("Поранено 1,5 тис. людей."): the language whose
        # harm words they are, if only one's; else the text cannot be told apart.
        harm = {lang: _harm_words(cyrillic, lang) for lang in ("uk", "ru")}
        if harm["uk"] == harm["ru"]:
            return None
        best = "uk" if harm["uk"] > harm["ru"] else "ru"
    return "uk" if best == "uk" else "ru"


def _harm_words(words: list[str], lang: str) -> int:
    from corroborate.claims._slavic import lexicon
    from corroborate.claims._slavic_lexicon import lemmas

    lx = lexicon(lang)
    vocabulary = lx.events.keys() | lx.persons.keys() | lx.multipliers.keys()
    return sum(1 for w in words if lemmas(lang, w.replace("’", "'"))[0] & vocabulary)
