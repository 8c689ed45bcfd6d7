"""Verdict reports end to end, as a desk makes them: three claims of the sample reviewed in
headless Chromium, every format downloaded from the Exports page and written by
``verifier export``, the same records (and the same verdict and assignment histories) in both,
the HTML report opened in Chromium (screenshot in test-artifacts/), ClaimReview valid, and a
hostile note inert everywhere."""

from __future__ import annotations

import csv
import html
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
from browsing import (
    REVIEWER_FIELD,
    ROOT,
    app_server,
    body_text,
    choose_file,
    chromium,
    click_when_ready,
    expand,
    pick,
    press,
    screenshot,
    settle,
    type_when_ready,
)
from markdown_it import MarkdownIt
from openpyxl import Workbook, load_workbook
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.reports import CLAIMREVIEW_SCHEMA, HOSTILE, SCRIPT

pytestmark = [pytest.mark.browser, pytest.mark.model]
PUBLISHER = {
    "VERIFIER_PUBLISHER_NAME": "Desk Check",
    "VERIFIER_PUBLISHER_URL": "https://desk.example.org",
    "VERIFIER_FACTCHECK_URL": "https://desk.example.org/checks/{claim_id}",
    "VERIFIER_MAX_FILE_MB": "4.5",
}
FILES = {
    "JSON Lines": "verdict-report.jsonl",
    "CSV": "verdict-report.csv",
    "Excel": "verdict-report.xlsx",
    "Parquet": "verdict-report.parquet",
    "HTML report": "verdict-report.html",
    "Markdown": "verdict-report.md",
    "JSON-LD array": "claimreview.json",
    "Script snippets": "claimreview.snippets.html",
}
NOTE = f"{HOSTILE} {SCRIPT}"
# (claim, verdict, note, cite the first evidence)
REVIEWS = [
    (1, "supported", "Matches the Pentagon statement", True),
    (2, "disputed", NOTE, True),
    (3, "unverified", "", False),
]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def server(home: Path) -> Iterator[str]:
    with app_server(home, PUBLISHER) as url:
        yield url


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[webdriver.Chrome]:
    with chromium(downloads) as driver:
        yield driver


def claim_box(number: int) -> str:
    return f"(//div[@data-testid='stExpander'])[{number}]"


def review(browser: webdriver.Chrome, wait: WebDriverWait, done: int) -> None:
    """Record :data:`REVIEWS` through the review page's forms."""
    for number, verdict, note, cite in REVIEWS:
        box = claim_box(number)
        settle(browser)  # the last save's rerun may still be redrawing the claims
        expand(browser, box)
        pick(browser, f"{box}//label[.//p[text()='{verdict}']]")
        if note:
            type_when_ready(browser, f"{box}//textarea", note)
        if cite:
            click_when_ready(browser, f"{box}//div[@data-testid='stMultiSelect']//input")
            best = "//*[@role='option'][starts-with(normalize-space(.), '#1 ')]"
            click_when_ready(browser, best, scroll=False)
            browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
        click_when_ready(browser, f"{box}//button[.//p[text()='Save verdict']]")
        done += 1
        try:
            wait.until(lambda d, n=done: f"{n} of 11 claims reviewed" in body_text(d))
        except TimeoutException:
            screenshot(browser, f"review-{number}-not-saved.png")
            shown = browser.find_element(By.XPATH, box).text
            pytest.fail(f"claim {number} not saved; its box reads: {shown[-2000:]}")


def click(browser: webdriver.Chrome, element: WebElement) -> None:
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def download(
    browser: webdriver.Chrome, wait: WebDriverWait, folder: Path, label: str, name: str = ""
) -> Path:
    """Click the download button ``label``; the file it saves (``name``, by default the
    report's file of :data:`FILES`), once complete."""
    button = wait.until(
        ec.element_to_be_clickable(
            (By.XPATH, f"//div[@data-testid='stDownloadButton']//button[.//p[text()='{label}']]")
        )
    )
    click(browser, button)
    path = folder / (name or FILES[label])
    deadline = time.monotonic() + 60
    while not (path.exists() and path.stat().st_size and not list(folder.glob("*.crdownload"))):
        assert time.monotonic() < deadline, f"{label}: no {path.name} in {os.listdir(folder)}"
        time.sleep(0.2)
    return path


