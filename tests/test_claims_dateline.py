"""A wire report's dateline opens its first paragraph ("KYIV, March 14, 2024 (Reuters) -").

A researcher pastes a wire story and reads "killed on Tuesday": the Tuesday is the one before
the dateline, and "last week" ends on it. These examples were written before the rule that
reads them (held out), in the forms Reuters, AP, AFP and UPI print.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corroborate.claims import extract_claims
from corroborate.claims._periods import find_dateline
from corroborate.cli import app
from corroborate.core import Claim

THURSDAY = date(2024, 3, 14)
TUESDAY = date(2024, 3, 12)


def read(text: str) -> list[Claim]:
    found: list[Claim] = extract_claims(text, resolve_places=False)
    return found


def one(text: str) -> Claim:
    found = read(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "opening",
    [
        "KYIV, March 14, 2024 (Reuters) -",
        "Kyiv, 14 March 2024 (AFP) -",
        "KYIV, Ukraine, March 14, 2024 (AP) —",
        "ZAPORIZHZHIA, Ukraine, Mar. 14, 2024 (UPI) --",
        "KYIV, March 14, 2024 –",
        "KRYVYI RIH, Ukraine, 14 March 2024 (Reuters) —",
    ],
)
def test_a_dated_wire_opening_dates_the_report(opening: str) -> None:
    text = (
        "Missile strike on apartment block\n\n"
        f"{opening} At least 5 civilians were killed on Tuesday when a missile hit an "
        "apartment block, the regional governor said."
    )
    assert find_dateline(text) == THURSDAY
    c = one(text)
    assert (c.count, c.event) == (5, "killed")
    assert c.date_from == c.date_to == TUESDAY
    assert c.claimant == "the regional governor"


def test_last_week_is_the_calendar_week_before_the_datelines() -> None:
    """As "last month" is the calendar month before: Monday 4 to Sunday 10 March for a
    Thursday 14 March dateline, never days after the week it names."""
    c = one(
        "MOSCOW, March 14, 2024 (Reuters) - Russia's defence ministry said 30 Ukrainian "
        "soldiers were killed last week."
    )
    assert (c.date_from, c.date_to) == (date(2024, 3, 4), date(2024, 3, 10))


def test_this_week_runs_from_its_monday_to_the_dateline() -> None:
    c = one("KYIV, March 14, 2024 (Reuters) - Police said 4 people were killed this week.")
    assert (c.date_from, c.date_to) == (date(2024, 3, 11), THURSDAY)


def test_the_same_period_is_the_period_of_the_figures_before() -> None:
    text = (
        "GENEVA, 31 March 2025 - The Mission documented the execution of 24 servicemen "
        "between 1 December 2024 and 28 February 2025. In the same period, the Mission "
        "recorded the deaths of seven prisoners of war in internment."
    )
    first, second = extract_claims(text, resolve_places=False)
    assert (second.date_from, second.date_to) == (date(2024, 12, 1), date(2025, 2, 28))
    assert (first.event, second.event) == ("executed", "died")


def test_a_record_since_a_month_is_not_the_period_counted() -> None:
    """'16 children killed in May, the highest number since October 2024': May is counted,
    October 2024 is only what May is compared with."""
    c = one(
        "KYIV, 10 June 2025 - The Mission documented 16 children killed in May, the highest "
        "monthly number for children since October 2024."
    )
    assert (c.date_from, c.date_to) == (date(2025, 5, 1), date(2025, 5, 31))


def test_numeric_dates_bound_a_general_staff_total() -> None:
    text = (
        "The General Staff of the Armed Forces of Ukraine informs\n\n"
        "The total combat losses of the enemy from 24.02.2022 to 16.06.2025 were approximately:\n"
        "personnel — about 1,003,240 (+1,130) persons\n"
        "tanks — 10,947 (+4)"
    )
    total, day = extract_claims(text, resolve_places=False)
    assert (total.count, total.qualifier, day.count) == (1003240, "approx", 1130)
    assert (total.date_from, total.date_to) == (date(2022, 2, 24), date(2025, 6, 16))
    assert total.claimant == day.claimant == "The General Staff of the Armed Forces of Ukraine"
    assert total.sentence == "personnel — about 1,003,240 (+1,130) persons"


def test_a_dateline_without_a_year_takes_it_from_the_reports_date_line() -> None:
    """Reuters prints "MOSCOW, Dec 31 (Reuters) -" under a published date; the day is the
    dateline's, the year the one that puts it on or before publication."""
    text = (
        "January 2, 2024 8:15 AM GMT+1\n\n"
        "MOSCOW, Dec 31 (Reuters) - Ukraine said 12 civilians were killed on Friday in "
        "the shelling of Kherson."
    )
    assert find_dateline(text) == date(2023, 12, 31)
    c = one(text)
    assert c.date_from == c.date_to == date(2023, 12, 29)
    text = (
        "Updated 4 December 2023\n\nMOSCOW, Dec 3 (Reuters) - The governor said 3 people "
        "were wounded."
    )
    assert find_dateline(text) == date(2023, 12, 3)


