"""Assignments: who is to check which claims, on both databases, from the core, the queue's
filters and the command line."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_claims, run_threads

from verifier import accounts, pipeline
from verifier.assignments import Workload, handovers, workload
from verifier.cli import cli
from verifier.config import Settings
from verifier.dashboard import dashboard
from verifier.errors import InputError
from verifier.queue import NOBODY, QueueFilter, claim_queue
from verifier.views import claim_view
from verifier.workbench import Workbench


def queued(bench: Workbench, **wanted: object) -> list[int]:
    with bench.db.session() as session:
        page = claim_queue(session, QueueFilter(status="all", **wanted))  # type: ignore[arg-type]
    return sorted(row.claim_id for row in page.rows)


def test_claims_are_assigned_reassigned_and_taken_back(bench: Workbench) -> None:
    first, second, third = make_claims(bench, 3)
    assert pipeline.assign_claims(bench, [first, second], " Lee   Park ", "Dana") == 2
    assert pipeline.assign_claims(bench, [first, second], "Lee Park", "Sam") == 0  # already so
    assert queued(bench, assigned_to="Lee Park") == [first, second]
    assert queued(bench, assigned_to=NOBODY) == [third]
    assert queued(bench) == [first, second, third]
    with bench.db.session() as session:
        view = claim_view(session, first)
        rows = {row.claim_id: row for row in claim_queue(session, QueueFilter(status="all")).rows}
    assert view is not None and view.assigned is not None
    assert (view.assigned.to, view.assigned.by) == ("Lee Park", "Dana")  # the first asker kept
    assert view.assigned.at.tzinfo is not None
    assert (rows[first].assigned_to, rows[third].assigned_to) == ("Lee Park", None)
    # Handing one over, then taking the claims back.
    assert pipeline.assign_claims(bench, [second], "Sam Ortiz", "Dana") == 1
    assert queued(bench, assigned_to="Sam Ortiz") == [second]
    assert pipeline.assign_claims(bench, [first, second, third], None, "Dana") == 2
    assert queued(bench, assigned_to=NOBODY) == [first, second, third]
    # Every change is kept: from whom to whom, by whom, when.
    with bench.db.session() as session:
        kept = handovers(session, second)
        assert handovers(session, third) == []
    assert [(h.from_name, h.to_name, h.by) for h in kept] == [
        (None, "Lee Park", "Dana"),
        ("Lee Park", "Sam Ortiz", "Dana"),
        ("Sam Ortiz", None, "Dana"),
    ]
    assert kept[0].at <= kept[1].at <= kept[2].at and kept[0].at.tzinfo is not None
    # Assigned claims go with their claim.
    pipeline.assign_claims(bench, [third], "Lee Park", "Dana")
    pipeline.drop_claim(bench, third, "dana")
    assert queued(bench, assigned_to="Lee Park") == []


def test_a_queue_filter_assigns_every_claim_it_keeps(bench: Workbench) -> None:
    claims = make_claims(bench, 4)
    pipeline.review_claim(bench, claims[0], "supported", "Dana")
    assert pipeline.assign_claims(bench, QueueFilter(), "Lee", "Dana") == 3  # needs review
    assert queued(bench, assigned_to="Lee") == claims[1:]
    # Lee's open work handed to Sam.
    handed = pipeline.assign_claims(bench, QueueFilter(assigned_to="Lee"), "Sam", "Dana")
    assert handed == 3 and queued(bench, assigned_to="Sam") == claims[1:]
    # The dashboard's workload: each reviewer's open and reviewed claims, then no one's.
    pipeline.assign_claims(bench, claims[:2], "Ana", "Dana")
    pipeline.review_claim(bench, claims[1], "disputed", "Ana")
    with bench.db.session() as session:
        board = dashboard(session)
    assert board.workload == [Workload("Ana", 0, 2), Workload("Sam", 2, 0)]
    pipeline.assign_claims(bench, [claims[0]], None, "Dana")
    with bench.db.session() as session:
        assert workload(session)[-1] == Workload("", 0, 1)


@pytest.mark.parametrize(
    ("ids", "to", "by", "line"),
    [
        ([1], "Lee", " ", "enter your name as reviewer before assigning claims"),
        ([], "Lee", "Dana", "no claims to assign: pick or filter the claims first"),
        ([1, 999999], "Lee", "Dana", "no claim with id 999999; nothing was assigned"),
        ([1], "  ", "Dana", "cannot assign claims to '  ': give a reviewer's name"),
        ([1], "Lee\u200b", "Dana", "cannot assign claims to 'Lee\\u200b'"),
        ([1], "L" * 300, "Dana", "cannot assign claims to 'LLL"),
        ([1], "Lee", "D" * 300, "the reviewer's name"),
    ],
)
def test_a_bad_assignment_is_refused_whole(
    bench: Workbench, ids: list[int], to: str, by: str, line: str
) -> None:
    first, second = make_claims(bench, 2)
    ids = [first if claim_id == 1 else claim_id for claim_id in ids]
    with pytest.raises(InputError) as refused:
        pipeline.assign_claims(bench, [second, *ids] if ids else [], to, by)
    assert str(refused.value).startswith(line) and "\n" not in str(refused.value)
    assert queued(bench, assigned_to=NOBODY) == [first, second]


def test_with_accounts_claims_go_to_active_accounts_only(bench: Workbench, tmp_path: Path) -> None:
    [claim] = make_claims(bench, 1)
    accounts.add_account(bench.db, "Lee Park", "four words make one")
    accounts.add_account(bench.db, "Sam Ortiz", "four words make two")
    accounts.disable_account(bench.db, "Sam Ortiz")
    for name in ("Dana", "Sam Ortiz"):
        with pytest.raises(InputError, match=f"^'{name}' is not an active account: assign "):
            pipeline.assign_claims(bench, [claim], name, "Lee Park")
    with pytest.raises(InputError, match="one of Lee Park$"):
        pipeline.assign_claims(bench, [claim], "Dana", "Lee Park")
    assert pipeline.assign_claims(bench, [claim], "Lee  Park", "Lee Park") == 1
    # Work is recorded under an active account's name, spaced as the account is.
    with pytest.raises(InputError, match="^'Dana' is not an active account: with accounts in "):
        pipeline.assign_claims(bench, [claim], "Lee Park", " Dana ")
    with pytest.raises(InputError, match="with accounts in use, verdicts are saved under an"):
        pipeline.review_claim(bench, claim, "supported", "Sam Ortiz")  # disabled
    change = pipeline.review_claim(bench, claim, "supported", " Lee   Park")
    assert change.changed_by == "Lee Park"
    # A verdict report may still bring back verdicts of reviewers who have left.
    sheet = tmp_path / "verdicts.csv"
    sheet.write_text(f"claim_id,verdict,reviewer\n{claim},disputed,Sam Ortiz\n", encoding="utf-8")
    assert pipeline.import_reviews(bench, sheet).changes[0].changed_by == "Sam Ortiz"


def test_only_editors_hand_claims_to_others_and_accept_in_bulk(bench: Workbench) -> None:
    mine, theirs, free = make_claims(bench, 3)
    accounts.add_account(bench.db, "Dana Ortiz", "four words make one", editor=True)
    accounts.add_account(bench.db, "Sam Lee", "four words make two")
    assert accounts.is_editor(bench.db, "Dana Ortiz") and not accounts.is_editor(
        bench.db, "Sam Lee"
    )
    # A reviewer takes a claim nobody has, and gives their own back.
    assert pipeline.assign_claims(bench, [mine], "Sam Lee", "Sam Lee") == 1
    assert pipeline.assign_claims(bench, [mine], None, "Sam Lee") == 1
    assert pipeline.assign_claims(bench, [mine], "Sam Lee", "Sam Lee") == 1
    assert pipeline.assign_claims(bench, [theirs], "Dana Ortiz", "Dana Ortiz") == 1
    refusal = (
        "^handing claims to others or taking them from others is for editors, and 'Sam Lee' "
        r"is a reviewer: ask an editor, or whoever runs verifier to make you one \(`verifier "
        "accounts role 'Sam Lee' editor`\\)$"
    )
    for claims, to in (([free], "Dana Ortiz"), ([theirs], "Sam Lee"), ([theirs], None)):
        with pytest.raises(InputError, match=refusal):
            pipeline.assign_claims(bench, claims, to, "Sam Lee")
    with pytest.raises(InputError, match=refusal):  # all or none: the free claim stays free
        pipeline.assign_claims(bench, [free, theirs], "Sam Lee", "Sam Lee")
    with pytest.raises(InputError, match="^accepting suggestions in bulk is for editors"):
        pipeline.accept_suggestions(bench, [free], "Sam Lee", 0.0)
    with bench.db.session() as session:
        assert claim_view(session, free).assigned is None  # type: ignore[union-attr]
    # An editor hands any claim to anyone; made an editor, so does Sam.
    assert pipeline.assign_claims(bench, [mine, theirs], "Dana Ortiz", "Dana Ortiz") == 1
    accounts.set_editor(bench.db, "Sam Lee", True)
    assert pipeline.assign_claims(bench, [mine, theirs, free], "Sam Lee", "Sam Lee") == 3


def test_desks_assigning_the_same_claims_at_once_never_fail(bench: Workbench) -> None:
    claims = make_claims(bench, 30)
    barrier = threading.Barrier(4)

    def desk(name: str) -> None:
        barrier.wait()
        pipeline.assign_claims(bench, claims, name, "Dana")

    errors = run_threads(desk, [f"reviewer {n}" for n in range(4)])
    assert not errors, errors[0]
    with bench.db.session() as session:
        owners = {row.assigned_to for row in claim_queue(session, QueueFilter()).rows}
    assert len(owners) == 1 and owners <= {f"reviewer {n}" for n in range(4)}  # whole
    with bench.db.session() as session:  # the desks took turns: each change says what it was
        chain = [(h.from_name, h.to_name) for h in handovers(session, claims[-1])]
    assert chain[0][0] is None and all(a[1] == b[0] for a, b in zip(chain, chain[1:]))
    assert chain[-1][1] in owners


def test_the_command_line_assigns_by_id_article_and_holder(
    bench: Workbench, settings: Settings
) -> None:
    listed = pipeline.extract_article(
        bench, "Officials said 40 jets landed. Officials said 12 jets left.", threshold=0.0
    )
    claims = make_claims(bench, 3)  # another article
    pipeline.review_claim(bench, claims[0], "disputed", "Dana")
    runner = CliRunner()
    base = ["--home", str(settings.home), "--db", settings.db_url, "claims", "assign"]

    def run(*args: str) -> str:
        result = runner.invoke(cli, [*base, *args])
        assert result.exit_code == 0, result.output
        return result.output.strip()

    with bench.db.session() as session:
        rows = claim_queue(session, QueueFilter(status="all")).rows
    article = str(next(row.article_id for row in rows if row.claim_id == claims[0]))
    assert run("--article", article, "--open", "--to", "Lee", "--by", "Ed") == (
        "2 claim(s) assigned to Lee"
    )
    assert queued(bench, assigned_to="Lee") == claims[1:]
    assert run(str(claims[0]), "--to", "Lee", "--by", "Ed") == "1 claim(s) assigned to Lee"
    assert run("--from", " Lee ", "--open", "--to", "Sam", "--by", "Ed") == (
        "2 claim(s) assigned to Sam"
    )
    assert queued(bench, assigned_to="Lee") == claims[:1]
    assert run(*[str(c) for c in claims], "--nobody", "--by", "Ed") == (
        "3 claim(s) assigned back from whoever had them"
    )
    assert queued(bench, assigned_to=NOBODY) == sorted([c.id for c in listed.claims] + claims)
    for args, line in [
        (["--to", "Lee", "--by", "Ed"], "give CLAIM_IDs, or pick the claims with"),
        ([str(claims[0]), "--by", "Ed"], "give --to NAME, or --nobody"),
        ([str(claims[0]), "--to", "Lee", "--nobody", "--by", "Ed"], "give --to NAME, or"),
        ([str(claims[0]), "--article", article, "--to", "Lee", "--by", "Ed"], "give CLAIM_IDs"),
    ]:
        result = runner.invoke(cli, [*base, *args])
        assert result.exit_code == 2 and line in result.output, result.output
    result = runner.invoke(cli, [*base, "999999", "--to", "Lee", "--by", "Ed"])
    assert result.exit_code == 1
    assert "no claim with id 999999; nothing was assigned" in result.output
