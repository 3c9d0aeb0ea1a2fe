"""A Telegram Desktop channel export is ingested post by post: each photo with its channel,
link, date, caption and forward origin; each post's text read for claims with its date; the
earliest copy follows post dates and forward chains; bad posts are named and the rest go on."""

from __future__ import annotations

import json
import signal
import stat
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from conftest import run_corroborate
from corroborate.archive.models import ItemRow, SightingRow, TelegramPostRow
from corroborate.claims import list_claims
from corroborate.custody.setup import init_archive
from corroborate.match.clusters import clusters
from corroborate.storage.archive import Archive
from telegram_fixtures import (
    DIGEST_ID,
    WITNESS_ID,
    digest_export,
    ostriv_html_export,
    witness_export,
    zipped,
)

WITNESS_URL = "https://t.me/frontline_witness"


@pytest.fixture
def exports(tmp_path: Path) -> dict[str, Path]:
    root = tmp_path / "Telegram Desktop"
    witness = witness_export(root, tmp_path / "Telegram Desktop" / "secret.jpg")
    return {
        "witness": witness,
        "digest": digest_export(root, witness),
        "ostriv": ostriv_html_export(root, witness),
        "outside": root / "secret.jpg",
    }


def _sightings(archive: Archive) -> list[SightingRow]:
    with archive.session() as s:
        return list(s.scalars(select(SightingRow).order_by(SightingRow.id)))


def _post_sightings(archive: Archive, channel_key: str) -> dict[tuple[int, str], SightingRow]:
    out = {}
    for row in _sightings(archive):
        t = row.extra.get("telegram")
        if t and t["channel_key"] == channel_key:
            key = (t["post_id"], t["part"])
            assert key not in out, f"two sightings of post {key}"
            out[key] = row
    return out


def test_a_json_export_folder_is_archived_post_by_post(
    cli: Any, archive: Archive, exports: dict[str, Path]
) -> None:
    result = cli("ingest", str(exports["witness"]), "--url", WITNESS_URL)
    out = result.output
    assert result.exit_code == 1, out  # bad posts were reported
    # each bad post named with its post id, and nothing stopped the rest
    assert "post 980" in out and "media file missing from the export" in out
    assert "post 981" in out and "no date_unixtime" in out
    assert "post 982" in out and "outside the export folder" in out
    assert "post 983" in out and "File not included" in out
    assert "979" not in out  # a service message is no post and no error

    posts = _post_sightings(archive, f"channel{WITNESS_ID}")
    assert set(posts) == {
        (977, "media"),
        (977, "text"),
        (978, "text"),
        (980, "text"),
        (983, "text"),
    }
    photo = posts[(977, "media")]
    assert photo.url == "https://t.me/frontline_witness/977"
    assert photo.published_at == datetime(2024, 10, 9, 8, 0, tzinfo=UTC)
    assert photo.source_label == "Telegram @frontline_witness"
    assert photo.local_path and photo.local_path.endswith("photos/photo_1@09-10-2024_11-00-00.jpg")
    t = photo.extra["telegram"]
    assert t["channel"] == "Frontline Witness" and t["channel_id"] == WITNESS_ID
    assert t["caption"].startswith("Drone footage near Kupiansk. Yesterday 2 civilians")
    assert t["links"] == ["https://example.org/report"]
    assert "forwarded_from" not in t
    with archive.session() as s:
        item = s.get(ItemRow, photo.item_id)
        assert item is not None and item.kind == "image"
        # the export's own result.json is archived, and the post's sighting points at it
        export_item = s.get(ItemRow, t["export_items"]["result.json"])
        assert export_item is not None and export_item.original_name == "result.json"
    # nothing from outside the export was read
    outside_sha = __import__("hashlib").sha256(exports["outside"].read_bytes()).hexdigest()
    with archive.session() as s:
        assert s.scalar(select(ItemRow).where(ItemRow.sha256 == outside_sha)) is None

    shown = cli("show", photo.item_id).output
    assert "Telegram @frontline_witness, post 977, 2024-10-09 08:00 UTC" in shown


