"""The app served by Streamlit and driven in a real headless Chromium: a verdict recorded, an
article checked on its page."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsing import (
    REDRAWN,
    REVIEWER_FIELD,
    app_server,
    body_text,
    choose_file,
    chromium,
    click_when_ready,
    expand,
    open_popover,
    pick,
    press,
    screenshot,
    settle,
    type_when_ready,
)
from conftest import served
from made_documents import make_pdf, make_scan, make_screenshot
from made_msg import make_msg
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from verifier import accounts, pipeline
from verifier.config import Settings
from verifier.db.session import open_database
from verifier.queue import QueueFilter, claim_queue
from verifier.workbench import open_records

pytestmark = [pytest.mark.browser, pytest.mark.model]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def server(home: Path) -> Iterator[str]:
    with app_server(home) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    with chromium() as driver:
        yield driver


def test_reviewer_records_a_verdict_in_the_browser(server: str, browser: webdriver.Chrome) -> None:
    wait = WebDriverWait(browser, 90)
    browser.get(f"{server}/review")
    # First start loads the sample corpus: the article's claims appear as expanders.
    first = wait.until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid='stExpander'] summary"))
    )
    assert "Russia is steadily building up" in first.text
    wait.until(lambda d: "0 of 11 claims reviewed" in d.find_element(By.TAG_NAME, "body").text)

    type_when_ready(browser, REVIEWER_FIELD, "Dana", Keys.ENTER)
    wait.until(lambda d: "Enter your name" not in d.find_element(By.TAG_NAME, "body").text)
    box = "(//div[@data-testid='stExpander'])[1]"
    settle(browser)
    expand(browser, box)
    pick(browser, f"{box}//label[.//p[text()='disputed']]")
    type_when_ready(browser, f"{box}//textarea", "Checked against the ministry statement")
    click_when_ready(browser, f"{box}//button[.//p[text()='Save verdict']]")

    wait.until(lambda d: "1 of" in d.find_element(By.TAG_NAME, "body").text)
    expand(browser, box)  # the page redraws after the save; the claim's box may have closed
    # The redraw after the save can close the box again: wait for the verdict as saved, not
    # for one moment of it.
    wait.until(
        lambda d: all(
            said in d.find_element(By.TAG_NAME, "body").text
            for said in ("Checked against the ministry statement", "reviewed disputed by Dana")
        )
    )
    screenshot(browser, "review.png")


def test_an_article_checked_on_its_page_opens_for_review(
    server: str, browser: webdriver.Chrome
) -> None:
    wait = WebDriverWait(browser, 90)
    browser.get(server)
    click_when_ready(browser, "//a[@data-testid='stSidebarNavLink'][.//p[text()='Articles']]")
    wait.until(lambda d: "/articles" in d.current_url)
    _sign_in(browser, "Ana")
    text = wait.until(
        ec.element_to_be_clickable((By.XPATH, "//div[@data-testid='stForm']//textarea"))
    )
    text.send_keys(
        "Spartak Moscow beat Zenit 2-1 on Sunday in front of 40,000 fans, the club said."
    )
    browser.find_element(By.XPATH, "//div[@data-testid='stForm']//input").send_keys("Derby report")
    screenshot(browser, "check-article.png")
    press(browser, "Extract and match claims")
    wait.until(lambda d: "1 claim extracted from Derby report" in body_text(d))
    wait.until(lambda d: "1 claim(s), 0 reviewed" in body_text(d))
    assert "article=" in browser.current_url  # the article has its own URL
    assert "Spartak Moscow beat Zenit" in body_text(browser)
    screenshot(browser, "checked-article.png")


ARTICLE_FORM = "//div[@data-testid='stForm']"  # the Articles page's new-article form


def load_article_file(server: str, browser: webdriver.Chrome, path: Path, warned: str) -> str:
    """Load ``path`` on the Articles page, wait for the warning ``warned`` its reading gives
    and for the form to hold the text (drawn after the warning, or redrawn meanwhile).
    Returns the text."""
    wait = WebDriverWait(browser, 90)
    browser.get(f"{server}/articles")
    wait.until(lambda d: "Or load a file" in body_text(d))
    choose_file(browser, path)
    press(browser, "Load file")
    wait.until(lambda d: warned in body_text(d))

    def filled(d: webdriver.Chrome) -> str:
        try:
            return d.find_element(By.XPATH, f"{ARTICLE_FORM}//textarea").get_attribute("value")
        except REDRAWN:
            return ""

    return str(wait.until(filled))


def test_a_scanned_article_file_is_loaded_with_a_warning_to_check_it(
    server: str, browser: webdriver.Chrome, tmp_path_factory: pytest.TempPathFactory
) -> None:
    scan = tmp_path_factory.mktemp("article") / "scanned-letter.pdf"
    scan.write_bytes(
        make_scan([["MINISTRY OF DEFENCE", "", "The ministry said 28 aircraft remain at Hmeimim."]])
    )
    text = load_article_file(server, browser, scan, "scanned page(s) read by OCR; check quotes")
    assert "scanned-letter.pdf: 1 scanned page(s)" in body_text(browser)  # as uploaded
    assert "28 aircraft remain at Hmeimim" in text
    screenshot(browser, "article-scan-loaded.png")


def test_an_article_in_an_unclear_encoding_is_read_in_the_one_picked(
    server: str, browser: webdriver.Chrome, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A short Windows-1252 text reads as well as Windows-1250: the page refuses it naming
    its own Encoding field (not the command line's option), and reads it once one is picked."""
    said = "Les élèves ont reçu 12 avions à Lattaquié."
    article = tmp_path_factory.mktemp("article") / "depeche.txt"
    article.write_bytes(f"{said}\n".encode("cp1252"))
    wait = WebDriverWait(browser, 90)
    browser.get(f"{server}/articles")
    wait.until(lambda d: "Or load a file" in body_text(d))
    choose_file(browser, article)
    press(browser, "Load file")
    wait.until(lambda d: "give its encoding with 'Encoding' (beside the file)" in body_text(d))
    assert "--encoding" not in body_text(browser)
    screenshot(browser, "article-encoding-unclear.png")
    field = "(//input[@aria-label='Encoding'])[1]"  # beside the file (the other: training)
    click_when_ready(browser, field)
    option = "//*[@role='option'][normalize-space(.)='Windows Western European (cp1252)']"
    click_when_ready(browser, option, scroll=False)
    wait.until(lambda d: "(cp1252)" in (d.find_element(By.XPATH, field).get_attribute("value")))
    settle(browser)
    press(browser, "Load file")

    def filled(d: webdriver.Chrome) -> str:
        try:
            return d.find_element(By.XPATH, f"{ARTICLE_FORM}//textarea").get_attribute("value")
        except REDRAWN:
            return ""

    assert wait.until(filled).strip() == said
    screenshot(browser, "article-encoding-picked.png")


