"""Where a claim happened: the words, and a gazetteer entry when the gazetteer can resolve them."""

from __future__ import annotations

import re

from corroborate.claims._lexicon import MONTHS, WEEKDAYS
from corroborate.core import Place
from corroborate.geo import PlaceNameError, resolve_confidently

_NAME = r"[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+){0,2}"
_PLACE = re.compile(
    rf"\b(?P<prep>in|near|outside|around|at|on|of|from)\s+(?:the\s+)?"
    rf"(?P<kind>(?:village|town|city|settlement|frontline town|frontline city|region|oblast|district)\s+of\s+)?"  # noqa: E501 - one regex alternative per line reads best
    rf"(?P<name>{_NAME}(?:\s+(?:region|oblast|Oblast|Region|district|District|raion))?)"
)
_NOT_PLACES = re.compile(
    rf"^(?:{MONTHS}|{WEEKDAYS}|the|russian|ukrainian|ukrainians|russians|nato|un|telegram|"
    r"reuters|tass|march|may|kremlin|ministry|office|prosecutor|general|human|defence|defense|"
    r"war|national|state|security|president|his|her|their|its|our|mission|court|hrmmu|ohchr|"
    r"armed|moscow time|kyiv time|article|part|resolution|unscr|facebook|x|instagram|youtube|"
    r"red cross|criminal|general staff|security council|interfax|ukrinform|bbc|cnn|ap|afp)\b",
    re.I,
)
# A name with one of these words is a body, a unit or a publication, not a place.
_BODY_WORDS = re.compile(
    r"\b(?:Ministry|Office|Service|Council|Committee|Code|Forces|Staff|Mission|Brigade|Battalion|"
    r"Regiment|Group|Army|Agency|Police|Court|Commission|Administration|Times|Post|News|Press|"
    r"Guard|Institute|University|Centre|Center|Foundation|Watch|International|Headquarters|"
    r"Directorate|Bureau|Department|Parliament|Rada|Kremlin|Channel)\b"
)


def find_place(text: str, exclude: str | None = None) -> str | None:
    """The first place named after "in", "near" or "village of", else after "of", "from", "on".

    Never a name inside the claimant's own words, an owner ("Ukraine's") or a body ("Ministry").
    """
    weak: str | None = None
    for m in _PLACE.finditer(text):
        name = m.group("name")
        if _NOT_PLACES.match(name) or re.search(r"['’]s?$", name) or _BODY_WORDS.search(name):
            continue  # "Ukraine's presidential administration" names an owner, not a place
        if re.match(r"['’]s\b", text[m.end("name") :]):
            continue
        if exclude and name in exclude:
            continue
        if m.group("kind") or m.group("prep") in {"in", "near", "outside", "around", "at"}:
            return name
        weak = weak or name
    return weak


def resolve_place(name: str | None, context: str | None = None) -> Place | None:
    """The gazetteer's place for `name` when it is confident, else None (the words stay).

    A missing or unreadable gazetteer raises GazetteerError: claims read without places would
    look complete when they are not.
    """
    if not name:
        return None
    try:
        return resolve_confidently(name, context=context).place
    except PlaceNameError:  # words the gazetteer cannot look up as one name (e.g. far too long)
        return None
