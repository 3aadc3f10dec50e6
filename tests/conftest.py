"""Shared fixtures: the shipped rules, loaded once per test session; the start-up cache
of the session (and of the commands it runs) in a temporary directory of its own."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from checker.loading.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
_SESSION_CACHE = tempfile.mkdtemp(prefix="granska-test-cache-")


def pytest_configure(config: pytest.Config) -> None:
    """No test reads or writes the user's cache (files.cache)."""
    os.environ.pop("GRANSKA_NO_CACHE", None)
    os.environ["XDG_CACHE_HOME"] = _SESSION_CACHE


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def rules():
    return load_rules(ROOT / "rules")