def cli_export(home: Path, *args: str) -> None:
    cli_run(home, "export", *args)


def cli_run(home: Path, *args: str) -> None:
    """A command on the app's data folder, as a desk's script runs it."""
    env = {k: v for k, v in os.environ.items() if k != "VERIFIER_DB_URL"} | PUBLISHER
    done = subprocess.run(
        [sys.executable, "-m", "verifier", "--home", str(home), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def same_document(one: Path, other: Path) -> None:
    """Equal but for the time each was generated."""
    stamp = re.compile(r"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC")

    def text(path: Path) -> str:
        return stamp.sub("generated", path.read_text(encoding="utf-8"))

    assert text(one) == text(other), one.name


def sheet_cells(path: Path) -> list[list[object]]:
    return [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]


def test_reviewed_claims_export_the_same_from_the_page_and_the_cli(
    server: str, browser: webdriver.Chrome, home: Path, downloads: Path, tmp_path: Path
) -> None:
    wait = WebDriverWait(browser, 90)
    browser.get(f"{server}/review")
    wait.until(lambda d: "0 of 11 claims reviewed" in body_text(d))
    type_when_ready(browser, REVIEWER_FIELD, "Dana", Keys.ENTER)
    wait.until(lambda d: "Enter your name" not in body_text(d))
    review(browser, wait, 0)

    click_when_ready(browser, "//a[@data-testid='stSidebarNavLink'][.//p[text()='Export reports']]")
    wait.until(lambda d: "/exports" in d.current_url and "Download" in body_text(d))
    wait.until(lambda d: "Suggestion kept" in body_text(d))
    screenshot(browser, "exports.png")
    started = time.monotonic()
    page = {label: download(browser, wait, downloads, label) for label in list(FILES)[:6]}
    print(f"downloads took {time.monotonic() - started:.1f} s")
    press(browser, "Build ClaimReview")
    try:
        wait.until(lambda d: "3 ClaimReview object(s) ready" in body_text(d))
    finally:
        screenshot(browser, "claimreview.png")
    for label in list(FILES)[6:]:
        page[label] = download(browser, wait, downloads, label)

    # One command writes every format (ClaimReview's .json its snippets beside it).
    cli = {label: tmp_path / name for label, name in FILES.items()}
    cli_export(home, *(f"--out={cli[label]}" for label in FILES if label != "Script snippets"))

    # The same records whichever way they were exported.
    lines = page["JSON Lines"].read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["verdict"] for r in records] == [verdict for _, verdict, _, _ in REVIEWS]
    assert {r["reviewer"] for r in records} == {"Dana"} and records[1]["note"] == NOTE
    assert [len(r["evidence"]) for r in records] == [1, 1, 0]
    assert records == [json.loads(line) for line in cli["JSON Lines"].read_text().splitlines()]
    assert pq.read_table(page["Parquet"]).to_pylist() == records
    assert pq.read_table(cli["Parquet"]).to_pylist() == records
    assert page["CSV"].read_text(encoding="utf-8") == cli["CSV"].read_text(encoding="utf-8")
    assert sheet_cells(page["Excel"]) == sheet_cells(cli["Excel"])
    for label in ("HTML report", "Markdown", "Script snippets"):
        same_document(page[label], cli[label])
    reviews = json.loads(page["JSON-LD array"].read_text(encoding="utf-8"))
    assert reviews == json.loads(cli["JSON-LD array"].read_text(encoding="utf-8"))
    assert len(reviews) == 3
    for item in reviews:
        jsonschema.validate(item, CLAIMREVIEW_SCHEMA)
    assert [r["url"] for r in reviews] == [
        f"https://desk.example.org/checks/{r['claim_id']}" for r in records
    ]

    # The hostile note is inert everywhere.
    with open(page["CSV"], encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    cells += [str(v) for row in sheet_cells(page["Excel"]) for v in row if v is not None]
    assert "'" + NOTE in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    for label in ("HTML report", "Script snippets", "JSON-LD array"):
        assert "<script>alert" not in page[label].read_text(encoding="utf-8"), label
    markdown = MarkdownIt("commonmark").enable("table").render(page["Markdown"].read_text())
    assert "<script>alert" not in markdown and html.escape(NOTE) in markdown

    # The HTML report, opened in Chromium: the summary, every reviewed claim, its evidence.
    browser.get(page["HTML report"].as_uri())
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018 (the hostile script never ran)
    assert browser.execute_script("return document.scripts.length") == 0
    shown = " ".join(body_text(browser).split())
    assert "Summary" in shown and "Claims per verdict" in shown
    assert "Reviewers kept the suggested verdict" in shown
    for record in records:
        assert " ".join(str(record["sentence"]).split()) in shown
        assert str(record["verdict"]).upper() in shown
        for item in record["evidence"]:
            assert " ".join(item["quote"].split()) in shown
    assert NOTE in shown
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1200, min(int(height) + 100, 8000))
    path = screenshot(browser, "verdict-report.png")
    browser.set_window_size(1400, 1000)
    print(f"screenshot of the HTML report: {path}")
    assert path.stat().st_size > 10_000

    # The Excel report, filled in offline (the third claim re-checked), comes back on the page:
    # only that claim changes; the two others, hostile note included, come back as they were.
    # Lee decided that claim again meanwhile: the import is refused until the box is ticked.
    third = str(records[2]["claim_id"])
    cli_run(home, "review", third, "--verdict", "disputed", "--reviewer", "Lee")
    book = load_workbook(page["Excel"])
    header = [cell.value for cell in book.active[1]]
    book.active.cell(4, header.index("verdict") + 1, "supported")
    book.active.cell(4, header.index("note") + 1, "Re-checked with the ministry")
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    browser.get(f"{server}/exports")
    wait.until(lambda d: "Import verdicts" in body_text(d))
    type_when_ready(browser, REVIEWER_FIELD, "Dana", Keys.ENTER)
    settle(browser)
    choose_file(browser, filled)
    settle(browser)  # the file's rerun over: a click during a redraw can be lost
    press(browser, "Import verdicts")
    refusal = (
        f"1 row(s) would replace a verdict given after the file was exported (line 4: claim "
        f"#{third} was marked disputed by Lee at "
    )
    try:
        wait.until(lambda d: refusal in body_text(d))
    finally:
        screenshot(browser, "import-verdicts-refused.png")
    assert "import again with 'Replace verdicts given since the export' ticked" in body_text(
        browser
    )
    click_when_ready(browser, "//label[.//p[text()='Replace verdicts given since the export']]")
    settle(browser)
    press(browser, "Import verdicts")
    try:
        wait.until(lambda d: "Imported 1 verdict(s) (2 unchanged) from filled.xlsx" in body_text(d))
    finally:
        screenshot(browser, "import-verdicts.png")
    cli_export(home, "--out", str(tmp_path / "after.jsonl"))
    after = [json.loads(line) for line in (tmp_path / "after.jsonl").read_text().splitlines()]
    assert after[:2] == records[:2]
    assert (after[2]["verdict"], after[2]["note"], after[2]["history_entries"]) == (
        "supported",
        "Re-checked with the ministry",
        3,  # Dana's, Lee's, the sheet's
    )

    # The verdict history, from the page as from the command line: every change, in order.
    history = download(browser, wait, downloads, "History (CSV)", "verdict-history.csv")
    cli_export(home, "--history", "--out", str(tmp_path / "history.csv"))
    assert history.read_text(encoding="utf-8") == (tmp_path / "history.csv").read_text("utf-8")
    with open(history, encoding="utf-8", newline="") as handle:
        changes = [row for row in csv.DictReader(handle) if row["claim_id"] == third]
    assert [(c["changed_by"], c["from_verdict"], c["to_verdict"]) for c in changes] == [
        ("Dana", "", "unverified"),
        ("Lee", "unverified", "disputed"),
        ("Dana", "disputed", "supported"),
    ]
    # And in words, as a page a standards editor reads (the CLI's own, but for its time).
    page = download(browser, wait, downloads, "History (HTML)", "verdict-history.html")
    cli_export(home, "--history", "--out", str(tmp_path / "history.html"))
    stamp = re.compile(r"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC")
    assert stamp.sub("", page.read_text("utf-8")) == stamp.sub(
        "", (tmp_path / "history.html").read_text("utf-8")
    )
    claim_part = page.read_text("utf-8").split(f'id="claim-{third}"')[1].split("</article>")[0]
    assert "Dana:" in claim_part and "changed the verdict from" in claim_part

    # The assignment history: the claim handed to Lee, then back to nobody, from a script;
    # the page offers its download once there is one, with the CLI's very rows.
    cli_run(home, "claims", "assign", third, "--to", "Lee", "--by", "Dana")
    cli_run(home, "claims", "assign", third, "--nobody", "--by", "Dana")
    browser.get(f"{server}/exports")
    wait.until(lambda d: "Assignment history: every hand-over" in body_text(d))
    caption = browser.find_element(By.XPATH, "//p[starts-with(., 'Assignment history')]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", caption)
    screenshot(browser, "exports-histories.png")
    handed = download(browser, wait, downloads, "Assignments (CSV)", "assignment-history.csv")
    cli_export(home, "--history", "assignments", "--out", str(tmp_path / "handed.csv"))
    assert handed.read_text(encoding="utf-8") == (tmp_path / "handed.csv").read_text("utf-8")
    with open(handed, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["claim_id"], r["from_assignee"], r["to_assignee"]) for r in rows] == [
        (third, "", "Lee"),
        (third, "Lee", ""),
    ]


