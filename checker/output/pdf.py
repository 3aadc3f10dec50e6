"""PDF documents: the HTML report, or another self-contained page, laid out for A4 by WeasyPrint."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from datetime import date, datetime, timezone

from checker.errors import GranskaError
from checker.output.html import render_html


def render_pdf(result: dict, colour: bool = False) -> bytes:
    """The HTML report printed to PDF."""
    return html_to_pdf(render_html(result), result["granskningsdatum"])


def html_to_pdf(page: str, day: str) -> bytes:
    """A self-contained HTML page laid out for A4, dated `day` (the case's date, so the
    same page gives the same bytes); nothing is fetched from outside it."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise GranskaError(
            f"PDF output needs WeasyPrint and the Pango library ({error}); "
            "install them or choose --format html or docx"
        ) from None
    document = weasyprint.HTML(string=page, url_fetcher=_refuse)
    with _source_date(day):
        return document.write_pdf()


@contextlib.contextmanager
def _source_date(day: str) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set to the case's date while the PDF is written.

    Without HarfBuzz-subset WeasyPrint subsets fonts with fontTools, which stamps each
    font with the current time unless SOURCE_DATE_EPOCH says otherwise; dated by the
    case, the same case gives the same bytes on every machine.
    """
    stamp = datetime.combine(date.fromisoformat(day), datetime.min.time(), timezone.utc)
    with _ENVIRONMENT_LOCK:
        previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(int(stamp.timestamp()))
        try:
            yield
        finally:
            if previous is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = previous


_ENVIRONMENT_LOCK = threading.Lock()  # the web app renders in threads


def _refuse(url: str, *args, **kwargs):
    # The page is self-contained; a reference to anything outside it is a bug, not a fetch.
    raise ValueError(f"the report refers to an outside resource: {url}")
