"""Generated incidents spread over Ukraine, for the map's tests and benchmarks (100,000 of them
take seconds, not the hours the one-by-one `create_incident` would: one write per batch).

They are records like any other (their rows are state-recorded, so `verify` holds) and are
logged as one `sample.incidents` entry per batch, saying they were generated, never as reports.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from corroborate.core import INCIDENT_STATUSES, VICTIM_CATEGORIES
from corroborate.custody import append
from corroborate.incidents.fields import IncidentFields
from corroborate.incidents.records import new_row
from corroborate.incidents.taxonomy import load_taxonomy
from corroborate.storage.archive import Archive

# Ukraine and the neighbouring regions the map shows (degrees).
SOUTH, NORTH, WEST, EAST = 44.3, 52.4, 22.1, 40.3
START = date(2022, 2, 24)
DAYS = 3 * 365
REGIONS = ("Donetsk", "Kharkiv", "Zaporizhzhia", "Kherson", "Luhansk", "Sumy", "Kursk")
PARTIES = ("Russia", "Ukraine")


def generated_fields(rng: random.Random, types: list[str], n: int) -> IncidentFields:
    """One plausible record: most dated to the day and located, some not."""
    began = START + timedelta(days=rng.randrange(DAYS))
    precision = rng.choices(("day", "month", "approximate"), (80, 15, 5))[0]
    if precision == "month":
        began = began.replace(day=1)
        ended = (began + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    elif precision == "approximate":
        ended = began + timedelta(days=rng.randrange(2, 20))
    else:
        ended = began
    located = rng.random() < 0.9
    killed = rng.choice((None, rng.randrange(0, 12)))
    injured = rng.choice((None, rng.randrange(0, 30)))
    perpetrator, victim = rng.sample(PARTIES, 2)
    return IncidentFields(
        title=f"Generated incident {n}",
        type=rng.choice(types),
        occurred_from=began,
        occurred_to=ended,
        date_precision=precision,
        latitude=round(rng.uniform(SOUTH, NORTH), 5) if located else None,
        longitude=round(rng.uniform(WEST, EAST), 5) if located else None,
        place_precision="exact" if located else None,
        region=rng.choice(REGIONS),
        country="UA",
        perpetrator_party=perpetrator,
        victim_party=victim,
        killed_low=killed,
        killed_high=killed,
        injured_low=injured,
        injured_high=injured,
        victim_category=rng.choice(VICTIM_CATEGORIES),
        sensitive=rng.random() < 0.1,
    )


def generate_incidents(
    archive: Archive, count: int, *, seed: int = 1, actor: str = "sample", batch: int = 2000
) -> None:
    """Add `count` generated incidents to the archive, each with a random status."""
    rng = random.Random(seed)
    types = sorted(load_taxonomy(archive.dir))
    made = 0
    while made < count:
        with archive.write() as session:
            size = min(batch, count - made)
            for k in range(size):
                row = new_row(session, generated_fields(rng, types, made + k + 1), actor=actor)
                row.status = rng.choice(INCIDENT_STATUSES)
            append(
                session,
                actor=actor,
                action="sample.incidents",
                details={"generated": size, "seed": seed, "note": "generated, not reported"},
            )
        made += size
