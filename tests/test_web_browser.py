"""granska serve end to end: the real command on a free loopback port, driven by a real
headless Chromium (Debian's chromium and chromium-driver through Selenium).

A user starts on the welcome page, creates a case and answers every area with the
keyboard only; a follow-up question appears without pressing Spara; the user reviews the
answers and opens the report; an answer saved on change never overwrites an edit made
meanwhile. Every page is checked at 375 px (no sideways scrolling)
and with axe-core (no serious or critical violation). Skips where Chromium, its driver or
axe-core is absent, except under CI, where .ci/system-packages installs them.
Set GRANSKA_SCREENSHOTS=DIR to save the pages as PNG files there (how the docs/web-*.png
files are made).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from checker.api import check
from checker.web.form import areas_of

ROOT = Path(__file__).resolve().parent.parent
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
PHONE_WIDTH = 375
DESKTOP = (1280, 1000)
MAX_TABS = 200  # more Tab presses than any page has stops: a target not reached is a defect


def _missing(reason: str) -> None:
    """Skip for a missing system package, or fail under CI, which installs them."""
    if IN_CI:
        pytest.fail(f"CI must run the browser test: {reason}")
    pytest.skip(reason)


def _require_browser() -> None:
    missing = [
        name
        for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER))
        if path is None
    ]
    if missing:
        _missing(
            f"{' and '.join(missing)} not installed "
            "(Debian: apt-get install chromium chromium-driver)"
        )


def _axe_source() -> str:
    """axe.min.js of the npm package axe-core (installed by .ci/system-packages)."""
    candidates = [os.environ.get("AXE_CORE_JS", "")]
    npm = shutil.which("npm")
    if npm:
        root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True).stdout.strip()
        candidates.append(str(Path(root) / "axe-core" / "axe.min.js"))
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    _missing("the npm package axe-core is not installed (npm install -g axe-core)")
    raise AssertionError("unreachable")


@pytest.fixture
def server(tmp_path):
    """`granska serve` on a free port of 127.0.0.1, stopped when the test ends."""
    cases = tmp_path / "cases"
    cases.mkdir()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "checker",
            "serve",
            "--dir",
            str(cases),
            "--port",
            "0",
            "--no-browser",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        start_new_session=True,  # the script's granska serve stops with it, as one group
    )
    try:
        url, first_line = _announced_address(process)
        notice = process.stdout.readline()
        yield url, cases, first_line + notice
    finally:
        process.terminate()
        process.wait(timeout=WAIT_SECONDS)


def _announced_address(process: subprocess.Popen) -> tuple[str, str]:
    """The loopback address a starting server announces on its first line, and the line."""
    first_line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/", first_line)
    assert match, f"no address in the start message: {first_line!r}"
    return match.group(0), first_line


def test_serve_listens_on_loopback_by_default_and_says_so(server):
    url, _cases, announcement = server
    assert url.startswith("http://127.0.0.1:")
    assert "127.0.0.1" in announcement and "den här datorn" in announcement
    with urllib.request.urlopen(url) as response:
        assert response.status == 200
        assert 'lang="sv"' in response.read().decode("utf-8")


def test_the_start_script_serves_a_folder_in_the_documents_folder(tmp_path):
    """The Linux and macOS start script: creates the folder, starts the server there."""
    home = tmp_path / "home"
    home.mkdir()
    process = subprocess.Popen(
        ["bash", str(ROOT / "start" / "granska-start.sh"), "--port", "0", "--no-browser"],
        env={
            **os.environ,
            "HOME": str(home),
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        },
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        start_new_session=True,  # the script's granska serve stops with it, as one group
    )
    try:
        url, _first_line = _announced_address(process)
        with urllib.request.urlopen(url) as response:
            assert response.status == 200
        folders = list(home.rglob("Sjalvvardering"))
        assert len(folders) == 1 and folders[0].is_dir()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=WAIT_SECONDS)


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
    options.add_argument(f"--window-size={DESKTOP[0]},{DESKTOP[1]}")
    options.add_argument("--lang=sv-SE")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    yield driver, downloads
    driver.quit()


class Pages:
    """Checks every page the user sees: axe-core, the width at 375 px, a screenshot."""

    def __init__(self, driver, axe: str) -> None:
        self.driver, self.axe = driver, axe
        self.checked: list[str] = []

    def check(self, name: str, shot: bool = False, phone_shot: bool = False) -> None:
        """Check the page shown; save a screenshot of it at desktop or phone width."""
        driver = self.driver
        driver.execute_script(self.axe)
        violations = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document).then(result => done(result.violations.map(v => ("
            "{id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target)}))));"
        )
        grave = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert grave == [], f"{name}: {json.dumps(grave, ensure_ascii=False, indent=1)}"
        if shot:
            self.screenshot(f"web-{name}.png")
        self.emulate(PHONE_WIDTH, 800)
        try:
            width = driver.execute_script("return document.documentElement.scrollWidth")
            assert width <= PHONE_WIDTH, f"{name} is {width} px wide at {PHONE_WIDTH} px"
            if phone_shot:
                height = driver.execute_script("return document.documentElement.scrollHeight")
                self.emulate(PHONE_WIDTH, min(height, 1600))
                self.screenshot(f"web-{name}-phone.png")
        finally:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        self.checked.append(name)

    def emulate(self, width: int, height: int) -> None:
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True},
        )

    def screenshot(self, name: str) -> None:
        """Save a screenshot for the docs when GRANSKA_SCREENSHOTS names a folder."""
        folder = os.environ.get("GRANSKA_SCREENSHOTS")
        if folder:
            self.driver.save_screenshot(str(Path(folder) / name))


def _wait(driver, condition, message: str):
    from selenium.webdriver.support.wait import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(condition, message)


def _loads_page(driver, action) -> None:
    """Do `action` (a key) and wait until the next page has replaced this one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions

    old = driver.find_element(By.TAG_NAME, "html")
    action()
    _wait(driver, expected_conditions.staleness_of(old), "the page did not change")
    _wait(
        driver,
        lambda d: d.execute_script("return document.readyState") == "complete",
        "the page did not load",
    )


