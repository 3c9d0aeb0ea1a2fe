"""The import structure of the library: no circles, no arrow from a lower layer to a higher one,
no private names imported across modules (docs/architecture.md draws the layers).

Every module under src/corroborate is read with `ast`, so imports inside functions and
`if TYPE_CHECKING:` blocks count as much as those at the top, and so do string imports
(`importlib.import_module("corroborate...")`, or any text naming another package's module,
as a list of modules to import would). A failure names each offending arrow.
"""

from __future__ import annotations

import ast
import functools
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "corroborate"

# Lowest first. A unit (top-level module or package of corroborate) may import its own layer's
# units and lower ones; units of one layer may import each other, but never in a circle.
LAYERS: list[tuple[str, set[str]]] = [
    ("core", {"(root)", "core", "errors", "crashpoints"}),
    ("storage", {"db", "storage", "net"}),
    ("geo", {"geo"}),
    ("media", {"media"}),
    ("custody", {"custody"}),
    ("accounts", {"accounts"}),
    ("archive", {"archive"}),
    ("claims, match", {"claims", "match"}),
    ("incidents", {"incidents"}),
    ("report", {"report"}),
    ("transfer", {"transfer"}),
    ("support", {"samples", "testing"}),
    ("front ends", {"cli", "web", "__main__"}),
]

# Arrows owned by work still under way elsewhere, allowed here until it lands: the lead
# empties this at the merge. Each entry is one line of `problems()` output.
KNOWN: set[str] = set()


@dataclass(frozen=True)
class Arrow:
    source: str  # importing module
    target: str  # imported module
    line: int
    name: str = ""  # the name imported from the target, if any

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} (line {self.line})"


@dataclass
class Graph:
    modules: dict[str, Path] = field(default_factory=dict)
    packages: set[str] = field(default_factory=set)
    arrows: list[Arrow] = field(default_factory=list)


