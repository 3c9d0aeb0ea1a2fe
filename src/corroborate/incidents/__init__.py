"""Incidents: records, evidence links, graded sources, four-eyes review and honest tallies.

Every write takes an Archive and an actor, checks its input, and appends a custody entry in the
same transaction; the CLI and the web application call these same functions.
"""

from corroborate.incidents.duplicates import DuplicateGroup, mark_distinct, possible_duplicates
from corroborate.incidents.fields import FieldError, IncidentInput
from corroborate.incidents.importer import ImportReport, import_incidents
from corroborate.incidents.records import (
    create_incident,
    edit_incident,
    get_incident,
    history,
    link_evidence,
    list_incidents,
    merge_incidents,
    set_status,
)
from corroborate.incidents.review import review_incident, verification_gaps
from corroborate.incidents.sources import (
    add_source,
    cite_source,
    get_source,
    grade_source,
    list_sources,
)
from corroborate.incidents.tally import DIMENSIONS, LeftOut, Tally, TallyRow, tally
from corroborate.incidents.taxonomy import IncidentType, load_taxonomy

__all__ = [
    "DIMENSIONS",
    "DuplicateGroup",
    "FieldError",
    "ImportReport",
    "IncidentInput",
    "IncidentType",
    "LeftOut",
    "Tally",
    "TallyRow",
    "add_source",
    "cite_source",
    "create_incident",
    "edit_incident",
    "get_incident",
    "get_source",
    "grade_source",
    "history",
    "import_incidents",
    "link_evidence",
    "list_incidents",
    "list_sources",
    "load_taxonomy",
    "mark_distinct",
    "merge_incidents",
    "possible_duplicates",
    "review_incident",
    "set_status",
    "tally",
    "verification_gaps",
]
