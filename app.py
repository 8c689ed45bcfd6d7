"""Streamlit review app: read each claim's evidence and record a verdict.

A thin page over the ``verifier`` package: it collects input, calls the core, and renders.
On first start with an empty data folder it loads the sample corpus.

Run: ``streamlit run app.py`` (settings from VERIFIER_HOME / VERIFIER_DB_URL).
"""

from __future__ import annotations

import re

import streamlit as st

from verifier.articles import add_article
from verifier.config import Settings
from verifier.db.models import VERDICT_LABELS, Claim, Match
from verifier.errors import VerifierError
from verifier.match import match_claims
from verifier.review import Change, article_claims, articles, histories, record_review
from verifier.sample import load_sample_if_empty
from verifier.workbench import Workbench

COLOUR = {"supported": "green", "disputed": "red", "unverified": "gray"}
# Material icons ship with Streamlit, so they render without emoji fonts or a network.
REVIEWED, PENDING = ":material/task_alt:", ":material/pending:"
_MARKDOWN_CHARS = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|$~:])")


def plain(text: str) -> str:
    """``text`` escaped for Streamlit markdown: "$5 billion" must not turn into LaTeX."""
    return _MARKDOWN_CHARS.sub(r"\\\1", text)


def badge(label: str) -> str:
    return f":{COLOUR[label]}[**{label}**]"


@st.cache_resource(show_spinner="Opening the workbench...")
def open_bench(home: str, db_url: str | None) -> Workbench:
    bench = Workbench.open(Settings.from_env(home=home, db_url=db_url))
    load_sample_if_empty(bench)
    return bench


def check_article_form(bench: Workbench) -> None:
    with st.sidebar.form("new-article", clear_on_submit=True):
        st.write("**Check an article**")
        title = st.text_input("Title")
        text = st.text_area("Article text", height=150)
        if st.form_submit_button("Extract and match claims"):
            try:
                article = add_article(bench, text, title=title or None)
                match_claims(bench, article_id=article.id)
            except VerifierError as error:
                st.error(plain(str(error)))
            else:
                st.session_state["article_id"] = article.id
                st.success(f"{len(article.claims)} claims extracted")


def review_form(bench: Workbench, claim: Claim, reviewer: str) -> None:
    verdict = claim.verdict
    current = (
        verdict.label
        if verdict and verdict.label
        else (verdict.suggested if verdict and verdict.suggested else "unverified")
    )
    options = {
        f"#{m.rank} {m.passage.document.title} ({m.score:.2f})": m.passage_id for m in claim.matches
    }
    chosen = [k for k, pid in options.items() if verdict and pid in (verdict.evidence or [])]
    with st.form(f"review-{claim.id}"):
        label = st.radio(
            "Verdict",
            VERDICT_LABELS,
            index=VERDICT_LABELS.index(current),
            horizontal=True,
            key=f"label-{claim.id}",
        )
        note = st.text_area(
            "Note", value=(verdict.note if verdict else None) or "", key=f"note-{claim.id}"
        )
        relied = st.multiselect(
            "Evidence relied on", list(options), default=chosen, key=f"ev-{claim.id}"
        )
        if st.form_submit_button("Save verdict"):
            try:
                record_review(bench, claim.id, reviewer, label, note, [options[k] for k in relied])
            except VerifierError as error:
                st.error(plain(str(error)))
            else:
                st.success(f"Saved: {label}")
                st.rerun()


def evidence_heading(match: Match) -> str:
    doc = match.passage.document
    published = doc.published.isoformat() if doc.published else None
    source = plain(" · ".join(part for part in (doc.outlet, published) if part))
    where = f"<{doc.url}>" if doc.url else f"`{doc.uri}`"
    return f"**#{match.rank} · {match.score:.2f} · {plain(doc.title)}** — {source}  \n{where}"


def show_claim(bench: Workbench, claim: Claim, changes: list[Change], reviewer: str) -> None:
    verdict = claim.verdict
    reviewed = verdict.label if verdict and verdict.label else None
    shown = reviewed or (verdict.suggested if verdict and verdict.suggested else "unverified")
    icon = REVIEWED if reviewed else PENDING
    with st.expander(f"{badge(shown)} {plain(claim.text)}", expanded=False, icon=icon):
        lines = []
        if verdict and verdict.suggested:
            lines.append(f"suggested {badge(verdict.suggested)} ({verdict.confidence or 0:.2f})")
        else:
            lines.append("not matched yet")
        if verdict and reviewed:
            lines.append(f"reviewed {badge(reviewed)} by {plain(verdict.reviewer or '')}")
        lines.append(
            f"chars {claim.start}–{claim.end} · check-worthiness {claim.checkworthiness:.2f}"
        )
        st.markdown(" · ".join(lines))
        if verdict and verdict.reason:
            st.caption(plain(verdict.reason))
        for match in claim.matches:
            st.markdown(evidence_heading(match))
            st.text(match.passage.text)
        review_form(bench, claim, reviewer)
        if changes:
            st.write("History")
            st.table(
                [
                    {
                        "when (UTC)": c.changed_at.strftime("%Y-%m-%d %H:%M:%S"),
                        "who": c.changed_by,
                        "from": c.from_label or "—",
                        "to": c.to_label,
                        "note": c.note or "",
                    }
                    for c in changes
                ]
            )


def main() -> None:
    st.set_page_config(page_title="verifier", layout="wide")
    settings = Settings.from_env()
    try:
        bench = open_bench(str(settings.home), settings.db_url)
    except VerifierError as error:
        st.error(plain(str(error)))
        st.stop()
    st.sidebar.title("verifier")
    reviewer = st.sidebar.text_input("Reviewer", key="reviewer", placeholder="your name")
    stats = bench.stats()
    st.sidebar.caption(f"{stats['passages']} passages indexed · {stats['model']}")
    check_article_form(bench)

    found = articles(bench)
    if not found:
        st.info("No article yet: paste one in the sidebar.")
        return
    titles = {a.id: f"{a.title} (#{a.id})" for a in found}
    ids = list(titles)
    default = st.session_state.get("article_id", ids[0])
    article_id: int = st.selectbox(
        "Article",
        ids,
        index=ids.index(default) if default in ids else 0,
        format_func=lambda key: titles[key],
    )
    claims = article_claims(bench, article_id)
    done = sum(1 for c in claims if c.verdict and c.verdict.label)
    st.header(plain(titles[article_id]))
    st.progress(
        done / len(claims) if claims else 0.0, text=f"{done} of {len(claims)} claims reviewed"
    )
    if not reviewer:
        st.warning("Enter your name as reviewer in the sidebar to record verdicts.")
    changes = histories(bench, [claim.id for claim in claims])
    for claim in claims:
        show_claim(bench, claim, changes.get(claim.id, []), reviewer)


main()
