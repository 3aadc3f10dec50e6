"""The start-up cache (files.cache): the shipped rules, the compiled report templates and
rule texts come back as they were built, a changed file or a corrupt entry is rebuilt without a
word, and the cache can be turned off or be unwritable without changing any output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from checker.evaluation.evaluate import template
from checker.files import cache
from checker.loading import rules as rules_module
from checker.loading.rules import load_rules
from checker.output.formats import RENDERERS


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """An empty cache of this test's own, and shipped rules it may change."""
    monkeypatch.delenv(cache.DISABLE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    shipped = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", shipped)
    monkeypatch.setattr(rules_module, "default_rules_dir", lambda: shipped)
    return tmp_path / "cache" / "granska"


def entries(home, kind: str) -> list:
    return sorted((home / kind).iterdir()) if (home / kind).is_dir() else []


def test_shipped_rules_come_from_the_cache_as_they_were_loaded(cache_home):
    built = load_rules()
    [entry] = entries(cache_home, "rules")
    stored = entry.read_bytes()
    again = load_rules()
    assert again == built and again is not built
    assert entry.read_bytes() == stored  # read, not rebuilt


def test_a_changed_rule_file_rebuilds_the_entry(cache_home):
    before = load_rules()
    vocabulary = rules_module.default_rules_dir() / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8") + "\n# ändrad\n", "utf-8")
    after = load_rules()
    assert after.version != before.version
    assert after == load_rules(rules_module.default_rules_dir())
    assert len(entries(cache_home, "rules")) == 1  # the one slot was replaced


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: data.index(b"\n") + 40],  # the right key, a truncated pickle
        lambda data: data[: data.index(b"\n") + 1] + b"not a pickle",
        lambda data: b"another key\n" + data[data.index(b"\n") + 1 :],
    ],
)
def test_a_corrupt_or_stale_entry_is_rebuilt_silently(cache_home, damage):
    built = load_rules()
    [entry] = entries(cache_home, "rules")
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    assert load_rules() == built
    assert entry.read_bytes() == good


def test_an_overlay_or_another_directory_is_never_cached(cache_home):
    load_rules(ROOT / "rules")
    assert entries(cache_home, "rules") == []


def test_turned_off_it_neither_reads_nor_writes(cache_home, monkeypatch):
    monkeypatch.setenv(cache.DISABLE_VARIABLE, "1")
    load_rules()
    RENDERERS["text"](_result(load_rules()), False)
    assert not cache_home.exists()


def test_an_unwritable_cache_changes_nothing(cache_home, monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert load_rules() == load_rules(rules_module.default_rules_dir())


def test_compiled_report_templates_render_the_same_text(cache_home):
    result = _result(load_rules())
    compiled = RENDERERS["text"](result, False)
    stored = entries(cache_home, "templates")
    assert stored
    assert RENDERERS["text"](result, False) == compiled
    for entry in stored:  # corrupt every stored template: each is compiled again
        entry.write_bytes(entry.read_bytes()[:60])
    assert RENDERERS["text"](result, False) == compiled
    assert all(len(entry.read_bytes()) > 60 for entry in stored)


def test_compiled_rule_texts_render_the_same(cache_home):
    text = "Av underlaget framgår att {{ namnd | in_sentence }} {{ 'inte ' if not x }}har det."
    template.cache_clear()
    compiled = template(text).render(namnd="Socialnämnden", x=False)
    [entry] = entries(cache_home, "texts")
    template.cache_clear()
    assert template(text).render(namnd="Socialnämnden", x=False) == compiled
    entry.write_bytes(entry.read_bytes()[:70])
    template.cache_clear()
    assert template(text).render(namnd="Socialnämnden", x=False) == compiled
    assert len(entry.read_bytes()) > 70
    template.cache_clear()


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_a_check_shows_the_same_without_with_a_new_and_with_a_filled_cache(
    cache_home, output_format
):
    command = [sys.executable, "-m", "checker", "check", "examples/heby-2022.yaml"]

    def check(**environment: str) -> str:
        return subprocess.run(
            [*command, "--format", output_format],
            cwd=ROOT,
            env={**os.environ, **environment},
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    without = check(**{cache.DISABLE_VARIABLE: "1"})
    assert not cache_home.exists()
    assert check() == without
    assert entries(cache_home, "rules") and entries(cache_home, "texts")
    assert bool(entries(cache_home, "templates")) == (output_format == "text")
    assert check() == without


def _result(rules) -> dict:
    from checker.evaluation.evaluate import evaluate_case
    from checker.loading.cases import load_case

    return evaluate_case(rules, load_case(ROOT / "examples" / "heby-2022.yaml", rules))
