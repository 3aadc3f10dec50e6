"""The granskningsrapport as PDF: the HTML report laid out for A4 by WeasyPrint."""

from __future__ import annotations

from checker.errors import GranskaError
from checker.output.html import render_html


def render_pdf(result: dict, colour: bool = False) -> bytes:
    """The HTML report printed to PDF; nothing is fetched from outside the page."""

    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise GranskaError(
            f"PDF output needs WeasyPrint and the Pango library ({error}); "
            "install them or choose --format html or docx"
        ) from None
    document = weasyprint.HTML(string=render_html(result), url_fetcher=_refuse)
    return document.write_pdf()


def _refuse(url: str, *args, **kwargs):
    # The page is self-contained; a reference to anything outside it is a bug, not a fetch.
    raise ValueError(f"the report refers to an outside resource: {url}")
