"""Matching inside an archive, as investigators use it: ingest says loudly what a new file
shares footage with, `match` answers for files and items, `clusters` counts each piece of
footage once with its earliest upload, and `rehash` catches up older items."""

from __future__ import annotations

import json

import pytest

from corroborate.archive import ingest_file
from corroborate.match import clusters, find_matches, match_signatures, rehash, store_signature
from corroborate.storage.archive import Archive
from match_fixtures import COMP_AT, COMP_PART, TRIM, FootageSet, shared_footage


@pytest.fixture(scope="session")
def fs(tmp_path_factory: pytest.TempPathFactory) -> FootageSet:
    return shared_footage(tmp_path_factory)


def _ingest(archive: Archive, path, **kw) -> str:  # noqa: ANN001
    r = ingest_file(archive, path, actor="alice", **kw)
    assert r.error is None, r.error
    return r.item_id


def test_ingest_says_which_item_shares_footage_and_where(archive: Archive, fs: FootageSet) -> None:
    src = _ingest(archive, fs.source)
    r = ingest_file(archive, fs.reposts["trimmed"], actor="alice")
    assert any(n.startswith(f"shares footage with {src} (00:05-00:11") for n in r.notes), r.notes
    r = ingest_file(archive, fs.negatives["hard_negative"], actor="alice")
    assert not any("shares footage" in n for n in r.notes)


def test_match_finds_a_clip_inside_an_unarchived_compilation(
    archive: Archive,
    fs: FootageSet,
    cli,  # noqa: ANN001
) -> None:
    src = _ingest(archive, fs.source)
    neg = _ingest(archive, fs.negatives["hard_negative"])
    out = cli("match", fs.reposts["compilation"], "--json")
    assert out.exit_code == 0, out.output
    found = {m["id"]: m for m in json.loads(out.stdout)["matches"]}
    assert set(found) == {src, neg}
    m = found[src]
    assert abs(m["query_ranges"][0][0] - COMP_AT[0]) <= 1
    assert abs(m["query_ranges"][0][1] - COMP_AT[1]) <= 1
    assert abs(m["item_ranges"][0][0] - COMP_PART[0]) <= 1
    assert m["signal"] == "pdq-multiview/6" and m["threshold"] > 0
    assert m["name"] == "source.mp4" and 0 < m["query_share"] < 0.5
    assert found[neg]["query_ranges"][0][0] >= COMP_AT[1] - 1
    # an archived item can be the query too
    by_item = find_matches(archive, src)
    assert [m.item_id for m in by_item] == []  # the compilation is not archived
    out = cli("match", fs.negatives["other_photo"], "--json")
    assert json.loads(out.stdout) == {"matches": []}


def test_clusters_count_each_piece_of_footage_once_with_its_earliest_upload(
    archive: Archive,
    fs: FootageSet,
    cli,  # noqa: ANN001
) -> None:
    crop = _ingest(archive, fs.reposts["crop_left_20"])
    mirror = _ingest(archive, fs.reposts["mirrored"])
    src = _ingest(archive, fs.source)  # archived last, but its container says 2024-03-01
    other = _ingest(archive, fs.negatives["other_photo"])
    neg = _ingest(archive, fs.negatives["hard_negative"])
    comp = _ingest(archive, fs.reposts["compilation"])
    trim = _ingest(archive, fs.reposts["trimmed"])
    out = cli("clusters", "--json")
    assert out.exit_code == 0, out.output
    found = json.loads(out.stdout)["clusters"]
    by_members = {frozenset(i["id"] for i in c["items"]): c for c in found}
    main = by_members[frozenset({crop, mirror, src, comp, trim})]
    assert main["earliest"] == src
    items = {i["id"]: i for i in main["items"]}
    assert items[src]["name"] == "source.mp4" and len(items[src]["sha256"]) == 64
    assert abs(items[comp]["ranges"][0][0] - COMP_AT[0]) <= 1
    assert abs(items[trim]["ranges"][0][1] - (TRIM[1] - TRIM[0])) <= 1
    assert frozenset({other, comp}) in by_members
    assert frozenset({neg, comp}) in by_members
    # everything but the compilation sits in exactly one cluster
    seen = [i["id"] for c in found for i in c["items"] if i["id"] != comp]
    assert sorted(seen) == sorted({crop, mirror, src, other, neg, trim})
    out = cli("clusters")
    assert "compilation" in out.stdout


def test_rehash_hashes_items_archived_without_signatures(archive: Archive, fs: FootageSet) -> None:
    a = _ingest(archive, fs.source, signatures=False)
    b = _ingest(archive, fs.reposts["captioned"], signatures=False)
    assert {len(c.items) for c in clusters(archive)} == {1}
    done = rehash(archive)
    assert done.hashed == 2
    assert any(
        f"shares footage with {b}" in n or f"shares footage with {a}" in n for n in done.notes()
    )
    assert rehash(archive).hashed == 0
    (together,) = [c for c in clusters(archive) if len(c.items) == 2]
    assert {i.id for i in together.items} == {a, b}
    assert [m.item_id for m in find_matches(archive, a)] == [b]


