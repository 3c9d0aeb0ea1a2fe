"""The README is the user's map: every command the CLI has is documented there, and the Quick
start is exactly the two commands CI and newcomers run."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from corroborate.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    found: list[str] = []

    def walk(command: object, prefix: list[str]) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*prefix, name])
        else:
            found.append(" ".join(prefix))

    walk(typer.main.get_command(app), [])
    return found


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = []
    for command in _commands():
        *group, leaf = command.split()
        # `incident list|show|history` documents several leaves at once
        pattern = r"corroborate " + r" ".join(map(re.escape, group)) + (" " if group else "")
        pattern += r"(?:[\w-]+\|)*" + re.escape(leaf) + r"(?:\|[\w-]+)*\b"
        if not re.search(pattern, readme):
            missing.append(command)
    assert not missing, f"undocumented commands: {missing}"


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["bash scripts/demo", "bash scripts/test"]
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()
