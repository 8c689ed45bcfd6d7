"""The pipeline end to end on the fast embedder: scoring a file, checking an article, the sample."""

import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import write

from verifier import pipeline
from verifier.errors import InputError, VerifierError
from verifier.export import ReportFilter
from verifier.labels import Label
from verifier.views import article_claims, list_articles
from verifier.workbench import Workbench


def test_score_file_writes_one_record_per_claim_with_its_fields(
    bench: Workbench, sources: Path, tmp_path: Path
) -> None:
    pipeline.ingest(bench, [sources])
    claims = write(
        tmp_path,
        "claims.jsonl",
        '{"claim": "Spartak beat Zenit 2-1 in the derby.", "id": "a"}\n'
        '{"claim": "Crews built helicopter pads at the Syrian airport.", "id": "b"}\n'
        '{"claim": " ", "id": "skipped"}\n'
        '{"claim": "Spartak beat Zenit 2-1 in the derby.", "id": "c"}\n',
    )
    seen: list[tuple[int, int]] = []
    report = pipeline.score_file(
        bench, claims, tmp_path / "out.jsonl", top_k=2, progress=lambda *a: seen.append(a)
    )
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == ["a", "b", "c"]
    assert [r["row"] for r in records] == [1, 2, 4]  # where each was, past the blank claim
    assert records[0]["evidence"][0]["uri"].endswith("football.txt")
    assert (report.scored, report.duplicates, seen[-1]) == (3, 1, (3, 3))
    assert sum(report.labels.values()) == 3
    assert report.summary().startswith(f"scored 3 claim(s) -> {tmp_path / 'out.jsonl'} (")


def test_score_file_checks_input_and_output_before_scoring(
    bench: Workbench, sources: Path, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="output must end in"):
        pipeline.score_file(bench, tmp_path / "none.txt", tmp_path / "out.docx")
    with pytest.raises(InputError, match="no such file"):
        pipeline.score_file(bench, tmp_path / "none.txt", tmp_path / "out.jsonl")
    with pytest.raises(VerifierError, match="no sources are indexed yet"):
        pipeline.score_file(bench, write(tmp_path, "c.txt", "A claim.\n"), tmp_path / "o.csv")
    assert not (tmp_path / "o.csv").exists()


def test_an_uploaded_claims_sheet_is_scored_and_offered_in_every_format(
    bench: Workbench, sources: Path, tmp_path: Path
) -> None:
    pipeline.ingest(bench, [sources])
    sheet = b"Ref,Statement\nA-1,Spartak beat Zenit 2-1.\nA-2,\nA-3,Crews built helicopter pads.\n"
    seen: list[tuple[int, int]] = []
    scored = pipeline.score_upload(
        bench, "desk/claims.csv", sheet, 2, lambda *a: seen.append(a), "statement", "Column"
    )
    records = scored.records()
    assert [(r["row"], r["ref"]) for r in records] == [(2, "A-1"), (4, "A-3")]
    assert seen[-1] == (2, 2) and sum(scored.labels.values()) == 2
    assert scored.counts().count(",") == 2 and "supported" in scored.counts()
    assert not list((bench.settings.home / "uploads").iterdir())  # the staged copy is gone
    for fmt, read in [
        ("csv", pd.read_csv),
        ("xlsx", pd.read_excel),
        ("jsonl", lambda b: pd.read_json(b, lines=True)),
        ("parquet", pd.read_parquet),
    ]:
        frame = read(io.BytesIO(pipeline.scored_download(scored, fmt)))
        assert frame["ref"].tolist() == ["A-1", "A-3"], fmt
        assert frame["claim"][0] == "Spartak beat Zenit 2-1.", fmt
    with pytest.raises(InputError, match="holds 2 claims, more than the 1 the app scores"):
        pipeline.score_upload(bench, "claims.csv", sheet, column="statement", most=1)
    # Added for review: stored as one list with the evidence and suggestion scored.
    saved = pipeline.add_scored_for_review(bench, scored, "Desk sheet")
    assert [c.text for c in saved.claims] == [r.claim for r in scored.results]
    with bench.db.session() as session:
        views = article_claims(session, saved.id)
    for view, result in zip(views, scored.results, strict=True):
        assert view.suggested is result.suggestion.label
        assert [e.passage_id for e in view.evidence] == [e.passage_id for e in result.evidence]
    # A refusal names the file as uploaded, and the app's field for the column.
    with pytest.raises(InputError) as refused:
        pipeline.score_upload(
            bench, "desk/claims.csv", sheet, column="claim", column_field="Column"
        )
    assert str(refused.value) == (
        "claims.csv: no 'claim' column (found: ref, statement); "
        "name the column that holds the claims (Column), or add a 'claim' one"
    )


