"""A reviewer's changes to an article's claims (picked by hand, edited, dropped, extracted
again), articles in other languages, and long articles read a page at a time; on both
databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import write
from verifier import pipeline
from verifier.errors import InputError
from verifier.labels import Label
from verifier.views import PAGE_CLAIMS, PAGE_PARAGRAPHS, article_page, claim_view
from verifier.workbench import Workbench

ARTICLE = (
    "Russia moved 28 combat aircraft to the Latakia air base, officials said on Monday.\n\n"
    "Fans sang in the rain.\n\n"
    "The Pentagon said Russia deployed tanks near Latakia on Tuesday, a spokesman said."
)


@pytest.fixture
def article(bench: Workbench, sources: Path) -> int:
    pipeline.ingest(bench, [sources])
    return pipeline.check_article(bench, ARTICLE, title="Build-up").article.id


def texts(bench: Workbench, article_id: int) -> list[str]:
    with bench.db.session() as session:
        page = article_page(session, article_id)
    assert page is not None
    return [claim.text for claim in page.claims]


def test_words_copied_from_the_page_become_a_matched_claim(bench: Workbench, article: int) -> None:
    assert len(texts(bench, article)) == 2
    # copied from the browser: line breaks and spacing differ from the stored text
    claim_id = pipeline.add_claim(bench, article, "  Fans sang in\nthe   rain. ", "lee")
    [added] = pipeline.claim_changes(bench, article)
    assert (added.claim_id, added.action, added.changed_by) == (claim_id, "added", "lee")
    assert (added.from_text, added.to_text) == (None, "Fans sang in the rain.")
    with bench.db.session() as session:
        view = claim_view(session, claim_id)
    assert view is not None and view.text == "Fans sang in the rain."
    assert ARTICLE[view.start : view.end] == view.text and view.checkworthiness == 1.0
    assert view.suggested is not None and view.evidence  # matched at once
    with pytest.raises(InputError, match=r"already has this claim \(#\d+\)"):
        pipeline.add_claim(bench, article, "Fans sang in the rain.", "lee")
    with pytest.raises(InputError, match="those words are not in the article"):
        pipeline.add_claim(bench, article, "Fans sang in the snow.", "lee")
    with pytest.raises(InputError, match="there is no article #999"):
        pipeline.add_claim(bench, 999, "Fans", "lee")


def test_a_claim_is_edited_and_matched_again_but_never_once_reviewed(
    bench: Workbench, article: int
) -> None:
    with bench.db.session() as session:
        first, second = article_page(session, article).claims  # type: ignore[union-attr]
    pipeline.edit_claim(bench, first.id, "Russia moved  28 combat aircraft to Latakia.", "ana")
    with bench.db.session() as session:
        edited = claim_view(session, first.id)
    assert edited is not None and edited.text == "Russia moved 28 combat aircraft to Latakia."
    assert (edited.start, edited.end) == (first.start, first.end)  # its place stays
    assert edited.suggested is not None and "Latakia" in (edited.evidence[0].text)
    with pytest.raises(InputError, match=r"already has this claim"):
        pipeline.edit_claim(bench, second.id, edited.text, "ana")
    with pytest.raises(InputError, match="a claim needs words; to remove it, drop it"):
        pipeline.edit_claim(bench, second.id, " ... ", "ana")
    pipeline.review_claim(bench, second.id, Label.SUPPORTED, "dana")
    for change in (
        lambda: pipeline.edit_claim(bench, second.id, "Something else entirely here.", "ana"),
        lambda: pipeline.drop_claim(bench, second.id, "ana"),
    ):
        with pytest.raises(InputError, match=r"has a reviewer's verdict \(supported\)"):
            change()
    pipeline.drop_claim(bench, first.id, "ana")
    assert texts(bench, article) == [second.text]
    with pytest.raises(InputError, match=f"there is no claim #{first.id}"):
        pipeline.drop_claim(bench, first.id, "ana")
    # Every change is kept, newest first, the dropped claim's words with it; refused
    # changes and a nameless one leave nothing.
    with pytest.raises(InputError, match="enter your name as reviewer before changing claims"):
        pipeline.edit_claim(bench, second.id, "Other words.", "  ")
    kept = [
        (c.claim_id, c.action, c.changed_by, c.from_text, c.to_text)
        for c in pipeline.claim_changes(bench, article)
    ]
    assert kept == [
        (first.id, "dropped", "ana", edited.text, None),
        (first.id, "edited", "ana", first.text, edited.text),
    ]


def test_extracting_again_lower_adds_claims_and_removes_none(
    bench: Workbench, article: int
) -> None:
    pipeline.add_claim(bench, article, "Fans sang in the rain.", "lee")
    pipeline.drop_claim(bench, max(c for c in _ids(bench, article)), "lee")
    before = texts(bench, article)
    seen: list[tuple[int, int]] = []
    added = pipeline.extract_again(bench, article, 0.0, lambda *a: seen.append(a))
    assert added == 1 and seen == [(1, 1)]
    assert set(before) < set(texts(bench, article))
    assert pipeline.extract_again(bench, article, 0.9) == 0
    assert len(texts(bench, article)) == 3


def _ids(bench: Workbench, article_id: int) -> list[int]:
    with bench.db.session() as session:
        page = article_page(session, article_id)
    assert page is not None
    return [claim.id for claim in page.claims]


def test_other_languages_are_split_and_scored_in_their_own_terms(bench: Workbench) -> None:
    russian = pipeline.extract_article(
        bench,
        "Россия перебросила 28 боевых самолётов на авиабазу в Латакии, сообщили в Пентагоне "
        "в понедельник. Это правда?\n\nМинистерство обороны России опровергло сообщения.",
    )
    assert russian.language == "ru"
    assert [c.text[:20] for c in russian.claims] == ["Россия перебросила 2"]
    arabic = pipeline.extract_article(
        bench,
        "نقلت روسيا 28 طائرة مقاتلة إلى قاعدة اللاذقية الجوية، بحسب مسؤولين أمريكيين يوم "
        "الاثنين. هل هذا صحيح؟ قال المسؤولون إن الطائرات وصلت.",
        threshold=0.3,
    )
    assert arabic.language == "ar"
    # the question is its own sentence (Arabic question mark) and is not a claim
    assert all("؟" not in claim.text for claim in arabic.claims)
    assert arabic.claims[0].text.endswith("الاثنين.")


def test_an_article_over_the_size_limit_is_refused_with_what_to_do(bench: Workbench) -> None:
    with pytest.raises(InputError, match=r"is 200,001 characters; the limit is 200,000"):
        pipeline.extract_article(bench, "x" * 200_001)


def test_a_long_article_is_read_a_page_at_a_time(bench: Workbench) -> None:
    paragraphs = [
        f"Officials said {n} aircraft landed at the base on Monday, a spokesman confirmed. "
        f"Another {n + 1} jets were seen by reporters at the airfield on Tuesday."
        for n in range(100)
    ]
    text = "\n\n".join(paragraphs)
    stored = pipeline.extract_article(bench, text, allow_empty=True)
    assert len(stored.claims) == 200
    with bench.db.session() as session:
        first = article_page(session, stored.id)
        assert first is not None and first.pages > 1
        pages = [article_page(session, stored.id, n) for n in range(1, first.pages + 1)]
        beyond = article_page(session, stored.id, first.pages + 5)
    shown = [claim.id for page in pages if page for claim in page.claims]
    assert sorted(shown) == sorted(c.id for c in stored.claims)  # each claim on one page
    assert "".join(page.text for page in pages if page) == text
    for page in pages:
        assert page is not None and len(page.claims) <= PAGE_CLAIMS
        assert page.text.count("\n\n") < PAGE_PARAGRAPHS
        for claim in page.claims:
            assert page.text[claim.start - page.start : claim.end - page.start] == claim.text
    assert beyond is not None and beyond.page == first.pages  # clamped


def test_a_russian_claim_finds_its_russian_source(bench: Workbench, tmp_path: Path) -> None:
    folder = tmp_path / "ru"
    write(
        folder,
        "tass.txt",
        "---\ntitle: Минобороны о Латакии\n---\nМинистерство обороны России сообщило, что "
        "на авиабазу в Латакии переброшены 28 боевых самолётов.\n",
    )
    write(folder, "weather.txt", "A heatwave pushed temperatures above 38 degrees in Spain.\n")
    pipeline.ingest(bench, [folder])
    checked = pipeline.check_article(
        bench,
        "Россия перебросила 28 боевых самолётов на авиабазу в Латакии, сообщили в Пентагоне "
        "в понедельник.",
    )
    assert checked.article.language == "ru"
    (result,) = checked.results
    assert result.evidence[0].uri == str(folder / "tass.txt")
