"""End to end in a real browser: Debian's Chromium, driven by Playwright, against a real
`corroborate serve` on a free localhost port. Screenshots land in tests/_screenshots/."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.browser_fixtures import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREENSHOTS,
    SRC,
    free_port,
    need_chromium,
)

from corroborate import accounts
from corroborate.archive import ingest
from corroborate.samples import render_flight
from corroborate.samples.transforms import reencode
from corroborate.storage.archive import Archive

PASSWORD = "correct horse battery"


@pytest.fixture
def server(archive: Archive, tmp_path: Path) -> Iterator[str]:
    """`corroborate serve` in its own process over an archive with a flight and a re-encoded
    repost of it (8 s: long enough to be matched), and an analyst's account."""
    clip = render_flight(tmp_path / "flight.mp4", "coffee", seconds=8, width=320, height=180)
    ingest(archive, [str(clip)], source="Telegram: @frontline_clips", actor="alice")
    repost = reencode(clip, tmp_path / "repost.mp4", bitrate=150_000)
    ingest(archive, [str(repost)], source="Telegram: @reposts", actor="alice")
    accounts.add_user(archive, "alice", role="analyst", password=PASSWORD, by="root")
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "corroborate",
            "serve",
            "--archive",
            str(archive.dir),
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    out = process.stdout.read().decode() if process.stdout else ""
                    pytest.fail(f"corroborate serve did not start: {out}")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_an_analyst_logs_in_sees_the_archive_grid_and_opens_an_item(server: str) -> None:
    need_chromium()
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            failed: list[str] = []
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on(
                "response",
                lambda r: (
                    failed.append(f"{r.status} {r.request.method} {r.url}")
                    if r.status >= 400 and not (r.status == 401 and r.url.endswith("/login"))
                    else None
                ),
            )
            page.on("pageerror", lambda e: failed.append(str(e)))

            page.goto(server + "/")
            expect(page).to_have_url(server + "/login?next=/")
            page.screenshot(path=str(SCREENSHOTS / "login.png"), full_page=True)
            page.fill("input[name=name]", "alice")
            page.fill("input[name=password]", "not the password")
            page.click("button[type=submit]")
            expect(page.get_by_role("alert")).to_contain_text("wrong account name or password")

            page.fill("input[name=name]", "alice")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            expect(page).to_have_url(server + "/")
            expect(page.get_by_test_id("who")).to_have_text("alice (analyst)")
            cards = page.get_by_test_id("item-card")
            expect(cards).to_have_count(2)
            thumbs = page.locator(".card img")
            expect(thumbs.first).to_be_visible()
            page.wait_for_function(
                "() => [...document.querySelectorAll('.card img')]"
                ".every(i => i.complete && i.naturalWidth > 0)"
            )
            page.screenshot(path=str(SCREENSHOTS / "archive-grid.png"), full_page=True)

            page.select_option("select[name=kind]", "image")  # htmx swaps the grid in place
            expect(cards).to_have_count(0)
            page.select_option("select[name=kind]", "video")
            expect(cards).to_have_count(2)

            page.get_by_test_id("item-card").filter(has_text="repost.mp4").click()
            expect(page).to_have_url(re.compile(re.escape(server) + r"/items/[0-9a-f]{12}$"))
            shared = page.get_by_test_id("shared-footage")
            expect(shared).to_be_visible()
            expect(shared).to_contain_text("with 1 other archived item")
            expect(shared).to_contain_text("flight.mp4")
            expect(page.get_by_test_id("custody")).to_contain_text("archive.ingest")
            expect(page.locator("main")).to_contain_text("Telegram: @reposts")
            page.screenshot(path=str(SCREENSHOTS / "item.png"), full_page=True)

            page.click("text=Log out")
            expect(page).to_have_url(server + "/login")
            assert not failed, f"requests or scripts failed in the browser: {failed}"
        finally:
            browser.close()
