"""An investigator links a piece of footage (a cluster of copies) to an incident; reposts keep
arriving, and the footage keeps its name (FC-0001), so the link holds and covers every copy.
When two named pieces of footage turn out to be one, the older name is kept and the other
still resolves to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Cli
from corroborate.archive import ingest_file
from corroborate.incidents import create_incident, get_incident, possible_duplicates
from corroborate.match import clusters, find_cluster
from corroborate.samples import render_flight
from corroborate.samples.transforms import reencode
from corroborate.storage.archive import Archive
from incident_fixtures import execution


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("copies")
    original = render_flight(root / "orig.mp4", "gravel", seconds=7, width=320, height=180)
    return {
        "original": original,
        "repost": reencode(original, root / "repost.mp4", bitrate=150_000),
        "later": reencode(original, root / "later.mp4", bitrate=200_000, height=144),
        "other": render_flight(root / "other.mp4", "rocket", seconds=7, width=320, height=180),
    }


def _ingest(archive: Archive, path: Path, **kw: object) -> str:
    r = ingest_file(archive, path, actor="alice", **kw)  # type: ignore[arg-type]
    assert r.error is None and r.item_id, r.error
    return r.item_id


def _cluster_of(archive: Archive, item: str) -> str:
    (found,) = [c.id for c in clusters(archive) if any(i.id == item for i in c.items)]
    return found


def test_a_linked_cluster_keeps_its_name_and_covers_copies_archived_later(
    archive: Archive, cli: Cli, copies: dict[str, Path]
) -> None:
    first = _ingest(archive, copies["original"])
    repost = _ingest(archive, copies["repost"])
    _ingest(archive, copies["other"])
    name = _cluster_of(archive, first)
    assert name.startswith("FC-") and _cluster_of(archive, repost) == name

    ref = create_incident(archive, execution(), actor="alice").id
    out = cli("incident", "link", ref, name, "--role", "primary")
    assert out.exit_code == 0, out.output
    assert f"footage {name} (2 copies" in out.stdout

    later = _ingest(archive, copies["later"])
    assert _cluster_of(archive, later) == name  # the name did not change as a copy arrived
    (ev,) = get_incident(archive, ref).evidence
    assert ev.cluster_id == name and set(ev.cluster_items) == {first, repost, later}
    assert f"footage {name} (3 copies now)" in cli("incident", "show", ref).stdout

    # an incident over the new copy alone is a possible duplicate of the linked one
    other_ref = create_incident(archive, execution(date="2024-10-11"), actor="alice").id
    assert cli("incident", "link", other_ref, later).exit_code == 0
    assert any({ref, other_ref} <= set(g.incidents) for g in possible_duplicates(archive))

    # show ITEM lists its footage and its copies
    out = cli("show", later)
    assert out.exit_code == 0, out.output
    assert f"footage  {name}: 2 other copies" in out.stdout
    assert first in out.stdout and repost in out.stdout
    shown = json.loads(cli("show", later, "--json").stdout)
    assert [c["id"] for c in shown["footage"]] == [name]
    assert cli("verify").exit_code == 0


def test_two_named_pieces_found_to_be_one_keep_the_older_name(
    archive: Archive, cli: Cli, copies: dict[str, Path]
) -> None:
    first = _ingest(archive, copies["original"], signatures=False)
    repost = _ingest(archive, copies["repost"], signatures=False)
    older, younger = _cluster_of(archive, first), _cluster_of(archive, repost)
    assert older != younger  # not yet known to be the same footage
    ref = create_incident(archive, execution(), actor="alice").id
    assert cli("incident", "link", ref, younger).exit_code == 0

    out = cli("rehash")
    assert out.exit_code == 0, out.output
    assert "Hashed 2 items." in out.stdout and "shares footage with" in out.stdout

    (joined,) = [c for c in clusters(archive) if len(c.items) == 2]
    assert joined.id == older and joined.aliases == (younger,)
    found = find_cluster(archive, younger)
    assert found is not None and found.id == older  # the old name still resolves
    (ev,) = get_incident(archive, ref).evidence
    assert ev.cluster_id == older and set(ev.cluster_items) == {first, repost}
    out = cli("clusters")
    assert f"footage {older}" in out.stdout and f"also named {younger}" in out.stdout
    out = cli("incident", "link", ref, older)
    assert out.exit_code == 2 and f"now named {older}" in out.stderr  # the same footage
    # linking the old name again is linking the same footage
    second = create_incident(archive, execution(date="2024-10-12"), actor="alice").id
    assert cli("incident", "link", second, younger).exit_code == 0
    assert get_incident(archive, second).evidence[0].cluster_id == older
    assert cli("verify").exit_code == 0


def test_an_unknown_cluster_name_is_one_line(archive: Archive, cli: Cli) -> None:
    ref = create_incident(archive, execution(), actor="alice").id
    out = cli("incident", "link", ref, "FC-0042")
    assert out.exit_code == 2
    assert "no archived item or footage cluster 'FC-0042'" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
