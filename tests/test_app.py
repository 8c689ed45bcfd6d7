"""The Streamlit app through AppTest: first start loads the sample, reviews are recorded, an
article is checked from its page, and bad settings give one escaped error line."""

import json
import re
import shutil
import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from conftest import drop_pg_database, make_pg_database, served
from made_documents import make_scan, make_screenshot, make_weekly_tips
from markdown_it import MarkdownIt
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.testing.v1 import AppTest

from ui import state
from ui.components import split_evidence
from verifier import accounts, pipeline
from verifier.citations import cited_passages
from verifier.config import Settings
from verifier.db.session import make_engine
from verifier.errors import InputError
from verifier.jobs import JobState, ScoringJob
from verifier.labels import Label
from verifier.review import history
from verifier.stance.trained import RULES_VERSION
from verifier.views import EvidenceView, article_claims, claim_view, list_articles
from verifier.workbench import Workbench, open_records

APP = str(Path(__file__).resolve().parents[1] / "app.py")
_COMPONENTS: list[BidiComponentManager] = []  # see new_app
ARTICLES_PAGE = "ui/pages/articles.py"
EXTRACT = "FormSubmitter:new-article-Extract and match claims"
REVIEW_PAGE = "ui/pages/review.py"
QUEUE_PAGE = "ui/pages/queue.py"
EXPORTS_PAGE = "ui/pages/exports.py"
SCORE_PAGE = "ui/pages/score.py"
#: For a page's own behaviour, which the core's tests already check on both databases: the
#: app on SQLite alone keeps the suite's time down.
ON_SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
pytestmark = pytest.mark.model  # the app opens the real model and loads the sample corpus


@pytest.fixture(scope="module")
def first_started(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[str, Path], None]]:
    """``copy(db_url, home)``: fills the empty database at ``db_url`` and the data folder
    ``home`` as the app's first start leaves them (``ui.state``: schema upgraded, sample corpus
    loaded), from a first start made once per backend for the module. Each test's app starts
    on such a copy rather than loading the sample again (a second or two a test); the
    first-start tests start on empty ones."""
    made: dict[str, tuple[Path, str]] = {}

    def copy(db_url: str, home: Path) -> None:
        kind = sa.make_url(db_url).get_backend_name()
        if kind not in made:
            folder = tmp_path_factory.mktemp(f"first-start-{kind}")
            url = make_pg_database() if kind == "postgresql" else f"sqlite:///{folder / 'first.db'}"
            settings = Settings.from_env(home=folder / "home", db_url=url)
            with Workbench.open(settings, upgrade=True) as bench:
                pipeline.load_sample_if_empty(bench)
            made[kind] = (folder / "home", url)
        first_home, first_url = made[kind]
        shutil.copytree(first_home, home)
        if kind == "postgresql":
            drop_pg_database(db_url)
            make_pg_database(template=first_url, url=db_url)
        else:
            shutil.copyfile(str(sa.make_url(first_url).database), str(sa.make_url(db_url).database))

    yield copy
    for _, url in made.values():
        if url.startswith("postgresql"):
            drop_pg_database(url)


def new_app(timeout: float = 120) -> AppTest:
    """AppTest of the app. Each AppTest scans every installed package for Streamlit
    components (0.8 s a test here), which a server does once when it starts: these tests
    share one scan, made the way AppTest makes its own (Streamlit 1.67)."""
    app = AppTest.from_file(APP, default_timeout=timeout)
    if getattr(app, "_bidi_component_manager", False) is None:
        if not _COMPONENTS:
            manager = BidiComponentManager()
            manager.discover_and_register_components(start_file_watching=False)
            _COMPONENTS.append(manager)
        app._bidi_component_manager = _COMPONENTS[0]
    return app


@pytest.fixture
def app(
    tmp_path: Path,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    first_started: Callable[[str, Path], None],
) -> AppTest:
    """The app on a copy of a first start's data folder and database (see ``first_started``)."""
    first_started(db_url, tmp_path / "home")
    monkeypatch.setenv("VERIFIER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VERIFIER_DB_URL", db_url)
    return new_app().run()


