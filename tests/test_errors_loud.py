"""The library never swallows an error or fails with a bare one: no `assert` (gone under
`python -O`), no bare RuntimeError or ValueError, and no `except ImportError` fallback that
would quietly run without a required package. Every error it raises is a CorroborateError,
which front ends print as one line.

The rule is read from the source (with `ast`, so comments and strings do not count).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from corroborate.core import TreeHead
from corroborate.errors import CorroborateError, FormatError, InputError, InternalError

LIBRARY = Path(__file__).resolve().parent.parent / "src" / "corroborate"
# Front ends are out of scope: the CLI maps click's own exceptions, including an older typer's.
FRONT_ENDS = {"cli"}
BARE = {"RuntimeError", "ValueError", "Exception", "AssertionError"}
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError"}


def _library_modules() -> list[Path]:
    return [
        p
        for p in sorted(LIBRARY.rglob("*.py"))
        if p.relative_to(LIBRARY).parts[0] not in FRONT_ENDS
    ]


def _names(node: ast.expr | None) -> set[str]:
    if node is None:
        return set()
    if isinstance(node, ast.Tuple):
        return set().union(*(_names(e) for e in node.elts))
    if isinstance(node, ast.Call):
        return _names(node.func)
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.Attribute):
        return {node.attr}
    return set()


def _faults(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assert):
            found.append(f"line {node.lineno}: assert")
        elif isinstance(node, ast.Raise) and _names(node.exc) & BARE:
            found.append(f"line {node.lineno}: raise {', '.join(sorted(_names(node.exc) & BARE))}")
        elif isinstance(node, ast.ExceptHandler) and _names(node.type) & IMPORT_ERRORS:
            found.append(f"line {node.lineno}: except ImportError (a fallback)")
    return found


def test_the_library_raises_no_bare_errors_and_has_no_import_fallbacks() -> None:
    faults = {
        str(p.relative_to(LIBRARY)): f
        for p in _library_modules()
        if (f := _faults(p.read_text(encoding="utf-8")))
    }
    assert faults == {}


@pytest.mark.parametrize(
    "snippet",
    [
        "assert x is not None",
        "raise ValueError('no')",
        "raise RuntimeError",
        "try:\n    import c2pa\nexcept ImportError:\n    c2pa = None",
        "try:\n    import c2pa\nexcept (OSError, ModuleNotFoundError):\n    pass",
    ],
)
def test_the_rule_catches_each_kind_of_fault(snippet: str) -> None:
    assert _faults(snippet)


def test_catching_what_a_library_raises_is_not_a_fault() -> None:
    assert not _faults("try:\n    f()\nexcept (RuntimeError, ValueError):\n    pass")


def test_the_new_errors_are_corroborate_errors_and_format_errors_stay_value_errors() -> None:
    assert issubclass(InternalError, CorroborateError)
    assert issubclass(FormatError, InputError) and issubclass(FormatError, ValueError)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{not json", "is JSON"),
        ("[1]", "JSON object"),
        ('{"tree_size": 1}', "needs"),
        (
            '{"tree_size": 1, "root_hash": "' + "0" * 64 + '", "timestamp": "yesterday", '
            '"signature": "", "key_id": ""}',
            "not an ISO 8601 time",
        ),
    ],
)
def test_a_malformed_tree_head_is_one_format_error(text: str, says: str) -> None:
    with pytest.raises(FormatError, match=says):
        TreeHead.from_json(text)
