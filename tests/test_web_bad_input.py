"""Every bad input issue 13 names, sent to the workspace as a careless user or an attacker would:
each gets one clear message, the right status, a stable JSON code, no stack trace and no
server path, and nothing is half-written (the custody log, every table's rows and the blob
folder are the same before and after)."""

from __future__ import annotations

import re
import shutil
import sqlite3
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from corroborate import accounts
from corroborate.archive import ingest, list_items
from corroborate.custody import entries
from corroborate.custody.setup import init_archive
from corroborate.db import utcnow
from corroborate.samples import render_flight
from corroborate.storage.archive import Archive
from corroborate.web import create_app

PASSWORD = "correct horse battery"
ROLES = ("viewer", "analyst", "reviewer", "admin")
SRC = Path(__file__).resolve().parents[1] / "src"
# Rows that change on every request by design (sessions, failed-login counts, token use times):
# not evidence, not signed, and not what "nothing half-written" is about.
VOLATILE_TABLES = {"web_sessions", "login_failures", "api_token_uses", "alembic_version"}


class CheckedClient(TestClient):
    """A test client that refuses any answer showing a trace or a path of the server."""

    forbidden: tuple[str, ...] = ()

    def request(self, *args: Any, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        response = super().request(*args, **kwargs)
        text = response.content.decode("utf-8", "replace")
        for needle in ("Traceback", 'File "/', "site-packages", *self.forbidden):
            assert needle not in text, f"{response.request.url} shows {needle!r}:\n{text[:2000]}"
        return response


@dataclass
class Workspace:
    archive: Archive
    app: FastAPI
    item_id: str

    def client(self, **kwargs: Any) -> CheckedClient:
        client = CheckedClient(self.app, base_url="http://testserver", follow_redirects=False)
        client.forbidden = (
            str(SRC),
            str(self.archive.dir),
            str(Path(self.archive.dir).resolve()),
            sys.prefix + "/lib",
        )
        return client

    def as_role(self, role: str) -> tuple[CheckedClient, str]:
        """A client logged in (through the form) as the account named after `role`."""
        client = self.client()
        return client, login(client, role)

    def bearer(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {accounts.issue_token(self.archive, role, by='root')}"}

    def state(self) -> dict[str, object]:
        """What must not change when a request is refused: custody log, rows, blob files."""
        conn = sqlite3.connect(Path(self.archive.dir) / "archive.db")
        try:
            tables = [
                name
                for (name,) in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
                if name not in VOLATILE_TABLES
            ]
            rows = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
            versions = conn.execute("SELECT id, version FROM incidents ORDER BY id").fetchall()
        finally:
            conn.close()
        files = sorted(
            str(p.relative_to(self.archive.dir))
            for p in Path(self.archive.dir).rglob("*")
            if p.is_file() and not p.name.startswith("archive.db")
        )
        return {
            "custody": len(entries(self.archive)),
            "rows": rows,
            "incident versions": versions,
            "files": files,
        }


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: an archive with one clip and an account of each role."""
    directory = tmp_path_factory.mktemp("bad-input-template") / "archive"
    clip = render_flight(
        directory.parent / "coffee.mp4", "coffee", seconds=3, width=320, height=180
    )
    archive = init_archive(directory)
    try:
        ingest(archive, [str(clip)], source="Telegram: @frontline_clips", actor="alice")
        for role in ROLES:
            accounts.add_user(archive, role, role=role, password=PASSWORD, by="root")
    finally:
        archive.close()
    return directory


@pytest.fixture
def workspace(template: Path, tmp_path: Path) -> Iterator[Workspace]:
    directory = tmp_path / "archive"
    shutil.copytree(template, directory)
    archive = Archive.open(directory)
    (item,) = list_items(archive)
    app = create_app(directory)
    yield Workspace(archive, app, item.id)
    app.state.archive.close()
    archive.close()


def _csrf_in(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in through the form; the session's CSRF token (read from the next page)."""
    csrf = _csrf_in(client.get("/login").text)
    response = client.post(
        "/login", data={"name": name, "password": password, "csrf": csrf, "next": "/"}
    )
    assert response.status_code == 303, response.text
    return _csrf_in(client.get("/").text)


def assert_json_error(response: httpx.Response, status: int, code: str, says: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code, error
    assert says in error["message"], error
    assert "\n" not in error["message"].strip()  # one line


def assert_page_error(response: httpx.Response, status: int, says: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert says in response.text, response.text
    assert 'role="alert"' in response.text  # the message is where a reader (and AT) finds it


# -- accounts and sessions ----------------------------------------------------------------------


def test_a_wrong_password_is_401_with_the_form_again_and_no_session(workspace: Workspace) -> None:
    client = workspace.client()
    before = workspace.state()
    csrf = _csrf_in(client.get("/login").text)
    response = client.post("/login", data={"name": "analyst", "password": "nope", "csrf": csrf})
    assert_page_error(response, 401, "wrong account name or password")
    assert "corroborate_session" not in response.headers.get("set-cookie", "")
    assert 'name="password"' in response.text  # the form, to try again
    unknown = client.post("/login", data={"name": "mallory", "password": "x", "csrf": csrf})
    assert_page_error(unknown, 401, "wrong account name or password")  # no account oracle
    assert client.get("/api/me").status_code == 401
    assert workspace.state() == before


def test_an_expired_session_redirects_pages_to_login_and_the_api_answers_401(
    workspace: Workspace,
) -> None:
    client, csrf = workspace.as_role("analyst")
    assert client.get("/api/me").status_code == 200
    _expire_sessions(workspace)
    before = workspace.state()
    page = client.get(f"/items/{workspace.item_id}")
    assert page.status_code == 303
    assert page.headers["location"] == f"/login?next=/items/{workspace.item_id}"
    assert_json_error(client.get("/api/me"), 401, "not_logged_in", "expired")
    form = client.post(
        "/admin/users", data={"name": "eve", "role": "admin", "password": PASSWORD, "csrf": csrf}
    )
    assert_page_error(form, 401, "expired")
    assert workspace.state() == before


def _expire_sessions(workspace: Workspace) -> None:
    """Every session's expiry moved into the past, as twelve hours of waiting would."""
    conn = sqlite3.connect(Path(workspace.archive.dir) / "archive.db")
    try:
        past = (utcnow() - timedelta(minutes=1)).isoformat(sep=" ")
        conn.execute("UPDATE web_sessions SET expires_at = ?", (past,))
        conn.commit()
    finally:
        conn.close()


def test_an_expired_session_uploads_and_records_nothing(workspace: Workspace) -> None:
    client, csrf = workspace.as_role("analyst")
    _expire_sessions(workspace)
    before = workspace.state()
    upload = client.put(
        "/api/uploads",
        params={"name": "clip.mp4"},
        content=b"\0" * 4096,
        headers={"X-CSRF-Token": csrf, "content-type": "application/octet-stream"},
    )
    assert_json_error(upload, 401, "not_logged_in", "expired")
    form = client.post("/incidents", data={**_incident_form(), "csrf": csrf})
    assert_page_error(form, 401, "expired")
    assert 'href="/login"' in form.text  # the way back in is offered
    assert workspace.state() == before


def test_the_session_of_a_deleted_user_is_401(workspace: Workspace) -> None:
    client, csrf = workspace.as_role("analyst")
    accounts.remove_user(workspace.archive, "analyst", by="root")
    before = workspace.state()
    assert client.get("/").status_code == 303
    assert_json_error(client.get("/api/me"), 401, "not_logged_in", "not logged in")
    form = client.post("/incidents", data={**_incident_form(), "csrf": csrf})
    assert_page_error(form, 401, "not logged in")
    assert workspace.state() == before


def test_an_upload_with_the_session_cookie_but_no_csrf_header_is_403_and_keeps_no_bytes(
    workspace: Workspace, tmp_path: Path
) -> None:
    """A page on another site can make the browser send the cookie; it cannot read the token.
    The refusal comes before a byte of the body reaches the blob store."""
    client, csrf = workspace.as_role("analyst")
    clip = render_flight(tmp_path / "other.mp4", "grass", seconds=1, width=160, height=90)
    before = workspace.state()
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        answer = client.put(
            "/api/uploads",
            params={"name": "other.mp4"},
            content=clip.read_bytes(),
            headers={"content-type": "application/octet-stream", **headers},
        )
        assert_json_error(answer, 403, "csrf", "CSRF")
    multipart = client.put(
        "/api/uploads",
        params={"name": "other.mp4"},
        files={"file": ("other.mp4", clip.read_bytes(), "video/mp4")},
        data={"csrf": csrf},  # a token in a multipart body is not read (it would spool first)
    )
    assert multipart.status_code == 403, multipart.text
    assert workspace.state() == before


def test_a_form_without_its_csrf_token_is_403_and_writes_nothing(workspace: Workspace) -> None:
    client, csrf = workspace.as_role("admin")
    before = workspace.state()
    new = {"name": "eve", "role": "admin", "password": PASSWORD}
    for extra in ({}, {"csrf": ""}, {"csrf": "forged"}, {"csrf": csrf[:-1]}):
        assert_page_error(client.post("/admin/users", data={**new, **extra}), 403, "CSRF")
    assert_json_error(client.post("/api/users", json=new), 403, "csrf", "CSRF")
    forged = client.post("/api/users", json=new, headers={"X-CSRF-Token": "forged"})
    assert_json_error(forged, 403, "csrf", "CSRF")
    other, other_csrf = workspace.as_role("analyst")  # another session's token is no token
    assert_json_error(
        client.post("/api/users", json=new, headers={"X-CSRF-Token": other_csrf}),
        403,
        "csrf",
        "CSRF",
    )
    assert workspace.state() == before


def test_a_viewer_posting_an_edit_is_403_and_writes_nothing(workspace: Workspace) -> None:
    client, csrf = workspace.as_role("viewer")
    token = workspace.bearer("viewer")
    before = workspace.state()
    new = {"name": "eve", "role": "admin", "password": PASSWORD}
    refused = client.post("/admin/users", data={**new, "csrf": csrf})
    assert_page_error(refused, 403, "viewer")
    assert "viewer (viewer)" in refused.text  # still shown as logged in, not offered "Log in"
    assert 'href="/login"' not in refused.text
    api = client.post("/api/users", json=new, headers={"X-CSRF-Token": csrf})
    assert_json_error(api, 403, "forbidden", "viewer")
    assert_json_error(
        client.post("/api/users", json=new, headers=token), 403, "forbidden", "viewer"
    )
    form = client.post("/incidents", data={**_incident_form(), "csrf": csrf})
    assert_page_error(form, 403, "viewer")
    made = client.post("/api/incidents", json=_incident_form(), headers=token)
    assert_json_error(made, 403, "forbidden", "viewer")
    assert workspace.state() == before


def test_the_token_of_a_deleted_user_is_401(workspace: Workspace) -> None:
    headers = workspace.bearer("analyst")
    client = workspace.client()
    assert client.get("/api/me", headers=headers).status_code == 200
    accounts.remove_user(workspace.archive, "analyst", by="root")
    before = workspace.state()
    assert_json_error(client.get("/api/items", headers=headers), 401, "not_logged_in", "revoked")
    assert client.get("/api/items", headers=headers).headers["www-authenticate"] == "Bearer"
    assert_json_error(
        client.post("/api/me/tokens", headers=headers), 401, "not_logged_in", "revoked"
    )
    assert workspace.state() == before


def test_unknown_items_are_404_on_pages_and_the_api(workspace: Workspace) -> None:
    client, _ = workspace.as_role("viewer")
    headers = workspace.bearer("viewer")
    assert_page_error(client.get("/items/ffffffffffff"), 404, "no archived item")
    assert_json_error(
        client.get("/api/items/ffffffffffff", headers=headers), 404, "not_found", "ffffffffffff"
    )
    assert_page_error(client.get("/no/such/page"), 404, "no such page")
    traversal = client.get("/items/..%2f..%2farchive.json")
    assert traversal.status_code in (400, 404)
    assert "key_id" not in traversal.text


# -- incidents ---------------------------------------------------------------------------------


def _incident_form(**change: str) -> dict[str, str]:
    form = {
        "title": "Strike on the bakery queue",
        "type": "attack-on-civilians",
        "date": "2024-10-10",
        "place": "Kharkiv",
    }
    form.update(change)
    return form


def test_an_unknown_incident_is_404(workspace: Workspace) -> None:
    client, _ = workspace.as_role("viewer")
    assert_page_error(client.get("/incidents/INC-9999"), 404, "INC-9999")
    answer = client.get("/api/incidents/INC-9999", headers=workspace.bearer("viewer"))
    assert_json_error(answer, 404, "not_found", "INC-9999")


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("date", "2024-13-45", "date"),
        ("date", "yesterday", "date"),
        ("type", "picnic", "type"),
    ],
)
def test_an_incident_form_with_a_bad_date_or_type_is_422_and_writes_nothing(
    workspace: Workspace, field: str, value: str, says: str
) -> None:
    client, csrf = workspace.as_role("analyst")
    token = workspace.bearer("analyst")
    before = workspace.state()
    page = client.post("/incidents", data={**_incident_form(**{field: value}), "csrf": csrf})
    assert_page_error(page, 422, says)
    assert value in page.text  # what the user typed is shown back, escaped, to correct it
    api = client.post(
        "/api/incidents",
        json=_incident_form(**{field: value}),
        headers=token,
    )
    assert api.status_code == 422, api.text
    assert api.json()["error"]["code"] in ("invalid_request", "invalid_field")
    assert says in api.json()["error"]["message"]
    assert workspace.state() == before


def test_a_stale_incident_save_is_409_naming_what_changed_and_writes_nothing(
    workspace: Workspace,
) -> None:
    from corroborate.incidents import IncidentInput, create_incident, edit_incident

    made = create_incident(
        workspace.archive,
        IncidentInput(title="Strike", type="attack-on-civilians", date="2024-10-10"),
        actor="analyst",
    )
    client, csrf = workspace.as_role("analyst")
    loaded = client.get(f"/incidents/{made.id}/edit")  # version 1 is in the form
    assert 'name="version" value="1"' in loaded.text
    edit_incident(  # meanwhile, someone else saves
        workspace.archive, made.id, IncidentInput(title="Strike on the queue"), actor="reviewer"
    )
    token = workspace.bearer("analyst")
    before = workspace.state()
    form = {**_incident_form(title="My older title"), "version": "1", "csrf": csrf}
    page = client.post(f"/incidents/{made.id}/edit", data=form)
    assert_page_error(page, 409, "reviewer")
    assert "title" in page.text and "not written" in page.text
    stale = workspace.client().patch(
        f"/api/incidents/{made.id}",
        json={"title": "My older title", "expected_version": 1},
        headers=token,
    )
    assert_json_error(stale, 409, "stale_edit", "reviewer")
    assert "title" in stale.json()["error"]["message"]
    assert workspace.state() == before
    shown = client.get(f"/incidents/{made.id}").text
    assert "Strike on the queue" in shown and "My older title" not in shown


# -- uploads and links (PUT /api/uploads, POST /api/links) -------------------------------------


def _put(workspace: Workspace, name: str, data: bytes, **headers: str) -> httpx.Response:
    return workspace.client().put(
        "/api/uploads",
        params={"name": name},
        content=data,
        headers={
            **workspace.bearer("analyst"),
            "content-type": "application/octet-stream",
            **headers,
        },
    )


def test_an_empty_upload_is_400_with_the_clis_message_and_nothing_kept(
    workspace: Workspace,
) -> None:
    headers = workspace.bearer("analyst")
    before = workspace.state()
    answer = workspace.client().put(
        "/api/uploads",
        params={"name": "empty.mp4"},
        content=b"",
        headers={**headers, "content-type": "application/octet-stream"},
    )
    assert_json_error(answer, 400, "bad_input", "empty.mp4: empty file (0 bytes)")
    assert workspace.state() == before


def test_an_upload_that_is_not_media_says_so_and_has_no_footage(workspace: Workspace) -> None:
    """A file that is not media is archived as `corroborate ingest` archives it (a document or
    a file), and the answer says plainly that it is not media: nothing to compare."""
    answer = _put(workspace, "clip.mp4", b"%PDF-1.4 not a video at all\n" * 100)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["kind"] not in ("video", "image", "audio")
    assert any("clip.mp4: not media" in note for note in body["notes"]), body
    assert body["shared_footage"] == []


def test_an_oversized_upload_is_413_and_nothing_kept(workspace: Workspace) -> None:
    workspace.app.state.max_upload = 64 * 1024
    headers = workspace.bearer("analyst")
    before = workspace.state()
    client = workspace.client()
    for extra in ({}, {"content-length": str(10 * 1024**3)}):  # told the truth, or a lie
        answer = client.put(
            "/api/uploads",
            params={"name": "huge.mp4"},
            content=b"\0" * (256 * 1024),
            headers={**headers, "content-type": "application/octet-stream", **extra},
        )
        assert_json_error(answer, 413, "too_large", "huge.mp4: larger")
        assert workspace.state() == before


def test_a_viewer_uploading_is_403_and_nothing_kept(workspace: Workspace) -> None:
    headers = workspace.bearer("viewer")
    before = workspace.state()
    answer = workspace.client().put(
        "/api/uploads",
        params={"name": "clip.mp4"},
        content=b"\0" * 1024,
        headers={**headers, "content-type": "application/octet-stream"},
    )
    assert_json_error(answer, 403, "forbidden", "viewer")
    assert workspace.state() == before


class _Failing(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server interface
        self.send_response(404)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"gone")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def failing_url() -> Iterator[str]:
    """A local web server that answers 404 to everything."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/clip.mp4"
    httpd.shutdown()
    httpd.server_close()


def test_a_link_that_fails_is_400_with_a_clear_message_and_nothing_kept(
    workspace: Workspace, failing_url: str
) -> None:
    from corroborate.net import FetchPolicy

    client, csrf = workspace.as_role("analyst")
    before = workspace.state()
    workspace.app.state.fetch_policy = FetchPolicy(allow_private=True)
    answer = client.post("/api/links", json={"url": failing_url}, headers={"X-CSRF-Token": csrf})
    assert_json_error(answer, 400, "bad_input", "404")
    assert failing_url in answer.json()["error"]["message"]
    workspace.app.state.fetch_policy = FetchPolicy()  # the default: no internal addresses
    inward = client.post("/api/links", json={"url": failing_url}, headers={"X-CSRF-Token": csrf})
    assert_json_error(inward, 400, "bad_input", "loopback")
    nonsense = client.post(
        "/api/links", json={"url": "javascript:alert(1)"}, headers={"X-CSRF-Token": csrf}
    )
    assert_json_error(nonsense, 400, "bad_input", "not a link")
    assert workspace.state() == before


# -- no trace, no path, anywhere ----------------------------------------------------------------

GARBAGE_REFS = ("../../archive.json", "%00", "x" * 300, "ffffffffffff", "<script>")


def test_no_route_answers_garbage_with_a_trace_a_server_path_or_a_500(
    workspace: Workspace,
) -> None:
    """Every route the app has (whatever branch added it), sent ill-formed requests as an
    admin with a valid CSRF token: each answer is a 4xx with a message, never a 500 or a trace."""
    client, csrf = workspace.as_role("admin")
    token = workspace.bearer("admin")
    problems: list[str] = []
    for (method, path), _rule in sorted(workspace.app.state.rules.items()):
        if path in ("/static", "/api/openapi.json") or path == "/logout":
            continue
        for ref in GARBAGE_REFS:
            url = re.sub(r"\{[a-z_]+\}", ref, path)
            headers = {"X-CSRF-Token": csrf, **(token if path.startswith("/api/") else {})}
            bodies: list[dict[str, Any]] = (
                [{}]
                if method == "GET"
                else [
                    {},
                    {"content": b"\xff\xfe not utf-8 {", "headers": {"content-type": "text/plain"}},
                    {"json": {"title": ["x"], "name": 7, "role": None, "version": "new"}},
                    {"data": {"csrf": csrf, "date": "2024-02-30", "type": "<b>", "name": "\0"}},
                ]
            )
            for body in bodies:
                extra = body.pop("headers", {})
                response = client.request(method, url, headers={**headers, **extra}, **body)
                if response.status_code >= 500:
                    problems.append(f"{method} {url}: {response.status_code} {response.text[:200]}")
    assert not problems, "\n".join(problems)


def test_the_trace_check_itself_catches_a_leak(workspace: Workspace) -> None:
    def leaky() -> dict[str, str]:
        return {"error": f'Traceback (most recent call last):\n  File "{SRC}/x.py"'}

    workspace.app.add_api_route("/api/leaky", leaky)
    with pytest.raises(AssertionError, match="Traceback"):
        workspace.client().get("/api/leaky")
