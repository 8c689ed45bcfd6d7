"""Responsiveness of the review app on a busy desk: 10,000 claims and a 632-claim article.

Two data folders are made: the baseline (the sample corpus only: one article of 11 claims),
and the busy desk (the sample, a 632-claim article of about 50,000 characters, and 10,000
claims in 100 more articles, all matched; 2,000 of them reviewed, so the claim memory holds
2,000 claims). The app runs through Streamlit's AppTest in this process, with the model and
the workbench loaded once (warm, as a desk's server is after its first visitor); each step
is timed as the script run that answers it, the best of ``--repeat`` runs:

* queue first paint: a new browser session opens the app (the queue is the first page);
* open claim: the next claim opens (J);
* save and next: a verdict is saved and the next claim opens (S);
* open the 632-claim article on the Articles page, and on "Claims by article".

Then the same steps as a person sees them: ``verifier app`` on each data folder, driven by
headless Chromium (the tests' ``browsing.py``), timed from the request or key press until the
page has finished drawing (skip with ``--no-browser``).

Printed: seconds for each on both desks and the busy desk's ratio to the baseline; the
target is under 1 s each on the busy desk (2 cores).

Run: .venv/bin/python benchmarks/bench_workbench.py [--claims 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # browsing.py: the app server and Chromium of the tests

from verifier import Label, Settings, Workbench, pipeline  # noqa: E402
from verifier.match import claim_ids  # noqa: E402
from verifier.views import list_articles  # noqa: E402

APP = str(ROOT / "app.py")
ACTORS = ["The Pentagon", "A Western diplomat", "Kremlin spokesman Dmitry Peskov",
          "Stratfor", "Syrian state media", "The defence ministry", "US officials",
          "Local sources", "A UN monitor", "The Turkish foreign ministry"]  # fmt: skip
THINGS = ["combat aircraft", "tanks", "troops", "helicopters", "armoured vehicles",
          "artillery pieces", "housing units", "air defence systems"]  # fmt: skip
PLACES = ["Latakia", "Tartus", "Hama", "Aleppo", "Homs", "Jableh", "Damascus", "Idlib"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def sentence(rng: random.Random, n: int) -> str:
    actor, thing = rng.choice(ACTORS), rng.choice(THINGS)
    place, day = rng.choice(PLACES), rng.choice(DAYS)
    return f"{actor} said {n} {thing} had arrived near {place} on {day}, the report said."


def article(rng: random.Random, claims: int, start: int) -> str:
    """An article of ``claims`` check-worthy sentences (numbered from ``start``, so every
    sentence is new), four to a paragraph."""
    lines = [sentence(rng, start + i) for i in range(claims)]
    return "\n\n".join(" ".join(lines[i : i + 4]) for i in range(0, claims, 4))


def fill(bench: Workbench, claims: int) -> int:
    """The busy desk: a 632-claim article, then ``claims`` more in articles of 100, all
    matched, a fifth of them reviewed. Returns the long article's id."""
    rng = random.Random(7)
    started = time.perf_counter()
    text = article(rng, 632, 100_000)
    long = pipeline.check_article(bench, text, title="Long read").article
    assert len(long.claims) == 632, len(long.claims)
    print(f"checking the {len(text):,}-character, 632-claim article (extract, store, match): "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    started = time.perf_counter()
    for n in range(0, claims, 100):
        pipeline.extract_article(bench, article(rng, 100, n * 10), title=f"Wire batch {n // 100}")
    pipeline.match_claims(bench)
    with bench.db.session() as session:
        ids = claim_ids(session)
    for claim_id in ids[: len(ids) // 5]:
        pipeline.review_claim(
            bench, claim_id, rng.choice(list(Label)), rng.choice(["dana", "omar"])
        )
    print(f"busy desk: {len(ids)} claims, {len(ids) // 5} reviewed, made in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    return long.id


def best(step: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(home: Path, long_id: int, title: str, repeat: int) -> dict[str, float]:
    os.environ["VERIFIER_HOME"] = str(home)
    os.environ["VERIFIER_STANCE_MODEL"] = "rules"  # as the data was scored: see main()
    AppTest.from_file(APP, default_timeout=600).run()  # warm: model and workbench loaded
    found: dict[str, float] = {}
    found["queue first paint"] = best(
        lambda: AppTest.from_file(APP, default_timeout=600).run(), repeat
    )
    app = AppTest.from_file(APP, default_timeout=600).run()
    app.sidebar.text_input(key="reviewer").input("bench").run()
    found["open claim (next)"] = best(lambda: app.button(key="q-next").click().run(), repeat)
    found["save and next"] = best(lambda: app.button(key="q-supported").click().run(), repeat)
    assert not app.exception, app.exception
    page = AppTest.from_file(APP, default_timeout=600).run()
    page.switch_page("ui/pages/articles.py").run()
    page.query_params["article"] = str(long_id)
    found["open the long article (Articles)"] = best(page.run, repeat)
    assert not page.exception, page.exception
    assert page.subheader[0].value == title, page.subheader[0].value
    review = AppTest.from_file(APP, default_timeout=600).run()
    review.switch_page("ui/pages/review.py").run()
    review.selectbox[0].set_value(long_id)
    found["open the long article (by article)"] = best(review.run, repeat)
    assert review.selectbox[0].value == long_id and len(review.expander) <= 25
    return found


def browser_times(home: Path, repeat: int) -> dict[str, float]:
    """The same steps as a person sees them: ``verifier app`` serving ``home``, driven by
    headless Chromium, from the request (or key) until the page has finished drawing."""
    from browsing import app_server, body_text, chromium
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    def drawn(driver: object) -> bool:
        idle = not driver.find_elements(By.CSS_SELECTOR, "[data-testid='stStatusWidget']")  # type: ignore[attr-defined]
        return idle and "Claim #" in body_text(driver)  # type: ignore[arg-type]

    def heading(driver: object) -> str:
        found = re.search(r"Claim #\d+", body_text(driver))  # type: ignore[arg-type]
        return found.group(0) if found else ""

    found: dict[str, list[float]] = {}
    with app_server(home) as url, chromium() as driver:
        wait = WebDriverWait(driver, 300, poll_frequency=0.02)
        driver.get(url)  # the server's first visitor loads the model: not timed
        wait.until(drawn)
        for _ in range(repeat):
            started = time.perf_counter()
            driver.get(url)
            wait.until(drawn)
            found.setdefault("queue first paint", []).append(time.perf_counter() - started)
        name = wait.until(
            lambda d: d.find_element(By.CSS_SELECTOR, "[data-testid='stSidebar'] input")
        )
        name.send_keys("bench", Keys.ENTER)
        wait.until(drawn)
        driver.execute_script("document.activeElement.blur()")
        for step, key in (("open claim (next)", "j"), ("save and next", "s")):
            for _ in range(repeat):
                wait.until(drawn)
                time.sleep(0.3)  # let the page settle before the key
                before = heading(driver)
                started = time.perf_counter()
                ActionChains(driver).send_keys(key).perform()
                wait.until(lambda d, before=before: heading(d) not in ("", before) and drawn(d))
                found.setdefault(step, []).append(time.perf_counter() - started)
    return {step: min(times) for step, times in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium timings")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    browser: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as base, tempfile.TemporaryDirectory() as busy:
        for name, home in (("baseline", Path(base)), ("busy", Path(busy))):
            # The rules make the suggestions here: this measures the pages, not the scoring.
            settings = Settings.from_env(home=home, stance_model="rules")
            with Workbench.open(settings, upgrade=True) as bench:
                sample = pipeline.load_sample(bench)
                if name == "busy":
                    long_id, title = fill(bench, args.claims), "Long read"
                else:
                    long_id, title = sample.article_id, sample_title(bench)
            results[name] = measure(home, long_id, title, args.repeat)
            if not args.no_browser:
                browser[name] = browser_times(home, args.repeat)
    for heading, table in (
        ("script runs (AppTest, server side)", results),
        ("in headless Chromium, request or key to drawn page", browser),
    ):
        if not table:
            continue
        print(f"\n{heading}")
        print(f"{'step':<36} {'baseline s':>10} {'busy s':>8} {'ratio':>6}  under 1 s")
        for step, base_s in table["baseline"].items():
            busy_s = table["busy"][step]
            print(f"{step:<36} {base_s:>10.3f} {busy_s:>8.3f} {busy_s / base_s:>5.2f}x  "
                  f"{'yes' if busy_s < 1 else 'NO'}")  # fmt: skip


def sample_title(bench: Workbench) -> str:
    """The baseline's article: the sample's, its only one."""
    with bench.db.session() as session:
        (only,) = list_articles(session)
    return only.title


if __name__ == "__main__":
    main()
