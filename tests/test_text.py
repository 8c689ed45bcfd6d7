from pathlib import Path

from verifier.claims import checkworthiness, extract_claims, listed_claims
from verifier.passages import split_passages
from verifier.sentences import sentences

ARTICLE = (
    "Russia is building up forces at an air base near Latakia, US officials said on Monday.\n\n"
    "Putin attends a meeting in Dushanbe\n"
    "Putin attends a meeting in Dushanbe\n\n"
    "Latakia is about 100 miles from Islamic State territory near Aleppo. "
    "What happens next?\n\n"
    "“Latakia is about 100 miles from Islamic State territory near Aleppo.”\n\n"
    "Leave a comment"
)


def test_sentence_offsets_point_into_the_text() -> None:
    spans = sentences(ARTICLE)
    assert spans
    for span in spans:
        assert ARTICLE[span.start : span.end] == span.text
        assert span.text == span.text.strip()


def test_claims_have_offsets_scores_and_no_boilerplate_or_repeats() -> None:
    claims = extract_claims(ARTICLE)
    texts = [c.text for c in claims]
    assert texts[0].startswith("Russia is building up forces")
    assert any(t.startswith("Latakia is about 100 miles") for t in texts)
    assert sum("100 miles" in t for t in texts) == 1  # quoted repeat dropped
    assert not any("Leave a comment" in t or t.endswith("?") for t in texts)
    assert not any("attends a meeting" in t for t in texts)  # caption, no verb form
    for claim in claims:
        assert ARTICLE[claim.start : claim.end] == claim.text
        assert 0.5 <= claim.checkworthiness <= 1.0


def test_a_list_of_claims_keeps_every_line_once_with_offsets() -> None:
    listed = [
        "Russia has deployed 28 combat aircraft to Syria.",
        "Is this real?",  # the desk chose it: kept, however low it scores
        " ",
        "RUSSIA has deployed 28 combat aircraft to Syria",  # the same claim again
        "Две тысячи военных прибыли в Латакию.",
    ]
    text, claims = listed_claims(listed)
    assert [c.text for c in claims] == [listed[0], listed[1], listed[4]]
    assert text == "\n".join(c.text for c in claims)
    for claim in claims:
        assert text[claim.start : claim.end] == claim.text
    assert claims[1].checkworthiness < 0.5 < claims[0].checkworthiness
    scored = listed_claims(listed[:2], scorer=lambda texts: [0.25] * len(texts))[1]
    assert [c.checkworthiness for c in scored] == [0.25, 0.25]
    assert listed_claims(["", "  "]) == ("", [])


def test_checkworthiness_orders_concrete_over_vague() -> None:
    concrete = checkworthiness(
        "The Pentagon said on Monday that 2,000 Russian troops arrived in Latakia."
    )
    vague = checkworthiness("I think things will get better soon.")
    assert concrete > 0.7 > 0.5 > vague
    assert checkworthiness("Is Russia building a base?") < 0.5


def test_passages_cover_the_document_with_exact_offsets() -> None:
    text = (
        "# Heading\n\n"
        + " ".join(f"Sentence number {i} is here." for i in range(60))
        + "\n\nShort.\n"
    )
    passages = split_passages(text, max_chars=300)
    assert len(passages) > 3
    assert passages[0].text.startswith("# Heading\n\nSentence number 0")  # heading joined
    assert passages[-1].text.endswith("Short.")  # tiny paragraph joined to the one before
    for p in passages:
        assert text[p.start : p.end] == p.text
    assert all(len(p.text) <= 300 for p in passages[1:-1])


def test_seed_article_yields_claims(tmp_path: Path) -> None:
    seed = Path(__file__).resolve().parents[1] / "sample_corpus" / "article.md"
    claims = extract_claims(seed.read_text(encoding="utf-8"))
    assert len(claims) >= 8
    assert not any("anyone's guess" in c.text for c in claims)
