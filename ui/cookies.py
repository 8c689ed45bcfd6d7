"""The sign-in cookie, set and cleared by the server so that it is ``HttpOnly``: no script in
the page, a stray one included, can read the session token.

Streamlit's script cannot answer an HTTP request, so the app runs under ``st.App``
(:mod:`ui.server`) with two routes of its own. A session that has just signed in hands the
token to this process under a one-use ticket (:func:`ticket`, good for
:data:`TICKET_SECONDS`), and a line of script in the page posts the ticket to
:data:`SIGN_IN_PATH`; the answer sets the cookie (``HttpOnly; SameSite=Strict``, ``Secure``
over https). :data:`SIGN_OUT_PATH` clears it. The token never passes through the page.

Without those routes (``streamlit run app.py`` directly, or Streamlit's ``AppTest``),
:func:`script` falls back to setting the cookie from the page, as before.

Behind a proxy that serves the app under a path of its own (``verifier app --base-url-path
desk``: Streamlit's ``server.baseUrlPath``), the routes are under that path too
(``/desk/verifier/session``), as the page posts to them, and the cookie is kept to it.
"""

from __future__ import annotations

import json
import secrets
import threading
import time

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

COOKIE = "verifier_session"  # the browser's cookie holding the session token
SIGN_IN_PATH = "/verifier/session"
SIGN_OUT_PATH = "/verifier/session/end"
#: How long a ticket can be exchanged for the cookie.
TICKET_SECONDS = 60.0

_tickets: dict[str, tuple[str, int, bool, float]] = {}  # ticket -> token, max-age, secure, until
_lock = threading.Lock()
_served = False  # whether this process answers the routes
_base = ""  # the path the app is served under ("/desk"), or none


def routes(base_url_path: str = "") -> list[Route]:
    """The routes that set and clear the cookie, under ``base_url_path`` (Streamlit's
    ``server.baseUrlPath``, when the app is served under a path); :mod:`ui.server` mounts
    them."""
    global _served, _base
    _served = True
    _base = base_path(base_url_path)
    return [
        Route(f"{_base}{SIGN_IN_PATH}", _sign_in, methods=["POST"]),
        Route(f"{_base}{SIGN_OUT_PATH}", _sign_out, methods=["POST"]),
    ]


def base_path(base_url_path: str) -> str:
    """``desk`` or ``/desk/`` as ``/desk``; nothing as ``""``."""
    trimmed = base_url_path.strip().strip("/")
    return f"/{trimmed}" if trimmed else ""


def ticket(token: str, seconds: int, secure: bool) -> str:
    """A one-use ticket that :data:`SIGN_IN_PATH` exchanges, within
    :data:`TICKET_SECONDS`, for a cookie holding ``token`` for ``seconds``."""
    found = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _lock:
        for old in [key for key, (*_, until) in _tickets.items() if until < now]:
            del _tickets[old]
        _tickets[found] = (token, seconds, secure, now + TICKET_SECONDS)
    return found


def script(token: str, seconds: int, secure: bool) -> str:
    """The line of script that sets (``seconds`` 0: clears) this browser's cookie: through
    the server's routes when this process answers them, else from the page."""
    if _served and seconds:
        body = json.dumps(ticket(token, seconds, secure))
        return f"fetch('{_base}{SIGN_IN_PATH}', {{method: 'POST', body: {body}}});"
    if _served:
        return f"fetch('{_base}{SIGN_OUT_PATH}', {{method: 'POST'}});"
    flags = "; Secure" if secure else ""
    cookie = f"{COOKIE}={token}; path=/; max-age={seconds}; SameSite=Strict{flags}"
    return f"document.cookie = '{cookie}';"


def _redeem(found: str) -> tuple[str, int, bool] | None:
    with _lock:
        held = _tickets.pop(found, None)
    if held is None or held[3] < time.monotonic():
        return None
    return held[0], held[1], held[2]


async def _sign_in(request: Request) -> Response:
    held = _redeem((await request.body()).decode("ascii", "replace").strip())
    if held is None:
        return Response("no such ticket, or too late: sign in again", status_code=403)
    token, seconds, secure = held
    response = Response(status_code=204)
    response.set_cookie(
        COOKIE,
        token,
        max_age=seconds,
        path=_base or "/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    return response


async def _sign_out(_request: Request) -> Response:
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path=_base or "/", httponly=True, samesite="strict")
    return response
