"""An investigator ingests links and folders that someone else controls: nothing they hold may
turn the archive against the network it runs in, stop a batch, or be lost without a word."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backends import failing_inserts, temporaries
from conftest import REPORTS
from corroborate.archive import get_item, ingest, list_items, verify_archive
from corroborate.archive.fetch import FetchPolicy
from corroborate.custody import entries
from corroborate.custody.setup import init_archive
from corroborate.storage.archive import Archive
from corroborate.testing.http import LOCAL_ONLY, LocalSite, local_site
from corroborate.testing.postgres import local_postgres, postgres_bin

ingest_module = importlib.import_module(
    "corroborate.archive.ingest"
)  # the package exports a function of that name
COLLISION = Path(__file__).resolve().parent / "data" / "collision"


@pytest.fixture
def site(footage: dict[str, Path]) -> Any:
    with local_site(footage["coffee"].parent) as served:
        yield served


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every address the process really connects to (ours and yt-dlp's), in order."""
    import corroborate.archive.fetch as fetch

    made: list[str] = []
    real_create = socket.create_connection
    real_connect = fetch._real_connect

    def create(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        made.append(str(address[0]))
        return real_create(address, *args, **kwargs)

    def connect(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            made.append(str(address[0]))
        real_connect(sock, address)

    monkeypatch.setattr(socket, "create_connection", create)
    monkeypatch.setattr(fetch, "_real_connect", connect)
    return made


def _errors(result: Any) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def _warnings(result: Any) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("warning:")]


def _nothing_kept(archive: Archive) -> None:
    assert list_items(archive) == []
    assert list(archive.blobs.iter_digests()) == []
    assert temporaries(archive) == []
    assert entries(archive) == []


# --- URLs that point inward ----------------------------------------------------------------


def test_a_link_to_this_machine_is_refused_unless_the_user_allows_internal_addresses(
    cli: Any, archive: Archive, site: LocalSite, connections: list[str]
) -> None:
    url = site.file_url("still.jpg")
    refused = cli("ingest", url)
    assert refused.exit_code == 1
    (line,) = _errors(refused)
    assert url in line and "127.0.0.1 is a loopback address" in line
    assert "--allow-private-addresses" in line
    assert connections == [], "refused before any connection"
    _nothing_kept(archive)

    allowed = cli("ingest", url, "--allow-private-addresses")
    assert allowed.exit_code == 0, allowed.stderr
    assert [i.original_name for i in list_items(archive)] == ["still.jpg"]
    assert verify_archive(archive) == []


@pytest.mark.parametrize(
    ("host", "why"),
    [
        ("localhost", "a loopback address"),
        ("0x7f000001", "a loopback address"),  # 127.0.0.1 spelled in hex
        ("[::ffff:127.0.0.1]", "a loopback address"),  # IPv4-mapped IPv6
        ("[::1]", "a loopback address"),
        ("0.0.0.0", "an unspecified address"),
    ],
)
def test_other_spellings_of_this_machine_are_refused_too(
    archive: Archive, site: LocalSite, connections: list[str], host: str, why: str
) -> None:
    url = site.file_url("still.jpg").replace("127.0.0.1", host)
    report = ingest(archive, [url], actor="alice")
    (result,) = report.results
    assert result.error is not None and why in result.error and url in result.error
    assert connections == []
    _nothing_kept(archive)


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("http://10.0.0.1/secret", "10.0.0.1 is a private address"),
        ("http://192.168.1.1/admin", "192.168.1.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://100.64.0.1/", "100.64.0.1 is an address that is not publicly routable"),
        ("http://240.0.0.1/", "240.0.0.1 is a reserved address"),
    ],
)
def test_a_redirect_to_an_internal_address_is_refused_before_connecting(
    archive: Archive, site: LocalSite, connections: list[str], target: str, why: str
) -> None:
    url = site.redirect_url(target)
    report = ingest(archive, [url], actor="alice", policy=LOCAL_ONLY)
    (result,) = report.results
    assert result.error is not None
    assert why in result.error and f"redirected to {target}" in result.error
    assert all(a == "127.0.0.1" for a in connections), connections
    _nothing_kept(archive)
    assert verify_archive(archive) == []


