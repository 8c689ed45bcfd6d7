"""Review queue: every claim across articles in one filtered, sorted table; the claim picked
opens below it, in its article, with the suggestion marked as a suggestion and one key per
verdict (the verdict is saved with the note and evidence given, and the next claim opens)."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.components import (
    appearance,
    badge,
    history_rows,
    new_evidence_note,
    plain,
    show_cited,
    show_passage,
    split_evidence,
    verdict_picker,
)
from verifier import accounts, pipeline
from verifier.accounts import active_accounts
from verifier.assignments import assignees, handovers
from verifier.claim_memory import PastCheck
from verifier.errors import ConflictError, VerifierError
from verifier.labels import Label
from verifier.queue import (
    NOBODY,
    SORTS,
    STATUSES,
    QueueFilter,
    QueuePage,
    acceptable,
    claim_queue,
    signable,
)
from verifier.retrieve import Evidence
from verifier.views import ClaimView, claim_in_article, claim_view, list_articles, list_reviewers
from verifier.workbench import Workbench

PAGE_ROWS = 50  # a page of the table; the rest are a page number away
#: One key per verdict (shortcuts do not fire while typing in the note).
KEYS = {Label.SUPPORTED: "S", Label.DISPUTED: "D", Label.UNVERIFIED: "U"}
CURRENT = "queue-claim"  # the open claim's id, kept for the browser session
ORDER = "queue-order"  # the ids of the table as shown, for next / previous
LINKED = "queue-linked"  # the claim a shared URL opened, or a save was refused on


def filters(bench: Workbench) -> QueueFilter:
    with bench.db.session() as session:
        articles = {a.id: a.title for a in list_articles(session)}
        reviewers = list_reviewers(session)
        assigned = assignees(session)
    me = " ".join(state.reviewer().split())  # as names are assigned
    # The statuses on a row of their own: five fit no narrower column.
    status = st.segmented_control(
        "Status", STATUSES, default=STATUSES[0], key="q-status", selection_mode="single"
    )
    top = st.columns([4, 2, 2])
    search = top[0].text_input("Search claims", key="q-search", placeholder="words in the claim")
    sort = top[1].selectbox("Sort by", SORTS, key="q-sort")
    confidence = top[2].slider("Confidence", 0.0, 1.0, (0.0, 1.0), 0.05, key="q-confidence")
    more = st.columns(5)
    suggested = verdict_picker("Suggested", "q-suggested", more[0])
    reviewed = verdict_picker("Reviewed as", "q-reviewed", more[1])
    chosen = more[2].multiselect(
        "Articles", list(articles), format_func=lambda key: articles[key], key="q-articles"
    )
    reviewer = more[3].selectbox(
        "Reviewer", [None, *reviewers], format_func=lambda name: name or "anyone", key="q-reviewer"
    )
    # "me" first once the reviewer is known: each finds their own work in one click, or
    # from the sidebar's link (``?assigned=me``), which chooses it once.
    mine = [me] if me else []
    if st.query_params.get("assigned") == "me":
        del st.query_params["assigned"]
        if me:
            st.session_state["q-assigned"] = me
    holders = [None, *mine, NOBODY, *[name for name in assigned if name != me]]
    assigned_to = more[4].selectbox(
        "Assigned to",
        holders,
        format_func=lambda name: _holder(name, me),
        key="q-assigned",
    )
    return QueueFilter(
        status=status or STATUSES[0],
        suggested=tuple(suggested),
        reviewed=tuple(reviewed),
        confidence=(float(confidence[0]), float(confidence[1])),
        articles=tuple(chosen),
        reviewer=reviewer,
        assigned_to=assigned_to,
        search=search,
        sort=sort,
    )


def assign_control(
    bench: Workbench,
    claims: list[int] | QueueFilter,
    count: int,
    names: list[str],
    key: str,
    label: str,
) -> None:
    """A popover that gives the claims (by id, or all a filter keeps) to a reviewer, or to
    no one: with accounts in use (their ``names``), picked among them; else a name as typed."""
    with st.popover(label, icon=":material/assignment_ind:"):
        if names:
            to = st.selectbox(
                "To",
                [NOBODY, *names],
                format_func=lambda name: name or "nobody (take the claims back)",
                key=f"{key}-to",
            )
        else:
            to = st.text_input(
                "To", key=f"{key}-to", placeholder="a reviewer's name; empty: nobody"
            )
        if not st.button(f"Assign {count} claim(s)", key=f"{key}-go"):
            return
        try:
            changed = pipeline.assign_claims(bench, claims, to.strip() or None, state.reviewer())
        except VerifierError as error:
            st.error(plain(str(error)))
            return
    whom = f"to {to.strip()}" if to.strip() else "to nobody"
    st.session_state["queue-flash"] = f"Assigned {changed} claim(s) {whom}"
    st.rerun()


def accept_control(bench: Workbench, wanted: QueueFilter) -> None:
    """A popover that accepts the suggestions the model is sure enough of, among the claims
    the filters keep, as this reviewer's verdicts."""
    with st.popover("Accept suggestions", icon=":material/done_all:"):
        threshold = st.slider("Confidence at least", 0.5, 1.0, 0.9, 0.01, key="q-accept-at")
        with bench.db.session() as session:
            count, surest = acceptable(session, wanted, threshold)
        st.caption(
            "Of the claims shown, those not reviewed yet: each suggestion is saved as your "
            "verdict, with a note saying it was accepted in bulk and at what confidence."
        )
        if not count:
            st.caption(
                f"None reaches {threshold:.2f}; the surest suggestion left is {surest:.2f}."
                if surest is not None
                else "No claim shown has a suggestion left to accept."
            )
        if not st.button(f"Accept {count} suggestion(s)", key="q-accept-go", disabled=not count):
            return
        try:
            changes = pipeline.accept_suggestions(bench, wanted, state.reviewer(), threshold)
        except VerifierError as error:
            st.error(plain(str(error)))
            return
    st.session_state["queue-flash"] = (
        f"Accepted {len(changes)} suggestion(s) at confidence {threshold:.2f} or above"
    )
    st.rerun()


