"""Helpers of the browser tests: the app started as a user starts it, a headless Chromium
(Debian's chromium and chromium-driver, which scripts/test installs), screenshots."""

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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    ElementNotInteractableException,
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[1]
# Screenshots are kept here (git-ignored) so a person can look at what the browser saw.
ARTIFACTS = ROOT / "test-artifacts"
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


# What a page being redrawn answers to a find, click or keystroke a moment too early: not
# there yet, replaced, covered, or not yet taking input. Each is tried again until a timeout.
REDRAWN = (
    NoSuchElementException,
    StaleElementReferenceException,
    ElementClickInterceptedException,
    ElementNotInteractableException,
)


# The reviewer's name in the sidebar (the app's only text field there).
REVIEWER_FIELD = "//*[@data-testid='stSidebar']//input[@type='text']"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def app_server(home: Path, env: Mapping[str, str] | None = None, base: str = "") -> Iterator[str]:
    """The app on a free port with data in ``home`` (served under the path ``base``, if
    given), started through ``verifier app`` in its own process group (so the Streamlit
    child goes down with it); yields its URL."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if k != "VERIFIER_DB_URL"}
    environ.update(env or {})
    under = ["--base-url-path", base] if base else []
    process = subprocess.Popen(
        [sys.executable, "-m", "verifier", "--home", str(home), "app", "--port", str(port)] + under,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}" + (f"/{base}" if base else "")
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
    try:
        yield url
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


@contextmanager
def chromium(downloads: Path | None = None) -> Iterator[webdriver.Chrome]:
    """A headless Chromium; files it downloads go to ``downloads``."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    if downloads is not None:
        options.add_experimental_option(
            "prefs",
            {"download.default_directory": str(downloads), "download.prompt_for_download": False},
        )
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    if downloads is not None:
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def body_text(driver: webdriver.Chrome) -> str:
    return str(driver.find_element(By.TAG_NAME, "body").text)


def click_when_ready(
    driver: webdriver.Chrome, xpath: str, timeout: float = 90, scroll: bool = True
) -> None:
    """Click the element at `xpath` as soon as it is drawn and can take a click. Streamlit
    draws a page from the top while its script runs, and redraws parts of it (an expander
    opening, a form after a rerun), so an element found a moment ago may be covered, not yet
    interactable, replaced or disabled (a form's button while a file is still uploading):
    each of those is retried until `timeout`. With `scroll` (the default) the element is
    first scrolled to the middle of the window; pass ``False`` where a scroll would move what
    is opening or close what is open."""

    def clicked(d: webdriver.Chrome) -> bool:
        try:
            element = d.find_element(By.XPATH, xpath)
            if not element.is_enabled():  # a form's submit button while a file uploads
                return False
            if scroll:
                d.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
            element.click()
        except REDRAWN:
            return False
        return True

    WebDriverWait(driver, timeout).until(clicked, f"nothing at {xpath} to click")


def type_when_ready(driver: webdriver.Chrome, xpath: str, *keys: str, timeout: float = 90) -> None:
    """Type `keys` into the field at `xpath` as soon as it takes them; a field replaced or not
    yet interactable after a redraw is retried until `timeout` (see :func:`click_when_ready`)."""

    def typed(d: webdriver.Chrome) -> bool:
        try:
            d.find_element(By.XPATH, xpath).send_keys(*keys)
        except REDRAWN:
            return False
        return True

    WebDriverWait(driver, timeout).until(typed, f"nothing at {xpath} to type into")


