"""The package's layout: imports only go down the stages of docs/architecture.md, no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "checker"

# The stages from the bottom up; a module may import its own stage and those below it.
STAGES = [
    ("errors", "model", "memo"),
    ("files",),
    ("language",),
    ("loading",),
    ("bounds",),
    ("evaluation",),
    ("output",),
    ("casefiles",),
    ("regression",),
    ("interview", "questionnaire", "summary", "ruledocs"),
    ("lint", "web"),
    ("api",),
    ("cli", "__main__"),
]
RANK = {name: rank for rank, names in enumerate(STAGES) for name in names}
TOP_LEVEL_MODULE_LIMIT = 12


def stage_of(module: str) -> str:
    """The stage a dotted module of the package belongs to: its first name below checker."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path, root: Path) -> str:
    relative = path.relative_to(root).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path) -> set[str]:
    """Every checker module `path` imports, at any depth of the file (lazy imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path if path.name == "__init__.py" else path.parent, root)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base == "checker":
                found.update(f"checker.{alias.name}" for alias in node.names)
            else:
                found.add(base)
    return {name for name in found if name == "checker" or name.startswith("checker.")}


def import_graph(package: Path) -> dict[str, set[str]]:
    modules = {module_name(path, package.parent): path for path in sorted(package.rglob("*.py"))}
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in imports_of(path, package.parent):
            # `from checker.files import atomic` names a module; `from x.y import f` names y.
            while imported not in modules and "." in imported:
                imported = imported.rsplit(".", 1)[0]
            if imported in modules and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for name, targets in sorted(graph.items()):
        own = stage_of(name)
        if own == "__init__":
            continue
        for target in sorted(targets):
            other = stage_of(target)
            if other != "__init__" and RANK[other] > RANK[own]:
                found.append(f"{name} imports {target} ({own} is below {other})")
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles between modules (Tarjan's strongly connected components)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_stage_is_known():
    names = {
        path.stem if path.is_file() else path.name
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file()
    }
    assert names <= set(RANK), f"not placed in a stage: {sorted(names - set(RANK))}"


def test_imports_only_go_down_the_stages():
    assert upward_imports(import_graph(PACKAGE)) == []


def test_no_import_cycles():
    assert cycles(import_graph(PACKAGE)) == []


def test_top_level_holds_few_modules():
    modules = [p for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__")]
    assert len(modules) <= TOP_LEVEL_MODULE_LIMIT, sorted(p.name for p in modules)


@pytest.fixture
def planted(tmp_path):
    """A copy of the package to plant bad imports in."""
    import shutil

    copy = tmp_path / "checker"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_an_upward_import_is_found(planted):
    target = planted / "files" / "atomic.py"
    target.write_text(target.read_text() + "\nfrom checker.output.environment import sentence\n")
    assert upward_imports(import_graph(planted)) == [
        "checker.files.atomic imports checker.output.environment (files is below output)"
    ]


def test_a_cycle_is_found(planted):
    target = planted / "errors.py"
    target.write_text(target.read_text() + "\nfrom checker.model import RuleBase\n")
    target = planted / "model.py"
    target.write_text(target.read_text() + "\nfrom checker.errors import GranskaError\n")
    assert ["checker.errors", "checker.model"] in cycles(import_graph(planted))
