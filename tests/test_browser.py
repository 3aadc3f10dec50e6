"""The HTML report in a real headless Chromium: it renders, shows its title, logs no errors.

Skips where Chromium or its driver is absent, except under CI (CI set): there
.ci/system-packages installs them, so a missing browser is a failure, not a skip. Set
GRANSKA_SCREENSHOTS=DIR to keep the front page and a question page as PNG files there
(how docs/report-front-page.png and docs/report-question.png are made).
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from report_support import CHROMIUM, HEBY, IN_CI, result

from checker import api

CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def _require_browser() -> None:
    missing = [
        name
        for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER))
        if path is None
    ]
    if not missing:
        return
    reason = (
        f"{' and '.join(missing)} not installed (Debian: apt-get install chromium chromium-driver)"
    )
    if IN_CI and CHROMIUM is not None:
        pytest.fail(f"CI has Chromium but the browser test cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _require_browser()
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as error:
        if IN_CI:
            raise
        pytest.skip(f"selenium is not installed ({error}); pip install -e '.[dev]'")

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def report_url(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("report") / "rapport.html"
    path.write_text(api.render(result(), "html"), encoding="utf-8")
    return path.as_uri()


def _screenshot(driver):
    from PIL import Image

    return Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")


def test_chromium_renders_the_report_with_its_title_and_no_console_errors(
    browser, report_url, tmp_path
):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1200, 1000)
    browser.get(report_url)
    heading = browser.find_element(By.TAG_NAME, "h1")
    assert browser.title.startswith(result()["headings"]["title"])
    assert heading.is_displayed() and heading.text == result()["audit"]["title"]
    image = _screenshot(browser)
    image.save(tmp_path / "report.png")
    grey = image.convert("L")
    assert sum(grey.histogram()[:128]) > 0.005 * grey.width * grey.height, "blank screenshot"
    box = heading.rect
    scale = image.width / browser.execute_script("return window.innerWidth")
    title_area = image.crop(
        tuple(
            round(v * scale)
            for v in (box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"])
        )
    )
    assert box["y"] + box["height"] <= browser.execute_script("return window.innerHeight")
    assert title_area.convert("L").getextrema()[0] < 100, "the title is not drawn"
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []


def test_chromium_on_a_phone_needs_no_sideways_scrolling(browser, report_url):
    browser.set_window_size(390, 844)
    browser.get(report_url)
    widths = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1]
    font_size = browser.execute_script(
        "return parseFloat(getComputedStyle(document.body).fontSize)"
    )
    assert font_size >= 14


def test_chromium_prints_the_report_on_a4(browser, report_url):
    pdfium = pytest.importorskip("pypdfium2")
    import base64

    browser.get(report_url)
    printed = browser.execute_cdp_cmd(
        "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True}
    )
    document = pdfium.PdfDocument(base64.b64decode(printed["data"]))
    assert len(document) >= 3
    assert document[0].get_size() == pytest.approx((595.3, 841.9), abs=1)


def _save_for_docs(image, name: str) -> None:
    """Keep a screenshot for the docs when GRANSKA_SCREENSHOTS names a folder."""
    folder = os.environ.get("GRANSKA_SCREENSHOTS")
    if folder:
        image.save(Path(folder) / name, optimize=True)


def test_chromium_shows_the_front_page_and_a_question_with_its_verdict_chips(
    browser, tmp_path_factory
):
    from selenium.webdriver.common.by import By

    heby = api.check(HEBY)
    path = tmp_path_factory.mktemp("heby") / "heby.html"
    path.write_text(api.render(heby, "html"), encoding="utf-8")
    browser.set_window_size(1100, 1300)
    browser.get(path.as_uri())
    front = browser.find_element(By.CSS_SELECTOR, "header.cover")
    assert heby["kommun"] in front.text and heby["rules_version"] in front.text
    _save_for_docs(_element_image(browser, front), "report-front-page.png")
    question = browser.find_element(By.ID, heby["questions"][0]["id"])
    assessment = browser.find_element(By.ID, f"{heby['questions'][0]['id']}-bedomning")
    browser.execute_script("arguments[0].scrollIntoView()", assessment)
    chip = question.find_element(By.CSS_SELECTOR, ".verdict .grade")
    colour = next(
        grade["colour"]
        for grade in heby["audit"]["scale"]
        if grade["id"] == heby["questions"][0]["bounds"]["lowest"]
    )
    shown = chip.value_of_css_property("background-color")
    assert shown == "rgba({}, {}, {}, 1)".format(
        *(int(colour[index : index + 2], 16) for index in (1, 3, 5))
    )
    assert chip.is_displayed()
    _save_for_docs(_screenshot(browser), "report-question.png")


def _element_image(driver, element):
    from PIL import Image

    return Image.open(io.BytesIO(element.screenshot_as_png)).convert("RGB")