def test_a_screenshot_of_a_post_is_loaded_as_an_article(
    server: str, browser: webdriver.Chrome, tmp_path_factory: pytest.TempPathFactory
) -> None:
    post = tmp_path_factory.mktemp("article") / "viral-post.jpg"
    lines = ["BREAKING: 28 Russian fighter jets have landed at", "the air base near Latakia."]
    post.write_bytes(make_screenshot(lines, "JPEG", dark=True))
    text = load_article_file(server, browser, post, "an image read by OCR; check quotes")
    assert text == "BREAKING: 28 Russian fighter jets have landed at the air base near Latakia."
    screenshot(browser, "article-screenshot-loaded.png")


def test_a_chain_email_is_loaded_as_an_article(
    server: str, browser: webdriver.Chrome, tmp_path_factory: pytest.TempPathFactory
) -> None:
    chain = tmp_path_factory.mktemp("article") / "chain.msg"
    chain.write_bytes(
        make_msg(
            "FW: Read before they delete it",
            "Russia has moved 200 combat aircraft to the Latakia air base this week.",
            sender="Concerned Citizen",
            attachments=[("proof.png", b"\x89PNG")],
        )
    )
    warned = "chain.msg: its 1 attachment(s) are no part of the article"
    text = load_article_file(server, browser, chain, warned)
    assert text == "Russia has moved 200 combat aircraft to the Latakia air base this week."
    inputs = browser.find_elements(By.XPATH, f"{ARTICLE_FORM}//input")
    fields = [field.get_attribute("value") for field in inputs]
    assert "Read before they delete it" in fields and "Concerned Citizen" in fields
    screenshot(browser, "article-email-loaded.png")


