"""The period a claim covers: its words, and dates when they can be resolved."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from corroborate.claims._lexicon import MONTHS, WEEKDAYS

INVASION = date(2022, 2, 24)
# the year of a day or month written without one, before a reference supplies it: a leap year,
# so that 29 February parses; such dates never leave this module (they are dropped)
_NO_YEAR = 1904
_DAY_MONTH_YEAR = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\.?,?\s+\d{{4}}|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"  # noqa: E501 - one regex alternative per line reads best
_DAY_MONTH = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})|(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?)\b"
)
_MONTH_YEAR = rf"(?:(?:{MONTHS})\.?\s+\d{{4}})"
_YEAR = r"(?:(?:19|20)\d{2})\b(?!\s*(?:people|civilians|soldiers|troops))"
_MONTH = rf"(?:{MONTHS})\b"
_NUMERIC_DATE = r"(?:\d{1,2}[./]\d{1,2}[./](?:\d{4}|\d{2})\b)"  # "24.02.2022", "24.02.22"
_DATE = rf"(?:{_NUMERIC_DATE}|{_DAY_MONTH_YEAR}|{_MONTH_YEAR}|{_DAY_MONTH}|{_YEAR}|{_MONTH})"
# "the highest monthly number since October 2024": a comparison, not the period counted
_COMPARED_SINCE = re.compile(
    r"\b(?:highest|lowest|largest|biggest|deadliest|worst|heaviest|most|fewest|first time)\b"
    r"[^.;:]{0,60}$",
    re.I,
)
# "In the same period, ...": the period of the figures before
SAME_PERIOD = re.compile(
    r"\b(?:(?:in|over|during|for|on)\s+the\s+same\s+(?:period|time|months?|weeks?|day|night|"
    r"year|fighting|battle|attack|strike|assault|offensive|evening|morning)|"
    # "In those attacks, at least 18 civilians were killed": the attacks just dated
    r"in\s+(?:those|these)\s+(?:attacks|strikes|cases|incidents|videos|months|weeks))\b",
    re.I,
)
# "a boy born in 2013", "the brigade, formed in 2022": when someone or something began, not
# the period a figure counts.
_NOT_A_PERIOD_BEFORE = re.compile(
    r"\b(?:born|formed|founded|established|created|built|set up|raised|mobilised|mobilized|"
    r"enlisted|elected|appointed)\s*$",
    re.I,
)
_INVASION = r"(?:the (?:start|beginning|outset) of (?:the |russia's )?(?:full[- ]scale )?(?:invasion|war)|the (?:full[- ]scale )?invasion(?: began)?)"  # noqa: E501 - one regex alternative per line reads best
_RELATIVE = rf"(?:the (?:past|last) (?:day|24 hours|48 hours|week|month|year|\w+ (?:days|weeks|months))|last (?:week|month|year|night)|yesterday|overnight|today|this (?:week|month|year)|{WEEKDAYS})"  # noqa: E501 - one regex alternative per line reads best

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "between",
        re.compile(
            rf"\b(?:between|from)\s+(?P<a>{_DATE})\s+(?:and|to|until|through|-|–)\s+(?P<b>{_DATE})",
            re.I,
        ),
    ),
    ("since", re.compile(rf"\b(?:since|from)\s+(?P<a>{_INVASION}|{_DATE})", re.I)),
    (
        "part",
        re.compile(
            r"\b(?:in|during|over|for)\s+the\s+(?P<part>first|second|third|fourth|last)\s+"
            r"(?P<unit>half|quarter)\s+of\s+(?P<a>(?:19|20)\d{2})\b",
            re.I,
        ),
    ),
    (
        "as_of",
        re.compile(
            rf"\b(?:as of|as at|by|until|up to)\s+(?P<a>{_DAY_MONTH_YEAR}|{_MONTH_YEAR}|{_DAY_MONTH})",  # noqa: E501 - one regex alternative per line reads best
            re.I,
        ),
    ),
    ("relative", re.compile(rf"\b(?:in|over|during|on|within)?\s*(?P<a>{_RELATIVE})\b", re.I)),
    (
        "in",
        re.compile(
            rf"\b(?:in|during|throughout|on|of)\s+(?P<a>{_DAY_MONTH_YEAR}|{_MONTH_YEAR}|{_DAY_MONTH}|{_YEAR}|{_MONTH})(?:\s+alone)?",
            re.I,
        ),
    ),
]


# "said on Monday", "told reporters Monday": a weekday that dates the statement.
_STATEMENT_DAY = re.compile(
    r"\b(?:said|says|told(?: \w+)?|reported|announced|stated|added|wrote|posted|confirmed)"
    r"\s+(?:on\s+|late\s+|early\s+)?$",
    re.I,
)


@dataclass(frozen=True)
class Period:
    """A period as written and the dates it covers (either may be None)."""

    words: str
    date_from: date | None
    date_to: date | None


_TIME = (
    r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?"
    r"(?:\s*(?:[A-Z]{2,5}(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2}))?"
)
_DATELINE = re.compile(
    rf"^\W*(?:(?:first )?(?:published|updated|posted|dated?|filed)\s*(?:on|at)?\s*:?\s*)?"
    rf"(?:{_TIME},?\s+)?"  # AP: "Updated 11:02 AM EDT, March 14, 2024"
    rf"(?:(?:{WEEKDAYS}|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?,?\s+)?"
    rf"(?P<d>{_DAY_MONTH_YEAR}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{8}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}})"
    rf"(?:[,\s]+(?:at\s+)?{_TIME})?\W*$",
    re.I,
)

# A bulletin's title dating it: "Operational information as of 22:00 14.11.2025 regarding ..."
_TITLE_AS_OF = re.compile(
    rf"\bas (?:of|at)\s+(?:{_TIME},?\s+(?:on\s+)?)?"
    rf"(?P<d>\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}|{_DAY_MONTH_YEAR})",
    re.I,
)

# A wire service's dateline opens the first paragraph: "KYIV, March 14, 2024 (Reuters) -",
# "Kyiv, 14 March 2024 (AFP) -", "MOSCOW, Dec 3 (Reuters) -", "KYIV, Ukraine (AP) —". The place
# is capitalised words (case matters here, so a sentence is not taken for one), then perhaps a
# region or country, then the date, then the agency in brackets and/or a dash.
_PLACE = r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
_WIRE_DAY = (
    rf"(?i:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\.?|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?)"
)
_WIRE = re.compile(
    rf"^\W*{_PLACE}(?:,\s*{_PLACE}){{0,2}},\s*"
    rf"(?P<d>(?i:{_DAY_MONTH_YEAR})|{_WIRE_DAY})\b"
    rf"(?:\s*\([A-Za-z][\w.&' /-]{{0,30}}\))?\s*(?:--|-|–|—)(?=\s)"
)


def find_dateline(text: str, lines: int = 8, known: date | None = None) -> date | None:
    """The date a report carries near the top: on a line of its own ("11 May 2023, 09:02"), or
    opening its first paragraph as wire services print it ("KYIV, March 14, 2024 (Reuters) -").

    A wire dateline wins over a published or updated line (it dates the writing). One without
    a year ("MOSCOW, Dec 31 (Reuters) -") takes the year that puts it on or before the date
    line's date, or else of `known` (the date the report is known to have been read or
    published by); with neither it dates nothing, since a guessed year moves every weekday.
    """
    seen = 0
    on_a_line: date | None = None
    wire: str | None = None
    for line in text.splitlines():
        if not line.strip():
            continue
        seen += 1
        if seen > lines:
            break
        m = _DATELINE.match(line.strip())
        if m and on_a_line is None:
            on_a_line = _date_of(m.group("d"))
        t = _TITLE_AS_OF.search(line) if seen == 1 else None
        if t and on_a_line is None:  # "Operational information as of 22:00 14.11.2025 ..."
            on_a_line = _date_of(t.group("d"))
        w = _WIRE.match(line.strip())
        if w and wire is None:
            wire = w.group("d")
    if wire is not None:
        if re.search(r"\d{4}", wire):
            return _date_of(wire) or on_a_line
        return _without_year(wire, on_a_line or known)
    return on_a_line


def _without_year(expr: str, before: date | None) -> date | None:
    """The day "Dec 31" on or before `before` (within the year before it); None without one."""
    if before is None:
        return None
    day_month = _bounds(expr, None)
    if day_month is None:
        return None
    for year in (before.year, before.year - 1):
        try:
            d = day_month[0].replace(year=year)
        except ValueError:  # 29 February
            continue
        if d <= before:
            return d
    return None


def _date_of(expr: str) -> date | None:
    try:
        if re.fullmatch(r"\d{8}", expr):
            return date(int(expr[:4]), int(expr[4:6]), int(expr[6:]))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", expr):
            return date.fromisoformat(expr)
        m = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", expr)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None
    bounds = _bounds(expr, None)
    return bounds[0] if bounds and bounds[0].year != _NO_YEAR else None


def find_period(text: str, reference: date | None = None) -> Period | None:
    """The first period expression in `text`, resolved against `reference` when it is relative."""
    for kind, rx in _PATTERNS:
        m = next(
            (x for x in rx.finditer(text) if not _NOT_A_PERIOD_BEFORE.search(text[: x.start()])),
            None,
        )
        if not m:
            continue
        words = m.group(0).strip()
        a = m.group("a")
        if kind == "between":
            start = _bounds(a, reference)
            end = _bounds(m.group("b"), reference)
            if start and end and not re.search(r"\d{4}", a) and re.search(r"\d{4}", m["b"]):
                # "between July and December 2024": the year written once is both bounds'
                start = (start[0].replace(year=_NO_YEAR), start[1].replace(year=_NO_YEAR))
            if start and end and start[0].year == _NO_YEAR:
                try:
                    year = end[0].year
                    if start[0].replace(year=year) > end[1]:  # "from December to February 2025"
                        year -= 1
                    start = (start[0].replace(year=year), start[1].replace(year=year))
                except ValueError:  # 29 February in the year of the end
                    start = None
            return _period(words, start[0] if start else None, end[1] if end else None)
        if kind == "part":
            year, unit = int(a), m.group("unit").lower()
            size = 6 if unit == "half" else 3
            parts = 12 // size
            n = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": parts}[m["part"].lower()]
            if n > parts:
                continue
            first_month = (n - 1) * size + 1
            last_month = first_month + size - 1
            last_day = date(year, last_month, calendar.monthrange(year, last_month)[1])
            return _period(words, date(year, first_month, 1), last_day)
        if kind == "since":
            if _COMPARED_SINCE.search(text[: m.start()]):
                continue
            b = (INVASION, INVASION) if re.match(_INVASION, a, re.I) else _bounds(a, reference)
            return _period(words, b[0] if b else None, reference)
        if kind == "as_of":
            b = _bounds(a, reference)
            return _period(words, None, b[1] if b else None)
        if kind == "relative":
            event_day = next(
                (x for x in rx.finditer(text) if not _STATEMENT_DAY.search(text[: x.start("a")])),
                None,
            )
            if event_day is None:
                continue  # "said on Monday": the day of the statement, not of what it counts
            words = event_day.group(0).strip()
            return _period(words, *_relative(event_day.group("a").lower(), reference))
        b = _bounds(a, reference)
        return _period(words, b[0] if b else None, b[1] if b else None)
    return None


def _period(words: str, start: date | None, end: date | None) -> Period:
    """A period with only the dates that are known: a day without a year has none."""
    known = [None if d is None or d.year == _NO_YEAR else d for d in (start, end)]
    return Period(words, known[0], known[1])


def _bounds(expr: str, reference: date | None) -> tuple[date, date] | None:
    """First and last day an expression covers: a year, a month, or a day."""
    expr = expr.strip()
    if m := re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})", expr):
        year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
        try:
            d = date(year, int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
        return d, d
    if re.fullmatch(r"(?:19|20)\d{2}", expr):
        y = int(expr)
        return date(y, 1, 1), date(y, 12, 31)
    import dateparser

    settings: dict[str, object] = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["month"]}
    if reference is not None:
        from datetime import datetime

        settings["RELATIVE_BASE"] = datetime(reference.year, reference.month, reference.day)
    parsed = dateparser.parse(expr, languages=["en"], settings=settings)  # type: ignore[arg-type,unused-ignore]
    if parsed is None:
        return None
    has_day = bool(
        re.search(
            r"\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]|[A-Za-z]\.?\s+\d{1,2}(?:st|nd|rd|th)?\b(?!\d)",
            expr,
        )
    )
    has_year = bool(re.search(r"\d{4}", expr))
    year = parsed.year if has_year or reference is not None else _NO_YEAR
    if has_day:
        d = date(year, parsed.month, parsed.day)
        return d, d
    last = calendar.monthrange(year, parsed.month)[1]
    return date(year, parsed.month, 1), date(year, parsed.month, last)


def _relative(expr: str, reference: date | None) -> tuple[date | None, date | None]:
    if reference is None:
        return None, None
    spans = {"day": 1, "24 hours": 1, "48 hours": 2, "week": 7, "month": 30, "year": 365}
    m = re.match(r"the (?:past|last) (.+)", expr)
    if m:
        unit = m.group(1)
        n = re.match(r"(\w+) (days|weeks|months)", unit)
        if n:
            from number_parser import parse_number

            k = parse_number(n.group(1)) or 0
            days = int(k) * {"days": 1, "weeks": 7, "months": 30}[n.group(2)]
        else:
            days = spans.get(unit, 1)
        return reference - timedelta(days=days), reference
    if expr in {"yesterday", "overnight", "last night"}:
        d = reference - timedelta(days=1)
        return d, reference if expr != "yesterday" else d
    if expr == "today":
        return reference, reference
    if expr == "last month":  # the calendar month before the report's
        end = reference.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if expr == "last year":
        return date(reference.year - 1, 1, 1), date(reference.year - 1, 12, 31)
    if expr == "last week":  # the calendar week (Monday to Sunday) before the report's
        end = reference - timedelta(days=reference.weekday() + 1)
        return end - timedelta(days=6), end
    if expr == "this week":
        return reference - timedelta(days=reference.weekday()), reference
    if expr.startswith(("last ", "this ")):
        unit = expr.split()[1]
        days = spans.get(unit, 7)
        back = days if expr.startswith("last") else 0
        return reference - timedelta(days=back + days - 1 if back else days - 1), reference
    if re.fullmatch(WEEKDAYS, expr):
        target = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ].index(expr)
        delta = (reference.weekday() - target) % 7
        d = reference - timedelta(days=delta)
        return d, d
    return None, None
