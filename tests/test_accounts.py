"""Reviewer accounts: salted password hashes, sign-in, disabling, and the command line that
manages them, on both databases."""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from conftest import run_threads, write

from verifier import accounts, pipeline
from verifier.cli import cli
from verifier.config import Settings
from verifier.db.models import Account, AccountSession, SignInFailure, utcnow
from verifier.errors import InputError
from verifier.labels import Label
from verifier.views import article_claims
from verifier.workbench import Workbench, open_records

PASSWORD = "four words make one"


@pytest.fixture(autouse=True)
def quick_refusals(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "FAILED_WAIT", 0.05)


def test_a_password_hash_is_salted_and_checked_in_full() -> None:
    first, second = accounts.hash_password(PASSWORD), accounts.hash_password(PASSWORD)
    assert first != second and first.startswith("scrypt$16384$8$1$")  # a salt each
    assert PASSWORD not in first
    assert accounts.password_matches(first, PASSWORD)
    assert accounts.password_matches(second, PASSWORD)
    assert not accounts.password_matches(first, PASSWORD + " ")
    assert not accounts.password_matches(first, "")
    # A stored value in a form this code does not know never matches.
    for stored in (
        "",
        "plain-text",
        first.replace("scrypt", "md5"),
        first + "$x",
        "scrypt$a$b$c$d$e",
    ):
        assert not accounts.password_matches(stored, PASSWORD)