def sign_off_all_control(bench: Workbench, wanted: QueueFilter, me: str) -> None:
    """A popover that signs off, as this editor, every verdict the filters keep that awaits
    a sign-off, but for the editor's own (left for another editor)."""
    with st.popover("Sign off verdicts", icon=":material/verified:"):
        with bench.db.session() as session:
            count = signable(session, wanted, me)
        st.caption(
            "Of the claims shown, the verdicts that await a sign-off, as they stand now; "
            "your own verdicts are left for another editor."
        )
        if not count:
            st.caption("No verdict shown awaits your sign-off.")
        if not st.button(f"Sign off {count} verdict(s)", key="q-sign-all", disabled=not count):
            return
        try:
            signed = pipeline.sign_off_claims(bench, wanted, me)
        except VerifierError as error:
            st.error(plain(str(error)))
            return
    st.session_state["queue-flash"] = f"Signed off {signed} verdict(s)"
    st.rerun()


#: Passages a reviewer's search shows: the few best; other words find others.
SEARCH_HITS = 5


def find_evidence(bench: Workbench, claim: ClaimView) -> dict[str, int]:
    """A search of the sources in the reviewer's own words, for evidence the match did not
    bring; every passage found for this claim (this session) joins the evidence the
    reviewer may cite, by label."""
    key, kept = f"q-find-{claim.id}", f"q-found-{claim.id}"
    found: dict[str, int] = st.session_state.setdefault(kept, {})
    with st.expander("Search the sources for other evidence", icon=":material/search:"):
        query = st.text_input(
            "Words, a figure or a name", key=key, placeholder="e.g. Latakia runway 2015"
        )
        if not query.strip():
            return found
        try:
            passages = _searched(bench, query)
        except VerifierError as error:
            st.error(plain(str(error)))
            return found
        if not passages:
            st.caption("No passage of the sources matches; try other words.")
            return found
        for rank, item in enumerate(passages, start=1):
            where = " · ".join(str(x) for x in (item.outlet, item.published) if x)
            st.markdown(
                f"#{rank} · {item.score:.2f} · **{plain(item.document)}**"
                f"{' — ' + plain(where) if where else ''}  \n{plain(item.text)}"
            )
            found.setdefault(f"found: {item.document} ({item.passage_id})", item.passage_id)
        st.caption("Pick any of these under “Evidence relied on” to cite it.")
    return found