def test_post_texts_are_read_for_claims_dated_by_the_post(
    cli: Any, archive: Archive, exports: dict[str, Path]
) -> None:
    cli("ingest", str(exports["witness"]), "--url", WITNESS_URL)
    posts = _post_sightings(archive, f"channel{WITNESS_ID}")
    claims = list_claims(archive)
    by_item: dict[str, list[Any]] = {}
    for c in claims:
        by_item.setdefault(c.item_id, []).append(c.claim)
    # the text-only post of 10 October: "on Tuesday" is 8 October
    shelling = by_item[posts[(978, "text")].item_id]
    assert {(c.count, c.event) for c in shelling} == {(3, "killed"), (12, "injured")}
    assert all(c.date_from == date(2024, 10, 8) for c in shelling)
    assert all("regional governor" in (c.claimant or "") for c in shelling)
    # the caption of the photo posted on 9 October: "Yesterday" is 8 October
    caption = by_item[posts[(977, "text")].item_id]
    assert [(c.count, c.event, c.date_from) for c in caption] == [(2, "killed", date(2024, 10, 8))]
    # the post is the claim's source: its sighting is the post, with its link
    source = posts[(978, "text")]
    assert source.url == "https://t.me/frontline_witness/978"
    assert source.published_at == datetime(2024, 10, 10, 9, 30, tzinfo=UTC)
    # result.json itself is not read whole a second time: no claim comes from it
    export_item = source.extra["telegram"]["export_items"]["result.json"]
    assert export_item not in by_item


def test_forwards_between_two_channels_and_the_earliest_copy(
    cli: Any, archive: Archive, exports: dict[str, Path]
) -> None:
    cli("ingest", str(exports["witness"]), "--url", WITNESS_URL)
    result = cli("ingest", str(exports["digest"]))
    assert result.exit_code == 0, result.output
    witness = _post_sightings(archive, f"channel{WITNESS_ID}")
    digest = _post_sightings(archive, f"channel{DIGEST_ID}")
    original = witness[(977, "media")]
    same = digest[(4812, "media")]
    assert same.item_id == original.item_id  # the very file: a sighting, not a new item
    t = same.extra["telegram"]
    assert t["forwarded_from"] == "Frontline Witness"
    assert t["forwarded_from_id"] == f"channel{WITNESS_ID}"
    assert same.url is None  # Daily Digest's username is not known: no made-up link
    shown = cli("show", original.item_id).output
    assert (
        "Telegram Daily Digest, post 4812, 2024-10-10 14:03 UTC, forwarded from Frontline Witness"
        in shown
    )

    # the re-compressed forward claims 8 October, before the original's 9 October
    recompressed = digest[(4813, "media")]
    assert recompressed.item_id != original.item_id
    assert recompressed.published_at == datetime(2024, 10, 8, 9, 0, tzinfo=UTC)
    found = [c for c in clusters(archive) if any(i.id == original.item_id for i in c.items)]
    assert len(found) == 1, "the two copies are one piece of footage"
    piece = found[0]
    assert {i.id for i in piece.items} >= {original.item_id, recompressed.item_id}
    assert piece.earliest == original.item_id  # a forward is never earlier than its origin
    assert piece.earliest_by.startswith("post date of Telegram @frontline_witness, post 977")
    assert "is a forward of it, so later whatever its date" in piece.earliest_by
    later = next(i for i in piece.items if i.id == recompressed.item_id)
    assert later.known_by.startswith("forward chain: Telegram Daily Digest, post 4813")
    listed = cli("clusters").output
    assert "earliest by post date of Telegram @frontline_witness, post 977" in listed


def test_an_html_export_over_two_pages(
    cli: Any, archive: Archive, exports: dict[str, Path]
) -> None:
    cli("ingest", str(exports["witness"]), "--url", WITNESS_URL)
    result = cli("ingest", str(exports["ostriv"]))
    out = result.output
    assert result.exit_code == 1, out
    assert "messages2.html: post 18: malformed message: no date with its time zone" in out
    posts = _post_sightings(archive, "name:Ostriv News")
    assert set(posts) == {(15, "media"), (15, "text"), (16, "media"), (16, "text"), (17, "text")}
    fwd = posts[(15, "media")]
    assert fwd.published_at == datetime(2024, 10, 11, 7, 0, tzinfo=UTC)  # 10:00 at UTC+03:00
    t = fwd.extra["telegram"]
    assert t["forwarded_from"] == "Frontline Witness"
    assert t["forwarded_at"] == "2024-10-09T08:00:00+00:00"
    assert posts[(16, "media")].extra["telegram"]["caption"] == "Our correspondent's photo"
    # both pages are archived
    assert set(t["export_items"]) == {"messages.html", "messages2.html"}
    claims = [c.claim for c in list_claims(archive) if c.item_id == posts[(17, "text")].item_id]
    assert [(c.count, c.event, c.date_from) for c in claims] == [(5, "injured", date(2024, 10, 11))]
    shown = cli("show", fwd.item_id).output
    assert (
        "Telegram Ostriv News, post 15, 2024-10-11 07:00 UTC, forwarded from Frontline Witness "
        "(originally 2024-10-09 08:00 UTC)"
    ) in shown
    piece = next(c for c in clusters(archive) if any(i.id == fwd.item_id for i in c.items))
    assert (
        piece.earliest == _post_sightings(archive, f"channel{WITNESS_ID}")[(977, "media")].item_id
    )