def test_a_dateline_without_a_year_and_nothing_else_dates_nothing() -> None:
    """A guessed year would move every weekday: the period is kept as words only."""
    text = (
        "MOSCOW, Dec 3 (Reuters) - The governor said 3 people were killed on Tuesday in a "
        "drone attack."
    )
    assert find_dateline(text) is None
    c = one(text)
    assert c.period is not None and "Tuesday" in c.period
    assert c.date_from is None and c.date_to is None


def test_an_undated_ap_opening_leaves_the_date_to_the_date_line() -> None:
    text = (
        "Published 11:02 AM EDT, March 14, 2024\n\n"
        "KYIV, Ukraine (AP) — Police said 4 people were killed on Tuesday in Kharkiv."
    )
    c = one(text)
    assert c.date_from == TUESDAY
    assert c.claimant == "Police"
    assert find_dateline("KYIV, Ukraine (AP) — Police said 4 people were killed.") is None


def test_the_agency_in_the_dateline_is_not_the_claimant() -> None:
    c = one("KYIV, March 14, 2024 (Reuters) - At least 9 people were killed in a strike on Odesa.")
    assert c.claimant != "Reuters"
    assert c.date_from is None or c.date_from <= THURSDAY


def test_a_date_inside_a_later_sentence_is_not_a_dateline() -> None:
    text = (
        "Officials said 6 people were killed on Tuesday.\n\n"
        "The strike of March 14, 2024 (local time) - officials said - hit a school."
    )
    assert find_dateline(text) is None
    assert find_dateline("Kyiv, March 14, 2024 was a Thursday (sources) - said someone.") is None


def test_a_day_without_a_year_is_dated_by_the_dateline_or_not_at_all() -> None:
    """Never the placeholder year 1900, and 29 February does not stop the reader."""
    for text in ("Police said 3 people were killed on March 3.", "Police said 3 people were "
                 "killed on Feb 29."):  # fmt: skip
        c = one(text)
        assert c.period is not None and c.date_from is None and c.date_to is None
    c = one("KYIV, March 1, 2024 (Reuters) - Police said 3 people were killed on Feb 29.")
    assert c.date_from == c.date_to == date(2024, 2, 29)
    c = one("Police said 3 people were killed between March 3 and March 5.")
    assert (c.date_from, c.date_to) == (None, None)