def test_a_list_of_claims_is_stored_for_review_and_kept_when_added_again(
    bench: Workbench, sources: Path, tmp_path: Path
) -> None:
    pipeline.ingest(bench, [sources])
    tips = write(
        tmp_path,
        "tips.csv",
        "Statement,Seen on\nSpartak beat Zenit 2-1.,X\n,TikTok\n"
        "Crews built helicopter pads at the Syrian airport.,Telegram\n"
        "Spartak beat Zenit 2-1.,Facebook\n",
    )
    saved = pipeline.store_claims_file(bench, tips, "statement")
    assert saved.title == "tips.csv"
    assert [c.text for c in saved.claims] == [
        "Spartak beat Zenit 2-1.",
        "Crews built helicopter pads at the Syrian airport.",
    ]
    matched = pipeline.match_claims(bench, article_id=saved.id, top_k=2)
    assert matched[0].evidence[0].uri.endswith("football.txt")
    first = saved.claims[0].id
    pipeline.review_claim(bench, first, Label.SUPPORTED, "Dana", "Club's own report")
    again = pipeline.store_claim_list(bench, [c.text for c in saved.claims], "Tips again")
    assert again.id == saved.id and [c.id for c in again.claims] == [c.id for c in saved.claims]
    with bench.db.session() as session:
        [listed] = [a for a in list_articles(session) if a.id == saved.id]
        assert (listed.claims, listed.reviewed) == (2, 1)  # the review is kept
        assert article_claims(session, saved.id)[0].label is Label.SUPPORTED
    with pytest.raises(InputError, match="^the list holds no claims$"):
        pipeline.store_claim_list(bench, [" "], "Nothing")
    long = [f"Claim number {n} says {'x' * 90}." for n in range(2_100)]
    with pytest.raises(InputError, match=r"^the 2,100 claims come to .* split the file"):
        pipeline.store_claim_list(bench, long, "Too many")
    with bench.db.session() as session:
        assert len(list_articles(session)) == 1  # nothing stored by a refusal


