"""Excel workbooks (.xlsx, and old .xls ones) are read as CSV files are: sources, claims,
verdicts and labelled sentences, with the same one-line errors for what cannot be used."""

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import olefile
import pytest
import xlwt
from conftest import write
from made_doc import make_doc
from made_documents import needing_newer_zip
from made_msg import compound_file
from openpyxl import Workbook

from verifier import pipeline
from verifier.checkworthy_model import read_labelled
from verifier.documents import list_sources
from verifier.errors import InputError
from verifier.labels import Label
from verifier.readers import read_claims, read_reviews
from verifier.sources import read_file
from verifier.workbench import Workbench

MB = 1024 * 1024


def workbook(path: Path, *sheets: list[list[object]]) -> Path:
    """A workbook with one sheet per list of rows, named Sheet1, Sheet2...: an old one
    (Excel 97-2003, written by xlwt) when ``path`` ends in ``.xls``."""
    if path.suffix == ".xls":
        old = xlwt.Workbook()
        dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
        for number, rows in enumerate(sheets, start=1):
            sheet = old.add_sheet(f"Sheet{number}")
            for y, row in enumerate(rows):
                for x, value in enumerate(row):
                    if isinstance(value, date):
                        sheet.write(y, x, value, dated)
                    elif value is not None:
                        sheet.write(y, x, value)
        old.save(str(path))
        return path
    book = Workbook()
    book.remove(book.active)
    for number, rows in enumerate(sheets, start=1):
        sheet = book.create_sheet(f"Sheet{number}")
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_a_sheet_of_sources_gives_one_document_per_row(
    tmp_path: Path, suffix: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = workbook(
        tmp_path / f"wires{suffix}",
        [
            ["ID", " Text ", "Outlet", "Date", None],
            [7, "Six Su-27 jets landed at the base, officials said.", "Wire", date(2015, 9, 21)],
            [None, None, None, None],  # a blank row in the middle
            [8.0, "The Pentagon declined to comment.", "Capital", datetime(2015, 9, 22), "x"],
        ],
        [["text"], ["A second sheet is not read."]],
    )
    docs = read_file(path, MB)
    assert [d.uri for d in docs] == [f"{path}#id=7", f"{path}#id=8"]
    assert [d.text for d in docs] == [
        "Six Su-27 jets landed at the base, officials said.",
        "The Pentagon declined to comment.",
    ]
    assert [(d.outlet, d.published, d.format) for d in docs] == [
        ("Wire", date(2015, 9, 21), suffix[1:]),
        ("Capital", date(2015, 9, 22), suffix[1:]),
    ]
    # The second sheet's row is not read, and the warning says so, naming it.
    assert caplog.messages == [
        f"{path}: read the first sheet, 'Sheet1', of 2; not 'Sheet2': move their rows onto it, "
        "or save each sheet as a file of its own"
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_a_workbook_that_opens_on_its_instructions_is_read_from_its_table(
    tmp_path: Path, suffix: str, caplog: pytest.LogCaptureFixture
) -> None:
    instructions = [["How to fill in this sheet"], ["One claim a row, on the Claims sheet."]]
    claims = [["Claim", "Seen at"], ["Russia moved 28 jets to Latakia.", "https://t.example/1"]]
    notes = [["claim"]]  # a later sheet with the column is not read: the first one is
    path = workbook(tmp_path / f"tips{suffix}", instructions, claims, notes)
    rows = read_claims(path, MB)
    assert rows.texts == ["Russia moved 28 jets to Latakia."]
    assert rows.extras == [{"seen at": "https://t.example/1"}]
    assert caplog.messages == [
        f"{path}: read the sheet 'Sheet2', the first with a 'claim' column, of 3; not "
        "'Sheet1', 'Sheet3': move their rows onto it, or save each sheet as a file of its own"
    ]
    # No sheet with the column: refused as before, naming the first sheet's columns.
    with pytest.raises(InputError, match=r"no 'statement' column \(found: how to fill in"):
        read_claims(path, MB, column="statement")


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_a_sheet_of_claims_keeps_its_other_columns_as_shown(tmp_path: Path, suffix: str) -> None:
    path = workbook(
        tmp_path / f"claims{suffix}",
        [
            [],  # the table may start lower down
            ["Desk", "Statement", "Checked", "Share", "Sure"],
            ["world", "Russia moved 28 jets to Latakia.", date(2015, 9, 21), 2.5, True],
            ["sport", "Spartak beat Zenit 2-1.", None, 3.0, False],
        ],
    )
    rows = read_claims(path, MB, column="statement")
    assert rows.texts == ["Russia moved 28 jets to Latakia.", "Spartak beat Zenit 2-1."]
    assert rows.extras == [
        {"desk": "world", "checked": "2015-09-21", "share": "2.5", "sure": "TRUE"},
        {"desk": "sport", "checked": "", "share": "3", "sure": "FALSE"},
    ]


def test_an_old_workbooks_error_cells_and_dates_out_of_range_read_as_excel_shows_them(
    tmp_path: Path,
) -> None:
    old = xlwt.Workbook()
    sheet = old.add_sheet("Claims")
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for x, name in enumerate(["claim", "checked", "share"]):
        sheet.write(0, x, name)
    sheet.write(1, 0, "Russia moved 28 jets to Latakia.")
    sheet.write(1, 1, 3e6, dated)  # past 31 December 9999: Excel shows ####
    sheet.row(1).set_cell_error(2, "#DIV/0!")
    sheet.write(2, 0, "Spartak beat Zenit 2-1.")
    sheet.write(2, 1, -5.0, dated)  # before 1900: Excel shows ####
    sheet.row(2).set_cell_error(2, 0x2A)  # #N/A
    sheet.write(3, 0, "Crews built helicopter pads.")
    sheet.write(3, 1, 42268.0, dated)
    old.save(str(tmp_path / "errors.xls"))
    rows = read_claims(tmp_path / "errors.xls", MB, column="claim")
    assert rows.extras == [
        {"checked": "3000000", "share": "#DIV/0!"},
        {"checked": "-5", "share": "#N/A"},
        {"checked": "2015-09-21", "share": ""},
    ]


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_verdicts_and_labelled_sentences_come_from_sheets_too(tmp_path: Path, suffix: str) -> None:
    verdicts = workbook(
        tmp_path / f"verdicts{suffix}",
        [["claim_id", "verdict", "reviewer", "note"], [3, "disputed", "Dana", "six, not 28"]],
    )
    [row] = read_reviews(verdicts, MB).rows
    assert (row.line, row.claim_id, row.verdict, row.reviewer, row.note) == (
        2,
        3,
        Label.DISPUTED,
        "Dana",
        "six, not 28",
    )
    labelled = workbook(
        tmp_path / f"labels{suffix}",
        [["text", "checkworthy"]]
        + [[f"Russia sent {n} jets in {2000 + n}.", 1] for n in range(2)]
        + [[f"Thank you, number {n}.", 0] for n in range(2)],
    )
    sentences = read_labelled(labelled, MB)
    assert [(s.text, s.checkworthy) for s in sentences][::3] == [
        ("Russia sent 0 jets in 2000.", True),
        ("Thank you, number 1.", False),
    ]


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def _locked() -> bytes:
    """An old workbook as Excel saves one under a password: a FILEPASS record after the
    workbook's opening one."""
    book = xlwt.Workbook()
    book.add_sheet("Sheet1").write(0, 0, "text")
    out = io.BytesIO()
    book.save(out)
    with olefile.OleFileIO(out.getvalue()) as ole:
        stream = ole.openstream("Workbook").read()
    size = 4 + int.from_bytes(stream[2:4], "little")  # the BOF record
    filepass = b"\x2f\x00\x06\x00" + b"\x00\x00" + b"\x01\x00\x01\x00"
    return compound_file({"Workbook": stream[:size] + filepass + stream[size:]})


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("empty.xlsx", lambda p: write(p.parent, p.name, b""), "file is empty"),
        (
            "text.xlsx",
            lambda p: write(p.parent, p.name, "text\nA claim.\n"),
            "not an Excel (.xlsx or .xls) workbook; open it in a spreadsheet and save it as .xlsx",
        ),
        (
            "old.xlsx",
            lambda p: write(p.parent, p.name, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),
            "not a readable Excel workbook",
        ),
        ("word.xls", lambda p: p.write_bytes(make_doc()), "holds no workbook (a Word file?)"),
        (
            "locked.xls",
            lambda p: p.write_bytes(_locked()),
            "the workbook is protected by a password",
        ),
        (  # a new workbook under a password: an encrypted package in a compound file
            "locked.xlsx",
            lambda p: p.write_bytes(compound_file({"EncryptedPackage": b"\0" * 64})),
            "the workbook is protected by a password",
        ),
        (
            "cut.xls",
            lambda p: p.write_bytes(workbook(p, [["text"], ["A claim."]]).read_bytes()[:-600]),
            "not a readable Excel workbook",
        ),
        (
            "other.xlsx",
            lambda p: _zip(p, {"notes.txt": b"not a workbook"}),
            "not a readable Excel workbook",
        ),
        (
            "newer.xlsx",
            lambda p: p.write_bytes(needing_newer_zip(_zip(p, {"a.xml": b"<a/>"}).read_bytes())),
            "not an Excel (.xlsx or .xls) workbook; open it in a spreadsheet and save it as .xlsx",
        ),
        (
            "bomb.xlsx",
            lambda p: _zip(p, {"xl/sharedStrings.xml": b"\0" * (30 * MB)}),
            "unpacks to 30 MB, over 20 times the 1 MB limit",
        ),
        ("blank.xlsx", lambda p: workbook(p, [[None, " "]]), "the first sheet is empty"),
        (
            "nocol.xlsx",
            lambda p: workbook(p, [["Title", "Body"], ["a", "b"]]),
            "no 'text' column (found: title, body); name the column that holds the text",
        ),
        (  # a heading typed over two lines in its cell: the message stays one line
            "wrapped.xlsx",
            lambda p: workbook(p, [["Story\nbody", None, "Desk"], ["a", None, "b"]]),
            "no 'text' column (found: story body, desk); name the column",
        ),
    ],
)
def test_a_workbook_that_cannot_be_used_is_one_clear_line(
    tmp_path: Path, name: str, make: object, message: str
) -> None:
    path = tmp_path / name
    make(path)  # type: ignore[operator]
    with pytest.raises(InputError) as caught:
        read_file(path, MB)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)


def test_a_workbook_uploaded_in_the_app_is_ingested_as_its_rows(
    tmp_path: Path, bench: Workbench
) -> None:
    path = workbook(tmp_path / "desk.xlsx", [["Body", "Outlet"], ["Jets landed.", "Own Wire"]])
    with pytest.raises(InputError) as error:
        pipeline.ingest_uploads(bench, [("desk.xlsx", path.read_bytes())], column_field="Text")
    assert str(error.value) == (
        "desk.xlsx: no 'text' column (found: body, outlet); name the column that holds the "
        "text (Text), or add a 'text' one"
    )
    report = pipeline.ingest_uploads(bench, [("desk.xlsx", path.read_bytes())], column="body")
    assert (report.added, report.passages) == (1, 1)
    with bench.db.session() as session:
        [row], total = list_sources(session, "desk.xlsx")
    assert (total, row.outlet) == (1, "Own Wire")