def test_a_zipped_export_is_read_like_the_folder(
    cli: Any, archive: Archive, exports: dict[str, Path], tmp_path: Path
) -> None:
    # the path leaving the export cannot exist inside a zip's own folder: drop that post
    doc = json.loads((exports["digest"] / "result.json").read_text())
    packed = zipped(exports["digest"], tmp_path / "digest.zip")
    result = cli("ingest", str(packed))
    assert result.exit_code == 0, result.output
    posts = _post_sightings(archive, f"channel{DIGEST_ID}")
    assert set(posts) == {(4812, "media"), (4812, "text"), (4813, "media")}
    assert posts[(4812, "media")].local_path is None
    assert posts[(4812, "media")].extra["telegram"]["export"] == str(packed)
    assert len(doc["messages"]) == 2


@pytest.mark.parametrize(
    ("entry", "why"),
    [("../evil.jpg", "would be written outside the export"), ("/etc/evil.jpg", "outside")],
)
def test_a_hostile_zip_is_refused_whole(
    cli: Any, archive: Archive, exports: dict[str, Path], tmp_path: Path, entry: str, why: str
) -> None:
    packed = zipped(exports["digest"], tmp_path / "digest.zip", {entry: b"payload"})
    result = cli("ingest", str(packed))
    assert result.exit_code == 1
    assert why in result.output and "hostile zip" in result.output
    assert _sightings(archive) == []


def test_a_zip_with_a_symlink_is_refused(
    cli: Any, archive: Archive, exports: dict[str, Path], tmp_path: Path
) -> None:
    packed = zipped(exports["digest"], tmp_path / "digest.zip")
    with zipfile.ZipFile(packed, "a") as zf:
        link = zipfile.ZipInfo("DigestExport/photos/link.jpg")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    result = cli("ingest", str(packed))
    assert result.exit_code == 1
    assert "is a symbolic link" in result.output
    assert _sightings(archive) == []


def test_a_symlink_in_the_folder_pointing_out_is_refused(
    cli: Any, archive: Archive, exports: dict[str, Path]
) -> None:
    folder = exports["digest"]
    target = folder / "photos/photo_2@08-10-2024_09-00-00.jpg"
    target.unlink()
    target.symlink_to(exports["outside"])
    result = cli("ingest", str(folder))
    assert result.exit_code == 1
    assert "post 4813" in result.output and "outside the export folder" in result.output
    assert (4812, "media") in _post_sightings(archive, f"channel{DIGEST_ID}")


def test_malformed_json_keeps_what_came_before(
    cli: Any, archive: Archive, exports: dict[str, Path]
) -> None:
    path = exports["digest"] / "result.json"
    text = path.read_text()
    cut = text.index('"id": 4813')
    path.write_text(text[:cut] + '"id": 4813, "text": "unterminated')
    result = cli("ingest", str(exports["digest"]))
    assert result.exit_code == 1
    assert "malformed JSON" in result.output and "1 messages before it were read" in result.output
    assert (4812, "media") in _post_sightings(archive, f"channel{DIGEST_ID}")


def test_one_huge_message_is_refused_by_its_id_and_the_rest_go_on(
    cli: Any, archive: Archive, exports: dict[str, Path]
) -> None:
    path = exports["digest"] / "result.json"
    doc = json.loads(path.read_text())
    doc["messages"][0]["text"] = "x" * (5 * 1024 * 1024)
    path.write_text(json.dumps(doc))
    result = cli("ingest", str(exports["digest"]))
    assert result.exit_code == 1
    assert "post 4812: malformed message: over" in result.output
    assert set(_post_sightings(archive, f"channel{DIGEST_ID}")) == {(4813, "media")}


