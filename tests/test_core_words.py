"""The field's words in corroborate.core (kinds, statuses, grades, claim events, problems) are
Literal types with one tuple of values each: mypy catches a misspelt one, the values stored in
archives and printed as JSON stay exactly as they were, and a value outside its vocabulary read
back from an archive is reported, never passed on."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

from corroborate import core
from corroborate.claims import _lexicon as lx
from corroborate.errors import IntegrityError, InternalError
from corroborate.incidents import create_incident, get_incident
from corroborate.storage.archive import Archive
from incident_fixtures import execution

ROOT = Path(__file__).resolve().parent.parent

# The values as archives store them: changing one would orphan every archive written before.
STORED = {
    "KINDS": ("video", "image", "audio", "document", "webpage", "other"),
    "INCIDENT_STATUSES": ("discounted", "disputed", "unverified", "under-review", "verified"),
    "EVIDENCE_ROLES": ("primary", "corroborating", "satellite", "witness-statement", "report"),
    "SOURCE_KINDS": (
        "official-body",
        "monitoring-mission",
        "media",
        "social-media",
        "witness",
        "other",
    ),
    "REVIEW_DECISIONS": ("approve", "reject"),
    "RELIABILITY_GRADES": ("A", "B", "C", "D", "E", "F"),
    "CREDIBILITY_GRADES": (1, 2, 3, 4, 5, 6),
    "VICTIM_CATEGORIES": ("hors-de-combat", "civilian", "combatant", "unknown"),
    "PLACE_PRECISIONS": ("exact", "settlement", "district", "region", "country"),
    "DATE_PRECISIONS": ("day", "month", "approximate"),
    "CLAIM_QUALIFIERS": ("exact", "at_least", "at_most", "approx", "range"),
    "CLAIM_EVENTS": (
        "killed",
        "executed",
        "died",
        "injured",
        "captured",
        "missing",
        "surrendered",
        "incidents",
        "casualties",
    ),
    "CLAIM_VICTIM_CATEGORIES": ("pow", "civilian", "combatant", "unknown"),
}
LITERAL_OF = {
    "KINDS": core.ItemKind,
    "INCIDENT_STATUSES": core.IncidentStatus,
    "EVIDENCE_ROLES": core.EvidenceRole,
    "SOURCE_KINDS": core.SourceKind,
    "REVIEW_DECISIONS": core.ReviewDecision,
    "RELIABILITY_GRADES": core.Reliability,
    "CREDIBILITY_GRADES": core.Credibility,
    "VICTIM_CATEGORIES": core.VictimCategory,
    "DATE_PRECISIONS": core.DatePrecision,
    "CLAIM_QUALIFIERS": core.ClaimQualifier,
    "CLAIM_EVENTS": core.ClaimEvent,
    "CLAIM_VICTIM_CATEGORIES": core.ClaimVictimCategory,
}


@pytest.mark.parametrize("name", sorted(STORED))
def test_each_vocabulary_keeps_its_stored_values_in_order(name: str) -> None:
    assert getattr(core, name) == STORED[name]
    if name in LITERAL_OF:
        assert get_args(LITERAL_OF[name]) == STORED[name]


def test_the_grade_tables_cover_exactly_the_grades() -> None:
    assert tuple(core.RELIABILITY) == core.RELIABILITY_GRADES
    assert tuple(core.CREDIBILITY) == core.CREDIBILITY_GRADES


def test_a_record_precision_is_a_place_precision() -> None:
    assert set(core.PLACE_PRECISIONS) < set(get_args(core.PlacePrecision))


def test_the_claims_lexicon_names_only_claim_words() -> None:
    events = {event for _, event, *_ in lx.EVENT_TERMS}
    assert events - set(core.CLAIM_EVENTS) <= {"perpetrator"}  # the reader's own marker
    assert set(lx.CATEGORY_MODIFIERS.values()) <= set(core.CLAIM_VICTIM_CATEGORIES)
    assert lx.POW_EVENTS <= set(core.CLAIM_EVENTS)


def test_word_in_keeps_types_apart() -> None:
    assert core.word_in(3, core.CREDIBILITY_GRADES) == 3
    assert core.word_in("3", core.CREDIBILITY_GRADES) is None
    assert core.word_in(True, core.CREDIBILITY_GRADES) is None  # True == 1, but is no grade
    assert core.word_in("verified", core.INCIDENT_STATUSES) == "verified"
    assert core.word_in("Verified", core.INCIDENT_STATUSES) is None


def test_a_word_the_code_makes_up_is_an_internal_error() -> None:
    with pytest.raises(InternalError, match="claim event: 'slain'"):
        core.known_word("slain", core.CLAIM_EVENTS, "claim event")


def test_a_status_altered_in_the_database_is_reported_not_passed_on(archive: Archive, cli) -> None:
    made = create_incident(archive, execution(), actor="alice")
    with sqlite3.connect(archive.dir / "archive.db") as db:
        db.execute("UPDATE incidents SET status = 'verifed'")
    with pytest.raises(IntegrityError, match=rf"{made.id}: status: 'verifed' is not one of"):
        get_incident(archive, made.id)
    result = cli("incident", "show", made.id)
    assert result.exit_code == 1
    assert "verifed" in result.output and "Traceback" not in result.output


def test_mypy_catches_a_misspelt_status(tmp_path: Path) -> None:
    snippet = tmp_path / "typo.py"
    snippet.write_text(
        "from corroborate.core import Incident\n\n\n"
        "def done(incident: Incident) -> bool:\n"
        '    return incident.status == "verifed"\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--config-file=",
         "--follow-imports=silent", str(snippet)],
        env={"MYPYPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Non-overlapping equality check" in done.stdout
    assert "verifed" in done.stdout
