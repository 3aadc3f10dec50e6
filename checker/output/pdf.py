"""PDF documents: the HTML report, or another self-contained page, laid out for A4 by WeasyPrint."""

from __future__ import annotations

from checker.errors import GranskaError
from checker.output.html import render_html


def render_pdf(result: dict, colour: bool = False) -> bytes:
    """The HTML report printed to PDF."""
    return html_to_pdf(render_html(result))


def html_to_pdf(page: str) -> bytes:
    """A self-contained HTML page laid out for A4; nothing is fetched from outside it."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise GranskaError(
            f"PDF output needs WeasyPrint and the Pango library ({error}); "
            "install them or choose --format html or docx"
        ) from None
    document = weasyprint.HTML(string=page, url_fetcher=_refuse)
    return document.write_pdf()


def _refuse(url: str, *args, **kwargs):
    # The page is self-contained; a reference to anything outside it is a bug, not a fetch.
    raise ValueError(f"the report refers to an outside resource: {url}")