ARTICLE_PAGE = (
    b"<html><head><title>Jets land at Latakia</title>"
    b'<meta property="og:site_name" content="Frontline Wire">'
    b'<meta property="article:published_time" content="2015-09-21T08:30:00Z">'
    b"</head><body><article>"
    b"<p>Russia has moved 28 combat aircraft to the Latakia air base, US officials said "
    b"on Monday.</p><p>The Pentagon declined to comment on the report.</p>"
    b"</article></body></html>"
)


def test_an_article_is_added_from_a_local_url(server: str, browser: webdriver.Chrome) -> None:
    with served(ARTICLE_PAGE) as page_address:
        wait = WebDriverWait(browser, 90)
        browser.get(f"{server}/articles")
        _sign_in(browser, "Ana")
        address = wait.until(
            ec.element_to_be_clickable(
                (By.XPATH, "//input[@aria-label='Fetch from a web address']")
            )
        )
        address.send_keys(f"{page_address}/jets.html", Keys.ENTER)
        press(browser, "Fetch")
        wait.until(
            lambda d: (
                "Russia has moved 28 combat aircraft"
                in (
                    d.find_element(
                        By.XPATH, "//div[@data-testid='stForm']//textarea"
                    ).get_attribute("value")
                    or ""
                )
            )
        )
        # The form's fields are filled one redraw at a time: wait for the outlet's and the
        # date's too. The page's date fills the date picker, though it is older than the
        # picker's default ten years.
        fields = {"//input[@aria-label='Outlet']": "Frontline Wire"}
        fields["//div[@data-testid='stDateInput']//input"] = "2015-09-21"
        filled = WebDriverWait(browser, 90, ignored_exceptions=[StaleElementReferenceException])
        for field, value in fields.items():
            try:
                filled.until(
                    lambda d, f=field, v=value: (
                        d.find_element(By.XPATH, f).get_attribute("value") == v
                    )
                )
            except TimeoutException as error:
                shown = browser.find_element(By.XPATH, field).get_attribute("value")
                raise AssertionError(f"{field} reads {shown!r}, not {value!r}") from error
        screenshot(browser, "article-from-url.png")
        press(browser, "Extract and match claims")
        wait.until(lambda d: "extracted from Jets land at Latakia" in body_text(d))
        # The page is still redrawing (matching's progress bar): wait for the outlet too.
        wait.until(lambda d: "Frontline Wire · 2015-09-21" in body_text(d))
        screenshot(browser, "article-from-url-checked.png")


def _listening(port: int) -> set[str]:
    """Local addresses with a socket listening on ``port`` (from the kernel's tables)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as rows:
            for row in list(rows)[1:]:
                local, state = row.split()[1], row.split()[3]
                address, _, hex_port = local.partition(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    found.add(address)
    return found


def test_the_app_listens_on_this_computer_only(server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    addresses = _listening(port)
    # 127.0.0.1 as the kernel writes it (little-endian hex); never 0.0.0.0 or ::.
    assert addresses == {"0100007F"}, addresses


def _idle(driver: webdriver.Chrome) -> bool:
    """The page has finished running."""
    try:
        return not driver.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']")
    except StaleElementReferenceException:
        return False


def _sign_in(driver: webdriver.Chrome, name: str) -> None:
    """Type the reviewer's name in the sidebar (each new page load is a new session)."""
    type_when_ready(driver, REVIEWER_FIELD, name, Keys.ENTER)
    WebDriverWait(driver, 90).until(_idle)


def _open_claim(driver: webdriver.Chrome) -> str:
    """The open claim's heading ("Claim #12"), read from the page's text (elements go stale
    while Streamlit redraws)."""
    found = re.search(r"Claim #\d+", body_text(driver))
    return found.group(0) if found else ""


def _ready(driver: webdriver.Chrome) -> bool:
    """The page has finished running and the verdict buttons take keys."""
    try:
        if driver.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']"):
            return False
        buttons = driver.find_elements(By.XPATH, "//button[.//p[text()='Supported']]")
        return bool(buttons) and all(button.is_enabled() for button in buttons)
    except StaleElementReferenceException:  # redrawn while we looked
        return False