def test_where_each_listed_claim_was_seen_reaches_the_reports(
    bench: Workbench, sources: Path, tmp_path: Path
) -> None:
    pipeline.ingest(bench, [sources])
    post = "https://social.example.net/@watcher/1234"
    tips = write(
        tmp_path,
        "tips.csv",
        f"claim,URL,Author,Date\nSpartak beat Zenit 2-1.,{post},@watcher,2026-11-20\n"
        "Crews built helicopter pads.,,,\n",
    )
    saved = pipeline.store_claims_file(bench, tips)
    first, second = (c.id for c in saved.claims)
    pipeline.review_claim(bench, first, Label.DISPUTED, "Dana", "It was 1-1")
    pipeline.review_claim(bench, second, Label.UNVERIFIED, "Dana")
    with bench.db.session() as session:
        views = article_claims(session, saved.id)
    assert [(v.appearance_url, v.appearance_author) for v in views] == [
        (post, "@watcher"),
        (None, None),
    ]
    assert views[0].appearance_date == date(2026, 11, 20) and views[1].appearance_date is None
    out = tmp_path / "report"
    out.mkdir()
    pipeline.export_report(bench, ReportFilter(), out / "r.jsonl")
    records = [json.loads(line) for line in (out / "r.jsonl").read_text().splitlines()]
    assert [r["appearance_url"] for r in records] == [post, None]
    assert (records[0]["appearance_author"], records[0]["appearance_date"]) == (
        "@watcher",
        "2026-11-20",
    )
    publisher = pipeline.claimreview_publisher(
        bench.settings, "Desk", None, "https://desk.example.org/checks/{claim_id}"
    )
    pipeline.export_report(bench, ReportFilter(), out / "cr.json", publisher=publisher)
    reviews = json.loads((out / "cr.json").read_text())
    item = reviews[0]["itemReviewed"]
    assert item["appearance"] == [{"@type": "CreativeWork", "url": post}]
    assert item["author"] == {"@type": "Person", "name": "@watcher"}
    assert item["datePublished"] == "2026-11-20"
    assert "appearance" not in reviews[1]["itemReviewed"]  # the list itself has no URL
    pipeline.export_report(bench, ReportFilter(), out / "r.html")
    assert f'Seen at <a href="{post}">{post}</a> · by @watcher · 2026-11-20' in (
        (out / "r.html").read_text()
    )
    pipeline.export_report(bench, ReportFilter(), out / "r.md")
    assert f"Seen at <{post}> · by @watcher · 2026-11-20" in (out / "r.md").read_text()
    # A URL column holding something else is named with its line; nothing is stored.
    bad = write(tmp_path, "bad.csv", "claim,url\nA claim.,\nAnother claim.,javascript:alert(1)\n")
    with pytest.raises(InputError) as refused:
        pipeline.store_claims_file(bench, bad)
    assert str(refused.value) == (
        f"{bad}:3: url 'javascript:alert(1)' is not a web address (http:// or https://); "
        "fix it or leave it empty"
    )
    bad = write(tmp_path, "bad.csv", "claim,date\nA claim.,20 Nov\n")
    with pytest.raises(InputError, match=r"bad.csv:2: date '20 Nov' is not a date; use YYYY-MM-DD"):
        pipeline.store_claims_file(bench, bad)
    bad = write(tmp_path, "bad.csv", f"claim,author\nA claim.,{'x' * 300}\n")
    with pytest.raises(
        InputError, match=r"bad.csv:2: the appearance_author is 300 characters, over the 256"
    ):
        pipeline.store_claims_file(bench, bad)
    with bench.db.session() as session:
        assert len(list_articles(session)) == 1
    # The same from the app: scored, then added for review.
    sheet = f"claim,url\nSpartak beat Zenit 2-1 at home.,{post}\nA claim.,htp:/typo\n"
    scored = pipeline.score_upload(bench, "desk/sheet.csv", sheet.encode())
    with pytest.raises(InputError, match="^sheet.csv:3: url 'htp:/typo' is not a web address"):
        pipeline.add_scored_for_review(bench, scored, "Sheet")
    scored = pipeline.score_upload(bench, "sheet.csv", sheet.encode().replace(b"htp:/typo", b""))
    listed = pipeline.add_scored_for_review(bench, scored, "Sheet")
    with bench.db.session() as session:
        views = article_claims(session, listed.id)
    assert [v.appearance_url for v in views] == [post, None]


def test_a_listed_claims_other_columns_go_back_with_its_verdict(
    bench: Workbench, sources: Path, tmp_path: Path
) -> None:
    """A desk's own reference (any column but the claim, url, author and date) is kept with
    each claim and comes back in every report format, so verdicts join back to the sheet."""
    pipeline.ingest(bench, [sources])
    tips = write(
        tmp_path,
        "tips.csv",
        "Ref,claim,Desk,Notes,url\n"
        "A-1,Spartak beat Zenit 2-1.,sport,,https://t.example/1\n"
        'A-2,Crews built helicopter pads.,world,"two\nlines",\n',
    )
    saved = pipeline.store_claims_file(bench, tips)
    first, second = (c.id for c in saved.claims)
    pipeline.review_claim(bench, first, Label.DISPUTED, "Dana")
    pipeline.review_claim(bench, second, Label.SUPPORTED, "Dana")
    with bench.db.session() as session:
        views = article_claims(session, saved.id)
    assert [v.row_fields for v in views] == [
        {"ref": "A-1", "desk": "sport"},  # blank cells and the url left out
        {"ref": "A-2", "desk": "world", "notes": "two\nlines"},
    ]
    out = tmp_path / "report"
    out.mkdir()
    for suffix in ("jsonl", "csv", "parquet", "html", "md"):
        pipeline.export_report(bench, ReportFilter(), out / f"r.{suffix}")
    records = [json.loads(line) for line in (out / "r.jsonl").read_text().splitlines()]
    assert [r["row_fields"] for r in records] == [v.row_fields for v in views]
    table = pd.read_parquet(out / "r.parquet")
    assert [dict(cell) for cell in table["row_fields"]] == [v.row_fields for v in views]
    rows = pd.read_csv(out / "r.csv")
    assert [json.loads(cell) for cell in rows["row_fields"]] == [v.row_fields for v in views]
    assert "From its row: ref: A-1 · desk: sport</p>" in (out / "r.html").read_text()
    assert "From its row: ref: A-1 · desk: sport\n" in (out / "r.md").read_text()
    # An article's claims have none.
    article = pipeline.check_article(bench, "Russia deployed 28 combat aircraft to Latakia.")
    with bench.db.session() as session:
        assert all(not v.row_fields for v in article_claims(session, article.article.id))
    # JSON Lines values that are not text are kept as JSON; too much is refused by line.
    jsonl = '{"claim": "Six Su-27 jets landed.", "n": 7, "tags": ["air", "base"], "x": null}\n'
    listed = pipeline.store_claims_file(bench, write(tmp_path, "tips.jsonl", jsonl))
    with bench.db.session() as session:
        [view] = article_claims(session, listed.id)
    assert view.row_fields == {"n": "7", "tags": '["air", "base"]'}
    wide = write(tmp_path, "wide.csv", f"claim,memo\nA claim.,{'m' * 10_000}\n")
    with pytest.raises(InputError) as refused:
        pipeline.store_claims_file(bench, wide)
    assert str(refused.value) == (
        f"{wide}:2: the row's other columns come to 10,012 characters, more than the 10,000 "
        "a claim keeps; remove the columns the review does not need"
    )
    # The same from the app: scored, then added for review.
    sheet = "claim,ref\nSpartak beat Zenit 2-1 at home.,B-9\n"
    scored = pipeline.score_upload(bench, "sheet.csv", sheet.encode())
    added = pipeline.add_scored_for_review(bench, scored, "Sheet")
    with bench.db.session() as session:
        assert [v.row_fields for v in article_claims(session, added.id)] == [{"ref": "B-9"}]