@pytest.mark.parametrize(
    "target", ["ftp://example.org/leak.txt", "file:///etc/passwd", "gopher://x/"]
)
def test_a_redirect_to_anything_but_http_is_refused(
    archive: Archive, site: LocalSite, connections: list[str], target: str
) -> None:
    report = ingest(
        archive, [site.redirect_url(target, code=301)], actor="alice", policy=LOCAL_ONLY
    )
    (result,) = report.results
    assert result.error is not None
    assert f"redirects to {target}, which is not http or https" in result.error
    assert all(a == "127.0.0.1" for a in connections)
    _nothing_kept(archive)


def test_a_redirect_chain_longer_than_ten_hops_is_refused(
    archive: Archive, site: LocalSite
) -> None:
    url = site.file_url("still.jpg")
    for _ in range(11):
        url = site.redirect_url(url)
    report = ingest(archive, [url], actor="alice", policy=LOCAL_ONLY)
    assert "more than 10 redirects" in (report.results[0].error or "")
    _nothing_kept(archive)
    ten = site.file_url("still.jpg")
    for _ in range(10):
        ten = site.redirect_url(ten)
    assert ingest(archive, [ten], actor="alice", policy=LOCAL_ONLY).failed == 0


def test_only_the_internal_network_the_user_names_is_reachable(
    cli: Any, archive: Archive, site: LocalSite, connections: list[str]
) -> None:
    inward = site.redirect_url("http://10.0.0.1/secret")
    result = cli("ingest", site.file_url("still.jpg"), inward, "--allow-address", "127.0.0.1")
    assert result.exit_code == 1
    (line,) = _errors(result)
    assert "10.0.0.1 is a private address" in line
    assert [i.original_name for i in list_items(archive)] == ["still.jpg"]
    assert "10.0.0.1" not in connections
    bad = cli("ingest", site.file_url("still.jpg"), "--allow-address", "ten.dot.x")
    assert bad.exit_code == 2 and "not an IP address or network" in bad.stderr


def test_a_page_embedding_an_internal_video_is_archived_without_the_video(
    cli: Any, archive: Archive, site: LocalSite, connections: list[str]
) -> None:
    page = site.embedding_page_url("http://10.0.0.1/bodycam.mp4")
    result = cli("ingest", page, "--allow-address", "127.0.0.1/32")
    assert result.exit_code == 1
    (line,) = _errors(result)
    assert "embedded media at http://10.0.0.1/bodycam.mp4" in line
    assert "10.0.0.1 is a private address" in line
    assert [i.kind for i in list_items(archive)] == ["webpage"], "the page itself is kept"
    assert "10.0.0.1" not in connections
    assert verify_archive(archive) == []


