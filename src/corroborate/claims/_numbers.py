"""Finding the numbers in a sentence, written in digits or in words, with their positions."""

from __future__ import annotations

import re
from dataclasses import dataclass

from number_parser import parse_number

_UNITS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fourty|fifty|sixty|seventy|"
    "eighty|ninety|hundred|thousand|million"
)
WORD_NUMBER = re.compile(
    rf"\b(?:{_UNITS}|a hundred|a thousand)(?:(?:\s+and\s+|[\s-]+)(?:{_UNITS}))*\b", re.I
)
DIGIT_NUMBER = re.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+(?![\d])|\d+(?:\.\d+)?)"
    r"(?P<mult>\s*(?:million|thousand|mln)\b|k\b)?",
    re.I,
)
_MULTIPLIERS = {"million": 1_000_000, "mln": 1_000_000, "thousand": 1000, "k": 1000}
# "5-7 thousand", "between 1.5 and 2 thousand": the multiplier after a range's upper bound is
# the lower bound's too.
_SHARED_MULTIPLIER = re.compile(
    r"\s*(?:-|–|—|to|and)\s*\d+(?:\.\d+)?\s*(?P<mult>million|thousand|mln)\b", re.I
)
# "two dozen people" (24), "a dozen children" (12), "half a dozen" (6); "dozens" is no count.
DOZEN = re.compile(
    r"\b(?P<n>half a|a|one|two|three|four|five|six|seven|eight|nine|ten)\s+dozen\b(?!s)", re.I
)
# Words that a number may be glued to by a missing space ("the loss of1,351 soldiers").
_GLUE_WORDS = {
    "of",
    "as",
    "to",
    "than",
    "at",
    "by",
    "about",
    "over",
    "least",
    "some",
    "nearly",
    "around",
    "were",
    "killed",
    "and",
    "the",
    "all",
    "only",
}


@dataclass(frozen=True)
class NumberMention:
    """A number in a sentence: its value, where it is, and how it was written."""

    value: int
    start: int
    end: int
    text: str
    in_words: bool


def find_numbers(text: str) -> list[NumberMention]:
    """Every integer-valued number in `text`, digits or words, in order of position."""
    found: list[NumberMention] = []
    taken: list[tuple[int, int]] = []
    for m in DIGIT_NUMBER.finditer(text):
        start, end = m.start(), m.end()
        raw = m.group("num")
        before = text[:start]
        if before and before[-1].isalpha():
            word = re.search(r"[A-Za-z]+$", before)
            if not word or word.group(0) not in _GLUE_WORDS:
                continue  # an identifier such as A320 or T72
        if re.search(r"[A-Za-z]-$", before):
            continue  # Su-25, F-16
        digits = re.sub(r"[,\u202f\u00a0 ]", "", raw)
        mult_word = (m.group("mult") or "").strip().lower()
        if not mult_word and (shared := _SHARED_MULTIPLIER.match(text, end)):
            mult_word = shared.group("mult").lower()
        try:
            value_f = float(digits)
        except ValueError:
            continue
        if mult_word:
            value_f *= _MULTIPLIERS[mult_word]
        elif "." in digits:
            continue  # a decimal without a multiplier is a measurement, not a head count
        found.append(NumberMention(int(round(value_f)), start, end, text[start:end], False))
        taken.append((start, end))
    blanked = list(text)
    for s, e in taken:
        blanked[s:e] = " " * (e - s)
    for m in DOZEN.finditer("".join(blanked)):
        n = m.group("n").lower()
        value = 6 if n == "half a" else 12 * (1 if n == "a" else int(parse_number(n) or 1))
        found.append(NumberMention(value, m.start(), m.end(), m.group(0), True))
        blanked[m.start() : m.end()] = " " * (m.end() - m.start())
    for m in WORD_NUMBER.finditer("".join(blanked)):
        start, end = m.start(), m.end()
        phrase = m.group(0)
        value = parse_number(phrase.replace("fourty", "forty"))
        if value is None:
            continue
        found.append(NumberMention(int(value), start, end, phrase, True))
    return sorted(found, key=lambda n: n.start)
