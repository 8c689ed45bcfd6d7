"""The review app's web server: Streamlit's own, serving ``app.py``, with the routes that set
and clear the sign-in cookie (:mod:`ui.cookies`). ``verifier app`` runs this file.

Run: ``streamlit run ui/server.py`` (what ``verifier app`` does).
"""

from pathlib import Path

import streamlit as st

from ui import cookies

# Under the path the app is served at, if any (``--server.baseUrlPath``, which Streamlit has
# read from the command line before it runs this file).
app = st.App(
    Path(__file__).resolve().parents[1] / "app.py",
    routes=cookies.routes(str(st.get_option("server.baseUrlPath") or "")),
)