def test_a_pasted_wire_story_is_dated_by_claims_extract(tmp_path: Path) -> None:
    """The user's path: save the story, run `claims extract`, see the days the claims cover."""
    path = tmp_path / "reuters.txt"
    path.write_text(
        "Missile strike on Kharkiv\n\n"
        "KHARKIV, Ukraine, March 14, 2024 (Reuters) - At least 5 civilians were killed on "
        "Tuesday in a Russian missile strike on Kharkiv, the regional governor said.\n\n"
        "Police said 12 people were wounded in the city over the past week.\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["claims", "extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    lines = json.loads(result.stdout)["claims"]  # one JSON document, like every --json
    assert [(r["count"], r["from"], r["to"]) for r in lines] == [
        (5, "2024-03-12", "2024-03-12"),
        (12, "2024-03-07", "2024-03-14"),
    ]


def test_on_wednesday_is_the_wednesday_before_the_dateline() -> None:
    c = one(
        "ODESA, Ukraine, March 14, 2024 (Reuters) - A drone hit a warehouse on Wednesday, "
        "killing 3 workers, the governor said."
    )
    assert c.date_from == c.date_to == date(2024, 3, 13)


def test_last_month_is_the_calendar_month_before_the_dateline() -> None:
    c = one(
        "KYIV, March 14, 2024 (Reuters) - Prosecutors said 12 prisoners of war were "
        "executed near Avdiivka last month."
    )
    assert (c.date_from, c.date_to) == (date(2024, 2, 1), date(2024, 2, 29))


def test_the_day_a_statement_was_made_is_not_the_period_it_counts() -> None:
    c = one(
        "KYIV, Aug. 12, 2024 (AP) — The ombudsman said Monday that 9 civilians had been "
        "killed in the village last month."
    )
    assert (c.period, c.date_from, c.date_to) == (
        "last month",
        date(2024, 7, 1),
        date(2024, 7, 31),
    )


def test_a_short_dateline_takes_its_year_from_when_the_report_was_read() -> None:
    """ "KYIV, March 14 -" carries no year; the day the report was archived gives it one."""
    text = "KYIV, March 14 - Two rescuers were killed on Tuesday, the emergency service said."
    found = extract_claims(text, reference_date=date(2024, 3, 20), resolve_places=False)
    assert [(c.count, c.date_from) for c in found] == [(2, TUESDAY)]
    # Without that day there is no year, and a guessed one would move every weekday.
    assert [c.date_from for c in read(text)] == [None]


def test_the_day_a_paragraph_narrates_dates_the_toll_after_it() -> None:
    text = (
        "On 7 October 2025 at about 10:40, Russian forces struck Kramatorsk with a guided "
        "bomb. As a result of the attack, 3 civilians were killed, among them a boy born in "
        "2013.\n\nSince the beginning of 2025, 40 civilians were killed in the district."
    )
    first, second = extract_claims(text, resolve_places=False)
    assert (first.date_from, first.date_to) == (date(2025, 10, 7), date(2025, 10, 7))
    assert second.date_from == date(2025, 1, 1)


def test_when_a_unit_was_formed_is_not_the_period_and_the_same_fighting_is() -> None:
    text = (
        "KYIV, Ukraine, July 22, 2025 (Reuters) - The brigade said on Tuesday its soldiers "
        "had captured nine Russian servicemen near Novoselivka on Sunday. The brigade, formed "
        "in 2022, said about 70 Russian soldiers had been killed in the same fighting."
    )
    captured, killed = extract_claims(text, resolve_places=False)
    assert captured.date_from == captured.date_to == date(2025, 7, 20)
    assert (killed.date_from, killed.date_to) == (date(2025, 7, 20), date(2025, 7, 20))


def test_halves_quarters_and_a_year_written_once_for_both_months() -> None:
    c = one("The commissioner said 32 prisoners were executed in the first half of 2025.")
    assert (c.date_from, c.date_to) == (date(2025, 1, 1), date(2025, 6, 30))
    text = (
        "GENEVA, 18 March 2025 - The Commission documented 52 attacks between July and "
        "December 2024. In those attacks, at least 18 civilians were killed."
    )
    toll = [c for c in extract_claims(text, resolve_places=False) if c.count == 18][0]
    assert (toll.date_from, toll.date_to) == (date(2024, 7, 1), date(2024, 12, 31))


def test_a_bulletins_title_dates_its_today() -> None:
    text = (
        "Operational information as of 22:00 14.11.2025 regarding the Russian invasion\n\n"
        "According to preliminary estimates, 86 occupiers were eliminated in this direction "
        "today."
    )
    c = one(text)
    assert (c.date_from, c.date_to) == (date(2025, 11, 14), date(2025, 11, 14))
