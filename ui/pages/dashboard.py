"""Dashboard: open work and throughput, verdicts per article and reviewer, and how often the
reviewers kept the suggested verdict (a confusion table)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import state
from verifier.dashboard import dashboard
from verifier.export import NOT_REVIEWED
from verifier.labels import Label

DAYS = 30
COLUMNS = [label.value for label in Label]
#: Bar colours in the order of :func:`_shown`: the badges' green, red and grey, then blue.
COLOURS = ("#21a354", "#ff4b4b", "#a3a8b8", "#7fc8f8")


def main() -> None:
    bench = state.workbench()
    st.header("Dashboard")
    with bench.db.session() as session:
        board = dashboard(session, days=DAYS)
    summary = board.summary
    if not summary.claims:
        st.info("No claim yet: add an article on the 'Articles' page.")
        return
    figures = st.columns(6)
    figures[0].metric("Claims", f"{summary.claims:,}")
    figures[1].metric("Reviewed", f"{board.reviewed:,}")
    figures[2].metric("Open", f"{board.open:,}")
    figures[3].metric(
        "Signed off",
        f"{summary.signed_off:,}",
        help="Reviewed claims whose verdict, as it stands, an editor signed off; the queue's "
        "status 'to sign off' lists the others.",
    )
    figures[4].metric(
        "New evidence",
        f"{board.new_evidence:,}",
        help="Reviewed claims whose evidence now holds a passage from a source added or "
        "changed after their verdict; the queue's status 'new evidence' lists them.",
    )
    agreement = summary.agreement
    figures[5].metric(
        "Suggestion kept",
        "—" if agreement is None else f"{agreement:.0%}",
        help="Of the reviewed claims that had a suggestion, the share where the reviewer "
        "gave the suggested verdict.",
    )

    st.subheader(f"Reviews per day (last {DAYS} days)")
    per_day = pd.DataFrame(board.throughput.per_reviewer, index=board.throughput.days)
    if board.throughput.total:
        st.bar_chart(per_day, x_label="day (UTC)", y_label="verdicts recorded")
    else:
        st.caption(f"No verdict recorded in the last {DAYS} days.")

    left, right = st.columns(2)
    with left:
        st.subheader("Verdicts per article")
        articles = pd.DataFrame(
            [
                {"article": a.title, **{name: a.verdicts.get(name, 0) for name in _shown()}}
                for a in summary.articles
            ]
        ).set_index("article")
        st.bar_chart(articles, horizontal=True, x_label="", y_label="claims", color=[*COLOURS])
    with right:
        st.subheader("Reviews per reviewer")
        if summary.reviewers:
            st.bar_chart(
                pd.DataFrame(summary.reviewers, columns=["reviewer", "reviewed"]).set_index(
                    "reviewer"
                ),
                horizontal=True,
                x_label="",
                y_label="claims reviewed",
            )
        else:
            st.caption("No claim reviewed yet.")

    if any(load.to for load in board.workload):
        st.subheader("Assigned work")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "assigned to": load.to or "nobody",
                        "open": load.open,
                        "reviewed": load.reviewed,
                    }
                    for load in board.workload
                ]
            ),
            hide_index=True,
        )

    st.subheader("Suggested vs reviewed")
    st.caption("Rows: the suggested verdict; columns: the reviewer's. The diagonal is agreement.")
    st.dataframe(
        pd.DataFrame(
            [
                [summary.confusion.get((suggested, reviewed), 0) for reviewed in COLUMNS]
                for suggested in COLUMNS
            ],
            index=[f"suggested {name}" for name in COLUMNS],
            columns=[f"reviewed {name}" for name in COLUMNS],
        )
    )


def _shown() -> list[str]:
    return [*COLUMNS, NOT_REVIEWED]


main()
