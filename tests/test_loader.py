"""The one YAML loader: strict booleans, text dates, line numbers, unique keys; atomic writes."""

from __future__ import annotations

import pytest

from checker.errors import GranskaError
from checker.files.atomic import write_file
from checker.files.strict_yaml import load_yaml, parse_yaml


def test_only_true_and_false_are_booleans():
    data = parse_yaml("a: true\nb: False\nc: yes\nd: on\ne: ja\nf: nej\n", "x.yaml")
    assert data == {"a": True, "b": False, "c": "yes", "d": "on", "e": "ja", "f": "nej"}


def test_dates_stay_text_even_when_impossible():
    data = parse_yaml("a: 2022-12-22\nb: 2022-02-30\n", "x.yaml")
    assert data == {"a": "2022-12-22", "b": "2022-02-30"}


def test_numbers_and_null():
    assert parse_yaml("a: 16\nb: 36.2\nc: ~\n", "x.yaml") == {"a": 16, "b": 36.2, "c": None}


def test_line_numbers_of_keys_and_items():
    data = parse_yaml("top:\n  inner: 1\nlist:\n  - a\n  - b\n", "x.yaml")
    assert data.line_of("list") == 3
    assert data["top"].line_of("inner") == 2
    assert data["list"].line_of(1) == 5


def test_duplicate_key_names_both_lines():
    with pytest.raises(GranskaError) as error:
        parse_yaml("a:\n  b: 1\n  b: 2\n", "x.yaml")
    assert str(error.value) == "x.yaml:3: duplicate key 'b' (first given on line 2)"


def test_json_is_read_by_the_same_loader_with_lines():
    data = parse_yaml('{\n  "a": true,\n  "b": "2022-01-01"\n}\n', "x.json")
    assert data == {"a": True, "b": "2022-01-01"}
    assert data.line_of("b") == 3


def test_swedish_letters_round_trip(tmp_path):
    path = tmp_path / "å.yaml"
    path.write_text("nämnd: Vård- och omsorgsnämnden\n", encoding="utf-8")
    assert load_yaml(path) == {"nämnd": "Vård- och omsorgsnämnden"}


def test_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("nämnd: x\n".encode("latin-1"))
    with pytest.raises(GranskaError, match="not UTF-8"):
        load_yaml(path)


def test_atomic_write_leaves_nothing_when_the_check_fails(tmp_path):
    target = tmp_path / "out.yaml"
    target.write_text("old: 1\n", encoding="utf-8")

    def reject(path):
        load_yaml(path)  # the broken text below makes this raise

    with pytest.raises(GranskaError):
        write_file(target, "a: [1\n", check=reject)
    assert target.read_text(encoding="utf-8") == "old: 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.yaml"]


def test_atomic_write_replaces(tmp_path):
    target = tmp_path / "out.yaml"
    write_file(target, "a: 1\n", check=load_yaml)
    assert load_yaml(target) == {"a": 1}


@pytest.mark.parametrize(
    "value",
    [
        "!!map [1]",
        "!!seq x",
        "!!bool [1]",
        "!!int {a: 1}",
        "!!str [1]",
        "!!float [1]",
        "!!set [1]",
        "!!omap x",
        "!!null [1]",
    ],
)
def test_a_tag_on_the_wrong_kind_of_value_is_a_clear_error(value):
    with pytest.raises(GranskaError) as caught:
        parse_yaml(f"kommun: Heby\nnamn: {value}\n", "x.yaml")
    assert (caught.value.file, caught.value.line) == ("x.yaml", 2)