def _keys(driver, *keys) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()


def _active(driver) -> dict[str, str]:
    return driver.execute_script(
        "const e = document.activeElement;"
        "return {id: e.id, tag: e.tagName.toLowerCase(), type: e.type || '',"
        " value: e.value || '', text: (e.textContent || '').trim()};"
    )


def _tab_to(driver, wanted) -> dict[str, str]:
    """Press Tab until the focused element satisfies `wanted`; fail if it never does."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(MAX_TABS):
        _keys(driver, Keys.TAB)
        focused = _active(driver)
        if wanted(focused):
            return focused
    raise AssertionError("Tab never reached the element")


def _save_settled(driver) -> None:
    """Wait until the answers saved on change are written and the page is updated."""
    _wait(
        driver,
        lambda d: d.execute_script(
            "const s = document.getElementById('autosave-status');"
            "return !!s && s.textContent !== s.getAttribute('data-saving');"
        ),
        "the answer was not saved",
    )


def _answer_shown_questions(driver, answered: set[str]) -> None:
    """Answer every question on the page not yet answered, with the keyboard only: the
    first choice of a choice, a date, a count or a number typed, then Tab to save."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    while True:
        waiting = [
            question.get_attribute("id")
            for question in driver.find_elements(By.CSS_SELECTOR, ".question-list > .question")
            if question.get_attribute("id") not in answered
        ]
        if not waiting:
            return
        key = waiting[0].removeprefix("q-")
        answered.add(waiting[0])
        target = driver.find_element(By.ID, f"value-{key}")
        kind = target.get_attribute("type")
        _tab_to(driver, lambda focused, key=key: focused["id"].startswith(f"value-{key}"))
        if kind == "radio":
            if not driver.execute_script("return document.activeElement.checked"):
                _keys(driver, Keys.SPACE)
        elif "date" in (target.get_attribute("class") or ""):
            _keys(driver, "2024-03-12", Keys.TAB)
        elif driver.find_elements(By.ID, f"total-{key}"):
            _keys(driver, "9", Keys.TAB, "16", Keys.TAB)
        elif target.tag_name == "textarea":
            _keys(driver, "enligt rutin", Keys.TAB)
        else:
            _keys(driver, "30,5", Keys.TAB)
        _save_settled(driver)


