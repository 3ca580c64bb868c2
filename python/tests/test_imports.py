"""The two packages' import graph, read from the source (ast), lazy imports inside functions included:
the product (contender_rank) never imports the lab (contender_rank_lab) and needs no third-party
module beyond its declared dependencies; neither package has an import cycle."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
ROOTS = {"contender_rank": REPOSITORY / "python", "contender_rank_lab": REPOSITORY / "lab"}
# the product's pyproject.toml dependencies, as import names
PRODUCT_THIRD_PARTY = {"psycopg", "psycopg_pool", "yoyo"}
LAB_THIRD_PARTY = PRODUCT_THIRD_PARTY | {"asyncpg", "matplotlib"}


def modules() -> dict[str, Path]:
    found = {}
    for package, root in ROOTS.items():
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = modules()


def imported(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports, anywhere in its body: for ``from A import b``, A.b when that is
    a module of ours, else A; relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    result: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            result.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                result.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return result


GRAPH = {name: imported(name, path) for name, path in MODULES.items()}


def top(module: str) -> str:
    return module.split(".")[0]


def test_the_graph_is_read() -> None:
    # a reader that found nothing would pass every test below
    assert "contender_rank.commands" in GRAPH["contender_rank.cli"]
    assert "contender_rank.schema" in GRAPH["contender_rank_lab.bench"]
    assert "contender_rank_lab.nineteen" in GRAPH["contender_rank_lab.databases"]  # a lazy import
    assert len([name for name in MODULES if top(name) == "contender_rank_lab"]) >= 15


@pytest.mark.parametrize("name", sorted(name for name in MODULES if top(name) == "contender_rank"))
def test_the_product_imports_no_lab_and_only_its_dependencies(name: str) -> None:
    outside = {
        module
        for module in GRAPH[name]
        if top(module) not in sys.stdlib_module_names
        and top(module) not in PRODUCT_THIRD_PARTY
        and top(module) != "contender_rank"
    }
    assert not outside, (
        f"{name} imports {sorted(outside)}: the product depends on psycopg, psycopg-pool, yoyo"
    )


@pytest.mark.parametrize("name", sorted(name for name in MODULES if top(name) == "contender_rank_lab"))
def test_the_lab_imports_only_its_dependencies(name: str) -> None:
    outside = {
        module
        for module in GRAPH[name]
        if top(module) not in sys.stdlib_module_names | LAB_THIRD_PARTY | set(ROOTS)
    }
    assert not outside, f"{name} imports {sorted(outside)}, which lab/pyproject.toml does not require"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles among our modules (each found once from its first module on the path)."""
    found: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph[module] & graph.keys()):
            if state.get(target) == "open":
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    return found


def test_cycles_are_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle() -> None:
    # a package's __init__ is imported before any of its modules, so an import of the package from
    # a module it imports is a cycle too
    assert cycles(GRAPH) == []
