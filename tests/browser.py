"""A real headless Chromium, driven by Selenium, against the app served on a real port.

Debian's ``chromium`` and ``chromium-driver`` are installed by ``scripts/test-browser.sh`` (run by
``make test``). Chromium runs headless, without sandbox (we are root in CI) and with every host but
this machine unreachable. Each page the test visits is kept as a screenshot; when the test fails,
they are written to ``test-artifacts/<test>/`` with the page's HTML. axe-core comes from the npm
registry (``node_modules/axe-core``), never from a CDN.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("WIJKWERK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("WIJKWERK_TEST_CHROMEDRIVER", "/usr/bin/chromedriver")
# axe-core's impact levels that fail a page (WCAG 2.1 A and AA rules, plus axe's best practices).
FAILING_IMPACT = ("serious", "critical")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def chromium_or_skip() -> None:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not shutil.which(path)]
    if not missing:
        return
    message = f"not installed: {', '.join(missing)}; `make test` installs them"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def start_chromium():
    """One headless Chromium for the whole test session."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look for drivers
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--window-size=1280,1000",
        "--lang=nl-NL",
        # No network but this machine: every other host name resolves to nothing.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    return driver


class LiveServer:
    """The app under a real threaded WSGI server on a free port of 127.0.0.1."""

    def __init__(self, app: Flask) -> None:
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@dataclass
class Page:
    url: str
    title: str
    screenshot: bytes
    html: str


