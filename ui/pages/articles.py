"""Check-an-article page: paste an article; its claims are extracted and matched."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.components import plain
from verifier import pipeline
from verifier.articles import ArticleMeta
from verifier.errors import VerifierError


def main() -> None:
    bench = state.workbench()
    st.header("Check an article")
    # The text stays in the form when something fails, so nothing typed is lost.
    with st.form("new-article"):
        title = st.text_input("Title", help="Left empty, the article is named by its first line.")
        text = st.text_area("Article text", height=300)
        # What reports and ClaimReview cite about the checked article.
        left, right = st.columns(2)
        url = left.text_input("Article URL", placeholder="https://")
        outlet = right.text_input("Outlet")
        author = left.text_input("Author")
        published = right.text_input("Published", placeholder="YYYY-MM-DD")
        factcheck_url = st.text_input(
            "Fact-check URL", placeholder="https://", help="Where the desk publishes its check."
        )
        submitted = st.form_submit_button("Extract and match claims", type="primary")
    if not submitted:
        return
    try:
        meta = ArticleMeta.parse(
            url=url, outlet=outlet, author=author, published=published, factcheck_url=factcheck_url
        )
        with st.spinner("Extracting and matching claims..."):
            checked = pipeline.check_article(bench, text, title=title or None, meta=meta)
    except VerifierError as error:
        st.error(plain(str(error)))
        return
    st.session_state["article_id"] = checked.article.id
    count = len(checked.article.claims)
    st.session_state["flash"] = (
        f"{count} claim{'' if count == 1 else 's'} extracted from {plain(checked.article.title)}"
    )
    st.switch_page("ui/pages/review.py")


main()
