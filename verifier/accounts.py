"""Reviewer accounts: the names reviewers sign in to the app with, and salted password
hashes (scrypt, from the standard library), kept in the database so that every app server
sharing it signs in the same people.

With no account the app takes the name a reviewer types, as a desk of one needs; once the
first account is added (``verifier accounts add NAME``) every session signs in, and
verdicts are saved under the name signed in. A browser stays signed in for
:data:`SESSION_HOURS` through a random token in a cookie (:func:`start_session`), of which
the database keeps only a hash. Disabling an account, or giving it a new password, stops its
sign-ins and signs out its open sessions; its verdicts stay under its name.

An account is a reviewer's or an editor's. Every account reviews; an editor also hands
claims to others (or takes them from others), accepts suggestions in bulk, signs off
verdicts and, in the app, trains the desk's check-worthiness model (:func:`require_editor`).
With no account in use, everyone may do everything.

Wrong passwords are counted per name typed and client address (``sign_in_failures``), so
that guesses from elsewhere never lock a reviewer out and a pause tells nothing about which
names are accounts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import shlex
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from verifier.db.models import Account, AccountSession, SignInFailure, as_utc, utcnow
from verifier.db.session import Database
from verifier.errors import InputError

log = logging.getLogger(__name__)

#: Characters a password has at least (a passphrase of a few words is the intended kind).
MIN_PASSWORD = 10
#: scrypt's cost: 16 MB and about 50 ms a check on one core, as OWASP advises for scrypt.
_N, _R, _P = 2**14, 8, 1
_SCHEME = "scrypt"
#: Seconds a failed sign-in waits before it answers, so that passwords cannot be tried fast.
FAILED_WAIT = 1.0
#: Wrong passwords (within the pause's length) after which a name's sign-in from one address
#: is paused, and for how long.
MAX_TRIES, PAUSE_MINUTES = 5, 15
#: Hours a browser stays signed in (a working day and then some), unless it signs out.
SESSION_HOURS = 12


@dataclass(frozen=True)
class AccountView:
    """An account as ``verifier accounts list`` shows it (never its password hash)."""

    name: str
    created_at: datetime
    disabled_at: datetime | None
    signed_in_at: datetime | None
    editor: bool = False

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    @property
    def role(self) -> str:
        return "editor" if self.editor else "reviewer"


def hash_password(password: str) -> str:
    """``scrypt$N$r$p$salt$hash`` (salt and hash in base64) for ``password``."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _N, _R, _P)
    return "$".join((_SCHEME, str(_N), str(_R), str(_P), _b64(salt), _b64(digest)))


