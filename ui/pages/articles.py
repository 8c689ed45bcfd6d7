"""Articles page: add an article (pasted, uploaded or fetched from a web address), then read
it a page at a time with its claims highlighted in place; pick sentences or words as claims,
edit a claim's words, drop one, or extract again at another threshold.

``?article=ID`` opens an article (a URL that can be shared); without it, the form for a new
one shows. What is typed in the form stays there when something fails.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

from ui import state
from ui.components import (
    ENCODING_FIELD,
    chosen_encoding,
    date_field,
    encoding_picker,
    out_of_picker_range,
    plain,
    warnings_list,
)
from verifier import pipeline
from verifier.articles import ARTICLE_KINDS, ARTICLE_SUFFIXES, ArticleMeta
from verifier.errors import VerifierError
from verifier.language import model_reads
from verifier.readers import WORKBOOK_SUFFIXES
from verifier.views import ArticlePage, article_page, list_articles
from verifier.workbench import Workbench

FORM_FIELDS = ("art-title", "art-text", "art-url", "art-outlet", "art-author", "art-published")
LANGUAGES = {
    "en": "English",
    "ar": "Arabic",
    "de": "German",
    "es": "Spanish",
    "fa": "Persian",
    "fr": "French",
    "it": "Italian",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}


def _open(article_id: int | None) -> None:
    if article_id is None:
        st.query_params.pop("article", None)
    else:
        st.query_params["article"] = str(article_id)
    st.session_state.pop("art-page", None)


def _opened() -> int | None:
    try:
        return int(st.query_params["article"]) if "article" in st.query_params else None
    except ValueError:
        return None


def _fill(title: str, text: str, meta: ArticleMeta) -> None:
    """Put what was loaded into the form, for the reviewer to check before extracting."""
    st.session_state["art-title"] = title
    st.session_state["art-text"] = text
    st.session_state["art-url"] = meta.url or ""
    st.session_state["art-outlet"] = meta.outlet or ""
    st.session_state["art-author"] = meta.author or ""
    if warning := out_of_picker_range(meta.published):
        st.session_state["art-warning"] = f"Published left empty: {warning}"
        st.session_state["art-published"] = None
    else:
        st.session_state["art-published"] = meta.published


def _fetch(bench: Workbench) -> None:
    try:
        _fill(*pipeline.fetch_article_page(bench, st.session_state.get("art-fetch", "")))
    except VerifierError as error:
        st.session_state["art-error"] = str(error)


def _load(bench: Workbench) -> None:
    upload = st.session_state.get("art-file")
    if upload is None:
        st.session_state["art-error"] = f"choose a {ARTICLE_KINDS} file first"
        return
    try:
        loaded = pipeline.read_article_upload(
            bench,
            upload.name,
            upload.getvalue(),
            chosen_encoding("art-encoding"),
            f"{ENCODING_FIELD!r} (beside the file)",
        )
    except VerifierError as error:
        st.session_state["art-error"] = str(error)
        return
    _fill(loaded.title, loaded.text, loaded.meta)
    st.session_state["art-warnings"] = loaded.warnings


def threshold_slider(bench: Workbench, key: str, more: str) -> float:
    """The extraction threshold, from the settings' value; its help says which scorer is in
    use (the desk's trained model or the heuristic)."""
    try:
        trained = pipeline.checkworthiness_model(bench)
    except VerifierError as error:
        trained, more = None, f"{more}. {error}"
    if trained is not None:
        more += (
            f". English sentences are scored by the desk's model, trained on "
            f"{trained.get('sentences')} sentences (`verifier claims model show`)"
        )
    return float(
        st.slider(
            "Extraction threshold",
            0.0,
            1.0,
            bench.settings.min_checkworthiness,
            0.05,
            key=key,
            help=f"Check-worthiness from which a sentence is taken as a claim; {more}.",
        )
    )


def new_article(bench: Workbench) -> None:
    st.subheader("New article")
    left, right = st.columns(2)
    left.text_input("Fetch from a web address", key="art-fetch", placeholder="https://")
    left.button("Fetch", key="art-fetch-button", on_click=_fetch, args=(bench,))
    kinds = sorted(suffix.lstrip(".") for suffix in ARTICLE_SUFFIXES)
    right.file_uploader("Or load a file", type=kinds, key="art-file")
    with right:
        encoding_picker("art-encoding")
    right.button("Load file", key="art-load-button", on_click=_load, args=(bench,))
    if error := st.session_state.pop("art-error", None):
        st.error(plain(error))
    if warning := st.session_state.pop("art-warning", None):
        st.warning(plain(warning))
    warnings_list(st.session_state.pop("art-warnings", []))
    # The text stays in the form when something fails, so nothing typed is lost.
    with st.form("new-article"):
        text = st.text_area("Article text", height=300, key="art-text")
        title = st.text_input(
            "Title", key="art-title", help="Left empty, the article is named by its first line."
        )
        left, right = st.columns(2)
        url = left.text_input("Article URL", placeholder="https://", key="art-url")
        outlet = right.text_input("Outlet", key="art-outlet")
        author = left.text_input("Author", key="art-author")
        published = date_field("Published", "art-published", right)
        factcheck_url = st.text_input(
            "Fact-check URL", placeholder="https://", help="Where the desk publishes its check."
        )
        threshold = threshold_slider(
            bench,
            "art-threshold",
            "lower it to see more sentences (claims can also be picked by hand once the "
            "article is in)",
        )
        submitted = st.form_submit_button("Extract and match claims", type="primary")
    if submitted and state.signed_in("adding an article"):
        meta = dict(
            url=url, outlet=outlet, author=author, published=published, factcheck_url=factcheck_url
        )
        check(bench, text, title or None, meta, threshold)


def check(
    bench: Workbench,
    text: str,
    title: str | None,
    given: dict[str, str | date | None],
    threshold: float,
) -> None:
    bar = st.progress(0.0, text="Extracting claims...")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Matching claims: {done} of {total}")

    try:
        meta = ArticleMeta.parse(**given)
        if bench.corpus.is_empty():  # stored, to be matched once sources are added
            article = pipeline.extract_article(
                bench, text, title=title, meta=meta, threshold=threshold, allow_empty=True
            )
            st.session_state["art-error"] = "no sources yet: add some on the Sources page"
        else:
            article = pipeline.check_article(
                bench,
                text,
                title=title,
                meta=meta,
                threshold=threshold,
                allow_empty=True,
                progress=progress,
            ).article
    except VerifierError as error:
        bar.empty()
        st.error(plain(str(error)))
        return
    count = len(article.claims)
    st.session_state["art-flash"] = (
        f"{count} claim{'' if count == 1 else 's'} extracted from {plain(article.title)}"
    )
    for key in FORM_FIELDS:  # the next article starts from an empty form
        st.session_state.pop(key, None)
    _open(article.id)
    st.rerun()


def picker(bench: Workbench, current: int | None) -> None:
    with bench.db.session() as session:
        found = list_articles(session)
    titles = {a.id: f"{a.title} (#{a.id}, {a.claims} claims)" for a in found}
    ids = list(titles)
    left, right = st.columns([4, 1])
    chosen = left.selectbox(
        "Open an article",
        ids,
        index=ids.index(current) if current in ids else None,
        format_func=lambda key: titles[key],
        placeholder="Choose an article...",
        key=f"art-pick-{current}",
    )
    if chosen != current and chosen is not None:
        _open(chosen)
        st.rerun()
    if current is not None and right.button("New article", key="art-new"):
        _open(None)
        st.rerun()


def marked_up(page: ArticlePage) -> str:
    """The page's text as markdown, each claim highlighted in place with its number (a link
    that opens it in the review queue): orange until reviewed, then blue."""
    parts, at = [], page.start
    for claim in page.claims:
        if claim.start < at:  # overlaps the claim before: shown in the list only
            continue
        parts.append(plain(page.text[at - page.start : claim.start - page.start]))
        colour = "blue" if claim.label else "orange"
        words = plain(page.text[claim.start - page.start : claim.end - page.start])
        parts.append(f":{colour}-background[{words}] [#{claim.id}](./?claim={claim.id})")
        at = claim.end
    parts.append(plain(page.text[at - page.start :]))
    return "".join(parts).replace("\n", "  \n")


def show_article(bench: Workbench, article_id: int) -> None:
    page_number = int(st.session_state.get("art-page", 1))
    with bench.db.session() as session:
        page = article_page(session, article_id, page_number)
    if page is None:
        st.warning(f"There is no article #{article_id}.")
        return
    st.subheader(plain(page.title))
    details = [page.outlet, page.author, page.published, page.url]
    language = LANGUAGES.get(page.language, page.language)
    st.caption(
        plain(" · ".join(part for part in details if part))
        + f"  \n{page.claims_total} claim(s), {page.reviewed_total} reviewed · {language}"
    )
    if not model_reads(page.language):
        st.warning(
            f"This article reads as {language}. The bundled embedding model is English-only: "
            "evidence for its claims is found mostly by shared words, so check the "
            "suggestions with care, and pick claims by hand where extraction missed them."
        )
    if page.claims_total == 0:
        st.info("No sentence reached the threshold: pick claims below, or extract again lower.")
    if page.pages > 1:
        st.number_input(f"Page (of {page.pages})", 1, page.pages, key="art-page", width=200)
    st.markdown(marked_up(page))
    st.divider()
    edit_claims(bench, page)
    add_claims(bench, page)
    claim_changes(bench, page)
    extract_again(bench, page)


def _run(action: str, call: Callable[..., object], *args: object) -> None:
    """``call(*args)``; what it did, or its error, shows after the rerun."""
    try:
        call(*args)
    except VerifierError as error:
        st.session_state["art-error"] = str(error)
    else:
        st.session_state["art-flash"] = action


def edit_claims(bench: Workbench, page: ArticlePage) -> None:
    if not page.claims:
        return
    st.markdown("**Claims on this page**")
    st.dataframe(
        [
            {
                "#": c.id,
                "claim": c.text,
                "worth": c.checkworthiness,
                "suggested": c.suggested.value if c.suggested else "—",
                "verdict": c.label.value if c.label else "—",
            }
            for c in page.claims
        ],
        hide_index=True,
        column_config={"claim": st.column_config.TextColumn(width="large")},
    )
    by_id = {c.id: c for c in page.claims}
    chosen = st.selectbox(
        "Edit or drop a claim",
        list(by_id),
        index=None,
        format_func=lambda key: f"#{key} {by_id[key].text[:90]}",
        placeholder="Choose a claim...",
        key=f"art-edit-pick-{page.id}",
    )
    if chosen is None:
        return
    claim = by_id[chosen]
    if claim.label:
        st.caption("A reviewer has decided this claim: its words stay as reviewed.")
        return
    words = st.text_area(
        "Claim words (its place in the article stays)", claim.text, key=f"art-edit-{claim.id}"
    )
    left, right = st.columns(2)
    if left.button("Save words", key=f"art-save-{claim.id}") and state.signed_in("editing"):
        done = f"Claim #{claim.id} changed and matched again"
        _run(done, pipeline.edit_claim, bench, claim.id, words, state.reviewer())
        st.rerun()
    if right.button("Drop claim", key=f"art-drop-{claim.id}") and state.signed_in("dropping"):
        _run(f"Claim #{claim.id} dropped", pipeline.drop_claim, bench, claim.id, state.reviewer())
        st.rerun()


def add_claims(bench: Workbench, page: ArticlePage) -> None:
    st.markdown("**Add a claim by hand**")
    spans = {span.start: span for span in page.sentences}
    picked = st.selectbox(
        "A sentence on this page",
        list(spans),
        index=None,
        format_func=lambda key: spans[key].text[:120],
        placeholder="Choose a sentence...",
        key=f"art-add-pick-{page.id}-{page.page}",
    )
    words = st.text_input(
        "Or words copied from the article", key=f"art-add-words-{page.id}", placeholder="..."
    )
    if st.button("Add as claim", key="art-add") and state.signed_in("adding a claim"):
        chosen = spans[picked].text if picked is not None else words
        if not chosen.strip():
            st.session_state["art-error"] = "choose a sentence or paste words from the article"
        else:
            _run("Claim added", pipeline.add_claim, bench, page.id, chosen, state.reviewer())
        st.rerun()


def claim_changes(bench: Workbench, page: ArticlePage) -> None:
    """Who added, edited or dropped which claim of the article, and when (all are kept)."""
    changes = pipeline.claim_changes(bench, page.id)
    if not changes:
        return
    with st.expander(f"Claim changes ({len(changes)})"):
        st.dataframe(
            [
                {
                    "when": f"{c.changed_at:%Y-%m-%d %H:%M} UTC",
                    "by": c.changed_by,
                    "claim": c.claim_id,
                    "change": c.action,
                    "words before": c.from_text or "",
                    "words after": c.to_text or "",
                }
                for c in changes
            ],
            hide_index=True,
            key=f"art-changes-{page.id}",
        )


def extract_again(bench: Workbench, page: ArticlePage) -> None:
    with st.expander("Extract again at another threshold"):
        threshold = st.slider(
            "Extraction threshold",
            0.0,
            1.0,
            bench.settings.min_checkworthiness,
            0.05,
            key="art-rethreshold",
            help="Sentences at or above it that are not claims yet are added; no claim is removed.",
        )
        if st.button("Extract again", key="art-reextract") and state.signed_in("extracting"):
            bar = st.progress(0.0, text="Extracting claims...")

            def progress(done: int, total: int) -> None:
                bar.progress(done / total, text=f"Matching claims: {done} of {total}")

            try:
                added = pipeline.extract_again(bench, page.id, threshold, progress)
            except VerifierError as error:
                st.session_state["art-error"] = str(error)
            else:
                st.session_state["art-flash"] = f"{added} claim(s) added"
            st.rerun()


def desk_model(bench: Workbench) -> None:
    """The desk's check-worthiness model, as ``verifier claims model train | show | forget``:
    what extraction scores with, a labelled file to train it on, and the way back."""
    with st.expander("The desk's check-worthiness model", icon=":material/model_training:"):
        if done := st.session_state.pop("cw-flash", None):
            st.success(plain(done[0]))
            if done[1]:
                st.warning(plain(done[1]))
        try:
            trained = pipeline.checkworthiness_model(bench)
        except VerifierError as error:
            trained = None
            st.error(plain(str(error)))
        if trained is None:
            st.caption(
                "Extraction scores sentences with the heuristic (figures, names, dates, "
                "attribution). Sentences the desk did and did not check train a model that "
                "ranks them as the desk does, for English articles."
            )
        else:
            st.caption(
                f"Extraction scores English sentences with the desk's model, trained on "
                f"{trained.get('sentences')} sentences ({trained.get('checkworthy')} "
                f"check-worthy) from {trained.get('documents')} document(s); scored by "
                f"{trained.get('scorer')}."
            )
        with st.form("cw-train"):
            upload = st.file_uploader(
                "Sentences the desk did and did not check",
                type=["jsonl", "csv", *(suffix.lstrip(".") for suffix in WORKBOOK_SUFFIXES)],
                key="cw-file",
                help="Columns `text` and `checkworthy` (1 or 0), in reading order, and "
                "optionally `document` naming where each comes from (two documents or more "
                "measure the model). It replaces any earlier model.",
            )
            encoding = encoding_picker("cw-encoding")
            submitted = st.form_submit_button("Train")
        if trained is not None and st.button(
            "Forget the model (back to the heuristic)", key="cw-forget"
        ):
            _forget(bench)
        if not submitted or not (who := state.signed_in("training the model")):
            return
        if upload is None:
            st.error("choose a .jsonl, .csv or .xlsx file of labelled sentences first")
            return
        try:
            with st.spinner("Embedding the sentences and training..."):
                report = pipeline.train_checkworthiness_upload(
                    bench, upload.name, upload.getvalue(), who, encoding, repr(ENCODING_FIELD)
                )
        except VerifierError as error:
            st.error(plain(str(error)))
            return
        warning = (
            "the model ranks no better than the heuristic on these documents; forget it to "
            "keep the heuristic"
            if report.no_better
            else ""
        )
        summary = report.summary()
        done_line = (
            f"{summary[:1].upper()}{summary[1:]}; {report.measure()}. Extraction now uses it."
        )
        st.session_state["cw-flash"] = (done_line, warning)
        st.rerun()


def _forget(bench: Workbench) -> None:
    if not (who := state.signed_in("dropping the model")):
        return
    try:
        pipeline.forget_checkworthiness(bench, who)
    except VerifierError as error:
        st.error(plain(str(error)))
        return
    st.session_state["cw-flash"] = ("The model was dropped; extraction uses the heuristic.", "")
    st.rerun()


def main() -> None:
    bench = state.workbench()
    st.header("Articles")
    if flash := st.session_state.pop("art-flash", None):
        st.success(flash)
    current = _opened()
    picker(bench, current)
    if current is None:
        new_article(bench)
        desk_model(bench)
        return
    if error := st.session_state.pop("art-error", None):
        st.error(plain(error))
    show_article(bench, current)


main()
