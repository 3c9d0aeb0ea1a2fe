"""Uploads and pasted links in the web workspace, from the analyst's side and the attacker's: a
repost of footage that is already evidence is flagged with the copy, its time range and the
incident; bad files get the CLI's one-line errors; hostile names are made harmless; an upload
cut off half-way (a real server, a real socket) leaves nothing behind and the archive verifies."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from corroborate import accounts
from corroborate.archive import get_item, list_items, verify_archive
from corroborate.custody import entries
from corroborate.custody.setup import init_archive
from corroborate.incidents import create_incident, link_evidence
from corroborate.samples import render_flight
from corroborate.samples.transforms import reencode
from corroborate.storage.archive import Archive
from corroborate.testing.http import LOCAL_ONLY, local_site
from corroborate.web import create_app
from incident_fixtures import execution

PASSWORD = "correct horse battery"
ROLES = ("viewer", "analyst", "reviewer", "admin")
REPORT = Path(__file__).resolve().parent / "data" / "reports" / "fleeing-soldier-drone.txt"


@dataclass
class Files:
    clip: Path
    repost: Path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    """An 8 s clip (long enough to be matched) and a low-bitrate re-encode of it, a repost."""
    root = tmp_path_factory.mktemp("upload-footage")
    clip = render_flight(root / "coffee.mp4", "coffee", seconds=8, width=320, height=180)
    return Files(clip, reencode(clip, root / "repost.mp4", bitrate=150_000))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty archive with an account of each role (argon2 makes them slow: made once)."""
    directory = tmp_path_factory.mktemp("uploads-template") / "archive"
    archive = init_archive(directory)
    try:
        for role in ROLES:
            accounts.add_user(archive, role, role=role, password=PASSWORD, by="root")
    finally:
        archive.close()
    return directory


@dataclass
class Workspace:
    archive: Archive
    directory: Path
    apps: list[FastAPI] = field(default_factory=list)

    def client(self, **options: Any) -> TestClient:
        """A client of a new app over this archive (`create_app` options: policy, cap)."""
        app = create_app(self.directory, **options)
        self.apps.append(app)
        return TestClient(app, base_url="http://testserver", follow_redirects=False)


@pytest.fixture
def workspace(template: Path, tmp_path: Path) -> Iterator[Workspace]:
    directory = tmp_path / "archive"
    shutil.copytree(template, directory)
    archive = Archive.open(directory)
    ws = Workspace(archive, directory)
    yield ws
    for app in ws.apps:
        app.state.archive.close()
    archive.close()


def logged_in(client: TestClient, role: str) -> str:
    """Log the client in as `role` (a session made by the library); its CSRF token."""
    archive: Archive = client.app.state.archive  # type: ignore[attr-defined]
    session = accounts.start_session(archive, accounts.get_user(archive, role))
    client.cookies.set("corroborate_session", session.cookie)
    return session.csrf


def put(client: TestClient, name: str, data: bytes, csrf: str, **params: str) -> httpx.Response:
    response: httpx.Response = client.put(
        "/api/uploads",
        params={"name": name, **params},
        content=data,
        headers={"X-CSRF-Token": csrf, "Content-Type": "application/octet-stream"},
    )
    return response


@dataclass(frozen=True)
class State:
    """Everything an upload could leave behind."""

    items: int
    custody: int
    blobs: frozenset[str]
    temporaries: tuple[str, ...]


def state(archive: Archive) -> State:
    tmp = Path(archive.blobs.root) / "tmp"
    return State(
        len(list_items(archive)),
        len(entries(archive)),
        frozenset(archive.blobs.iter_digests()),
        tuple(sorted(p.name for p in tmp.iterdir())),
    )


# -- the story: a repost of footage that is already evidence --------------------------------------