@dataclass
class Browser:
    """The tests' handle on Chromium: navigate, fill in, click, check accessibility."""

    driver: object
    base_url: str
    pages: list[Page] = field(default_factory=list)

    # --- navigation -------------------------------------------------------------------------------

    def get(self, path_or_url: str) -> None:
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        self.driver.get(url)
        self.record()

    def record(self) -> None:
        """Keep this page (for the screenshots on failure) and fail on a console error: a blocked
        resource, a Content-Security-Policy violation or a missing file."""
        self.pages.append(
            Page(
                self.driver.current_url,
                self.driver.title,
                self.driver.get_screenshot_as_png(),
                self.driver.page_source,
            )
        )
        # A page answered with 4xx on purpose (a form sent back with errors is a 422) is logged
        # as a failed load of the document itself; that is not an error of the page.
        own_status = f"{self.driver.current_url} - Failed to load resource: the server responded"
        errors = [
            entry["message"]
            for entry in self.driver.get_log("browser")
            if entry["level"] == "SEVERE" and not entry["message"].startswith(own_status)
        ]
        assert not errors, f"console errors on {self.driver.current_url}: {errors}"

    def navigates(self, action) -> None:
        """Do ``action`` (a click, a key press) and wait until the next page has loaded.

        The old page is marked; the wait ends when a complete document without the mark is shown.
        Errors while the browser is between pages (another origin swaps the renderer) mean "not
        yet", so the wait holds across redirects to the Stripe test server and back."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.execute_script("window.__wijkwerkOldPage = true;")
        action()

        def new_page_loaded(driver) -> bool:
            try:
                return driver.execute_script(
                    "return window.__wijkwerkOldPage !== true"
                    " && document.readyState === 'complete';"
                )
            except WebDriverException:
                return False

        WebDriverWait(self.driver, 30).until(new_page_loaded)
        self.record()

    def submit(self, button_text: str) -> None:
        """Click the button with this text and wait for the next page."""
        self.navigates(self.button(button_text).click)

    def follow(self, link_text: str) -> None:
        """Click the first link whose text starts with ``link_text`` and wait for its page."""
        from selenium.webdriver.common.by import By

        xpath = f'//a[starts-with(normalize-space(), "{link_text}")]'
        self.navigates(self.driver.find_element(By.XPATH, xpath).click)

    # --- reading ----------------------------------------------------------------------------------

    @property
    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.driver.current_url)

    @property
    def text(self) -> str:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.TAG_NAME, "body").text

    def element(self, name: str, value: str | None = None):
        from selenium.webdriver.common.by import By

        selector = f'[name="{name}"]' + (f'[value="{value}"]' if value is not None else "")
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def button(self, text: str):
        from selenium.webdriver.common.by import By

        xpath = f'//button[normalize-space()="{text}"] | //input[@type="submit"][@value="{text}"]'
        return self.driver.find_element(By.XPATH, xpath)

    def value(self, name: str) -> str:
        return self.element(name).get_attribute("value")

    def checked(self, name: str, value: str) -> bool:
        return self.element(name, value).is_selected()

    def error_for(self, name: str) -> str:
        """The error message shown next to a field, found the way a screen reader finds it:
        through the field's aria-describedby."""
        from selenium.webdriver.common.by import By

        element = self.element(name)
        assert element.get_attribute("aria-invalid") == "true", f"{name} is not marked invalid"
        ids = (element.get_attribute("aria-describedby") or "").split()
        messages = [self.driver.find_element(By.ID, i).text for i in ids if i.endswith("-error")]
        assert messages, f"{name} has no error message"
        return " ".join(messages)

    # --- typing -----------------------------------------------------------------------------------

    def fill(self, values: dict[str, str]) -> None:
        """Type into text fields, choose in selects, tick radio buttons and checkboxes."""
        from selenium.webdriver.support.ui import Select

        for name, value in values.items():
            if isinstance(value, list):  # a group of checkboxes
                for choice in value:
                    box = self.element(name, choice)
                    if not box.is_selected():
                        box.click()
                continue
            element = self.element(name)
            kind = element.get_attribute("type")
            if element.tag_name == "select":
                Select(element).select_by_value(value)
            elif kind == "radio":
                self.element(name, value).click()
            elif kind == "checkbox":
                if element.is_selected() != bool(value):
                    element.click()
            else:
                element.clear()
                element.send_keys(value)

    # --- layout -------------------------------------------------------------------------------------

    def width_at(self, width: int) -> int:
        """How wide the page shown now lays out on a phone ``width`` pixels wide (its scroll
        width: more than ``width`` means sideways scrolling)."""
        with self.screen(width):
            return self.driver.execute_script("return document.documentElement.scrollWidth")

    @contextmanager
    def screen(self, width: int):
        """Lay out every page as on a screen ``width`` pixels wide (a phone below 800) until the
        block ends."""
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 800},
        )
        try:
            yield
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def assert_fits(self, width: int) -> None:
        """The page shown now needs no sideways scrolling on a screen ``width`` pixels wide."""
        wide = self.driver.execute_script("return document.documentElement.scrollWidth")
        assert wide <= width, f"{self.path} is {wide} px wide on a {width} px screen"

    # --- accessibility ----------------------------------------------------------------------------

    def axe(self) -> list[dict]:
        """The serious and critical axe-core violations of the page shown now."""
        if not self.driver.execute_script("return typeof window.axe !== 'undefined'"):
            self.driver.execute_script(AXE_SCRIPT.read_text())
        self.driver.set_script_timeout(60)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]},"
            " resultTypes: ['violations']})"
            ".then(r => done(JSON.stringify(r.violations)))"
            ".catch(e => done(JSON.stringify({error: String(e)})));",
            AXE_TAGS,
        )
        violations = json.loads(result)
        assert not isinstance(violations, dict), violations
        return [v for v in violations if v.get("impact") in FAILING_IMPACT]

    def assert_accessible(self) -> None:
        problems = self.axe()
        assert not problems, f"axe on {self.path}:\n" + describe(problems)

    # --- evidence ---------------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write a screenshot and the HTML of every page visited, in order."""
        folder.mkdir(parents=True, exist_ok=True)
        for number, page in enumerate(self.pages, 1):
            stem = f"{number:02d}-" + (re.sub(r"[^a-zA-Z0-9]+", "-", page.title)[:60] or "page")
            (folder / f"{stem}.png").write_bytes(page.screenshot)
            (folder / f"{stem}.html").write_text(f"<!-- {page.url} -->\n{page.html}")


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    return "\n".join(lines)