def unit(module: str) -> str:
    """The top-level module or package of corroborate that `module` belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "(root)"


def _module_name(root: Path, path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _string_import(node: ast.Call) -> str | None:
    """The module named by `importlib.import_module("...")` or `__import__("...")`."""
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if called not in ("import_module", "__import__") or not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def collect(root: Path) -> Graph:
    """Every import between the modules of the package at `root`."""
    top = root.name
    graph = Graph()
    for path in sorted(root.rglob("*.py")):
        name, is_package = _module_name(root, path)
        graph.modules[name] = path
        if is_package:
            graph.packages.add(name)

    def resolve(dotted: str) -> str | None:
        while dotted and dotted not in graph.modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    for name, path in graph.modules.items():
        package = name if name in graph.packages else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            targets: list[tuple[str, str]] = []  # (full dotted path, imported name)
            if isinstance(node, ast.Import):
                targets = [(a.name, "") for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets = [(f"{module}.{a.name}", a.name) for a in node.names]
            elif isinstance(node, ast.Call) and (text := _string_import(node)):
                targets = [(text, "")]
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value in graph.modules
                and unit(node.value) != unit(name)
            ):  # a module of another package named as text: imported by name somewhere
                targets = [(node.value, "")]
            for dotted, imported in targets:
                if dotted != top and not dotted.startswith(top + "."):
                    continue
                target = resolve(dotted)
                if target is None or target == name:
                    continue
                # `from pkg import submodule` is an arrow to the submodule; a name is not
                shown = imported if target != dotted else ""
                graph.arrows.append(Arrow(name, target, node.lineno, shown))
    return graph


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each group of nodes that reach one another (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(groups)


def _circle_line(
    kind: str, group: list[str], arrows: list[Arrow], key: Callable[[str], str]
) -> str:
    """`kind circle among A, B: A -> B (line n); B -> A (line m)`: every arrow inside it."""
    members = set(group)
    inside: dict[tuple[str, str], Arrow] = {}
    for a in arrows:
        pair = (key(a.source), key(a.target))
        if pair[0] != pair[1] and set(pair) <= members:
            inside.setdefault(pair, a)
    shown = "; ".join(str(inside[pair]) for pair in sorted(inside))
    return f"{kind} circle among {', '.join(group)}: {shown}"


def problems(graph: Graph, layers: list[tuple[str, set[str]]] = LAYERS) -> list[str]:
    """Every circle, upward arrow and private import, one line each."""
    rank = {u: n for n, (_, units) in enumerate(layers) for u in units}
    layer_of = {u: label for label, units in layers for u in units}
    out: list[str] = []
    module_edges: dict[str, set[str]] = defaultdict(set)
    unit_edges: dict[str, set[str]] = defaultdict(set)
    for arrow in graph.arrows:
        module_edges[arrow.source].add(arrow.target)
        a, b = unit(arrow.source), unit(arrow.target)
        if a != b:
            unit_edges[a].add(b)
        for u in (a, b):
            if u not in rank:
                out.append(f"no layer for {u!r} (add it to LAYERS): {arrow}")
        if a in rank and b in rank and rank[b] > rank[a]:
            out.append(f"upward import ({layer_of[a]} -> {layer_of[b]}): {arrow}")
        out.extend(_private(graph, arrow))
    for group in _circles(module_edges):
        out.append(_circle_line("module", group, graph.arrows, lambda m: m))
    for group in _circles(unit_edges):
        out.append(_circle_line("package", group, graph.arrows, unit))
    return sorted(set(out))


def allowed(problem: str, known: set[str]) -> bool:
    """A problem KNOWN allows: named exactly, or a circle named by its members."""
    return problem in known or any(problem.startswith(k + ":") for k in known)


def _private(graph: Graph, arrow: Arrow) -> list[str]:
    """A `_name` (module or attribute) reached from outside the package that holds it."""
    importer = arrow.source if arrow.source in graph.packages else arrow.source.rpartition(".")[0]
    path = arrow.target.split(".") + ([arrow.name] if arrow.name else [])
    out = []
    for i, part in enumerate(path):
        if part.startswith("_") and not (part.startswith("__") and part.endswith("__")):
            holder = ".".join(path[:i])
            if importer != holder and not importer.startswith(holder + "."):
                out.append(f"private name {'.'.join(path[: i + 1])} imported: {arrow}")
            break
    return out


# -- the package itself ------------------------------------------------------------------


@functools.cache
def _library() -> Graph:
    return collect(PACKAGE)


def test_the_library_has_no_circles_no_upward_imports_and_no_private_imports() -> None:
    found = problems(_library())
    unexpected = [p for p in found if not allowed(p, KNOWN)]
    assert not unexpected, "import structure broken:\n  " + "\n  ".join(unexpected)


def test_every_known_exception_still_exists() -> None:
    """An allowance left after its arrow is gone would hide the arrow coming back."""
    found = problems(_library())
    stale = sorted(k for k in KNOWN if not any(allowed(p, {k}) for p in found))
    assert not stale, "remove from KNOWN (fixed):\n  " + "\n  ".join(stale)


def test_every_unit_of_the_package_has_a_layer() -> None:
    units = {unit(m) for m in _library().modules}
    placed = {u for _, us in LAYERS for u in us}
    assert units <= placed, f"no layer for {sorted(units - placed)}"


def test_the_checker_reads_the_imports_it_must_see() -> None:
    graph = _library()
    arrows = {(a.source, a.target) for a in graph.arrows}
    # one at the top of a module, and one inside a function (archive.ingest is fine either way)
    assert ("corroborate.custody.log", "corroborate.storage.archive") in arrows
    assert ("corroborate.incidents.records", "corroborate.match") in arrows  # inside a function


# -- the checker itself, on planted trees --------------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    package = root / "corroborate"
    for name, text in {"__init__.py": "", **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(text)
    return package


SMALL = [
    ("core", {"(root)", "core", "errors"}),
    ("storage", {"storage"}),
    ("custody", {"custody"}),
    ("accounts", {"accounts"}),
    ("cli", {"cli"}),
]


def test_the_checker_passes_a_clean_tree(tmp_path: Path) -> None:
    package = _tree(
        tmp_path,
        {
            "core.py": "",
            "errors.py": "from corroborate import core\n",
            "storage/archive.py": "from corroborate.errors import *\nfrom . import hooks\n",
            "storage/hooks.py": "",
            "custody/log.py": "from corroborate.storage.archive import Archive\n"
            "from corroborate.custody import _merkle\n",
            "custody/_merkle.py": "",
            "cli/__init__.py": "from corroborate.custody.log import append\n",
        },
    )
    assert problems(collect(package), SMALL) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (  # an upward import hidden in a function
            {
                "storage/archive.py": "def write():\n    from corroborate.custody import log\n",
                "custody/log.py": "",
            },
            "upward import (storage -> custody): corroborate.storage.archive -> "
            "corroborate.custody.log (line 2)",
        ),
        (  # an upward import only for type checking, written relative
            {
                "storage/archive.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                "    from ..custody.log import Entry\n",
                "custody/log.py": "",
            },
            "upward import (storage -> custody): corroborate.storage.archive -> "
            "corroborate.custody.log (line 3)",
        ),
        (  # an upward import by name
            {
                "storage/archive.py": "import importlib\n"
                "importlib.import_module('corroborate.cli.main')\n",
                "cli/main.py": "",
            },
            "upward import (storage -> cli): corroborate.storage.archive -> "
            "corroborate.cli.main (line 2)",
        ),
        (  # another package's module named as text, to be imported in a loop
            {
                "storage/models.py": "import importlib\n"
                "for m in ('corroborate.custody.log',):\n"
                "    importlib.import_module(m)\n",
                "custody/log.py": "",
            },
            "upward import (storage -> custody): corroborate.storage.models -> "
            "corroborate.custody.log (line 2)",
        ),
        (  # a module circle inside one package
            {
                "custody/log.py": "from corroborate.custody.state import record\n",
                "custody/state.py": "def record():\n    from corroborate.custody import log\n",
            },
            "module circle among corroborate.custody.log, corroborate.custody.state: "
            "corroborate.custody.log -> corroborate.custody.state (line 1); "
            "corroborate.custody.state -> corroborate.custody.log (line 2)",
        ),
        (  # a circle between two packages of one layer
            {
                "core.py": "from corroborate.errors import Error\n",
                "errors/__init__.py": "from corroborate.core import Kind\n",
            },
            "package circle among core, errors: corroborate.core -> corroborate.errors (line 1); "
            "corroborate.errors -> corroborate.core (line 1)",
        ),
        (  # a private name taken from another module
            {
                "custody/log.py": "from corroborate.custody.keys import _load\n",
                "custody/keys.py": "",
            },
            "private name corroborate.custody.keys._load imported: corroborate.custody.log -> "
            "corroborate.custody.keys (line 1)",
        ),
        (  # a private module of another package
            {
                "cli/__init__.py": "from corroborate.custody._merkle import root\n",
                "custody/_merkle.py": "",
            },
            "private name corroborate.custody._merkle imported: corroborate.cli -> "
            "corroborate.custody._merkle (line 1)",
        ),
        (  # a package not placed in any layer
            {"web/__init__.py": "from corroborate import core\n", "core.py": ""},
            "no layer for 'web' (add it to LAYERS): corroborate.web -> corroborate.core (line 1)",
        ),
    ],
)
def test_the_checker_names_each_planted_fault(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    found = problems(collect(_tree(tmp_path, files)), SMALL)
    assert expected in found, found


# -- the document that draws it ------------------------------------------------------------


def test_docs_architecture_names_every_layer_and_registry_and_only_files_that_exist() -> None:
    import re
    import tomllib

    doc = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text()
    for _, units in LAYERS:
        for u in units - {"(root)", "web"}:  # web/ is drawn before it exists
            assert u in doc, f"docs/architecture.md does not draw {u}"
    groups = tomllib.loads((PACKAGE.parents[1] / "pyproject.toml").read_text())["project"][
        "entry-points"
    ]
    for group in groups:
        assert f"`{group}`" in doc, f"docs/architecture.md does not name the group {group}"
    for path in re.findall(r"`((?:[a-z_]+/)+[a-z_]+\.py)`", doc):
        where = PACKAGE.parents[1] if path.startswith("tests/") else PACKAGE
        assert (where / path).exists(), f"docs/architecture.md names {path}, which is gone"


# -- what the command line loads -----------------------------------------------------------

_LOADED = """
import runpy, sys
sys.argv = ["corroborate", *sys.argv[1:]]
try:
    runpy.run_module("corroborate", run_name="__main__")
except SystemExit:
    pass
print("numba" in sys.modules, file=sys.stderr)
"""

_HASHED = """
import sys
import numpy as np
import corroborate.cli
from corroborate.match import pdq
before = "numba" in sys.modules
pdq.hash_gray(np.arange(64 * 48, dtype=np.float32).reshape(48, 64))
print(before, "numba" in sys.modules)
"""


def _python(code: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


@pytest.mark.parametrize(
    "argv", [["--help"], ["verify-package", "missing.zip"], ["verify-package", "--help"]]
)
def test_the_command_line_does_not_load_numba(tmp_path: Path, argv: list[str]) -> None:
    """numba (tens of MB and a fraction of a second per process) loads where a frame is hashed
    or substring tables are built, not for commands that never do either."""
    done = _python(_LOADED, *argv, cwd=tmp_path)
    assert done.stderr.strip().splitlines()[-1] == "False", done.stdout + done.stderr


def test_hashing_a_frame_loads_numba_then(tmp_path: Path) -> None:
    """The other side of the test above: the probe sees numba once a kernel runs."""
    done = _python(_HASHED, cwd=tmp_path)
    assert done.stdout.split() == ["False", "True"], done.stdout + done.stderr