def _searched(bench: Workbench, query: str) -> list[Evidence]:
    """:func:`verifier.pipeline.find_passages`, once a query: a page's every rerun (a click,
    a key) would search again."""
    last = st.session_state.get("q-search-last")
    if last is None or last[0] != query:
        found = pipeline.find_passages(bench, query, SEARCH_HITS)
        last = st.session_state["q-search-last"] = (query, found)
    passages: list[Evidence] = last[1]
    return passages


def sign_off_control(bench: Workbench, claim: ClaimView, me: str, editor: bool) -> None:
    """Who signed off the verdict as it stands; for an editor (anyone, without accounts),
    a "Sign off" button when the verdict is someone else's and awaits one."""
    if claim.signed_off_by and claim.signed_off_at:
        st.caption(
            f"Signed off by **{plain(claim.signed_off_by)}** on "
            f"{claim.signed_off_at:%Y-%m-%d %H:%M} UTC"
        )
        return
    if not claim.label:
        return
    if me and claim.reviewer == me:
        st.caption("Awaits a sign-off by an editor other than you (the verdict is yours)")
        return
    if not (editor and me):
        st.caption("Awaits an editor's sign-off")
        return
    if not st.button("Sign off", key=f"q-sign-{claim.id}", icon=":material/verified:"):
        return
    try:
        pipeline.sign_off_claims(bench, [claim.id], me)
    except VerifierError as error:
        st.error(plain(str(error)))
        return
    st.session_state["queue-flash"] = f"Signed off claim #{claim.id}: {claim.label.value}"
    st.rerun()


def take_control(bench: Workbench, claim: ClaimView, me: str) -> None:
    """For a reviewer who is no editor: take the claim to check when nobody has it, or give
    back one of theirs (handing claims to others is for editors)."""
    holder = claim.assigned.to if claim.assigned else None
    if not me or holder not in (None, me):
        return
    label, to = ("Take this claim", me) if holder is None else ("Give this claim back", None)
    if not st.button(label, key=f"q-take-{claim.id}", icon=":material/assignment_ind:"):
        return
    try:
        pipeline.assign_claims(bench, [claim.id], to, me)
    except VerifierError as error:
        st.error(plain(str(error)))
        return
    done = "is yours to check" if to else "is assigned to nobody again"
    st.session_state["queue-flash"] = f"Claim #{claim.id} {done}"
    st.rerun()


def _holder(name: str | None, me: str) -> str:
    if name is None:
        return "anyone"
    if name == NOBODY:
        return "nobody"
    return f"me ({name})" if name == me else name


def _table_rows(page: QueuePage, past: dict[int, PastCheck]) -> list[dict[str, object]]:
    return [
        {
            "claim": row.claim_id,
            "text": row.text,
            "article": row.article,
            "worth": row.checkworthiness,
            "suggested": row.suggested.value if row.suggested else "—",
            "confidence": row.confidence,
            "verdict": row.label.value if row.label else "—",
            "reviewer": row.reviewer or "",
            "assigned to": row.assigned_to or "",
            "checked before": _before(past.get(row.claim_id)),
        }
        for row in page.rows
    ]


def _before(past: PastCheck | None) -> str:
    if past is None:
        return ""
    when = f"{past.reviewed_at:%Y-%m-%d}"
    return f"{past.label.value} · {past.reviewer or ''} · {when} (#{past.claim_id})"


