"""The map, timeline, tally and claims pages over the same library figures as the CLI."""

from __future__ import annotations

import csv
import io
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from corroborate import accounts
from corroborate.archive import ingest
from corroborate.custody import entries
from corroborate.custody.setup import init_archive
from corroborate.incidents.ids import incident_ref
from corroborate.incidents.models import IncidentRow
from corroborate.samples.incidents import generate_incidents
from corroborate.storage.archive import Archive
from corroborate.web import create_app

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("picture") / "archive"
    archive = init_archive(directory)
    try:
        generate_incidents(archive, 400, seed=5)
        copy = directory.parent / "report.txt"
        copy.write_text(
            "KYIV, March 14, 2025 - Ukraine's human rights ombudsman said on Friday that 177 "
            "Ukrainian prisoners of war had been executed by Russian forces since 2022.\n\n"
            "The UN human rights monitoring mission said it had documented the executions of "
            "at least 91 Ukrainian prisoners of war since 2022.\n",
            encoding="utf-8",
        )
        ingest(archive, [str(copy)], actor="alice")
        for role in ("viewer", "analyst"):
            accounts.add_user(archive, role, role=role, password=PASSWORD, by="root")
    finally:
        archive.close()
    return directory


@pytest.fixture
def site(template: Path, tmp_path: Path) -> Iterator[tuple[Archive, TestClient, TestClient]]:
    directory = tmp_path / "archive"
    shutil.copytree(template, directory)
    archive = Archive.open(directory)
    app = create_app(directory)
    clients = []
    for role in ("viewer", "analyst"):
        client = TestClient(app)
        session = accounts.start_session(archive, accounts.get_user(archive, role))
        client.cookies.set("corroborate_session", session.cookie)
        clients.append(client)
    yield archive, clients[0], clients[1]
    app.state.archive.close()
    archive.close()


def _rows(archive: Archive) -> list[IncidentRow]:
    with archive.session() as session:
        return list(session.query(IncidentRow).all())


def test_the_map_page_loads_its_offline_assets(
    site: tuple[Archive, TestClient, TestClient],
) -> None:
    _, viewer, _ = site
    page = viewer.get("/map")
    assert page.status_code == 200
    for asset in ("/static/leaflet/leaflet.js", "/static/map.js", "/static/leaflet/leaflet.css"):
        assert asset in page.text
        assert viewer.get(asset).status_code == 200
    assert viewer.get("/static/basemap/regions.json").json()["type"] == "FeatureCollection"
    assert "://" not in page.text.split("<body")[0]  # nothing from another site


def test_clusters_count_every_incident_and_the_unlocated_beside_them(
    site: tuple[Archive, TestClient, TestClient],
) -> None:
    archive, viewer, _ = site
    rows = _rows(archive)
    for zoom in (4, 7, 12):
        view = viewer.get("/api/map/clusters", params={"zoom": zoom}).json()
        assert sum(c["count"] for c in view["clusters"]) == view["located"]
        assert view["located"] == sum(r.latitude is not None for r in rows)
        assert view["not_located"] == sum(r.latitude is None for r in rows) > 0


def test_filters_narrow_the_map_and_the_list_alike(
    site: tuple[Archive, TestClient, TestClient],
) -> None:
    archive, viewer, _ = site
    rows = _rows(archive)
    kind = rows[0].type
    params = {"type": kind, "from": "2023-01-01", "to": "2023-12-31", "bbox": "30,46,38,52"}
    view = viewer.get("/api/map/clusters", params={**params, "zoom": 6}).json()
    listed = viewer.get("/api/map/incidents", params={**params, "limit": 1000}).json()
    expected = {
        incident_ref(r.id)
        for r in rows
        if r.type == kind
        and r.occurred_from is not None
        and "2023-01-01" <= r.occurred_from.isoformat() <= "2023-12-31"
        and r.latitude is not None
        and 46 <= r.latitude <= 52
        and 30 <= r.longitude <= 38
        and not r.sensitive  # a viewer's rounded sensitive places may cross the box edge
    }
    got = {i["id"] for i in listed["incidents"]}
    assert expected <= got and view["in_view"] == listed["total"] == len(got)
    page = viewer.get("/map/list", params=params)
    assert f"{listed['total']} incident" in page.text


def test_a_viewer_gets_sensitive_places_rounded_everywhere_an_analyst_exact(
    site: tuple[Archive, TestClient, TestClient],
) -> None:
    archive, viewer, analyst = site
    exact = {
        incident_ref(r.id): (r.latitude, r.longitude)
        for r in _rows(archive)
        if r.sensitive and r.latitude is not None
    }
    assert exact
    seen = viewer.get("/api/map/incidents", params={"limit": 5000}).json()["incidents"]
    full = analyst.get("/api/map/incidents", params={"limit": 5000}).json()["incidents"]
    for shown, rounded in ((seen, True), (full, False)):
        for inc in shown:
            if inc["id"] in exact:
                at = (inc["latitude"], inc["longitude"])
                assert (at != exact[inc["id"]]) is rounded and inc["position_rounded"] is rounded
    geo = viewer.get("/api/map/geojson").json()
    for feature in geo["features"]:
        if feature["id"] in exact:
            lon, lat = feature["geometry"]["coordinates"]
            assert (lat, lon) != exact[feature["id"]]
    listed = viewer.get("/map/list").text
    assert "rounded to ~10 km" in listed
    assert "rounded" not in analyst.get("/map/list").text


