"""What the command line shows a user: stored text exactly as stored (never read as markup),
identifiers never cut, one-line errors, the README's commands, progress only where it helps."""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import stat
import subprocess
import threading
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import Cli, run_corroborate
from corroborate.cli import app, common
from corroborate.storage.archive import Archive

ROOT = Path(__file__).resolve().parents[1]
# what an attacker puts in a label, title or file name: a spoofed link, styles, a stray close tag
LINK = "[link=file:///etc/passwd]official UN footage[/link]"
HOSTILE = f"[red]x[/red] [/] {LINK}"
FILE_NAME = "[link=https:evil.example][bold]official UN footage.txt"  # names cannot hold "/"
BOXES = re.compile("[│┃━─┏┓┗┛┡┩╇]")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _env(archive: Archive, **extra: str) -> dict[str, str]:
    env = {"CORROBORATE_ARCHIVE": str(archive.dir), "CORROBORATE_USER": "alice", **extra}
    for var in ("FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS"):
        if var not in extra:
            env[var] = "" if var == "FORCE_COLOR" else os.environ.get(var, "")
    return {k: v for k, v in env.items() if v != "" or k == "FORCE_COLOR"}


def _terminal(archive: Archive, columns: int = 80) -> dict[str, str]:
    """The environment of a colour terminal this wide (Rich draws for a terminal)."""
    return _env(archive, FORCE_COLOR="1", COLUMNS=str(columns), TERM="xterm-256color")