def _reuse(bench: Workbench, claim: ClaimView, past: PastCheck) -> None:
    """Give the claim the verdict of the claim it says the same as, then open the next."""
    try:
        seen = len(claim.history)  # as the panel showed it
        change = pipeline.reuse_verdict(bench, claim.id, past, state.reviewer(), seen)
    except VerifierError as error:
        _refused(claim.id, error)
        return
    state.saw(claim.id, seen + 1)
    was = change.from_label.value if change.from_label else "unreviewed"
    st.session_state["queue-flash"] = (
        f"Saved claim #{claim.id}: {was} → {change.to_label.value} (reused #{past.claim_id})"
    )
    _next(claim.id)


def _refusal() -> None:
    """Show why the last save was refused, if it was."""
    if error := st.session_state.pop("queue-error", None):
        st.error(plain(error))


def _refused(claim_id: int, error: VerifierError) -> None:
    """Say why a save was refused. Reviewed elsewhere meanwhile, the claim may have left the
    list (say, "needs review"): it stays open, as a shared link's does, so that the verdict
    given can be read before saving again."""
    if isinstance(error, ConflictError):
        st.session_state[LINKED] = claim_id
    st.session_state["queue-error"] = str(error)


def _next(claim_id: int) -> None:
    order: list[int] = st.session_state.get(ORDER, [])
    # A claim shown outside the list (a shared link's) goes on to the list's first.
    following = order[order.index(claim_id) + 1 :] if claim_id in order else order
    _open(following[0] if following else claim_id)


def _picked() -> None:
    """The table's selection opens that claim."""
    rows = st.session_state["queue-table"].selection.rows
    if rows and rows[0] < len(st.session_state[ORDER]):
        _open(st.session_state[ORDER][rows[0]])


def _open(claim_id: int | None) -> None:
    st.session_state[CURRENT] = claim_id
    if claim_id is None:
        st.query_params.pop("claim", None)
    else:
        st.query_params["claim"] = str(claim_id)


def _step(claim_id: int, by: int) -> None:
    order: list[int] = st.session_state.get(ORDER, [])
    if claim_id in order:
        at = order.index(claim_id) + by
        _open(order[at] if 0 <= at < len(order) else claim_id)


def _decide(bench: Workbench, claim: ClaimView, label: Label | None) -> None:
    """Save ``label`` (the suggestion's when ``None``) with the note and evidence typed, then
    open the next claim of the queue as it was shown."""
    label = label or claim.suggested
    reviewer = state.reviewer()
    note = st.session_state.get(f"q-note-{claim.id}") or None
    relied = st.session_state.get(f"q-ev-{claim.id}") or []
    if label is None:
        st.session_state["queue-error"] = "this claim has no suggestion to accept yet"
        return
    try:
        # The history as the panel showed it: a verdict given elsewhere since is reported
        # (and then shown) rather than replaced unread; the claim stays open.
        seen = len(claim.history)
        change = pipeline.review_claim(bench, claim.id, label, reviewer, note, relied, seen)
    except VerifierError as error:
        _refused(claim.id, error)
        return
    state.saw(claim.id, seen + 1)
    was = change.from_label.value if change.from_label else "unreviewed"
    st.session_state["queue-flash"] = f"Saved claim #{claim.id}: {was} → {label.value}"
    _next(claim.id)


def in_article(bench: Workbench, claim_id: int) -> None:
    with bench.db.session() as session:
        context = claim_in_article(session, claim_id)
    if context is None:
        return
    st.caption(f"In {plain(context.title)}")
    st.markdown(
        "> "
        + plain(context.before)
        + f" :orange-background[**{plain(context.claim)}**] "
        + plain(context.after)
    )


def evidence(claim: ClaimView) -> None:
    relevant, weak = split_evidence(claim.evidence)
    if not claim.evidence:
        st.info("No evidence matched yet.")
    fresh = new_evidence_note(claim)
    for item in relevant:
        show_passage(claim.text, item, item.passage_id in fresh)
    if weak:
        with st.expander(f"{len(weak)} passage(s) below the relevance threshold"):
            for item in weak:
                show_passage(claim.text, item)


