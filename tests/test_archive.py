"""An investigator archives footage, documents and links, and gets an archive a court can trust."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from backends import temporaries
from conftest import REPORTS
from corroborate.archive import get_item, ingest, list_items, verify_archive
from corroborate.archive.models import ItemRow
from corroborate.custody import entries
from corroborate.storage.archive import Archive
from corroborate.testing.http import LOCAL_ONLY, local_site


def test_a_folder_of_footage_and_reports_is_archived_with_hashes_metadata_and_keyframes(
    archive: Archive, footage: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "clips"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(footage["coffee"], folder / "coffee.mp4")
    shutil.copy(footage["still"], folder / "nested" / "still.jpg")
    shutil.copy(REPORTS / "surrender-bakhmut-wsj.txt", folder / "report.txt")

    report = ingest(archive, [str(folder)], actor="alice", source="Telegram: @channel")

    assert report.failed == 0
    by_name = {i.original_name: i for i in list_items(archive)}
    assert set(by_name) == {"coffee.mp4", "still.jpg", "report.txt"}
    video = by_name["coffee.mp4"]
    assert video.kind == "video" and video.media_readable
    assert video.sha256 == _sha256(footage["coffee"])
    assert video.metadata["duration_s"] == pytest.approx(3.0, abs=0.1)
    assert (video.metadata["width"], video.metadata["height"]) == (320, 180)
    assert video.metadata["codec"] == "h264"
    assert video.metadata["creation_time"].startswith("2024-10-10T06:12:00")
    assert len(video.keyframes) >= 2
    assert by_name["still.jpg"].kind == "image"
    assert by_name["report.txt"].kind == "document"
    sighting = video.sightings[0]
    assert sighting.source_label == "Telegram: @channel"
    assert sighting.archived_by == "alice"
    assert sighting.local_path == str((folder / "coffee.mp4").resolve())
    # the blob path derives from the content address and holds the same bytes
    assert archive.blobs.path(video.sha256).endswith(f"/{video.sha256}")
    with archive.blobs.open(video.sha256) as blob:
        assert blob.read() == footage["coffee"].read_bytes()
    actions = [e.action for e in entries(archive, subject_sha256=video.sha256)]
    assert actions[:3] == ["archive.ingest", "media.metadata", "media.keyframes"]
    assert verify_archive(archive) == []


def test_the_same_bytes_from_another_channel_are_stored_once_as_a_second_sighting(
    archive: Archive, footage: dict[str, Path], tmp_path: Path
) -> None:
    ingest(archive, [str(footage["coffee"])], actor="alice", source="Telegram: @first")
    repost = tmp_path / "repost with spaces.mp4"
    shutil.copy(footage["coffee"], repost)
    report = ingest(archive, [str(repost)], actor="bob", source="Telegram: @second")

    assert report.results[0].new is False
    items = list_items(archive)
    assert len(items) == 1
    assert [s.source_label for s in items[0].sightings] == ["Telegram: @first", "Telegram: @second"]
    assert [s.original_name for s in items[0].sightings] == ["coffee.mp4", "repost with spaces.mp4"]
    assert sum(1 for _ in archive.blobs.iter_digests()) == 1 + len(items[0].keyframes)


def test_bad_inputs_are_named_one_line_each_and_the_rest_is_archived(
    archive: Archive, footage: dict[str, Path], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.mp4"
    data = footage["coffee"].read_bytes()
    truncated.write_bytes(data[: len(data) // 3])
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    missing = tmp_path / "not-there.mp4"
    dangling = tmp_path / "dangling.mp4"
    dangling.symlink_to(tmp_path / "gone.mp4")

    report = ingest(
        archive,
        [str(p) for p in (empty, footage["grass"], truncated, corrupt, missing, dangling)],
        actor="alice",
    )
    outcome = {Path(r.input).name: r for r in report.results}
    assert report.failed == 5
    assert "empty file (0 bytes)" in outcome["empty.mp4"].error
    assert "no such file" in outcome["not-there.mp4"].error
    assert "no such file" in outcome["dangling.mp4"].error
    for name in ("truncated.mp4", "corrupt.mp4"):
        r = outcome[name]
        assert r.error is None and r.item_id, "a broken video is still archived as a file"
        assert name in r.warning and "unreadable" in r.warning
        assert "\n" not in r.warning
        item = get_item(archive, r.item_id)
        assert item.media_readable is False and item.media_error
    assert outcome["grass.mp4"].ok
    assert {i.original_name for i in list_items(archive)} == {
        "grass.mp4",
        "truncated.mp4",
        "corrupt.mp4",
    }
    assert verify_archive(archive) == []


def test_cli_reports_bad_input_with_one_line_and_a_nonzero_exit(
    cli, footage: dict[str, Path], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = cli("ingest", empty, footage["still"], "gopher://example.org/x")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert any(str(empty) in e and "empty file" in e for e in errors)
    assert any("gopher://example.org/x" in e and "unsupported URL" in e for e in errors)
    listed = json.loads(cli("items", "--json").stdout)["items"]
    assert [i["original_name"] for i in listed] == ["still.jpg"]


def test_odd_file_names_are_kept_as_names_and_never_become_paths(
    archive: Archive, footage: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    names = ["Відео з дрона №1.mp4", "name with  spaces.jpg", "..hidden..jpg", "ends.in.dot."]
    sources = [footage["coffee"], footage["still"], footage["still"], footage["grass"]]
    for name, src in zip(names, sources, strict=True):
        shutil.copy(src, folder / name)
    with local_site(folder) as site:
        url = site.file_url("name with  spaces.jpg")
        report = ingest(archive, [str(folder), url], actor="alice", policy=LOCAL_ONLY)
    assert report.failed == 0
    recorded = {s.original_name for i in list_items(archive) for s in i.sightings}
    assert "Відео з дрона №1.mp4" in recorded and "name with  spaces.jpg" in recorded
    blob_root = Path(archive.blob_url)
    for path in blob_root.rglob("*"):
        assert path.resolve().is_relative_to(blob_root.resolve())
        assert path.is_dir() or len(path.name) == 64 or path.parent.name == "tmp"


def test_a_name_that_tries_to_climb_out_of_the_archive_is_reduced_to_its_last_part(
    archive: Archive, footage: dict[str, Path]
) -> None:
    from corroborate.archive.fetch import safe_name

    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\boot.ini") == "boot.ini"
    assert safe_name("..") == "download"
    with local_site(footage["still"].parent) as site:
        # the server sends a hostile Content-Disposition file name
        hostile = site.file_url("still.jpg", 'attachment; filename="../../../tmp/evil.jpg"')
        report = ingest(archive, [hostile], actor="alice", policy=LOCAL_ONLY)
    assert report.results[0].original_name == "evil.jpg"


def test_urls_are_downloaded_and_a_page_with_a_video_yields_the_video(
    archive: Archive, footage: dict[str, Path]
) -> None:
    with local_site(footage["coffee"].parent) as site:
        plain = ingest(
            archive, [site.file_url("still.jpg")], actor="alice", source="web", policy=LOCAL_ONLY
        )
        page = ingest(
            archive, [site.page_url("coffee.mp4")], actor="alice", source="web", policy=LOCAL_ONLY
        )
    assert plain.failed == 0 and page.failed == 0
    assert plain.results[0].kind == "image"
    kinds = sorted(r.kind for r in page.results)
    assert kinds == ["video", "webpage"], "the page and the video found in it"
    video = next(r for r in page.results if r.kind == "video")
    assert video.sha256 == _sha256(footage["coffee"])
    item = get_item(archive, video.item_id)
    assert item.sightings[0].url == site.page_url("coffee.mp4")
    assert item.sightings[0].extra["fetcher"] == "yt-dlp"
    assert verify_archive(archive) == []


def test_a_download_that_drops_half_way_keeps_nothing(
    archive: Archive, footage: dict[str, Path]
) -> None:
    with local_site(footage["coffee"].parent) as site:
        url = site.dropping_url("coffee.mp4")
        report = ingest(archive, [url], actor="alice", policy=LOCAL_ONLY)
    assert report.failed == 1
    assert url in report.results[0].error and "half-way" in report.results[0].error
    assert list_items(archive) == []
    assert list(archive.blobs.iter_digests()) == []
    assert temporaries(archive) == []
    assert entries(archive) == []


def test_a_server_error_and_an_unsupported_url_are_reported(
    archive: Archive, tmp_path: Path
) -> None:
    with local_site(tmp_path) as site:
        report = ingest(
            archive,
            [f"{site.url}/files/missing.mp4", "file:///etc/passwd"],
            actor="alice",
            policy=LOCAL_ONLY,
        )
    errors = [r.error for r in report.results]
    assert "HTTP 404" in errors[0]
    assert "unsupported URL" in errors[1]
    assert list_items(archive) == []


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_items_and_show_give_json_for_scripts(cli, footage: dict[str, Path]) -> None:
    assert cli("ingest", footage["coffee"], "--source", "Telegram: @a").exit_code == 0
    items = json.loads(cli("items", "--json").stdout)["items"]
    assert len(items) == 1
    shown = json.loads(cli("show", items[0]["id"], "--json").stdout)
    assert shown["item"]["sha256"] == items[0]["sha256"]
    assert shown["item"]["sightings"][0]["source_label"] == "Telegram: @a"
    assert [e["action"] for e in shown["custody"]][0] == "archive.ingest"
    assert cli("show", "ffffff").exit_code == 2


def test_archive_rows_never_point_at_missing_blobs(
    archive: Archive, footage: dict[str, Path]
) -> None:
    ingest(archive, [str(p) for p in footage.values()], actor="alice")
    with archive.session() as session:
        for row in session.scalars(select(ItemRow)):
            assert archive.blobs.exists(row.sha256)


def test_a_video_in_a_container_without_magic_bytes_is_still_a_video(
    archive: Archive, footage: dict[str, Path], tmp_path: Path
) -> None:
    from corroborate.samples import render_flight

    ts = render_flight(tmp_path / "broadcast.ts", "coffee", seconds=2, width=320, height=180)
    report = ingest(archive, [str(ts)], actor="alice")
    assert report.results[0].kind == "video", "MPEG-TS has no magic bytes; FFmpeg knows it"
    item = get_item(archive, report.results[0].item_id)
    assert item.mime == "video/mpegts" and item.metadata["duration_s"] > 1.5