def run(archive: Archive, *args: str, columns: int = 80) -> object:
    """`corroborate ARGS` in-process at this width; stdout is a pipe unless `terminal` is used."""
    env = {"CORROBORATE_ARCHIVE": str(archive.dir), "CORROBORATE_USER": "alice",
           "COLUMNS": str(columns)}  # fmt: skip
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard output and error are an interactive terminal (as Rich sees them)."""
    for console in (common.console, common.err_console):
        monkeypatch.setattr(console, "_force_terminal", True)
        monkeypatch.setattr(console, "is_interactive", True)


@pytest.fixture
def photos(tmp_path: Path) -> tuple[Path, Path]:
    """A photograph, and its repost mirrored, cropped and saved again (other bytes)."""
    from PIL import Image

    from corroborate.samples import render_still

    post = render_still(tmp_path / "post.jpg", "astronaut", seed=5, width=640, height=480)
    with Image.open(post) as image:
        repost = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT).crop((40, 0, 640, 480))
        repost.save(tmp_path / "repost.jpg", quality=35)
    return post, tmp_path / "repost.jpg"


@pytest.fixture
def hostile(archive: Archive, cli: Cli, tmp_path: Path) -> dict[str, str]:
    """An archive whose file name, source label, source name and incident title carry markup."""
    report = tmp_path / FILE_NAME
    report.write_text("Police said 23 people were wounded in Kramatorsk.", encoding="utf-8")
    result = cli("ingest", str(report), "--source", HOSTILE, "--json")
    assert result.exit_code == 0, result.output
    item = json.loads(result.output)["results"][0]["item_id"]
    assert cli("source", "add", HOSTILE, "--kind", "media", "--reliability", "B").exit_code == 0
    result = cli(
        "incident", "add", "--type", "execution-hors-de-combat", "--title", HOSTILE, "--json"
    )
    assert result.exit_code == 0, result.output
    incident = json.loads(result.output)["id"]
    assert cli("incident", "cite", incident, "SRC-0001", "--credibility", "2", "--note",
               HOSTILE).exit_code == 0  # fmt: skip
    return {"item": item, "incident": incident}


# -- 1. stored text is data, never markup --------------------------------------------------------


def test_markup_in_names_labels_and_titles_is_shown_literally_in_every_listing(
    cli: Cli, hostile: dict[str, str]
) -> None:
    for args, expected in (
        (["items"], [FILE_NAME]),
        (["show", hostile["item"]], [FILE_NAME, HOSTILE]),
        (["source", "list"], [HOSTILE]),
        (["incident", "list"], [HOSTILE]),
        (["incident", "show", hostile["incident"]], [HOSTILE]),
        (["incident", "history", hostile["incident"]], [HOSTILE]),
        (["claims", "list"], [FILE_NAME]),
    ):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
        for text in expected:
            assert text in result.output, (args, result.output)


def test_a_spoofed_link_never_becomes_a_terminal_hyperlink(
    archive: Archive, hostile: dict[str, str]
) -> None:
    """On a colour terminal Rich would turn `[link=...]` into an OSC 8 hyperlink: it must not."""
    for args in (["items"], ["incident", "show", hostile["incident"]]):
        proc = run_corroborate(*args, env=_terminal(archive, columns=250))
        assert proc.returncode == 0, proc.stderr
        assert "\x1b]8;" not in proc.stdout, args  # no hyperlink escape sequence
        assert "official UN footage" in ANSI.sub("", proc.stdout)
        assert "[link=" in ANSI.sub("", proc.stdout), args


def test_an_error_carrying_markup_prints_it_literally_on_one_line(archive: Archive) -> None:
    for args in (
        ["show", "[bold]nope[/bold]"],
        ["show", "[/]"],
        ["incident", "show", LINK],
        ["ingest", "/nonexistent/[/]x.mp4"],
        ["source", "grade", HOSTILE, "C"],
    ):
        result = run(archive, *args)
        assert result.exit_code != 0
        assert args[-1].lower() in result.stderr.lower() or args[-2] in result.stderr, (
            args,
            result.stderr,
        )
        assert result.stderr.count("\n") == 1, result.stderr


# -- 2. identifiers are never cut ----------------------------------------------------------------


def _incidents(cli: Cli, n: int = 3) -> list[str]:
    title = "Captured soldiers shot near a treeline, filmed from a drone and reposted widely"
    ids = []
    for _ in range(n):
        result = cli("incident", "add", "--type", "execution-hors-de-combat", "--title", title,
                     "--place", "Robotyne", "--json")  # fmt: skip
        assert result.exit_code == 0, result.output
        ids.append(json.loads(result.output)["id"])
    return ids


def test_ids_are_whole_on_an_80_column_terminal(
    archive: Archive, cli: Cli, terminal: None, footage: dict[str, Path], photos: tuple[Path, Path]
) -> None:
    ids = _incidents(cli)
    result = cli("ingest", str(footage["coffee"]), str(photos[0]), "--json")
    items = [r["item_id"] for r in json.loads(result.stdout)["results"]]
    for args, wanted in ((["incident", "list"], ids), (["items"], items),
                         (["match", str(photos[1])], items[1:])):  # fmt: skip
        shown = run(archive, *args, columns=80).stdout
        assert BOXES.search(shown)  # drawn for a terminal, and fitted to it
        assert max(len(line) for line in shown.splitlines()) <= 80, shown
        for wanted_id in wanted:
            assert re.search(rf"│ {wanted_id} +│", shown), (wanted_id, shown)


def test_piped_listings_are_plain_and_complete(
    archive: Archive, cli: Cli, footage: dict[str, Path], photos: tuple[Path, Path]
) -> None:
    ids = _incidents(cli)
    result = cli("ingest", str(footage["coffee"]), str(photos[0]), "--json")
    items = [r["item_id"] for r in json.loads(result.output)["results"]]
    for args, wanted in (
        (["incident", "list"], ids),
        (["items"], items),
        (["match", str(photos[1])], [items[1]]),
        (["custody", "log"], []),
    ):
        result = run(archive, *args, columns=80)  # piped, as into grep
        assert result.exit_code == 0, (args, result.output)
        assert not BOXES.search(result.stdout), (args, result.stdout)
        assert "…" not in result.stdout, (args, result.stdout)
        rows = result.stdout.splitlines()
        for wanted_id in wanted:
            (row,) = [r for r in rows if wanted_id in r]  # one row, on one line
            if args[0] == "incident":
                assert row.rstrip().endswith("reposted widely"), row  # the title is whole too


# -- 3. the README and the CLI agree ------------------------------------------------------------


def test_a_source_is_regraded_as_the_readme_shows(cli: Cli) -> None:
    assert cli("source", "add", "UN HRMMU", "--kind", "monitoring-mission",
               "--reliability", "B").exit_code == 0  # fmt: skip
    result = cli("source", "grade", "UN HRMMU", "--reliability", "C")
    assert result.exit_code == 0, result.output
    assert "now graded C" in result.output
    assert cli("source", "grade", "UN HRMMU", "D").exit_code == 0  # the short form still works
    result = cli("source", "grade", "UN HRMMU", "A", "--reliability", "B")
    assert result.exit_code == 2 and "once" in result.output


def test_every_json_output_is_one_document(cli: Cli, hostile: dict[str, str], tmp_path: Path
                                          ) -> None:  # fmt: skip
    report = tmp_path / "r.txt"
    report.write_text("OHCHR said 282 civilians were killed in 2023.", encoding="utf-8")
    for args in (["claims", "extract", str(report), "--json"], ["claims", "list", "--json"],
                 ["rehash", "--json"], ["items", "--json"], ["verify", "--json"]):  # fmt: skip
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
        json.loads(result.output)  # one document, not JSON Lines
    assert json.loads(cli("claims", "list", "--json").output)["claims"][0]["count"] == 23


def test_a_usage_error_is_one_line_naming_the_command_and_exits_2(archive: Archive) -> None:
    proc = run_corroborate("source", "grade", "SRC-0001", "--reliabilty", "C", env=_env(archive))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "source grade: error: No such option: --reliabilty" in proc.stderr
    assert "--help" in proc.stderr and not BOXES.search(proc.stderr) and "╭" not in proc.stderr
    result = run(archive, "incident", "show")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "Missing argument" in result.stderr


def test_a_long_error_is_never_wrapped(archive: Archive, terminal: None) -> None:
    ref = "a-clip-name-" * 30
    result = run(archive, "show", ref, columns=80)
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and ref in result.stderr, result.stderr


def test_the_demo_hint_names_a_command_that_runs() -> None:
    from corroborate.cli.common import command_name

    first = command_name().split(" -m ")[0]
    assert shutil.which(first) or Path(first).is_file(), first
    demo = (ROOT / "src/corroborate/cli/demo.py").read_text()
    assert "Try: corroborate" not in demo


def test_version_prints_the_installed_version(archive: Archive) -> None:
    proc = run_corroborate("--version", env=_env(archive))
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"corroborate {version('corroborate')}"


# -- 4. progress where it helps, silence where it would get in the way ----------------------------


def test_progress_is_never_shown_when_piped_or_with_json(
    archive: Archive, cli: Cli, footage: dict[str, Path]
) -> None:
    for args in (["ingest", str(footage["coffee"]), "--no-signatures"], ["verify"], ["rehash"],
                 ["verify", "--json"], ["rehash", "--json"]):  # fmt: skip
        result = run(archive, *args)
        assert result.exit_code == 0 and result.stderr == "", (args, result.stderr)


def test_progress_is_shown_on_a_terminal_but_not_with_json(
    archive: Archive, cli: Cli, footage: dict[str, Path], terminal: None
) -> None:
    assert cli("ingest", str(footage["coffee"]), "--no-signatures").exit_code == 0
    for args, bar in ((["verify"], "verifying"), (["rehash"], "hashing")):
        result = run(archive, *args)
        assert result.exit_code == 0 and bar in result.stderr, (args, result.stderr)
    assert "Hashed 1 item" in result.stdout
    result = run(archive, "verify", "--json")
    assert result.exit_code == 0 and result.stderr == ""
    json.loads(result.stdout)


def _install_sandbox(tmp_path: Path, stamp_current: bool) -> tuple[Path, dict[str, str]]:
    """A copy of the install script in a repository whose .venv is already there; `python` in
    it records what it is asked and succeeds (the real pip would need the network)."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts/install", repo / "scripts/install")
    for name in ("pyproject.toml", "constraints.txt"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, repo / name)
    bin_dir = repo / ".venv/bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    python.write_text('#!/bin/sh\necho "$@" >> "$(dirname "$0")/calls"\n')
    python.chmod(python.stat().st_mode | stat.S_IEXEC)
    tools = tmp_path / "tools"  # the system packages, present
    tools.mkdir()
    for tool in ("openssl", "sqlite3", "initdb"):
        (tools / tool).write_text("#!/bin/sh\n")
        (tools / tool).chmod(0o755)
    if stamp_current:
        want = subprocess.run(
            "cat pyproject.toml constraints.txt 2>/dev/null | sha256sum | cut -c1-16",
            shell=True, cwd=repo, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        (repo / ".venv/.corroborate-installed").write_text(want + "\n")
    env = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}"}
    return repo, env