def past_check(bench: Workbench, claim: ClaimView) -> None:
    """ "Checked before": the reviewed claim that says the same, and one key to reuse it."""
    past = pipeline.past_checks(bench, [(claim.id, claim.text)]).get(claim.id)
    if past is None:
        return
    with st.container(border=True):
        st.markdown(
            f":material/history: **Checked before:** {badge(past.label)} by "
            f"{plain(past.reviewer or 'someone')} on {past.reviewed_at:%Y-%m-%d} · claim "
            f"#{past.claim_id} in {plain(past.article or 'no article')} (similarity "
            f"{past.similarity:.2f})  \n> {plain(past.text)}"
        )
        if past.note:
            st.caption(f"Their note: {plain(past.note)}")
        st.button(
            f"Reuse this verdict ({past.label.value})",
            key="q-reuse",
            shortcut="B",
            on_click=_reuse,
            args=(bench, claim, past),
            disabled=claim.label == past.label,
        )


def assignment(bench: Workbench, claim: ClaimView) -> None:
    """Who has the claim to check, and who had it before."""
    if claim.assigned:
        st.caption(
            f"Assigned to **{plain(claim.assigned.to)}** by {plain(claim.assigned.by)} on "
            f"{claim.assigned.at:%Y-%m-%d %H:%M} UTC"
        )
    with bench.db.session() as session:
        changes = handovers(session, claim.id)
    if len(changes) > (1 if claim.assigned else 0):
        st.caption(
            "Assignment history: "
            + " · ".join(
                f"{change.at:%Y-%m-%d %H:%M} {plain(change.by)}: "
                f"{plain(change.from_name or 'nobody')} → {plain(change.to_name or 'nobody')}"
                for change in changes
            )
        )


def claim_panel(bench: Workbench, claim: ClaimView, names: list[str], editor: bool) -> None:
    st.subheader(f"Claim #{claim.id}")
    in_article(bench, claim.id)
    st.markdown(f"**{plain(claim.text)}**")
    if seen := appearance(claim):
        st.markdown(seen)
    past_check(bench, claim)
    if claim.suggested:
        st.info(
            f"Suggestion, not a verdict: {badge(claim.suggested)} "
            f"(confidence {claim.confidence or 0:.2f})  \n{plain(claim.reason or '')}",
            icon=":material/lightbulb:",
        )
    if claim.label:
        note = f"  \nNote: {plain(claim.note)}" if claim.note else ""
        st.success(
            f"Reviewed: {badge(claim.label)} by {plain(claim.reviewer or '')}{note}",
            icon=":material/task_alt:",
        )
        show_cited(claim.cited)
    assignment(bench, claim)
    reviewer = state.reviewer()
    sign_off_control(bench, claim, reviewer, editor)
    if not reviewer:
        st.warning("Enter your name as reviewer in the sidebar to record verdicts.")
    _refusal()  # beside the keys that were pressed, not at the top of a scrolled page
    options = {f"#{e.rank} {e.document} ({e.score:.2f})": e.passage_id for e in claim.evidence}
    for label, pid in find_evidence(bench, claim).items():
        if pid not in options.values():
            options[label] = pid
    st.text_area("Note (optional)", key=f"q-note-{claim.id}", height=80)
    st.multiselect(
        "Evidence relied on",
        list(options.values()),
        format_func=lambda pid: next(k for k, v in options.items() if v == pid),
        key=f"q-ev-{claim.id}",
    )
    buttons = st.columns(6)
    for column, label in zip(buttons, KEYS, strict=False):
        column.button(
            f"{label.value.capitalize()}",
            key=f"q-{label.value}",
            shortcut=KEYS[label],
            on_click=_decide,
            args=(bench, claim, label),
            use_container_width=True,
        )
    buttons[3].button(
        "Accept suggestion",
        key="q-accept",
        shortcut="A",
        on_click=_decide,
        args=(bench, claim, None),
        disabled=claim.suggested is None,
        use_container_width=True,
    )
    buttons[4].button(
        "Previous",
        key="q-prev",
        shortcut="K",
        on_click=_step,
        args=(claim.id, -1),
        use_container_width=True,
    )
    buttons[5].button(
        "Next",
        key="q-next",
        shortcut="J",
        on_click=_step,
        args=(claim.id, 1),
        use_container_width=True,
    )
    st.caption(
        "Keys: S supported · D disputed · U unverified · A accept suggestion · B reuse the "
        "verdict checked before · J next · K previous"
    )
    if editor:
        assign_control(bench, [claim.id], 1, names, f"q-assign-{claim.id}", "Assign this claim")
    else:
        take_control(bench, claim, reviewer)
    evidence(claim)
    if claim.history:
        st.write("History")
        st.table(history_rows(claim.history))