def test_match_explains_what_it_cannot_use(archive: Archive, cli, tmp_path) -> None:  # noqa: ANN001
    out = cli("match", "0123456789ab")
    assert out.exit_code == 2
    assert "no such file, and no archived item with that id" in out.output
    note = tmp_path / "report.txt"
    note.write_text("Two tanks were destroyed near the village.\n")
    out = cli("match", note)
    assert out.exit_code == 2 and "only videos and images are matched" in out.output
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 100)
    out = cli("match", broken)
    assert out.exit_code != 0


def test_a_reposted_photo_is_recognised_at_ingest(archive: Archive, tmp_path) -> None:  # noqa: ANN001
    from PIL import Image

    from corroborate.samples import render_still

    a = render_still(tmp_path / "post.jpg", "astronaut", seed=5, width=640, height=480)
    Image.open(a).transpose(Image.Transpose.FLIP_LEFT_RIGHT).crop((40, 0, 640, 480)).save(
        tmp_path / "repost.jpg", quality=35
    )
    first = _ingest(archive, a)
    r = ingest_file(archive, tmp_path / "repost.jpg", actor="alice")
    assert f"shares footage with {first}" in r.notes
    other = render_still(tmp_path / "other.jpg", "astronaut", seed=9, width=640, height=480)
    r = ingest_file(archive, other, actor="alice")
    assert not r.notes


def test_rehash_moves_an_archive_hashed_under_version_1_to_the_matching_signal(
    archive: Archive, fs: FootageSet
) -> None:
    """An archive from before exact PDQ holds only pdq-multiview/1 signatures: they are not
    compared with the matching signal's hashes, and rehash computes those for every item,
    logs each, and the footage they share is found again."""
    from sqlalchemy import select

    from corroborate.match import PDQ_MULTIVIEW_1, load_signature, matching_signal
    from corroborate.match.models import MatchRow
    from corroborate.match.signature import signature_for_file

    new_signal = matching_signal()
    assert new_signal.key == "pdq-multiview/6"

    a = _ingest(archive, fs.source, signatures=False)
    b = _ingest(archive, fs.reposts["crop_left_20"], signatures=False)
    with archive.write() as session:
        for item_id, path in ((a, fs.source), (b, fs.reposts["crop_left_20"])):
            old = signature_for_file(path, "video", signal=PDQ_MULTIVIEW_1)
            assert old is not None and old.signal == "pdq-multiview/1"
            store_signature(session, item_id, old)
    with archive.session() as session:
        v1 = load_signature(session, a, PDQ_MULTIVIEW_1)
        assert v1 is not None and load_signature(session, a, new_signal) is None
    new = signature_for_file(fs.reposts["crop_left_20"], "video")
    assert new is not None and match_signatures(new, v1) is None  # never v4 against v1
    assert find_matches(archive, b) == []  # nothing under v4 yet

    assert rehash(archive).hashed == 2 and rehash(archive).hashed == 0
    with archive.session() as session:
        assert load_signature(session, a, new_signal) is not None
        assert load_signature(session, a, PDQ_MULTIVIEW_1) is not None  # kept, not rewritten
        signals = set(session.scalars(select(MatchRow.signal)))
    assert signals == {"pdq-multiview/6"}
    (m,) = find_matches(archive, b)
    assert m.item_id == a and m.signal == "pdq-multiview/6"
    # each signature rehash stored is in the custody log, with the digest of the stored bytes
    import hashlib

    from corroborate.custody import log
    from corroborate.match.models import SignatureRow

    logged = {e.details["item"]: e for e in log.entries(archive) if e.action == "match.rehash"}
    assert set(logged) == {a, b}
    with archive.session() as session:
        for item_id, entry in logged.items():
            row = session.scalar(
                select(SignatureRow).where(
                    SignatureRow.item_id == item_id, SignatureRow.version == new_signal.version
                )
            )
            assert row is not None and entry.details["signal"] == "pdq-multiview/6"
            assert entry.details["signature_sha256"] == hashlib.sha256(row.data).hexdigest()
            assert entry.details["rows"] == row.rows > 0


def test_show_gives_a_stills_pdq_as_threatexchange_writes_it(
    archive: Archive,
    cli,  # noqa: ANN001
    tmp_path,  # noqa: ANN001
) -> None:
    """Another tool (ThreatExchange, a hash-sharing programme) computes the same 64 hex
    characters and quality from the same file."""
    import numpy as np
    import pdqhash
    from PIL import Image

    from corroborate.samples import render_still

    photo = render_still(tmp_path / "post.jpg", "chelsea", seed=2, width=500, height=375)
    item = _ingest(archive, photo)
    out = cli("show", item, "--json")
    assert out.exit_code == 0, out.output
    shown = json.loads(out.stdout)["pdq"]
    bits, quality = pdqhash.compute(np.asarray(Image.open(photo).convert("RGB")))
    assert shown["signal"] == "pdq/1" and shown["item"] == item
    assert shown["hashes"] == [
        {"time": 0.0, "hash": bytes(np.packbits(bits.astype(np.uint8))).hex(), "quality": quality}
    ]