def test_dns_that_changes_its_answer_cannot_steer_a_fetch_inward(
    archive: Archive,
    site: LocalSite,
    connections: list[str],
    footage: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rebinding name answers 127.0.0.1 when checked, then 10.0.0.1 to whoever asks next."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "news.rebind.test":
            asked.append(host)
            host = "127.0.0.1" if len(asked) == 1 else "10.0.0.1"
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    page = site.page_url("coffee.mp4").replace("127.0.0.1", "news.rebind.test")
    report = ingest(archive, [page], actor="alice", policy=LOCAL_ONLY)

    # our download asked once and connected to the address it checked;
    # yt-dlp asked again, got 10.0.0.1, and its connection was refused before it was made
    kinds = [r.kind for r in report.results if r.error is None]
    assert kinds == ["webpage"]
    (refused,) = [r.error for r in report.results if r.error]
    assert "10.0.0.1 is a private address" in refused
    assert "10.0.0.1" not in connections
    assert connections[0] == "127.0.0.1"
    assert not any(i.sha256 == _sha256(footage["coffee"]) for i in list_items(archive))
    assert verify_archive(archive) == []


# --- the size cap --------------------------------------------------------------------------


@pytest.mark.parametrize("announce", [True, False], ids=["with-length", "no-length"])
def test_a_download_over_the_size_cap_is_refused_and_nothing_is_kept(
    cli: Any, archive: Archive, site: LocalSite, announce: bool
) -> None:
    url = site.big_url(3 * 1024 * 1024, announce=announce)
    result = cli("ingest", url, "--max-size", "1M", "--allow-address", "127.0.0.1")
    assert result.exit_code == 1
    (line,) = _errors(result)
    assert url in line and "larger than the size cap of 1 MiB" in line and "--max-size" in line
    _nothing_kept(archive)
    assert cli("ingest", url, "--max-size", "4M", "--allow-address", "127.0.0.1").exit_code == 0
    assert [i.size for i in list_items(archive)] == [3 * 1024 * 1024]


def test_embedded_video_over_the_size_cap_is_refused(archive: Archive, site: LocalSite) -> None:
    page = site.page_url("coffee.mp4")
    capped = FetchPolicy(allowed_networks=LOCAL_ONLY.allowed_networks, max_size=100 * 1024)
    report = ingest(archive, [page], actor="alice", policy=capped)
    assert [r.kind for r in report.results if r.error is None] == ["webpage"]
    (error,) = [r.error for r in report.results if r.error]
    assert "embedded media: larger than the size cap of 100 KiB" in error
    assert [i.kind for i in list_items(archive)] == ["webpage"]


def test_a_size_cap_that_is_not_a_size_is_refused(cli: Any, footage: dict[str, Path]) -> None:
    from corroborate.archive.fetch import parse_size

    result = cli("ingest", footage["still"], "--max-size", "lots")
    assert result.exit_code == 2 and "not a size" in result.stderr
    assert cli("ingest", footage["still"], "--max-size", "0").exit_code == 2
    assert [parse_size(t) for t in ("4G", "500MiB", "1.5k", "1000")] == [
        4 * 1024**3,
        500 * 1024**2,
        1536,
        1000,
    ]


# --- one bad input never stops a batch -----------------------------------------------------


def test_malformed_urls_and_servers_that_do_not_speak_http_fail_one_line_each(
    cli: Any, archive: Archive, site: LocalSite, footage: dict[str, Path]
) -> None:
    result = cli(
        "ingest",
        "http://[::1",
        site.garbage_url(),
        site.redirect_url(site.garbage_url()),
        "http://:80/",
        footage["still"],
        "--allow-address",
        "127.0.0.1",
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.stdout + result.stderr
    errors = _errors(result)
    assert len(errors) == 4
    assert "http://[::1: malformed URL" in errors[0]
    assert "the server's answer is not HTTP" in errors[1]
    assert "redirected to" in errors[2] and "not HTTP" in errors[2]
    assert "malformed URL" in errors[3]
    assert [i.original_name for i in list_items(archive)] == ["still.jpg"]
    assert verify_archive(archive) == []


def test_a_database_error_on_one_file_fails_that_file_and_the_rest_is_archived(
    cli: Any, archive: Archive, footage: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for name, src in (("a.jpg", "still"), ("b.mp4", "grass"), ("c.mp4", "coffee")):
        shutil.copy(footage[src], folder / name)
    full = "database or disk is full"
    with failing_inserts(archive, "sightings", "original_name", "b.mp4", full):
        result = cli("ingest", folder, "--no-signatures")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    (line,) = _errors(result)
    assert str(folder / "b.mp4") in line and full in line
    assert sorted(i.original_name for i in list_items(archive)) == ["a.jpg", "c.mp4"]
    assert verify_archive(archive) == []
    assert cli("ingest", folder / "b.mp4", "--no-signatures").exit_code == 0


# --- ids that cannot collide ---------------------------------------------------------------


def test_two_files_sharing_the_first_12_hex_digits_of_their_digest_are_both_archived(
    cli: Any, archive: Archive
) -> None:
    first, second = COLLISION / "a.txt", COLLISION / "b.txt"
    sha1, sha2 = _sha256(first), _sha256(second)
    assert sha1[:12] == sha2[:12] and sha1 != sha2, "a real 12-hex-digit collision"

    result = cli("ingest", first, second, "--json")
    assert result.exit_code == 0, result.stderr
    ids = [r["item_id"] for r in json.loads(result.stdout)["results"]]
    assert ids == [sha1[:12], sha2[:16]]
    assert get_item(archive, sha1[:12]).sha256 == sha1, "a shown id names its own item"
    assert get_item(archive, sha2[:16]).sha256 == sha2
    assert get_item(archive, sha2[:14]).sha256 == sha2, "a longer prefix that is unique"
    ambiguous = cli("show", sha1[:10])
    assert ambiguous.exit_code == 2
    assert sha1[:12] in ambiguous.stderr and sha2[:16] in ambiguous.stderr
    assert "more than one item" in ambiguous.stderr

    again = json.loads(cli("ingest", second, "--json").stdout)["results"][0]
    assert again["item_id"] == sha2[:16] and again["new"] is False
    assert [len(i.sightings) for i in list_items(archive)] == [1, 2]
    assert verify_archive(archive) == []


def _colliding_texts(digits: int) -> tuple[bytes, bytes, bytes]:
    """Three short reports whose SHA-256 digests share their first `digits` hex digits."""
    seen: dict[str, list[bytes]] = {}
    n = 0
    while True:
        text = f"Report {n}: shelling reported near the station.\n".encode()
        group = seen.setdefault(hashlib.sha256(text).hexdigest()[:digits], [])
        group.append(text)
        if len(group) == 3:
            return group[0], group[1], group[2]
        n += 1


def test_a_collision_at_the_shortest_id_lengthens_the_new_id_step_by_step(
    cli: Any, archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest_module, "SHORT_ID_HEX", 4)
    monkeypatch.setattr(ingest_module, "SHORT_ID_STEP", 2)
    texts = _colliding_texts(4)
    paths = []
    for i, text in enumerate(texts):
        paths.append(tmp_path / f"report-{i}.txt")
        paths[-1].write_bytes(text)
    shas = [hashlib.sha256(t).hexdigest() for t in texts]

    result = cli("ingest", *paths, "--json")
    assert result.exit_code == 0, result.stderr
    ids = [r["item_id"] for r in json.loads(result.stdout)["results"]]
    assert ids[0] == shas[0][:4], "the first keeps the shortest id"
    assert len(ids[1]) >= 6 and len(ids[2]) >= 6, "the later ones take longer ids"
    assert len(set(ids)) == 3 and all(s.startswith(i) for s, i in zip(shas, ids, strict=True))
    assert sorted(i.sha256 for i in list_items(archive)) == sorted(shas)
    assert verify_archive(archive) == []


# --- folders and symlinks ------------------------------------------------------------------


def _run_without_root_override(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The CLI in a process that obeys file permissions even when the tests run as root."""
    command = [sys.executable, "-m", "corroborate", *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]
    return subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **env}, timeout=300
    )


def test_a_folder_that_cannot_be_read_is_named_and_the_rest_is_archived(
    archive: Archive, footage: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "evidence"
    (folder / "locked").mkdir(parents=True)
    shutil.copy(footage["still"], folder / "still.jpg")
    shutil.copy(footage["grass"], folder / "locked" / "grass.mp4")
    shutil.copy(footage["coffee"], folder / "unreadable.mp4")
    (folder / "unreadable.mp4").chmod(0)
    (folder / "locked").chmod(0)
    try:
        result = _run_without_root_override(
            "ingest", str(folder), "--no-signatures", env={"CORROBORATE_ARCHIVE": str(archive.dir)}
        )
    finally:
        (folder / "locked").chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = _errors(result)
    assert len(errors) == 2
    assert any(str(folder / "locked") in e and "cannot read folder" in e for e in errors)
    assert any(str(folder / "unreadable.mp4") in e and "permission denied" in e for e in errors)
    assert [i.original_name for i in list_items(archive)] == ["still.jpg"]
    assert verify_archive(archive) == []


def test_symlinked_folders_and_files_are_followed_and_a_loop_is_named(
    cli: Any, archive: Archive, footage: dict[str, Path], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(footage["grass"], elsewhere / "grass.mp4")
    folder = tmp_path / "case"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(footage["still"], folder / "sub" / "still.jpg")
    (folder / "linked-folder").symlink_to(elsewhere)
    (folder / "linked-file.mp4").symlink_to(footage["coffee"])
    (folder / "sub" / "back-up").symlink_to(folder)  # a loop
    (folder / "dangling.mp4").symlink_to(tmp_path / "gone.mp4")
    os.mkfifo(folder / "a-pipe")

    result = cli("ingest", folder, "--no-signatures")
    assert result.exit_code == 1
    names = sorted(i.original_name for i in list_items(archive))
    assert names == ["grass.mp4", "linked-file.mp4", "still.jpg"]
    errors, warnings = _errors(result), _warnings(result)
    assert any(str(folder / "dangling.mp4") in e and "no such file" in e for e in errors)
    assert any(str(folder / "a-pipe") in e and "not a regular file" in e for e in errors)
    assert len(errors) == 2
    (loop,) = warnings
    assert str(folder / "sub" / "back-up") in loop and "not walked again" in loop
    grass = next(i for i in list_items(archive) if i.original_name == "grass.mp4")
    sighting = grass.sightings[0]
    assert sighting.local_path == str((elsewhere / "grass.mp4").resolve())
    assert sighting.extra["given_path"] == str(folder / "linked-folder" / "grass.mp4")
    assert verify_archive(archive) == []


# --- smaller things a user meets -----------------------------------------------------------


def test_a_text_report_named_mp4_is_read_as_a_document_and_the_user_is_told(
    cli: Any, archive: Archive, tmp_path: Path
) -> None:
    from corroborate.claims.store import list_claims

    disguised = tmp_path / "report.mp4"
    shutil.copy(REPORTS / "fleeing-soldier-drone.txt", disguised)
    result = cli("ingest", disguised)
    (warning,) = _warnings(result)
    assert str(disguised) in warning and "named .mp4 but its content is text" in warning
    (item,) = list_items(archive)
    assert item.kind == "document" and item.media_readable
    assert list_claims(archive, item=item.id), "its claims are read"


def test_the_unreadable_media_warning_names_the_input_and_comes_again_on_reingest(
    cli: Any, archive: Archive, tmp_path: Path
) -> None:
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    sha = _sha256(corrupt)
    first = cli("ingest", corrupt)
    assert first.exit_code == 1
    (warning,) = _warnings(first)
    assert str(corrupt) in warning and "unreadable media" in warning
    assert sha not in warning and str(archive.blob_url) not in warning
    assert sha not in (get_item(archive, sha).media_error or "")
    again = cli("ingest", corrupt)
    assert again.exit_code == 1
    (warning,) = _warnings(again)
    assert "already archived and flagged as unreadable media" in warning


def test_a_local_file_gets_the_post_url_and_publication_date_the_user_gives(
    cli: Any, archive: Archive, footage: dict[str, Path]
) -> None:
    result = cli(
        "ingest",
        footage["still"],
        "--url",
        "https://t.me/somechannel/1234",
        "--published",
        "2024-03-14T09:30:00+02:00",
    )
    assert result.exit_code == 0, result.stderr
    sighting = list_items(archive)[0].sightings[0]
    assert sighting.url == "https://t.me/somechannel/1234"
    assert sighting.published_at is not None
    assert sighting.published_at.isoformat() == "2024-03-14T07:30:00+00:00"
    assert sighting.local_path == str(footage["still"].resolve())
    shown = json.loads(cli("show", list_items(archive)[0].id, "--json").stdout)
    assert shown["custody"][0]["details"]["published_at"].startswith("2024-03-14T07:30")
    bad_date = cli("ingest", footage["grass"], "--published", "last tuesday")
    assert bad_date.exit_code == 2 and "not a date" in bad_date.stderr
    bad_url = cli("ingest", footage["grass"], "--url", "t.me/x")
    assert bad_url.exit_code == 2 and "unsupported URL" in bad_url.stderr
    assert len(list_items(archive)) == 1


def test_a_web_page_says_when_it_was_published(archive: Archive, site: LocalSite) -> None:
    page = site.embedding_page_url("", published="2024-03-14T09:30:00+02:00")
    report = ingest(archive, [page], actor="alice", policy=LOCAL_ONLY)
    assert report.failed == 0
    (item,) = list_items(archive)
    assert item.kind == "webpage"
    published = item.sightings[0].published_at
    assert published is not None and published.isoformat() == "2024-03-14T07:30:00+00:00"


def test_items_of_an_unknown_kind_are_refused_with_the_kinds_there_are(cli: Any) -> None:
    result = cli("items", "--kind", "nonsense")
    assert result.exit_code == 2
    assert "nonsense" in result.stderr
    for kind in ("video", "image", "audio", "document", "webpage", "other"):
        assert kind in result.stderr


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.skipif(
    postgres_bin() is None and not os.environ.get("CI"),
    reason="PostgreSQL not installed (scripts/install installs it; CI must have it)",
)
def test_a_lengthened_id_fits_in_a_team_archive_on_postgresql(tmp_path: Path) -> None:
    """PostgreSQL enforces column lengths (SQLite does not): migration 0005 widens them."""
    import sqlalchemy as sa

    with local_postgres() as url:
        archive = init_archive(tmp_path / "team", database_url=url)
        try:
            report = ingest(
                archive, [str(COLLISION / "a.txt"), str(COLLISION / "b.txt")], actor="alice"
            )
            assert report.failed == 0, [r.error for r in report.results]
            assert sorted(len(r.item_id or "") for r in report.results) == [12, 16]
            with archive.session() as session:
                widths = set(
                    session.execute(
                        sa.text(
                            "SELECT character_maximum_length FROM information_schema.columns "
                            "WHERE data_type = 'character varying' AND ("
                            "column_name IN ('item_id', 'query_id') "
                            "OR (table_name = 'items' AND column_name = 'id'))"
                        )
                    ).scalars()
                )
            assert widths == {64}
            assert verify_archive(archive) == []
        finally:
            archive.close()


def test_a_file_name_that_is_not_utf8_is_archived_with_its_exact_bytes_kept(
    cli: Any, archive: Archive, footage: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "from-a-windows-stick"
    folder.mkdir()
    raw = os.path.join(os.fsencode(folder), b"\xd2\xe5\xf1\xf2 report.txt")  # cp1251 "Тест"
    with open(raw, "wb") as f:
        f.write(b"Shelling was reported near the station.\n")
    shutil.copy(footage["still"], folder / "still.jpg")
    result = cli("ingest", folder, "--json")
    assert result.exit_code == 0, result.stderr
    names = sorted(i.original_name for i in list_items(archive))
    assert names == sorted(["\ufffd\ufffd\ufffd\ufffd report.txt", "still.jpg"])
    text = next(i for i in list_items(archive) if i.kind == "document").sightings[0]
    assert text.local_path is not None and text.local_path.endswith(
        "\\xd2\\xe5\\xf1\\xf2 report.txt"
    )
    assert bytes.fromhex(text.extra["local_path_bytes_hex"]) == os.path.realpath(raw)
    assert verify_archive(archive) == []


def test_a_link_pasted_with_cyrillic_and_spaces_unescaped_is_fetched(
    archive: Archive, footage: dict[str, Path], tmp_path: Path
) -> None:
    shutil.copy(footage["still"], tmp_path / "Фото з місця удару.jpg")
    with local_site(tmp_path) as served:
        report = ingest(
            archive,
            [f"{served.url}/files/Фото з місця удару.jpg"],
            actor="alice",
            policy=LOCAL_ONLY,
        )
    assert report.failed == 0, report.results[0].error
    assert [i.original_name for i in list_items(archive)] == ["Фото з місця удару.jpg"]


def test_arguments_with_bytes_that_are_not_utf8_fail_one_line_each(
    cli: Any, archive: Archive, footage: dict[str, Path]
) -> None:
    """A shell hands over such bytes as they are (Python sees them as surrogates)."""
    missing = os.fsdecode(b"/nowhere/\xff-clip.mp4")
    link = os.fsdecode(b"http://\xff/clip.mp4")
    for out in ("--json", None):
        args = [missing, link, footage["still"], *([out] if out else [])]
        result = cli("ingest", *args)
        assert result.exit_code == 1
        assert "Traceback" not in result.stdout + result.stderr
    errors = _errors(result)
    assert errors[0].endswith("/nowhere/\\xff-clip.mp4: no such file or folder")
    assert "http://\\xff/clip.mp4: malformed host name" in errors[1]
    assert [i.original_name for i in list_items(archive)] == ["still.jpg"]