def test_a_reviewer_searches_the_sources_in_their_own_words(
    bench: Workbench, sources: Path
) -> None:
    pipeline.ingest(bench, [sources])
    [first, *_] = pipeline.find_passages(bench, "  air traffic control\ntower ", top_k=3)
    assert "air traffic control tower" in first.text and first.document == "Satellite images"
    assert len(pipeline.find_passages(bench, "Spartak Zenit derby", top_k=2)) == 2
    with pytest.raises(InputError, match="^type words, a figure or a name"):
        pipeline.find_passages(bench, " \n ")
    with pytest.raises(InputError, match="^a search takes 1,000 characters at most, not 1,199"):
        pipeline.find_passages(bench, "jets " * 240)


def test_check_article_stores_and_matches(bench: Workbench, sources: Path) -> None:
    pipeline.ingest(bench, [sources])
    checked = pipeline.check_article(
        bench,
        "Spartak Moscow beat Zenit 2-1 in Sunday's derby, the club said.",
        title="Derby",
        top_k=2,
    )
    assert checked.article.title == "Derby"
    [result] = checked.results
    assert result.claim_id == checked.article.claims[0].id and len(result.evidence) == 2
    with bench.db.session() as s:
        [claim] = article_claims(s, checked.article.id)
    assert claim.suggested == result.suggestion.label
    assert [e.passage_id for e in claim.evidence] == [e.passage_id for e in result.evidence]


def test_an_article_file_is_read_titled_and_stored(bench: Workbench, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "draft.md",
        "# Jets at Latakia\n\nFour Russian jets landed at Latakia on Friday, officials said.\n",
    )
    stored = pipeline.extract_article_file(bench, path)
    assert stored.title == "Jets at Latakia"
    assert [c.text for c in stored.claims] == [
        "Four Russian jets landed at Latakia on Friday, officials said."
    ]
    with pytest.raises(
        InputError, match=r"articles must be .txt, .md, .* or an image, not .pages$"
    ):
        pipeline.extract_article_file(bench, write(tmp_path, "a.pages", "x"))


def test_the_sample_loads_on_first_start_only(bench: Workbench) -> None:
    loaded = pipeline.load_sample_if_empty(bench)
    assert loaded is not None and loaded.report.added == 18 and loaded.claims == 11
    assert pipeline.load_sample_if_empty(bench) is None
    with bench.db.session() as s:
        [article] = list_articles(s)
        claims = article_claims(s, article.id)
    assert article.title.startswith("Russia builds up forces at Syrian air base")
    assert len(claims) == 11 and all(c.suggested in set(Label) for c in claims)
