"""Offline gazetteer of Ukraine and the bordering Russian regions (villages included).

Resolves Ukrainian, Russian-style, former (Soviet-era) and foreign-press spellings, Cyrillic and
typos to ranked `Place` candidates. Place data: GeoNames (CC-BY 4.0) and Ukraine's KATOTTG register.
"""

from __future__ import annotations

from corroborate.geo.gazetteer import (
    ATTRIBUTION,
    Candidate,
    ContextHint,
    Gazetteer,
    GazetteerError,
    PlaceNameError,
    default_gazetteer,
    find_places_in_text,
    resolve,
)
from corroborate.geo.romanise import fold, romanise_ru, romanise_uk

__all__ = [
    "ATTRIBUTION",
    "Candidate",
    "ContextHint",
    "Gazetteer",
    "GazetteerError",
    "PlaceNameError",
    "default_gazetteer",
    "find_places_in_text",
    "fold",
    "resolve",
    "romanise_ru",
    "romanise_uk",
]
