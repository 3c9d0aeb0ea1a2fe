"""The bundled demo: real footage rendered over real photographs, reposted the way Telegram
channels repost, plus real news reports, run through the whole pipeline."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from corroborate.archive import IngestResult, ingest
from corroborate.custody.setup import init_archive
from corroborate.errors import ArchiveError
from corroborate.samples import render_flight, render_still
from corroborate.storage.archive import Archive

MARKER = ".corroborate-demo"


@dataclass(frozen=True)
class DemoInput:
    path: Path
    source: str


def prepare_inputs(folder: Path) -> list[list[DemoInput]]:
    """Render the sample footage and copy the sample reports; returns ingest batches in order.

    Batch 1 is the original material; batch 2 arrives later from other channels: a mirrored,
    captioned repost and a compilation that reuses part of an original clip.
    """
    from corroborate.samples import transforms

    folder.mkdir(parents=True, exist_ok=True)
    flight_a = folder / "bakhmut-surrender-drone.mp4"
    flight_b = folder / "field-strike-drone.mp4"
    flight_c = folder / "treeline-drone.mp4"
    if not flight_a.exists():
        render_flight(flight_a, "gravel", seconds=12, seed=11, creation_time="2023-05-10T05:40:00Z")
        render_flight(flight_b, "grass", seconds=10, seed=5, creation_time="2024-10-09T14:02:00Z")
        render_flight(flight_c, "grass", seconds=10, seed=23)  # same fields, another flight
        render_still(folder / "crater.jpg", "moon", seed=2)
        # channels flip footage to dodge duplicate detection and burn in their own caption
        repost = transforms.mirror(flight_a, folder / "_mirrored.mp4")
        transforms.caption(repost, folder / "repost-channel-b.mp4", text="EXCLUSIVE: surrender")
        (folder / "_mirrored.mp4").unlink()
        transforms.compilation(
            [(flight_c, 0.0, 6.0), (flight_a, 3.0, 10.0)], folder / "compilation-week-review.mp4"
        )
    reports = folder / "reports"
    reports.mkdir(exist_ok=True)
    for entry in resources.files("corroborate.samples").joinpath("reports").iterdir():
        if entry.name.endswith(".txt"):
            (reports / entry.name).write_bytes(entry.read_bytes())
    return [
        [
            DemoInput(flight_a, "Telegram: @frontline_ua"),
            DemoInput(flight_b, "Telegram: @frontline_ua"),
            DemoInput(flight_c, "Telegram: @field_reports"),
            DemoInput(folder / "crater.jpg", "Telegram: @field_reports"),
            DemoInput(reports, "News reports (sample)"),
        ],
        [
            DemoInput(folder / "repost-channel-b.mp4", "Telegram: @channel_b"),
            DemoInput(folder / "compilation-week-review.mp4", "Telegram: @weekly_compilations"),
            DemoInput(flight_a, "Telegram: @mirror_channel"),
        ],
    ]


@dataclass
class DemoArchive:
    """A demo archive built from the sample material, and what each ingest said."""

    archive: Archive
    batches: list[list[tuple[DemoInput, IngestResult]]]

    def item_id(self, name: str) -> str:
        """The item id of the first archived input with this file name."""
        for batch in self.batches:
            for _entry, result in batch:
                if result.original_name == name and result.item_id:
                    return result.item_id
        raise KeyError(name)


def build_demo_archive(directory: Path, *, fresh: bool = False) -> DemoArchive:
    """Create the demo archive and ingest the sample material in two batches."""
    directory = Path(directory)
    if fresh and directory.exists():
        if not (directory / MARKER).exists():
            raise ArchiveError(f"{directory}: exists and is not a demo archive; not touching it")
        shutil.rmtree(directory)
    batches = prepare_inputs(directory.parent / f"{directory.name}-inputs")
    archive = init_archive(directory)
    (directory / MARKER).write_text("made by `corroborate demo`; safe to delete\n")
    done: list[list[tuple[DemoInput, IngestResult]]] = []
    for batch in batches:
        results: list[tuple[DemoInput, IngestResult]] = []
        for entry in batch:
            report = ingest(archive, [str(entry.path)], actor="alice", source=entry.source)
            results.extend((entry, r) for r in report.results)
        done.append(results)
    return DemoArchive(archive, done)
