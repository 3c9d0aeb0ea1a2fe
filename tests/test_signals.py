"""Every signal keeps the same promises: a versioned key, a deterministic file hash, distance
0 to itself, near to a re-encode and far from another photograph, and an index that finds
its own hashes. `SignalContract` holds those tests; each signal's class supplies only its
own cases. The golden hashes pin each signal version: a change to the views, sampling or
hashing fails here until it is registered under a new version."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import ClassVar

import numpy as np
import pdqhash
import pytest
import skimage.data
from PIL import Image

from corroborate.match import SIGNALS, SignalError, pdq, register, signal_by_key
from corroborate.match.signal import SignalType, hex_of, matching_signal
from corroborate.match.signals import (
    PDQ,
    PDQ_MULTIVIEW_1,
    PDQ_MULTIVIEW_2,
    PDQ_MULTIVIEW_3,
    PDQ_MULTIVIEW_4,
    PDQ_MULTIVIEW_5,
    PDQ_MULTIVIEW_6,
)
from corroborate.match.signature import FileSignature, signature_for_file


def _photo(name: str) -> np.ndarray:
    rgb = getattr(skimage.data, name)()
    return np.ascontiguousarray(rgb[..., :3] if rgb.ndim == 3 else np.stack([rgb] * 3, -1))


@pytest.fixture(scope="module")
def stills(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A photograph as posted (lossless), re-encoded by another channel (JPEG at quality
    40, scaled to 90%), and a different photograph."""
    root = tmp_path_factory.mktemp("stills")
    original = Image.fromarray(_photo("astronaut"))
    paths = {"original": root / "original.png", "reencoded": root / "reencoded.jpg"}
    original.save(paths["original"])
    original.resize((461, 461), Image.Resampling.BILINEAR).save(paths["reencoded"], quality=40)
    paths["other"] = root / "other.png"
    Image.fromarray(_photo("coffee")).save(paths["other"])
    return paths


def _whole(sig: FileSignature) -> np.ndarray:
    """The hash of the whole picture (view 0) of a still."""
    whole: np.ndarray = sig.hashes[sig.views == 0][:1]
    return whole


class SignalContract:
    """Tests every signal must pass; a subclass names its signal and its own cases."""

    signal: ClassVar[SignalType]
    golden_whole: ClassVar[str]  # hex of the whole-picture hash of the golden photograph
    golden_digest: ClassVar[str]  # SHA-256 of every row (views, quality, hashes)

    def hash(self, path: Path) -> FileSignature:
        sig = self.signal.hash_file(path, "image")
        assert sig is not None
        return sig

    def test_key_names_the_signal_and_its_version(self) -> None:
        s = self.signal
        assert s.key == f"{s.name}/{s.version}" and s.version >= 1
        assert signal_by_key(s.key) is s
        assert s.bits > 0 and s.nbytes * 8 >= s.bits

    def test_a_file_hashes_the_same_every_time(self, stills: dict[str, Path]) -> None:
        a, b = self.hash(stills["original"]), self.hash(stills["original"])
        assert a.signal == self.signal.key
        assert a.hashes.shape[1] == self.signal.nbytes
        assert np.array_equal(a.hashes, b.hashes) and np.array_equal(a.quality, b.quality)

    def test_distance_to_itself_is_zero(self, stills: dict[str, Path]) -> None:
        h = self.hash(stills["original"]).hashes
        assert (np.diag(self.signal.distance(h, h)) == 0).all()

    def test_a_reencoded_copy_is_near(self, stills: dict[str, Path]) -> None:
        a, b = _whole(self.hash(stills["original"])), _whole(self.hash(stills["reencoded"]))
        assert int(self.signal.distance(a, b)[0, 0]) <= self.signal.image_threshold

    def test_another_photograph_is_far(self, stills: dict[str, Path]) -> None:
        a, b = _whole(self.hash(stills["original"])), _whole(self.hash(stills["other"]))
        assert int(self.signal.distance(a, b)[0, 0]) > 2 * self.signal.threshold

    def test_its_index_finds_its_own_hash(self, stills: dict[str, Path], tmp_path: Path) -> None:
        sig, other = self.hash(stills["original"]), self.hash(stills["other"])
        index = self.signal.index(tmp_path / "index")
        with index.locked() as ix:
            ix.add("000000000001", sig)
            ix.add("000000000002", other)
            ix.save()
        again = self.signal.index(tmp_path / "index").load()
        hits = again.search(_whole(self.hash(stills["reencoded"])), self.signal.image_threshold)
        assert set(hits.items.tolist()) == {1}

    def test_golden_hash_pins_this_version(self, stills: dict[str, Path]) -> None:
        sig = self.hash(stills["original"])
        rows = sig.views.tobytes() + sig.quality.tobytes() + sig.hashes.tobytes()
        assert (hex_of(_whole(sig)[0]), hashlib.sha256(rows).hexdigest()) == (
            self.golden_whole,
            self.golden_digest,
        ), f"{self.signal.key} changed: register the change as a new version"


