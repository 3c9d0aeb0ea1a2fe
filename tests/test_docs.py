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


# -- every command line the README shows parses against the real CLI ---------------------------


def _readme_command_lines() -> list[str]:
    """Each `corroborate ...` line inside the README's fenced blocks (continuations joined)."""
    lines: list[str] = []
    fenced = False
    pending = ""
    for raw in (ROOT / "README.md").read_text().splitlines():
        if raw.lstrip().startswith("```"):
            fenced, pending = not fenced, ""
            continue
        if not fenced:
            continue
        line = pending + raw.strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if line.startswith("corroborate "):
            lines.append(line)
    return lines


def _variants(line: str) -> list[list[str]]:
    """The argument lists a README line stands for: `[...]` marks optional parts (all taken),
    `a|b` alternatives (each taken in turn), comments and `...` placeholders dropped."""
    import shlex

    tokens = [t.strip("[]") for t in shlex.split(line, comments=True)[1:]]
    tokens = [t for t in tokens if t and t != "..."]
    variants: list[list[str]] = [[]]
    for token in tokens:
        choices = token.split("|") if "|" in token and not token.startswith("http") else [token]
        variants = [[*v, c] for v in variants for c in choices]
    return variants


def _check(root: object, args: list[str]) -> str | None:
    """None when the CLI accepts `args` as written (options and command path), else why not."""
    command = root
    path: list[str] = []
    args = list(args)
    while getattr(command, "commands", None) and args and not args[0].startswith("-"):
        sub = command.commands.get(args[0])  # type: ignore[attr-defined]
        if sub is None:
            return f"no command `{' '.join([*path, args[0]])}`"
        path.append(args.pop(0))
        command = sub
    params = getattr(command, "params", [])
    known = {o: p for p in params for o in (*p.opts, *p.secondary_opts) if o.startswith("-")}
    filled: list[str] = []
    for i, arg in enumerate(args):
        name = arg.split("=", 1)[0]
        if arg.startswith("-") and len(arg) > 1 and not arg[1:].isdigit():
            if name not in known:
                return f"`{' '.join(path)}` has no option {name}"
            filled.append(arg)
            param = known[name]
            takes_value = not getattr(param, "is_flag", False) and "=" not in arg
            following = args[i + 1] if i + 1 < len(args) else None
            if takes_value and (following is None or following.startswith("-")):
                filled.append("VALUE")  # `[--from --to]`: the README names the option only
        else:
            filled.append(arg)
    try:
        command.make_context(  # type: ignore[attr-defined]
            " ".join(["corroborate", *path]), filled, resilient_parsing=True
        )
    except Exception as exc:  # noqa: BLE001 - click's usage errors: report them with the line
        return f"`{' '.join(path)}` does not parse: {exc}"
    return None


def test_every_command_line_in_the_readme_parses_against_the_real_cli() -> None:
    root = typer.main.get_command(app)
    lines = _readme_command_lines()
    assert len(lines) >= 30, "the README's command list was not found"
    wrong = []
    for line in lines:
        for args in _variants(line):
            problem = _check(root, args)
            if problem:
                wrong.append(f"{line}\n    -> {problem}")
    assert not wrong, "README lines the CLI does not accept:\n" + "\n".join(wrong)


def test_the_docs_check_catches_an_option_the_cli_lacks() -> None:
    root = typer.main.get_command(app)
    assert _check(root, ["source", "grade", "SRC-0001", "--reliability", "C"]) is None
    assert "no option --reliabilty" in str(_check(root, ["source", "grade", "S", "--reliabilty"]))
    assert "no command" in str(_check(root, ["incident", "lst"]))
    assert _variants("corroborate incident list|show [--json]  # x") == [
        ["incident", "list", "--json"],
        ["incident", "show", "--json"],
    ]
