"""Sensitive media in the workspace: blurred on the server for every role on every picture route
until a session reveals it, the reveal and sensitive downloads on the custody record, marking
sensitive by role, incidents that make their evidence sensitive, the seekable player, and the
grid's filters (the same on the API and the CLI)."""

from __future__ import annotations

import html
import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image, ImageFilter
from typer.testing import CliRunner

from corroborate import accounts
from corroborate.archive import ingest, list_items
from corroborate.archive.sensitive import mark_item_sensitive
from corroborate.custody import entries
from corroborate.custody.setup import init_archive
from corroborate.incidents import IncidentInput, create_incident, edit_incident, link_evidence
from corroborate.samples import render_flight, render_still
from corroborate.samples.transforms import reencode
from corroborate.storage.archive import Archive
from corroborate.web import create_app
from corroborate.web.streaming import byte_range

PASSWORD = "correct horse battery"
ROLES = ("viewer", "analyst", "reviewer", "admin")


@dataclass
class Workspace:
    archive: Archive
    app: FastAPI
    clip: str  # coffee.mp4, archived from "Channel A"
    repost: str  # a re-encoded copy, from "Telegram: @reposts", published 2024-03-14
    still: str  # a JPEG still from "Telegram: @stills"
    other: str  # another clip, sharing nothing

    def client(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)

    def session(self, role: str) -> tuple[TestClient, str]:
        """A client logged in as `role` (a new session each call) and its CSRF token."""
        client = self.client()
        session = accounts.start_session(self.archive, accounts.get_user(self.archive, role))
        client.cookies.set("corroborate_session", session.cookie)
        return client, session.csrf

    def blob(self, sha256: str) -> bytes:
        with self.archive.blobs.open(sha256) as f:
            data: bytes = f.read()
        return data

    def item(self, item_id: str):  # noqa: ANN201 - the core Item
        (found,) = [i for i in list_items(self.archive) if i.id == item_id]
        return found


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once (argon2, signing and matching are slow); each test copies it."""
    directory = tmp_path_factory.mktemp("media-template") / "archive"
    work = directory.parent
    clip = render_flight(work / "coffee.mp4", "coffee", seconds=8, width=320, height=180)
    other = render_flight(work / "rocket.mp4", "rocket", seconds=3, width=320, height=180)
    archive = init_archive(directory)
    try:
        ingest(archive, [str(clip)], source="Channel A", actor="alice")
        repost = reencode(clip, work / "repost.mp4", bitrate=150_000)
        ingest(
            archive,
            [str(repost)],
            source="Telegram: @reposts",
            actor="alice",
            published_at=datetime(2024, 3, 14, 9, 30, tzinfo=UTC),
        )
        still = render_still(work / "still.jpg", "astronaut", width=640, height=480)
        ingest(archive, [str(still)], source="Telegram: @stills", actor="alice")
        ingest(archive, [str(other)], source="Channel B", actor="alice")
        for role in ROLES:
            accounts.add_user(archive, role, role=role, password=PASSWORD, by="root")
    finally:
        archive.close()
    return directory


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Iterator[Workspace]:
    directory = tmp_path / "archive"
    shutil.copytree(template, directory)
    archive = Archive.open(directory)
    by_name = {i.original_name: i.id for i in list_items(archive)}
    app = create_app(directory)
    yield Workspace(
        archive,
        app,
        by_name["coffee.mp4"],
        by_name["repost.mp4"],
        by_name["still.jpg"],
        by_name["rocket.mp4"],
    )
    app.state.archive.close()
    archive.close()


def high_frequency(jpeg: bytes) -> float:
    """The energy of the fine detail (edges, texture, features): the mean absolute difference
    between the picture and itself smoothed over a couple of pixels."""
    gray = Image.open(io.BytesIO(jpeg)).convert("L")
    smooth = gray.filter(ImageFilter.GaussianBlur(2))
    return float(np.abs(np.asarray(gray, float) - np.asarray(smooth, float)).mean())


def actions_about(ws: Workspace, item_id: str) -> list[tuple[str, str]]:
    sha = ws.item(item_id).sha256
    return [(e.action, e.actor) for e in entries(ws.archive, subject_sha256=sha)]


def picture_routes(ws: Workspace, item_id: str) -> list[str]:
    found = ws.item(item_id)
    pages = [f"/items/{item_id}/thumbnail"]
    pages += [f"/items/{item_id}/keyframes/{n}" for n in range(len(found.keyframes))]
    return pages + ["/api" + p for p in pages]


def originals_of(ws: Workspace, item_id: str) -> set[bytes]:
    """Every original picture of the item a route could leak: its keyframes, or a still's
    thumbnail as served before it was marked."""
    found = ws.item(item_id)
    return {ws.blob(sha) for sha in found.keyframes}


# -- blurred on the server, everywhere, for everyone -------------------------------------------


def test_a_sensitive_items_pictures_are_blurred_on_every_route_for_every_role(
    ws: Workspace,
) -> None:
    client, _ = ws.session("analyst")
    still_before = client.get(f"/items/{ws.still}/thumbnail")
    assert still_before.headers["x-blurred"] == "false"
    mark_item_sensitive(ws.archive, ws.clip, True, accounts.get_user(ws.archive, "analyst"))
    mark_item_sensitive(ws.archive, ws.still, True, "alice")
    for role in ROLES:
        client, _ = ws.session(role)
        token = accounts.issue_token(ws.archive, role, by="root")
        for item_id in (ws.clip, ws.repost, ws.still):  # the repost: a copy of the same footage
            originals = originals_of(ws, item_id) | {still_before.content}
            for url in picture_routes(ws, item_id):
                headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}
                got = (ws.client() if headers else client).get(url, headers=headers)
                assert got.status_code == 200, (role, url, got.text)
                assert got.headers["content-type"] == "image/jpeg"
                assert got.headers["x-blurred"] == "true", (role, url)
                assert got.content not in originals, (role, url)
                if "/keyframes/" in url:
                    n = int(url.rsplit("/", 1)[1])
                    original = ws.blob(ws.item(item_id).keyframes[n])
                    assert high_frequency(got.content) < 0.1 * high_frequency(original)
                    same = Image.open(io.BytesIO(original)).size
                    assert Image.open(io.BytesIO(got.content)).size == same  # layout kept
            for url in (f"/items/{item_id}/original", f"/api/items/{item_id}/original"):
                headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}
                refused = (ws.client() if headers else client).get(url, headers=headers)
                if ws.item(item_id).kind == "video":
                    assert refused.status_code == 403 and "reveal it" in refused.text
                else:
                    assert refused.status_code == 404  # a still: nothing to play
        grid = client.get("/").text
        for item_id in (ws.clip, ws.repost, ws.still):
            card = _card(grid, item_id)
            assert 'data-testid="thumb"' in card and 'data-blurred="true"' in card
        assert 'data-blurred="false"' in _card(grid, ws.other)
        page = client.get(f"/items/{ws.clip}").text
        assert "<video" not in page and 'data-testid="reveal"' in page
        assert 'data-blurred="false"' not in page
        assert "marked sensitive" in page


def test_the_blur_leaves_nothing_to_recognise(ws: Workspace) -> None:
    client, _ = ws.session("viewer")
    sharp = client.get(f"/items/{ws.still}/thumbnail").content
    mark_item_sensitive(ws.archive, ws.still, True, "alice")
    blurred = client.get(f"/items/{ws.still}/thumbnail").content
    assert high_frequency(blurred) < 0.1 * high_frequency(sharp)
    # what is left is at most a dozen pixels across of colour: shrinking it loses nothing more
    picture = Image.open(io.BytesIO(blurred)).convert("L")
    small = picture.resize((12, 9), Image.Resampling.BOX).resize(picture.size)
    diff = np.abs(np.asarray(picture, dtype=float) - np.asarray(small, dtype=float)).mean()
    assert diff < 6


def _card(grid: str, item_id: str) -> str:
    found = re.search(
        r'<article class="card[^"]*" data-testid="item-card">\s*<a href="/items/'
        + item_id
        + r'">(.*?)</article>',
        grid,
        re.S,
    )
    assert found, item_id
    return found.group(1)


# -- revealing --------------------------------------------------------------------------------


def test_a_reveal_logs_one_entry_by_the_account_and_opens_that_session_only(
    ws: Workspace,
) -> None:
    mark_item_sensitive(ws.archive, ws.clip, True, "alice")
    alice, csrf = ws.session("analyst")
    other_tab, _ = ws.session("analyst")  # the same account, another session
    viewer, _ = ws.session("viewer")
    before = len(entries(ws.archive))
    done = alice.post(f"/items/{ws.clip}/reveal", data={"csrf": csrf})
    assert done.status_code == 303 and done.headers["location"] == f"/items/{ws.clip}"
    assert len(entries(ws.archive)) == before + 1
    reveals = [a for a in actions_about(ws, ws.clip) if a[0] == "media.reveal"]
    assert reveals == [("media.reveal", "analyst")]
    keyframe = ws.blob(ws.item(ws.clip).keyframes[0])
    seen = alice.get(f"/items/{ws.clip}/keyframes/0")
    assert seen.headers["x-blurred"] == "false" and seen.content == keyframe
    assert alice.get(f"/items/{ws.clip}/original").status_code == 200
    page = alice.get(f"/items/{ws.clip}").text
    assert "<video" in page and 'data-testid="revealed"' in page
    custody = page.split('data-testid="custody"', 1)[1]
    assert re.search(r"<td>analyst</td><td>media\.reveal</td>", custody)
    for stranger in (other_tab, viewer):
        got = stranger.get(f"/items/{ws.clip}/keyframes/0")
        assert got.headers["x-blurred"] == "true" and got.content != keyframe
        assert stranger.get(f"/items/{ws.clip}/original").status_code == 403
    anonymous = ws.client()
    assert anonymous.get(f"/items/{ws.clip}/keyframes/0").status_code == 303  # to the login
    # only the revealed item: its repost is still blurred for alice
    assert alice.get(f"/items/{ws.repost}/keyframes/0").headers["x-blurred"] == "true"


def test_logging_out_ends_the_reveal(ws: Workspace) -> None:
    mark_item_sensitive(ws.archive, ws.clip, True, "alice")
    client, csrf = ws.session("viewer")
    cookie = str(client.cookies.get("corroborate_session"))
    client.post(f"/items/{ws.clip}/reveal", data={"csrf": csrf})
    client.post("/logout", data={"csrf": csrf})
    thief = ws.client()
    thief.cookies.set("corroborate_session", cookie)
    assert thief.get(f"/items/{ws.clip}/keyframes/0").status_code == 303  # the session is gone


def test_a_reveal_without_its_csrf_token_is_refused_and_logs_nothing(ws: Workspace) -> None:
    mark_item_sensitive(ws.archive, ws.clip, True, "alice")
    client, csrf = ws.session("admin")
    before = len(entries(ws.archive))
    for data in ({}, {"csrf": "forged"}, {"csrf": csrf[:-1]}):
        refused = client.post(f"/items/{ws.clip}/reveal", data=data)
        assert refused.status_code == 403 and "CSRF" in refused.text
    api = client.post(f"/api/items/{ws.clip}/reveal")  # a cookie on the API needs it too
    assert api.status_code == 403 and api.json()["error"]["code"] == "csrf"
    assert len(entries(ws.archive)) == before
    assert client.get(f"/items/{ws.clip}/keyframes/0").headers["x-blurred"] == "true"
    assert client.get(f"/items/{ws.clip}/original").status_code == 403


def test_an_api_token_reveals_for_itself_only(ws: Workspace) -> None:
    mark_item_sensitive(ws.archive, ws.clip, True, "alice")
    mine = {"Authorization": f"Bearer {accounts.issue_token(ws.archive, 'viewer', by='root')}"}
    theirs = {"Authorization": f"Bearer {accounts.issue_token(ws.archive, 'viewer', by='root')}"}
    client = ws.client()
    assert client.get(f"/api/items/{ws.clip}/original", headers=mine).status_code == 403
    done = client.post(f"/api/items/{ws.clip}/reveal", headers=mine)
    assert done.status_code == 200 and done.json()["item"] == ws.clip
    assert done.json()["revealed_until"]
    assert client.get(f"/api/items/{ws.clip}/original", headers=mine).status_code == 200
    assert client.get(f"/api/items/{ws.clip}/original", headers=theirs).status_code == 403
    thumb = client.get(f"/api/items/{ws.clip}/thumbnail", headers=theirs)
    assert thumb.headers["x-blurred"] == "true"


def test_revealing_an_item_that_is_not_sensitive_logs_nothing(ws: Workspace) -> None:
    client, csrf = ws.session("viewer")
    before = len(entries(ws.archive))
    assert client.post(f"/items/{ws.other}/reveal", data={"csrf": csrf}).status_code == 303
    assert len(entries(ws.archive)) == before


# -- downloads ----------------------------------------------------------------------------------


def test_downloading_a_sensitive_original_is_logged_and_others_are_not(ws: Workspace) -> None:
    mark_item_sensitive(ws.archive, ws.clip, True, "alice")
    client, csrf = ws.session("viewer")
    got = client.post(f"/items/{ws.clip}/download", data={"csrf": csrf})
    assert got.status_code == 200
    assert got.content == ws.blob(ws.item(ws.clip).sha256)
    assert got.headers["content-disposition"].startswith('attachment; filename="coffee.mp4"')
    downloads = [a for a in actions_about(ws, ws.clip) if a[0] == "media.download"]
    assert downloads == [("media.download", "viewer")]
    before = len(entries(ws.archive))
    plain = client.post(f"/items/{ws.other}/download", data={"csrf": csrf})
    assert plain.status_code == 200 and plain.content == ws.blob(ws.item(ws.other).sha256)
    assert len(entries(ws.archive)) == before  # not sensitive: no entry (see README)
    refused = client.post(f"/items/{ws.clip}/download")
    assert refused.status_code == 403
    assert [a for a in actions_about(ws, ws.clip) if a[0] == "media.download"] == downloads
    page = client.get(f"/items/{ws.clip}").text.split('data-testid="custody"', 1)[1]
    assert re.search(r"<td>viewer</td><td>media\.download</td>", page)


# -- who may mark ---------------------------------------------------------------------------------


def test_a_viewer_cannot_mark_an_item_sensitive_an_analyst_and_an_admin_can(
    ws: Workspace,
) -> None:
    viewer, csrf = ws.session("viewer")
    assert 'data-testid="mark-sensitive"' not in viewer.get(f"/items/{ws.clip}").text
    token = accounts.issue_token(ws.archive, "viewer", by="root")
    before = len(entries(ws.archive))
    refused = viewer.post(f"/items/{ws.clip}/sensitive", data={"csrf": csrf})
    assert refused.status_code == 403 and "viewer is a viewer" in refused.text
    api = ws.client().post(
        f"/api/items/{ws.clip}/sensitive",
        json={"sensitive": True},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 403
    assert len(entries(ws.archive)) == before and not ws.item(ws.clip).marked_sensitive

    analyst, csrf = ws.session("analyst")
    assert 'data-testid="mark-sensitive"' in analyst.get(f"/items/{ws.clip}").text
    done = analyst.post(f"/items/{ws.clip}/sensitive", data={"csrf": csrf, "sensitive": "on"})
    assert done.status_code == 303 and ws.item(ws.clip).marked_sensitive
    assert ("item.sensitive", "analyst") in actions_about(ws, ws.clip)
    token = accounts.issue_token(ws.archive, "admin", by="root")
    off = ws.client().post(
        f"/api/items/{ws.clip}/sensitive",
        json={"sensitive": False},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert off.status_code == 200
    assert off.json() == {"item": ws.clip, "marked": False, "sensitive": []}
    assert ("item.sensitive", "admin") in actions_about(ws, ws.clip)
    assert analyst.get(f"/items/{ws.clip}/keyframes/0").headers["x-blurred"] == "false"


# -- incidents make their evidence sensitive ----------------------------------------------------


def _incident(**overrides: object) -> IncidentInput:
    data: dict[str, object] = dict(
        title="Captured soldiers shot near a treeline",
        type="execution-hors-de-combat",
        date="2024-10-10",
        place="Robotyne",
        latitude="47.4453",
        longitude="35.8408",
        perpetrator="Party A",
        victim_party="Party B",
        killed="3",
        victim_category="hors-de-combat",
    )
    data.update(overrides)
    return IncidentInput(**data)  # type: ignore[arg-type]


def test_an_incident_marked_sensitive_blurs_its_evidence_and_every_copy(ws: Workspace) -> None:
    ref = create_incident(ws.archive, _incident(), actor="alice").id
    link_evidence(ws.archive, ref, ws.clip, role="primary", actor="alice")
    client, _ = ws.session("viewer")
    assert client.get(f"/items/{ws.clip}/thumbnail").headers["x-blurred"] == "false"
    edit_incident(ws.archive, ref, _incident(sensitive=True), actor="alice")
    for item_id in (ws.clip, ws.repost):
        assert client.get(f"/items/{item_id}/thumbnail").headers["x-blurred"] == "true"
        assert client.get(f"/items/{item_id}/original").status_code == 403
    assert client.get(f"/items/{ws.other}/thumbnail").headers["x-blurred"] == "false"
    page = client.get(f"/items/{ws.clip}").text
    assert f"evidence of {ref}, marked sensitive" in page
    shown = client.get(f"/api/items/{ws.repost}", headers={}).json()
    assert shown["sensitive"] == [f"shares footage with evidence of {ref}, marked sensitive"]
    edit_incident(ws.archive, ref, _incident(sensitive=False), actor="alice")
    assert client.get(f"/items/{ws.clip}/thumbnail").headers["x-blurred"] == "false"


def test_a_footage_cluster_linked_to_a_sensitive_incident_blurs_its_copies(
    ws: Workspace,
) -> None:
    token = accounts.issue_token(ws.archive, "viewer", by="root")
    headers = {"Authorization": f"Bearer {token}"}
    (cluster,) = ws.client().get(f"/api/items/{ws.clip}", headers=headers).json()["footage"]
    ref = create_incident(ws.archive, _incident(sensitive=True), actor="alice").id
    link_evidence(ws.archive, ref, cluster["id"], role="primary", actor="alice")
    listed = ws.client().get("/api/items", headers=headers).json()["items"]
    blurred = {i["id"] for i in listed if i["sensitive"]}
    assert blurred == {ws.clip, ws.repost}


# -- the player: seekable, streamed ------------------------------------------------------------


def test_the_player_streams_the_original_with_range_requests(ws: Workspace) -> None:
    client, _ = ws.session("viewer")
    original = ws.blob(ws.item(ws.clip).sha256)
    size = len(original)
    url = f"/items/{ws.clip}/original"
    whole = client.get(url)
    assert whole.status_code == 200 and whole.content == original
    assert whole.headers["accept-ranges"] == "bytes"
    assert whole.headers["content-type"] == "video/mp4"
    part = client.get(url, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206 and part.content == original[100:1100]
    assert part.headers["content-range"] == f"bytes 100-1099/{size}"
    assert part.headers["content-length"] == "1000"
    tail = client.get(url, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.content == original[-50:]
    rest = client.get(url, headers={"Range": f"bytes={size - 10}-"})
    assert rest.status_code == 206 and rest.content == original[-10:]
    past = client.get(url, headers={"Range": f"bytes={size}-"})
    assert past.status_code == 416 and past.headers["content-range"] == f"bytes */{size}"
    several = client.get(url, headers={"Range": "bytes=0-1,5-9"})  # not served: the whole file
    assert several.status_code == 200 and several.content == original


def test_byte_ranges_are_read_as_rfc_9110_says() -> None:
    assert byte_range(None, 100) is None
    assert byte_range("bytes=0-9", 100) == (0, 9)
    assert byte_range("bytes=90-500", 100) == (90, 99)
    assert byte_range("bytes=-10", 100) == (90, 99)
    assert byte_range("bytes=-500", 100) == (0, 99)
    assert byte_range("bytes=100-", 100) == "unsatisfiable"
    assert byte_range("bytes=9-2", 100) == "unsatisfiable"
    assert byte_range("bytes=-0", 100) == "unsatisfiable"
    for ignored in (
        "bytes=-",
        "items=0-9",
        "bytes=a-b",
        "bytes=0-1,3-4",
        "bytes=" + "9" * 5000 + "-",
    ):
        assert byte_range(ignored, 100) is None


def test_the_item_page_has_a_player_whose_time_ranges_jump_it(ws: Workspace) -> None:
    client, _ = ws.session("viewer")
    page = client.get(f"/items/{ws.repost}").text
    assert f'<video id="player" controls preload="metadata" src="/items/{ws.repost}/original"' in (
        page
    )
    banner = page.split('data-testid="shared-footage"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'data-seek="[0-9.]+" data-testid="seek">00:00-00:0[78]<', banner)
    assert re.search(rf'href="/items/{ws.clip}#t=[0-9.]+" class="range"', banner)
    assert '<script src="/static/player.js" defer></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script (CSP 'self')
    assert " on" + "click=" not in page
    script = client.get("/static/player.js")
    assert script.status_code == 200 and "currentTime" in script.text


# -- filters --------------------------------------------------------------------------------------


def _ids(response_json: dict[str, list[dict[str, object]]]) -> set[object]:
    return {i["id"] for i in response_json["items"]}


def test_filters_narrow_the_grid_and_the_api_alike(ws: Workspace) -> None:
    client, _ = ws.session("viewer")
    token = accounts.issue_token(ws.archive, "viewer", by="root")
    headers = {"Authorization": f"Bearer {token}"}
    today = datetime.now(UTC).date().isoformat()
    cases = [
        ("source=telegram", "source=telegram", {ws.repost, ws.still}),
        ("source=%40reposts", "source=%40reposts", {ws.repost}),
        ("source=_", "source=_", set()),  # `_` is a letter, not a wildcard
        ("shares=1", "shares_footage=true", {ws.clip, ws.repost}),
        ("kind=image", "kind=image", {ws.still}),
        (
            "dated=published&since=2024-03-01&until=2024-03-31",
            "dated=published&since=2024-03-01&until=2024-03-31",
            {ws.repost},
        ),
        ("dated=published&until=2024-03-13", "dated=published&until=2024-03-13", set()),
        (f"since={today}", f"since={today}", {ws.clip, ws.repost, ws.still, ws.other}),
        ("until=2020-01-01", "until=2020-01-01", set()),
        ("shares=1&source=channel", "shares_footage=true&source=channel", {ws.clip}),
    ]
    everything = {ws.clip, ws.repost, ws.still, ws.other}
    for page_query, api_query, expected in cases:
        grid = client.get(f"/?{page_query}")
        assert grid.status_code == 200, (page_query, grid.text)
        shown = {i for i in everything if f'href="/items/{i}"' in grid.text}
        assert shown == expected, page_query
        api = client.get(f"/api/items?{api_query}", headers=headers)
        assert api.status_code == 200 and _ids(api.json()) == expected, api_query


def test_an_invalid_filter_is_a_422_with_a_clear_message(ws: Workspace) -> None:
    client, _ = ws.session("viewer")
    token = accounts.issue_token(ws.archive, "viewer", by="root")
    headers = {"Authorization": f"Bearer {token}"}
    for query, words in (
        ("since=2024-13-01", "since: '2024-13-01' is not a date"),
        ("until=yesterday", "until: 'yesterday' is not a date"),
        ("since=2024-05-01&until=2024-04-01", "is after until"),
        ("dated=uploaded", "dated: 'uploaded' is not one of archived, published"),
    ):
        page = client.get(f"/?{query}")
        assert page.status_code == 422 and "Traceback" not in page.text
        assert words in html.unescape(page.text)
        api = client.get(f"/api/items?{query}", headers=headers)
        assert api.status_code == 422
        assert api.json()["error"]["code"] == "invalid_filter"
        assert words in api.json()["error"]["message"]
    markup = client.get("/?since=<script>x</script>")
    assert markup.status_code == 422 and "<script>x" not in markup.text


def test_the_cli_filters_and_marks_as_the_api_does(ws: Workspace) -> None:
    from corroborate.cli import app

    env = {"CORROBORATE_ARCHIVE": str(ws.archive.dir), "COLUMNS": "200"}
    runner = CliRunner()

    def cli(*args: str) -> object:
        result = runner.invoke(app, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    marked = cli("sensitive", ws.clip, "--as", "carol", "--json")
    assert marked == {"item": ws.clip, "marked": True, "sensitive": ["marked sensitive"]}
    assert ("item.sensitive", "carol") in actions_about(ws, ws.clip)
    token = accounts.issue_token(ws.archive, "viewer", by="root")
    headers = {"Authorization": f"Bearer {token}"}
    for args, query in (
        ((), ""),
        (("--source", "telegram"), "source=telegram"),
        (("--shares-footage",), "shares_footage=true"),
        (("--dated", "published", "--since", "2024-03-14"), "dated=published&since=2024-03-14"),
    ):
        api = ws.client().get(f"/api/items?{query}", headers=headers).json()
        assert cli("items", *args, "--json") == api
    listed = cli("items", "--json")
    assert isinstance(listed, dict)
    sensitive = {i["id"]: i["sensitive"] for i in listed["items"]}
    assert sensitive[ws.clip] == ["marked sensitive"] and sensitive[ws.repost]
    assert sensitive[ws.other] == []
    bad = runner.invoke(app, ["items", "--since", "2024-02-30"], env=env)
    assert bad.exit_code == 2
    assert "since: '2024-02-30' is not a date" in bad.output
    assert "Traceback" not in bad.output
    off = cli("sensitive", ws.clip, "--off", "--json")
    assert off == {"item": ws.clip, "marked": False, "sensitive": []}


def test_the_player_never_sends_a_page_or_a_script_inline(ws: Workspace) -> None:
    import sqlite3

    db = sqlite3.connect(ws.archive.dir / "archive.db", isolation_level=None)
    db.execute(f"update items set mime='text/html' where id='{ws.clip}'")  # a lying type
    db.close()
    client, _ = ws.session("viewer")
    got = client.get(f"/items/{ws.clip}/original")
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"].startswith("inline; filename=")


def test_a_swapped_still_is_not_pictured(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    from corroborate.report import media

    client, _ = ws.session("viewer")
    genuine = client.get(f"/items/{ws.still}/thumbnail").content
    path = ws.archive.blobs.local_path(ws.item(ws.still).sha256)
    path.chmod(0o644)
    path.write_bytes(Image.new("RGB", (8, 8)).tobytes() + b"swapped")
    # made from checked bytes and kept by their SHA-256: still the item's own picture
    assert client.get(f"/items/{ws.still}/thumbnail").content == genuine
    monkeypatch.setattr(media, "_PICTURES", media._Pictures())  # a fresh server process
    got = client.get(f"/items/{ws.still}/thumbnail")
    assert got.status_code == 500 and "does not match its SHA-256" in got.text
