"""Shared fixtures: the shipped rules, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.loading.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def rules():
    return load_rules(ROOT / "rules")