def test_first_start_loads_the_sample_article_with_evidence(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIFIER_HOME", str(tmp_path / "home"))  # empty, as is the database
    monkeypatch.setenv("VERIFIER_DB_URL", db_url)
    app = new_app().run()
    app.switch_page(REVIEW_PAGE).run()
    assert not app.exception
    assert (
        app.selectbox[0]
        .format_func(app.selectbox[0].value)
        .startswith("Russia builds up forces at Syrian air base")
    )
    titles = [e.label for e in app.expander]
    assert len(titles) >= 8
    assert any("100 miles" in t for t in titles)
    text = " ".join(m.value for m in app.markdown)
    for label, colour in (
        (Label.SUPPORTED, "green"),
        (Label.DISPUTED, "red"),
        (Label.UNVERIFIED, "gray"),
    ):
        assert f"suggested :{colour}[**{label.value}**]" in text
    assert "Profile\\: Latakia, Assad's coastal heartland" in text
    # Each passage shows what the stance model read in it; conflicting figures or rating
    # words are highlighted in the passage.
    assert ":green[**supports**]" in text and ":red[**refutes**]" in text
    assert ":red-background[**" in text
    # Reasons quote source titles; they are escaped like every other source text.
    captions = [c.value for c in app.caption]
    assert any("'Fact\\-check\\: Has Assad moved" in c for c in captions), captions
    assert "0 of" in app.get("progress")[0].proto.text
    assert "passages indexed" in app.sidebar.caption[-1].value


def test_first_start_on_the_default_settings_suggests_with_the_trained_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a new desk starts it: no settings at all (SQLite in the home folder).
    monkeypatch.delenv("VERIFIER_STANCE_MODEL", raising=False)
    monkeypatch.delenv("VERIFIER_DB_URL", raising=False)
    monkeypatch.setenv("VERIFIER_HOME", str(tmp_path / "home"))
    app = new_app(180).run()
    app.switch_page(REVIEW_PAGE).run()
    assert not app.exception
    captions = [c.value.replace("\\", "") for c in app.caption]  # markdown escapes away
    made_by = rf"suggested by the trained stance model \S+\.{RULES_VERSION}, on keyword and meaning"
    lines = [c for c in app.caption if re.search(made_by, c.value.replace("\\", ""))]
    in_full = rf"hybrid\S* \+ trained \S+\.{RULES_VERSION}"
    assert lines and all(re.search(in_full, c.help.replace("\\", "")) for c in lines)
    # Each passage read shows the cross-encoder's stance and its probability.
    text = " ".join(m.value for m in app.markdown)
    assert re.search(r":(green|red|gray)\[\*\*(supports|refutes|neutral)\*\*\]", text)
    assert re.search(r"(supports|refutes|neutral) 0\.\d\d", " ".join(captions + [text]))


@ON_SQLITE
def test_a_desks_own_first_source_is_kept_and_counted_on_first_start(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A desk ingested one short statement before it first opened the app: no sample is
    # loaded over it, and the sidebar counts its single passage.
    monkeypatch.setenv("VERIFIER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VERIFIER_DB_URL", db_url)
    source = tmp_path / "statement.txt"
    source.write_text("The ministry said its jets remain at the Hmeimim air base.\n")
    with Workbench.open(Settings.from_env(), upgrade=True) as bench:
        pipeline.ingest(bench, [source])
    app = new_app().run()
    assert not app.exception
    assert app.sidebar.caption[-1].value.startswith("1 passage indexed · ")
    app.switch_page("ui/pages/sources.py").run()
    [title] = list(app.dataframe[0].value["title"])  # its first line: no sample source
    assert title.startswith("The ministry said its jets remain")


def test_a_far_passage_the_stance_model_read_as_refuting_stays_in_view() -> None:
    def view(rank: int, score: float, stance: str | None) -> EvidenceView:
        return EvidenceView(rank, score, rank, "text", "Doc", None, None, None, "u", stance)

    near, far, refuting, unread = (
        view(1, 0.8, "supports"),
        view(2, 0.5, "neutral"),
        view(3, 0.47, "refutes"),
        view(4, 0.4, None),
    )
    assert split_evidence([near, far, refuting, unread]) == ([near, refuting], [far, unread])


def test_passages_far_from_a_claim_and_read_as_neutral_fold_away(app: AppTest) -> None:
    app.switch_page(REVIEW_PAGE).run()
    headings = [m.value for m in app.markdown if m.value.startswith("**#")]
    shown = [float(h.split(" · ")[1]) for h in headings]
    # With the rules every passage under 0.6 similarity is neutral ("not close enough").
    assert shown and min(shown) >= 0.6
    toggles = [t for t in app.toggle if t.key and t.key.startswith("weak-")]
    assert toggles, "the sample has claims with passages below the relevance threshold"
    first = toggles[0]
    count = re.search(r"Show (\d+) passage", first.label)
    assert count, first.label
    folded = int(count.group(1))
    first.set_value(True).run()
    assert not app.exception
    opened = [m.value for m in app.markdown if m.value.startswith("**#")]
    assert len(opened) == len(headings) + folded
    assert min(float(h.split(" · ")[1]) for h in opened) < 0.6
    assert all(":gray[**neutral**]" in h for h in opened if h not in headings)


def test_review_needs_a_name_then_is_saved_with_history(app: AppTest) -> None:
    app.switch_page(REVIEW_PAGE).run()
    app.button(key="FormSubmitter:review-1-Save verdict").click().run()
    assert "enter your name" in app.error[0].value

    app.sidebar.text_input(key="reviewer").input("Dana").run()
    # Form widgets are sent together with the submit, as a browser does.
    app.radio(key="label-1").set_value(Label.DISPUTED)
    app.text_area(key="note-1").input("Defence ministry denies the base")
    app.button(key="FormSubmitter:review-1-Save verdict").click().run()
    assert not app.exception and not app.error
    assert "1 of" in app.get("progress")[0].proto.text
    table = app.table[0].value
    assert table.iloc[0]["who"] == "Dana" and table.iloc[0]["to"] == "disputed"
    assert table.iloc[0]["note"] == "Defence ministry denies the base"


@ON_SQLITE
def test_a_verdict_given_elsewhere_meanwhile_is_reported_not_replaced(app: AppTest) -> None:
    app.switch_page(REVIEW_PAGE).run()
    app.sidebar.text_input(key="reviewer").input("Dana").run()  # claim 1 shown, unreviewed
    with open_records() as records:  # another reviewer, another browser
        pipeline.review_claim(records, 1, Label.SUPPORTED, "Lee", "the wire confirms it")
    app.radio(key="label-1").set_value(Label.DISPUTED)
    app.button(key="FormSubmitter:review-1-Save verdict").click().run()
    assert not app.exception
    (line,) = [error.value for error in app.error]
    assert line.startswith("Lee marked claim \\#1 supported at ") and "nothing was saved" in line
    table = app.table[0].value  # Lee's verdict and note are on the page now
    assert list(table["who"]) == ["Lee"] and table.iloc[0]["note"] == "the wire confirms it"
    # Having been told, Dana's second save replaces it; both stay in the history.
    app.button(key="FormSubmitter:review-1-Save verdict").click().run()
    assert not app.exception and not app.error
    assert list(app.table[0].value["who"]) == ["Lee", "Dana"]
    # Her own saves never count against her.
    app.radio(key="label-1").set_value(Label.UNVERIFIED)
    app.button(key="FormSubmitter:review-1-Save verdict").click().run()
    assert not app.error and list(app.table[0].value["to"])[-1] == "unverified"

    # The queue: the claim stays open with the note typed, and the history shows Lee's.
    app.switch_page(QUEUE_PAGE).run()
    claim_id = int(app.subheader[0].value.removeprefix("Claim #"))
    app.text_area(key=f"q-note-{claim_id}").input("six jets, not eight").run()
    with open_records() as records:
        pipeline.review_claim(records, claim_id, Label.SUPPORTED, "Lee", "wire confirms")
    app.button(key="q-disputed").click().run()
    assert not app.exception and not [m for m in app.success if m.value.startswith("Saved")]
    assert [m.value for m in app.success] == [
        "Reviewed: :green[**supported**] by Lee  \nNote: wire confirms"
    ]
    assert app.error[0].value.startswith(f"Lee marked claim \\#{claim_id} supported at ")
    assert app.subheader[0].value == f"Claim #{claim_id}"
    assert app.text_area(key=f"q-note-{claim_id}").value == "six jets, not eight"
    assert list(app.table[0].value["who"]) == ["Lee"]
    app.button(key="q-disputed").click().run()
    assert app.success[0].value == f"Saved claim #{claim_id}: supported → disputed"
    assert app.subheader[0].value != f"Claim #{claim_id}"  # on to the list's next claim


def test_with_accounts_a_reviewer_signs_in_and_verdicts_carry_the_account(
    app: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "FAILED_WAIT", 0.0)
    with open_records() as records:
        accounts.add_account(records.db, "Dana Ortiz", "four words make one", editor=True)

    def sign_in(name: str, password: str) -> None:
        typed_name, typed_password = app.text_input
        typed_name.input(name)
        typed_password.input(password)
        app.button(key="FormSubmitter:sign-in-Sign in").click().run()

    # Once the desk has an account, a session sees the sign-in form alone.
    app.switch_page(REVIEW_PAGE).run()
    assert not app.exception and [h.value for h in app.header] == ["Sign in"]
    assert not app.sidebar.text_input and not app.radio  # no typed name, no claims
    sign_in("Dana Ortiz", "not the password")
    assert app.error[0].value.startswith("wrong name or password")
    assert [h.value for h in app.header] == ["Sign in"]
    sign_in("Dana Ortiz", "four words make one")
    assert not app.exception and not app.error
    assert "Signed in as **Dana Ortiz** (editor)" in [m.value for m in app.sidebar.markdown]
    # Claims go to accounts, picked from a list.
    app.switch_page(QUEUE_PAGE).run()
    to = app.selectbox(key="q-bulk-to")
    assert to.options == ["nobody (take the claims back)", "Dana Ortiz"]
    to.set_value("Dana Ortiz")
    app.button(key="q-bulk-go").click().run()
    assert app.success[0].value == "Assigned 11 claim(s) to Dana Ortiz"
    assert app.selectbox(key="q-assigned").options[:2] == ["anyone", "me (Dana Ortiz)"]
    app.switch_page(REVIEW_PAGE).run()
    # The verdict is saved under the account signed in, with no name typed.
    app.radio(key="label-1").set_value(Label.DISPUTED)
    app.button(key="FormSubmitter:review-1-Save verdict").click().run()
    assert not app.exception and not app.error
    assert app.table[0].value.iloc[0]["who"] == "Dana Ortiz"
    # Signing out shows the form again; so does the account being disabled meanwhile.
    app.sidebar.button(key="sign-out").click().run()
    assert [h.value for h in app.header] == ["Sign in"]
    sign_in("Dana Ortiz", "four words make one")
    assert not app.header or app.header[0].value != "Sign in"
    with open_records() as records:
        accounts.add_account(records.db, "Sam Lee", "another long phrase")
        accounts.disable_account(records.db, "Dana Ortiz")
    app.run()
    assert [h.value for h in app.header] == ["Sign in"]
    assert app.warning[0].value == (
        "Dana Ortiz was signed out (signed out elsewhere, a new password, the account "
        "disabled, or 12 hours passed); sign in again"
    )
    # Too many wrong passwords pause an account's sign-in: the form says until when.
    with open_records() as records:
        for _ in range(accounts.MAX_TRIES):
            accounts.sign_in(records.db, "Sam Lee", "a wrong guess")
    sign_in("Sam Lee", "another long phrase")
    assert app.error[0].value.startswith("sign\\-in as 'Sam Lee' from this address is paused")
    assert [h.value for h in app.header] == ["Sign in"]
    # With no active account left, the app takes a typed name again.
    with open_records() as records:
        accounts.disable_account(records.db, "Sam Lee")
    app.run()
    assert not app.exception and app.sidebar.text_input(key="reviewer") is not None


def test_checking_an_article_extracts_and_matches_its_claims(app: AppTest) -> None:
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.switch_page(ARTICLES_PAGE).run()
    assert not app.exception
    app.text_area[0].input(
        "Spartak Moscow beat Zenit 2-1 on Sunday in front of 40,000 fans, the club said.\n\n"
        "The club said the new stadium cost $5 million and the roof $3 million more."
    )
    app.button(key=EXTRACT).click().run()
    assert not app.exception and not app.error
    assert "2 claims extracted" in app.success[0].value
    # The article opens on the page, with its own URL and its claims highlighted in place.
    article_id = int(app.query_params["article"])
    # No title given: the article is named by its first line.
    assert app.subheader[0].value.startswith("Spartak Moscow beat Zenit 2\\-1 on Sunday")
    text = " ".join(m.value for m in app.markdown)
    assert ":orange-background[Spartak Moscow beat Zenit 2\\-1 on Sunday" in text
    # Dollar signs are escaped: unescaped, "$5 million and the roof $" renders as LaTeX.
    assert "cost \\$5 million and the roof \\$3 million" in text
    app.switch_page(REVIEW_PAGE).run()
    labels = [e.label for e in app.expander]
    # Until a reviewer decides, the line shows the suggestion in grey, named as one.
    assert labels[0] == (
        ":gray[suggested supported] Spartak Moscow beat Zenit 2\\-1 on Sunday in front of "
        "40,000 fans, the club said\\."
    )
    assert article_id == app.selectbox[0].value


def test_a_failed_check_keeps_the_pasted_text(app: AppTest) -> None:
    app.switch_page(ARTICLES_PAGE).run()
    text = "The ministry said 28 aircraft landed. " * 6000  # over 200,000 characters
    app.text_area[0].input(text)
    app.button(key=EXTRACT).click().run()
    assert "enter your name as reviewer in the sidebar before adding" in app.error[0].value
    assert app.text_area[0].value == text
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.button(key=EXTRACT).click().run()
    assert "the limit is 200,000" in app.error[0].value
    assert app.text_area[0].value == text
    assert "article" not in app.query_params


@pytest.mark.parametrize(
    ("variable", "value", "shown"),
    [
        ("VERIFIER_DB_URL", "mysql://desk_user@host/fact_checks", "mysql\\://desk\\_user@host"),
        ("VERIFIER_TOP_K", "zero", "VERIFIER\\_TOP\\_K must be a whole number"),
    ],
)
def test_a_bad_setting_is_one_escaped_error_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, shown: str
) -> None:
    monkeypatch.setenv("VERIFIER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv(variable, value)
    app = new_app(60).run()
    assert not app.exception
    [error] = [e.value for e in app.error]
    # Underscores escaped, or markdown would set "user@host/fact" in italics.
    assert shown in error


def test_a_damaged_database_file_is_one_error_line_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "verifier.db").write_bytes(b"notes from the desk, saved over the db\n")
    monkeypatch.setenv("VERIFIER_HOME", str(tmp_path / "home"))
    app = new_app(60).run()
    assert not app.exception
    [error] = [e.value for e in app.error]
    assert "is damaged \\(file is not a database\\)" in error  # markdown escaped
    assert "restore your last copy" in error


def test_the_article_form_keeps_what_reports_cite(app: AppTest, db_url: str) -> None:
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.switch_page(ARTICLES_PAGE).run()
    text = "The club said the new stadium cost $5 million and the roof $3 million more."
    app.text_area[0].input(text)
    fields = {field.label: field for field in app.text_input}
    fields["Article URL"].input("sport.example.org/stadium")
    fields["Outlet"].input("Sport Example")
    fields["Author"].input("K. Reporter")
    # A date picker, and one that reaches back past Streamlit's default ten years.
    app.date_input(key="art-published").set_value(date(2015, 9, 21))
    app.button(key=EXTRACT).click().run()
    assert "must start with http" in app.error[0].value
    assert app.text_area[0].value == text  # nothing typed is lost
    assert app.date_input(key="art-published").value == date(2015, 9, 21)
    {field.label: field for field in app.text_input}["Article URL"].input(
        "https://sport.example.org/stadium"
    )
    app.button(key=EXTRACT).click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                sa.text("SELECT url, outlet, author, published FROM articles WHERE text = :t"),
                {"t": text},
            ).one()
    finally:
        engine.dispose()
    assert tuple(stored[:3]) == (
        "https://sport.example.org/stadium",
        "Sport Example",
        "K. Reporter",
    )
    assert str(stored[3]) == "2015-09-21"


