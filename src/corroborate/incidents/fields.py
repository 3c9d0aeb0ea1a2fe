"""Reading and checking what a person gives for an incident, one field at a time.

The same rules serve the CLI, the CSV importer and the web forms; every error names its field
so a spreadsheet import can say which column of which row is wrong.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from dataclasses import field as dc_field
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict

from corroborate.core import DATE_PRECISIONS, PLACE_PRECISIONS, VICTIM_CATEGORIES, Notice
from corroborate.errors import InputError
from corroborate.geo import default_gazetteer, resolve_confidently
from corroborate.incidents.taxonomy import IncidentType

if TYPE_CHECKING:
    from corroborate.geo import Resolution


class FieldError(InputError):
    """Bad value for one named field of an incident."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class IncidentInput:
    """What a person gives to create or edit an incident; None means "not given, keep"."""

    title: str | None = None
    type: str | None = None
    date: str | None = None  # 2024-10-10, 2024-10, 2024, or 2024-10-10..2024-10-12
    # `datetime.date`: inside this class `date` is the field above, not the type.
    date_from: str | datetime.date | None = None
    date_to: str | datetime.date | None = None
    date_precision: str | None = None
    place: str | None = None
    latitude: float | str | None = None
    longitude: float | str | None = None
    place_precision: str | None = None
    region: str | None = None
    geolocation_note: str | None = None
    perpetrator: str | None = None
    victim_party: str | None = None
    killed: str | int | None = None  # "3", "3-4", "unknown"
    injured: str | int | None = None
    victim_category: str | None = None
    description: str | None = None
    tags: str | list[str] | tuple[str, ...] | None = None
    sensitive: bool | str | None = None

    def given(self) -> list[str]:
        """Names of the fields that were given."""
        return [f.name for f in fields(self) if getattr(self, f.name) is not None]


@dataclass
class IncidentFields:
    """An incident's own fields as checked and stored: one attribute per column of the record.

    `normalize` takes and returns this, so a misspelt field is a type error rather than a stray
    key; `to_json` is its form in a custody entry. The defaults are a new record's.
    """

    title: str = ""
    type: str = ""
    occurred_from: date | None = None
    occurred_to: date | None = None
    date_precision: str = "day"
    place_name: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    place_precision: str | None = None
    region: str | None = None
    district: str | None = None
    country: str | None = None
    geolocation_note: str | None = None
    perpetrator_party: str | None = None
    victim_party: str | None = None
    killed_low: int | None = None
    killed_high: int | None = None
    injured_low: int | None = None
    injured_high: int | None = None
    victim_category: str = "unknown"
    description: str = ""
    tags: list[str] = dc_field(default_factory=list)
    sensitive: bool = False

    @classmethod
    def of(cls, source: object) -> IncidentFields:
        """The fields of anything that has them as attributes (an incident row)."""
        return cls(**{name: getattr(source, name) for name in FIELD_NAMES})

    def columns(self) -> dict[str, Any]:
        """Field name -> value, in field order, as a row is built or updated from them."""
        return {name: getattr(self, name) for name in FIELD_NAMES}

    def to_json(self) -> dict[str, Any]:
        """The fields as they go into a custody entry (days as ISO text)."""
        return {name: jsonable(value) for name, value in self.columns().items()}


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(IncidentFields))
# Fields whose change re-opens the question a reviewer approved.
SUBSTANTIVE = tuple(k for k in FIELD_NAMES if k not in ("description", "tags", "sensitive"))


class PlaceCandidateNote(TypedDict):
    """One of the gazetteer's best guesses for a place it could not resolve."""

    id: str | None
    name: str
    score: float | None


class PlaceUnresolvedNote(TypedDict):
    """A place kept as written, without coordinates, and what to tell the person."""

    name: str | None
    reason: str
    candidates: list[PlaceCandidateNote]
    notice: str


class PlaceResolvedNote(TypedDict):
    """Where the gazetteer placed a named place, and how sure it was."""

    by: str
    id: str | None
    name: str
    score: float | None
    how: str


