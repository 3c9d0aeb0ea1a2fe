"""Demo incidents built from sample material, through the same library calls a monitor makes,
so that the bundled demo prints a tally with something honest to say: some incidents verified
by a second reviewer, one left unverified, one possible duplicate of another."""

from __future__ import annotations

from corroborate.errors import InputError
from corroborate.incidents.fields import IncidentInput
from corroborate.incidents.records import create_incident, link_evidence
from corroborate.incidents.review import review_incident
from corroborate.incidents.sources import add_source, cite_source, list_sources
from corroborate.storage.archive import Archive

# Places and figures are illustrative: sample footage shows photographs, not real events.
_INCIDENTS = (
    dict(
        title="Three captured soldiers shot after surrendering near a treeline",
        type="execution-hors-de-combat",
        date="2024-10-10",
        place="Robotyne",
        latitude=47.4453,
        longitude=35.8408,
        place_precision="settlement",
        region="Zaporizhzhia Oblast",
        geolocation_note="Treeline and field boundaries matched to satellite imagery",
        perpetrator="Party A armed forces",
        victim_party="Party B armed forces",
        killed="3",
        victim_category="hors-de-combat",
        tags="demo,drone-footage",
        sensitive=True,  # a killing: the workspace blurs its footage until someone reveals it
    ),
    dict(
        title="Market hit during the morning",
        type="attack-on-civilians",
        date="2024-11-02",
        place="Kupiansk",
        latitude=49.7107,
        longitude=37.6156,
        place_precision="settlement",
        region="Kharkiv Oblast",
        geolocation_note="Shop fronts matched to street-level imagery",
        perpetrator="Party A armed forces",
        victim_party="civilians",
        killed="2-4",
        injured="5-7",
        victim_category="civilian",
        tags="demo",
    ),
    dict(
        title="Soldier signals surrender to a drone",
        type="surrender-to-drone",
        date="2024-11",
        place="Pokrovsk district",
        place_precision="district",
        region="Donetsk Oblast",
        geolocation_note="Approximate: the channel's caption only",
        perpetrator="Party B armed forces",
        victim_party="Party A armed forces",
        killed="0",
        victim_category="hors-de-combat",
        tags="demo",
    ),
    dict(
        title="Execution of captured soldiers (repost with another caption)",
        type="execution-hors-de-combat",
        date="2024-10-11",
        place="Robotyne",
        latitude=47.4453,
        longitude=35.8408,
        place_precision="settlement",
        region="Zaporizhzhia Oblast",
        geolocation_note="Same treeline as the first report",
        perpetrator="Party A armed forces",
        victim_party="Party B armed forces",
        killed="3-4",
        victim_category="hors-de-combat",
        tags="demo,repost",
        sensitive=True,
    ),
)


def build_demo_incidents(archive: Archive, items: list[str], actor_a: str, actor_b: str) -> None:
    """Record four incidents over `items` (archived item ids): the first two verified by
    `actor_b` after `actor_a` wrote them, the third left unverified, the fourth a possible
    duplicate of the first (it links the same footage) and verified, for the tally to flag."""
    if not items:
        raise InputError("the demo needs at least one archived item")
    existing = {s.name for s in list_sources(archive)}
    if "UN HRMMU" not in existing:
        add_source(
            archive,
            "UN HRMMU",
            kind="monitoring-mission",
            reliability="B",
            actor=actor_a,
            note="UN Human Rights Monitoring Mission in Ukraine",
        )
    if "Example Telegram channel" not in existing:
        add_source(
            archive,
            "Example Telegram channel",
            kind="social-media",
            reliability="F",
            actor=actor_a,
        )
    created = []
    for n, spec in enumerate(_INCIDENTS):
        inc = create_incident(archive, IncidentInput(**spec), actor=actor_a)  # type: ignore[arg-type]
        created.append(inc.id)
        primary = items[0] if n in (0, 3) else items[n % len(items)]
        link_evidence(archive, inc.id, primary, role="primary", actor=actor_a)
        if n == 0 and len(items) > 3:
            # a piece of footage no other incident uses; sharing one would flag a duplicate
            link_evidence(archive, inc.id, items[3], role="corroborating", actor=actor_a)
        cite_source(
            archive,
            inc.id,
            "Example Telegram channel",
            credibility=3,
            item=primary,
            actor=actor_a,
            note="first posted the footage",
        )
        if n in (0, 1, 3):
            cite_source(
                archive,
                inc.id,
                "UN HRMMU",
                credibility=2,
                actor=actor_a,
                note="listed in the mission's periodic report",
            )
            review_incident(archive, inc.id, decision="approve", actor=actor_b)
