import os
from datetime import date
from pathlib import Path

import pytest
from conftest import write

from verifier.errors import InputError
from verifier.readers import read_claims
from verifier.sources import expand_paths, read_file, read_sources

MB = 1024 * 1024


def test_text_front_matter_gives_metadata(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.txt",
        "---\ntitle: Pentagon briefing\noutlet: Wire\nurl: https://x.example/a\n"
        "date: 2015-09-14\n---\nRussia moved equipment to Latakia.\n",
    )
    [doc] = read_file(path, MB)
    assert (doc.title, doc.outlet, doc.url) == ("Pentagon briefing", "Wire", "https://x.example/a")
    assert doc.published == date(2015, 9, 14)
    assert doc.text == "Russia moved equipment to Latakia.\n"
    assert doc.uri == str(path)


def test_front_matter_quotes_come_off_in_one_pair_only(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "q.md",
        "---\ntitle: \"Minister: 'no jets'\"\noutlet: '=HYPERLINK(\"x\")'\n---\nText.\n",
    )
    [doc] = read_file(path, MB)
    assert (doc.title, doc.outlet) == ("Minister: 'no jets'", '=HYPERLINK("x")')


def test_markdown_without_front_matter_takes_title_from_heading(tmp_path: Path) -> None:
    [doc] = read_file(write(tmp_path, "b.md", "# Latakia profile\n\nLatakia is a port.\n"), MB)
    assert doc.title == "Latakia profile"
    assert doc.outlet is None and doc.published is None


def test_body_text_without_a_headline_gives_a_short_title(tmp_path: Path) -> None:
    body = (
        "Four Russian Su-30 fighter jets landed at the Bassel al-Assad airport outside Latakia "
        "on Friday, two US officials said.\n"
    )
    [doc] = read_file(write(tmp_path, "jets.txt", body), MB)
    assert doc.title == (
        "Four Russian Su-30 fighter jets landed at the Bassel al-Assad airport outside "
        "Latakia on Friday, two…"
    )
    assert len(doc.title) <= 101 and doc.text == body


def test_html_text_and_head_metadata(tmp_path: Path) -> None:
    html = """<html><head><title>T | Site</title>
    <meta property="og:title" content="Kremlin on Syria talks">
    <meta property="og:site_name" content="Moscow Daily">
    <meta property="article:published_time" content="2015-09-15T11:20:00+03:00">
    <link rel="canonical" href="https://daily.example/peskov">
    <script>var x = "do not index";</script></head>
    <body><nav>Home</nav><article><h1>Kremlin on Syria talks</h1>
    <p>Peskov said dialogue is <b>indispensable</b>.</p><p>Second paragraph.</p></article>
    <footer>Copyright</footer></body></html>"""
    [doc] = read_file(write(tmp_path, "p.html", html), MB)
    assert doc.title == "Kremlin on Syria talks"
    assert doc.outlet == "Moscow Daily"
    assert doc.url == "https://daily.example/peskov"
    assert doc.published == date(2015, 9, 15)
    assert "Peskov said dialogue is indispensable." in doc.text
    assert "do not index" not in doc.text and "Copyright" not in doc.text and "Home" not in doc.text


def test_csv_one_document_per_row(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "w.csv",
        'id,title,outlet,date,text\n1,One,Wire,2015-09-01,"First, with a comma."\n'
        "2,Two,Wire,,Second text.\n3,Three,Wire,,\n",
    )
    docs = read_file(path, MB)
    assert [d.text for d in docs] == ["First, with a comma.", "Second text."]  # empty row skipped
    assert docs[0].uri == f"{path}#id=1"
    assert docs[0].published == date(2015, 9, 1) and docs[1].published is None


def test_jsonl_one_document_per_line(tmp_path: Path) -> None:
    path = write(
        tmp_path, "b.jsonl", '{"text": "Alpha beta gamma.", "outlet": "W"}\n\n{"text": "Delta."}\n'
    )
    docs = read_file(path, MB)
    assert [d.uri for d in docs] == [f"{path}#line=1", f"{path}#line=3"]
    assert docs[0].outlet == "W"


