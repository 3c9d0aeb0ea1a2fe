"""Sensitive items in the library: who may mark them, what the mark binds in the custody log,
the one decision of what is shown sensitive and why, the blur itself, and safe download names."""

from __future__ import annotations

import dataclasses
import io
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from corroborate import accounts
from corroborate.accounts import AccessError
from corroborate.archive import get_item, verify_archive
from corroborate.archive.sensitive import mark_item_sensitive
from corroborate.custody import entries
from corroborate.errors import NotFoundError
from corroborate.incidents import create_incident, edit_incident, link_evidence
from corroborate.incidents.sensitive import is_sensitive, sensitive_items, sensitivity
from corroborate.media.blur import PictureError, blurred_jpeg, still_thumbnail
from corroborate.report.media import (
    NotRevealedError,
    download_name,
    download_original,
    keyframe_picture,
    playable_original,
    reveal_media,
)
from corroborate.samples import render_still
from corroborate.storage.archive import Archive
from incident_fixtures import execution

PASSWORD = "correct horse battery"


def _db(archive: Archive) -> sqlite3.Connection:
    return sqlite3.connect(archive.dir / "archive.db", isolation_level=None)


@pytest.fixture
def viewer(archive: Archive) -> accounts.User:
    return accounts.add_user(archive, "vera", role="viewer", password=PASSWORD, by="root")


@pytest.fixture
def analyst(archive: Archive) -> accounts.User:
    return accounts.add_user(archive, "ana", role="analyst", password=PASSWORD, by="root")


def test_a_viewer_cannot_mark_an_item_and_nothing_is_written(
    archive: Archive, items: list[str], viewer: accounts.User
) -> None:
    before = entries(archive)
    with pytest.raises(AccessError, match="vera is a viewer"):
        mark_item_sensitive(archive, items[0], True, viewer)
    assert entries(archive) == before
    assert not get_item(archive, items[0]).marked_sensitive


def test_an_analyst_marks_an_item_and_the_mark_is_bound_to_the_log(
    archive: Archive, items: list[str], analyst: accounts.User
) -> None:
    marked = mark_item_sensitive(archive, items[0], True, analyst)
    assert marked.marked_sensitive and get_item(archive, items[0]).marked_sensitive
    last = [e for e in entries(archive) if e.action == "item.sensitive"]
    assert [(e.actor, e.details["sensitive"], e.details["was"]) for e in last] == [
        ("ana", True, False)
    ]
    assert last[0].subject_sha256 == marked.sha256
    assert verify_archive(archive) == []
    _db(archive).execute("update items set sensitive=0")  # unblurring behind the log's back
    assert [p.kind for p in verify_archive(archive)] == ["altered_row"]
    _db(archive).execute(f"update items set sensitive=1 where id='{items[0]}'")
    assert verify_archive(archive) == []
    mark_item_sensitive(archive, items[0], False, analyst)
    assert verify_archive(archive) == []
    _db(archive).execute(f"update items set sensitive=1 where id='{items[1]}'")  # never marked
    assert [p.kind for p in verify_archive(archive)] == ["altered_row"]


def test_marking_an_unknown_item_is_refused(archive: Archive, analyst: accounts.User) -> None:
    with pytest.raises(NotFoundError):
        mark_item_sensitive(archive, "ffffffffffff", True, analyst)


def test_sensitivity_comes_from_the_mark_or_a_sensitive_incident_with_its_reasons(
    archive: Archive, items: list[str]
) -> None:
    first, second = items
    assert sensitive_items(archive) == {} and not is_sensitive(archive, first)
    ref = create_incident(archive, execution(), actor="alice").id
    link_evidence(archive, ref, first, role="primary", actor="alice")
    assert not is_sensitive(archive, first)  # the incident is not marked yet
    edit_incident(archive, ref, execution(sensitive=True), actor="alice")
    assert sensitivity(archive, first) == [f"evidence of {ref}, marked sensitive"]
    assert not is_sensitive(archive, second)
    mark_item_sensitive(archive, first, True, "alice")
    assert sensitivity(archive, first) == [
        "marked sensitive",
        f"evidence of {ref}, marked sensitive",
    ]
    mark_item_sensitive(archive, second, True, "alice")
    edit_incident(archive, ref, execution(sensitive=False), actor="alice")
    assert sensitive_items(archive) == {first: ["marked sensitive"], second: ["marked sensitive"]}


def test_the_original_is_refused_before_a_reveal_and_the_reveal_is_per_holder(
    archive: Archive, items: list[str], viewer: accounts.User
) -> None:
    mark_item_sensitive(archive, items[0], True, "alice")
    with pytest.raises(NotRevealedError, match="reveal it"):
        playable_original(archive, items[0], actor=viewer, holder="a" * 64)
    assert keyframe_picture(archive, items[0], 0, actor=viewer, holder="a" * 64).blurred
    done = reveal_media(archive, items[0], actor=viewer, holder="a" * 64)
    assert done.until is not None
    assert playable_original(archive, items[0], actor=viewer, holder="a" * 64).size > 0
    assert not keyframe_picture(archive, items[0], 0, actor=viewer, holder="a" * 64).blurred
    assert keyframe_picture(archive, items[0], 0, actor=viewer, holder="b" * 64).blurred
    assert keyframe_picture(archive, items[0], 0, actor=viewer, holder=None).blurred
    (entry,) = [e for e in entries(archive) if e.action == "media.reveal"]
    assert entry.actor == "vera" and entry.details["item"] == items[0]


