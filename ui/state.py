"""What every page shares: the open workbench (one per process) and the sidebar.

The workbench is cached for the process and shared by all browser sessions. That is safe: each
call takes its own database session, and the corpus hands searchers immutable index snapshots
while a writer works on its own copy under the lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from ui import cookies
from ui.components import plain
from verifier import accounts, pipeline
from verifier.assignments import open_assigned
from verifier.config import Settings
from verifier.errors import VerifierError
from verifier.jobs import ScoringJobs
from verifier.workbench import Workbench

SIGNED_IN = "signed-in"  # the account name this session signed in as
TOKEN = "session-token"  # and the token that keeps its browser signed in
COOKIE_SET = "cookie-set"  # the token this session's browser was last given as its cookie
SEEN = "seen-history"  # claim id -> how many of its verdict changes this session has shown


# on_release: when Streamlit drops the cached workbench ("Clear cache", a new runtime), its
# database connections are closed rather than left to the garbage collector.
@st.cache_resource(show_spinner="Opening the workbench...", on_release=Workbench.close)
def _open(home: str, db_url: str | None) -> Workbench:
    # The app upgrades the schema itself (guarded: several processes may start at once), and
    # loads the sample corpus on first start so a new desk sees it work at once.
    bench = Workbench.open(Settings.from_env(home=home, db_url=db_url), upgrade=True)
    pipeline.load_sample_if_empty(bench)
    return bench


@st.cache_resource(show_spinner=False, on_release=ScoringJobs.close)
def _jobs(home: str, db_url: str | None) -> ScoringJobs:
    return ScoringJobs(_open(home, db_url))


def scoring_jobs() -> ScoringJobs:
    """The files of claims being scored in the background, shared by every session."""
    settings = workbench().settings  # its error line, if they or the database cannot be used
    return _jobs(str(settings.home), settings.db_url)


def workbench() -> Workbench:
    """The workbench for VERIFIER_HOME / VERIFIER_DB_URL; shows one error line and stops the
    page when settings or the database cannot be used."""
    try:
        settings = Settings.from_env()
        return _open(str(settings.home), settings.db_url)
    except VerifierError as error:
        st.error(plain(str(error)))
        st.stop()


@contextmanager
def database_failures() -> Iterator[None]:
    """Show a database failure no page expected (a damaged SQLite file, a server that went
    away) as one error line, as the command line does, rather than a traceback."""
    try:
        yield
    except Exception as error:
        if (failure := pipeline.database_failure(error, Settings.from_env())) is None:
            raise
        st.error(plain(str(failure)))


def reviewer() -> str:
    """The account this session signed in as (:mod:`verifier.accounts`); with no accounts,
    the reviewer's name as typed in the sidebar ('' until given)."""
    return str(st.session_state.get(SIGNED_IN) or st.session_state.get("reviewer") or "").strip()


def seen(claim_id: int, shown: int) -> int:
    """How many of a claim's verdict changes this session had in view when the claim was
    first shown (``shown`` now, on the first call): a save passes it on, so that a verdict
    given elsewhere meanwhile is not replaced unread
    (:func:`verifier.review.record_review`)."""
    counts: dict[int, int] = st.session_state.setdefault(SEEN, {})
    return counts.setdefault(claim_id, shown)


def saw(claim_id: int, count: int) -> None:
    """This session has now seen ``count`` changes of the claim (its own save, or a
    conflict it was told of)."""
    st.session_state.setdefault(SEEN, {})[claim_id] = count


def signed_in_account() -> str | None:
    """The account this session signed in as; ``None`` with no accounts in use."""
    name = st.session_state.get(SIGNED_IN)
    return str(name) if name else None


def signed_in(doing: str) -> str | None:
    """The reviewer's name; without one, an error line saying what to do (nothing is saved
    under no name), and ``None``."""
    name = reviewer()
    if not name:
        st.error(f"enter your name as reviewer in the sidebar before {doing}")
        return None
    return name


