"""A real browser for the tests: Debian's Chromium and its ChromeDriver, driven by selenium.

``make chromium`` installs both (``make test`` does it first). The machine may have no
network: the flags keep Chromium from reaching for Google's services, which would stall
it. Used by the API form test (class 07) and the slides test (class 10).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
OFFLINE_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Chromium (selenium ``WebDriver``) for the module's tests; its console log
    is readable with ``browser.get_log("browser")``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    if missing:
        pytest.fail(f"brak {', '.join(missing)}: uruchom `make chromium`")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in OFFLINE_FLAGS:
        options.add_argument(flag)
    options.add_argument("--window-size=1280,800")
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