def test_a_reposted_clip_is_flagged_with_the_first_copy_its_range_and_its_incident(
    workspace: Workspace, files: Files
) -> None:
    client = workspace.client()
    csrf = logged_in(client, "analyst")
    first = put(client, "coffee.mp4", files.clip.read_bytes(), csrf, source="Telegram: @front")
    assert first.status_code == 200, first.text
    clip = first.json()
    assert clip["new"] is True and clip["kind"] == "video" and clip["shared_footage"] == []
    assert get_item(workspace.archive, clip["item_id"]).archived_by == "analyst"

    incident = create_incident(workspace.archive, execution(), actor="analyst").id
    link_evidence(workspace.archive, incident, clip["item_id"], role="primary", actor="analyst")

    second = put(client, "repost.mp4", files.repost.read_bytes(), csrf)
    assert second.status_code == 200, second.text
    repost = second.json()
    assert repost["new"] is True
    (shared,) = repost["shared_footage"]
    assert re.fullmatch(r"FC-\d{4}", shared["id"])
    (other,) = [i for i in shared["items"] if i["id"] != repost["item_id"]]
    assert other["id"] == clip["item_id"] and other["name"] == "coffee.mp4"
    ((start, end),) = other["ranges"]
    assert start < 1.0 and end > 6.5  # the whole 8 s clip is the shared footage
    assert other["incidents"] == [incident]
    assert shared["incidents"] == [
        {
            "incident": incident,
            "title": "Captured soldiers shot near a treeline",
            "status": "unverified",
            "through": clip["item_id"],
        }
    ]

    # the item page says the same, prominently, and the item JSON carries it
    page = client.get(f"/items/{repost['item_id']}").text
    banner = page.split('data-testid="shared-footage"', 1)[1].split("</section>", 1)[0]
    assert 'role="alert"' in page.split('data-testid="shared-footage"', 1)[0][-80:]
    assert f'href="/items/{clip["item_id"]}"' in banner and "coffee.mp4" in banner
    assert f'href="/incidents/{incident}"' in banner and "Captured soldiers" in banner
    assert re.search(r'class="range">00:0[01]-00:0[78]<', banner)
    detail = client.get(f"/api/items/{clip['item_id']}").json()
    (footage,) = detail["footage"]
    assert footage["id"] == shared["id"] and footage["incidents"][0]["incident"] == incident

    # the same bytes again: "already archived", a new sighting, the alert again
    again = put(client, "coffee (1).mp4", files.clip.read_bytes(), csrf).json()
    assert again["new"] is False and again["item_id"] == clip["item_id"]
    assert again["shared_footage"][0]["id"] == shared["id"]
    assert verify_archive(workspace.archive) == []

    # and `corroborate show` on the terminal names the incident beside the copy
    from typer.testing import CliRunner

    from corroborate.cli import app as cli_app

    env = {"CORROBORATE_ARCHIVE": str(workspace.directory), "COLUMNS": "200"}
    shown = CliRunner().invoke(cli_app, ["show", repost["item_id"]], env=env)
    assert shown.exit_code == 0, shown.output
    assert f"evidence of {incident} (unverified, linked as {clip['item_id']})" in shown.stdout


def test_the_upload_page_has_the_picker_rows_script_and_nav_for_analysts_only(
    workspace: Workspace,
) -> None:
    client = workspace.client()
    logged_in(client, "analyst")
    page = client.get("/upload")
    assert page.status_code == 200
    assert 'type="file" multiple' in page.text and 'data-testid="upload-input"' in page.text
    assert 'data-testid="link-input"' in page.text and 'src="/static/upload.js"' in page.text
    assert '<a href="/upload">Upload</a>' in page.text
    script = client.get("/static/upload.js").text
    assert "xhr.upload.onprogress" in script and "innerHTML" not in script
    assert 'data-testid", "upload-row"' in script or '"data-testid": "upload-row"' in script
    viewer = workspace.client()
    logged_in(viewer, "viewer")
    assert viewer.get("/upload").status_code == 403
    assert '<a href="/upload">' not in viewer.get("/").text


# -- bad files: the CLI's one-line errors, nothing written ---------------------------------------


