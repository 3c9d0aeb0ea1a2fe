"""Incidents in the workspace, through FastAPI's test client: an analyst records one, links an
item and a footage cluster, adds, grades and cites a source and submits it; the rules of the
library (roles, four eyes, versions, fields) answer the pages and the API alike; the evidence
package downloads and verifies; the API is the same document as `incident ... --json`."""

from __future__ import annotations

import os
import re
import time
import zipfile
from io import BytesIO
from pathlib import Path

from fastapi.testclient import TestClient

import test_web_api
from corroborate import accounts
from corroborate.custody import entries
from corroborate.incidents import (
    IncidentInput,
    create_incident,
    get_incident,
    history,
    link_evidence,
    list_incidents,
    list_sources,
    set_status,
)
from corroborate.match import footage_of
from corroborate.report import verify_package
from test_web_api import Workspace, _cli_json, login

# The archive the API tests build (a clip, its re-encoded repost, an account of each role).
template = test_web_api.template
workspace = test_web_api.workspace

RECORD = {
    "title": "Captured soldiers shot near a treeline",
    "type": "execution-hors-de-combat",
    "date": "2024-10-10",
    "date_precision": "day",
    "place": "Robotyne",
    "latitude": "47.4453",
    "longitude": "35.8408",
    "region": "Zaporizhzhia Oblast",
    "geolocation_note": "Treeline matched to satellite imagery",
    "perpetrator": "Party A",
    "victim_party": "Party B",
    "killed": "3-4",
    "injured": "",
    "victim_category": "hors-de-combat",
    "description": "Three men in uniform\r\nare led to a treeline.",
    "tags": "treeline, drone",
}


def _cluster(ws: Workspace) -> str:
    (found,) = footage_of(ws.archive, ws.item_id)
    return found.id


