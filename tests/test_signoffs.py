"""Sign-off: an editor's second reading of a verdict, on both databases, from the core, the
queue's filter, reports and the command line."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from conftest import make_claims, run_threads

from verifier import accounts, pipeline
from verifier.cli import cli
from verifier.config import Settings
from verifier.db.models import SignOff
from verifier.errors import InputError
from verifier.export import ReportFilter, report_records, report_summary
from verifier.labels import Label
from verifier.queue import QueueFilter, claim_queue, signable
from verifier.review import history
from verifier.views import claim_view
from verifier.workbench import Workbench


def awaiting(bench: Workbench) -> list[int]:
    with bench.db.session() as session:
        rows = claim_queue(session, QueueFilter(status="to sign off")).rows
    return sorted(row.claim_id for row in rows)


def test_an_editor_signs_off_another_reviewers_verdict_as_it_stands(bench: Workbench) -> None:
    lees, danas, open_ = make_claims(bench, 3)
    pipeline.review_claim(bench, lees, "disputed", "lee", "the wire corrected it")
    pipeline.review_claim(bench, danas, "supported", "dana")
    assert awaiting(bench) == [lees, danas]
    assert pipeline.sign_off_claims(bench, [lees], "dana") == 1
    assert pipeline.sign_off_claims(bench, [lees], " dana ") == 0  # signed as it stands
    with bench.db.session() as session:
        view = claim_view(session, lees)
    assert view is not None and view.signed_off_by == "dana" and view.signed_off_at
    assert awaiting(bench) == [danas]
    # Refused whole: one's own verdict, a claim not reviewed yet, an unknown claim.
    for claims, line in (
        ([danas], f"^claim #{danas} is your own verdict: another editor signs it off"),
        ([lees, danas], f"^claim #{danas} is your own verdict"),
        ([open_], f"^claim #{open_} has no verdict to sign off yet"),
        ([danas + 100], f"^no claim with id {danas + 100}"),
        ([], "^no verdicts to sign off"),
    ):
        with pytest.raises(InputError, match=line):
            pipeline.sign_off_claims(bench, claims, " dana ")
    with pytest.raises(InputError, match="before signing off"):
        pipeline.sign_off_claims(bench, [danas], "  ")
    # Reports can keep to signed-off verdicts, and say who signed and when.
    with bench.db.session() as session:
        signed = list(report_records(session, ReportFilter(signed_off_only=True)))
        every = list(report_records(session, ReportFilter()))
    assert [r["claim_id"] for r in signed] == [lees]
    assert signed[0]["signed_off_by"] == "dana" and str(signed[0]["signed_off_at"]).endswith(
        "+00:00"
    )
    assert [r["signed_off_by"] for r in every] == ["dana", None]
    with bench.db.session() as session:
        assert report_summary(session, ReportFilter()).signed_off == 1
    pipeline.export_report(bench, ReportFilter(), bench.settings.home / "r.md")
    text = (bench.settings.home / "r.md").read_text(encoding="utf-8")
    assert "1 of the reviewed verdicts signed off by an editor." in text
    assert "; signed off by dana, 20" in text
    # A changed verdict (even to the same label) needs a sign-off of its own; both are kept.
    pipeline.review_claim(bench, lees, "disputed", "lee", "and the ministry confirmed")
    assert awaiting(bench) == [lees, danas]
    assert pipeline.sign_off_claims(bench, [lees], "kim") == 1
    with bench.db.session() as session:
        kept = session.execute(sa.select(SignOff.signed_by).order_by(SignOff.id)).all()
    assert [row.signed_by for row in kept] == ["dana", "kim"]
    with bench.db.session() as session:  # each history entry says who signed it off
        entries = history(session, lees)
    assert [(e.note, e.signed_off_by) for e in entries] == [
        ("the wire corrected it", "dana"),
        ("and the ministry confirmed", "kim"),
    ]
    assert all(e.signed_off_at for e in entries)


def test_a_filter_signs_off_what_awaits_one_but_the_editors_own(bench: Workbench) -> None:
    lees, danas, kims, open_ = make_claims(bench, 4)
    pipeline.review_claim(bench, lees, "disputed", "lee")
    pipeline.review_claim(bench, danas, "supported", "dana")
    pipeline.review_claim(bench, kims, "supported", "kim")
    pipeline.sign_off_claims(bench, [kims], "lee")
    shown = QueueFilter(status="all")
    with bench.db.session() as session:  # what the queue's popover offers to sign
        assert signable(session, shown, " dana ") == 1  # Lee's; Kim's is signed already
        assert signable(session, shown, "kim") == 2
        assert signable(session, QueueFilter(status="all", reviewed=(Label.SUPPORTED,)), "kim") == 1
    assert pipeline.sign_off_claims(bench, shown, " dana ") == 1
    assert awaiting(bench) == [danas]
    with bench.db.session() as session:
        assert signable(session, shown, "dana") == 0
    assert pipeline.sign_off_claims(bench, shown, "dana") == 0
    assert open_ not in awaiting(bench)


def test_with_accounts_only_an_editor_signs_off(bench: Workbench) -> None:
    [claim] = make_claims(bench, 1)
    accounts.add_account(bench.db, "Dana Ortiz", "four words make one", editor=True)
    accounts.add_account(bench.db, "Sam Lee", "four words make two")
    pipeline.review_claim(bench, claim, "supported", "Sam Lee")
    with pytest.raises(InputError, match="^signing off verdicts is for editors"):
        pipeline.sign_off_claims(bench, [claim], "Sam Lee")
    with pytest.raises(InputError, match="is not an active account"):
        pipeline.sign_off_claims(bench, [claim], "Kim")
    assert pipeline.sign_off_claims(bench, [claim], "Dana  Ortiz") == 1


def test_a_sign_off_and_a_new_verdict_at_once_never_sign_the_new_one_unread(
    bench: Workbench,
) -> None:
    claims = make_claims(bench, 20)
    for claim in claims:
        pipeline.review_claim(bench, claim, "supported", "lee")
    barrier = threading.Barrier(2)

    def act(who: str) -> None:
        barrier.wait()
        if who == "editor":
            pipeline.sign_off_claims(bench, claims, "dana")
        else:
            for claim in claims:
                pipeline.review_claim(bench, claim, "disputed", "lee")

    assert run_threads(act, ["editor", "reviewer"]) == []
    with bench.db.session() as session:
        for claim in claims:
            view = claim_view(session, claim)
            assert view is not None
            # Signed after the change: the sign-off names the latest entry; else none.
            if view.signed_off_by:
                [latest] = view.history[-1:]
                change = session.scalar(
                    sa.select(SignOff.change_id).where(SignOff.claim_id == claim)
                )
                ids = session.scalars(
                    sa.text("SELECT id FROM verdict_changes WHERE claim_id = :c ORDER BY id"),
                    {"c": claim},
                ).all()
                assert change == ids[-1] and latest.to_label == "disputed"


def test_the_command_line_signs_off_by_id_or_article(bench: Workbench, settings: Settings) -> None:
    claims = make_claims(bench, 3)
    pipeline.review_claim(bench, claims[0], "disputed", "lee")
    pipeline.review_claim(bench, claims[1], "supported", "dana")
    with bench.db.session() as session:
        article = str(claim_queue(session, QueueFilter(status="all")).rows[0].article_id)
    base = ["--home", str(settings.home), "--db", settings.db_url]
    runner = CliRunner()
    done = runner.invoke(cli, [*base, "claims", "sign-off", "--article", article, "--by", "dana"])
    assert done.exit_code == 0, done.output
    assert done.output == "1 verdict(s) signed off by dana\n"  # dana's own left for another
    assert awaiting(bench) == [claims[1]]
    own = runner.invoke(cli, [*base, "claims", "sign-off", str(claims[1]), "--by", "dana"])
    assert own.exit_code == 1 and "is your own verdict" in own.output
    both = runner.invoke(cli, [*base, "claims", "sign-off", "1", "--article", "1", "--by", "x"])
    assert both.exit_code == 2 and "give CLAIM_IDs, or --article" in both.output
    out = settings.home / "signed.jsonl"
    exported = runner.invoke(cli, [*base, "export", "--out", str(out), "--signed-off"])
    assert exported.exit_code == 0, exported.output
    assert out.read_text(encoding="utf-8").count("\n") == 1 and f'"claim_id": {claims[0]}' in (
        out.read_text(encoding="utf-8")
    )