def test_an_interrupted_ingest_resumes_without_duplicates_or_rereading(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    arc = tmp_path / "arc"
    init_archive(arc).close()
    folder = str(exports["witness"])
    killed = run_corroborate(
        "ingest",
        "-A",
        str(arc),
        folder,
        "--url",
        WITNESS_URL,
        env={"CORROBORATE_CRASH_AT": "telegram-post-2", "CORROBORATE_USER": "alice"},
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # the photo of post 977 was archived before the kill: take it away; a resumed ingest that
    # read it again would fail on it
    first_photo = exports["witness"] / "photos/photo_1@09-10-2024_11-00-00.jpg"
    first_photo.unlink()
    again = run_corroborate(
        "ingest", "-A", str(arc), folder, "--url", WITNESS_URL, env={"CORROBORATE_USER": "alice"}
    )
    assert again.returncode == 1, again.stderr  # the same bad posts as ever
    assert "post 977" not in again.stdout + again.stderr
    assert "post 980" in again.stdout + again.stderr
    verified = run_corroborate("verify", "-A", str(arc))
    assert verified.returncode == 0, verified.stdout + verified.stderr


def _counts(arc: Path) -> tuple[int, int, int]:
    from corroborate.cli.common import open_archive

    opened = open_archive(arc)
    try:
        with opened.session() as s:
            return (
                s.scalar(select(func.count()).select_from(ItemRow)) or 0,
                s.scalar(select(func.count()).select_from(SightingRow)) or 0,
                s.scalar(select(func.count()).select_from(TelegramPostRow)) or 0,
            )
    finally:
        opened.close()


def test_a_resumed_ingest_holds_what_one_clean_run_holds(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    clean, resumed = tmp_path / "clean", tmp_path / "resumed"
    for arc in (clean, resumed):
        init_archive(arc).close()
    folder = str(exports["witness"])
    env = {"CORROBORATE_USER": "alice"}
    run_corroborate("ingest", "-A", str(clean), folder, "--url", WITNESS_URL, env=env)
    for point in ("telegram-post-1", "telegram-post-4"):
        killed = run_corroborate(
            "ingest",
            "-A",
            str(resumed),
            folder,
            "--url",
            WITNESS_URL,
            env={**env, "CORROBORATE_CRASH_AT": point},
        )
        assert killed.returncode == -signal.SIGKILL
    run_corroborate("ingest", "-A", str(resumed), folder, "--url", WITNESS_URL, env=env)
    run_corroborate("ingest", "-A", str(resumed), folder, "--url", WITNESS_URL, env=env)
    assert _counts(resumed) == _counts(clean)


@pytest.mark.parametrize("path", ["/etc/hostname", "photos/../../secret.jpg", "C:/Windows/x.jpg"])
def test_a_media_path_leaving_the_export_is_refused(
    cli: Any, archive: Archive, exports: dict[str, Path], path: str
) -> None:
    doc_path = exports["digest"] / "result.json"
    doc = json.loads(doc_path.read_text())
    doc["messages"][1]["photo"] = path
    doc_path.write_text(json.dumps(doc))
    result = cli("ingest", str(exports["digest"]))
    assert result.exit_code == 1
    assert "post 4813" in result.output and "outside the export folder" in result.output
    assert set(_post_sightings(archive, f"channel{DIGEST_ID}")) == {(4812, "media"), (4812, "text")}


def test_a_message_nested_too_deep_is_refused_by_its_id(
    cli: Any, archive: Archive, exports: dict[str, Path]
) -> None:
    doc_path = exports["digest"] / "result.json"
    text = doc_path.read_text()
    deep = "[" * 5000 + "]" * 5000
    text = text.replace('"id": 4812,', f'"id": 4812, "reactions": {deep},', 1)
    doc_path.write_text(text)
    result = cli("ingest", str(exports["digest"]))
    assert result.exit_code == 1
    assert "post 4812: malformed message: nested over" in result.output
    assert set(_post_sightings(archive, f"channel{DIGEST_ID}")) == {(4813, "media")}