# A page whose date no date field takes (a typo for 1985, say).
OLD_PAGE = (
    b"<html><head><title>Air base history</title>"
    b'<meta property="og:site_name" content="Archive Wire">'
    b'<meta property="article:published_time" content="1885-06-01T08:30:00Z">'
    b"</head><body><article><p>The air base near Latakia was built in 1975, officials "
    b"said on Monday.</p></article></body></html>"
)


def test_a_fetched_date_the_picker_cannot_show_is_named(app: AppTest) -> None:
    with served(OLD_PAGE) as address:
        app.switch_page(ARTICLES_PAGE).run()
        app.text_input(key="art-fetch").input(f"{address}/old")
        app.button(key="art-fetch-button").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert app.text_input(key="art-outlet").value == "Archive Wire"  # the rest is filled
    assert app.date_input(key="art-published").value is None
    [warning] = [w.value for w in app.warning]
    assert "1885\\-06\\-01 is outside what the date field takes" in warning
    assert "enter it by hand" in warning


def test_the_exports_page_takes_verdicts_back_only_from_a_named_reviewer(app: AppTest) -> None:
    app.switch_page(EXPORTS_PAGE).run()
    submit = "FormSubmitter:import-verdicts-Import verdicts"
    app.button(key=submit).click().run()
    assert [e.value for e in app.error] == [
        "enter your name as reviewer in the sidebar before importing verdicts"
    ]
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.button(key=submit).click().run()
    assert [e.value for e in app.error] == ["choose a .csv or .xlsx file of verdicts first"]
    assert not app.exception


def test_the_exports_page_filters_previews_and_builds_claimreview(app: AppTest) -> None:
    app.switch_page(REVIEW_PAGE).run()
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.radio(key="label-1").set_value(Label.DISPUTED)
    app.button(key="FormSubmitter:review-1-Save verdict").click().run()
    app.switch_page(EXPORTS_PAGE).run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert (metrics["Claims"], metrics["Reviewed"]) == ("1", "1")
    preview = app.dataframe[0].value
    assert list(preview["claim_id"]) == [1] and list(preview["verdict"]) == ["disputed"]
    labels = [button.label for button in app.get("download_button")]
    tables = ["JSON Lines", "CSV", "Excel", "Parquet"]
    documents = [*tables, "HTML", "Markdown"]
    assert labels == [*tables, "HTML report", "Markdown", *(f"History ({t})" for t in documents)]

    app.toggle(key="x-all").set_value(True).run()
    assert {m.label: m.value for m in app.metric}["Claims"] == "11"
    assert len(app.dataframe[0].value) == 11
    app.multiselect(key="x-verdicts").set_value([Label.SUPPORTED]).run()
    assert set(app.dataframe[0].value["suggested_verdict"]) == {"supported"}
    # None of these has a verdict, so none has a history to download.
    assert not [b for b in app.get("download_button") if b.label.startswith("History")]
    app.multiselect(key="x-verdicts").set_value([]).run()
    with open_records() as records:  # a worklist: the claims assigned to one reviewer
        pipeline.assign_claims(records, [2, 3], "Lee", "Dana")
    app.run()
    app.selectbox(key="x-assigned").set_value("Lee").run()
    assert list(app.dataframe[0].value["claim_id"]) == [2, 3]
    assert set(app.dataframe[0].value["assigned_to"]) == {"Lee"}
    # Handed over, they have an assignment history to download (and still no verdict one).
    labels = [button.label for button in app.get("download_button")]
    assert labels[6:] == [f"Assignments ({t})" for t in documents], labels
    assert any(c.value.startswith("Assignment history: every hand-over") for c in app.caption)
    app.selectbox(key="x-assigned").set_value("").run()

    # ClaimReview: without a publisher, one error line; with one, the unreviewed are named.
    app.button(key="FormSubmitter:claimreview-Build ClaimReview").click().run()
    assert "ClaimReview needs the name of the organisation" in app.error[0].value
    fields = {field.label: field for field in app.text_input}
    fields["Publisher"].input("Desk Check")
    fields["Fact-check URL template"].input("https://desk.example.org/checks/{claim_id}")
    app.button(key="FormSubmitter:claimreview-Build ClaimReview").click().run()
    assert not app.error and "1 ClaimReview object(s) ready" in app.success[0].value
    assert "10 claim(s) left out" in app.warning[0].value
    assert "claim 2 " in app.warning[0].value and "not reviewed yet" in app.warning[0].value
    downloads = [button.label for button in app.get("download_button")]
    assert downloads[-2:] == ["JSON-LD array", "Script snippets"]

    app.toggle(key="x-changed").set_value(True).run()  # Dana's verdict was never changed
    assert "match these filters" in app.info[0].value
    app.toggle(key="x-changed").set_value(False)
    app.toggle(key="x-all").set_value(False)
    app.date_input(key="x-since").set_value(date.today() + timedelta(days=2)).run()
    assert not app.exception, app.exception
    assert "No reviewed claims match these filters" in app.info[0].value