def password_matches(stored: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored`` (a :func:`hash_password` string) was made
    from; compared in constant time. A hash in a form this code does not know never matches."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != _SCHEME:
            return False
        found = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
        return hmac.compare_digest(found, base64.b64decode(digest))
    except ValueError:
        return False


def add_account(db: Database, name: str, password: str, editor: bool = False) -> AccountView:
    """A new account ``name`` with ``password``: a reviewer's, or with ``editor`` an
    editor's.

    Raises:
        InputError: the name is empty, too long or taken, or the password too short.
    """
    name = account_name(name)
    _check_password(password)
    with db.writing() as session:
        _check_name(session, name, new=True)
        account = Account(name=name, password_hash=hash_password(password), editor=editor)
        session.add(account)
        session.flush()
        return _view(account)


def set_password(db: Database, name: str, password: str) -> None:
    """Give the account ``name`` a new password (and enable it, if disabled); it lifts any
    pause of its sign-in, from every address.

    Raises:
        InputError: no such account, or the password is too short.
    """
    _check_password(password)
    with db.writing() as session:
        account = _account(session, name)
        account.password_hash = hash_password(password)
        account.disabled_at = None
        session.execute(sa.delete(SignInFailure).where(SignInFailure.name == account.name))
        _end_sessions(session, account)


def set_editor(db: Database, name: str, editor: bool) -> bool:
    """Make the account ``name`` an editor's (``editor``) or a reviewer's; whether that
    changed anything. Its open sessions go on: the app reads the role at each step.

    Raises:
        InputError: no such account.
    """
    with db.writing() as session:
        account = _account(session, name)
        changed = account.editor != editor
        account.editor = editor
        return changed


def is_editor(db: Database, name: str) -> bool:
    """Whether ``name`` may do an editor's work (:func:`require_editor`): an active
    editor's account, or anyone when no account is in use."""
    with db.session() as session:
        return _editor_or_open(session, name)


def require_editor(session: Session, name: str, doing: str) -> None:
    """Refuse ``doing`` ("accepting suggestions in bulk") to ``name`` unless it is an active
    editor's account, or no account is in use.

    Raises:
        InputError: ``name`` is a reviewer's account (or no active account).
    """
    if _editor_or_open(session, name):
        return
    spaced = " ".join(name.split())
    raise InputError(
        f"{doing} is for editors, and {spaced!r} is a reviewer: ask an editor, or whoever "
        f"runs verifier to make you one (`verifier accounts role {shlex.quote(spaced)} editor`)"
    )


def _editor_or_open(session: Session, name: str) -> bool:
    spaced = " ".join(name.split())
    query = sa.select(Account.editor).where(Account.name == spaced, Account.disabled_at.is_(None))
    editor = session.scalar(query)
    return bool(editor) if editor is not None else not _any_active(session)


def disable_account(db: Database, name: str) -> None:
    """Stop ``name`` signing in (its sessions are signed out at their next step).

    Raises:
        InputError: no such account.
    """
    with db.writing() as session:
        account = _account(session, name)
        account.disabled_at = account.disabled_at or utcnow()
        _end_sessions(session, account)


def list_accounts(db: Database) -> list[AccountView]:
    """Every account, by name."""
    with db.session() as session:
        return [_view(a) for a in session.scalars(sa.select(Account).order_by(Account.name))]


def accounts_in_use(db: Database) -> bool:
    """Whether reviewers must sign in: some account is enabled."""
    with db.session() as session:
        return _any_active(session)


def active_accounts(session: Session) -> list[str]:
    """The names of the enabled accounts, sorted (none: reviewers type their names)."""
    query = sa.select(Account.name).where(Account.disabled_at.is_(None)).order_by(Account.name)
    return list(session.scalars(query))


def acting_name(session: Session, name: str, doing: str) -> str:
    """The name to record work under: with accounts in use, the active account ``name``
    names (spaced as the account is), as the app records work only under the account
    signed in; else ``name`` as given.

    Raises:
        InputError: with accounts in use, ``name`` is no active account's (a typo, or a
            reviewer who has left); the line says so, with ``doing`` ("verdicts are saved").
    """
    spaced = " ".join(name.split())
    if not spaced or _active_id(session, spaced) is not None:
        return spaced or name
    if _any_active(session):
        raise InputError(
            f"{spaced!r} is not an active account: with accounts in use, {doing} under an "
            "account's name (see `verifier accounts list`)"
        )
    return name


def acting_editor(session: Session, name: str, doing: str, recorded: str) -> str:
    """The name to record an editor's work under: ``name`` given, as :func:`acting_name`
    makes it, and with accounts in use an active editor's (:func:`require_editor`).

    Raises:
        InputError: no name ("enter your name as reviewer before ``doing``"), with accounts
            in use no active account's (``recorded``: "verdicts are signed off"), or a
            reviewer's.
    """
    if not name.strip():
        raise InputError(f"enter your name as reviewer before {doing}")
    acting = acting_name(session, name, recorded)
    require_editor(session, acting, doing)
    return acting


def _any_active(session: Session) -> bool:
    query = sa.select(Account.id).where(Account.disabled_at.is_(None)).limit(1)
    return session.scalar(query) is not None


def _active_id(session: Session, name: str) -> int | None:
    query = sa.select(Account.id).where(Account.name == name, Account.disabled_at.is_(None))
    return session.scalar(query)


def is_active(db: Database, name: str) -> bool:
    """Whether ``name`` is an enabled account (a signed-in session checks this each step)."""
    with db.session() as session:
        return _active_id(session, name) is not None


def sign_in(db: Database, name: str, password: str, client: str | None = None) -> str | None:
    """The account's name when ``password`` is right for an enabled account ``name``, after
    recording the time; else ``None``, after :data:`FAILED_WAIT` seconds. An unknown name
    takes as long to refuse as a wrong password.

    Refusals are counted per name typed and ``client`` address (the browser's, as the app
    sees it): after :data:`MAX_TRIES` within :data:`PAUSE_MINUTES`, that name's sign-in from
    that address is paused for :data:`PAUSE_MINUTES`. Someone guessing elsewhere cannot lock
    a reviewer out, and a name that is no account's is paused the same, so a pause does not
    tell which names are accounts.

    Raises:
        InputError: sign-in as this name from this address is paused (the message says
            until when).
    """
    name = " ".join(name.split())[:256]
    where = (client or "")[:64]
    now = utcnow()
    with db.session() as session:
        _paused(session, name, where, now)
        account = session.scalar(sa.select(Account).where(Account.name == name))
        stored = account.password_hash if account is not None else _decoy()
        usable = account is not None and account.disabled_at is None
    right = password_matches(stored, password)  # ~50 ms of scrypt, outside any write lock
    with db.writing() as session:
        if usable and right:
            found = session.scalar(sa.select(Account).where(Account.name == name))
            if found is not None and found.disabled_at is None:  # still, after the check
                found.signed_in_at = now
                session.execute(
                    sa.delete(SignInFailure).where(
                        SignInFailure.name == name, SignInFailure.client == where
                    )
                )
                return found.name
        _count_failure(session, name, where, now)
    log.warning("sign-in refused for %r from %s", name[:80], where or "an unknown address")
    time.sleep(FAILED_WAIT)
    return None


def _paused(session: Session, name: str, client: str, now: datetime) -> None:
    """Refuse a sign-in as ``name`` from ``client`` while it is paused."""
    until = session.scalar(
        sa.select(SignInFailure.paused_until).where(
            SignInFailure.name == name, SignInFailure.client == client
        )
    )
    if until is not None and as_utc(until) > now:
        raise InputError(
            f"sign-in as {name!r} from this address is paused after {MAX_TRIES} wrong "
            f"passwords, until {as_utc(until):%H:%M} UTC; wait, or ask whoever runs verifier "
            f"for a new password (`verifier accounts password {shlex.quote(name)}`), which "
            "lifts the pause"
        )


def _count_failure(session: Session, name: str, client: str, now: datetime) -> None:
    """One more refusal for ``name`` from ``client`` (an upsert: two at once both count);
    the :data:`MAX_TRIES`-th pauses it. Counts older than :data:`PAUSE_MINUTES` are dropped
    first, so the table holds the last quarter hour's failures only."""
    window = timedelta(minutes=PAUSE_MINUTES)
    session.execute(sa.delete(SignInFailure).where(SignInFailure.last_failed_at < now - window))
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SignInFailure).values(
        name=name, client=client, failures=1, last_failed_at=now, paused_until=None
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["name", "client"],
            set_={"failures": SignInFailure.failures + 1, "last_failed_at": now},
        )
    )
    failure = session.get(SignInFailure, (name, client), populate_existing=True)
    if failure is not None and failure.failures >= MAX_TRIES:
        failure.failures, failure.paused_until = 0, now + window
        log.warning(
            "sign-in as %r from %s paused after %d wrong passwords",
            name[:80],
            client or "an unknown address",
            MAX_TRIES,
        )


