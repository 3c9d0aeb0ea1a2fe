"""The shape of a Ukrainian or Russian claims lexicon, and the morphology behind it.

Words are looked up by their dictionary form (lemma), so one entry covers every case form a
report may use ("загинули", "загиблих", "загибель" ...). pymorphy3 with its Ukrainian and Russian
dictionaries (OpenCorpora and the VESUM-based dictionary, shipped in wheels) gives the lemmas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from corroborate.core import ClaimEvent, ClaimQualifier, ClaimVictimCategory

Role = Literal["verb", "noun", "head"]  # a head is a participle used as a noun ("загиблих")


@dataclass(frozen=True)
class EventWord:
    """A word naming a harm event; `needs_person` words ("знищили") harm people only in that use."""

    event: ClaimEvent
    role: Role
    needs_person: bool = False


@dataclass(frozen=True)
class Lexicon:
    """Everything the Slavic reader needs to know about one language, by lemma."""

    lang: Literal["uk", "ru"]
    numerals: dict[str, int]
    multipliers: dict[str, int]  # lemmas and abbreviations: тисяча, тис, мільйон, млн
    qualifiers_before: tuple[tuple[re.Pattern[str], ClaimQualifier], ...]  # end of text before
    range_opener: str  # "від" / "от"
    range_joiner: str  # "до"
    partitive: frozenset[str]  # "з", "із" / "из": "47 з 52"
    events: dict[str, EventWord]
    capture_verbs: frozenset[str]  # with "в полон" / "в плен": captured
    captivity: frozenset[str]  # полон / плен
    surrender_verbs: frozenset[str]
    missing_words: frozenset[str]  # with "безвісти" / "без вести": missing
    missing_marker: re.Pattern[str]
    linking_verbs: frozenset[str]  # "втрати склали 1 020 осіб": the event is before the verb
    persons: dict[str, ClaimVictimCategory]
    civilian_modifiers: frozenset[str]
    pow_context: frozenset[str]
    pow_phrases: re.Pattern[str]  # "склали зброю": hors de combat
    claimant_tail: re.Pattern[str]  # " в ефірі телемарафону": where it was said, not who
    forces_context: frozenset[str]  # "втрати ворога": an unnamed count of losses is combatants
    inclusion: re.Pattern[str]  # "серед них" before a count
    relative_pronouns: frozenset[str]  # "які", "которые": a clause about the counted people
    personnel_labels: re.Pattern[str]  # "особового складу —": a bulletin's personnel losses
    perpetrator_cues: frozenset[str]  # "причетних": the counted people did the harm
    continuation: frozenset[str]  # "ще": a count that continues the one before
    conjunctions: frozenset[str]
    skip_before: frozenset[str]  # auxiliaries and particles between an event word and the count
    attribution_verbs: frozenset[str]
    counting_verbs: frozenset[str]  # a body that investigates or records counts as the claimant
    source_phrase: re.Pattern[str]  # "за даними X", "по словам X"
    about_this: re.Pattern[str]  # "Про це", "Об этом": a sentence naming the source of the last
    pronoun_source: re.Pattern[str]  # "за його словами", "по их данным"
    claimant_lead: re.Pattern[str]  # words to drop before a claimant ("у", "журналістам")
    not_claimants: frozenset[str]  # subjects that are not sources ("росіяни", "окупанти")
    date_words: frozenset[str]  # months and "рік"/"год": a number before one is a date
    relative_periods: tuple[tuple[re.Pattern[str], str], ...]  # pattern, kind
    since_invasion: re.Pattern[str]
    weekdays: dict[str, int]  # lemma -> Monday 0


_GRAMMEMES = frozenset({"inan", "anim", "Name", "Surn", "Patr", "Abbr", "Orgn", "Geox", "pssv"})


@lru_cache(maxsize=2)
def analyzer(lang: str) -> Any:
    """The pymorphy3 analyser for `lang` ("uk" or "ru"), loaded once (about 0.2 s each)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


@lru_cache(maxsize=65536)
def lemmas(lang: str, word: str) -> tuple[frozenset[str], frozenset[str]]:
    """(every lemma, every part of speech) the dictionary gives `word`, ё written as е."""
    forms: set[str] = set()
    tags: set[str] = set()
    for p in analyzer(lang).parse(word):
        forms.add(str(p.normal_form).replace("ё", "е"))
        if p.tag.POS:
            tags.add(str(p.tag.POS))
        # a set, not `in p.tag`: the two dictionaries know different grammemes, and asking
        # one about a grammeme it lacks raises
        tags.update({str(g) for g in p.tag.grammemes} & _GRAMMEMES)
    forms.add(word.replace("ё", "е"))
    return frozenset(forms), frozenset(tags)
