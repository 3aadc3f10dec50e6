"""Shared by the report tests: the golden case they render and how to read the outputs."""

from __future__ import annotations

import os
import re
import shutil
from functools import cache
from pathlib import Path

import html5lib

from checker import api
from checker.files.strict_yaml import load_yaml

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "tests" / "cases" / "nykoping-2021.yaml"
SEED = ROOT.parent / "shared" / "seeds" / "nykoping-2021-pwc.txt"
ALL_CASES = sorted([*ROOT.glob("tests/cases/*.yaml"), *ROOT.glob("examples/*.yaml")])
# The headings whose order the report shares with the seed report.
OUTLINE_HEADINGS = (
    "Sammanfattning",
    "Inledning",
    "Revisionskriterier",
    "Iakttagelser",
    "Bedömning",
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = bool(os.environ.get("CI"))


@cache
def result() -> dict:
    return api.check(CASE)


def expected_labels() -> list[str]:
    """The golden case's expected verdict label per question; where the case accepts a
    disagreement with the auditors (`avvikelser`), granska's own verdict."""
    expected = load_yaml(CASE)["förväntat"]
    accepted = {item["fråga"] for item in expected.get("avvikelser", []) if "fråga" in item}
    labels = {grade["id"]: grade["label"] for grade in result()["audit"]["scale"]}
    return [
        question["verdict_label"]
        if question["id"] in accepted
        else labels[expected["frågor"][question["id"]]]
        for question in result()["questions"]
    ]


def parse_html(text: str):
    """The page parsed by a strict HTML5 parser: any parse error raises."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)


def text_of(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


def html_outline(document) -> list[tuple[int, str]]:
    """(level, text) of the h2–h4 headings, the report's sections below its title."""
    return [
        (int(element.tag[1]) - 1, text_of(element))
        for element in document.iter()
        if element.tag in ("h2", "h3", "h4")
    ]


def seed_outline() -> list[str]:
    """The seed report's headings among OUTLINE_HEADINGS, in order (OCR's 'l' for 'I' fixed)."""
    found = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            continue
        text = re.sub(r"[#*]", "", line).strip()
        text = re.sub(r"^lakttagelser$", "Iakttagelser", text)
        if text in OUTLINE_HEADINGS:
            found.append(text)
    return found