@pytest.mark.parametrize(
    ("delimiter", "named"), [(";", "semicolons"), ("\t", "tabs"), ("|", "'|'"), (",", "commas")]
)
def test_csv_fields_may_be_separated_as_spreadsheets_save_them(
    tmp_path: Path, delimiter: str, named: str
) -> None:
    # Where the decimal mark is a comma, spreadsheets save CSV with semicolons; the header
    # line says which delimiter the file uses, and a comma inside a field is then text.
    header = delimiter.join(["id", "outlet", "text"])
    row = delimiter.join(["7", "Wire", '"Jets landed, 28 of them; officials said so."'])
    path = write(tmp_path, "d.csv", f"\ufeff{header}\n{row}\n")
    [doc] = read_file(path, MB)
    assert (doc.uri, doc.outlet) == (f"{path}#id=7", "Wire")
    assert doc.text == "Jets landed, 28 of them; officials said so."
    ragged = write(tmp_path, "r.csv", f"{header}\n8{delimiter}Wire{delimiter}a{delimiter}b\n")
    with pytest.raises(
        InputError,
        match=f"r.csv:2: 4 fields where the header has 3; quote values that contain {named}",
    ):
        read_file(ragged, MB)


def test_a_one_column_csv_keeps_its_semicolons_and_tabs(tmp_path: Path) -> None:
    path = write(tmp_path, "one.csv", "text\nJets landed; officials\tsaid so.\n")
    [doc] = read_file(path, MB)
    assert doc.text == "Jets landed; officials\tsaid so."


