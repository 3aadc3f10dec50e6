"""The granskningsrapport as one self-contained HTML page."""

from __future__ import annotations

from checker.output.environment import template_environment
from checker.output.report_view import report_view


def render_html(result: dict, colour: bool = False) -> str:
    """The granskningsrapport as one self-contained, autoescaped HTML page."""
    template = template_environment(autoescape=True).get_template("html.j2")
    return template.render(r=result, h=result["headings"], v=report_view(result))
