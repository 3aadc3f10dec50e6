"""Hostile input fuzzed: generated case files, answers files and result JSON through
`check`, `interview`, `merge`, `followup` and `check DIR --summary`. Every input ends in
exit 0, 1 or 2 with a message, never a traceback or an internal error, and none hangs
(each input under 5 s of CPU time, so that a loaded machine does not make it flaky; a
blocked read is cut off after a minute). Bounded to about a minute of CPU in all."""

from __future__ import annotations

import contextlib
import json
import math
import signal
import time
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.cli import main

ROOT = Path(__file__).resolve().parent.parent
CASE_TEXT = (ROOT / "examples" / "snabbkontroll-2024.yaml").read_text(encoding="utf-8")
CASE = yaml.safe_load(CASE_TEXT)
FACTS = sorted(CASE["facts"])
RESULT = json.loads(
    CliRunner()
    .invoke(main, ["check", str(ROOT / "examples" / "heby-2022.yaml"), "--format", "json"])
    .output
)
CPU_SECONDS = 5
WALL_SECONDS = 60
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

# Values chosen to hit the edges found by hand: huge and non-finite numbers, impossible
# and far dates, control and escape characters, personnummer, very long and nested text.
HOSTILE_TEXT = st.sampled_from(
    [
        "0001-01-01",
        "9999-12-31",
        "2024-02-30",
        "\x1b]0;titel\x07",
        "\x00\x01\x7f\x9b",
        "19121212 1212",
        "12 12 12-1212",
        "x" * 5000,
        "vet ej",
        "9 av 0",
        "99999999999999999999 av 1",
        "ja",
        "",
        "$aktgranskning_andel",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**40, -(10**30), 2**63, 0, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    HOSTILE_TEXT,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=12), st.sampled_from(FACTS)), inner, max_size=4),
    ),
    max_leaves=12,
)
CASE_KEYS = [*sorted(CASE), "parametrar", "ej_granskat", "uppföljning", "okänd"]
PARAMETERS = st.dictionaries(
    st.sampled_from(
        ["delegationsordning_manader", "aktgranskning_andel", "riktlinjer_revidering_ar", "x"]
    ),
    SCALARS,
    max_size=3,
)


@st.composite
def case_documents(draw) -> object:
    """A case near the valid one: some fields replaced by hostile values."""
    document = json.loads(json.dumps(CASE, default=str))
    for key in draw(st.lists(st.sampled_from(CASE_KEYS), max_size=3)):
        document[key] = draw(PARAMETERS if key == "parametrar" else VALUES)
    for fact in draw(st.lists(st.sampled_from(FACTS), max_size=3)):
        if isinstance(document.get("facts"), dict):
            document["facts"][fact] = draw(VALUES)
    if draw(st.booleans()):
        return document
    return draw(VALUES)


def _dump(document: object) -> str:
    """YAML text of a document; floats such as nan and inf written as YAML reads them."""
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=10**6)


@st.composite
def mutated_text(draw) -> bytes:
    """The valid case's bytes with a few bytes replaced, inserted or cut."""
    data = bytearray(CASE_TEXT.encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["replace", "insert", "cut"]))
        byte = draw(st.sampled_from([*b"{}[]&*!|>:-#'\"\t\r\n\x00\x1b\xff A"]))
        if action == "replace":
            data[position] = byte
        elif action == "insert":
            data[position:position] = bytes([byte]) * draw(st.integers(1, 80))
        else:
            del data[position : position + draw(st.integers(1, 40))]
    return bytes(data)


ALIAS_BOMBS = st.builds(
    lambda levels, width: "\n".join(
        ["a0: &a0 [x]"]
        + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels + 1)]
    ),
    st.integers(1, 12),
    st.integers(1, 12),
)
CASE_BYTES = st.one_of(
    case_documents().map(lambda document: _dump(document).encode("utf-8")),
    mutated_text(),
    ALIAS_BOMBS.map(str.encode),
    st.integers(1, 400).map(lambda depth: ("a: " + "[" * depth + "]" * depth).encode()),
)