def _token(ws: Workspace, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {accounts.issue_token(ws.archive, name, by='root')}"}


def _ready(ws: Workspace, author: str = "root") -> str:
    """A complete incident with primary evidence, submitted for review by `author`."""
    data = IncidentInput(**{k: v for k, v in RECORD.items() if v and k != "date_precision"})
    inc = create_incident(ws.archive, data, actor=author)
    link_evidence(ws.archive, inc.id, ws.item_id, role="primary", actor=author)
    set_status(ws.archive, inc.id, "under-review", actor=author)
    return inc.id


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found, "the form carries the version it was loaded at"
    return found.group(1)


def _error(page: str) -> str:
    found = re.search(r'<p class="error" role="alert" data-testid="error"[^>]*>([^<]*)<', page)
    assert found, page
    return found.group(1)


# -- the story ---------------------------------------------------------------------------------
def test_an_analyst_records_links_cites_and_submits_and_a_reviewer_approves(
    workspace: Workspace,
) -> None:
    ws = workspace
    analyst = ws.client()
    csrf = login(analyst, "analyst")
    form = analyst.get("/incidents/new")
    assert form.status_code == 200
    assert 'value="execution-hors-de-combat"' in form.text  # the taxonomy is the type select
    made = analyst.post("/incidents", data={**RECORD, "sensitive": "yes", "csrf": csrf})
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    ref = url.rsplit("/", 1)[1]
    assert url == f"/incidents/{ref}" and ref == "INC-0001"
    inc = get_incident(ws.archive, ref)
    assert inc.killed_low == 3 and inc.killed_high == 4 and inc.sensitive
    assert inc.description == "Three men in uniform\nare led to a treeline."
    assert inc.created_by == "analyst"

    cluster = _cluster(ws)
    page = analyst.get(url).text
    assert 'data-testid="evidence-ref"' in page and 'data-testid="link-evidence"' in page
    for target, role in ((ws.item_id, "primary"), (cluster, "corroborating")):
        linked = analyst.post(f"{url}/evidence", data={"ref": target, "role": role, "csrf": csrf})
        assert linked.status_code == 303, linked.text
    source = analyst.post(
        "/sources",
        data={
            "name": "UN HRMMU",
            "kind": "monitoring-mission",
            "reliability": "B",
            "next": f"{url}#sources",
            "csrf": csrf,
        },
    )
    assert source.status_code == 303 and source.headers["location"] == f"{url}#sources"
    (src,) = list_sources(ws.archive)
    cited = analyst.post(
        f"{url}/citations",
        data={"source": src.id, "credibility": "2", "item": ws.repost_id, "csrf": csrf},
    )
    assert cited.status_code == 303, cited.text
    graded = analyst.post(
        f"/sources/{src.id}/grade",
        data={"reliability": "A", "note": "confirmed twice", "next": url, "csrf": csrf},
    )
    assert graded.status_code == 303, graded.text
    page = analyst.get(url).text
    assert f'href="/items/{ws.item_id}"' in page and f'href="/items/{ws.repost_id}"' in page
    assert cluster in page and "UN HRMMU" in page and ">A2<" in page
    assert 'data-testid="approve"' not in page  # an analyst is not shown review buttons
    submitted = analyst.post(
        f"{url}/status",
        data={"status": "under-review", "version": _version(page), "csrf": csrf},
    )
    assert submitted.status_code == 303, submitted.text
    assert get_incident(ws.archive, ref).status == "under-review"

    refused = analyst.post(f"{url}/review", data={"decision": "approve", "csrf": csrf})
    assert refused.status_code == 403
    assert "analyst is a" in _error(refused.text) and "approving or rejecting" in refused.text
    assert get_incident(ws.archive, ref).status == "under-review"

    reviewer = ws.client()
    rcsrf = login(reviewer, "reviewer")
    shown = reviewer.get(url).text
    assert 'data-testid="approve"' in shown and 'data-testid="reject"' in shown
    approved = reviewer.post(f"{url}/review", data={"decision": "approve", "csrf": rcsrf})
    assert approved.status_code == 303, approved.text
    after = get_incident(ws.archive, ref)
    assert after.status == "verified" and after.reviews[-1].reviewer == "reviewer"

    page = reviewer.get(url).text
    actors = re.findall(r'data-testid="history-actor">([^<]*)<', page)
    assert set(actors) == {"analyst", "reviewer"}
    assert actors[0] == "analyst" and actors[-1] == "reviewer"
    assert "incident.review" in page and "incident.link" in page and "incident.cite" in page
    assert [e.actor for e in history(ws.archive, ref)] == actors


def test_a_reviewer_cannot_approve_what_they_submitted(workspace: Workspace) -> None:
    ws = workspace
    ref = _ready(ws, author="reviewer")
    client = ws.client()
    csrf = login(client, "reviewer")
    page = client.post(f"/incidents/{ref}/review", data={"decision": "approve", "csrf": csrf})
    assert page.status_code == 409
    assert "reviewer made the last change" in _error(page.text) and "four eyes" in page.text
    api = client.post(
        f"/api/incidents/{ref}/review", json={"decision": "approve"}, headers=_token(ws, "reviewer")
    )
    assert api.status_code == 409 and api.json()["error"]["code"] == "conflict"
    assert get_incident(ws.archive, ref).status == "under-review"
    admin = client.post(
        f"/api/incidents/{ref}/review", json={"decision": "approve"}, headers=_token(ws, "admin")
    )
    assert admin.status_code == 201 and admin.json()["reviewer"] == "admin"


def test_a_rejection_needs_a_note_and_sends_it_back(workspace: Workspace) -> None:
    ws = workspace
    ref = _ready(ws)
    headers = _token(ws, "reviewer")
    client = ws.client()
    bare = client.post(f"/api/incidents/{ref}/review", json={"decision": "reject"}, headers=headers)
    assert bare.status_code == 400 and "needs a note" in bare.json()["error"]["message"]
    done = client.post(
        f"/api/incidents/{ref}/review",
        json={"decision": "reject", "note": "the treeline is not the one on the map"},
        headers=headers,
    )
    assert done.status_code == 201 and done.json()["status_after"] == "unverified"


# -- roles ----------------------------------------------------------------------------------------
def test_a_viewer_is_refused_every_write_and_nothing_is_written(workspace: Workspace) -> None:
    ws = workspace
    ref = _ready(ws)
    client = ws.client()
    csrf = login(client, "viewer")
    page = client.get(f"/incidents/{ref}").text
    for control in ("evidence-ref", "link-evidence", "submit-review", "approve", "reject"):
        assert f'data-testid="{control}"' not in page  # a viewer is offered no write
    headers = _token(ws, "viewer")  # issuing it is logged: before counting
    before_entries = len(entries(ws.archive))
    before = get_incident(ws.archive, ref)
    form = {"csrf": csrf}
    pages = [
        ("GET", "/incidents/new", {}),
        ("GET", f"/incidents/{ref}/edit", {}),
        ("POST", "/incidents", {**RECORD, **form}),
        ("POST", f"/incidents/{ref}/edit", {"title": "Viewer's title", **form}),
        ("POST", f"/incidents/{ref}/evidence", {"ref": ws.repost_id, **form}),
        ("POST", f"/incidents/{ref}/citations", {"source": "x", "credibility": "2", **form}),
        ("POST", f"/incidents/{ref}/status", {"status": "disputed", **form}),
        ("POST", f"/incidents/{ref}/review", {"decision": "approve", **form}),
        ("POST", "/sources", {"name": "S", "kind": "media", "reliability": "B", **form}),
        ("POST", "/sources/SRC-0001/grade", {"reliability": "C", **form}),
    ]
    for method, url, data in pages:
        response = client.request(method, url, data=data or None)
        assert response.status_code == 403, f"{method} {url}: {response.status_code}"
        assert "viewer is a viewer" in _error(response.text)
    api = [
        ("POST", "/api/incidents", {"title": "T", "type": "execution-hors-de-combat"}),
        ("PATCH", f"/api/incidents/{ref}", {"title": "Viewer's title"}),
        ("POST", f"/api/incidents/{ref}/evidence", {"ref": ws.repost_id}),
        ("POST", f"/api/incidents/{ref}/citations", {"source": "x", "credibility": 2}),
        ("POST", f"/api/incidents/{ref}/status", {"status": "disputed"}),
        ("POST", f"/api/incidents/{ref}/review", {"decision": "approve"}),
        ("POST", "/api/sources", {"name": "S", "kind": "media", "reliability": "B"}),
        ("POST", "/api/sources/SRC-0001/grade", {"reliability": "C"}),
    ]
    for method, url, body in api:
        response = client.request(method, url, json=body, headers=headers)
        assert response.status_code == 403, f"{method} {url}: {response.status_code}"
        assert response.json()["error"]["code"] == "forbidden"
    assert len(entries(ws.archive)) == before_entries
    assert get_incident(ws.archive, ref) == before
    assert [i.id for i in list_incidents(ws.archive)] == [ref] and list_sources(ws.archive) == []


def test_a_form_post_without_its_csrf_token_changes_nothing(workspace: Workspace) -> None:
    ws = workspace
    client = ws.client()
    login(client, "analyst")
    for extra in ({}, {"csrf": "forged"}):
        response = client.post("/incidents", data={**RECORD, **extra})
        assert response.status_code == 403 and "CSRF" in response.text
    assert list_incidents(ws.archive) == []


def test_a_source_form_goes_back_only_to_a_page_of_this_site(workspace: Workspace) -> None:
    client = workspace.client()
    csrf = login(client, "analyst")
    for n, target in enumerate(("https://evil.example/", "//evil.example/", "/\\evil.example")):
        added = client.post(
            "/sources",
            data={"name": f"S{n}", "kind": "media", "reliability": "B", "next": target,
                  "csrf": csrf},
        )  # fmt: skip
        assert added.status_code == 303 and added.headers["location"] == "/incidents"


def test_a_forged_or_future_version_is_refused(workspace: Workspace) -> None:
    ws = workspace
    ref = _ready(ws)
    client = ws.client()
    csrf = login(client, "analyst")
    logged = len(entries(ws.archive))
    forged = client.post(
        f"/incidents/{ref}/edit", data={"title": "X", "version": "3; drop", "csrf": csrf}
    )
    assert forged.status_code == 422 and "not a version number" in _error(forged.text)
    future = client.post(
        f"/incidents/{ref}/status", data={"status": "disputed", "version": "99", "csrf": csrf}
    )
    assert future.status_code == 409 and "not 99" in _error(future.text)
    assert len(entries(ws.archive)) == logged


# -- concurrent edits -----------------------------------------------------------------------------
def test_a_stale_save_is_refused_naming_who_changed_what_and_the_first_save_is_kept(
    workspace: Workspace,
) -> None:
    ws = workspace
    ref = _ready(ws)
    first, second = ws.client(), ws.client()
    first_csrf, second_csrf = login(first, "analyst"), login(second, "reviewer")
    first_form = first.get(f"/incidents/{ref}/edit").text
    second_form = second.get(f"/incidents/{ref}/edit").text
    version = _version(first_form)
    assert _version(second_form) == version
    assert 'value="Captured soldiers shot near a treeline"' in first_form
    # each sends the whole form back, as a browser does, with one field changed
    shown = {**RECORD, "description": "Three men in uniform\nare led to a treeline."}
    saved = first.post(
        f"/incidents/{ref}/edit",
        data={**shown, "title": "Three captured soldiers shot", "version": version,
              "csrf": first_csrf},
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    logged = len(entries(ws.archive))
    stale = second.post(
        f"/incidents/{ref}/edit",
        data={**shown, "killed": "4", "version": version, "csrf": second_csrf},
    )
    assert stale.status_code == 409
    message = _error(stale.text)
    assert f"loaded version {version}" in message and "analyst" in message
    assert "title" in message and "not written" in message
    assert f'href="/incidents/{ref}/edit" data-testid="error-next"' in stale.text
    after = get_incident(ws.archive, ref)
    assert after.title == "Three captured soldiers shot" and after.killed_low == 3
    assert len(entries(ws.archive)) == logged
    edit = history(ws.archive, ref)[-1]
    assert edit.actor == "analyst" and list(edit.details["changes"]) == ["title"]

    api = second.patch(
        f"/api/incidents/{ref}",
        json={"killed": "4", "expected_version": int(version)},
        headers=_token(ws, "reviewer"),
    )
    assert api.status_code == 409
    assert api.json()["error"]["code"] == "stale_edit"
    assert "analyst" in api.json()["error"]["message"]
    fresh = second.get(f"/incidents/{ref}/edit").text  # reloading gives the new version
    assert _version(fresh) == str(int(version) + 1)
    resaved = second.post(
        f"/incidents/{ref}/edit",
        data={**shown, "title": "Three captured soldiers shot", "killed": "4",
              "version": _version(fresh), "csrf": second_csrf},
    )  # fmt: skip
    assert resaved.status_code == 303
    assert get_incident(ws.archive, ref).killed_low == 4


# -- bad input ------------------------------------------------------------------------------------
def test_bad_fields_are_422_naming_the_field_and_nothing_is_written(workspace: Workspace) -> None:
    ws = workspace
    client = ws.client()
    headers = _token(ws, "analyst")
    logged = len(entries(ws.archive))
    base = {"title": "T", "type": "execution-hors-de-combat"}
    cases = [
        ({**base, "date": "2024-13-45"}, "date"),
        ({**base, "date": "2024-02-30"}, "date"),
        ({**base, "type": "rocket-party"}, "type"),
        ({**base, "killed": "lots"}, "killed"),
        ({**base, "killed": "5-2"}, "killed"),
        ({**base, "killed": -1}, "killed"),
        ({**base, "latitude": "91", "longitude": "30"}, "latitude"),
        ({"type": "execution-hors-de-combat"}, "title"),
    ]
    for body, field in cases:
        response = client.post("/api/incidents", json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        error = response.json()["error"]
        assert error["code"] == "invalid_field" and error["field"] == field
        assert field.split("_")[0] in error["message"] and "Traceback" not in response.text
    wrong_type = client.post("/api/incidents", json={**base, "killed": True}, headers=headers)
    assert wrong_type.status_code == 422  # not a figure in JSON's own types: `true` is not 1
    assert wrong_type.json()["error"]["code"] == "invalid_request"
    assert "killed" in wrong_type.json()["error"]["message"]
    typo = client.post("/api/incidents", json={**base, "titel": "x"}, headers=headers)
    assert typo.status_code == 422 and typo.json()["error"]["code"] == "invalid_request"
    assert list_incidents(ws.archive) == [] and len(entries(ws.archive)) == logged

    csrf = login(client, "analyst")
    page = client.post("/incidents", data={**RECORD, "date": "2024-13-45", "csrf": csrf})
    assert page.status_code == 422 and "text/html" in page.headers["content-type"]
    assert "date '2024-13-45' is not a real" in _error(page.text).replace("&#39;", "'")
    assert 'value="Captured soldiers shot near a treeline"' in page.text  # what was typed stays
    unknown = client.post("/incidents", data={**RECORD, "type": "rocket-party", "csrf": csrf})
    assert unknown.status_code == 422 and "unknown incident type" in _error(unknown.text)
    assert list_incidents(ws.archive) == [] and len(entries(ws.archive)) == logged


def test_unknown_evidence_incidents_and_sources_are_404(workspace: Workspace) -> None:
    ws = workspace
    ref = _ready(ws)
    client = ws.client()
    headers = _token(ws, "analyst")
    logged = len(entries(ws.archive))
    cases = [
        client.post(
            f"/api/incidents/{ref}/evidence", json={"ref": "ffffffffffff"}, headers=headers
        ),
        client.post(f"/api/incidents/{ref}/evidence", json={"ref": "FC-0999"}, headers=headers),
        client.get("/api/incidents/INC-0999", headers=headers),
        client.post(
            f"/api/incidents/{ref}/citations",
            json={"source": "nobody", "credibility": 2},
            headers=headers,
        ),
    ]
    for response in cases:
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "not_found"
    twice = client.post(f"/api/incidents/{ref}/evidence", json={"ref": ws.item_id}, headers=headers)
    assert twice.status_code == 400 and "already linked" in twice.json()["error"]["message"]
    grade = client.post(
        f"/api/incidents/{ref}/citations",
        json={"source": "nobody", "credibility": 9},
        headers=headers,
    )
    assert grade.status_code == 422 and grade.json()["error"]["field"] == "credibility"
    assert len(entries(ws.archive)) == logged
    login(client, "viewer")
    missing = client.get("/incidents/INC-0999")
    assert missing.status_code == 404 and "no incident INC-0999" in _error(missing.text)
    bad = client.get("/incidents?status=rocket")
    assert bad.status_code == 422 and "unknown status" in _error(bad.text)


# -- what pages show --------------------------------------------------------------------------
def test_stored_markup_in_titles_and_notes_is_escaped(workspace: Workspace) -> None:
    ws = workspace
    client = ws.client()
    made = client.post(
        "/api/incidents",
        json={"title": "<script>alert(1)</script>", "type": "execution-hors-de-combat",
              "description": "<img src=x onerror=alert(2)>"},
        headers=_token(ws, "analyst"),
    )  # fmt: skip
    assert made.status_code == 201, made.text
    ref = made.json()["id"]
    login(client, "viewer")
    for url in ("/incidents", f"/incidents/{ref}"):
        page = client.get(url).text
        assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_list_filters_by_status_and_type(workspace: Workspace) -> None:
    ws = workspace
    ready = _ready(ws)
    other = create_incident(
        ws.archive, IncidentInput(title="Shelled school", type="attack-on-civilians"), actor="a"
    )
    client = ws.client()
    login(client, "viewer")

    def shown(query: str) -> set[str]:
        page = client.get(f"/incidents{query}")
        assert page.status_code == 200
        return set(
            re.findall(r'incident-row">\s*<td[^>]*><a href="/incidents/(INC-\d+)"', page.text)
        )

    assert shown("") == {ready, other.id}
    assert shown("?status=under-review") == {ready}
    assert shown("?type=attack-on-civilians") == {other.id}
    assert shown("?status=verified&type=") == set()


def test_an_analyst_marks_an_incident_sensitive_from_its_page(workspace: Workspace) -> None:
    from corroborate.incidents.sensitive import is_sensitive

    ws = workspace
    ref = _ready(ws)
    assert not is_sensitive(ws.archive, ws.item_id)
    client = ws.client()
    csrf = login(client, "analyst")
    page = client.get(f"/incidents/{ref}").text
    form = re.search(r'action="/incidents/[^"]+/edit">(.*?)</form>', page, re.S)
    assert form and 'data-testid="mark-sensitive"' in form.group(1)
    fields = dict(re.findall(r'name="([a-z]+)" value="([^"]*)"', form.group(1)))
    assert fields["sensitive"] == "yes" and fields["csrf"] == csrf
    marked = client.post(f"/incidents/{ref}/edit", data=fields)
    assert marked.status_code == 303, marked.text
    assert get_incident(ws.archive, ref).sensitive and is_sensitive(ws.archive, ws.item_id)
    edit = history(ws.archive, ref)[-1]
    assert edit.actor == "analyst" and list(edit.details["changes"]) == ["sensitive"]
    page = client.get(f"/incidents/{ref}").text
    assert 'data-testid="unmark-sensitive"' in page


# -- the evidence package -------------------------------------------------------------------------
def test_the_evidence_package_downloads_verifies_and_is_logged_under_the_account(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    ref = _ready(ws)
    link_evidence(ws.archive, ref, _cluster(ws), role="corroborating", actor="root")
    client = ws.client()
    csrf = login(client, "viewer")
    response = client.post(f"/incidents/{ref}/package", data={"csrf": csrf})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert f'filename="{ref}-evidence-package.zip"' in response.headers["content-disposition"]
    saved = tmp_path / "case.zip"
    saved.write_bytes(response.content)
    check = verify_package(saved)
    assert check.ok, check.problems
    names = zipfile.ZipFile(BytesIO(response.content)).namelist()
    assert any(ws.repost_id in n for n in names)  # the cluster's copies are in it
    exports = [e for e in history(ws.archive, ref) if e.action == "export.package"]
    assert [e.actor for e in exports] == ["viewer"]
    assert not list(ws.archive.dir.glob(".web-package-*"))  # the server's copy is gone
    api = client.post(f"/api/incidents/{ref}/package", headers=_token(ws, "analyst"))
    assert api.status_code == 200 and api.content[:2] == b"PK"
    cut_off = ws.archive.dir / ".web-package-cutoff"  # a download whose removal never ran
    cut_off.mkdir()
    (cut_off / "package.zip").write_bytes(response.content)
    os.utime(cut_off, (time.time() - 2 * 24 * 3600,) * 2)
    missing = client.post("/incidents/INC-0999/package", data={"csrf": csrf})
    assert missing.status_code == 404
    assert not list(ws.archive.dir.glob(".web-package-*"))


# -- the same documents as the CLI ------------------------------------------------------------
def test_the_incident_api_is_the_same_document_as_the_cli_json(workspace: Workspace) -> None:
    ws = workspace
    ref = _ready(ws)
    link_evidence(ws.archive, ref, _cluster(ws), role="corroborating", actor="root")
    client = ws.client()
    headers = _token(ws, "analyst")
    made = client.post(
        "/api/sources",
        json={"name": "UN HRMMU", "kind": "monitoring-mission", "reliability": "B"},
        headers=headers,
    )
    assert made.status_code == 201 and made.json()["id"] == "SRC-0001"
    cited = client.post(
        f"/api/incidents/{ref}/citations",
        json={"source": "SRC-0001", "credibility": 2, "note": "reported three killed"},
        headers=headers,
    )
    assert cited.status_code == 201
    assert (cited.json()["reliability"], cited.json()["credibility"]) == ("B", 2)
    for url, args in (
        ("/api/incidents", ("incident", "list")),
        (f"/api/incidents/{ref}", ("incident", "show", ref)),
        (f"/api/incidents/{ref}/history", ("incident", "history", ref)),
        ("/api/sources", ("source", "list")),
        ("/api/incident-types", ("incident", "types")),
    ):
        api = client.get(url, headers=headers)
        assert api.status_code == 200
        assert api.json() == _cli_json(ws.archive, *args), url
    changed = client.patch(
        f"/api/incidents/{ref}", json={"injured": 2, "note": "hospital report"}, headers=headers
    )
    assert changed.status_code == 200 and changed.json()["injured_low"] == 2
    assert changed.json() == _cli_json(ws.archive, "incident", "show", ref)
    assert history(ws.archive, ref)[-1].actor == "analyst"
    graded = client.post("/api/sources/SRC-0001/grade", json={"reliability": "C"}, headers=headers)
    assert graded.status_code == 200 and graded.json()["reliability"] == "C"


def test_the_openapi_document_describes_the_incident_api(workspace: Workspace) -> None:
    spec = TestClient(workspace.app).get("/api/openapi.json").json()
    assert {"/api/incidents", "/api/incidents/{ref}", "/api/incidents/{ref}/review"} <= set(
        spec["paths"]
    )
    assert "patch" in spec["paths"]["/api/incidents/{ref}"]
