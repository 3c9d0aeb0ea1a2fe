"""A batch of files is hashed a process a core, with the signatures one process would give,
in the order asked, and an undecodable file is reported at its turn (issue 16, req 5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corroborate.match.batch import signatures
from corroborate.match.errors import MediaError
from corroborate.match.signature import signature_for_file
from corroborate.samples import render_flight


def test_two_workers_give_each_file_the_signature_one_process_gives(tmp_path: Path) -> None:
    videos = [
        render_flight(tmp_path / f"{name}.mp4", name, seconds=3, width=320, height=180, seed=i)
        for i, name in enumerate(("coffee", "astronaut", "coffee"))
    ]
    got = list(signatures(((v, "video") for v in videos), workers=2))
    for video, sig in zip(videos, got, strict=True):
        alone = signature_for_file(video, "video", threads=1)
        assert sig is not None and alone is not None
        assert np.array_equal(sig.hashes, alone.hashes)
        assert np.array_equal(sig.times, alone.times)


def test_a_broken_file_in_a_batch_is_reported_by_name(tmp_path: Path) -> None:
    good = render_flight(tmp_path / "ok.mp4", "coffee", seconds=2, width=320, height=180)
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 100)
    results = signatures([(good, "video"), (bad, "video")], workers=2)
    assert next(results) is not None
    with pytest.raises(MediaError, match="broken.mp4"):
        next(results)
