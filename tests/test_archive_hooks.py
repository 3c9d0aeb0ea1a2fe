"""The custody log plugs into storage through hooks: never skipped, never written around."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from sqlalchemy import func, select

from corroborate.custody import hooks as custody_hooks
from corroborate.custody.models import CustodyEntryRow, TreeHeadRow
from corroborate.custody.setup import init_archive
from corroborate.db import utcnow
from corroborate.errors import ArchiveError
from corroborate.incidents.models import SourceRow
from corroborate.storage import hooks
from corroborate.storage.archive import Archive

ROOT = Path(__file__).resolve().parents[1]


def _declared_in_pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return dict(project["entry-points"][hooks.ENTRY_POINT_GROUP])


def _counts(archive: Archive) -> tuple[int, int, int]:
    with archive.session() as session:
        return (
            session.scalar(select(func.count()).select_from(CustodyEntryRow)) or 0,
            session.scalar(select(func.count()).select_from(TreeHeadRow)) or 0,
            session.scalar(select(func.count()).select_from(SourceRow)) or 0,
        )


def _source(name: str) -> SourceRow:
    return SourceRow(
        uid=f"SRC-{name}",
        name=name,
        kind="media",
        reliability="B",
        created_at=utcnow(),
        created_by="test",
    )


class _Bystander:
    """An outside hook that does not keep the custody log."""

    name = "bystander"
    keeps_custody_log = False

    def opened(self, archive: Archive) -> None:
        pass

    def begin(self, session: object) -> None:
        pass

    def before_commit(self, archive: Archive, session: object) -> None:
        pass


@pytest.fixture
def without_custody(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No custody hook registered, and no entry point that would bring it back."""
    monkeypatch.setattr(hooks.REGISTRY, "declared", lambda: [])
    monkeypatch.setattr(hooks.REGISTRY, "loaded", False)
    hooks.unregister(custody_hooks.HOOK.name)
    try:
        yield
    finally:
        hooks.unregister(_Bystander.name)
        hooks.register(custody_hooks.HOOK)


def test_a_write_without_the_custody_hook_is_refused_and_writes_nothing(
    archive: Archive, without_custody: None
) -> None:
    hooks.register(_Bystander())  # an outside hook is no stand-in for the log
    before = _counts(archive)
    with pytest.raises(ArchiveError, match="refusing to write unlogged"):
        with archive.write() as session:
            session.add(_source("unlogged"))
    hooks.register(custody_hooks.HOOK)
    assert _counts(archive) == before


def test_an_archive_is_not_opened_without_the_custody_hook(
    archive: Archive, without_custody: None
) -> None:
    with pytest.raises(ArchiveError, match="no custody log is plugged in"):
        Archive.open(archive.dir)


def test_every_write_is_sealed_under_a_new_signed_head(archive: Archive) -> None:
    entries, heads, sources = _counts(archive)
    with archive.write() as session:
        session.add(_source("logged"))
    after = _counts(archive)
    assert after[2] == sources + 1
    assert after[0] == entries + 1  # the state.record entry for the new row
    assert after[1] == heads + 1


def test_an_entry_point_that_cannot_load_is_an_error_not_skipped() -> None:
    broken = EntryPoint("broken", "corroborate.no_such_module", hooks.ENTRY_POINT_GROUP)
    with pytest.raises(ArchiveError, match="'broken'.*cannot be loaded"):
        hooks.load_entry_points(lambda: [broken])


def test_a_second_hook_of_the_same_name_is_refused() -> None:
    class Impostor(_Bystander):
        name = custody_hooks.HOOK.name

    with pytest.raises(ArchiveError, match="two archive hooks"):
        hooks.register(Impostor())
    assert hooks.register(custody_hooks.HOOK) is custody_hooks.HOOK  # the same one: fine


def test_pyproject_declares_the_custody_hook_and_it_loads() -> None:
    declared = _declared_in_pyproject()
    assert declared == {"custody": "corroborate.custody.hooks"}
    points = [EntryPoint(n, v, hooks.ENTRY_POINT_GROUP) for n, v in declared.items()]
    assert hooks.load_entry_points(lambda: points) == ["custody"]
    assert any(h.keeps_custody_log for h in hooks.registered())


def test_storage_alone_finds_the_custody_hook_through_its_entry_point(tmp_path: Path) -> None:
    """A program that imports only the storage layer still writes through the custody log:
    the hook comes from the entry point group pyproject.toml declares (as installed)."""
    init_archive(tmp_path / "arc").close()
    site = tmp_path / "site"
    info = site / "corroborate_hooks_probe-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: corroborate-hooks-probe\nVersion: 0\n"
    )
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]
    (info / "entry_points.txt").write_text(  # every group, as an installed corroborate has
        "".join(
            f"[{group}]\n" + "".join(f"{n} = {v}\n" for n, v in points.items())
            for group, points in groups.items()
        )
    )
    program = textwrap.dedent(
        f"""
        import sys
        from corroborate.storage import hooks
        from corroborate.storage.archive import Archive

        class Bystander:
            name, keeps_custody_log = "bystander", False
            def opened(self, archive): pass
            def begin(self, session): pass
            def before_commit(self, archive, session): pass

        hooks.register(Bystander())  # registered first, it must not hide the log's hook
        assert "corroborate.custody" not in sys.modules
        archive = Archive.open({str(tmp_path / "arc")!r})
        assert "corroborate.custody.hooks" in sys.modules
        from corroborate.custody import log
        size = log.current_head(archive).tree_size
        with archive.write() as session:
            log.append(session, actor="probe", action="probe.write")
        print(size, log.current_head(archive).tree_size)
        """
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(ROOT / "src")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    before, after = map(int, done.stdout.split())
    assert after == before + 1
