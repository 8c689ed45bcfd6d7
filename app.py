"""Streamlit review app: page setup and navigation only; each page lives in ``ui/pages/``.

Run: ``verifier app`` (or ``streamlit run app.py``; settings from VERIFIER_HOME and
VERIFIER_DB_URL). On first start with an empty data folder it loads the sample corpus.
"""

import streamlit as st

from ui import state

st.set_page_config(page_title="verifier", layout="wide")
page = st.navigation(
    [
        st.Page("ui/pages/queue.py", title="Review queue", icon=":material/checklist:"),
        st.Page("ui/pages/review.py", title="Claims by article", icon=":material/fact_check:"),
        st.Page("ui/pages/articles.py", title="Articles", icon=":material/post_add:"),
        st.Page("ui/pages/sources.py", title="Sources", icon=":material/library_books:"),
        st.Page("ui/pages/score.py", title="Score claims", icon=":material/playlist_add_check:"),
        st.Page("ui/pages/dashboard.py", title="Dashboard", icon=":material/monitoring:"),
        st.Page("ui/pages/exports.py", title="Export reports", icon=":material/download:"),
    ]
)
with state.database_failures():
    state.sidebar()
    page.run()