def test_the_timeline_api_counts_what_the_tally_counts(
    site: tuple[Archive, TestClient, TestClient],
) -> None:
    _, viewer, _ = site
    line = viewer.get("/api/timeline", params={"unit": "week", "status": "verified"}).json()
    counted = viewer.get("/api/tally", params={"status": "verified"}).json()
    assert line["counted"] == counted["total"]["incidents"] > 0


def test_the_tally_csv_download_is_the_clis_and_is_logged_by_the_account(
    site: tuple[Archive, TestClient, TestClient],
) -> None:
    archive, viewer, _ = site
    page = viewer.get("/tally", params={"by": "type", "status": "any"})
    assert page.status_code == 200 and 'data-testid="tally-chart"' in page.text
    download = viewer.get("/tally.csv", params={"by": "type", "status": "any"})
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    from corroborate.cli import app

    cli = CliRunner().invoke(
        app,
        ["tally", "--by", "type", "--min-status", "any", "--csv", "--archive", str(archive.dir)],
    )
    assert cli.exit_code == 0, cli.output
    assert list(csv.reader(io.StringIO(download.text))) == list(csv.reader(io.StringIO(cli.stdout)))
    logged = [e for e in entries(archive) if e.action == "export.tally"]
    assert [e.actor for e in logged][:1] == ["viewer"]


def test_unknown_figures_are_shown_as_unknown_never_zero(
    site: tuple[Archive, TestClient, TestClient],
) -> None:
    _, viewer, _ = site
    page = viewer.get("/tally", params={"status": "any"}).text
    assert "no figure" in page  # some generated incidents have no killed figure


def test_the_claims_page_links_each_claim_to_its_report(
    site: tuple[Archive, TestClient, TestClient],
) -> None:
    _, viewer, _ = site
    compared = viewer.get("/api/claims/compare").json()
    assert compared["groups"]
    claim = compared["groups"][0]["claims"][0]
    assert claim["item"] and claim["item_name"] == "report.txt"
    page = viewer.get("/claims").text
    assert f'href="/items/{claim["item"]}"' in page


@pytest.mark.parametrize(
    "path, params",
    [
        ("/api/map/clusters", {"bbox": "1,2,3"}),
        ("/api/map/clusters", {"zoom": "99"}),
        ("/api/map/clusters", {"from": "2024-02-30"}),
        ("/api/timeline", {"unit": "fortnight"}),
        ("/api/tally", {"status": "approved-ish"}),
        ("/api/map/incidents", {"limit": "0"}),
    ],
)
def test_bad_filters_get_a_clear_error_not_a_trace(
    site: tuple[Archive, TestClient, TestClient], path: str, params: dict[str, str]
) -> None:
    _, viewer, _ = site
    response = viewer.get(path, params=params)
    assert 400 <= response.status_code < 500
    error = response.json()["error"]
    assert error["code"] in ("bad_input", "invalid_request", "invalid_field") and error["message"]
    assert "Traceback" not in response.text


def test_a_large_tally_gives_numbers_on_the_page_and_every_incident_on_request(
    site: tuple[Archive, TestClient, TestClient],
) -> None:
    """400 incidents, most below 'verified': the page names the first few left out per
    reason and says where the rest are; the API gives counts, and every incident with ids."""
    _, viewer, _ = site
    short = viewer.get("/api/tally", params={"status": "verified"}).json()
    full = viewer.get("/api/tally", params={"status": "verified", "ids": "true"}).json()
    below = full["left_out_counts"]["below-status"]
    assert below > 200 and short["left_out_counts"] == full["left_out_counts"]
    assert short["left_out"] is None and "incident_ids" not in short["total"]
    assert len(full["left_out"]) == sum(full["left_out_counts"].values())
    assert len(full["total"]["incident_ids"]) == full["total"]["incidents"]
    assert short["total"]["incidents"] == full["total"]["incidents"]
    # one sentence for the many left out below the status, naming the first 20 and the rest
    many = [c for c in short["caveats"] if c.startswith(f"Left out {below:,} incidents below")]
    assert len(many) == 1 and f"and {below - 20:,} more" in many[0]
    assert sum(c.startswith("Left out INC-") for c in full["caveats"]) == len(full["left_out"])
    page = viewer.get("/tally", params={"status": "verified"}).text
    assert page.count('<td class="mono"><a href="/incidents/INC-') == 200
    assert 'data-testid="left-out-more"' in page and "ids=true" in page


def test_a_server_reads_the_incidents_as_it_starts_not_at_the_first_map(tmp_path: Path) -> None:
    """`corroborate serve` digests every incident in the background as it starts, so the
    first person to open the map or the tally does not wait for it; a test client does not."""
    made = init_archive(tmp_path / "archive")
    generate_incidents(made, 30, seed=4)
    made.close()
    for warm in (False, True):
        app = create_app(tmp_path / "archive", warm=warm)
        with TestClient(app):
            memo = app.state.archive._memo  # noqa: SLF001 - what the server keeps read
            for _ in range(200):
                if any(key == ("incident-columns",) for key, _token in memo):
                    break
                time.sleep(0.05)
            read = any(key == ("incident-columns",) for key, _token in memo)
        app.state.archive.close()
        assert read is warm