def test_a_user_finishes_a_self_evaluation_with_the_keyboard_only(server, browser, rules):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, cases, _announcement = server
    driver, downloads = browser
    pages = Pages(driver, _axe_source())
    driver.get(url)
    assert "förbedömning" in driver.find_element(By.CSS_SELECTOR, "p.lead").text
    assert driver.find_elements(By.CSS_SELECTOR, "input[name=audit]:checked") == []
    pages.check("start", shot=True)

    _tab_to(driver, lambda focused: focused["id"] == "kommun")
    _keys(driver, "Provby kommun")
    _tab_to(driver, lambda focused: focused["type"] == "radio")
    _keys(driver, Keys.SPACE)  # the first template, the short quick check
    assert _active(driver)["value"] == "styrdokument-snabbkontroll"
    for field, value in (
        ("from", "2024-01-01"),
        ("to", "2024-12-31"),
        ("granskningsdatum", "2024-11-15"),
    ):
        _tab_to(driver, lambda focused, field=field: focused["id"] == field)
        _keys(driver, value)
    role = driver.find_element(By.ID, "role-arbetsmarknad")
    assert not role.is_displayed(), "a role the chosen template does not have is asked"
    _tab_to(driver, lambda focused: focused["id"] == "role-socialnamnd")
    _keys(driver, "Socialnämnden")
    _loads_page(driver, lambda: _keys(driver, Keys.ENTER))

    name = "provby-kommun-2024.yaml"
    assert driver.find_element(By.TAG_NAME, "h1").text == "Provby kommun"
    assert "Riktlinjer" in driver.find_element(By.ID, "area-heading").text  # the audit's order
    pages.check("area", phone_shot=True)

    # A follow-up question appears once its question is answered, without pressing Spara.
    follow_up = "q-riktlinjer-beslutsdatum"
    assert driver.find_elements(By.ID, follow_up) == []
    answered: set[str] = set()
    _tab_to(driver, lambda focused: focused["id"] == "value-riktlinjer-finns")
    _keys(driver, Keys.SPACE)
    answered.add("q-riktlinjer-finns")
    _wait(driver, lambda d: d.find_elements(By.ID, follow_up), "no follow-up question appeared")
    assert "riktlinjer.finns: ja" in (cases / name).read_text(encoding="utf-8")

    areas = 0
    while True:
        areas += 1
        _answer_shown_questions(driver, answered)
        if areas == 2:
            pages.check("area-answered", shot=True)
        next_button = _tab_to(driver, lambda focused: focused["text"].startswith("Nästa"))
        _loads_page(driver, lambda: _keys(driver, Keys.ENTER))
        if "granska svaren" in next_button["text"]:
            break
    assert areas == len(areas_of(rules, "styrdokument-snabbkontroll"))

    assert driver.find_element(By.ID, "review-heading").text == "Granska svaren"
    review = driver.find_element(By.TAG_NAME, "main").text
    assert "2024-03-12" in review and "inte besvarad" not in review
    pages.check("review", shot=True)
    result = check(cases / name, rules=rules)
    assert all(question["decided"] for question in result["questions"])
    shown = driver.find_element(By.ID, "verdict-panel").text
    for question in result["questions"]:
        assert question["verdict_label"] in shown

    _tab_to(driver, lambda focused: focused["text"] == "Öppna rapporten")
    _loads_page(driver, lambda: _keys(driver, Keys.ENTER))
    assert "Provby kommun" in driver.find_element(By.TAG_NAME, "body").text
    assert driver.find_element(By.LINK_TEXT, "Tillbaka till svaren")
    pages.check("report")
    assert pages.checked == ["start", "area", "area-answered", "review", "report"]

    _loads_page(driver, driver.back)
    driver.find_element(By.PARTIAL_LINK_TEXT, "som DOCX").click()
    report = _wait_for_file(downloads, ".docx")
    assert report.name == "provby-kommun-2024.docx" and report.read_bytes()[:2] == b"PK"