def test_an_empty_upload_is_refused_in_one_line_and_leaves_nothing(
    workspace: Workspace,
) -> None:
    client = workspace.client()
    csrf = logged_in(client, "analyst")
    before = state(workspace.archive)
    for body in (b"", iter([b"", b""])):  # announced empty, and a stream that stays empty
        response = client.put(
            "/api/uploads",
            params={"name": "nothing.mp4"},
            content=body,
            headers={"X-CSRF-Token": csrf},
        )
        assert response.status_code == 400
        assert response.json()["error"] == {
            "code": "bad_input",
            "message": "nothing.mp4: empty file (0 bytes), nothing to archive",
        }
    assert state(workspace.archive) == before


def test_a_file_that_is_not_media_is_archived_as_the_cli_does_and_the_row_says_so(
    workspace: Workspace,
) -> None:
    client = workspace.client()
    csrf = logged_in(client, "analyst")
    report = put(client, "report.mp4", REPORT.read_bytes(), csrf).json()
    assert report["kind"] == "document"
    assert "named .mp4 but its content is text" in report["warning"]
    assert any("not media; archived as document" in n for n in report["notes"])
    data = bytes(range(256)) * 64
    other = put(client, "dump.bin", data, csrf).json()
    assert other["kind"] == "other" and other["error"] is None
    assert any("not media; archived as other" in n for n in other["notes"])


def test_an_upload_over_the_maximum_is_413_announced_or_not_and_leaves_nothing(
    workspace: Workspace,
) -> None:
    client = workspace.client(max_upload=100_000)
    csrf = logged_in(client, "analyst")
    before = state(workspace.archive)
    announced = put(client, "big.mp4", b"x" * 100_001, csrf)
    assert announced.status_code == 413
    body = announced.json()["error"]
    assert body["code"] == "too_large"
    assert body["message"] == (
        "big.mp4: larger (97.7 KiB) than the maximum upload of 97.7 KiB; nothing archived"
    )
    # sent without a length (chunked): refused once the cap is passed, its temporary removed
    chunked = client.put(
        "/api/uploads",
        params={"name": "big.mp4"},
        content=iter([b"y" * 60_000, b"y" * 60_000, b"y" * 60_000]),
        headers={"X-CSRF-Token": csrf},
    )
    assert chunked.status_code == 413
    assert "maximum upload of 97.7 KiB" in chunked.json()["error"]["message"]
    assert state(workspace.archive) == before
    exactly = put(client, "fits.bin", b"z" * 100_000, csrf)
    assert exactly.status_code == 200


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("note\x00.txt", "note.txt"),
        ("evil\u202egpj.txt", "evilgpj.txt"),
        ("a" * 3000 + ".txt", "a" * 200),
        ("<img src=x onerror=alert(1)>.txt", "<img src=x onerror=alert(1)>.txt"),
        ("..", "upload"),
    ],
)
def test_hostile_file_names_are_stored_harmless_and_shown_escaped(
    workspace: Workspace, given: str, stored: str
) -> None:
    client = workspace.client()
    csrf = logged_in(client, "analyst")
    response = put(client, given, f"a report called {given!r}\n".encode(), csrf)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["original_name"] == stored
    item = get_item(workspace.archive, result["item_id"])
    assert item.original_name == stored
    (sighting,) = item.sightings
    assert sighting.local_path is None and sighting.extra["via"] == "upload"
    if stored != given:  # the name as given is kept, as printable text
        assert sighting.extra["given_name"].isprintable()
    # nothing was written outside the blob store, under any name
    written = [p for p in workspace.directory.rglob("*") if p.is_file()]
    assert all("passwd" not in p.name and "win.ini" not in p.name for p in written)
    page = client.get(f"/items/{item.id}").text
    assert "<img src=x" not in page and "\u202e" not in page
    if "<img" in stored:
        assert "&lt;img src=x onerror=alert(1)&gt;.txt" in page


# -- who may upload ------------------------------------------------------------------------------


