"""The workspace through FastAPI's test client: logging in, CSRF, roles on every route, the JSON
API's shapes (the same as the CLI's --json) and its errors."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route
from typer.testing import CliRunner

from corroborate import accounts
from corroborate.archive import ingest, list_items
from corroborate.custody import entries
from corroborate.custody.setup import init_archive
from corroborate.samples import render_flight
from corroborate.samples.transforms import reencode
from corroborate.storage.archive import Archive
from corroborate.testing.http import LOCAL_ONLY, local_site
from corroborate.web import create_app

PASSWORD = "correct horse battery"
ROLES = ("viewer", "analyst", "reviewer", "admin")
# What each access rule lets in, written out here (not read from the library), so a library
# change that lets a viewer edit fails this test.
LETS_IN = {
    "read": {"viewer", "analyst", "reviewer", "admin"},
    "edit": {"analyst", "reviewer", "admin"},
    "review": {"reviewer", "admin"},
    "manage-users": {"admin"},
}


@dataclass
class Workspace:
    archive: Archive
    app: FastAPI
    item_id: str
    repost_id: str
    link: str  # a pasted link the workspace may fetch (a local site, allowed by its policy)

    def client(self, https: bool = False) -> TestClient:
        base = "https://testserver" if https else "http://testserver"
        return TestClient(self.app, base_url=base, follow_redirects=False)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: an archive with a clip (its source label holds markup), a re-encoded repost
    of it, and an account of each role. Each test works on its own copy (argon2 and signing
    make building it slow)."""
    directory = tmp_path_factory.mktemp("web-template") / "archive"
    # 8 s: long enough for matching to call the repost a copy (3 s clips are too short)
    clip = render_flight(
        directory.parent / "coffee.mp4", "coffee", seconds=8, width=320, height=180
    )
    archive = init_archive(directory)
    try:
        ingest(archive, [str(clip)], source="<script>alert(1)</script>", actor="alice")
        repost = reencode(clip, directory.parent / "repost.mp4", bitrate=150_000)
        ingest(archive, [str(repost)], source="Telegram: @reposts", actor="alice")
        for role in ROLES:
            accounts.add_user(archive, role, role=role, password=PASSWORD, by="root")
    finally:
        archive.close()
    return directory


@pytest.fixture
def workspace(template: Path, tmp_path: Path) -> Iterator[Workspace]:
    """A fresh copy of the template archive and the workspace app over it."""
    directory = tmp_path / "archive"
    shutil.copytree(template, directory)
    archive = Archive.open(directory)
    (item,) = [i for i in list_items(archive) if i.original_name == "coffee.mp4"]
    (repost,) = [i for i in list_items(archive) if i.original_name == "repost.mp4"]
    app = create_app(directory, fetch_policy=LOCAL_ONLY)
    with local_site(template.parent) as site:
        yield Workspace(archive, app, item.id, repost.id, site.file_url("coffee.mp4"))
    app.state.archive.close()
    archive.close()


def _login_csrf(client: TestClient) -> str:
    page = client.get("/login")
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in through the form; the session's CSRF token (read from the next page)."""
    response = client.post(
        "/login",
        data={"name": name, "password": password, "csrf": _login_csrf(client), "next": "/"},
    )
    assert response.status_code == 303, response.text
    grid = client.get("/")
    found = re.search(r'name="csrf" value="([^"]+)"', grid.text)
    assert found
    return found.group(1)


# -- logging in --------------------------------------------------------------------------------


