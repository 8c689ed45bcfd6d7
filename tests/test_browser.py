"""The app served by Streamlit and driven in a real headless Chromium (Debian's chromium and
chromium-driver, which scripts/test installs)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[1]
# Screenshots are kept here (git-ignored) so a person can look at what the browser saw.
ARTIFACTS = ROOT / "test-artifacts"
pytestmark = [pytest.mark.browser, pytest.mark.model]
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if k != "VERIFIER_DB_URL"}
    # Started the way a user does, through `verifier app`, in its own process group so the
    # Streamlit child goes down with it.
    process = subprocess.Popen(
        [sys.executable, "-m", "verifier", "--home", str(home), "app", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                raise RuntimeError(
                    f"streamlit did not start: {process.stderr.read().decode()[-2000:]}"
                ) from error
            time.sleep(0.5)
    yield url
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def body_text(driver: webdriver.Chrome) -> str:
    return str(driver.find_element(By.TAG_NAME, "body").text)


def screenshot(driver: webdriver.Chrome, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / name))


def test_reviewer_records_a_verdict_in_the_browser(server: str, browser: webdriver.Chrome) -> None:
    wait = WebDriverWait(browser, 90)
    browser.get(server)
    # First start loads the sample corpus: the article's claims appear as expanders.
    first = wait.until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stExpander'] summary"))
    )
    assert "Russia is steadily building up" in first.text
    wait.until(lambda d: "0 of 11 claims reviewed" in d.find_element(By.TAG_NAME, "body").text)

    name = browser.find_element(By.CSS_SELECTOR, "[data-testid='stSidebar'] input[type='text']")
    name.send_keys("Dana", Keys.ENTER)
    wait.until(lambda d: "Enter your name" not in d.find_element(By.TAG_NAME, "body").text)
    browser.find_element(By.CSS_SELECTOR, "[data-testid='stExpander'] summary").click()
    disputed = wait.until(
        ec.element_to_be_clickable(
            (By.XPATH, "(//div[@data-testid='stExpander'])[1]//label[.//p[text()='disputed']]")
        )
    )
    disputed.click()
    note = browser.find_element(By.XPATH, "(//div[@data-testid='stExpander'])[1]//textarea")
    note.send_keys("Checked against the ministry statement")
    browser.find_element(
        By.XPATH, "(//div[@data-testid='stExpander'])[1]//button[.//p[text()='Save verdict']]"
    ).click()

    wait.until(lambda d: "1 of" in d.find_element(By.TAG_NAME, "body").text)
    summary = browser.find_element(By.CSS_SELECTOR, "[data-testid='stExpander'] summary")
    if "History" not in browser.find_element(By.TAG_NAME, "body").text:
        summary.click()
    wait.until(
        lambda d: (
            "Checked against the ministry statement" in d.find_element(By.TAG_NAME, "body").text
        )
    )
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Dana" in body and "disputed" in body
    screenshot(browser, "review.png")


def test_an_article_checked_on_its_page_opens_for_review(
    server: str, browser: webdriver.Chrome
) -> None:
    wait = WebDriverWait(browser, 90)
    browser.get(server)
    link = wait.until(
        ec.element_to_be_clickable(
            (By.XPATH, "//a[@data-testid='stSidebarNavLink'][.//p[text()='Check an article']]")
        )
    )
    link.click()
    wait.until(lambda d: "/articles" in d.current_url)
    title = wait.until(
        ec.element_to_be_clickable((By.XPATH, "//div[@data-testid='stForm']//input"))
    )
    title.send_keys("Derby report")
    browser.find_element(By.XPATH, "//div[@data-testid='stForm']//textarea").send_keys(
        "Spartak Moscow beat Zenit 2-1 on Sunday in front of 40,000 fans, the club said."
    )
    screenshot(browser, "check-article.png")
    browser.find_element(By.XPATH, "//button[.//p[text()='Extract and match claims']]").click()
    wait.until(lambda d: "1 claim extracted from Derby report" in body_text(d))
    wait.until(lambda d: "0 of 1 claims reviewed" in body_text(d))
    assert "/articles" not in browser.current_url  # back on the review page
    assert "Spartak Moscow beat Zenit" in body_text(browser)
    screenshot(browser, "checked-article.png")