class TestPdqMultiview1(SignalContract):
    signal = PDQ_MULTIVIEW_1
    golden_whole = "e50f5af3a8564529678ca3d6536fa836d4196c81c6dd04de2826f855fc99b724"
    golden_digest = "9191e0dc4404f8eafed1b12afc184412806e8fbae9ee3481eac9afec0b3db843"


class TestPdqMultiview2(SignalContract):
    signal = PDQ_MULTIVIEW_2
    golden_whole = "6d6b1af3ad56cd29c79ca352506fa83694196c819edd04de0a26b855fc99b724"
    golden_digest = "4dc6565e596c17a10a4f1798b75ae7ca0394fc158d025bdd7abe55c8c28744c4"


class TestPdqMultiview3(SignalContract):
    signal = PDQ_MULTIVIEW_3
    golden_whole = "6d2f5af3a856c529679ca3d6526fa836d4196c81c6dd04de0826b855fc99b724"
    golden_digest = "4eaf3247a5c5f86dca6249d7ac60c952a2b6f0d60ebbd8f1f3611803e94a0caa"

    @pytest.mark.parametrize("size", [(320, 320), (300, 270), (64, 64), (600, 300)])
    def test_a_whole_frame_is_pdqhash_when_its_windows_are_odd(self, size: tuple[int, int]) -> None:
        """Centring changes only even windows: where PDQ's own are odd, the whole-frame
        view is `pdqhash.compute` bit for bit."""
        w, h = size
        assert pdq.window_size(w) % 2 == 1 and pdq.window_size(h) % 2 == 1
        for photo in ("astronaut", "chelsea"):
            rgb = _sized(photo, size)
            hasher = pdq.CentredPdq()
            blurred = hasher.prefilter(pdq.luma(rgb), w, h)
            mine, quality = hasher.hash_windows(blurred, np.array([[0.0, 0.0, w, h]]))
            ref, ref_quality = pdqhash.compute(rgb)
            assert np.array_equal(np.unpackbits(mine[0]), ref.astype(np.uint8))
            assert int(quality[0]) == ref_quality

    def test_copies_whose_windows_differ_in_parity_stay_close(self) -> None:
        """A repost decoded at 256x144 (PDQ windows 2 and 2) against one at 288x162 (3 and
        2): the reference's even windows reach a pixel forward, which misaligns the two;
        centred windows keep them close."""
        hasher = pdq.CentredPdq()
        for photo in ("astronaut", "coffee", "chelsea", "rocket"):
            a, b = _sized(photo, (288, 162)), _sized(photo, (256, 144))
            ha, hb = (
                hasher.hash_windows(
                    hasher.prefilter(pdq.luma(x), x.shape[1], x.shape[0]),
                    np.array([[0.0, 0.0, x.shape[1], x.shape[0]]]),
                )[0]
                for x in (a, b)
            )
            assert int(self.signal.distance(ha, hb)[0, 0]) <= 12, photo


class TestPdqMultiview4(SignalContract):
    """v3 with overlays filled in before hashing: a still has no shot to learn an overlay
    from, so its hashes are v3's (the overlay stories are in test_match_field.py)."""

    signal = PDQ_MULTIVIEW_4
    golden_whole = TestPdqMultiview3.golden_whole
    golden_digest = TestPdqMultiview3.golden_digest


class TestPdqMultiview5(SignalContract):
    """v4 that also finds a picture centred in dim blurred fill: a still has no motion to
    find it by, so its hashes are v4's (the upright night repost is in
    test_match_field.py)."""

    signal = PDQ_MULTIVIEW_5
    golden_whole = TestPdqMultiview3.golden_whole
    golden_digest = TestPdqMultiview3.golden_digest


