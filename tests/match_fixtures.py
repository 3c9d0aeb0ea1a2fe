"""Real footage and its reposts for the match tests: flights over scikit-image photographs,
transformed the way channels repost them. Built once per test session."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corroborate.match import signature_for_file
from corroborate.match.signal import FileSignature
from corroborate.samples import render_flight
from corroborate.samples import transforms as T

SECONDS = 12.0
SIZE = (480, 270)
TRIM = (5.3, 11.3)
# the source's part inside the compilation, and where it lands there
COMP_PART = (3.0, 10.0)
COMP_AT = (6.0, 13.0)


@dataclass
class FootageSet:
    """A source flight, its reposts by name, and footage that must not match it."""

    root: Path
    source: Path
    vertical: Path
    reposts: dict[str, Path] = field(default_factory=dict)
    vertical_reposts: dict[str, Path] = field(default_factory=dict)
    negatives: dict[str, Path] = field(default_factory=dict)


def build_footage(root: Path) -> FootageSet:
    root.mkdir(parents=True, exist_ok=True)
    w, h = SIZE
    src = render_flight(
        root / "source.mp4",
        "coffee",
        seconds=SECONDS,
        width=w,
        height=h,
        seed=1,
        creation_time="2024-03-01T08:00:00Z",
    )
    vert = render_flight(root / "vertical.mp4", "chelsea", seconds=8, width=180, height=320, seed=3)
    neg = render_flight(
        root / "same_fields_other_flight.mp4", "coffee", seconds=SECONDS, width=w, height=h, seed=2
    )
    other = render_flight(root / "other_photo.mp4", "rocket", seconds=8, width=w, height=h, seed=1)
    fs = FootageSet(root, src, vert)
    fs.negatives = {
        "hard_negative": neg,
        "other_photo": other,
        "vertical_other_flight": render_flight(
            root / "vertical_other.mp4", "chelsea", seconds=8, width=180, height=320, seed=4
        ),
    }
    r = fs.reposts
    r["low_bitrate_rescaled"] = T.reencode(src, root / "lowres.mp4", bitrate=120_000, height=90)
    r["crop_left_20"] = T.crop(src, root / "crop_left.mp4", left=0.2)
    r["crop_bottom_15"] = T.crop(src, root / "crop_bottom.mp4", bottom=0.15)
    r["crop_corner_10"] = T.crop(src, root / "crop_corner.mp4", left=0.1, bottom=0.1)
    r["crop_corner_5_10"] = T.crop(src, root / "crop_corner2.mp4", right=0.05, top=0.1)
    r["captioned"] = T.caption(src, root / "caption.mp4")
    r["mirrored"] = T.mirror(src, root / "mirror.mp4")
    r["recoloured"] = T.recolour(src, root / "recolour.mp4")
    r["screen_recorded"] = T.screen_record(src, root / "screen.mp4")
    r["trimmed"] = T.trim(src, root / "trim.mp4", start=TRIM[0], end=TRIM[1])
    r["frame_rate_15"] = T.change_fps(src, root / "fps15.mp4", fps=15)
    r["compilation"], _ = T.compilation(
        [(other, 0.0, 6.0), (src, *COMP_PART), (neg, 2.0, 8.0)],
        root / "compilation.mp4",
        size=SIZE,
    )
    v = fs.vertical_reposts
    v["pillarbox_black"] = T.letterbox(vert, root / "pillar_black.mp4", size=SIZE)
    v["pillarbox_blurred"] = T.letterbox(vert, root / "pillar_blur.mp4", size=SIZE, fill="blur")
    return fs


_built: dict[str, FootageSet] = {}


def shared_footage(tmp_path_factory: object) -> FootageSet:
    """The footage set, built once per session whichever test module asks first."""
    if "fs" not in _built:
        _built["fs"] = build_footage(tmp_path_factory.mktemp("match_footage"))  # type: ignore[attr-defined]
    return _built["fs"]


def signatures_of(paths: dict[str, Path]) -> dict[str, FileSignature]:
    """The signature of every file, by name (each must be a decodable video)."""
    out = {}
    for name, path in paths.items():
        sig = signature_for_file(path, "video")
        assert sig is not None, name
        out[name] = sig
    return out