HOSTILE_URLS = [
    "javascript:alert(document.cookie)",
    "https://wire.example.com/story> [Click to verify](https://evil.example/phish",
    "https://wire.example.com/`code` *bold* :red[alert]",
    "data:text/html,<script>alert(1)</script>",
]


def _anchors(markdown: str) -> list[tuple[str, str]]:
    """``(href, visible text)`` of every link ``markdown`` renders to."""
    html = MarkdownIt("commonmark").enable("table").render(markdown)
    return [
        (unescape(href), unescape(re.sub(r"<[^>]+>", "", text)))
        for href, text in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', html, re.S)
    ]


def test_links_planted_in_sources_and_notes_render_inert(app: AppTest, db_url: str) -> None:
    """Whatever a source, an article or a reviewer wrote, the page shows no link but a
    source's own http(s) URL, and each link shows the URL it goes to."""
    app.switch_page(REVIEW_PAGE).run()
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            ids = list(
                connection.execute(sa.text("SELECT id FROM documents ORDER BY id")).scalars()
            )
            for n, document_id in enumerate(ids):
                connection.execute(
                    sa.text(
                        "UPDATE documents SET url = :url, title = :title, outlet = :outlet "
                        "WHERE id = :id"
                    ),
                    {
                        "id": document_id,
                        "url": HOSTILE_URLS[n % len(HOSTILE_URLS)],
                        "title": "[Click to verify](https://evil.example/title)",
                        "outlet": "<img src=x onerror=alert(1)> **Wire**\n# Breaking",
                    },
                )
    finally:
        engine.dispose()
    app.sidebar.text_input(key="reviewer").input("[Dana](https://evil.example/who)").run()
    app.text_area(key="note-1").input("See [the proof](javascript:alert(1)) <b>now</b>")
    app.radio(key="label-1").set_value(Label.SUPPORTED)
    app.button(key="FormSubmitter:review-1-Save verdict").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    for expander in app.expander:  # AppTest renders every expander's content
        assert expander.label
    rendered = [m.value for m in app.markdown] + [c.value for c in app.caption]
    rendered += [e.label for e in app.expander]
    table = app.table[0].value
    rendered += [str(cell) for cell in table.to_numpy().ravel()]
    links = [link for body in rendered for link in _anchors(body)]
    assert links, "no source link rendered at all"
    for href, text in links:
        assert href.startswith("https://wire.example.com/"), href
        assert unquote(text) == unquote(href), (href, text)
    assert not any("<img" in MarkdownIt("commonmark").render(body) for body in rendered)
    assert not any("<h1>" in MarkdownIt("commonmark").render(body) for body in rendered)
    assert table.iloc[-1]["note"].startswith("See \\[the proof\\]")
    app.query_params.clear()  # a page switch in a browser clears them; AppTest keeps them
    app.switch_page(ARTICLES_PAGE).run()
    {field.label: field for field in app.text_input}["Title"].input(
        "[Click to verify](https://evil.example/article)"
    )
    app.text_area[0].input("The ministry said 28 aircraft landed at the base on Monday.")
    app.button(key=EXTRACT).click().run()
    (flash,) = [element.value for element in app.success]
    assert "Click to verify" in flash and not _anchors(flash)


def test_the_queue_opens_a_claim_as_a_suggestion_and_saves_with_one_key(app: AppTest) -> None:
    assert not app.exception
    assert app.header[0].value == "Review queue"
    assert len(app.dataframe[0].value) == 11  # every claim of the sample needs review
    first = app.subheader[0].value
    assert any("Suggestion, not a verdict" in info.value for info in app.info)
    assert not app.radio  # nothing stands pre-selected as the desk's verdict
    app.button(key="q-disputed").click().run()  # no reviewer yet: nothing is saved
    assert "enter your name as reviewer" in app.error[0].value
    assert app.subheader[0].value == first
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    claim_id = int(first.removeprefix("Claim #"))
    app.text_area(key=f"q-note-{claim_id}").input("the ministry says six jets")
    app.button(key="q-disputed").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert app.success[0].value == f"Saved claim #{claim_id}: unreviewed → disputed"
    assert app.subheader[0].value != first  # the next claim is open
    assert len(app.dataframe[0].value) == 10
    assert app.text_area[0].value == ""  # a fresh note, never the previous reviewer's
    opened = int(app.subheader[0].value.removeprefix("Claim #"))
    assert app.query_params["claim"] == str(opened)  # the open claim has its own URL
    app.button(key="q-accept").click().run()
    assert "Saved claim #" in app.success[0].value and not app.error
    assert len(app.dataframe[0].value) == 9


@ON_SQLITE
def test_a_reviewer_searches_the_sources_and_cites_a_passage_the_match_missed(
    app: AppTest,
) -> None:
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    claim_id = int(app.subheader[0].value.removeprefix("Claim #"))
    search = app.text_input(key=f"q-find-{claim_id}")
    search.input("ruble central bank rate decision").run()
    assert not app.exception and not app.error
    shown = [m.value for m in app.markdown if m.value.startswith("#")]
    assert (
        len(shown) == 5
        and "**Ruble steadies as oil recovers** — Moscow Markets Daily" in (shown[0])
    )
    cite = app.multiselect(key=f"q-ev-{claim_id}")
    found = [o for o in cite.options if o.startswith("found: Ruble steadies as oil recovers")]
    assert found, cite.options
    cite.select(found[0]).run()
    app.button(key="q-unverified").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    with open_records() as records, records.db.session() as session:
        [change] = history(session, claim_id)
        [quoted] = cited_passages(session, change.evidence).values()
    assert quoted.title == "Ruble steadies as oil recovers"
    too_long = app.text_input(key=f"q-find-{int(app.subheader[0].value[7:])}")
    too_long.input("word " * 300).run()
    assert "a search takes 1,000 characters at most" in app.error[0].value


