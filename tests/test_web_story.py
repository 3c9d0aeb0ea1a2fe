"""Issue 13's story, end to end in Debian's Chromium against a real `corroborate serve`.

An analyst logs in, uploads a re-encoded repost of a clip the archive already holds and is told
at once that it shares footage with the archived one; marks it sensitive; opens an incident,
links the footage cluster as evidence, submits it for review and is refused when trying to
verify it alone. A reviewer logs in and verifies it, finds the sensitive thumbnail blurred until
revealed, and then finds that reveal, by name, among the item's custody entries. Every main page
is saved as a screenshot under tests/_screenshots/ (CI keeps that folder) to be looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from browser_fixtures import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, need_chromium, served
from corroborate import accounts
from corroborate.archive import ingest, list_items
from corroborate.samples import render_flight
from corroborate.samples.transforms import reencode
from corroborate.storage.archive import Archive

PASSWORD = "correct horse battery"
ARCHIVED = "flight.mp4"
UPLOADED = "repost.mp4"
TITLE = "Drone strike on the bakery queue"
# What someone trying to verify alone without the button would do: post the approval form by
# hand, with the page's own CSRF token.
FORGED_APPROVAL = """action => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = action;
  for (const [name, value] of [["csrf", document.querySelector("input[name=csrf]").value],
                               ["decision", "approve"]]) {
    const input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}"""


@dataclass
class Story:
    """The server, the archive under it, the file to upload, and the 4xx answers expected."""

    url: str
    archive: Archive
    repost: Path
    allowed_failures: list[str] = field(default_factory=list)  # regexes of expected 4xx


@pytest.fixture
def story(archive: Archive, tmp_path: Path) -> Iterator[Story]:
    """An archive holding one 8 s flight (long enough to be matched), a re-encoded repost of it
    waiting to be uploaded, an analyst, a reviewer and an admin, served on a free port."""
    clip = render_flight(tmp_path / ARCHIVED, "coffee", seconds=8, width=320, height=180)
    ingest(archive, [str(clip)], source="Telegram: @frontline_clips", actor="alice")
    uploads = tmp_path / "to-upload"
    uploads.mkdir()
    repost = reencode(clip, uploads / UPLOADED, bitrate=150_000)
    for name, role in (("alice", "analyst"), ("bob", "reviewer"), ("carol", "admin")):
        accounts.add_user(archive, name, role=role, password=PASSWORD, by="root")
    with served(archive.dir, tmp_path / "serve.log") as url:
        yield Story(url, archive, repost)


def shot(page: Any, name: str) -> None:
    """A full-page screenshot once every picture on the page has loaded (a broken or missing
    picture fails here rather than being saved as an empty grey box)."""
    page.evaluate("() => document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function(
        "() => [...document.querySelectorAll('img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    page.screenshot(path=str(SCREENSHOTS / f"story-{name}.png"), full_page=True)


def log_in(page: Any, url: str, name: str) -> None:
    page.goto(url + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    from playwright.sync_api import expect

    expect(page.get_by_test_id("who")).to_contain_text(name)


def log_out(page: Any, url: str) -> None:
    from playwright.sync_api import expect

    page.click("text=Log out")
    expect(page).to_have_url(url + "/login")


@pytest.mark.timeout(900)  # an upload matched on a busy two-core machine takes minutes
def test_an_analyst_uploads_a_repost_links_it_and_a_reviewer_verifies(story: Story) -> None:
    need_chromium()
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("story-*.png"):  # only this run's pages are kept
        old.unlink()
    url = story.url
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.set_default_timeout(30_000)
            page.on("dialog", lambda dialog: dialog.accept())  # a "really mark sensitive?"
            failed: list[str] = []
            page.on(  # a picture still loading when the page moves on is aborted: not a fault
                "requestfailed",
                lambda r: (
                    failed.append(f"failed {r.url}: {r.failure}")
                    if "ERR_ABORTED" not in (r.failure or "")
                    else None
                ),
            )
            page.on(
                "response",
                lambda r: (
                    failed.append(f"{r.status} {r.request.method} {r.url}")
                    if r.status >= 400
                    and not any(re.search(a, r.url) for a in story.allowed_failures)
                    else None
                ),
            )
            page.on("pageerror", lambda e: failed.append(f"script error: {e}"))

            # -- an analyst logs in and sees the archive ---------------------------------
            page.goto(url + "/")
            expect(page).to_have_url(url + "/login?next=/")
            shot(page, "01-login")
            log_in(page, url, "alice")
            expect(page.get_by_test_id("item-card")).to_have_count(1)
            shot(page, "02-grid")

            # -- uploads the repost and is told it shares footage with the archived clip --
            page.goto(url + "/upload")
            empty = story.repost.with_name("empty.mp4")
            empty.write_bytes(b"")
            story.allowed_failures.append(r"/api/uploads\?name=empty\.mp4")
            page.get_by_test_id("upload-input").set_input_files([str(story.repost), str(empty)])
            row = page.get_by_test_id("upload-row").filter(has_text=UPLOADED)
            expect(row).to_have_count(1)
            alert = row.get_by_test_id("shared-footage")
            expect(alert).to_be_visible(timeout=240_000)  # archived, matched, then shown
            expect(alert).to_have_attribute("role", "alert")
            expect(alert).to_contain_text(ARCHIVED)
            # the bad file in the same batch: its own row, its one-line reason, no item
            refused = page.get_by_test_id("upload-row").filter(has_text="empty.mp4")
            expect(refused.get_by_test_id("error")).to_contain_text("empty file (0 bytes)")
            shot(page, "03-upload-shared-footage")
            (uploaded,) = [i for i in list_items(story.archive) if i.original_name == UPLOADED]

            # -- the row links to the new item, whose page says so too; marked sensitive ---
            row.get_by_test_id("upload-item").click()
            expect(page).to_have_url(f"{url}/items/{uploaded.id}")
            footage = page.request.get(f"{url}/api/items/{uploaded.id}").json()["footage"]
            (cluster,) = footage
            assert re.fullmatch(r"FC-\d{4,}", cluster["id"]), cluster
            shared = page.get_by_test_id("shared-footage")
            expect(shared).to_be_visible()
            expect(shared).to_contain_text(ARCHIVED)
            page.get_by_test_id("mark-sensitive").click()
            expect(page.get_by_test_id("thumb").first).to_have_attribute("data-blurred", "true")
            shot(page, "04-item")

            # -- opens an incident and links the footage cluster as its evidence ---------
            page.get_by_role("link", name="Incidents").click()
            expect(page).to_have_url(url + "/incidents")
            page.goto(url + "/incidents/new")
            page.fill("[name=title]", TITLE)
            page.select_option("[name=type]", "attack-on-civilians")
            page.fill("[name=date]", "2024-10-10")
            page.fill("[name=place]", "Kharkiv")
            page.fill("[name=geolocation_note]", "Water tower and bakery sign matched")
            shot(page, "05-incident-new")
            page.get_by_test_id("save-incident").click()
            expect(page).to_have_url(re.compile(re.escape(url) + r"/incidents/INC-\d+$"))
            incident_url = page.url
            expect(page.get_by_test_id("status")).to_have_text("unverified")
            page.get_by_test_id("evidence-ref").fill(cluster["id"])
            page.select_option("select[name=role]", "primary")
            page.get_by_test_id("link-evidence").click()
            evidence = page.get_by_test_id("evidence-row")
            expect(evidence).to_have_count(1)
            expect(evidence).to_contain_text(cluster["id"])
            expect(evidence).to_contain_text(uploaded.id)  # the cluster's copies, named
            page.get_by_test_id("submit-review").click()
            expect(page.get_by_test_id("status")).to_have_text("under-review")

            # -- and cannot verify it alone: no button, and a forged form is refused --
            expect(page.get_by_test_id("approve")).to_have_count(0)
            expect(page.locator("main")).to_contain_text("Waiting for a reviewer other than alice")
            shot(page, "06-incident-under-review")
            story.allowed_failures.append(r"/incidents/INC-\d+/review$")
            page.evaluate(FORGED_APPROVAL, incident_url + "/review")
            error = page.get_by_test_id("error")
            expect(error).to_be_visible()
            expect(error).to_have_attribute("role", "alert")
            expect(error).to_contain_text(
                re.compile(r"alice is an? analyst: approving or rejecting needs the role reviewer")
            )
            expect(page.get_by_test_id("who")).to_have_text("alice (analyst)")  # still in
            shot(page, "07-verify-alone-refused")
            story.allowed_failures.pop()
            page.goto(incident_url)
            expect(page.get_by_test_id("status")).to_have_text("under-review")
            log_out(page, url)

            # -- a reviewer finds it waiting and verifies it ----------------------------------
            log_in(page, url, "bob")
            page.goto(url + "/incidents?status=under-review")
            queue = page.locator("main")
            expect(queue).to_contain_text(TITLE)
            shot(page, "08-review-queue")
            page.get_by_role("link", name=TITLE).click()
            expect(page).to_have_url(incident_url)
            page.get_by_test_id("approve").click()
            expect(page.get_by_test_id("status")).to_have_text("verified")
            expect(page.locator("main")).to_contain_text("bob approved")
            history = page.get_by_test_id("history")
            for action in ("incident.create", "incident.link", "incident.review"):
                expect(history).to_contain_text(action)
            expect(
                page.get_by_test_id("history-row").filter(has_text="incident.review")
            ).to_contain_text("bob")
            shot(page, "09-incident-verified")
            history.screenshot(path=str(SCREENSHOTS / "story-10-incident-history.png"))

            # -- sees the sensitive thumbnail blurred until revealed, then the reveal logged --
            page.goto(url + "/")
            card = page.get_by_test_id("item-card").filter(has_text=UPLOADED)
            expect(card.get_by_test_id("thumb")).to_have_attribute("data-blurred", "true")
            copy = page.get_by_test_id("item-card").filter(has_text=ARCHIVED)
            # the same footage shows the same scene: every copy in its cluster is blurred
            expect(copy.get_by_test_id("thumb")).to_have_attribute("data-blurred", "true")
            shot(page, "11-grid-blurred")
            page.goto(f"{url}/items/{uploaded.id}")
            thumb = page.get_by_test_id("thumb").first
            expect(thumb).to_have_attribute("data-blurred", "true")
            blurred_src = thumb.get_attribute("src")
            custody = page.get_by_test_id("custody")
            expect(custody).not_to_contain_text("media.reveal")
            shot(page, "12-item-sensitive-blurred")
            page.get_by_test_id("reveal").first.click()
            expect(thumb).to_have_attribute("data-blurred", "false")
            assert thumb.get_attribute("src") != blurred_src
            page.reload()
            reveal = custody.locator("tr", has_text="media.reveal")
            expect(reveal).to_have_count(1)
            expect(reveal).to_contain_text("bob")
            shot(page, "13-item-revealed-custody")
            log_out(page, url)

            # -- an admin's accounts page, and what an error looks like -------------------
            log_in(page, url, "carol")
            page.goto(url + "/admin/users")
            expect(page.locator("main")).to_contain_text("alice")
            shot(page, "14-users-admin")
            story.allowed_failures.append(r"/items/ffffffffffff$")
            answer = page.goto(url + "/items/ffffffffffff")
            assert answer is not None and answer.status == 404
            expect(page.get_by_role("alert")).to_contain_text("no archived item")
            shot(page, "15-error")
            log_out(page, url)
            assert not failed, f"requests or scripts failed in the browser: {failed}"
        finally:
            browser.close()


def test_without_chromium_the_browser_tests_skip_on_a_laptop_but_fail_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import browser_fixtures

    monkeypatch.setattr(browser_fixtures, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        browser_fixtures.need_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="scripts/install installs"):
        browser_fixtures.need_chromium()


def test_ci_keeps_the_screenshots_folder_and_git_ignores_it() -> None:
    root = Path(__file__).resolve().parents[1]
    assert SCREENSHOTS == root / "tests" / "_screenshots"
    assert "tests/_screenshots/" in (root / ".ci" / "run").read_text()
    assert "tests/_screenshots/" in (root / ".gitignore").read_text().splitlines()
    assert 'export CI="${CI:-true}"' in (root / ".ci" / "run").read_text()