def start_session(db: Database, name: str) -> str:
    """A new random token that keeps a browser signed in to ``name`` for
    :data:`SESSION_HOURS` (:func:`session_account`); the database keeps its hash only.
    Expired sessions of every account are cleared on the way.

    Raises:
        InputError: no such account.
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with db.writing() as session:
        account = _account(session, name)
        session.execute(sa.delete(AccountSession).where(AccountSession.expires_at < now))
        session.add(
            AccountSession(
                token_hash=_token_hash(token),
                account_id=account.id,
                expires_at=now + timedelta(hours=SESSION_HOURS),
            )
        )
    return token


def session_account(db: Database, token: str) -> str | None:
    """The account a browser's token keeps signed in; ``None`` for a token unknown, expired,
    signed out, or of an account disabled or given a new password since."""
    if not token:
        return None
    with db.session() as session:
        query = (
            sa.select(Account.name)
            .join(AccountSession, AccountSession.account_id == Account.id)
            .where(
                AccountSession.token_hash == _token_hash(token),
                AccountSession.expires_at > utcnow(),
                Account.disabled_at.is_(None),
            )
        )
        return session.scalar(query)


def end_session(db: Database, token: str) -> None:
    """Sign a browser out: its token no longer counts."""
    with db.writing() as session:
        session.execute(
            sa.delete(AccountSession).where(AccountSession.token_hash == _token_hash(token))
        )


def account_name(name: str) -> str:
    """``name`` as an account holds it: spaces collapsed, no control characters.

    Raises:
        InputError: empty, over 256 characters, or holding an invisible or control character.
    """
    name = " ".join(name.split())
    if not name:
        raise InputError("an account needs a name (the name its verdicts are saved under)")
    if len(name) > 256:
        raise InputError(f"an account name has 256 characters at most, not {len(name):,}")
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise InputError(
            f"the account name {name!r} holds an invisible or control character; retype it"
        )
    return name


def check_name(db: Database, name: str, *, new: bool) -> str:
    """``name`` as an account holds it (:func:`account_name`), checked before a password is
    asked for: not taken when ``new``, else an account.

    Raises:
        InputError: as :func:`add_account` (``new``) or :func:`set_password` would.
    """
    name = account_name(name)
    with db.session() as session:
        _check_name(session, name, new=new)
    return name


def _check_name(session: Session, name: str, *, new: bool) -> None:
    taken = session.scalar(sa.select(Account.id).where(Account.name == name)) is not None
    if new and taken:
        raise InputError(
            f"there is already an account {name!r}; "
            f"set its password with `verifier accounts password {shlex.quote(name)}`"
        )
    if not new and not taken:
        raise InputError(f"no account {name!r}; `verifier accounts list` shows them")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(
            f"a password has {MIN_PASSWORD} characters at least; a few words make a good one"
        )


def _account(session: Session, name: str) -> Account:
    name = " ".join(name.split())
    account = session.scalar(sa.select(Account).where(Account.name == name))
    if account is None:
        _check_name(session, name, new=False)  # its line
    assert account is not None
    return account


def _end_sessions(session: Session, account: Account) -> None:
    session.execute(sa.delete(AccountSession).where(AccountSession.account_id == account.id))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _view(account: Account) -> AccountView:
    return AccountView(
        account.name, account.created_at, account.disabled_at, account.signed_in_at, account.editor
    )


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    data = unicodedata.normalize("NFC", password).encode("utf-8")
    return hashlib.scrypt(data, salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@cache
def _decoy() -> str:
    """Checked against when the name is unknown, so that a refusal takes as long either way."""
    return hash_password(secrets.token_hex(16))