@ON_SQLITE
def test_the_queue_assigns_claims_and_each_reviewer_finds_their_own(app: AppTest) -> None:
    app.text_input(key="q-bulk-to").input("Lee Park")
    app.button(key="q-bulk-go").click().run()  # no reviewer yet: nothing is assigned
    assert "enter your name as reviewer before assigning" in app.error[0].value
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.text_input(key="q-bulk-to").input("Lee Park")
    app.button(key="q-bulk-go").click().run()
    assert not app.exception and not app.error
    assert app.success[0].value == "Assigned 11 claim(s) to Lee Park"
    assert set(app.dataframe[0].value["assigned to"]) == {"Lee Park"}
    # The open claim given to Dana herself: "me" then lists it alone.
    claim_id = int(app.subheader[0].value.removeprefix("Claim #"))
    app.text_input(key=f"q-assign-{claim_id}-to").input("Dana")
    app.button(key=f"q-assign-{claim_id}-go").click().run()
    assert app.success[0].value == "Assigned 1 claim(s) to Dana"
    assert any(c.value.startswith("Assigned to **Dana** by Dana on ") for c in app.caption), [
        c.value for c in app.caption
    ]
    (link,) = app.sidebar.get("page_link")
    assert link.proto.label == "1 open claim(s) assigned to you"
    # To the queue (the first page: the app's root) with "me" chosen.
    assert (link.proto.page, link.proto.query_string) == ("", "assigned=me")
    app.query_params["assigned"] = "me"  # where the link leads: the queue, "me" chosen
    app.run()
    assert app.selectbox(key="q-assigned").value == "Dana"
    assert list(app.dataframe[0].value["claim"]) == [claim_id]
    assert "assigned" not in app.query_params  # chosen once; the filter is the reviewer's
    app.selectbox(key="q-assigned").set_value(None).run()
    holders = app.selectbox(key="q-assigned")
    assert holders.options == ["anyone", "me (Dana)", "nobody", "Lee Park"]
    holders.set_value("Dana").run()
    assert list(app.dataframe[0].value["claim"]) == [claim_id]
    app.selectbox(key="q-assigned").set_value("Lee Park").run()
    assert len(app.dataframe[0].value) == 10
    # Taken back: an empty name gives the claims to no one.
    app.text_input(key="q-bulk-to").input("")
    app.button(key="q-bulk-go").click().run()
    assert app.success[0].value == "Assigned 10 claim(s) to nobody"
    # The open claim (now the first of Lee Park's) keeps its assignment's changes.
    (history,) = [c.value for c in app.caption if c.value.startswith("Assignment history: ")]
    given, taken = history.split(" · ")
    assert given.endswith(" Dana: nobody → Lee Park") and taken.endswith(" Dana: Lee Park → nobody")
    app.selectbox(key="q-assigned").set_value(None).run()
    assert sorted(set(app.dataframe[0].value["assigned to"])) == ["", "Dana"]
    # The article's page says who has each claim, and the dashboard how much each has.
    app.switch_page(REVIEW_PAGE).run()
    assert sum("assigned to Dana" in m.value for m in app.markdown) == 1
    app.switch_page("ui/pages/dashboard.py").run()
    load = app.dataframe[0].value
    assert load.to_dict("records") == [
        {"assigned to": "Dana", "open": 1, "reviewed": 0},
        {"assigned to": "nobody", "open": 10, "reviewed": 0},
    ]


@ON_SQLITE
def test_a_reviewer_takes_and_gives_back_claims_and_leaves_the_rest_to_editors(
    app: AppTest,
) -> None:
    with open_records() as records:
        accounts.add_account(records.db, "Dana Ortiz", "four words make one", editor=True)
        accounts.add_account(records.db, "Sam Lee", "another long phrase")
    app.run()
    typed_name, typed_password = app.text_input
    typed_name.input("Sam Lee")
    typed_password.input("another long phrase")
    app.button(key="FormSubmitter:sign-in-Sign in").click().run()
    assert "Signed in as **Sam Lee** (reviewer)" in [m.value for m in app.sidebar.markdown]
    keys = {button.key for button in app.button}
    assert not keys & {"q-bulk-go", "q-accept-go"}  # no popovers to hand out or accept
    assert any("are for editors" in caption.value for caption in app.caption)
    claim_id = int(app.subheader[0].value.removeprefix("Claim #"))
    assert f"q-assign-{claim_id}-go" not in keys
    app.button(key=f"q-take-{claim_id}").click().run()
    assert not app.exception and not app.error
    assert app.success[0].value == f"Claim #{claim_id} is yours to check"
    assert any(c.value.startswith("Assigned to **Sam Lee** by Sam Lee") for c in app.caption)
    assert app.button(key=f"q-take-{claim_id}").label == "Give this claim back"
    app.button(key=f"q-take-{claim_id}").click().run()
    assert app.success[0].value == f"Claim #{claim_id} is assigned to nobody again"
    # A claim an editor gave someone else has no button; the core refuses it too.
    with open_records() as records:
        pipeline.assign_claims(records, [claim_id], "Dana Ortiz", "Dana Ortiz")
    app.run()
    assert f"q-take-{claim_id}" not in {button.key for button in app.button}
    with open_records() as records, pytest.raises(InputError, match="is for editors"):
        pipeline.assign_claims(records, [claim_id], "Sam Lee", "Sam Lee")


@ON_SQLITE
def test_the_queue_accepts_the_suggestions_above_a_confidence(app: AppTest) -> None:
    app.slider(key="q-accept-at").set_value(0.9).run()  # the default, as a desk might keep
    (go,) = [b for b in app.button if b.key == "q-accept-go"]
    count = int(re.fullmatch(r"Accept (\d+) suggestion\(s\)", go.label).group(1))  # type: ignore[union-attr]
    table = app.dataframe[0].value
    assert 0 < count == int((table["confidence"] >= 0.9).sum()) < len(table)
    go.click().run()  # no reviewer yet: nothing is saved
    assert "enter your name as reviewer before accepting suggestions" in app.error[0].value
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.button(key="q-accept-go").click().run()
    assert not app.exception and not app.error
    assert app.success[0].value == f"Accepted {count} suggestion(s) at confidence 0.90 or above"
    assert (app.dataframe[0].value["confidence"] < 0.9).all()  # the rest still need review
    assert app.button(key="q-accept-go").disabled  # nothing left at 0.9
    surest = app.dataframe[0].value["confidence"].max()
    assert f"None reaches 0.90; the surest suggestion left is {surest:.2f}." in [
        c.value for c in app.caption
    ]