def test_table_text_is_read_from_the_column_or_field_named(tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", "ID,Headline, Body \n4,Jets land,Six Su-27 jets landed.\n")
    [doc] = read_file(path, MB, column="body")
    assert (doc.uri, doc.text) == (f"{path}#id=4", "Six Su-27 jets landed.")
    jsonl = write(tmp_path, "a.jsonl", '{"content": "Six jets landed.", "title": "Jets"}\n')
    [doc] = read_file(jsonl, MB, column="content")
    assert (doc.title, doc.text) == ("Jets", "Six jets landed.")
    with pytest.raises(InputError) as caught:
        read_file(path, MB)
    assert str(caught.value) == (
        f"{path}: no 'text' column (found: id, headline, body); "
        "name the column that holds the text (--column), or add a 'text' one"
    )
    with pytest.raises(InputError, match=r"a.jsonl:1: .* 'text' string \(found: content, title\)"):
        read_file(jsonl, MB)


def test_latin1_file_is_decoded_with_its_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "l.txt", "Le café de la gare est fermé depuis lundi.".encode("latin-1"))
    with pytest.raises(InputError, match="encoding is unclear"):
        read_file(path, MB)  # as likely cp1250 or cp775: "café" might be read wrongly
    [doc] = read_file(path, MB, encoding="latin-1")
    assert "café" in doc.text and "fermé" in doc.text


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, "u.txt", "Latakia is a port city.".encode("utf-16"))
    assert read_file(path, MB)[0].text == "Latakia is a port city."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.txt", b"  \n\n ", "file is empty"),
        ("nul.txt", b"abc\x00\x01\x02def" * 10, "binary file"),
        ("doc.txt", b"%PDF-1.7\n...", "this is a PDF"),
        ("noise.txt", bytes(range(1, 256)) * 40, "binary file"),
        ("bad.jsonl", b'{"text": "ok"}\n{"text": broken}\n', "bad.jsonl:2: not valid JSON"),
        ("nofield.jsonl", b'{"body": "x"}\n', "nofield.jsonl:1: each line must be an object"),
        ("nocol.csv", b"title,body\na,b\n", "no 'text' column (found: title, body)"),
        ("ragged.csv", b"id,text\n1,a,b\n", "ragged.csv:2: 3 fields where the header has 2"),
        ("quote.csv", b'id,text\n1,"never closed\n', "malformed CSV"),
        ("date.txt", b"---\ndate: next week\n---\nSome text here.\n", "is not a date"),
        ("front.md", b"---\ntitle: x\n---\n", "front matter but no text"),
        ("mixed.txt", "Café ".encode() + "crème".encode("latin-1"), "invalid UTF-8 at byte 8"),
        ("deep.jsonl", b'{"text": "x", "a": ' + b"[" * 5000 + b"]" * 5000 + b"}\n", "nested"),
        ("deeper.jsonl", b"[" * 200_000 + b"\n", "deeper.jsonl:1: nested more than 16"),
        ("short.txt", "Les élèves ont reçu 12 avions.".encode("cp1252"), "encoding is unclear"),
        ("title.md", b"---\ntitle: " + b"T" * 1500 + b"\n---\nSome text.\n", "the title is 1,500"),
        ("outlet.md", b"---\noutlet: " + b"O" * 300 + b"\n---\nSome text.\n", "over the 256"),
        ("id.csv", b"id,text\n" + b"x" * 2100 + b",Some text.\n", "the uri is"),
    ],
)
def test_bad_files_are_refused_with_one_clear_line(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        read_file(write(tmp_path, name, content), MB)
    assert message in str(caught.value)
    assert name in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_short_text_of_unclear_encoding_is_read_with_the_encoding_given(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, "fr.txt", "Les élèves ont reçu 12 avions à Lattaquié.".encode("cp1252"))
    with pytest.raises(InputError, match=r"reads as cp1250, cp1252.*--encoding"):
        read_file(path, MB)
    [doc] = read_file(path, MB, encoding="cp1252")
    assert doc.text == "Les élèves ont reçu 12 avions à Lattaquié."
    with pytest.raises(InputError, match="cannot be decoded as utf-16-le"):
        read_file(write(tmp_path, "odd.txt", b"\xe9t\xe9"), MB, encoding="utf-16-le")


def test_a_clear_legacy_encoding_is_still_detected(tmp_path: Path) -> None:
    text = "Россия направила 28 самолётов в Латакию, заявили в министерстве обороны."
    [doc] = read_file(write(tmp_path, "ru.txt", text.encode("cp1251")), MB)
    assert doc.text == text


@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_only_regular_files_are_read(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "odd.txt"
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait for a writer forever
    elif kind == "device":
        path.symlink_to("/dev/zero")  # endless: it must not be read at all
    else:
        path.mkdir()
    with pytest.raises(InputError, match="not a regular file"):
        read_file(path, MB)


def test_line_separators_inside_a_line_do_not_split_it(tmp_path: Path) -> None:
    record = '{"text": "Russia sent 28 jets\u2028to Latakia", "id": "a"}\n'
    [doc] = read_file(write(tmp_path, "s.jsonl", record), MB)
    assert doc.text == "Russia sent 28 jets\u2028to Latakia"


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", "word " * 300_000)
    with pytest.raises(InputError, match="over the 1 MB limit"):
        read_file(path, MB)


def test_folders_are_walked_for_supported_files(tmp_path: Path) -> None:
    write(tmp_path, "src/a.txt", "Alpha text here.")
    write(tmp_path, "src/sub/b.html", "<p>Beta text here.</p>")
    write(tmp_path, "src/image.png", b"\x89PNG....")
    write(tmp_path, "src/.hidden/c.txt", "Hidden text.")
    files = expand_paths([tmp_path / "src"])
    assert [f.name for f in files] == ["a.txt", "b.html"]


def test_unsupported_and_missing_paths(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unsupported file type .pages"):
        expand_paths([write(tmp_path, "x.pages", b"PK")])
    with pytest.raises(InputError, match="no such file or folder"):
        expand_paths([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="folder holds no"):
        expand_paths([tmp_path / "empty"])


def test_defaults_fill_only_missing_metadata(tmp_path: Path) -> None:
    write(tmp_path, "s/a.txt", "---\noutlet: Own\n---\nText one here.")
    write(tmp_path, "s/b.txt", "Text two here.")
    docs = list(read_sources([tmp_path / "s"], MB, outlet="Default", date="2015-09-01"))
    assert [d.outlet for d in docs] == ["Own", "Default"]
    assert all(d.published == date(2015, 9, 1) for d in docs)


def test_repeated_ids_in_a_table_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "id,text\n7,First text.\n7,Second text.\n")
    with pytest.raises(InputError, match="d.csv#id=7: appears twice"):
        list(read_sources([path], MB))


def test_claims_are_split_at_newlines_only_and_made_one_line(tmp_path: Path) -> None:
    text = (
        "Russia sent 28 jets\u2028to Latakia.\r\n"
        "The base\x85holds 200 troops.\n"
        "Another\vclaim about 5\ftanks\x07.\n\n"
    )
    rows = read_claims(write(tmp_path, "c.txt", text), MB)
    assert rows.texts == [
        "Russia sent 28 jets to Latakia.",
        "The base holds 200 troops.",
        "Another claim about 5 tanks.",
    ]
    jsonl = '{"claim": "Six\\u2028Su-27 jets", "id": 1}\n'
    assert read_claims(write(tmp_path, "c.jsonl", jsonl), MB).texts == ["Six Su-27 jets"]


def test_claims_are_read_from_the_column_or_field_named(tmp_path: Path) -> None:
    jsonl = '{"statement": "Six Su-27 jets landed.", "claim": "C-1"}\n'
    rows = read_claims(write(tmp_path, "c.jsonl", jsonl), MB, column="statement")
    assert (rows.texts, rows.extras) == (["Six Su-27 jets landed."], [{"claim": "C-1"}])
    csv_text = "ID, Claim Text , URL\n 7 ,Six Su-27 jets landed., https://t.example/7 \n"
    rows = read_claims(write(tmp_path, "c.csv", csv_text), MB, column="Claim text")
    # Values are trimmed, as a workbook's cells are.
    assert rows.texts == ["Six Su-27 jets landed."]
    assert rows.extras == [{"id": "7", "url": "https://t.example/7"}]
    with pytest.raises(InputError, match=r"no 'headline' column \(found: id, claim text, url\)"):
        read_claims(write(tmp_path, "c.csv", csv_text), MB, column="headline")
    # Headings in the message are one line each, however they were written.
    odd = '"Claim\ntext",,id\n"Six jets.",,1\n'
    with pytest.raises(InputError, match=r"\(found: claim text, \(blank\), id\); name the"):
        read_claims(write(tmp_path, "c.csv", odd), MB)


@pytest.mark.parametrize("junk", ["\x01\x02\x03\x04", "— … —", "\u200b\u200b\x7f"])
def test_a_claim_with_no_words_is_refused_with_its_line(tmp_path: Path, junk: str) -> None:
    path = write(tmp_path, "c.txt", f"A real claim about 28 jets.\n{junk}\n")
    with pytest.raises(InputError, match=r"c\.txt:2: .* is not a claim \(no letter or digit\)"):
        read_claims(path, MB)


def test_a_claims_file_that_is_a_pipe_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "claims.txt"
    os.mkfifo(path)
    with pytest.raises(InputError, match="not a regular file"):
        read_claims(path, MB)
    with pytest.raises(InputError, match="no such file"):
        read_claims(tmp_path / "missing.txt", MB)


FACT_CHECK_PAGE = """<!doctype html><html><head><title>Did Assad move to Latakia?</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebPage", "name": "x"},
 {"@type": "ClaimReview", "claimReviewed": "Bashar Assad has moved the Syrian government to
  Latakia.", "datePublished": "2015-09-12",
  "author": {"@type": "Organization", "name": "Other Desk Fact Check"},
  "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": "False"}}]}
</script><script type="application/ld+json">{not json</script></head>
<body><article><h1>Did Assad move to Latakia?</h1>
<p>Ministries continue to operate in the capital.</p></article></body></html>"""


def test_a_fact_checks_claimreview_markup_states_the_claim_and_rating_first(
    tmp_path: Path,
) -> None:
    [doc] = read_file(write(tmp_path, "check.html", FACT_CHECK_PAGE), 2**20)
    assert doc.text.split("\n\n") == [
        "Claim: Bashar Assad has moved the Syrian government to Latakia.",
        "Rating: False.",
        "Did Assad move to Latakia?",
        "Ministries continue to operate in the capital.",
    ]
    # What the head does not say, the markup does; what the head says wins.
    assert (doc.outlet, doc.published) == ("Other Desk Fact Check", date(2015, 9, 12))
    with_head = FACT_CHECK_PAGE.replace(
        "<title>",
        '<meta property="og:site_name" content="Checks Weekly">'
        '<meta property="article:published_time" content="2015-09-13"><title>',
    )
    [doc] = read_file(write(tmp_path, "check2.html", with_head), 2**20)
    assert (doc.outlet, doc.published) == ("Checks Weekly", date(2015, 9, 13))


@pytest.mark.parametrize(
    "markup",
    [
        '{"@type": "ClaimReview", "datePublished": "yesterday", "author": [{"name": 5}]}',
        '[{"@type": ["ClaimReview", "Thing"], "reviewRating": {"name": true}}, 7, null]',
        '{"@graph": {"@graph": {"@graph": {"@graph": {"@graph": {"@graph": {}}}}}}}',
    ],
)
def test_odd_claimreview_markup_leaves_the_page_readable(tmp_path: Path, markup: str) -> None:
    page = f'<script type="application/ld+json">{markup}</script><p>Jets landed at Latakia.</p>'
    [doc] = read_file(write(tmp_path, "odd.html", page), 2**20)
    assert doc.text == "Jets landed at Latakia." and doc.published is None