class IncidentNotes(TypedDict, total=False):
    """What `normalize` learnt beside the fields; logged in the custody entry as it is."""

    place_unresolved: PlaceUnresolvedNote
    place_resolved: PlaceResolvedNote


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_REGION_WORD = re.compile(
    r"\b(oblast|region|krai|kray|republic|область|обл\.?|край|республика)\b", re.IGNORECASE
)


def parse_day(value: str | date, field: str) -> date:
    """A calendar day, ISO form."""
    if isinstance(value, date):
        return value
    text = value.strip()
    if not _DAY.match(text):
        raise FieldError(field, f"{field} {value!r} is not a date (write YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FieldError(field, f"{field} {value!r} is not a real calendar day") from None


def parse_when(value: str, field: str = "date") -> tuple[date, date, str]:
    """(from, to, precision) of a day, a month, a year, or a range `FROM..TO`."""
    text = value.strip().lstrip("~")
    approximate = value.strip().startswith("~")
    if ".." in text:
        start, end = (part.strip() for part in text.split("..", 1))
        first, _, p1 = parse_when(start, field)
        _, last, p2 = parse_when(end, field)
        precision = "approximate" if approximate else ("day" if p1 == p2 == "day" else "month")
        return first, last, precision
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise FieldError(field, f"{field} {value!r}: there is no month {month}")
        days_in_month = calendar.monthrange(year, month)[1]
        return (
            date(year, month, 1),
            date(year, month, days_in_month),
            ("approximate" if approximate else "month"),
        )
    if m := _YEAR.match(text):
        year = int(m[1])
        return date(year, 1, 1), date(year, 12, 31), "approximate"
    day = parse_day(text, field)
    return day, day, "approximate" if approximate else "day"


def parse_figure(value: str | int, field: str) -> tuple[int | None, int | None]:
    """A victim figure as (low, high): `3`, `3-4`, or `unknown` / empty for not known."""
    if isinstance(value, bool):
        raise FieldError(field, f"{field} {value!r} is not a number")
    if isinstance(value, int):
        low = high = value
    else:
        text = value.strip().lower().replace("–", "-")
        if text in ("", "unknown", "?", "n/a"):
            return None, None
        m = re.fullmatch(r"(\d+)\s*(?:-\s*(\d+))?", text)
        if not m:
            raise FieldError(
                field, f"{field} {value!r} is not a figure (write 3, or low-high such as 3-4)"
            )
        low = int(m[1])
        high = int(m[2]) if m[2] is not None else low
    if low < 0 or high < 0:
        raise FieldError(field, f"{field} {value!r}: a figure cannot be negative")
    if low > high:
        raise FieldError(
            field, f"{field} {value!r}: the low figure {low} is more than the high {high}"
        )
    return low, high


def parse_coordinate(value: float | str, field: str, limit: float) -> float:
    """A latitude or longitude in decimal degrees, inside its range."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FieldError(field, f"{field} {value!r} is not a number of degrees") from None
    if not -limit <= number <= limit:
        raise FieldError(
            field, f"{field} {number} is out of range (-{limit:g} to {limit:g} degrees)"
        )
    return number


def parse_bool(value: bool | str, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = value.strip().lower()
    if text in ("1", "true", "yes", "y"):
        return True
    if text in ("", "0", "false", "no", "n"):
        return False
    raise FieldError(field, f"{field} {value!r} is not yes or no")


def _choice(value: str, allowed: tuple[str, ...], field: str, what: str) -> str:
    text = value.strip().lower().replace("_", "-").replace(" ", "-")
    if text not in allowed:
        raise FieldError(field, f"unknown {what} {value!r}; use one of: {', '.join(allowed)}")
    return text


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


def resolve_place(name: str, region: str | None = None) -> Resolution | None:
    """How the gazetteer resolves a place name for a record (GazetteerError without one)."""
    return resolve_confidently(name, region=region)


def written_region(place: str) -> str | None:
    """The region a person wrote after a comma ("Plekhovo, Kursk Oblast" -> "Kursk Oblast"),
    in the gazetteer's spelling when it knows the region, else as written."""
    _, comma, tail = place.rpartition(",")
    tail = tail.strip()
    if not comma or not tail:
        return None
    looks_like_region = bool(_REGION_WORD.search(tail))
    named = default_gazetteer().context_hint(tail).admin1
    if len(named) == 1:
        return next(iter(named))
    return tail if looks_like_region else None


# How to act on a place kept without coordinates (the CLI's options and commands).
PLACE_HINT = (
    "pin it with --lat/--lon, or a more specific name such as --place 'NAME, Oblast' "
    "(or --region); candidates: corroborate geo resolve NAME"
)


def notices(notes: IncidentNotes) -> tuple[Notice, ...]:
    """The notices of a change's notes that the person making it should see."""
    unresolved = notes.get("place_unresolved")
    if not unresolved:
        return ()
    return (Notice("place-unresolved", unresolved["notice"], PLACE_HINT),)


def unresolved_notice(resolution: Resolution) -> str:
    """What to tell the person recording a place the gazetteer cannot resolve confidently."""
    guesses = "; ".join(
        f"{c.place.name} ({', '.join(x for x in (c.place.admin1, c.place.country) if x)}"
        + (
            f", {c.place.latitude:.4f}, {c.place.longitude:.4f})"
            if c.place.latitude is not None and c.place.longitude is not None
            else ")"
        )
        for c in resolution.candidates[:3]
    )
    return (
        f"place {resolution.query!r} kept as written, without coordinates: {resolution.reason}."
        + (f" Candidates: {guesses}." if guesses else "")
        + " To locate it, give its coordinates, or a more specific name with its region"
        f" (e.g. {resolution.query.split(',')[0].strip()!r} plus the oblast)."
    )


def normalize(
    given: IncidentInput,
    taxonomy: dict[str, IncidentType],
    current: IncidentFields | None = None,
    *,
    today: date | None = None,
) -> tuple[IncidentFields, IncidentNotes]:
    """The complete record after applying `given` to `current`, checked; plus notes for the log.

    Raises FieldError naming the first bad field; nothing is changed by a failed call.
    """
    creating = current is None
    rec = IncidentFields() if current is None else replace(current, tags=list(current.tags))
    notes: IncidentNotes = {}
    today = today or date.today()

    if given.title is not None or creating:
        title = _text(given.title)
        if not title:
            raise FieldError("title", "an incident needs a title")
        rec.title = title
    if given.type is not None or creating:
        type_id = (given.type or "").strip()
        if type_id not in taxonomy:
            raise FieldError(
                "type",
                f"unknown incident type {type_id!r}; known types: {', '.join(sorted(taxonomy))}",
            )
        rec.type = type_id

    # -- when ---------------------------------------------------------------------------
    if given.date is not None and (given.date_from is not None or given.date_to is not None):
        raise FieldError("date", "give either a date or a date from/to, not both")
    if given.date is not None:
        if given.date.strip():
            rec.occurred_from, rec.occurred_to, rec.date_precision = parse_when(given.date)
        else:
            rec.occurred_from = rec.occurred_to = None
    if given.date_from is not None:
        rec.occurred_from = parse_day(given.date_from, "date_from") if given.date_from else None
        if given.date_to is None and (creating or rec.occurred_to is None):
            rec.occurred_to = rec.occurred_from
    if given.date_to is not None:
        rec.occurred_to = parse_day(given.date_to, "date_to") if given.date_to else None
        if rec.occurred_from is None:
            rec.occurred_from = rec.occurred_to
    if given.date_precision is not None:
        rec.date_precision = _choice(
            given.date_precision, DATE_PRECISIONS, "date_precision", "date precision"
        )
    start, end = rec.occurred_from, rec.occurred_to
    if start is not None and end is not None and start > end:
        raise FieldError("date", f"the date from ({start}) is after the date to ({end})")
    if start is not None and start > today:
        raise FieldError("date", f"the date {start} is in the future")

    # -- where --------------------------------------------------------------------------
    coords_given = given.latitude is not None or given.longitude is not None
    if coords_given:
        if (
            given.latitude is None
            or given.longitude is None
            or ""
            in (
                given.latitude,
                given.longitude,
            )
        ):
            if given.latitude in (None, "") and given.longitude in (None, ""):
                rec.latitude = rec.longitude = None
            else:
                raise FieldError("latitude", "give both a latitude and a longitude, or neither")
        else:
            rec.latitude = parse_coordinate(given.latitude, "latitude", 90)
            rec.longitude = parse_coordinate(given.longitude, "longitude", 180)
    if given.place is not None:
        rec.place_name = _text(given.place)
        if not coords_given:
            rec.latitude = rec.longitude = None
            rec.region = rec.district = rec.country = None
            rec.place_precision = None
            resolution = None
            if rec.place_name:
                resolution = resolve_place(rec.place_name, _text(given.region))
            if resolution is not None and resolution.place is None:
                # "NAME, X Oblast" not located: the oblast the user wrote still places it
                rec.region = written_region(rec.place_name or "")  # resolved, so it has a name
                notes["place_unresolved"] = {
                    "name": rec.place_name,
                    "reason": resolution.reason,
                    "candidates": [
                        {"id": c.place.id, "name": c.place.name, "score": c.place.score}
                        for c in resolution.candidates[:3]
                    ],
                    "notice": unresolved_notice(resolution),
                }
            if resolution is not None and resolution.place is not None:
                found = resolution.place
                if found.latitude is not None:
                    rec.latitude, rec.longitude = found.latitude, found.longitude
                    rec.region, rec.district = found.admin1, found.admin2
                    rec.country = found.country
                    precision = found.precision if found.precision in PLACE_PRECISIONS else None
                    rec.place_precision = precision or "settlement"
                    notes["place_resolved"] = {
                        "by": "gazetteer",
                        "id": found.id,
                        "name": found.name,
                        "score": found.score,
                        "how": resolution.reason,
                    }
    if given.place_precision is not None:
        rec.place_precision = (
            _choice(given.place_precision, PLACE_PRECISIONS, "place_precision", "place precision")
            if given.place_precision.strip()
            else None
        )
    elif coords_given and rec.latitude is not None and rec.place_precision is None:
        rec.place_precision = "exact"
    if given.region is not None:
        rec.region = _text(given.region)
    if given.geolocation_note is not None:
        rec.geolocation_note = _text(given.geolocation_note)

    # -- who and how many ---------------------------------------------------------------
    if given.perpetrator is not None:
        rec.perpetrator_party = _text(given.perpetrator)
    if given.victim_party is not None:
        rec.victim_party = _text(given.victim_party)
    if given.killed is not None:
        rec.killed_low, rec.killed_high = parse_figure(given.killed, "killed")
    if given.injured is not None:
        rec.injured_low, rec.injured_high = parse_figure(given.injured, "injured")
    if given.victim_category is not None and given.victim_category.strip():
        rec.victim_category = _choice(
            given.victim_category, VICTIM_CATEGORIES, "victim_category", "victim category"
        )
    elif creating:
        rec.victim_category = taxonomy[rec.type].victim_category

    if given.description is not None:
        rec.description = given.description.strip()
    if given.tags is not None:
        items = given.tags.split(",") if isinstance(given.tags, str) else list(given.tags)
        rec.tags = sorted({t.strip() for t in items if t.strip()})
    if given.sensitive is not None:
        rec.sensitive = parse_bool(given.sensitive, "sensitive")
    return rec, notes


def jsonable(value: Any) -> Any:
    """A record value as it goes into a custody entry."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def changes(old: IncidentFields, new: IncidentFields) -> dict[str, list[Any]]:
    """{field: [before, after]} for every field that differs."""
    before = old.columns()
    return {
        k: [jsonable(before[k]), jsonable(v)] for k, v in new.columns().items() if before[k] != v
    }


# -- forms ---------------------------------------------------------------------------------
# The fields of an incident form, named as IncidentInput names them (the CLI's options).
FORM_FIELDS: tuple[str, ...] = (
    "title", "type", "date", "date_precision", "place", "latitude", "longitude",
    "place_precision", "region", "geolocation_note", "perpetrator", "victim_party", "killed",
    "injured", "victim_category", "description", "tags", "sensitive",
)  # fmt: skip
# A checkbox a browser leaves out of the form when it is not ticked.
CHECKBOXES = ("sensitive",)


def _form_value(value: str) -> str:
    """A form's text as typed: browsers send a textarea's line ends as CRLF."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _ticked(value: str) -> str:
    """A checkbox's text: `yes` when ticked (whatever value the page gave it), else empty."""
    return "yes" if value and value.lower() not in ("0", "no", "false", "off", "n") else ""


def _submitted(form: Mapping[str, str], key: str) -> str:
    value = _form_value(form[key])
    return _ticked(value) if key in CHECKBOXES else value


def form_input(form: Mapping[str, str]) -> IncidentInput:
    """A new incident from a form: a blank field is one not given (as an option left out)."""
    given = {k: _submitted(form, k) for k in FORM_FIELDS if k in form}
    return IncidentInput(**{k: v for k, v in given.items() if v})


def _figure_text(low: int | None, high: int | None) -> str:
    if low is None:
        return ""
    return str(low) if low == high else f"{low}-{high}"


def date_text(start: date | None, end: date | None, precision: str) -> str:
    """A stored date as it is written (`2024-10-10`, `2024-10`, `~2024-10-10..2024-10-12`),
    so that `parse_when` reads it back as the same days and precision."""
    if start is None:
        return ""
    end = end or start
    approximate = "~" if precision == "approximate" else ""
    if start.month == 1 and start.day == 1 and (end.month, end.day) == (12, 31):
        if start.year == end.year and precision == "approximate":
            return str(start.year)
    if start.day == 1 and (start.year, start.month) == (end.year, end.month):
        if end.day == calendar.monthrange(end.year, end.month)[1] and precision != "day":
            return f"{approximate}{start:%Y-%m}"
    if start == end:
        return f"{approximate}{start.isoformat()}"
    return f"{approximate}{start.isoformat()}..{end.isoformat()}"


def form_text(rec: IncidentFields) -> dict[str, str]:
    """Each form field's text for a record, which reads back as the same record."""
    return {
        "title": rec.title,
        "type": rec.type,
        "date": date_text(rec.occurred_from, rec.occurred_to, rec.date_precision),
        "date_precision": rec.date_precision,
        "place": rec.place_name or "",
        "latitude": "" if rec.latitude is None else repr(rec.latitude),
        "longitude": "" if rec.longitude is None else repr(rec.longitude),
        "place_precision": rec.place_precision or "",
        "region": rec.region or "",
        "geolocation_note": rec.geolocation_note or "",
        "perpetrator": rec.perpetrator_party or "",
        "victim_party": rec.victim_party or "",
        "killed": _figure_text(rec.killed_low, rec.killed_high),
        "injured": _figure_text(rec.injured_low, rec.injured_high),
        "victim_category": rec.victim_category,
        "description": rec.description,
        "tags": ", ".join(rec.tags),
        "sensitive": "yes" if rec.sensitive else "",
    }


@dataclass(frozen=True)
class FormEdit:
    """A whole edit form as a page sends it: every field as text, changed or not.

    Only the fields whose text differs from what the form showed are changes, so a form that
    shows a place the gazetteer resolved does not pin its coordinates when the place is
    renamed. A checkbox left out is unticked; any other field left out is not changed.
    """

    values: Mapping[str, str]

    def against(self, shown: IncidentFields) -> IncidentInput:
        """The changes from `shown` (the record the form was loaded with)."""
        before = {k: _form_value(v) for k, v in form_text(shown).items()}
        after = dict(before)
        for key in FORM_FIELDS:
            if key in self.values:
                after[key] = _submitted(self.values, key)
            elif key in CHECKBOXES:
                after[key] = ""
        changed = {k for k in FORM_FIELDS if after[k] != before[k]}
        if changed & {"latitude", "longitude"}:
            changed |= {"latitude", "longitude"}  # a position is both or neither
        if "sensitive" in changed:
            after["sensitive"] = "yes" if after["sensitive"] else "no"
        return IncidentInput(**{k: after[k] for k in sorted(changed)})
