"""A command imports only what it needs: what `python -X importtime` lists for a fresh
process running it (the cold start of docs/architecture.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

# Imported only by the formats, batch outputs and commands that need them.
HEAVY = ("weasyprint", "docx", "openpyxl", "flask")


def imported_modules(*args: str) -> set[str]:
    """The modules a fresh `python -m checker ARGS` imports (it must succeed)."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "checker", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    modules = set()
    for line in run.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            modules.add(parts[2].strip())
    assert "checker.cli" in modules
    return modules


def loaded(modules: set[str], package: str) -> list[str]:
    return sorted(name for name in modules if name == package or name.startswith(f"{package}."))


@pytest.mark.parametrize("case", ["examples/heby-2022.yaml", "tests/data/complete-top.yaml"])
def test_text_check_imports_no_format_or_web_dependency(case):
    modules = imported_modules("check", case)
    assert [name for package in HEAVY for name in loaded(modules, package)] == []


def test_check_of_a_decided_case_at_the_top_imports_no_bounds():
    """Every fact stated and every question at its top grade: nothing is open and there
    is no way up, so the bounds analysis is never built."""
    modules = imported_modules("check", "tests/data/complete-top.yaml")
    assert loaded(modules, "checker.bounds") == []


def test_check_of_a_case_below_the_top_imports_bounds_for_the_way_up():
    """The counterpart: heby's questions below the top show the way up (checker.bounds)."""
    assert loaded(imported_modules("check", "examples/heby-2022.yaml"), "checker.bounds")


def test_version_imports_neither_the_library_nor_its_dependencies():
    modules = imported_modules("--version")
    assert [
        name
        for package in ("checker.api", "checker.loading", "jinja2", "yaml", "durable")
        for name in loaded(modules, package)
    ] == []