@contextlib.contextmanager
def _bounded():
    """Fail an input that uses over CPU_SECONDS of CPU or blocks for WALL_SECONDS."""

    def blocked(signum, frame):
        raise AssertionError(f"no answer after {WALL_SECONDS} s: blocked")

    previous = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(WALL_SECONDS)
    started = time.process_time()
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    used = time.process_time() - started
    assert used < CPU_SECONDS, f"{used:.1f} s of CPU for one input"


def _invoke(arguments: list[str]):
    with _bounded():
        return CliRunner().invoke(main, arguments)


def _assert_clean(result) -> None:
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output[-2000:])
    assert "Traceback" not in result.output
    assert "internt fel" not in result.output
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@FUZZ
@given(data=CASE_BYTES)
def test_check_never_crashes(tmp_path_factory, data):
    case = _write(tmp_path_factory.mktemp("check"), "case.yaml", data)
    _assert_clean(_invoke(["check", str(case), "--format", "json"]))


@FUZZ
@given(data=CASE_BYTES)
def test_interview_never_crashes(tmp_path_factory, data):
    case = _write(tmp_path_factory.mktemp("interview"), "case.yaml", data)
    _assert_clean(_invoke(["interview", str(case)]))


@FUZZ
@given(
    answers=st.one_of(
        st.dictionaries(st.sampled_from([*FACTS, "okänd.fakta"]), VALUES, max_size=4).map(
            lambda document: _dump(document).encode("utf-8")
        ),
        CASE_BYTES,
    ),
    case=st.one_of(st.just(CASE_TEXT.encode("utf-8")), CASE_BYTES),
)
def test_merge_never_crashes(tmp_path_factory, answers, case):
    directory = tmp_path_factory.mktemp("merge")
    case_path = _write(directory, "case.yaml", case)
    answers_path = _write(directory, "svar.yaml", answers)
    result = _invoke(
        ["merge", str(case_path), str(answers_path), "-o", str(case_path), "--overwrite"]
    )
    _assert_clean(result)
    if result.exit_code != 0:
        assert case_path.read_bytes() == case
    assert not [path for path in directory.iterdir() if path.name.endswith(".tmp")]


def _replace_in(document: object, path: list, value: object) -> object:
    if not path:
        return value
    if isinstance(document, dict) and document:
        keys = sorted(document, key=str)
        key = keys[path[0] % len(keys)]
        return {**document, key: _replace_in(document[key], path[1:], value)}
    if isinstance(document, list) and document:
        index = path[0] % len(document)
        return [
            *document[:index],
            _replace_in(document[index], path[1:], value),
            *document[index + 1 :],
        ]
    return value


@FUZZ
@given(
    path=st.lists(st.integers(0, 50), min_size=1, max_size=5),
    value=VALUES,
    datum=st.sampled_from([None, "2025-06-30", "1900-01-01"]),
)
def test_followup_never_crashes(tmp_path_factory, path, value, datum):
    directory = tmp_path_factory.mktemp("followup")
    result_json = json.dumps(
        _replace_in(RESULT, path, value),
        ensure_ascii=False,
        default=lambda item: "nan" if isinstance(item, float) and math.isnan(item) else str(item),
    )
    source = _write(directory, "result.json", result_json.encode("utf-8"))
    arguments = ["followup", str(source), "-o", str(directory / "uppfoljning.yaml")]
    result = _invoke(arguments + (["--datum", datum] if datum else []))
    _assert_clean(result)


@settings(FUZZ, max_examples=8)
@given(files=st.lists(CASE_BYTES, min_size=1, max_size=4))
def test_summary_never_crashes(tmp_path_factory, files):
    directory = tmp_path_factory.mktemp("summary")
    _write(directory, "giltig.yaml", CASE_TEXT.encode("utf-8"))
    for number, data in enumerate(files):
        _write(directory, f"fall-{number}.yaml", data)
    result = _invoke(["check", str(directory), "--summary"])
    _assert_clean(result)
    assert "Exempelby kommun" in result.output