def test_a_claim_url_opens_that_claim(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIFIER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VERIFIER_DB_URL", db_url)
    app = new_app()
    app.query_params["claim"] = "7"
    app.run()
    assert not app.exception
    assert app.subheader[0].value == "Claim #7"
    assert any(":orange-background[**" in m.value for m in app.markdown)  # in its article


@ON_SQLITE
def test_the_articles_page_says_which_scorer_extracts_and_forgets_the_desks_model(
    app: AppTest, tmp_path: Path
) -> None:
    app.switch_page(ARTICLES_PAGE).run()
    app.button(key="FormSubmitter:cw-train-Train").click().run()
    assert "enter your name as reviewer in the sidebar before training" in app.error[0].value
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.button(key="FormSubmitter:cw-train-Train").click().run()
    assert app.error[0].value == "choose a .jsonl, .csv or .xlsx file of labelled sentences first"
    assert any(
        c.value.startswith("Extraction scores sentences with the heuristic") for c in app.caption
    )
    rows = [{"text": f"The flood reached {n} farms.", "checkworthy": n % 2} for n in range(12)]
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with Workbench.open(Settings.from_env()) as bench:
        pipeline.train_checkworthiness(bench, labelled)
    app.run()
    assert any(
        c.value.startswith(
            "Extraction scores English sentences with the desk's model, trained "
            "on 12 sentences (6 check-worthy)"
        )
        for c in app.caption
    )
    app.button(key="cw-forget").click().run()
    assert not app.exception and not app.error
    assert app.success[0].value.startswith("The model was dropped; extraction uses the heur")
    assert "cw-forget" not in {button.key for button in app.button}


@ON_SQLITE
def test_an_editor_signs_off_anothers_verdict_in_the_queue(app: AppTest) -> None:
    with open_records() as records:
        pipeline.review_claim(records, 7, "supported", "Lee Park", "the ministry confirmed")
    signing = new_app()
    signing.query_params["claim"] = "7"
    signing.run()
    assert any(c.value == "Awaits an editor's sign-off" for c in signing.caption)
    signing.sidebar.text_input(key="reviewer").input("Dana").run()
    signing.button(key="q-sign-7").click().run()
    assert not signing.exception and not signing.error
    assert signing.success[0].value == "Signed off claim #7: supported"
    assert any(c.value.startswith("Signed off by **Dana** on ") for c in signing.caption)
    assert "q-sign-7" not in {button.key for button in signing.button}
    assert signing.table[0].value.iloc[0]["signed off"].startswith("Dana, 20")  # the history
    # The popover above the table signs off every verdict shown that awaits one, but Dana's.
    with open_records() as records:
        pipeline.review_claim(records, 8, "disputed", "Lee Park")
        pipeline.review_claim(records, 9, "supported", "Lee Park")
        pipeline.review_claim(records, 10, "supported", "Dana")
    signing.run()
    assert "q-sign-all" not in {b.key for b in signing.button}  # "needs review" shows none
    signing.segmented_control(key="q-status").set_value("to sign off").run()
    every = signing.button(key="q-sign-all")
    assert every.label == "Sign off 2 verdict(s)" and not every.disabled
    every.click().run()
    assert not signing.exception and not signing.error
    assert signing.success[0].value == "Signed off 2 verdict(s)"
    assert signing.button(key="q-sign-all").disabled  # Dana's own is left for another
    signing.switch_page("ui/pages/dashboard.py").run()
    assert {m.label: m.value for m in signing.metric}["Signed off"] == "3"
    # Lee, on his own verdict, is told another editor signs it off.
    with open_records() as records:
        pipeline.review_claim(records, 7, "disputed", "Lee Park")  # a new verdict, unsigned
    own = new_app()
    own.query_params["claim"] = "7"
    own.run()
    own.sidebar.text_input(key="reviewer").input("Lee Park").run()
    assert "q-sign-7" not in {button.key for button in own.button}
    assert any("other than you (the verdict is yours)" in c.value for c in own.caption)


@ON_SQLITE
def test_a_verdict_with_new_evidence_is_listed_and_marked(app: AppTest, tmp_path: Path) -> None:
    with open_records() as records:
        pipeline.review_claim(records, 1, "supported", "Lee Park")
    # A correction restating the claim arrives after the verdict; then the claims are
    # matched again from the Sources page, which says what that brought.
    with Workbench.open(Settings.from_env()) as bench:
        with bench.db.session() as session:
            [article] = list_articles(session)
            [claim] = [c for c in article_claims(session, article.id) if c.id == 1]
        source = tmp_path / "correction.txt"
        source.write_text(f"---\ntitle: Ministry correction\n---\n{claim.text}\n")
        pipeline.ingest(bench, [source])
    app.switch_page("ui/pages/sources.py").run()
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.button(key="rematch-all").click().run()
    assert not app.exception and "11 claim(s) matched again" in app.success[0].value
    assert "1 reviewed claim(s) have evidence from sources added" in app.info[0].value
    app.switch_page(QUEUE_PAGE).run()
    app.segmented_control(key="q-status").set_value("new evidence").run()
    assert not app.exception
    assert list(app.dataframe[0].value["claim"]) == [1]  # the only one
    assert app.subheader[0].value == "Claim #1"
    [warning] = [w.value for w in app.warning if "New evidence since the verdict" in w.value]
    assert "1 passage(s) below come from sources added or changed after it" in warning
    marked = [m.value for m in app.markdown if "new since the verdict" in m.value]
    assert len(marked) == 1 and "Ministry correction" in marked[0]
    app.switch_page("ui/pages/dashboard.py").run()
    assert {m.label: m.value for m in app.metric}["New evidence"] == "1"


@ON_SQLITE
@pytest.mark.parametrize("kind", ["pdf", "image"])
def test_evidence_from_a_scan_read_by_ocr_says_so(app: AppTest, tmp_path: Path, kind: str) -> None:
    # The ministry's statement arrives as a scan (or a screenshot of it) restating the first
    # claim: OCR reads it, and wherever its passage is shown, the reviewer is told to check
    # it against the scan.
    with Workbench.open(Settings.from_env()) as bench:
        with bench.db.session() as session:
            [article] = list_articles(session)
            [claim] = [c for c in article_claims(session, article.id) if c.id == 1]
        lines = ["MINISTRY STATEMENT", "", *textwrap.wrap(claim.text, 55)]
        if kind == "pdf":
            source = tmp_path / "scanned-statement.pdf"
            source.write_bytes(make_scan([lines]))
        else:
            source = tmp_path / "statement-screenshot.png"
            source.write_bytes(make_screenshot(lines))
        pipeline.ingest(bench, [source])
    app.switch_page("ui/pages/sources.py").run()
    listed = app.dataframe[0].value
    shown = {"pdf": "pdf, read by OCR", "image": "image, read by OCR"}[kind]
    assert list(listed[listed["title"] == "MINISTRY STATEMENT"]["format"]) == [shown]
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.button(key="rematch-all").click().run()
    assert not app.exception
    app.switch_page(REVIEW_PAGE).run()
    headings = [m.value for m in app.markdown if m.value.startswith("**#")]
    scanned = [h for h in headings if "MINISTRY STATEMENT" in h]
    assert scanned and all("read by OCR: check against the scan" in h for h in scanned)
    assert all("MINISTRY STATEMENT** · " in h for h in scanned)  # no outlet nor date: no dash
    assert not [h for h in headings if "read by OCR" in h and h not in scanned]


def test_more_than_ten_warnings_fold_under_the_first_ten() -> None:
    def page() -> None:
        from ui.components import warnings_list

        warnings_list([f"desk.csv:{n} has no text; skipped" for n in range(2, 14)])

    app = AppTest.from_function(page).run()
    [shown] = app.warning
    lines = shown.value.split("\n")
    assert len(lines) == 10 and all(line.endswith("has no text; skipped") for line in lines)
    assert lines[0] == r"- desk\.csv\:2 has no text; skipped"  # escaped for markdown
    [fold] = app.expander
    assert fold.label == "2 more warning(s)"
    assert "desk\\.csv\\:13 has no text" in fold.markdown[0].value


def test_the_dashboard_shows_open_work_and_agreement(app: AppTest) -> None:
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.button(key="q-accept").click().run()
    app.switch_page("ui/pages/dashboard.py").run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert (metrics["Claims"], metrics["Reviewed"], metrics["Open"]) == ("11", "1", "10")
    assert metrics["Suggestion kept"] == "100%" and metrics["Signed off"] == "0"
    assert len(app.get("arrow_vega_lite_chart")) + len(app.get("vega_lite_chart")) >= 3


def test_the_sources_page_lists_searches_and_removes_by_url(app: AppTest) -> None:
    app.switch_page("ui/pages/sources.py").run()
    assert not app.exception
    listed = app.dataframe[0].value
    form_input = next(t for t in app.text_input if t.label == "Remove by path or URL")
    form_input.input("https://frontlinewatch.example.net/posts/jets-latakia")
    app.button(key="FormSubmitter:remove-by-name-Remove").click().run()
    assert "enter your name as reviewer in the sidebar before removing" in app.error[0].value
    assert len(app.dataframe[0].value) == len(listed)  # nothing removed
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    assert len(listed) >= 15 and listed["passages"].min() >= 1
    assert "https://frontlinewatch.example.net/posts/jets-latakia" in set(listed["link or path"])
    app.text_input(key="sources-search").input("frontlinewatch").run()
    (row,) = app.dataframe[0].value.to_dict("records")
    # removing it by the URL shown: the claims that cited it are matched again
    app.text_input(key="sources-search").input("").run()
    form_input = next(t for t in app.text_input if t.label == "Remove by path or URL")
    form_input.input(row["link or path"])
    app.button(key="FormSubmitter:remove-by-name-Remove").click().run()
    assert not app.exception and not app.error
    assert "1 document\\(s\\) removed" in app.success[0].value
    assert len(app.dataframe[0].value) == len(listed) - 1
    form_input = next(t for t in app.text_input if t.label == "Remove by path or URL")
    form_input.input("https://frontlinewatch.example.net/posts/jets-latakia")
    app.button(key="FormSubmitter:remove-by-name-Remove").click().run()
    assert "no source has the path, URL or uri" in app.error[0].value


STATEMENT_PAGE = (
    b"<html><head><title>Ministry statement on Latakia</title>"
    b'<meta property="og:site_name" content="Ministry of Defence"></head><body><article>'
    b"<p>The ministry said its aircraft in Latakia were there to protect its advisers.</p>"
    b"</article></body></html>"
)


def test_a_web_page_is_added_as_a_source_from_the_sources_page(app: AppTest) -> None:
    app.switch_page("ui/pages/sources.py").run()
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    listed = len(app.dataframe[0].value)
    with served(STATEMENT_PAGE) as address:
        app.text_area(key="upload-pages").input(f"{address}/statement\n{address}/statement")
        app.button(key="FormSubmitter:upload-sources-Ingest").click().run()
        assert not app.exception and not app.error, [e.value for e in app.error]
        assert "documents\\: 1 added" in app.success[0].value  # (markdown-escaped)
        rows = app.dataframe[0].value
        assert len(rows) == listed + 1
        [row] = rows[rows["title"] == "Ministry statement on Latakia"].to_dict("records")
        assert row["link or path"] == f"{address}/statement"
        assert row["outlet"] == "Ministry of Defence"
    app.text_area(key="upload-pages").input("http://127.0.0.1:9/closed")
    app.button(key="FormSubmitter:upload-sources-Ingest").click().run()
    assert "cannot be fetched" in app.error[0].value
    assert len(app.dataframe[0].value) == listed + 1


def test_a_source_added_on_the_sources_page_reaches_the_claim_it_restates(app: AppTest) -> None:
    with open_records() as records, records.db.session() as session:
        [article] = list_articles(session)
        [claim] = [c for c in article_claims(session, article.id) if c.id == 1]
    page = f"<html><head><title>Correction</title></head><body><p>{claim.text}</p></body></html>"
    app.switch_page("ui/pages/sources.py").run()
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    with served(page.encode()) as address:
        app.text_area(key="upload-pages").input(f"{address}/correction")
        app.button(key="FormSubmitter:upload-sources-Ingest").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    # matched again as it was ingested (its progress on the page meanwhile), not left for
    # "Match all claims again"
    assert re.search(
        r"; \d claim\\\(s\\\) whose evidence changed matched again$", app.success[0].value
    )
    with open_records() as records, records.db.session() as session:
        shown = claim_view(session, 1)
    assert shown is not None and f"{address}/correction" in [e.url for e in shown.evidence]


def test_an_outlet_labelled_on_the_sources_page_is_shown_with_its_passages(app: AppTest) -> None:
    app.switch_page("ui/pages/sources.py").run()
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    fields = {field.label: field for field in app.text_input}
    fields["Outlet"].input("northern  star agency")
    fields["Label"].input("state media")
    fields["Note (optional)"].input("Ministry-run")
    app.button(key="FormSubmitter:outlet-label-Set label").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert app.success[0].value == "northern star agency labelled state media"
    sources = app.dataframe[0].value
    assert set(sources[sources["outlet"] == "Northern Star Agency"]["label"]) == {"state media"}
    assert set(sources[sources["outlet"] != "Northern Star Agency"]["label"]) == {""}
    labels = app.dataframe[1].value
    assert list(labels["label"]) == ["state media"] and list(labels["note"]) == ["Ministry-run"]
    assert "Label changes (1)" in [e.label for e in app.expander]
    changes = app.dataframe[2].value  # the label's history, under "Label changes"
    assert list(changes["by"]) == ["Dana"] and list(changes["change"]) == ["'state media' set"]
    app.switch_page(QUEUE_PAGE).run()
    app.segmented_control(key="q-status").set_value("all").run()
    shown = [m.value for m in app.markdown if "Northern Star Agency" in m.value]
    assert shown and all(":violet-badge[state media]" in value for value in shown)
    # A blank label is refused in one line.
    app.switch_page("ui/pages/sources.py").run()
    fields = {field.label: field for field in app.text_input}
    fields["Outlet"].input("Eurasia Newswire")
    app.button(key="FormSubmitter:outlet-label-Set label").click().run()
    assert "give 'Eurasia Newswire' a label" in app.error[0].value


def wait_scored(job: ScoringJob, within: float = 120) -> None:
    """Wait until the scoring ``job`` has ended."""
    deadline = time.monotonic() + within
    while job.active:
        assert time.monotonic() < deadline, f"job {job.id} still {job.status()}"
        time.sleep(0.1)


def test_the_score_page_says_what_reading_the_file_noted(app: AppTest) -> None:
    # A week's tips on each sheet: the first is scored, and the page says the second was not.
    tips = make_weekly_tips("Russia deployed 28 combat aircraft to the Latakia air base.")
    job = state.scoring_jobs().submit("tips.xlsx", tips)
    app.switch_page(SCORE_PAGE).run()
    app.session_state["score-job"] = job.id
    wait_scored(job)
    app.run()
    assert not app.exception and not app.error
    [warning] = [re.sub(r"\\(.)", r"\1", w.value) for w in app.warning]
    assert warning.startswith("- tips.xlsx: read the first sheet, 'Week 1', of 2; not 'Week 2'")


def test_the_score_page_shows_a_scored_file_and_filters_it(app: AppTest) -> None:
    app.switch_page(SCORE_PAGE).run()
    app.button(key="FormSubmitter:score-claims-Score").click().run()
    assert [e.value for e in app.error] == [
        "choose a file of claims first (.txt, .csv, .jsonl, .xlsx, .xls)"
    ]
    # A file scored as the page scores an upload (AppTest cannot upload; the browser test
    # does), then shown: counts, one row per claim with its row in the file, a filter.
    sheet = (
        "ref,claim,url\n"
        "1,Russia deployed 28 combat aircraft to the Latakia air base.,https://t.example/p/1\n"
        "2,,\n"
        "3,The Pentagon said Russian fighter jets had not yet arrived.,\n"
    )
    # Sent to the app's scoring jobs as the form sends it, behind a long file: while it
    # waits the page shows where it stands; once scored, its results.
    jobs = state.scoring_jobs()
    long = "claim\n" + "".join(f"{n} jets landed at the Latakia base.\n" for n in range(300))
    first = jobs.submit("long.csv", long.encode())
    dropped = jobs.submit("other.csv", long.encode())
    job = jobs.submit("desk.csv", sheet.encode())
    app.session_state["score-job"] = job.id
    app.run()
    assert not app.exception
    [bar] = app.get("progress")
    assert bar.proto.text == "desk.csv: waiting for the file before it"
    # A file waiting its turn is stopped from the page, by the reviewer named.
    app.sidebar.text_input(key="reviewer").input("Dana")
    app.session_state["score-job"] = dropped.id
    app.run()
    app.button(key=f"score-stop-{dropped.id}").click().run()
    assert not app.exception and not app.get("progress")
    assert dropped.state is JobState.CANCELLED and dropped.cancelled_by == "Dana"
    [stopped] = [re.sub(r"\\(.)", r"\1", i.value) for i in app.info]
    assert stopped == "other.csv: stopped by Dana; send the file again to score it."
    app.sidebar.text_input(key="reviewer").input("")  # (named again below, when needed)
    app.session_state["score-job"] = job.id
    wait_scored(job)
    app.run()
    assert not app.exception and not app.error and not app.get("progress")
    scored = job.result
    assert scored is not None and first.state is JobState.DONE
    # The files ended are listed, the one this session sent shown.
    assert app.selectbox(key=f"score-shown-{job.id}").value == job.id
    assert len(app.selectbox(key=f"score-shown-{job.id}").options) == 3
    [message] = [s.value for s in app.success]
    assert re.sub(r"\\(.)", r"\1", message).startswith("Scored 2 claim(s) from desk.csv: ")
    table = app.dataframe[0].value
    assert table["row"].tolist() == [2, 4] and table["best_source"].str.len().min() > 0
    verdicts = table["suggested_verdict"].tolist()
    app.multiselect(key="score-verdicts").select(verdicts[0]).run()
    assert app.dataframe[0].value["suggested_verdict"].tolist() == [
        v for v in verdicts if v == verdicts[0]
    ]
    # Then added for review, as one list (under a reviewer's name), and matched.
    add = "FormSubmitter:score-add-Add to the review queue"
    app.button(key=add).click().run()
    assert [e.value for e in app.error] == [
        "enter your name as reviewer in the sidebar before adding claims for review"
    ]
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.text_input(key="score-title-desk.csv").input("Tips, 28 November")
    app.button(key=add).click().run()  # (a form's fields are sent with its button)
    assert not app.exception and not app.error
    assert "2 claim\\(s\\) in the list 'Tips, 28 November', to review" in app.success[-1].value
    with Workbench.open(Settings.from_env()) as bench, bench.db.session() as session:
        [listed] = [a for a in list_articles(session) if a.title == "Tips, 28 November"]
        claims = article_claims(session, listed.id)
    assert [c.text for c in claims] == [r.claim for r in scored.results]
    assert all(c.suggested is not None and c.evidence for c in claims)
    # Its claims are reviewed like an article's, the first linked to where it was seen.
    app.query_params["article"] = str(listed.id)
    app.switch_page(REVIEW_PAGE).run()
    assert not app.exception
    # The sheet's other columns are shown with it too.
    seen = [m.value for m in app.markdown if m.value.startswith(("Seen at", "From its row"))]
    assert seen == [
        "Seen at <https://t.example/p/1>  \nFrom its row: ref: 1",
        "From its row: ref: 3",
    ]


@pytest.mark.parametrize(
    ("page", "key"),
    [
        ("ui/pages/sources.py", "upload-date"),
        (ARTICLES_PAGE, "art-published"),
        ("ui/pages/exports.py", "x-since"),
        ("ui/pages/exports.py", "x-until"),
    ],
)
def test_every_date_picker_reaches_back_to_archives(app: AppTest, page: str, key: str) -> None:
    """Dates go back beyond the picker's default ten years (the sample's own story is from
    2015), start empty, and read as the exports write them."""
    app.switch_page(page).run()
    picker = app.date_input(key=key)
    assert picker.value is None and picker.proto.format == "YYYY-MM-DD"
    assert picker.min <= date(2015, 9, 8) <= picker.max


def test_the_article_page_picks_edits_and_drops_claims(app: AppTest) -> None:
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.switch_page(ARTICLES_PAGE).run()
    text = (
        "Spartak Moscow beat Zenit 2-1 on Sunday in front of 40,000 fans, the club said.\n\n"
        "Fans sang in the rain."
    )
    app.text_area[0].input(text)
    app.button(key=EXTRACT).click().run()
    assert "1 claim extracted" in app.success[0].value
    article_id = int(app.query_params["article"])
    # a sentence that was not taken is picked by hand
    pick = app.selectbox(key=f"art-add-pick-{article_id}-1")
    assert pick.options == ["Fans sang in the rain."]
    pick.set_value(text.index("Fans")).run()
    app.button(key="art-add").click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert app.success[0].value == "Claim added"
    assert ":orange-background[Fans sang in the rain\\.]" in " ".join(m.value for m in app.markdown)
    # its words are edited: the claim is matched again
    edit = app.selectbox(key=f"art-edit-pick-{article_id}")
    added = max(int(option.split()[0][1:]) for option in edit.options)
    edit.set_value(added).run()
    app.text_area(key=f"art-edit-{added}").input("Fans sang in the rain at the stadium.")
    app.button(key=f"art-save-{added}").click().run()
    assert app.success[0].value == f"Claim #{added} changed and matched again"
    table = app.dataframe[0].value
    assert "Fans sang in the rain at the stadium." in set(table["claim"])
    # and dropped
    app.selectbox(key=f"art-edit-pick-{article_id}").set_value(added).run()
    app.button(key=f"art-drop-{added}").click().run()
    assert app.success[0].value == f"Claim #{added} dropped"
    assert len(app.dataframe[0].value) == 1
    # every change is kept, newest first, by the name in the sidebar
    changes = app.dataframe[1].value  # under the claims table
    assert list(changes["change"]) == ["dropped", "edited", "added"]
    assert set(changes["by"]) == {"Dana"} and set(changes["claim"]) == {added}
    assert list(changes["words before"]) == [
        "Fans sang in the rain at the stadium.",
        "Fans sang in the rain.",
        "",
    ]
    # words that are not in the article are refused, in one line
    app.text_input(key=f"art-add-words-{article_id}").input("Zenit won 3-0.")
    app.button(key="art-add").click().run()
    assert "those words are not in the article" in app.error[0].value


def test_an_article_in_russian_says_the_model_reads_english(app: AppTest) -> None:
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.switch_page(ARTICLES_PAGE).run()
    app.text_area[0].input(
        "Россия перебросила 28 боевых самолётов на авиабазу в Латакии, сообщили в Пентагоне "
        "в понедельник.\n\nМинистерство обороны России опровергло сообщения о переброске."
    )
    app.button(key=EXTRACT).click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert "2 claims extracted" in app.success[0].value
    (warning,) = [w.value for w in app.warning]
    assert "reads as Russian" in warning and "English-only" in warning
    assert "Russian" in app.caption[0].value


def test_a_claim_checked_before_shows_the_past_verdict_and_reuses_it(app: AppTest) -> None:
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.switch_page(ARTICLES_PAGE).run()
    app.text_area[0].input(
        "Latakia is about 100 miles from territory held by the Islamic State group near "
        "Aleppo.\n\nThe ministry said 28 aircraft landed at the base on Monday."
    )
    app.button(key=EXTRACT).click().run()
    assert not app.error, [e.value for e in app.error]
    app.switch_page(QUEUE_PAGE).run()
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.text_input(key="q-search").input("100 miles").run()
    assert len(app.dataframe[0].value) == 2  # the sample's claim and the new article's
    first = int(app.subheader[0].value.removeprefix("Claim #"))
    app.text_area(key=f"q-note-{first}").input("nearer 150 miles")
    app.button(key="q-disputed").click().run()
    # the other claim opens, marked as checked before, with the verdict one key away
    second = int(app.subheader[0].value.removeprefix("Claim #"))
    assert second != first
    text = " ".join(m.value for m in app.markdown)
    assert "**Checked before:** :red[**disputed**] by Dana" in text
    assert f"claim #{first}" in text
    (before,) = app.dataframe[0].value["checked before"]
    assert before.startswith("disputed · Dana · ") and before.endswith(f"(#{first})")
    assert not app.exception, app.exception
    app.button(key="q-reuse").click().run()
    assert not app.error, [e.value for e in app.error]
    assert app.success[0].value == (
        f"Saved claim #{second}: unreviewed → disputed (reused #{first})"
    )


def test_the_queue_pages_through_many_claims(app: AppTest) -> None:
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.switch_page(ARTICLES_PAGE).run()
    app.text_area[0].input(
        "\n\n".join(
            f"Officials said {n} aircraft landed at the Latakia air base on Monday, a "
            "spokesman confirmed."
            for n in range(60)
        )
    )
    app.button(key=EXTRACT).click().run()
    assert "60 claims extracted" in app.success[0].value
    app.switch_page(QUEUE_PAGE).run()
    assert len(app.dataframe[0].value) == 50
    assert app.caption[0].value == "1–50 of 71 claim(s)"
    app.number_input(key="q-page").set_value(2).run()
    assert len(app.dataframe[0].value) == 21
    assert app.caption[0].value == "51–71 of 71 claim(s)"
    assert app.subheader[0].value == f"Claim #{app.dataframe[0].value['claim'].iloc[0]}"


def test_claims_by_article_follow_the_url(app: AppTest) -> None:
    app.sidebar.text_input(key="reviewer").input("Dana").run()
    app.switch_page(ARTICLES_PAGE).run()
    app.text_area[0].input("The ministry said 28 aircraft landed at the base on Monday.")
    app.button(key=EXTRACT).click().run()
    new = int(app.query_params["article"])
    app.switch_page(REVIEW_PAGE).run()
    assert app.selectbox[0].value == new and app.query_params["article"] == str(new)
    app.selectbox[0].set_value(1).run()  # the sample article
    assert app.query_params["article"] == "1"
    assert app.header[0].value.startswith("Russia builds up forces")


def test_the_article_form_says_when_the_desks_checkworthiness_model_scores(
    app: AppTest, tmp_path: Path
) -> None:
    from tests.test_checkworthy_model import labelled_rows, write_jsonl
    from verifier import Settings, Workbench, pipeline

    app.switch_page(ARTICLES_PAGE).run()
    assert "desk's model" not in app.slider(key="art-threshold").help
    path = write_jsonl(tmp_path / "checked.jsonl", labelled_rows())
    with Workbench.open(Settings.from_env(), upgrade=True) as bench:
        pipeline.train_checkworthiness(bench, path)
    app.run()
    assert not app.exception
    assert "scored by the desk's model, trained on 55 sentences" in (
        app.slider(key="art-threshold").help
    )