def test_a_sensitive_download_is_logged_before_it_is_read(
    archive: Archive, items: list[str], viewer: accounts.User
) -> None:
    mark_item_sensitive(archive, items[0], True, "alice")
    original = download_original(archive, items[0], actor=viewer)
    (entry,) = [e for e in entries(archive) if e.action == "media.download"]
    assert entry.actor == "vera" and entry.subject_sha256 == original.item.sha256
    with original.open() as f:
        assert len(f.read()) == original.size
    download_original(archive, items[1], actor=viewer)
    assert len([e for e in entries(archive) if e.action == "media.download"]) == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("clip.mp4", "clip.mp4"),
        ('a"; filename=evil.exe', "a_filename_evil.exe"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("line\r\nSet-Cookie: x=y.mp4", "line_Set-Cookie_x_y.mp4"),
        (".hidden", "hidden"),
        ("відео з фронту.mp4", "mp4"),
        ("...", None),
        ("x" * 300 + ".mp4", "x" * 116 + ".mp4"),
    ],
)
def test_a_download_name_is_safe_in_a_header_and_on_a_disk(
    archive: Archive, items: list[str], name: str, expected: str | None
) -> None:
    item = dataclasses.replace(get_item(archive, items[0]), original_name=name)
    got = download_name(item)
    assert got == (expected or f"{item.id}.bin")
    assert all(c.isascii() and (c.isalnum() or c in "._-") for c in got)
    assert not got.startswith(".") and len(got) <= 120


def _detail(jpeg: bytes) -> float:
    gray = Image.open(io.BytesIO(jpeg)).convert("L")
    smooth = gray.filter(ImageFilter.GaussianBlur(2))
    return float(np.abs(np.asarray(gray, float) - np.asarray(smooth, float)).mean())


def test_the_blur_keeps_the_size_and_drops_the_detail_and_the_metadata(tmp_path: Path) -> None:
    path = render_still(tmp_path / "face.jpg", "astronaut", width=640, height=480)
    picture = Image.open(path)
    exif = Image.Exif()
    exif[0x010F] = "Camera maker with a name"
    exif[0x8825] = {2: (50.0, 27.0, 0.0)}  # a GPS position
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif)
    original = out.getvalue()
    blurred = blurred_jpeg(original)
    shown = Image.open(io.BytesIO(blurred))
    assert shown.size == (640, 480)
    assert _detail(blurred) < 0.05 * _detail(original)
    assert not shown.getexif() and b"Camera maker" not in blurred
    small = still_thumbnail(io.BytesIO(original))
    assert max(Image.open(io.BytesIO(small)).size) == 320


def test_the_blur_refuses_what_is_not_a_picture() -> None:
    with pytest.raises(PictureError, match="not a readable picture"):
        blurred_jpeg(b"\xff\xd8\xff not a jpeg")
    with pytest.raises(PictureError, match="not a readable picture"):
        still_thumbnail(io.BytesIO(b"%PDF-1.4"))


def test_an_archive_upgraded_to_sensitive_items_still_verifies_and_stays_protected(
    tmp_path: Path, clips: tuple[Path, Path]
) -> None:
    from corroborate.archive import ingest
    from corroborate.custody.setup import init_archive

    made = init_archive(tmp_path / "old")
    report = ingest(made, [str(c) for c in clips], actor="alice")
    first, second = [r.item_id for r in report.results if r.item_id]
    made.close()
    db = _db(made)  # what the previous release's archive holds: revision 0009
    db.execute("alter table items drop column sensitive")
    db.execute("drop table media_reveals")
    db.execute("drop table telegram_posts")  # added after 0009 too
    db.execute("update alembic_version set version_num='0009'")
    logged = db.execute("select count(*) from custody_entries").fetchone()
    db.close()
    upgraded = Archive.open(tmp_path / "old")
    db = _db(upgraded)
    assert db.execute("select sensitive from items").fetchall() == [(0,), (0,)]
    # nothing re-recorded on opening: the digests logged without the column still hold
    assert db.execute("select count(*) from custody_entries").fetchone() == logged
    assert verify_archive(upgraded) == [] and sensitive_items(upgraded) == {}
    mark_item_sensitive(upgraded, first, True, "alice")
    assert verify_archive(upgraded) == []
    db.execute(f"update items set sensitive=1 where id='{second}'")  # blurred behind its back
    assert [p.kind for p in verify_archive(upgraded)] == ["altered_row"]
    db.execute(f"update items set sensitive=0 where id='{first}'")  # and unblurred
    assert len(verify_archive(upgraded)) == 2
    upgraded.close()