def _claims_left(driver: webdriver.Chrome) -> int:
    found = re.search(r"(\d+) claim\(s\)", body_text(driver))
    return int(found.group(1)) if found else -1


def test_ten_claims_are_triaged_by_keyboard_only(server: str, browser: webdriver.Chrome) -> None:
    """The queue is the first page; after typing a name, each verdict is one key (it saves and
    opens the next claim), with no mouse at all."""
    wait = WebDriverWait(browser, 90)
    browser.get(server)
    wait.until(lambda d: "Review queue" in body_text(d) and _open_claim(d))
    # Streamlit may still be drawing the sidebar when the open claim shows: typed when it is.
    type_when_ready(browser, REVIEWER_FIELD, "Kim", Keys.ENTER)
    wait.until(lambda d: "Enter your name" not in body_text(d))
    # Leave the text field: keys typed there are text, not verdicts.
    type_when_ready(browser, REVIEWER_FIELD, Keys.TAB)
    wait.until(_ready)
    left = _claims_left(browser)
    assert left >= 10, body_text(browser)
    for n, key in enumerate("sdusdusdua"):
        wait.until(_ready)
        before = _open_claim(browser)
        ActionChains(browser).send_keys(key).perform()
        try:
            wait.until(lambda d, before=before: _open_claim(d) not in ("", before))
        except TimeoutException as error:
            screenshot(browser, "queue-stuck.png")
            raise AssertionError(f"key {n} ({key}) did not move on from {before}") from error
        wait.until(lambda d, n=n: _claims_left(d) == left - n - 1)
        assert f"Saved {before.lower()}" in body_text(browser)
    screenshot(browser, "queue.png")
    assert _claims_left(browser) == left - 10


def test_the_dashboard_renders(server: str, browser: webdriver.Chrome) -> None:
    wait = WebDriverWait(browser, 90)
    browser.get(f"{server}/dashboard")
    wait.until(lambda d: "Suggested vs reviewed" in body_text(d))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='stVegaLiteChart']"))
    assert "Reviews per day" in body_text(browser)
    screenshot(browser, "dashboard.png")


def test_a_source_is_uploaded_and_listed(
    server: str, browser: webdriver.Chrome, tmp_path_factory: pytest.TempPathFactory
) -> None:
    upload = tmp_path_factory.mktemp("upload") / "tass-denial.md"
    upload.write_text(
        "---\ntitle: Moscow denies jets at Latakia\noutlet: Wire Desk\n"
        "url: https://wire.example.org/denial\n---\n"
        "The defence ministry said no Russian jets had landed at the Latakia air base.\n",
        encoding="utf-8",
    )
    wait = WebDriverWait(browser, 90)
    browser.get(f"{server}/sources")
    wait.until(lambda d: "Add sources" in body_text(d) and "source(s)" in body_text(d))
    _sign_in(browser, "Ana")
    listed = int(re.search(r"(\d+) source\(s\)", body_text(browser)).group(1))  # type: ignore[union-attr]
    choose_file(browser, upload)
    press(browser, "Ingest")
    wait.until(lambda d: "1 added" in body_text(d))
    wait.until(lambda d: f"{listed + 1} source(s)" in body_text(d))
    screenshot(browser, "sources.png")
    # A PDF: its text layer, the title from its metadata.
    statement = upload.parent / "mod-statement.pdf"
    statement.write_bytes(
        make_pdf(
            [["The ministry said 28 combat aircraft had been moved to Latakia."]],
            title="MoD statement on Latakia",
        )
    )
    choose_file(browser, statement)
    press(browser, "Ingest")
    wait.until(lambda d: f"{listed + 2} source(s)" in body_text(d))
    type_when_ready(
        browser, "//input[@placeholder='title, outlet, URL']", "MoD statement", Keys.ENTER
    )
    wait.until(lambda d: "1 source(s)" in body_text(d))  # found by the title in its metadata
    # An Outlook message dropped from the desk's mail: its body and its attached PDF. (A
    # short name: the field shows a long one cut short.)
    message = upload.parent / "ministry.msg"
    full = make_pdf([["Full statement: no aircraft were moved."]], title="Full statement")
    message.write_bytes(
        make_msg("FW: Latakia statement", attachments=[("full-statement.pdf", full)])
    )
    choose_file(browser, message)
    press(browser, "Ingest")
    wait.until(lambda d: "2 added" in body_text(d))
    search = "//input[@placeholder='title, outlet, URL']"
    # Both have the sender for outlet (the table is drawn, not text: counted by the search).
    type_when_ready(browser, search, Keys.CONTROL, "a", Keys.NULL, "Ministry of Def", Keys.ENTER)
    wait.until(lambda d: "2 source(s)" in body_text(d))
    screenshot(browser, "sources-outlook-message.png")
    # An old Word document, as LibreOffice saved it: found by the title in its properties.
    old_word = upload.parent / "notice.doc"
    old_word.write_bytes((Path(__file__).parent / "data" / "notice.doc").read_bytes())
    choose_file(browser, old_word)
    press(browser, "Ingest")
    wait.until(lambda d: "1 added" in body_text(d))
    type_when_ready(browser, search, Keys.CONTROL, "a", Keys.NULL, "Ministry notice", Keys.ENTER)
    wait.until(lambda d: "1 source(s)" in body_text(d))
    screenshot(browser, "sources-old-word.png")