def expand(driver: webdriver.Chrome, box: str, timeout: float = 90) -> None:
    """Open the expander at `box` (an XPath to its ``stExpander`` div) and wait until it is
    open and its content takes clicks. A click on its summary can be lost while the page
    redraws, so the summary is clicked again while it is closed (at most once a second) or
    still drawn open with inert content (after 3 s: longer than a closing animation, or than
    the page takes to redraw after a click that opened it). The summary is first scrolled to
    the middle of the window, out from under the page's fixed header. On timeout the message
    says what was seen last."""
    clicked_at = 0.0
    seen = "nothing yet"

    def opened(d: webdriver.Chrome) -> bool:
        nonlocal clicked_at, seen
        try:
            details = d.find_element(By.XPATH, f"{box}//details")
            content = d.find_element(By.XPATH, f"{box}//*[@data-testid='stExpanderDetails']")
            # A closed expander's content is inert: it is drawn but takes no clicks.
            # (get_dom_attribute: get_attribute would answer with the `inert` property, "false")
            is_open = details.get_dom_attribute("open") is not None
            inert = content.get_dom_attribute("inert") is not None
            seen = f"open={is_open}, content inert={inert}"
            if is_open and not inert:
                return True
            if time.monotonic() - clicked_at > (3 if is_open else 1):
                clicked_at = time.monotonic()
                summary = details.find_element(By.TAG_NAME, "summary")
                d.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
                summary.click()
        except REDRAWN as error:
            seen = f"{type(error).__name__}: {error.msg}"
        return False

    try:
        WebDriverWait(driver, timeout, poll_frequency=0.2).until(opened)
    except TimeoutException as error:
        raise TimeoutException(f"{box} did not open; last seen: {seen}") from error


def open_popover(driver: webdriver.Chrome, label: str, timeout: float = 90) -> None:
    """Open the popover whose button says `label`, and wait until its body is drawn: a click
    lost while the page redraws is made again (at most once every 2 s)."""
    button = f"//button[.//p[text()='{label}']]"
    body = "//div[@data-testid='stPopoverBody']"
    clicked_at = 0.0

    def opened(d: webdriver.Chrome) -> bool:
        nonlocal clicked_at
        try:
            if d.find_elements(By.XPATH, body):
                return True
            if time.monotonic() - clicked_at > 2:
                clicked_at = time.monotonic()
                element = d.find_element(By.XPATH, button)
                d.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
                element.click()
        except REDRAWN:
            pass
        return False

    WebDriverWait(driver, timeout, poll_frequency=0.2).until(opened, f"{label} did not open")


def settle(driver: webdriver.Chrome, timeout: float = 90) -> None:
    """Wait until the app's script run is over: no element on the page is stale (drawn by
    the last run and not yet redrawn by this one) and the running icon is gone."""
    busy = "[data-stale='true'], [data-testid^='stStatusWidgetRunning']"
    WebDriverWait(driver, timeout).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, busy), "the app kept running"
    )


def choose_file(driver: webdriver.Chrome, path: Path, index: int = 0, timeout: float = 90) -> None:
    """Choose ``path`` in the page's ``index``-th file field, and wait until the page lists
    it. A file chosen while a rerun redraws the field is lost (a rerun that had not started
    when the page looked settled), so it is chosen again, at most once every 10 s."""
    chosen_at = 0.0

    def listed(d: webdriver.Chrome) -> bool:
        nonlocal chosen_at
        if path.name in body_text(d):
            return True
        if time.monotonic() - chosen_at > 10:
            try:
                d.find_elements(By.CSS_SELECTOR, "input[type='file']")[index].send_keys(str(path))
                chosen_at = time.monotonic()
            except (*REDRAWN, IndexError):
                pass
        return False

    WebDriverWait(driver, timeout, poll_frequency=0.3).until(listed, f"{path.name} not chosen")


def pick(driver: webdriver.Chrome, label: str, timeout: float = 90) -> None:
    """Choose the radio option whose ``<label>`` is at the XPath `label`, clicking it again
    until its input says it is chosen: a click on an option the page is redrawing is lost."""

    def chosen(d: webdriver.Chrome) -> bool:
        try:
            element = d.find_element(By.XPATH, label)
            if element.find_element(By.TAG_NAME, "input").is_selected():
                return True
            element.click()
        except REDRAWN:
            pass
        return False

    WebDriverWait(driver, timeout, poll_frequency=0.3).until(chosen, f"{label} not chosen")


def press(driver: webdriver.Chrome, label: str, timeout: float = 90) -> None:
    """Click the button labelled `label` as soon as it is drawn (see :func:`click_when_ready`)."""
    click_when_ready(driver, f"//button[.//p[text()='{label}']]", timeout)


def screenshot(driver: webdriver.Chrome, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    return path