def sidebar() -> None:
    """Who reviews, and the corpus size, on every page. Once the desk has accounts, a
    session that has not signed in sees the sign-in form alone (:func:`sign_in`)."""
    bench = workbench()
    if accounts.accounts_in_use(bench.db):
        account(bench)
    else:
        for key in (SIGNED_IN, TOKEN):  # the last account was disabled meanwhile
            st.session_state.pop(key, None)
        st.sidebar.text_input("Reviewer", key="reviewer", placeholder="your name")
        st.sidebar.caption(
            "Anyone may type a name: `verifier accounts add NAME` makes reviewers sign in."
        )
    if me := reviewer():
        with bench.db.session() as session:
            mine = open_assigned(session, me)
        if mine:  # a link to the queue with "Assigned to: me" chosen
            st.sidebar.page_link(
                "ui/pages/queue.py",
                label=f"{mine} open claim(s) assigned to you",
                icon=":material/assignment_ind:",
                query_params={"assigned": "me"},
            )
    stats = bench.corpus.stats()
    indexed = f"{stats['passages']} passage{'' if stats['passages'] == 1 else 's'} indexed"
    st.sidebar.caption(f"{indexed} · {stats['model']}")


def account(bench: Workbench) -> None:
    """The account signed in, with a way out. A browser signed in before (a reload, another
    tab) is signed in again by its cookie; a session whose token no longer counts (signed
    out, expired, the account disabled or given a new password) is signed out at its next
    step. Without an account, the sign-in form, and the page stops there."""
    name, token = st.session_state.get(SIGNED_IN), st.session_state.get(TOKEN)
    kept = _kept_token()
    if not name and kept:
        if found := accounts.session_account(bench.db, kept):
            name, token = st.session_state[SIGNED_IN], st.session_state[TOKEN] = found, kept
    if name and accounts.session_account(bench.db, token or "") != name:
        for key in (SIGNED_IN, TOKEN):
            st.session_state.pop(key, None)
        st.warning(
            f"{plain(name)} was signed out (signed out elsewhere, a new password, the account "
            f"disabled, or {accounts.SESSION_HOURS} hours passed); sign in again"
        )
        name = None
    if name and token:
        role = "editor" if accounts.is_editor(bench.db, name) else "reviewer"
        st.sidebar.markdown(f"Signed in as **{plain(name)}** ({role})")
        if st.sidebar.button("Sign out", key="sign-out", icon=":material/logout:"):
            accounts.end_session(bench.db, token)
            for key in (SIGNED_IN, TOKEN):  # COOKIE_SET stays: the cookie is cleared next
                st.session_state.pop(key, None)
            st.rerun()
        if st.session_state.get(COOKIE_SET) != token and kept != token:
            _cookie(token, accounts.SESSION_HOURS * 3600)
            st.session_state[COOKIE_SET] = token
        return
    if kept or st.session_state.pop(COOKIE_SET, None):
        _cookie("", 0)  # a cookie that no longer counts
    sign_in(bench)
    st.stop()


def sign_in(bench: Workbench) -> None:
    """The sign-in form; a right name and password sign this browser in (for
    :data:`verifier.accounts.SESSION_HOURS`, or until it signs out)."""
    st.header("Sign in")
    with st.form("sign-in", clear_on_submit=True):
        name = st.text_input("Name", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    try:
        who = accounts.sign_in(bench.db, name, password, _client())
    except VerifierError as error:  # paused after too many wrong passwords
        st.error(plain(str(error)))
        return
    if who is None:
        st.error(
            "wrong name or password (or a disabled account); whoever runs verifier can set a "
            "new one with `verifier accounts password NAME`"
        )
        return
    st.session_state[SIGNED_IN] = who
    st.session_state[TOKEN] = accounts.start_session(bench.db, who)
    st.rerun()


def _client() -> str | None:
    """The browser's address, as the server sees it (a proxy's, behind one; ``None`` when
    Streamlit cannot tell): wrong passwords are counted per name and address."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None


def _kept_token() -> str:
    """The token of the browser's session cookie, as it opened this session ('' if none)."""
    kept = st.context.cookies.get(cookies.COOKIE)
    return kept if isinstance(kept, str) else ""  # (AppTest's context holds no cookies)


def _cookie(token: str, seconds: int) -> None:
    """Set (or, with ``seconds`` 0, clear) the browser's session cookie: a line of script
    asks the server to (:mod:`ui.cookies`), so the cookie is HttpOnly."""
    secure = str(st.context.url or "").startswith("https:")
    script = cookies.script(token, seconds, secure)
    st.sidebar.html(f"<script>{script}</script>", unsafe_allow_javascript=True)