def test_a_viewer_or_a_request_without_its_csrf_token_gets_403_and_nothing_is_written(
    workspace: Workspace, files: Files
) -> None:
    client = workspace.client()
    before = state(workspace.archive)
    csrf = logged_in(client, "viewer")
    denied = put(client, "coffee.mp4", files.clip.read_bytes(), csrf)
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "forbidden"
    link = client.post(
        "/api/links", json={"url": "http://127.0.0.1/x"}, headers={"X-CSRF-Token": csrf}
    )
    assert link.status_code == 403
    analyst = workspace.client()
    logged_in(analyst, "analyst")
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        refused = analyst.put(
            "/api/uploads", params={"name": "c.mp4"}, content=b"bytes", headers=headers
        )
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf"
    assert analyst.put("/api/uploads", params={"name": "c.mp4"}, content=b"x").status_code == 403
    anonymous = workspace.client().put("/api/uploads", params={"name": "c"}, content=b"x")
    assert anonymous.status_code == 401
    assert state(workspace.archive) == before
    # a script with an analyst's token needs no CSRF token
    token = accounts.issue_token(workspace.archive, "analyst", by="root")
    scripted = workspace.client().put(
        "/api/uploads",
        params={"name": "note.txt"},
        content=b"a short note",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert scripted.status_code == 200 and scripted.json()["new"] is True


# -- pasted links --------------------------------------------------------------------------------


def test_each_pasted_link_gets_its_own_result_and_a_bad_one_never_stops_the_others(
    workspace: Workspace, files: Files
) -> None:
    client = workspace.client(fetch_policy=LOCAL_ONLY)
    csrf = logged_in(client, "analyst")
    headers = {"X-CSRF-Token": csrf}
    with local_site(files.clip.parent) as site:
        batch = [
            site.file_url("missing.mp4"),
            "http://10.0.0.1/footage.mp4",
            site.file_url("coffee.mp4"),
            "not a link",
        ]
        answers = [
            client.post("/api/links", json={"url": u, "source": "t.me/x"}, headers=headers)
            for u in batch
        ]
    missing, private, good, garbage = answers
    assert missing.status_code == 400
    assert "404" in missing.json()["error"]["message"]
    assert private.status_code == 400
    assert "10.0.0.1 is a private address" in private.json()["error"]["message"]
    assert garbage.status_code == 400 and "not a link" in garbage.json()["error"]["message"]
    assert good.status_code == 200, good.text
    (result,) = good.json()["results"]
    assert result["new"] is True and result["kind"] == "video"
    item = get_item(workspace.archive, result["item_id"])
    assert item.sightings[0].url == site.file_url("coffee.mp4")
    assert item.sightings[0].source_label == "t.me/x"
    assert len(list_items(workspace.archive)) == 1


def test_the_server_refuses_links_to_this_machine_by_default_as_the_cli_does(
    workspace: Workspace, files: Files
) -> None:
    client = workspace.client()  # no fetch policy given: public addresses only
    csrf = logged_in(client, "analyst")
    with local_site(files.clip.parent) as site:
        refused = client.post(
            "/api/links", json={"url": site.file_url("coffee.mp4")}, headers={"X-CSRF-Token": csrf}
        )
    assert refused.status_code == 400
    assert "127.0.0.1 is a loopback address" in refused.json()["error"]["message"]
    assert list_items(workspace.archive) == []


def test_the_openapi_document_describes_uploads_and_links(workspace: Workspace) -> None:
    spec = workspace.client().get("/api/openapi.json").json()
    upload = spec["paths"]["/api/uploads"]["put"]
    assert "application/octet-stream" in upload["requestBody"]["content"]
    assert {p["name"] for p in upload["parameters"]} == {"name", "source"}
    assert "post" in spec["paths"]["/api/links"]


# -- a real server: an upload cut off half-way; memory of a large one ----------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(workspace: Workspace) -> Iterator[tuple[int, int]]:
    """The workspace served by uvicorn in its own process: (port, pid)."""
    port = _free_port()
    code = (
        "import uvicorn, sys\n"
        "from corroborate.web import create_app\n"
        f"uvicorn.run(create_app(sys.argv[1]), host='127.0.0.1', port={port}, "
        "log_level='warning')\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(workspace.directory)])
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the workspace server did not start") from None
                time.sleep(0.1)
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _wait_for(check: object, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_an_upload_cut_off_half_way_leaves_nothing_behind_and_the_archive_verifies(
    workspace: Workspace, server: tuple[int, int]
) -> None:
    port, _ = server
    token = accounts.issue_token(workspace.archive, "analyst", by="root")
    before = state(workspace.archive)
    tmp = Path(workspace.archive.blobs.root) / "tmp"
    total = 8 * 1024 * 1024
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(
        (
            "PUT /api/uploads?name=cut.mp4 HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {token}\r\n"
            "Content-Type: application/octet-stream\r\n"
            f"Content-Length: {total}\r\n\r\n"
        ).encode()
    )
    block = bytes(range(256)) * 4096  # 1 MiB
    for _ in range(4):  # half the body
        sock.sendall(block)
    # the server is writing it into the blob store's temporary file ...
    assert _wait_for(lambda: any(tmp.iterdir())), "the upload never reached the blob store"
    sock.close()  # ... when the client goes away
    assert _wait_for(lambda: not any(tmp.iterdir())), "the temporary file was left behind"
    assert state(workspace.archive) == before
    assert verify_archive(workspace.archive) == []


def _peak_rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    assert found
    return int(found.group(1))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_a_large_upload_streams_through_the_server_without_growing_its_memory(
    workspace: Workspace, server: tuple[int, int]
) -> None:
    """64 MiB (benchmarks/upload_memory.py sends more): the server's peak RSS grows by less
    than a quarter of the upload, so the body was never held whole."""
    import http.client

    port, pid = server
    token = accounts.issue_token(workspace.archive, "analyst", by="root")

    def send(name: str, size: int) -> dict[str, object]:
        block = bytes(range(256)) * 4096
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.putrequest("PUT", f"/api/uploads?name={name}")
        conn.putheader("Authorization", f"Bearer {token}")
        conn.putheader("Content-Length", str(size))
        conn.endheaders()
        sent = 0
        while sent < size:
            piece = block[: min(len(block), size - sent)]
            conn.send(piece)
            sent += len(piece)
        response = conn.getresponse()
        body = json.loads(response.read())
        conn.close()
        assert response.status == 200, body
        return body  # type: ignore[no-any-return]

    send("warm.bin", 2 * 1024 * 1024)  # imports and caches on the way, before measuring
    before = _peak_rss_kib(pid)
    size = 64 * 1024 * 1024
    result = send("large.bin", size)
    grown = _peak_rss_kib(pid) - before
    print(f"peak RSS {before} KiB before, grew {grown} KiB for {size >> 20} MiB")
    assert result["size"] == size and result["new"] is True
    assert grown * 1024 < size / 4, f"peak RSS grew by {grown} KiB for a {size >> 20} MiB upload"
    assert os.path.getsize(workspace.archive.blobs.local_path(str(result["sha256"]))) == size


def test_a_multipart_upload_is_refused_with_what_to_send_instead(workspace: Workspace) -> None:
    client = workspace.client()
    csrf = logged_in(client, "analyst")
    before = state(workspace.archive)
    response = client.put(
        "/api/uploads",
        params={"name": "clip.mp4"},
        files={"file": ("clip.mp4", b"bytes of a clip")},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 400
    assert "raw request body, not as multipart/form-data" in response.json()["error"]["message"]
    assert state(workspace.archive) == before


def test_in_a_browser_each_file_and_link_gets_a_row_and_the_repost_an_alert(
    workspace: Workspace, server: tuple[int, int], files: Files, tmp_path: Path
) -> None:
    """Real Chromium against the real server: progress rows, results, the alert, errors."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{chromium} is missing: CI must run the browser tests")
        pytest.skip(f"{chromium} is missing (scripts/install installs it)")
    from playwright.sync_api import expect, sync_playwright

    port, _ = server
    base = f"http://127.0.0.1:{port}"
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    hostile = tmp_path / "evil\u202egpj.txt"
    hostile.write_text("<b>not bold</b> a short report")
    shots = Path(__file__).resolve().parent / "_screenshots"
    shots.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(base + "/login?next=/upload")
            page.fill("input[name=name]", "analyst")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            expect(page).to_have_url(base + "/upload")

            page.get_by_test_id("upload-input").set_input_files(str(files.clip))
            rows = page.get_by_test_id("upload-row")
            expect(rows).to_have_count(1)
            expect(rows.nth(0)).to_have_attribute("data-state", "done", timeout=60_000)
            expect(rows.nth(0).get_by_test_id("upload-status")).to_have_text("new")
            clip_id = rows.nth(0).get_by_test_id("upload-item").inner_text()
            incident = create_incident(workspace.archive, execution(), actor="analyst").id
            link_evidence(workspace.archive, incident, clip_id, role="primary", actor="analyst")

            page.get_by_test_id("upload-input").set_input_files(
                [str(files.repost), str(empty), str(hostile)]
            )
            expect(rows).to_have_count(4)
            for n in (1, 2, 3):
                expect(rows.nth(n)).not_to_have_attribute("data-state", re.compile("waiting|upl"))
                expect(rows.nth(n)).to_have_attribute(
                    "data-state", re.compile("done|error"), timeout=60_000
                )
            repost = rows.filter(has_text="repost.mp4")
            alert = repost.get_by_test_id("shared-footage")
            expect(alert).to_have_attribute("role", "alert")
            expect(alert).to_contain_text(clip_id)
            expect(alert).to_contain_text("coffee.mp4")
            expect(alert).to_contain_text(incident)
            expect(alert.locator(".range")).to_have_text(re.compile(r"00:0[01]-00:0[78]"))
            expect(rows.filter(has_text="empty.mp4").get_by_test_id("error")).to_have_text(
                "empty.mp4: empty file (0 bytes), nothing to archive"
            )
            note = rows.filter(has_text="not media").get_by_test_id("upload-note")
            expect(note).to_contain_text("evilgpj.txt: not media")
            assert page.locator("b", has_text="not bold").count() == 0
            names = page.get_by_test_id("upload-name").all_inner_texts()
            assert "evil<U+202E>gpj.txt" in names and not any("\u202e" in n for n in names)

            page.get_by_test_id("link-input").fill("http://10.0.0.1/clip.mp4\n\n   \nnot a link\n")
            page.get_by_test_id("link-submit").click()
            expect(rows).to_have_count(6)
            expect(rows.nth(4).get_by_test_id("error")).to_contain_text(
                "10.0.0.1 is a private address", timeout=30_000
            )
            expect(rows.nth(5).get_by_test_id("error")).to_contain_text("not a link")
            page.screenshot(path=str(shots / "upload.png"), full_page=True)

            page.goto(base + "/items/" + repost.get_by_test_id("upload-item").inner_text())
            item_alert = page.get_by_test_id("shared-footage")
            expect(item_alert).to_contain_text(incident)
            page.screenshot(path=str(shots / "item-shared-footage.png"), full_page=True)
            assert not errors, errors
        finally:
            browser.close()


# -- the library function itself (what the CLI or a script would call) ---------------------------


def test_a_stream_that_breaks_off_is_told_as_interrupted_and_leaves_nothing(
    workspace: Workspace,
) -> None:
    from corroborate.accounts import AccessError
    from corroborate.archive import UploadInterrupted, ingest_stream

    before = state(workspace.archive)
    consumed: list[int] = []

    def breaking() -> Iterator[bytes]:
        for n in range(3):
            consumed.append(n)
            yield b"x" * 1000
        raise ConnectionResetError("peer went away")

    with pytest.raises(UploadInterrupted) as caught:
        ingest_stream(workspace.archive, breaking(), "clip.mp4", actor="alice")
    assert str(caught.value) == (
        "clip.mp4: upload interrupted after 2.9 KiB (ConnectionResetError); nothing archived"
    )
    assert isinstance(caught.value.__cause__, ConnectionResetError)
    assert state(workspace.archive) == before

    consumed.clear()
    viewer = accounts.get_user(workspace.archive, "viewer")
    with pytest.raises(AccessError, match="viewer is a viewer"):
        ingest_stream(workspace.archive, breaking(), "clip.mp4", actor=viewer)
    assert consumed == [], "a refused account's upload is not read at all"
    assert state(workspace.archive) == before