def test_logging_in_sets_an_httponly_lax_session_cookie_and_shows_the_grid(
    workspace: Workspace,
) -> None:
    client = workspace.client()
    csrf = _login_csrf(client)
    response = client.post(
        "/login", data={"name": "analyst", "password": PASSWORD, "csrf": csrf, "next": "/items"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/items"
    cookie = response.headers["set-cookie"]
    assert "corroborate_session=" in cookie
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # plain http: a Secure cookie would never come back
    grid = client.get("/")
    assert grid.status_code == 200
    assert workspace.item_id in grid.text and "analyst (analyst)" in grid.text


def test_over_https_the_session_cookie_is_secure(workspace: Workspace) -> None:
    client = workspace.client(https=True)
    csrf = _login_csrf(client)
    response = client.post("/login", data={"name": "viewer", "password": PASSWORD, "csrf": csrf})
    assert response.status_code == 303
    assert "secure" in response.headers["set-cookie"].lower()


def test_login_never_redirects_off_the_site(workspace: Workspace) -> None:
    client = workspace.client()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        csrf = _login_csrf(client)
        response = client.post(
            "/login",
            data={"name": "viewer", "password": PASSWORD, "csrf": csrf, "next": target},
        )
        assert response.headers["location"] == "/"


def test_a_wrong_password_shows_the_form_again_with_401_and_too_many_get_429(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts.service, "MAX_FAILURES_PER_ACCOUNT", 2)
    client = workspace.client()
    for _ in range(2):
        csrf = _login_csrf(client)
        wrong = client.post("/login", data={"name": "admin", "password": "nope", "csrf": csrf})
        assert wrong.status_code == 401
        assert "wrong account name or password" in wrong.text
        assert "Traceback" not in wrong.text
        assert "corroborate_session" not in wrong.headers.get("set-cookie", "")
    csrf = _login_csrf(client)
    locked = client.post("/login", data={"name": "admin", "password": PASSWORD, "csrf": csrf})
    assert locked.status_code == 429 and "too many failed logins" in locked.text


def test_login_without_its_csrf_token_is_refused(workspace: Workspace) -> None:
    client = workspace.client()
    _login_csrf(client)  # the cookie is set, but the form field is missing or forged
    for data in (
        {"name": "admin", "password": PASSWORD},
        {"name": "admin", "password": PASSWORD, "csrf": "forged"},
    ):
        response = client.post("/login", data=data)
        assert response.status_code == 403
        assert "CSRF" in response.text
        assert "corroborate_session" not in response.headers.get("set-cookie", "")


def test_logout_ends_the_session_on_the_server(workspace: Workspace) -> None:
    client = workspace.client()
    csrf = login(client, "viewer")
    stolen = client.cookies.get("corroborate_session")
    assert client.post("/logout", data={"csrf": csrf}).status_code == 303
    thief = workspace.client()
    thief.cookies.set("corroborate_session", str(stolen))
    assert thief.get("/api/me").status_code == 401


# -- CSRF and roles on forms -------------------------------------------------------------------


def test_a_form_post_without_the_csrf_token_is_refused_and_changes_nothing(
    workspace: Workspace,
) -> None:
    client = workspace.client()
    login(client, "admin")
    form = {"name": "eve", "role": "admin", "password": PASSWORD}
    for extra in ({}, {"csrf": "forged"}):
        response = client.post("/admin/users", data={**form, **extra})
        assert response.status_code == 403
        assert "CSRF" in response.text and "Traceback" not in response.text
    response = client.post("/api/users", json=form)  # the API with a cookie needs it too
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf"
    assert [u.name for u in accounts.list_users(workspace.archive, by="root")] == list(
        sorted(ROLES)
    )


def test_a_multipart_body_is_never_read_for_its_csrf_field(workspace: Workspace) -> None:
    """A multipart body would be spooled to disk to find the field: it must send the header."""
    client = workspace.client()
    csrf = login(client, "admin")
    form = {"name": "eve", "role": "admin", "password": PASSWORD, "csrf": csrf}
    response = client.post("/admin/users", data=form, files={"big": ("big.bin", b"x" * 4096)})
    assert response.status_code == 403 and "CSRF" in response.text
    assert "eve" not in [u.name for u in accounts.list_users(workspace.archive, by="root")]


def test_the_csrf_token_in_the_header_works_as_htmx_sends_it(workspace: Workspace) -> None:
    client = workspace.client()
    csrf = login(client, "admin")
    response = client.post(
        "/api/users",
        json={"name": "eve", "role": "viewer", "password": PASSWORD},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 201, response.text
    assert response.json()["user"]["name"] == "eve"


def test_a_viewer_posting_gets_403_and_nothing_is_written(workspace: Workspace) -> None:
    client = workspace.client()
    csrf = login(client, "viewer")
    response = client.post(
        "/admin/users", data={"name": "eve", "role": "admin", "password": PASSWORD, "csrf": csrf}
    )
    assert response.status_code == 403
    assert "viewer is a viewer" in response.text
    names = [u.name for u in accounts.list_users(workspace.archive, by="root")]
    assert "eve" not in names


def test_anonymous_pages_redirect_to_login_and_the_api_answers_401(workspace: Workspace) -> None:
    client = workspace.client()
    page = client.get(f"/items/{workspace.item_id}")
    assert page.status_code == 303
    assert page.headers["location"] == f"/login?next=/items/{workspace.item_id}"
    api = client.get("/api/items")
    assert api.status_code == 401
    assert api.json() == {"error": {"code": "not_logged_in", "message": "not logged in"}}
    assert api.headers["www-authenticate"] == "Bearer"
    post = client.post("/admin/users", data={"name": "eve", "role": "admin", "password": "x"})
    assert post.status_code == 401


# -- API tokens ----------------------------------------------------------------------------------


def test_a_bearer_token_opens_the_api_not_the_pages(workspace: Workspace) -> None:
    token = accounts.issue_token(workspace.archive, "analyst", by="root")
    client = workspace.client()
    headers = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/me", headers=headers)
    assert me.status_code == 200 and me.json()["user"]["name"] == "analyst"
    assert "password" not in me.text
    assert client.get("/", headers=headers).status_code == 303  # pages need a session
    assert client.get("/api/users", headers=headers).status_code == 403
    bad = client.get("/api/me", headers={"Authorization": "Bearer cor_nonsense"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "not_logged_in"
    basic = client.get("/api/me", headers={"Authorization": "Basic YWRtaW46eA=="})
    assert basic.status_code == 401


def test_a_bearer_request_needs_no_csrf_token_and_is_role_checked(workspace: Workspace) -> None:
    admin = accounts.issue_token(workspace.archive, "admin", by="root")
    client = workspace.client()
    made = client.post(
        "/api/users",
        json={"name": "bot", "role": "viewer", "password": PASSWORD},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert made.status_code == 201


def test_the_token_of_a_removed_or_disabled_account_is_refused(workspace: Workspace) -> None:
    token = accounts.issue_token(workspace.archive, "analyst", by="root")
    client = workspace.client()
    headers = {"Authorization": f"Bearer {token}"}
    accounts.set_disabled(workspace.archive, "analyst", True, by="root")
    refused = client.get("/api/items", headers=headers)
    assert refused.status_code == 401 and "disabled" in refused.json()["error"]["message"]
    accounts.remove_user(workspace.archive, "analyst", by="root")
    gone = client.get("/api/items", headers=headers)
    assert gone.status_code == 401 and "revoked" in gone.json()["error"]["message"]


def test_an_account_changes_its_own_password_only_with_the_current_one(
    workspace: Workspace,
) -> None:
    client = workspace.client()
    csrf = login(client, "analyst")
    stolen = str(client.cookies.get("corroborate_session"))
    new = "a brand new passphrase"
    wrong = client.post(
        "/account/password", data={"current": "guess", "new": new, "confirm": new, "csrf": csrf}
    )
    assert wrong.status_code == 401
    differ = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": new, "confirm": new + "!", "csrf": csrf},
    )
    assert differ.status_code == 400 and "differ" in differ.text
    done = client.post(
        "/account/password", data={"current": PASSWORD, "new": new, "confirm": new, "csrf": csrf}
    )
    assert done.status_code == 303
    assert client.get("/account").status_code == 200  # this browser got a new session
    thief = workspace.client()
    thief.cookies.set("corroborate_session", stolen)
    assert thief.get("/api/me").status_code == 401  # every other session ended
    assert accounts.authenticate(workspace.archive, "analyst", new, "10.0.0.1")
    actions = [e.action for e in entries(workspace.archive) if e.action.startswith("user.")]
    assert actions[-1] == "user.password"


def test_an_account_issues_its_own_api_token_shown_once(workspace: Workspace) -> None:
    client = workspace.client()
    csrf = login(client, "viewer")
    page = client.post("/account/tokens", data={"csrf": csrf})
    assert page.status_code == 200
    found = re.search(r"cor_[A-Za-z0-9_-]{40,}", page.text)
    assert found
    api = workspace.client()
    me = api.get("/api/me", headers={"Authorization": f"Bearer {found.group(0)}"})
    assert me.json()["user"]["name"] == "viewer"
    assert found.group(0) not in client.get("/account").text  # shown once, never again
    more = api.post("/api/me/tokens", headers={"Authorization": f"Bearer {found.group(0)}"})
    assert more.status_code == 201 and more.json()["token"].startswith("cor_")


# -- the archive: same shapes as the CLI, stored text escaped ----------------------------------


def _cli_json(archive: Archive, *args: str) -> object:
    from corroborate.cli import app

    env = {"CORROBORATE_ARCHIVE": str(archive.dir), "COLUMNS": "200"}
    result = CliRunner().invoke(app, [*args, "--json"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_items_api_is_the_same_document_as_items_json(workspace: Workspace) -> None:
    token = accounts.issue_token(workspace.archive, "viewer", by="root")
    client = workspace.client()
    api = client.get("/api/items", headers={"Authorization": f"Bearer {token}"}).json()
    assert api == _cli_json(workspace.archive, "items")
    assert [i["id"] for i in api["items"]] == [workspace.item_id, workspace.repost_id]


def test_the_item_api_is_the_same_document_as_show_json(workspace: Workspace) -> None:
    token = accounts.issue_token(workspace.archive, "viewer", by="root")
    client = workspace.client()
    api = client.get(
        f"/api/items/{workspace.item_id}", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert api == _cli_json(workspace.archive, "show", workspace.item_id)
    assert api["item"]["keyframes"]  # a video has keyframes the pages can show
    (cluster,) = api["footage"]  # the repost shares its footage
    assert {i["id"] for i in cluster["items"]} == {workspace.item_id, workspace.repost_id}


def test_the_item_page_says_prominently_that_it_shares_footage(workspace: Workspace) -> None:
    client = workspace.client()
    login(client, "viewer")
    page = client.get(f"/items/{workspace.repost_id}").text
    banner = page.split('data-testid="shared-footage"', 1)[1].split("</section>", 1)[0]
    assert "with 1 other archived item" in banner
    assert f'href="/items/{workspace.item_id}"' in banner and "coffee.mp4" in banner
    assert re.search(r'class="range">00:00-00:0[78]<', banner)


def test_the_item_page_shows_hashes_sightings_custody_and_escapes_stored_markup(
    workspace: Workspace,
) -> None:
    client = workspace.client()
    login(client, "viewer")
    page = client.get(f"/items/{workspace.item_id}")
    assert page.status_code == 200
    shown = _cli_json(workspace.archive, "show", workspace.item_id)
    assert isinstance(shown, dict)
    assert shown["item"]["sha256"] in page.text
    assert "archive.ingest" in page.text
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    picture = client.get(f"/items/{workspace.item_id}/keyframes/0")
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"
    assert picture.content[:3] == b"\xff\xd8\xff"


def test_a_swapped_keyframe_blob_is_not_shown(workspace: Workspace) -> None:
    client = workspace.client()
    login(client, "viewer")
    shown = _cli_json(workspace.archive, "show", workspace.item_id)
    assert isinstance(shown, dict)
    path = workspace.archive.blobs.local_path(shown["item"]["keyframes"][0])
    path.chmod(0o644)
    path.write_bytes(b"\xff\xd8\xff not the keyframe")
    response = client.get(f"/items/{workspace.item_id}/keyframes/0")
    assert response.status_code == 500
    assert "does not match its SHA-256" in response.text


def test_the_kind_filter_narrows_the_grid(workspace: Workspace) -> None:
    client = workspace.client()
    login(client, "viewer")
    assert workspace.item_id in client.get("/?kind=video").text
    assert workspace.item_id not in client.get("/?kind=image").text
    bad = client.get("/?kind=rocket")
    assert bad.status_code == 400 and "not a kind of item" in bad.text


# -- errors: the right status, a stable code, never a trace -------------------------------------


def test_api_errors_have_a_stable_code_and_the_right_status(workspace: Workspace) -> None:
    token = accounts.issue_token(workspace.archive, "admin", by="root")
    client = workspace.client()
    headers = {"Authorization": f"Bearer {token}"}
    cases = [
        (client.get("/api/items/ffffffffffff", headers=headers), 404, "not_found"),
        (client.get("/api/items/ab", headers=headers), 400, "bad_input"),
        (client.get("/api/items?kind=rocket", headers=headers), 400, "bad_input"),
        (client.get("/api/nothing-here", headers=headers), 404, "not_found"),
        (client.delete("/api/items", headers=headers), 405, "method_not_allowed"),
        (client.post("/api/users", json={"name": "x"}, headers=headers), 422, "invalid_request"),
        (
            client.post(
                "/api/users",
                json={"name": "x", "role": "boss", "password": PASSWORD},
                headers=headers,
            ),
            400,
            "bad_input",
        ),
        (
            client.post(
                "/api/users",
                content=b"{not json",
                headers={**headers, "content-type": "application/json"},
            ),
            422,
            "invalid_request",
        ),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.text
        body = response.json()
        assert body["error"]["code"] == code
        assert body["error"]["message"] and "Traceback" not in response.text


def test_page_errors_are_pages(workspace: Workspace) -> None:
    client = workspace.client()
    login(client, "viewer")
    missing = client.get("/items/ffffffffffff")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert "no archived item" in missing.text
    assert client.get("/no/such/page").status_code == 404


def test_the_openapi_document_describes_the_api_and_no_page(workspace: Workspace) -> None:
    spec = workspace.client().get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/items", "/api/items/{ref}", "/api/me", "/api/users"} <= paths
    assert all(p.startswith("/api/") for p in paths)


def test_static_assets_are_served_locally_with_their_licence(workspace: Workspace) -> None:
    import hashlib

    client = workspace.client()
    script = client.get("/static/htmx.min.js")
    assert script.status_code == 200
    readme = Path(__file__).parents[1] / "src/corroborate/web/static/README.md"
    assert hashlib.sha256(script.content).hexdigest() in readme.read_text()
    assert "Zero-Clause BSD" in client.get("/static/htmx.LICENSE.txt").text
    page = client.get("/login").text
    assert 'src="/static/htmx.min.js"' in page and "://" not in page.split("<body")[0]


# -- every route x every role ------------------------------------------------------------------


def unruled_routes(app: FastAPI) -> list[str]:
    """Routes the app serves without an access rule (each must have one)."""
    rules = app.state.rules
    missing = []
    for route in app.routes:
        if isinstance(route, APIRoute | Route):
            for method in sorted(route.methods or ()):
                if method != "HEAD" and (method, route.path) not in rules:
                    missing.append(f"{method} {route.path}")
        elif isinstance(route, Mount):
            if ("GET", route.path) not in rules:
                missing.append(f"mount {route.path}")
        else:
            missing.append(f"unknown route {route!r}")
    return missing


# The access rule of every route, as the team decided it: a new route must be added here, so a
# route registered with a looser rule than intended cannot slip through the matrix below.
EXPECTED_RULES = {
    ("GET", "/api/openapi.json"): "public",
    ("GET", "/static"): "public",
    ("GET", "/login"): "public",
    ("POST", "/login"): "public",
    ("POST", "/logout"): "read",
    ("GET", "/"): "read",
    ("GET", "/items/{ref}"): "read",
    ("GET", "/items/{ref}/keyframes/{index}"): "read",
    ("GET", "/items/{ref}/thumbnail"): "read",
    ("GET", "/items/{ref}/original"): "read",
    ("POST", "/items/{ref}/reveal"): "read",
    ("POST", "/items/{ref}/download"): "read",
    ("POST", "/items/{ref}/sensitive"): "edit",
    ("GET", "/admin/users"): "manage-users",
    ("POST", "/admin/users"): "manage-users",
    ("GET", "/api/me"): "read",
    ("POST", "/api/me/tokens"): "read",
    ("GET", "/account"): "read",
    ("POST", "/account/password"): "read",
    ("POST", "/account/tokens"): "read",
    ("GET", "/api/items"): "read",
    ("GET", "/api/items/{ref}"): "read",
    ("GET", "/api/items/{ref}/keyframes/{index}"): "read",
    ("GET", "/api/items/{ref}/thumbnail"): "read",
    ("GET", "/api/items/{ref}/original"): "read",
    ("POST", "/api/items/{ref}/reveal"): "read",
    ("POST", "/api/items/{ref}/download"): "read",
    ("POST", "/api/items/{ref}/sensitive"): "edit",
    ("GET", "/api/users"): "manage-users",
    ("POST", "/api/users"): "manage-users",
    ("GET", "/map"): "read",
    ("GET", "/map/list"): "read",
    ("GET", "/api/map/clusters"): "read",
    ("GET", "/api/map/incidents"): "read",
    ("GET", "/api/map/geojson"): "read",
    ("GET", "/api/map/places"): "read",
    ("GET", "/api/timeline"): "read",
    ("GET", "/tally"): "read",
    ("GET", "/api/tally"): "read",
    ("GET", "/tally.csv"): "read",
    ("GET", "/claims"): "read",
    ("GET", "/api/claims/compare"): "read",
    ("GET", "/upload"): "edit",
    ("PUT", "/api/uploads"): "edit",
    ("POST", "/api/links"): "edit",
    # incidents: viewers read (and may export a package, logged under their name), analysts
    # create and edit (asking for review is an edit), reviewers approve or reject
    ("GET", "/incidents"): "read",
    ("GET", "/incidents/new"): "edit",
    ("POST", "/incidents"): "edit",
    ("GET", "/incidents/{ref}"): "read",
    ("GET", "/incidents/{ref}/edit"): "edit",
    ("POST", "/incidents/{ref}/edit"): "edit",
    ("POST", "/incidents/{ref}/evidence"): "edit",
    ("POST", "/incidents/{ref}/citations"): "edit",
    ("POST", "/incidents/{ref}/status"): "edit",
    ("POST", "/incidents/{ref}/review"): "review",
    ("POST", "/incidents/{ref}/package"): "read",
    ("POST", "/sources"): "edit",
    ("POST", "/sources/{ref}/grade"): "edit",
    ("GET", "/api/incidents"): "read",
    ("POST", "/api/incidents"): "edit",
    ("GET", "/api/incidents/{ref}"): "read",
    ("PATCH", "/api/incidents/{ref}"): "edit",
    ("GET", "/api/incidents/{ref}/history"): "read",
    ("POST", "/api/incidents/{ref}/evidence"): "edit",
    ("POST", "/api/incidents/{ref}/citations"): "edit",
    ("POST", "/api/incidents/{ref}/status"): "edit",
    ("POST", "/api/incidents/{ref}/review"): "review",
    ("POST", "/api/incidents/{ref}/package"): "read",
    ("GET", "/api/sources"): "read",
    ("POST", "/api/sources"): "edit",
    ("POST", "/api/sources/{ref}/grade"): "edit",
    ("GET", "/api/incident-types"): "read",
}


def test_every_route_has_the_access_rule_the_team_decided(workspace: Workspace) -> None:
    assert workspace.app.state.rules == EXPECTED_RULES


def test_a_route_added_without_an_access_rule_is_caught(workspace: Workspace) -> None:
    assert unruled_routes(workspace.app) == []

    @workspace.app.get("/api/secret")
    def secret() -> dict[str, str]:
        return {"secret": "yes"}

    assert unruled_routes(workspace.app) == ["GET /api/secret"]


def _incident_for(workspace: Workspace, n: int) -> str:
    """A new incident ready for review (complete, primary evidence, submitted by root)."""
    from corroborate.incidents import IncidentInput, create_incident, link_evidence, set_status

    record = IncidentInput(
        title=f"Incident {n}",
        type="execution-hors-de-combat",
        date="2024-10-10",
        place="Robotyne",
        latitude="47.4453",
        longitude="35.8408",
        geolocation_note="Treeline matched to satellite imagery",
    )
    ref = create_incident(workspace.archive, record, actor="root").id
    link_evidence(workspace.archive, ref, workspace.item_id, role="primary", actor="root")
    set_status(workspace.archive, ref, "under-review", actor="root")
    return ref


def _source_for(workspace: Workspace, n: int) -> str:
    from corroborate.incidents import add_source

    return add_source(
        workspace.archive, f"Source {n}", kind="media", reliability="B", actor="root"
    ).id


def _incident_request(
    workspace: Workspace, method: str, path: str, n: int
) -> tuple[str, dict[str, object]]:
    """A well-formed request to an incident or source route (each on a record of its own)."""
    url = path
    if path.startswith(("/incidents/{ref}", "/api/incidents/{ref}")):
        url = path.replace("{ref}", _incident_for(workspace, n))
    elif "{ref}" in path:
        url = path.replace("{ref}", _source_for(workspace, n))
    body: dict[str, object] = {}
    if method == "GET" or path.endswith("/package"):
        return url, {}
    if path in ("/incidents", "/api/incidents"):
        body = {"title": f"New {n}", "type": "execution-hors-de-combat"}
    elif path.endswith("{ref}") or path.endswith("/edit"):
        body = {"title": f"Renamed {n}"}
    elif path.endswith("/evidence"):
        body = {"ref": workspace.repost_id, "role": "corroborating"}
    elif path.endswith("/citations"):
        body = {"source": _source_for(workspace, n), "credibility": 2}
    elif path.endswith("/status"):
        body = {"status": "disputed"}
    elif path.endswith("/review"):
        body = {"decision": "approve"}
    elif path.endswith("/grade"):
        body = {"reliability": "C"}
    elif path.endswith("/sources"):
        body = {"name": f"Added {n}", "kind": "media", "reliability": "B"}
    return url, {"json": body} if path.startswith("/api/") else {"data": body}


def _request_for(
    workspace: Workspace, method: str, path: str, n: int
) -> tuple[str, dict[str, object]]:
    """A well-formed request to the route, so that only access can refuse it."""
    if path.startswith(("/incidents", "/api/incidents", "/sources", "/api/sources")):
        return _incident_request(workspace, method, path, n)
    url = path.replace("{ref}", workspace.item_id).replace("{index}", "0")
    if method == "GET":
        return url, {}
    if path == "/login":
        return url, {"data": {"name": "viewer", "password": PASSWORD}}
    if path == "/account/password":  # the same password again: later logins still work
        return url, {"data": {"current": PASSWORD, "new": PASSWORD, "confirm": PASSWORD}}
    if path.endswith(("/tokens", "/reveal", "/download")):
        return url, {}
    if path == "/api/uploads":
        return f"{url}?name=note-{n}.txt", {"content": f"note {n}".encode()}
    if path == "/api/links":
        return url, {"json": {"url": workspace.link}}
    if path.endswith("/sensitive"):  # unmarking: the item stays as the other routes expect it
        return url, {"json": {"sensitive": False}} if path.startswith("/api/") else {
            "data": {"sensitive": "off"}
        }
    new = {"name": f"new-{n}", "role": "viewer", "password": PASSWORD}
    if path.startswith("/api/"):
        return url, {"json": new}
    return url, {"data": new}


def test_every_route_lets_in_exactly_the_roles_its_rule_names(workspace: Workspace) -> None:
    app = workspace.app
    assert unruled_routes(app) == []
    routes = sorted(app.state.rules.items())
    assert len(routes) >= 12
    n = 0
    wrong: list[str] = []
    for (method, path), rule in routes:
        if path == "/static":
            path = "/static/htmx.min.js"
        for role in (None, *ROLES):
            n += 1
            client = workspace.client()
            headers: dict[str, str] = {}
            if role is not None:
                user = accounts.get_user(workspace.archive, role)
                session = accounts.start_session(workspace.archive, user)
                client.cookies.set("corroborate_session", session.cookie)
                headers["X-CSRF-Token"] = session.csrf
            url, body = _request_for(workspace, method, path, n)
            if path == "/login" and method == "POST":
                body["data"]["csrf"] = _login_csrf(client)  # type: ignore[index]
            response = client.request(method, url, headers=headers, **body)  # type: ignore[arg-type]
            status = response.status_code
            if rule == "public":
                ok = status not in (401, 403)
            elif role is None:
                ok = status == 401 or (
                    status == 303 and response.headers["location"].startswith("/login")
                )
            elif role in LETS_IN[rule]:
                ok = status < 400 and status not in (401, 403)
            else:
                ok = status == 403
            if not ok:
                wrong.append(f"{method} {path} as {role or 'anonymous'}: {status} (rule {rule})")
    assert not wrong, "\n".join(wrong)


def test_an_unexpected_error_is_a_500_without_a_trace_or_its_message(
    workspace: Workspace,
) -> None:
    def explode() -> None:
        raise RuntimeError("/srv/secret/path and a password=hunter2")

    workspace.app.add_api_route("/api/explode", explode)
    workspace.app.add_api_route("/explode", explode)
    client = TestClient(workspace.app, raise_server_exceptions=False)
    api = client.get("/api/explode")
    assert api.status_code == 500
    assert api.json() == {
        "error": {"code": "internal", "message": "internal error: the server log has the details"}
    }
    page = client.get("/explode")
    assert page.status_code == 500 and "text/html" in page.headers["content-type"]
    for response in (api, page):
        assert "hunter2" not in response.text and "Traceback" not in response.text
