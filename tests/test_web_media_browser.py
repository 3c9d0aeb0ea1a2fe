"""Sensitive media and the player in a real browser (Debian's Chromium through Playwright,
against a real `corroborate serve`): the player seeks through Range requests and jumps to a
shared time range; marking an item blurs it everywhere; the reveal shows it and is on record.
Screenshots land in tests/_screenshots/."""

from __future__ import annotations

import re

from tests.browser_fixtures import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, need_chromium

from test_web_browser import (  # the served archive (`server`) is that file's fixture
    PASSWORD,
    server,  # noqa: F401
)


def test_the_player_jumps_and_a_sensitive_item_stays_blurred_until_revealed(
    server: str,  # noqa: F811
) -> None:
    need_chromium()
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            failed: list[str] = []
            ranges: list[str] = []
            page.on("pageerror", lambda e: failed.append(str(e)))
            page.on(
                "console",
                lambda m: failed.append(m.text) if m.type == "error" else None,
            )
            page.on(
                "response",
                lambda r: (
                    ranges.append(f"{r.status} {r.request.headers.get('range', '')}")
                    if r.url.endswith("/original")
                    else None
                ),
            )
            page.goto(server + "/login")
            page.fill("input[name=name]", "alice")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.get_by_test_id("item-card").filter(has_text="repost.mp4").click()

            player = page.get_by_test_id("player")
            expect(player).to_be_visible()
            page.wait_for_function("() => document.getElementById('player').readyState >= 1")
            seek = page.get_by_test_id("seek").first
            target = float(seek.get_attribute("data-seek") or "0")
            page.evaluate("() => { document.getElementById('player').currentTime = 5; }")
            seek.click()
            page.wait_for_function(
                f"() => Math.abs(document.getElementById('player').currentTime - {target}) < 1"
            )
            assert any(r.startswith("206 ") for r in ranges), ranges  # the browser seeks by range

            page.get_by_test_id("mark-sensitive").click()
            expect(page.get_by_test_id("reveal")).to_be_visible()
            expect(page.get_by_test_id("player")).to_have_count(0)
            thumbs = page.get_by_test_id("thumb")
            expect(thumbs.first).to_have_attribute("data-blurred", "true")
            assert all(t.get_attribute("data-blurred") == "true" for t in thumbs.all())
            page.screenshot(path=str(SCREENSHOTS / "item-sensitive.png"), full_page=True)

            page.goto(server + "/")
            cards = page.get_by_test_id("thumb")
            expect(cards).to_have_count(2)  # its copy, the first clip, is blurred too
            assert [c.get_attribute("data-blurred") for c in cards.all()] == ["true", "true"]
            page.wait_for_function(
                "() => [...document.querySelectorAll('.card img')]"
                ".every(i => i.complete && i.naturalWidth > 0)"
            )
            page.screenshot(path=str(SCREENSHOTS / "archive-grid-sensitive.png"), full_page=True)

            page.get_by_test_id("item-card").filter(has_text="repost.mp4").click()
            page.get_by_test_id("reveal").click()
            expect(page.get_by_test_id("revealed")).to_be_visible()
            expect(page.get_by_test_id("player")).to_be_visible()
            page.wait_for_function("() => document.getElementById('player').readyState >= 1")
            custody = page.get_by_test_id("custody")
            expect(custody).to_contain_text("media.reveal")
            expect(custody).to_contain_text("item.sensitive")
            assert re.search(r"alice\s+media\.reveal", custody.inner_text())
            page.screenshot(path=str(SCREENSHOTS / "item-revealed.png"), full_page=True)
            assert not failed, f"scripts failed in the browser: {failed}"
        finally:
            browser.close()
