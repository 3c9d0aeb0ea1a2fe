"""Splitting report text into sentences with their character offsets, without a language model."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "gen",
    "lt",
    "col",
    "maj",
    "capt",
    "sgt",
    "st",
    "no",
    "vs",
    "u.s",
    "u.n",
    "u.k",
    "e.g",
    "i.e",
    "approx",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "est",
    "govt",
    "dept",
    "a.m",
    "p.m",
    "c",
    "ca",
}
# A full stop, question or exclamation mark (with closing quotes) followed by space and a
# capital, a quote, a digit or a dash before a signature (". — Name, head of X"); or a glued
# "verge.The" typo; or a line break.
_BOUNDARY = re.compile(
    r"(?<=[.!?])['\"’”)]*(?:\s+(?=[\"'“‘(A-Z0-9]|[—–]\s*[A-Z])|(?=[A-Z][a-z]))|\n\s*\n|\n(?=\S)"
)


@dataclass(frozen=True)
class Sentence:
    """A sentence, where it starts in the document, and whether a new paragraph opens with it."""

    text: str
    start: int
    paragraph: int


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text` in order; each keeps its offset so claims can point into the source."""
    sentences: list[Sentence] = []
    paragraph = 0
    pos = 0
    for m in _BOUNDARY.finditer(text):
        cut = m.start()
        chunk = text[pos:cut]
        word = re.search(r"([\w.]+)[.!?]['\"’”)]*$", chunk)
        if word and "\n" not in m.group(0) and word.group(1).lower().rstrip(".") in _ABBREVIATIONS:
            continue
        if word and re.fullmatch(r"[A-Z]", word.group(1)) and "\n" not in m.group(0):
            continue  # an initial: "Andriy V. Kostin"
        _append(sentences, text, pos, cut, paragraph)
        if "\n\n" in m.group(0) or re.search(r"\n\s*\n", m.group(0)):
            paragraph += 1
        pos = m.end()
    _append(sentences, text, pos, len(text), paragraph)
    return sentences


def _append(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    out.append(Sentence(stripped, start + lead, paragraph))
