"""granska serve end to end: the real command on a free loopback port, driven by a real
headless Chromium (Debian's chromium and chromium-driver through Selenium).

The browser creates a case, answers a few questions with keyboard and mouse as a user
would, sees the verdict panel change, and downloads the DOCX report. Skips where Chromium
or its driver is absent, except under CI, where .ci/system-packages installs them.
Set GRANSKA_SCREENSHOTS=DIR to save the form and the verdict panel as PNG files there
(how docs/web-form.png and docs/web-verdicts.png are made).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from checker.api import check

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
IN_CI = bool(os.environ.get("CI"))
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
WAIT_SECONDS = 60  # an upper bound for slow machines, not a speed requirement


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


@pytest.fixture
def server(tmp_path):
    """`granska serve` on a free port of 127.0.0.1, stopped when the test ends."""
    cases = tmp_path / "cases"
    cases.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "serve", "--dir", str(cases), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
    )
    try:
        first_line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", first_line)
        assert match, f"no address in the start message: {first_line!r}"
        notice = process.stdout.readline()
        yield match.group(0), cases, first_line + notice
    finally:
        process.terminate()
        process.wait(timeout=WAIT_SECONDS)


def test_serve_listens_on_loopback_by_default_and_says_so(server):
    url, _cases, announcement = server
    assert url.startswith("http://127.0.0.1:")
    assert "127.0.0.1" in announcement and "den här datorn" in announcement
    with urllib.request.urlopen(url) as response:
        assert response.status == 200
        assert 'lang="sv"' in response.read().decode("utf-8")


@pytest.fixture
def browser(tmp_path):
    _require_browser()
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chromium-profile'}")
    options.add_argument("--window-size=1280,1000")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    yield driver, downloads
    driver.quit()


def _loads_page(driver, action) -> None:
    """Do `action` (a click or a key) and wait until the next page has replaced this one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(driver, WAIT_SECONDS).until(expected_conditions.staleness_of(old))
    WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def _panel_grades(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [
        element.text for element in driver.find_elements(By.CSS_SELECTOR, ".verdict-panel .grade")
    ]


def _wait_for_file(directory: Path, suffix: str) -> Path:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        done = [path for path in directory.iterdir() if path.name.endswith(suffix)]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} file was downloaded to {directory}")


def test_a_user_answers_in_chromium_and_downloads_the_report(server, browser, rules):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.select import Select

    url, cases, _announcement = server
    driver, downloads = browser
    driver.get(url)
    driver.find_element(By.ID, "kommun").send_keys("Provby kommun")
    Select(driver.find_element(By.ID, "audit")).select_by_value("styrdokument-snabbkontroll")
    for field, value in (
        ("from", "2024-01-01"),
        ("to", "2024-12-31"),
        ("granskningsdatum", "2024-11-15"),
    ):
        # Typing into a date picker depends on the browser's locale; set the value itself.
        driver.execute_script(
            "arguments[0].value = arguments[1]", driver.find_element(By.ID, field), value
        )
    driver.find_element(By.ID, "role-socialnamnd").send_keys("Socialnämnden")
    _loads_page(
        driver, driver.find_element(By.CSS_SELECTOR, "form.new-case button[type=submit]").click
    )

    assert driver.find_element(By.TAG_NAME, "h1").text == "Provby kommun"
    assert _panel_grades(driver) == ["Grön", "Röd", "Grön", "Röd"]
    _loads_page(
        driver, driver.find_element(By.PARTIAL_LINK_TEXT, "Delegation och beslutsordning").click
    )
    driver.find_element(
        By.CSS_SELECTOR, "input[name='delegation.ordning_finns.value'][value=ja]"
    ).click()
    driver.find_element(By.CSS_SELECTOR, "#q-delegation-ordning_finns summary").click()
    source = driver.find_element(By.ID, "kalla-delegation-ordning_finns")
    source.send_keys("Delegationsordning för socialnämnden, s. 2")
    _loads_page(driver, lambda: source.send_keys(Keys.ENTER))  # Enter submits, like Spara
    assert "Sparat" in driver.find_element(By.CSS_SELECTOR, ".message.ok").text

    driver.find_element(
        By.CSS_SELECTOR, "input[name='delegation.aterrapportering.value'][value=nej]"
    ).click()
    date_input = driver.find_element(By.ID, "value-delegation-ordning_beslutsdatum")
    driver.execute_script("arguments[0].value = arguments[1]", date_input, "2024-02-20")
    _loads_page(driver, driver.find_element(By.CSS_SELECTOR, "button[name=next][value='']").click)
    assert "Sparat" in driver.find_element(By.CSS_SELECTOR, ".message.ok").text
    _screenshot(driver, "web-form.png", None)

    driver.get(f"{url}case/provby-kommun-2024.yaml?area=rutiner")
    driver.find_element(
        By.CSS_SELECTOR, "input[name='rutiner.kanda_och_tillgangliga.value'][value=nej]"
    ).click()
    _loads_page(driver, driver.find_element(By.CSS_SELECTOR, "button[name=next][value='']").click)
    assert _panel_grades(driver) == ["Grön", "Röd", "Röd"]  # S2 decided by the answers
    _screenshot(driver, "web-verdicts.png", ".verdict-panel")

    result = check(cases / "provby-kommun-2024.yaml", rules=rules)
    assert [q["verdict"] for q in result["questions"]] == [None, "rod"]
    text = (cases / "provby-kommun-2024.yaml").read_text(encoding="utf-8")
    assert 'källa: "Delegationsordning för socialnämnden, s. 2"' in text
    assert "delegation.ordning_beslutsdatum: 2024-02-20" in text

    _loads_page(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "Visa rapporten").click)
    assert "Provby kommun" in driver.find_element(By.TAG_NAME, "body").text
    _loads_page(driver, driver.back)
    driver.find_element(By.PARTIAL_LINK_TEXT, "(DOCX)").click()
    report = _wait_for_file(downloads, ".docx")
    assert report.name == "provby-kommun-2024.docx"
    assert report.read_bytes()[:2] == b"PK"


def _screenshot(driver, name: str, selector: str | None) -> None:
    """Save a screenshot for the docs when GRANSKA_SCREENSHOTS names a folder."""
    folder = os.environ.get("GRANSKA_SCREENSHOTS")
    if not folder:
        return
    from selenium.webdriver.common.by import By

    target = driver.find_element(By.CSS_SELECTOR, selector) if selector else driver
    target.save_screenshot(str(Path(folder) / name)) if selector is None else target.screenshot(
        str(Path(folder) / name)
    )