class TestPdqMultiview6(SignalContract):
    """v5 with the middle band a fifth in from each side: the same whole-picture hash, other
    rows (the crop-and-caption stories are in test_match_field.py)."""

    signal = PDQ_MULTIVIEW_6
    golden_whole = TestPdqMultiview3.golden_whole
    golden_digest = "def916a091e38884a3e97154564d49e52ba581d5da53f09c365b5a76d5f6dfdf"

    def test_it_is_what_archives_are_matched_with(self, stills: dict[str, Path]) -> None:
        assert matching_signal() is self.signal
        sig = signature_for_file(stills["original"], "image")
        assert sig is not None and sig.signal == "pdq-multiview/6"

    def test_its_middle_band_lies_inside_a_crop_of_a_fifth(self) -> None:
        left, right, top, bottom = self.signal.views.stored[-1]
        assert min(left, right) >= 0.2 and (top, bottom) == (0.15, 0.28)
        assert self.signal.views.stored[:-1] == PDQ_MULTIVIEW_5.views.stored[:-1]


def _sized(photo: str, size: tuple[int, int]) -> np.ndarray:
    return np.ascontiguousarray(
        np.asarray(Image.fromarray(_photo(photo)).resize(size, Image.Resampling.BILINEAR))
    )


class TestPdq1(SignalContract):
    signal = PDQ
    golden_whole = "2d6b1af3a956c529e79ca3d2526fa834d4196c81cedd04de0a26b855fc99b724"
    golden_digest = "16ad55af5cd0cfb3294238bbbc5eaa8f51edf273b81fdd9579e95ac953c81150"

    def test_hash_is_the_one_pdqhash_and_threatexchange_give(self, stills: dict[str, Path]) -> None:
        for name in ("original", "reencoded", "other"):
            sig = self.hash(stills[name])
            rgb = np.asarray(Image.open(stills[name]).convert("RGB"))
            bits, quality = pdqhash.compute(rgb)
            assert hex_of(sig.hashes[0]) == bytes(np.packbits(bits.astype(np.uint8))).hex()
            assert len(hex_of(sig.hashes[0])) == 64 and int(sig.quality[0]) == quality


def test_every_registered_signal_passes_the_contract() -> None:
    covered = {c.signal.key for c in SignalContract.__subclasses__()}
    assert covered == set(SIGNALS)


def test_a_key_names_one_algorithm_for_ever() -> None:
    from dataclasses import replace

    with pytest.raises(SignalError, match="pdq/1 is already registered"):
        register(replace(PDQ, threshold=10))
    with pytest.raises(SignalError, match="unknown signal 'pdq/9'"):
        signal_by_key("pdq/9")


# Jarosz windows (horizontal, vertical): 3,2 / 3,2 / 4,3 / 3,2 / 5,4 / 1,1 / 2,2 / 4,4
_EXACT_SIZES = (
    (288, 162),
    (287, 161),
    (480, 270),
    (257, 200),
    (640, 427),
    (64, 64),
    (256, 144),
    (500, 500),
)


def test_the_exactness_sizes_cover_every_parity_of_both_windows() -> None:
    parities = {(pdq.window_size(w) % 2, pdq.window_size(h) % 2) for w, h in _EXACT_SIZES}
    assert parities == {(0, 0), (0, 1), (1, 0), (1, 1)}


@pytest.mark.parametrize(
    ("photo", "size"),
    [
        (p, s)
        for p in ("astronaut", "coffee", "chelsea", "rocket", "camera", "hubble_deep_field")
        for s in _EXACT_SIZES
    ],
)
def test_pdq_is_bit_for_bit_the_pdqhash_wheel_at_even_and_odd_sizes(
    photo: str, size: tuple[int, int]
) -> None:
    """Equality, not closeness: every bit and the quality, whether the Jarosz windows are
    even (288x162: 3 and 2) or odd, on real photographs."""
    rgb = np.ascontiguousarray(
        np.asarray(Image.fromarray(_photo(photo)).resize(size, Image.Resampling.BILINEAR))
    )
    ref, ref_quality = pdqhash.compute(rgb)
    mine, quality = pdq.hash_gray(pdq.luma(rgb))
    assert np.array_equal(np.unpackbits(mine), ref.astype(np.uint8))
    assert quality == ref_quality