class Lines(logging.Handler):
    """The lines logged to it (caplog's handler may carry the CLI's once-per-command filter,
    left by a command run earlier in the same process)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_signing_in_takes_the_right_password_of_an_active_account(bench: Workbench) -> None:
    db = bench.db
    assert not accounts.accounts_in_use(db)
    added = accounts.add_account(db, "  Dana   Ortiz ", PASSWORD)
    assert added.name == "Dana Ortiz" and added.active and added.signed_in_at is None
    assert accounts.accounts_in_use(db) and accounts.is_active(db, "Dana Ortiz")
    with db.session() as session:
        stored = session.scalar(sa.select(Account.password_hash))
    assert stored is not None and PASSWORD not in stored
    assert accounts.sign_in(db, "Dana Ortiz", PASSWORD) == "Dana Ortiz"
    assert accounts.sign_in(db, " Dana  Ortiz", PASSWORD) == "Dana Ortiz"
    [listed] = accounts.list_accounts(db)
    assert listed.signed_in_at is not None
    # Refusals wait before they answer, an unknown name as a wrong password does; each is
    # logged.
    logged = Lines()
    accounts.log.addHandler(logged)
    try:
        for name, password, client in (
            ("Dana Ortiz", "not the password", None),
            ("Nobody", PASSWORD, "192.0.2.4"),
        ):
            began = time.monotonic()
            assert accounts.sign_in(db, name, password, client) is None
            assert time.monotonic() - began >= 0.05
    finally:
        accounts.log.removeHandler(logged)
    assert logged.lines == [
        "sign-in refused for 'Dana Ortiz' from an unknown address",
        "sign-in refused for 'Nobody' from 192.0.2.4",
    ]
    # Disabled: no sign-in, and no longer "in use" once none is active.
    accounts.disable_account(db, "Dana Ortiz")
    assert accounts.sign_in(db, "Dana Ortiz", PASSWORD) is None
    assert not accounts.is_active(db, "Dana Ortiz") and not accounts.accounts_in_use(db)
    # A new password enables it again.
    accounts.set_password(db, "Dana Ortiz", "a brand new phrase")
    assert accounts.sign_in(db, "Dana Ortiz", PASSWORD) is None
    assert accounts.sign_in(db, "Dana Ortiz", "a brand new phrase") == "Dana Ortiz"


def test_too_many_wrong_passwords_pause_a_names_sign_in_from_that_address(
    bench: Workbench,
) -> None:
    db = bench.db
    accounts.add_account(db, "Dana Ortiz", PASSWORD)
    desk, elsewhere = "10.0.0.7", "203.0.113.9"
    for _ in range(accounts.MAX_TRIES - 1):
        assert accounts.sign_in(db, "Dana Ortiz", "a wrong guess", elsewhere) is None
    # A right password in between starts that address's count again.
    assert accounts.sign_in(db, "Dana Ortiz", PASSWORD, elsewhere) == "Dana Ortiz"
    for _ in range(accounts.MAX_TRIES):
        assert accounts.sign_in(db, "Dana Ortiz", "a wrong guess", elsewhere) is None
    # Paused there: even the right password is refused, with a line saying until when.
    with pytest.raises(InputError) as paused:
        accounts.sign_in(db, "Dana Ortiz", PASSWORD, elsewhere)
    assert re.fullmatch(
        r"sign-in as 'Dana Ortiz' from this address is paused after 5 wrong passwords, until "
        r"\d\d:\d\d UTC; wait, or ask whoever runs verifier for a new password \(`verifier "
        r"accounts password 'Dana Ortiz'`\), which lifts the pause",
        str(paused.value),
    )
    # The guesses elsewhere do not lock Dana out at her desk.
    assert accounts.sign_in(db, "Dana Ortiz", PASSWORD, desk) == "Dana Ortiz"
    # A name that is no account's is paused the same: a pause tells nothing.
    for _ in range(accounts.MAX_TRIES):
        assert accounts.sign_in(db, "Nobody", PASSWORD, elsewhere) is None
    with pytest.raises(InputError) as unknown:
        accounts.sign_in(db, "Nobody", PASSWORD, elsewhere)

    # The same line but for the name (and the minute, which may have turned meanwhile).
    def opening(line: str) -> str:
        return re.sub(r"\d\d:\d\d UTC", "HH:MM UTC", line.split(";")[0])

    assert opening(str(unknown.value).replace("Nobody", "Dana Ortiz")) == opening(str(paused.value))
    # The pause ends with its time, or with a new password; old failures are dropped.
    with db.writing() as session:
        past = utcnow() - timedelta(minutes=accounts.PAUSE_MINUTES, seconds=1)
        session.execute(sa.update(SignInFailure).values(last_failed_at=past, paused_until=past))
    assert accounts.sign_in(db, "Dana Ortiz", PASSWORD, elsewhere) == "Dana Ortiz"
    for _ in range(accounts.MAX_TRIES):
        accounts.sign_in(db, "Dana Ortiz", "a wrong guess", elsewhere)
    with db.session() as session:  # the expired rows went with the first new failure
        rows = session.execute(sa.select(SignInFailure.name, SignInFailure.client)).all()
    assert rows == [("Dana Ortiz", elsewhere)]
    accounts.set_password(db, "Dana Ortiz", "a brand new phrase")
    assert accounts.sign_in(db, "Dana Ortiz", "a brand new phrase", elsewhere) == "Dana Ortiz"


def test_wrong_passwords_tried_at_once_are_all_counted(bench: Workbench) -> None:
    accounts.add_account(bench.db, "Dana Ortiz", PASSWORD)
    guesses = [f"guess {n}" for n in range(accounts.MAX_TRIES)]
    refused: list[str | None] = []

    def guess(password: str) -> None:
        refused.append(accounts.sign_in(bench.db, "Dana Ortiz", password, "198.51.100.2"))

    assert run_threads(guess, guesses) == []  # no upsert collided
    assert refused == [None] * accounts.MAX_TRIES
    with pytest.raises(InputError, match="from this address is paused"):
        accounts.sign_in(bench.db, "Dana Ortiz", PASSWORD, "198.51.100.2")


def test_a_browser_stays_signed_in_by_a_token_until_it_no_longer_counts(
    bench: Workbench,
) -> None:
    db = bench.db
    accounts.add_account(db, "Dana Ortiz", PASSWORD)
    accounts.add_account(db, "Sam Lee", PASSWORD)
    token = accounts.start_session(db, "Dana Ortiz")
    other = accounts.start_session(db, "Dana Ortiz")  # another browser
    assert len(token) >= 40 and token != other
    assert accounts.session_account(db, token) == "Dana Ortiz"
    with db.session() as session:
        kept = list(session.scalars(sa.select(AccountSession.token_hash)))
    assert token not in kept and len(kept) == 2  # hashes only
    for wrong in ("", "x", token[:-1]):
        assert accounts.session_account(db, wrong) is None
    # Signing out ends this browser's token only.
    accounts.end_session(db, token)
    assert accounts.session_account(db, token) is None
    assert accounts.session_account(db, other) == "Dana Ortiz"
    # A new password, or disabling, ends every browser's; so does the clock.
    accounts.set_password(db, "Dana Ortiz", "a brand new phrase")
    assert accounts.session_account(db, other) is None
    sam = accounts.start_session(db, "Sam Lee")
    accounts.disable_account(db, "Sam Lee")
    assert accounts.session_account(db, sam) is None
    late = accounts.start_session(db, "Dana Ortiz")
    with db.writing() as session:
        session.execute(
            sa.update(AccountSession).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert accounts.session_account(db, late) is None
    accounts.start_session(db, "Dana Ortiz")  # clears the expired on the way
    with db.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(AccountSession)) == 1
    with pytest.raises(InputError, match="no account 'Kim'"):
        accounts.start_session(db, "Kim")


def test_a_bad_account_is_refused_in_one_line(bench: Workbench) -> None:
    db = bench.db
    accounts.add_account(db, "Dana Ortiz", PASSWORD)
    cases = [
        (
            lambda: accounts.add_account(db, "Dana Ortiz", PASSWORD),
            "there is already an account 'Dana Ortiz'; "
            "set its password with `verifier accounts password 'Dana Ortiz'`",
        ),
        (
            lambda: accounts.add_account(db, "   ", PASSWORD),
            "an account needs a name (the name its verdicts are saved under)",
        ),
        (
            lambda: accounts.add_account(db, "x" * 257, PASSWORD),
            "an account name has 256 characters at most, not 257",
        ),
        (
            lambda: accounts.add_account(db, "Dana\u200bOrtiz", PASSWORD),
            "the account name 'Dana\\u200bOrtiz' holds an invisible or control character; "
            "retype it",
        ),
        (
            lambda: accounts.add_account(db, "Sam", "too short"),
            "a password has 10 characters at least; a few words make a good one",
        ),
        (
            lambda: accounts.set_password(db, "Sam", PASSWORD),
            "no account 'Sam'; `verifier accounts list` shows them",
        ),
        (
            lambda: accounts.disable_account(db, "Sam"),
            "no account 'Sam'; `verifier accounts list` shows them",
        ),
    ]
    for call, message in cases:
        with pytest.raises(InputError) as refused:
            call()
        assert str(refused.value) == message
    assert [a.name for a in accounts.list_accounts(db)] == ["Dana Ortiz"]


def test_accounts_are_managed_from_the_command_line(tmp_path: Path, db_url: str) -> None:
    def run(*args: str, given: str | None = None):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(
            cli, ["--home", str(tmp_path), "--db", db_url, *args], input=given
        )

    assert run("init").exit_code == 0
    listed = run("accounts", "list")
    assert listed.output == "no accounts: the app takes the name a reviewer types\n"
    added = run("accounts", "add", "Dana Ortiz", "--editor", given=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    assert "editor account 'Dana Ortiz' added; the app asks reviewers to sign in" in added.output
    # Asked twice, unseen: two different answers are asked again.
    # A name taken, or unknown, is refused before the password is asked.
    taken = run("accounts", "add", "Dana Ortiz")
    assert taken.exit_code == 1 and "Password" not in taken.output
    assert taken.output.startswith("Error: there is already an account 'Dana Ortiz'")
    unknown = run("accounts", "password", "Kim")
    assert unknown.output == "Error: no account 'Kim'; `verifier accounts list` shows them\n"
    mistyped = run("accounts", "add", "Sam Lee", given=f"{PASSWORD}\nother words here\n")
    assert (
        mistyped.exit_code != 0 and "Error: The two entered values do not match." in mistyped.output
    )
    piped = run("accounts", "add", "Sam Lee", "--password-stdin", given="piped in phrase\n")
    assert piped.exit_code == 0, piped.output
    assert piped.output.startswith("reviewer account 'Sam Lee' added")
    short = run("accounts", "add", "Kim", "--password-stdin", given="short\n")
    assert short.exit_code == 1
    assert (
        short.output
        == "Error: a password has 10 characters at least; a few words make a good one\n"
    )
    assert run("accounts", "disable", "Sam Lee").output == "account 'Sam Lee' disabled\n"
    lines = run("accounts", "list").output.splitlines()
    assert lines == [
        "Dana Ortiz\teditor\tactive\tlast signed in never",
        "Sam Lee\treviewer\tdisabled\tlast signed in never",
    ]
    assert run("accounts", "role", " Sam  Lee", "editor").output == "'Sam Lee' is now an editor\n"
    assert run("accounts", "role", "Sam Lee", "editor").output == "'Sam Lee' is already an editor\n"
    assert run("accounts", "role", "Dana Ortiz", "reviewer").output == (
        "'Dana Ortiz' is now a reviewer\n"
    )
    assert run("accounts", "role", "Kim", "editor").exit_code == 1
    reset = run("accounts", "password", "Sam Lee", "--password-stdin", given="a new phrase now\n")
    assert reset.output == "password of 'Sam Lee' set\n"
    with open_records(Settings(home=tmp_path, db_url=db_url)) as records:
        assert accounts.sign_in(records.db, "Sam Lee", "a new phrase now") == "Sam Lee"


def test_signed_in_an_account_imports_its_own_verdicts_only(
    bench: Workbench, tmp_path: Path
) -> None:
    listed = pipeline.store_claim_list(
        bench, ["Six Su-27 jets landed.", "The base has a tower."], "Tips"
    )
    first, second = (claim.id for claim in listed.claims)
    sheet = write(
        tmp_path,
        "verdicts.csv",
        f"claim_id,verdict,reviewer\n{first},disputed,\n{second},supported,Dana  Ortiz\n",
    )
    # A blank reviewer is the account importing; its own name is fine too (spaced as typed).
    imported = pipeline.import_reviews(bench, sheet, account="Dana Ortiz")
    assert len(imported.changes) == 2
    with bench.db.session() as session:
        claims = article_claims(session, listed.id)
    assert [(c.label, c.reviewer) for c in claims] == [
        (Label.DISPUTED, "Dana Ortiz"),
        (Label.SUPPORTED, "Dana Ortiz"),
    ]
    # Someone else's verdict is refused, by line; nothing of the file is recorded.
    forged = write(
        tmp_path,
        "forged.csv",
        f"claim_id,verdict,reviewer\n{first},supported,Dana Ortiz\n{second},disputed,Sam Lee\n",
    )
    with pytest.raises(InputError) as refused:
        pipeline.import_reviews(bench, forged, account="Dana Ortiz")
    assert str(refused.value) == (
        f"{forged}:3: the reviewer is 'Sam Lee', not you (Dana Ortiz); signed in, you import "
        "your own verdicts (leave the reviewer blank, or give your name)"
    )
    # Without an account (the command line, or an app with no accounts) anyone's come in.
    assert len(pipeline.import_reviews(bench, forged).changes) == 2
    with pytest.raises(InputError, match=r"verdicts.csv:2: no reviewer; every verdict needs"):
        pipeline.import_reviews(bench, sheet)
