"""The layers of docs/architecture.md, checked on the source: which part of backcare may import which.

Every import counts, including those inside functions (backcare imports lazily for start-up time); an import
under `if TYPE_CHECKING:` is for annotations only and is allowed where the rules say so.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "backcare"

# The top-level modules (backcare/errors.py, clock.py, paths.py, messages.py, textsafe.py, outfiles.py,
# valueclass.py, __init__.py) are "base": plain helpers any layer may use. `None` is the package itself
# (`from backcare import __version__`).
BASE = {"errors", "clock", "paths", "messages", "textsafe", "outfiles", "valueclass", None}

# layer -> the backcare layers it may import at run time (always itself and the base modules too).
ALLOWED: dict[str, set[str]] = {
    "domain": set(),  # pure: nothing of backcare but domain (and errors)
    "exporters": {"domain", "content"},  # plain values in, text out; the import checks use the same validators
    "content": {"domain"},
    "store": {"domain"},
    "render": {"domain"},
    "services": {"domain", "store", "content", "exporters"},
    "cli": {"domain", "services", "render", "content", "exporters"},  # exporters: format names and size limits
}
# Narrower base for the pure layers: no clock, no file paths, no messages.
PURE_BASE = {"domain": {"errors", "valueclass"}, "exporters": {"errors", "textsafe", "valueclass"}}
# The base modules may use the pure domain rules (clock.py checks a pinned day with domain/dates.py), no other layer.
BASE_MAY_IMPORT = BASE | {"domain"}
# cli reaches the store only through services; these open it: once per command (state.py), and for the answers
# given before Typer is even imported (fast.py: `backcare due` runs at every shell start).
CLI_STORE_OPENERS = {"cli/state.py", "cli/fast.py"}


@dataclass(frozen=True)
class Import:
    module: str  # path relative to the package, e.g. "cli/checkin.py"
    line: int
    target: str  # the imported backcare module, e.g. "backcare.store.transfer"
    type_only: bool  # under `if TYPE_CHECKING:`


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path) -> list[Import]:
    rel = path.relative_to(PACKAGE).as_posix()
    package_parts = ["backcare", *path.relative_to(PACKAGE).parent.parts]
    found: list[Import] = []

    def visit(node: ast.AST, type_only: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, type_only)
            return
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = package_parts[: len(package_parts) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from backcare import services` imports the layer; `from backcare import __version__` the package
            targets = [
                f"{module}.{a.name}" if module == "backcare" and not a.name.startswith("__") else module
                for a in node.names
            ]
        for target in targets:
            if target == "backcare" or target.startswith("backcare."):
                found.append(Import(rel, node.lineno, target, type_only))
        for child in ast.iter_child_nodes(node):
            visit(child, type_only)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), False)
    return found


def layer_of_module(rel: str) -> str | None:
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 else None


def layer_of_target(target: str) -> str | None:
    parts = target.split(".")
    return parts[1] if len(parts) > 1 else None


def violations(path: Path) -> list[str]:
    rel = path.relative_to(PACKAGE).as_posix()
    layer = layer_of_module(rel)
    if layer is None:
        return []  # the base modules and __main__ are checked by test_base_modules_import_no_layer
    allowed = {layer} | ALLOWED[layer] | PURE_BASE.get(layer, BASE)
    out = []
    for imp in imports_of(path):
        target = layer_of_target(imp.target)
        if target in allowed:
            continue
        if layer == "cli" and target == "store" and (imp.type_only or rel in CLI_STORE_OPENERS):
            continue
        if layer == "exporters" and _is_record_kinds(imp.target):
            continue
        out.append(f"{rel}:{imp.line}: {layer} imports {imp.target}")
    return out


# The JSON import checks iterate the registry of record kinds (store/records/: each kind's import checks live with
# its columns); that package, never the Store or its connection, is what exporters may import from the store.
RECORD_KINDS = "backcare.store.records"


def _is_record_kinds(target: str) -> bool:
    return target == RECORD_KINDS or target.startswith(RECORD_KINDS + ".")


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_layer_is_known():
    layers = {layer_of_module(p.relative_to(PACKAGE).as_posix()) for p in MODULES} - {None}
    assert layers == set(ALLOWED), "a new layer: add its rules here and in docs/architecture.md"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_module_imports_only_what_its_layer_may(path):
    assert violations(path) == []


def test_base_modules_import_no_layer():
    for path in MODULES:
        rel = path.relative_to(PACKAGE).as_posix()
        if layer_of_module(rel) is None and rel != "__main__.py":
            bad = [i.target for i in imports_of(path) if layer_of_target(i.target) not in BASE_MAY_IMPORT]
            assert bad == [], f"{rel} imports {bad}"


# -- the checker itself catches what it must -------------------------------------------------------------------
@pytest.mark.parametrize(
    "rel, source, bad",
    [
        ("render/x.py", "def f():\n    from backcare.services.report import DECISIONS\n", True),
        ("render/x.py", "from backcare import services\n", True),
        ("render/x.py", "from ..store import Store\n", True),
        ("render/x.py", "from backcare.domain.trends import Day\n", False),
        ("domain/x.py", "from backcare.clock import today\n", True),
        ("domain/x.py", "from . import checkin\n", False),
        ("store/x.py", "import backcare.services.report\n", True),
        ("content/x.py", "def f():\n    if True:\n        from backcare.store import Store\n", True),
        ("cli/x.py", "from backcare.store import Store\n", True),
        ("cli/x.py", "if TYPE_CHECKING:\n    from backcare.store import Store\n", False),
        ("cli/x.py", "if TYPE_CHECKING:\n    pass\nelse:\n    from backcare.store import Store\n", True),
        ("cli/state.py", "def f():\n    from backcare.store import Store\n", False),
        ("services/x.py", "from backcare.cli.state import state\n", True),
        ("exporters/x.py", "from backcare.store import Store\n", True),
        ("exporters/x.py", "from backcare.store.transfer import merge\n", True),
        ("exporters/x.py", "from backcare.store.records import checks\n", False),
        ("exporters/x.py", "from backcare.domain import checkin\n", False),
    ],
)
def test_the_rules_catch_a_forbidden_import(tmp_path, monkeypatch, rel, source, bad):
    path = tmp_path / rel
    path.parent.mkdir(parents=True)
    path.write_text(source, encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path)
    assert bool(violations(path)) is bad


# -- cli calls the store through services ----------------------------------------------------------------------
# Calls on an open Store still made from cli/ modules, by module and method. Each should become a service call;
# remove an entry when its command is moved (the test fails on a stale entry, so the list only shrinks).
CLI_STORE_CALLS_LEFT: set[tuple[str, str]] = set()


def _store_methods() -> set[str]:
    from backcare.store import Store

    return {name for name in vars(Store) if not name.startswith("__")}


def store_calls(path: Path) -> set[tuple[str, str]]:
    """(module, method) for every `store.METHOD(...)` or `....store().METHOD(...)` call in a cli module."""
    rel = path.relative_to(PACKAGE).as_posix()
    methods = _store_methods()
    calls = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner, method = node.func.value, node.func.attr
        is_store = (isinstance(owner, ast.Name) and owner.id in {"store", "db"}) or (
            isinstance(owner, ast.Call) and isinstance(owner.func, ast.Attribute) and owner.func.attr == "store"
        )
        if is_store and method in methods and method not in ("open", "close"):  # the run's state opens and closes it
            calls.add((rel, method))
    return calls


def test_cli_calls_the_store_only_through_services():
    found = set().union(*(store_calls(p) for p in MODULES if p.relative_to(PACKAGE).parts[0] == "cli"))
    assert found - CLI_STORE_CALLS_LEFT == set(), "cli/ calls the store directly: add or use a service"
    assert CLI_STORE_CALLS_LEFT - found == set(), "moved to a service: take it off CLI_STORE_CALLS_LEFT"
