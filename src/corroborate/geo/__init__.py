"""Offline gazetteer of Ukraine and the regions of Russia and Belarus next to it, villages too.

Resolves Ukrainian, Russian-style, former (Soviet-era) and foreign-press spellings, Cyrillic and
typos to ranked `Place` candidates. `resolve_confidently` is what records use: it takes the best
candidate only when the match is confident, and otherwise says why and gives the candidates.
Place data: GeoNames (CC-BY 4.0) and Ukraine's KATOTTG register.
"""

from __future__ import annotations

from corroborate.geo.gazetteer import (
    ATTRIBUTION,
    Candidate,
    ContextHint,
    Gazetteer,
    GazetteerError,
    PlaceNameError,
    Resolution,
    default_gazetteer,
    find_places_in_text,
    resolve,
    resolve_confidently,
)
from corroborate.geo.romanise import fold, romanise_ru, romanise_uk

__all__ = [
    "ATTRIBUTION",
    "Candidate",
    "ContextHint",
    "Gazetteer",
    "GazetteerError",
    "PlaceNameError",
    "Resolution",
    "default_gazetteer",
    "find_places_in_text",
    "fold",
    "resolve",
    "resolve_confidently",
    "romanise_ru",
    "romanise_uk",
]
