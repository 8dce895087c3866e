"""Headless Chromium screenshot of a Superset dashboard (run with .venv-bi's Python: selenium).

    python tests/bi/screenshot.py BASE_URL DASHBOARD_SLUG OUT.png [USER PASSWORD]
Logs in through the form, opens the dashboard, waits until every chart has rendered (no loading
spinner left, at least one rendered chart), then saves a PNG. Exit code 0 only on success.
"""

from __future__ import annotations

import shutil
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

RENDERED = ", ".join(
    (".chart-container canvas", ".chart-container .header-line", ".echarts-for-react")
)


def _log_in(driver: webdriver.Chrome, base: str, user: str, password: str, deadline: float) -> None:
    """Submit the login form until Superset leaves /login (a busy machine can drop the first try:
    the form is a React page that may not be ready when the fields are first found)."""
    while time.monotonic() < deadline:
        driver.get(f"{base}/login/")
        while not driver.find_elements(By.CSS_SELECTOR, "input[name='username'], #username"):
            if time.monotonic() > deadline:
                raise TimeoutError("login form not found")
            time.sleep(0.5)
        time.sleep(1)
        driver.find_element(By.CSS_SELECTOR, "input[name='username'], #username").send_keys(user)
        field = driver.find_element(By.CSS_SELECTOR, "input[name='password'], #password")
        field.send_keys(password)
        field.submit() if field.get_attribute("form") else field.send_keys("\n")
        for _ in range(30):
            time.sleep(1)
            if "/login" not in driver.current_url:
                return
    raise TimeoutError("login did not succeed before the deadline")


def screenshot(
    base: str, slug: str, out: str, user: str, password: str, timeout: float = 240
) -> int:
    options = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1600,1100",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(arg)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(timeout)
    try:
        deadline = time.monotonic() + timeout
        _log_in(driver, base, user, password, deadline)
        driver.get(f"{base}/superset/dashboard/{slug}/?standalone=1")
        rendered = 0
        while time.monotonic() < deadline:
            loading = driver.find_elements(By.CSS_SELECTOR, ".loading, [aria-label='Loading']")
            rendered = len(driver.find_elements(By.CSS_SELECTOR, RENDERED))
            if rendered and not loading:
                break
            time.sleep(1)
        time.sleep(3)  # let animations settle
        driver.save_screenshot(out)
        print(f"rendered={rendered}")
        return 0 if rendered else 2
    finally:
        driver.quit()


if __name__ == "__main__":
    args = sys.argv[1:]
    user, password = (args[3], args[4]) if len(args) >= 5 else ("admin", "admin")
    sys.exit(screenshot(args[0], args[1], args[2], user, password))
