"""Same-footage recognition on real footage: every repost in issue 4 is found, with where,
and different flights over the same fields are not."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pdqhash
import pytest
from PIL import Image

from corroborate.match import MediaError, match_signatures, pdq, signature_for_file
from corroborate.match.frames import SampledFrame, sample_video
from corroborate.match.index import FrameIndex
from corroborate.match.signal import FileSignature, hamming
from corroborate.match.signals import PDQ_MULTIVIEW_4 as PDQ_MULTIVIEW  # the matching signal
from corroborate.match.views import (
    MAX_PIECE,
    N_STORED,
    QUERY_VIEWS,
    boxed_pieces,
    content_box,
    hash_frame,
)
from corroborate.samples import render_still
from match_fixtures import COMP_AT, COMP_PART, TRIM, FootageSet, shared_footage, signatures_of


@pytest.fixture(scope="session")
def fs(tmp_path_factory: pytest.TempPathFactory) -> FootageSet:
    return shared_footage(tmp_path_factory)


@pytest.fixture(scope="session")
def sigs(fs: FootageSet) -> dict[str, FileSignature]:
    return signatures_of(
        {
            "source": fs.source,
            "vertical": fs.vertical,
            **fs.reposts,
            **fs.vertical_reposts,
            **fs.negatives,
        }
    )


REPOSTS = [
    "low_bitrate_rescaled",
    "crop_left_20",
    "crop_bottom_15",
    "crop_corner_10",
    "crop_corner_5_10",
    "captioned",
    "mirrored",
    "recoloured",
    "screen_recorded",
    "trimmed",
    "frame_rate_15",
    "compilation",
]


@pytest.mark.parametrize("name", REPOSTS)
def test_repost_is_found_both_ways(sigs: dict[str, FileSignature], name: str) -> None:
    for query, cand in ((sigs[name], sigs["source"]), (sigs["source"], sigs[name])):
        m = match_signatures(query, cand)
        assert m is not None, f"{name} not matched"
        assert m.signal == "pdq-multiview/6" and m.threshold == PDQ_MULTIVIEW.threshold
        assert max(m.distances) <= m.threshold and m.score > 0.3


@pytest.mark.parametrize("name", ["pillarbox_black", "pillarbox_blurred"])
def test_vertical_phone_video_inside_a_horizontal_frame_is_found(
    sigs: dict[str, FileSignature], name: str
) -> None:
    m = match_signatures(sigs[name], sigs["vertical"])
    assert m is not None and m.query_share > 0.8
    assert match_signatures(sigs["vertical"], sigs[name]) is not None
    assert match_signatures(sigs[name], sigs["vertical_other_flight"]) is None


@pytest.mark.parametrize("name", ["source", *REPOSTS])
def test_other_flight_over_the_same_fields_does_not_match(
    sigs: dict[str, FileSignature], name: str
) -> None:
    if name == "compilation":  # it really holds part of the other flight
        return
    for neg in ("hard_negative", "other_photo"):
        assert match_signatures(sigs[name], sigs[neg]) is None, f"{name} ~ {neg}"
        assert match_signatures(sigs[neg], sigs[name]) is None, f"{neg} ~ {name}"


def test_trimmed_clip_reports_where_it_came_from(sigs: dict[str, FileSignature]) -> None:
    m = match_signatures(sigs["trimmed"], sigs["source"])
    assert m is not None and len(m.segments) == 1
    (q0, q1), (i0, i1) = m.query_ranges[0], m.item_ranges[0]
    assert abs(q0 - 0) <= 1 and abs(q1 - (TRIM[1] - TRIM[0])) <= 1
    assert abs(i0 - TRIM[0]) <= 1 and abs(i1 - TRIM[1]) <= 1
    assert m.query_share > 0.8 and m.item_share < 0.7
    assert "00:05-00:11" in m.describe() or "00:06-00:11" in m.describe()


def test_clip_is_found_inside_a_compilation_with_its_place(
    sigs: dict[str, FileSignature],
) -> None:
    m = match_signatures(sigs["source"], sigs["compilation"])
    assert m is not None
    (q0, q1), (i0, i1) = m.query_ranges[0], m.item_ranges[0]
    assert abs(i0 - COMP_AT[0]) <= 1 and abs(i1 - COMP_AT[1]) <= 1
    assert abs(q0 - COMP_PART[0]) <= 1 and abs(q1 - COMP_PART[1]) <= 1
    # and the other flight is found in its own part of the compilation, not in the source's
    neg = match_signatures(sigs["hard_negative"], sigs["compilation"])
    assert neg is not None and neg.item_ranges[0][0] >= COMP_AT[1] - 1


def test_frame_rate_change_keeps_time(sigs: dict[str, FileSignature]) -> None:
    m = match_signatures(sigs["frame_rate_15"], sigs["source"])
    assert m is not None and m.query_share > 0.9
    assert abs(m.item_ranges[0][0] - m.query_ranges[0][0]) < 0.5


def test_signature_is_stored_without_pickle_and_round_trips(sigs: dict[str, FileSignature]) -> None:
    sig = sigs["source"]
    data = sig.stored().to_bytes()
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        assert str(z["signal"]) == "pdq-multiview/6"
    back = FileSignature.from_bytes(data)
    assert back.signal == sig.signal and back.kind == "video"
    assert len(back) == int((sig.views < N_STORED).sum())
    assert match_signatures(sig, back) is not None
    assert abs(sig.duration - 12.0) < 0.2


def test_pdq_of_decoded_frames_is_bit_for_bit_the_pdqhash_wheel(fs: FootageSet) -> None:
    """Frames of real footage at the working size (288x162: both filter windows even)."""
    import av

    frames = []
    with av.open(str(fs.source)) as c:
        for i, f in enumerate(c.decode(video=0)):
            if i % 25 == 0:
                frames.append(f.reformat(width=288, height=162, format="rgb24").to_ndarray())
    for rgb in frames[:4]:
        ref, ref_quality = pdqhash.compute(rgb)
        mine, quality = pdq.hash_gray(pdq.luma(rgb))
        assert np.array_equal(np.unpackbits(mine), ref.astype(np.uint8))
        assert quality == ref_quality


def test_stills_match_when_reposted_and_not_when_another_view(tmp_path: Path) -> None:
    a = render_still(tmp_path / "a.jpg", "astronaut", seed=5, width=640, height=480)
    img = Image.open(a)
    img.transpose(Image.FLIP_LEFT_RIGHT).crop((0, 0, 560, 480)).save(tmp_path / "b.jpg", quality=40)
    render_still(tmp_path / "c.jpg", "astronaut", seed=6, width=640, height=480)
    sa, sb, sc = (signature_for_file(tmp_path / n, "image") for n in ("a.jpg", "b.jpg", "c.jpg"))
    assert sa and sb and sc
    assert match_signatures(sb, sa) is not None
    assert match_signatures(sc, sa) is None


def test_undecodable_media_raises_and_other_kinds_have_no_signature(tmp_path: Path) -> None:
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 100)
    with pytest.raises(MediaError, match="broken.mp4"):
        signature_for_file(bad, "video")
    badimg = tmp_path / "broken.jpg"
    badimg.write_bytes(b"\xff\xd8\xff" + b"\x00" * 50)
    with pytest.raises(MediaError):
        signature_for_file(badimg, "image")
    assert signature_for_file(tmp_path / "broken.mp4", "document") is None


def test_index_is_persisted_without_pickle_and_grows_incrementally(
    tmp_path: Path, sigs: dict[str, FileSignature], monkeypatch: pytest.MonkeyPatch
) -> None:
    import corroborate.match.index as index_mod

    monkeypatch.setattr(index_mod, "TABLES_FROM", 200)
    idx = FrameIndex(tmp_path / "idx", PDQ_MULTIVIEW)
    with idx.locked() as ix:
        ix.add("aaaaaaaaaaaa", sigs["source"])
        ix.save()
    n1 = len(FrameIndex(tmp_path / "idx", PDQ_MULTIVIEW).load())
    with idx.locked() as ix:
        ix.add("bbbbbbbbbbbb", sigs["trimmed"])
        ix.save()
    again = FrameIndex(tmp_path / "idx", PDQ_MULTIVIEW).load()
    assert len(again) > n1 and again.items() == {"aaaaaaaaaaaa", "bbbbbbbbbbbb"}
    assert type(again.index).__name__ == "IndexBinaryFlat"  # the hashes, appended to
    assert (tmp_path / "idx" / "pdq-multiview-4.faissb").read_bytes()[:4] != b"\x80\x04"
    q = sigs["crop_left_20"]
    hits = again.search(q.hashes[q.usable()], PDQ_MULTIVIEW.threshold)
    assert 0xAAAAAAAAAAAA in set(hits.items.tolist())
    assert again._tables is not None  # searched through the substring tables once it grew
    json.dumps(again.meta[:2].tolist())


def test_a_long_single_shot_video_is_hashed_in_pieces_without_holding_it_all(
    fs: FootageSet,
) -> None:
    """A four-minute drone flight is one shot: its frames are boxed 30 s at a time and let
    go, so memory stays flat however long the video is, and every piece finds the same
    picture inside the blurred fill."""
    frames, _ = sample_video(fs.vertical_reposts["pillarbox_blurred"], 4.0)
    produced = []

    def long_shot():  # the same shot played over and over, as one long take
        for i in range(400):
            f = frames[i % len(frames)]
            produced.append(i)
            yield SampledFrame(i / 4.0, f.gray)

    whole = content_box([f.gray for f in frames])
    pieces = []
    for piece, box in boxed_pieces(long_shot()):
        assert len(produced) <= len(pieces) * MAX_PIECE + len(piece) + 1  # consumed lazily
        pieces.append((len(piece), box))
    assert sum(n for n, _ in pieces) == 400
    assert max(n for n, _ in pieces) <= MAX_PIECE
    for _, box in pieces:
        assert all(abs(a - b) <= 3 for a, b in zip(box, whole, strict=True)), (box, whole)
    assert whole[0] > 0 and whole[2] < frames[0].gray.shape[1]  # the fill was stripped


def test_mirror_image_hashes_equal_hashing_an_explicitly_flipped_frame(fs: FootageSet) -> None:
    frames, _ = sample_video(fs.source, 1.0)
    n = len(QUERY_VIEWS)
    for f in frames[:6]:
        h, w = f.gray.shape
        _, ours, _ = hash_frame(f.gray, (0, 0, w, h), query=True, hasher=pdq)
        _, flipped, _ = hash_frame(
            np.ascontiguousarray(f.gray[:, ::-1]), (0, 0, w, h), query=True, hasher=pdq
        )
        bits = np.diag(hamming(ours[n:], flipped[:n]))
        assert np.percentile(bits, 95) <= 12, bits
