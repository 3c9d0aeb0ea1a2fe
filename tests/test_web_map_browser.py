"""The whole picture in a real browser (Debian's Chromium through Playwright, `corroborate serve`
in its own process): filter the map by type and period, zoom into a cluster and see the list
follow, drag a period across the timeline, and download a tally CSV that is the CLI's.
Screenshots of the map, timeline, tally and claims pages go to tests/_screenshots/."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.browser_fixtures import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, need_chromium, served
from typer.testing import CliRunner

from corroborate import accounts
from corroborate.archive import ingest
from corroborate.cli import app as cli_app
from corroborate.samples.incidents import generate_incidents
from corroborate.storage.archive import Archive

PASSWORD = "correct horse battery"
REPORT = (
    "KYIV, March 14, 2025 - Ukraine's human rights ombudsman said on Friday that 177 Ukrainian "
    "prisoners of war had been executed by Russian forces since 2022.\n\n"
    "The UN human rights monitoring mission said it had documented the executions of at least "
    "91 Ukrainian prisoners of war since 2022.\n"
)


@dataclass
class Picture:
    url: str
    archive: Archive


@pytest.fixture
def picture(archive: Archive, tmp_path: Path) -> Iterator[Picture]:
    """800 generated incidents, a report with two claims about one quantity, a viewer."""
    generate_incidents(archive, 800, seed=9)
    report = tmp_path / "ombudsman-and-mission.txt"
    report.write_text(REPORT, encoding="utf-8")
    ingest(archive, [str(report)], actor="alice")
    accounts.add_user(archive, "vera", role="viewer", password=PASSWORD, by="root")
    with served(archive.dir, tmp_path / "serve.log") as url:
        yield Picture(url, archive)


def _count(page: Any, testid: str) -> int:
    """The first number in an element's text ("312 incidents in view" -> 312)."""
    text = page.get_by_test_id(testid).inner_text()
    found = re.search(r"\d+", text.replace(",", ""))
    assert found, text
    return int(found.group())


def _settled(page: Any, before: str | None = None) -> str:
    """Wait until the list has loaded (and changed from `before`); its count line."""
    page.wait_for_function(
        "(before) => { const el = document.querySelector('[data-testid=list-count]');"
        " return el && el.textContent !== before; }",
        arg=before,
    )
    page.wait_for_timeout(300)  # the clusters and counts answer beside the list
    text: str = page.get_by_test_id("list-count").inner_text()
    return text


def test_the_map_timeline_list_and_tally_follow_each_other(picture: Picture) -> None:
    need_chromium()
    from playwright.sync_api import expect, sync_playwright

    url = picture.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url + "/login")
        page.fill("input[name=name]", "vera")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.get_by_test_id("who")).to_contain_text("vera")

        page.goto(url + "/map")
        everything = _settled(page)
        expect(page.locator(".cluster").first).to_be_visible()
        expect(page.get_by_test_id("not-located")).to_contain_text("not located")
        expect(page.get_by_test_id("timeline-chart")).to_be_visible()
        assert page.locator("[data-testid=timeline-bin]").count() > 10
        all_in_view = _count(page, "list-count")
        # place names on the map are the gazetteer's (its most important places in view)
        expect(page.locator(".place-label", has_text="Kyiv")).to_have_count(1)
        page.screenshot(path=str(SCREENSHOTS / "map.png"), full_page=True)

        # filter by type: the list and the counts narrow, and agree with the API's
        chosen = page.get_by_test_id("filter-type").locator("option").nth(1).get_attribute("value")
        page.get_by_test_id("filter-type").select_option(chosen)
        by_type = _settled(page, everything)
        typed = _count(page, "list-count")
        assert 0 < typed < all_in_view
        assert _count(page, "in-view") == typed  # the clusters count what the list lists

        # a period: typed into the form, the list narrows again
        page.get_by_test_id("filter-from").fill("2023-01-01")
        page.get_by_test_id("filter-to").fill("2023-12-31")
        page.get_by_test_id("filter-to").dispatch_event("change")
        in_2023 = _settled(page, by_type)
        dated = _count(page, "list-count")
        assert 0 < dated < typed

        # zoom into a cluster: the viewport shrinks, and so does the list
        page.get_by_test_id("filter-from").fill("")
        page.get_by_test_id("filter-to").fill("")
        page.get_by_test_id("filter-type").select_option("")
        back = _settled(page, in_2023)
        page.locator(".cluster").first.click()
        zoomed = _settled(page, back)
        assert _count(page, "list-count") < all_in_view, zoomed
        page.screenshot(path=str(SCREENSHOTS / "map-zoomed.png"), full_page=True)

        # drag a period across the timeline: it becomes the map's and list's period
        page.goto(url + "/map")
        start = _settled(page)
        chart = page.get_by_test_id("timeline-chart")
        box = chart.bounding_box()
        assert box
        y = box["y"] + box["height"] * 0.6
        page.mouse.move(box["x"] + box["width"] * 0.30, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=8)
        page.mouse.up()
        brushed = _settled(page, start)
        first = page.get_by_test_id("filter-from").input_value()
        last = page.get_by_test_id("filter-to").input_value()
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", first) and first < last
        assert 0 < _count(page, "list-count") < _count_of(start), brushed
        chart.screenshot(path=str(SCREENSHOTS / "timeline.png"))

        # the tally page: the CSV it hands out is `corroborate tally --csv`'s
        page.goto(url + "/tally?by=type&status=any")
        expect(page.get_by_test_id("tally-summary")).to_contain_text("incidents")
        expect(page.get_by_test_id("tally-chart")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "tally.png"), full_page=True)
        with page.expect_download() as taken:
            page.get_by_test_id("tally-csv").click()
        downloaded = Path(taken.value.path()).read_text(encoding="utf-8")

        page.goto(url + "/claims")
        expect(page.get_by_test_id("claim-group").first).to_be_visible()
        expect(page.locator("text=ombudsman-and-mission.txt").first).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "claims.png"), full_page=True)
        browser.close()

    cli = CliRunner().invoke(
        cli_app,
        [
            "tally",
            "--by",
            "type",
            "--min-status",
            "any",
            "--csv",
            "--archive",
            str(picture.archive.dir),
        ],
    )
    assert cli.exit_code == 0, cli.output
    assert list(csv.reader(io.StringIO(downloaded))) == list(csv.reader(io.StringIO(cli.stdout)))
    assert not errors, errors


def _count_of(text: str) -> int:
    found = re.search(r"\d+", text.replace(",", ""))
    assert found
    return int(found.group())