def main() -> None:
    bench = state.workbench()
    st.header("Review queue")
    if flash := st.session_state.pop("queue-flash", None):
        st.success(flash)
    wanted = filters(bench)
    number = int(st.session_state.get("q-page", 1))
    with bench.db.session() as session:
        page = claim_queue(session, wanted, PAGE_ROWS, (number - 1) * PAGE_ROWS)
        pages = max((page.total - 1) // PAGE_ROWS + 1, 1)
        if number > pages:  # fewer claims match now: the last page
            number = st.session_state["q-page"] = pages
            page = claim_queue(session, wanted, PAGE_ROWS, (number - 1) * PAGE_ROWS)
        names = active_accounts(session)  # whom claims may be assigned to, if accounts
    st.session_state[ORDER] = [row.claim_id for row in page.rows]
    left, right = st.columns([4, 1])
    first = (number - 1) * PAGE_ROWS
    shown = f"{first + 1}–{first + len(page.rows)} of {page.total}" if pages > 1 else page.total
    left.caption(f"{shown} claim(s)")
    if pages > 1:
        right.number_input(
            f"Page (of {pages})", 1, pages, key="q-page", label_visibility="collapsed"
        )
    past = pipeline.past_checks(bench, [(row.claim_id, row.text) for row in page.rows])
    st.dataframe(
        _table_rows(page, past),
        key="queue-table",
        on_select=_picked,
        selection_mode="single-row",
        hide_index=True,
        height=260,
        column_config={
            "claim": st.column_config.NumberColumn("#", width="small"),
            "text": st.column_config.TextColumn("claim", width="large"),
            "worth": st.column_config.NumberColumn("check-worthiness", format="%.2f"),
            "confidence": st.column_config.NumberColumn(format="%.2f"),
        },
    )
    editor = accounts.is_editor(bench.db, state.reviewer())
    if page.total and editor:
        assign, accept, sign, _ = st.columns([1, 1, 1, 1])
        with assign:
            label = f"Assign these {page.total} claims"
            assign_control(bench, wanted, page.total, names, "q-bulk", label)
        with accept:
            accept_control(bench, wanted)
        # A sign-off is an editor's, by name, and of verdicts the table shows.
        if (me := state.reviewer()) and wanted.status != "needs review":
            with sign:
                sign_off_all_control(bench, wanted, me)
    elif page.total:
        st.caption(
            "Handing claims to others, accepting suggestions in bulk and signing off verdicts "
            "are for editors; you take claims nobody has, and give yours back."
        )
    current = st.session_state.get(CURRENT)
    if current is None and "claim" in st.query_params:
        try:
            current = int(st.query_params["claim"])
        except ValueError:
            current = None
        st.session_state[LINKED] = current  # shown even when the filters leave it out
    shown = st.session_state[ORDER]
    if current not in shown and current != st.session_state.get(LINKED):
        current = None  # the filters changed: open the first claim they show
    if current is None and page.rows:
        current = page.rows[0].claim_id
    if current is None:
        _refusal()
        st.info("No claim matches these filters.")
        return
    with bench.db.session() as session:
        claim = claim_view(session, current)
    if claim is None:
        _refusal()
        st.warning(f"There is no claim #{current}.")
        return
    _open(current)
    claim_panel(bench, claim, names, editor)


main()