def test_install_says_each_step_it_takes(tmp_path: Path) -> None:
    repo, env = _install_sandbox(tmp_path, stamp_current=False)
    proc = subprocess.run(["bash", "scripts/install"], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    steps = proc.stderr.splitlines()
    assert any("installing Python packages" in s and "few minutes" in s for s in steps), steps
    assert all(s.startswith("corroborate install: ") for s in steps), steps
    assert len(steps) <= 6  # steps, not a flood of pip output
    assert "install" in (repo / ".venv/bin/calls").read_text()


def test_install_when_already_installed_is_one_line(tmp_path: Path) -> None:
    repo, env = _install_sandbox(tmp_path, stamp_current=True)
    proc = subprocess.run(["bash", "scripts/install"], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr == "corroborate install: already installed (.venv/bin/corroborate)\n"
    assert not (repo / ".venv/bin/calls").exists()


class _Hostile(http.server.BaseHTTPRequestHandler):
    """A server whose reason phrase carries markup."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(404, f"[/] {LINK}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def test_a_servers_reason_phrase_is_shown_literally(archive: Archive) -> None:
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Hostile)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/report.html"
        result = run(archive, "claims", "extract", url, "--allow-address", "127.0.0.1")
    finally:
        httpd.shutdown()
    assert result.exit_code != 0
    assert "404" in result.stderr and LINK in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