def test_a_desks_sheet_of_claims_is_scored_on_the_page(
    server: str, browser: webdriver.Chrome, downloads: Path, tmp_path: Path
) -> None:
    """Uploaded on the Score page, a sheet comes back as a scored workbook: its own columns
    first, each claim's row in the sheet, the suggestion and the best source."""
    book = Workbook()
    book.active.append(["Ref", "Statement", "Seen on"])
    book.active.append(["V-1", "Russia has deployed 28 combat aircraft to Syria.", "X"])
    book.active.append(["V-2", None, "TikTok"])  # not written yet: skipped
    book.active.append(["V-3", "Davis said no Russian fighter jets had arrived.", "Telegram"])
    sheet = tmp_path / "going-round.xlsx"
    book.save(sheet)
    wait = WebDriverWait(browser, 120)
    browser.get(f"{server}/score")
    wait.until(lambda d: "Score claims" in body_text(d))
    settle(browser)
    # The upload field keeps to VERIFIER_MAX_FILE_MB (rounded up), not Streamlit's 200 MB.
    wait.until(lambda d: "MB per file" in body_text(d))
    assert "5MB per file" in body_text(browser)
    type_when_ready(browser, "//input[@aria-label='Claim column (tables)']", Keys.CONTROL, "a")
    type_when_ready(browser, "//input[@aria-label='Claim column (tables)']", "statement")
    choose_file(browser, sheet)
    press(browser, "Score")
    wait.until(lambda d: "Scored 2 claim(s) from going-round.xlsx" in body_text(d))
    # Scored in the background and kept: a reloaded page (a new session) shows it again.
    browser.refresh()
    wait.until(lambda d: "Scored 2 claim(s) from going-round.xlsx" in body_text(d))
    settle(browser)
    path = download(browser, wait, downloads, "Excel", "going-round-scored.xlsx")
    screenshot(browser, "score-claims.png")  # (a failure leaves its own: see conftest)
    header, *rows = sheet_cells(path)
    assert header[:3] == ["row", "ref", "seen on"]
    assert [row[:3] for row in rows] == [[2, "V-1", "X"], [4, "V-3", "Telegram"]]
    assert {"claim", "suggested_verdict", "confidence", "top_uri", "evidence"} <= set(header)
    claims = [row[header.index("claim")] for row in rows]
    assert claims[0] == "Russia has deployed 28 combat aircraft to Syria."
    assert all(row[header.index("top_uri")] for row in rows)
    # Added for review as one list, and opened from the link the page gives.
    type_when_ready(browser, REVIEWER_FIELD, "Dana", Keys.ENTER)
    settle(browser)
    press(browser, "Add to the review queue")
    wait.until(lambda d: "2 claim(s) in the list 'going-round.xlsx', to review" in body_text(d))
    click_when_ready(browser, "//a[.//p[text()='Open the list']]")
    wait.until(lambda d: "/review?article=" in d.current_url)
    wait.until(lambda d: all(claim in body_text(d) for claim in claims))
    screenshot(browser, "score-claims-listed.png")