def test_errors_are_summarised_with_links_and_take_the_focus(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, _cases, _announcement = server
    driver, _downloads = browser
    pages = Pages(driver, _axe_source())
    driver.get(url)
    _tab_to(driver, lambda focused: focused["id"] == "kommun")
    _loads_page(driver, lambda: _keys(driver, Keys.ENTER))
    summary = driver.find_element(By.CSS_SELECTOR, "[data-error-summary]")
    assert driver.switch_to.active_element == summary
    links = summary.find_elements(By.TAG_NAME, "a")
    assert [link.get_attribute("hash") for link in links] == [
        "#kommun",
        "#audit-styrdokument-snabbkontroll",
        "#from",
        "#to",
        "#granskningsdatum",
    ]
    pages.check("errors")
    _keys(driver, Keys.TAB, Keys.ENTER)  # the first link leads to its field
    assert _active(driver)["id"] == "kommun"


def _wait_for_file(directory: Path, suffix: str) -> Path:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        done = [path for path in directory.iterdir() if path.name.endswith(suffix)]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} file was downloaded to {directory}")


def test_an_answer_saved_on_change_never_overwrites_an_edit_made_meanwhile(server, browser):
    """The file changes while the page is open: the autosave writes nothing, says so,
    keeps the user's answers on the page and shows what the file now says beside them;
    Spara then saves what the page shows."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    url, cases, _announcement = server
    driver, _downloads = browser
    path = cases / "snabbkontroll-2024.yaml"
    shutil.copy(ROOT / "examples" / "snabbkontroll-2024.yaml", path)
    driver.get(f"{url}case/snabbkontroll-2024.yaml?area=delegation")
    edited = path.read_text(encoding="utf-8").replace("värde: varje_sammantrade", "värde: ibland")
    path.write_text(edited, encoding="utf-8")  # someone edits the file meanwhile
    _tab_to(driver, lambda focused: focused["id"].startswith("value-delegation-ordning_finns"))
    _keys(driver, Keys.ARROW_RIGHT)  # ja -> nej, saved on change
    _wait(
        driver,
        lambda d: "har ändrats sedan sidan visades" in d.find_element(By.TAG_NAME, "main").text,
        "the conflict was not shown",
    )
    assert path.read_text(encoding="utf-8") == edited
    pages = Pages(driver, _axe_source())
    pages.check("conflict")
    chosen = driver.find_element(
        By.CSS_SELECTOR, "input[name='delegation.ordning_finns.value']:checked"
    )
    assert chosen.get_attribute("value") == "nej"
    beside = driver.find_element(By.CSS_SELECTOR, "#q-delegation-aterrapportering .on-file")
    assert beside.text == "Sparat nu: ibland · Socialnämndens protokoll 2024 · protokoll"
    _tab_to(driver, lambda focused: focused["id"].startswith("value-delegation-aterrapportering"))
    _keys(driver, Keys.ARROW_LEFT)  # past "på det sätt nämnden har beslutat" ...
    _keys(driver, Keys.ARROW_LEFT)  # ... to the other edit's answer
    assert _active(driver)["value"] == "ibland"
    spara = driver.find_element(By.CSS_SELECTOR, "button[name=next][value='']")
    _loads_page(driver, spara.click)
    text = path.read_text(encoding="utf-8")
    assert "delegation.aterrapportering: {värde: ibland" in text
    assert "delegation.ordning_finns: {värde: nej" in text

    driver.get(f"{url}case/finns-inte.yaml")  # the error page, reached by a stale link
    assert "Det finns ingen sådan självvärdering" in driver.find_element(By.TAG_NAME, "main").text
    pages.check("not-found")
    path.write_text(edited.replace("audit: styrdokument-snabbkontroll", "audit: ["), "utf-8")
    driver.get(f"{url}case/snabbkontroll-2024.yaml")  # a file that cannot be read
    pages.check("broken")
