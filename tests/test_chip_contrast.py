"""Verdict chips are readable: white text on every grade colour of every audit's scale
(and follow-up scale) meets WCAG AA's 4.5:1, as do the report's own chip colours."""

from __future__ import annotations

import re

import pytest

from checker.output.environment import reports_dir

WHITE = "#ffffff"


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(digit * 2 for digit in digits)
    channels = [int(digits[index : index + 2], 16) / 255 for index in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two hex colours."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_gives_wcag_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#b36b00", WHITE) < 4.5  # the Delvis colour the chips used to have


def _grade_colours(rules) -> list[tuple[str, str, str]]:
    found = []
    for audit in rules.audits.values():
        scales = [audit.scale]
        if audit.followup is not None:
            scales.append(audit.followup.scale)
        for scale in scales:
            found += [(audit.id, grade.label, grade.colour) for grade in scale if grade.colour]
    return found


def test_every_grade_colour_of_every_scale_carries_white_text_at_aa(rules):
    colours = _grade_colours(rules)
    assert colours
    for audit, label, colour in colours:
        assert contrast(WHITE, colour) >= 4.5, f"{audit} {label}: {colour}"


def test_the_report_stylesheets_chip_and_text_colours_meet_aa():
    css = (reports_dir() / "html.css").read_text(encoding="utf-8")
    variables = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", css))
    # the chip without a grade colour, and the muted and accent text on the page
    for name in ("muted", "accent", "ink"):
        assert contrast(variables[name], variables["paper"]) >= 4.5, name
    assert contrast(WHITE, variables["muted"]) >= 4.5
