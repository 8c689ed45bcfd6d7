"""The sign-in cookie's tickets: one use each, within their time; and the script a page runs
to have the cookie set, by the server's routes when the process answers them."""

from __future__ import annotations

import pytest

from ui import cookies


def test_a_ticket_is_good_once() -> None:
    found = cookies.ticket("token-1", 3600, secure=False)
    assert cookies._redeem(found) == ("token-1", 3600, False)
    assert cookies._redeem(found) is None  # used
    assert cookies._redeem("made-up") is None


def test_a_ticket_is_good_for_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(cookies.time, "monotonic", lambda: now[0])
    late = cookies.ticket("token-2", 3600, secure=True)
    on_time = cookies.ticket("token-3", 3600, secure=True)
    now[0] += cookies.TICKET_SECONDS + 1
    assert cookies._redeem(late) is None
    fresh = cookies.ticket("token-4", 60, secure=True)  # and old ones are swept away
    assert on_time not in cookies._tickets and cookies._redeem(fresh) == ("token-4", 60, True)


def test_the_page_asks_the_server_when_it_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cookies, "_served", False)
    assert cookies.script("tok", 60, secure=True) == (
        "document.cookie = 'verifier_session=tok; path=/; max-age=60; SameSite=Strict; Secure';"
    )
    monkeypatch.setattr(cookies, "_served", True)
    sets = cookies.script("tok", 60, secure=False)
    assert sets.startswith("fetch('/verifier/session', {method: 'POST', body: \"")
    assert "tok" not in sets.replace("token", "")  # the token itself never enters the page
    ticket = sets.split('body: "')[1].split('"')[0]
    assert cookies._redeem(ticket) == ("tok", 60, False)
    assert cookies.script("", 0, secure=False) == (
        "fetch('/verifier/session/end', {method: 'POST'});"
    )