def test_a_table_is_uploaded_with_its_text_column_and_outlet(
    server: str, browser: webdriver.Chrome, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A .csv whose text is in a ``body`` column: refused with one line naming the field to
    fill, then ingested once it is filled, with the outlet given for rows that lack one; a
    row without text is skipped and the page says so."""
    upload = tmp_path_factory.mktemp("table") / "desk-archive.csv"
    upload.write_text(
        "id,body\n1,Crews were seen extending the runway at Hmeimim.\n"
        "2,Officials said helicopter pads were being built.\n3,\n",
        encoding="utf-8",
    )
    wait = WebDriverWait(browser, 90)
    browser.get(f"{server}/sources")
    wait.until(lambda d: "Add sources" in body_text(d) and "source(s)" in body_text(d))
    _sign_in(browser, "Ana")
    choose_file(browser, upload)
    press(browser, "Ingest")
    wait.until(lambda d: "no 'text' column (found: id, body)" in body_text(d))
    assert "(Text column (tables), under 'For files that do not say')" in body_text(browser)
    screenshot(browser, "sources-column-missing.png")
    # the file is still chosen: fill the field and ingest again
    assert "desk-archive.csv" in browser.find_element(By.XPATH, "//div[@data-testid='stForm']").text
    expand(browser, "//div[@data-testid='stExpander'][.//summary[contains(., 'For files')]]")
    field = "//input[@aria-label='Text column (tables)']"
    type_when_ready(browser, field, Keys.CONTROL, "a")
    type_when_ready(browser, field, Keys.BACKSPACE, "body")
    type_when_ready(browser, "//input[@aria-label='Outlet']", "Desk archive")
    press(browser, "Ingest")
    wait.until(lambda d: "2 added" in body_text(d))
    # The row without text is said to be skipped, naming the file as uploaded.
    assert "desk-archive.csv:4 has no text; skipped" in body_text(browser)
    screenshot(browser, "sources-upload-warnings.png")
    search = browser.find_element(By.XPATH, "//input[@aria-label='Search sources']")
    search.send_keys("desk-archive", Keys.ENTER)
    wait.until(lambda d: "2 source(s)" in body_text(d))
    screenshot(browser, "sources-table-upload.png")


def test_a_past_verdict_is_reused_by_keyboard(server: str, browser: webdriver.Chrome) -> None:
    """A claim the desk has checked before (here: the same sentence in a new article) shows
    the past verdict; one key (B) reuses it."""
    wait = WebDriverWait(browser, 90)
    browser.get(f"{server}/articles")
    _sign_in(browser, "Lee")
    text = wait.until(
        ec.element_to_be_clickable((By.XPATH, "//div[@data-testid='stForm']//textarea"))
    )
    text.send_keys(
        "Latakia is about 100 miles from territory held by the Islamic State group near Aleppo."
    )
    press(browser, "Extract and match claims")
    wait.until(lambda d: "1 claim extracted" in body_text(d))
    browser.get(server)
    wait.until(lambda d: "Review queue" in body_text(d) and _open_claim(d))
    _sign_in(browser, "Lee")
    search = browser.find_element(By.XPATH, "//input[@aria-label='Search claims']")
    search.send_keys("100 miles", Keys.ENTER)
    wait.until(lambda d: _claims_left(d) in (1, 2))
    browser.execute_script("document.activeElement.blur()")  # keys typed in a field are text
    wait.until(_ready)
    if "Checked before" not in body_text(browser):  # the sample's claim is not decided yet
        before = _open_claim(browser)
        ActionChains(browser).send_keys("d").perform()
        wait.until(lambda d: _open_claim(d) not in ("", before))
        wait.until(_ready)
    wait.until(lambda d: "Checked before" in body_text(d))
    screenshot(browser, "checked-before.png")
    reused = _open_claim(browser)
    ActionChains(browser).send_keys("b").perform()
    wait.until(lambda d: f"Saved {reused.lower()}" in body_text(d) and "(reused #" in body_text(d))
    screenshot(browser, "reuse.png")


def test_a_name_typed_without_enter_counts_for_the_click(
    server: str, browser: webdriver.Chrome
) -> None:
    """Typing a name and clicking a verdict at once (no Enter) saves it under that name."""
    wait = WebDriverWait(browser, 90)
    browser.get(server)
    wait.until(lambda d: "Review queue" in body_text(d) and _open_claim(d))
    wait.until(_idle)
    opened = _open_claim(browser)
    type_when_ready(browser, REVIEWER_FIELD, "Sam")
    press(browser, "Unverified")
    wait.until(lambda d: f"Saved {opened.lower()}" in body_text(d))
    assert "enter your name" not in body_text(browser)


def test_a_claim_is_assigned_and_a_verdict_given_meanwhile_is_not_replaced_unread(
    server: str, home: Path, browser: webdriver.Chrome
) -> None:
    wait = WebDriverWait(browser, 90)
    browser.get(server)  # the first page run loads the sample, if no test did before
    wait.until(lambda d: "Review queue" in body_text(d) and _open_claim(d))
    with open_records(Settings(home=home)) as records:
        with records.db.session() as session:
            claim_id = claim_queue(session, QueueFilter(status="all")).rows[0].claim_id
        browser.get(f"{server}/?claim={claim_id}")
        wait.until(lambda d: _open_claim(d) == f"Claim #{claim_id}")
        _sign_in(browser, "Ana")
        wait.until(_ready)
        open_popover(browser, "Assign this claim")
        type_when_ready(browser, "//div[@data-testid='stPopoverBody']//input", "Ana")
        press(browser, "Assign 1 claim(s)")
        wait.until(lambda d: "Assigned to Ana by Ana on " in body_text(d))
        wait.until(_ready)
        # Another reviewer decides the claim while Ana has it open; her save is refused, next
        # to the keys, with their verdict and note shown, and the claim stays open.
        pipeline.review_claim(records, claim_id, "supported", "Lee", "wire confirms")
        press(browser, "Disputed")
        wait.until(lambda d: "after this page showed it; nothing was saved" in body_text(d))
        text = body_text(browser)
        assert f"Lee marked claim #{claim_id} supported at " in text
        assert "Note: wire confirms" in text and _open_claim(browser) == f"Claim #{claim_id}"
        screenshot(browser, "conflict.png")
        wait.until(_ready)
        press(browser, "Disputed")  # now that she has read it
        wait.until(lambda d: f"Saved claim #{claim_id}: supported → disputed" in body_text(d))


def test_the_cookie_route_sets_nothing_without_a_good_ticket(server: str) -> None:
    def post(path: str, body: bytes) -> tuple[int, str | None]:
        request = urllib.request.Request(f"{server}{path}", data=body, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.headers.get("Set-Cookie")
        except urllib.error.HTTPError as refused:
            return refused.code, refused.headers.get("Set-Cookie")

    assert post("/verifier/session", b"made-up-ticket") == (403, None)
    status, cleared = post("/verifier/session/end", b"")
    assert status == 204 and cleared and cleared.startswith('verifier_session="";')
    assert "HttpOnly" in cleared


def test_behind_a_proxy_path_a_reviewer_signs_in_and_stays_signed_in(
    tmp_path_factory: pytest.TempPathFactory, browser: webdriver.Chrome
) -> None:
    """``verifier app --base-url-path desk``, as a proxy serving it at /desk/ needs: the
    sign-in cookie's routes are under that path too, so a reload stays signed in."""
    desk = tmp_path_factory.mktemp("desk")
    database = open_database(Settings(home=desk).database_url, upgrade_schema=True)
    accounts.add_account(database, "Dana Ortiz", "four words make one")
    database.close()
    browser.delete_all_cookies()
    with app_server(desk, base="desk") as url:
        assert url.endswith("/desk")
        wait = WebDriverWait(browser, 90)
        browser.get(f"{url}/dashboard")
        wait.until(lambda d: "Sign in" in body_text(d) and "Password" in body_text(d))
        type_when_ready(browser, "//input[@autocomplete='username']", "Dana Ortiz")
        type_when_ready(browser, "//input[@type='password']", "four words make one")
        click_when_ready(browser, "//button[.//p[text()='Sign in']]")
        wait.until(lambda d: "Signed in as Dana Ortiz" in body_text(d))
        wait.until(lambda d: d.get_cookie("verifier_session") is not None)
        cookie = browser.get_cookie("verifier_session")
        assert cookie["path"] == "/desk" and cookie["httpOnly"] is True
        settle(browser)
        browser.get(f"{url}/dashboard")  # a new session: signed in by the cookie
        wait.until(lambda d: "Signed in as Dana Ortiz" in body_text(d))
        assert "Password" not in body_text(browser)
        screenshot(browser, "signed-in-under-a-path.png")
        click_when_ready(browser, "//button[.//p[text()='Sign out']]")
        wait.until(lambda d: d.get_cookie("verifier_session") is None)


def test_a_reviewer_signs_in_once_the_desk_has_accounts(
    server: str, home: Path, browser: webdriver.Chrome
) -> None:
    """Last in the module: it turns accounts on for this server, and off again at its end."""
    records = open_records(Settings(home=home))  # the server's database: SQLite in its folder
    try:
        accounts.add_account(records.db, "Dana Ortiz", "four words make one")
        wait = WebDriverWait(browser, 90)
        browser.get(f"{server}/review")
        wait.until(lambda d: "Sign in" in body_text(d) and "Password" in body_text(d))
        screenshot(browser, "sign-in.png")
        assert "claims reviewed" not in body_text(browser)  # nothing else
        assert not browser.find_elements(By.XPATH, REVIEWER_FIELD)
        name = "//input[@autocomplete='username']"
        password = "//input[@type='password']"
        type_when_ready(browser, name, "Dana Ortiz")
        type_when_ready(browser, password, "four words make one")
        click_when_ready(browser, "//button[.//p[text()='Sign in']]")
        wait.until(lambda d: "Signed in as Dana Ortiz" in body_text(d))
        wait.until(lambda d: "claims reviewed" in body_text(d))  # the page, at last
        screenshot(browser, "signed-in.png")
        # The cookie was set by the server, HttpOnly: no script in the page can read it.
        wait.until(lambda d: d.get_cookie("verifier_session") is not None)
        cookie = browser.get_cookie("verifier_session")
        assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
        assert len(cookie["value"]) > 30
        assert "verifier_session" not in browser.execute_script("return document.cookie")
        # A reload (a new session) is still signed in, by the browser's cookie.
        settle(browser)
        browser.get(f"{server}/dashboard")
        wait.until(lambda d: "Signed in as Dana Ortiz" in body_text(d))
        assert "Password" not in body_text(browser)
        click_when_ready(browser, "//button[.//p[text()='Sign out']]")
        wait.until(lambda d: "Password" in body_text(d))
        # The form was cleared when it was sent: the password is not left in the page.
        assert browser.find_element(By.XPATH, password).get_attribute("value") == ""
        # Signed out, a reload asks again; the cookie is gone.
        wait.until(lambda d: d.get_cookie("verifier_session") is None)
        settle(browser)
        browser.get(f"{server}/dashboard")
        wait.until(lambda d: "Password" in body_text(d))
        assert "Signed in as" not in body_text(browser)
    finally:
        accounts.disable_account(records.db, "Dana Ortiz")
        records.close()
