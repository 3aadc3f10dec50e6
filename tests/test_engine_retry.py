"""The engine asserts a case again when durable-rules loses an evaluation or errs."""

from __future__ import annotations

from pathlib import Path

import durable_rules_engine
import pytest

from checker.evaluation import engine as engine_module
from checker.evaluation.evaluate import criterion_forms
from checker.loading.cases import load_case
from checker.loading.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules(ROOT / "rules")
HEBY = load_case(ROOT / "examples" / "heby-2022.yaml", RULES)


def _flaky(failures):
    """A stand-in for Engine._matches that fails as given, then behaves."""
    real = engine_module.Engine._matches
    calls = []

    def matches(self, ruleset_name, message):
        calls.append(message["sid"])
        if len(calls) <= len(failures):
            kind = failures[len(calls) - 1]
            if kind == "error":
                raise durable_rules_engine.error("error code: 307")
            return []  # a lost evaluation: not even the catch-all rule
        return real(self, ruleset_name, message)

    return matches, calls


@pytest.mark.parametrize("failures", [["lost"], ["error"], ["lost", "error", "lost"]])
def test_lost_or_failed_evaluations_are_retried(monkeypatch, failures):
    expected = criterion_forms(RULES, HEBY, use_engine=False)
    matches, calls = _flaky(failures)
    monkeypatch.setattr(engine_module.Engine, "_matches", matches)
    assert criterion_forms(RULES, HEBY) == expected
    assert len(calls) == len(failures) + 1
    assert len(set(calls)) == len(calls)  # every attempt under a fresh state


def test_persistent_failure_is_an_error(monkeypatch):
    matches, _calls = _flaky(["error"] * 10)
    monkeypatch.setattr(engine_module.Engine, "_matches", matches)
    with pytest.raises(RuntimeError, match="matched nothing"):
        criterion_forms(RULES, HEBY)
