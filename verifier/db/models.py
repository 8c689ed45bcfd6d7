"""Typed SQLAlchemy 2 models.

Data flows one way through these tables: a source ``Document`` is split into ``Passage`` rows
(which the FAISS index holds under the same ids); an ``Article`` yields ``Claim`` rows; each
claim gets ranked ``Match`` rows (claim -> passage, score) and one ``Verdict`` (the suggested
label plus the reviewer's label); every reviewer change is appended to ``VerdictChange``.
``Embedding`` caches vectors by (model, text hash). Verdict labels are :class:`Label` values
in Python and short strings, checked against the same enum, in the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from verifier.labels import Label, sql_check

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A stored time as an aware UTC datetime: SQLite hands back naive ones (written in UTC),
    PostgreSQL aware ones."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class LabelType(sa.TypeDecorator[Label]):
    """A :class:`Label` stored as its string; read back as a ``Label``.

    Values are written as given: the table's check constraint, not Python, is the guard, so
    a bad value is refused the same way from any client.
    """

    impl = sa.String(16)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Label | None:
        return None if value is None else Label(value)


class Document(Base):
    """A source: another outlet's story, a wire, an official statement, a fact-check."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    uri: Mapped[str] = mapped_column(sa.String(2048), unique=True)
    title: Mapped[str] = mapped_column(sa.String(1024))
    outlet: Mapped[str | None] = mapped_column(sa.String(256))
    url: Mapped[str | None] = mapped_column(sa.String(2048))
    published: Mapped[date | None] = mapped_column(sa.Date)
    format: Mapped[str] = mapped_column(sa.String(16))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    text: Mapped[str] = mapped_column(sa.Text)
    ingested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    passages: Mapped[list[Passage]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Passage.seq",
    )


class Passage(Base):
    """A span of a document; the unit the index searches. ``text == document.text[start:end]``."""

    __tablename__ = "passages"
    __table_args__ = (sa.UniqueConstraint("document_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int]
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    text_hash: Mapped[str] = mapped_column(sa.String(64))

    document: Mapped[Document] = relationship(back_populates="passages")


class Article(Base):
    """The piece being fact-checked."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(1024))
    # Where the text came from: a file path, or None when pasted into the app.
    uri: Mapped[str | None] = mapped_column(sa.String(2048))
    text: Mapped[str] = mapped_column(sa.Text)
    content_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # What reports cite: the checked article's own URL, outlet, author and date, and the URL
    # of the desk's published fact-check of it (ClaimReview's ``url``).
    url: Mapped[str | None] = mapped_column(sa.String(2048))
    outlet: Mapped[str | None] = mapped_column(sa.String(256))
    author: Mapped[str | None] = mapped_column(sa.String(256))
    published: Mapped[date | None] = mapped_column(sa.Date)
    factcheck_url: Mapped[str | None] = mapped_column(sa.String(2048))
    # ISO 639-1 code detected from the text (NULL: stored before languages were detected,
    # taken as English).
    language: Mapped[str | None] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    claims: Mapped[list[Claim]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="Claim.start"
    )


class Claim(Base):
    """A check-worthy statement; ``start``/``end`` are character offsets into the article:
    ``text`` is the article's words there, unless a reviewer has edited it (made it stand
    on its own, say), when they still mark where it stands."""

    __tablename__ = "claims"
    __table_args__ = (sa.UniqueConstraint("article_id", "text_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(sa.Text)
    text_hash: Mapped[str] = mapped_column(sa.String(64))
    start: Mapped[int | None]
    end: Mapped[int | None]
    checkworthiness: Mapped[float]
    # Where the claim itself was seen (a post, a video), who made it there and when, for a
    # claim of a desk's list; an article's claims appear in the article (ClaimReview's
    # ``appearance``, ``author`` and ``datePublished``).
    appearance_url: Mapped[str | None] = mapped_column(sa.String(2048))
    appearance_author: Mapped[str | None] = mapped_column(sa.String(256))
    appearance_date: Mapped[date | None] = mapped_column(sa.Date)
    # The other columns of a listed claim's row in its file (a desk's own reference, say),
    # as text by column name, carried to reports so that verdicts go back to the sheet.
    row_fields: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    article: Mapped[Article | None] = relationship(back_populates="claims")
    matches: Mapped[list[Match]] = relationship(
        back_populates="claim",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Match.rank",
    )
    verdict: Mapped[Verdict | None] = relationship(
        back_populates="claim", cascade="all, delete-orphan", passive_deletes=True
    )


class OutletLabel(Base):
    """A desk's label for an outlet ("state media", "wire"), shown with its passages
    (:mod:`verifier.outlets`); keyed by the outlet's name with case and spacing ignored."""

    __tablename__ = "outlet_labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(256), unique=True)
    outlet: Mapped[str] = mapped_column(sa.String(256))
    label: Mapped[str] = mapped_column(sa.String(64))
    note: Mapped[str | None] = mapped_column(sa.Text)
    set_by: Mapped[str] = mapped_column(sa.String(256))
    set_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class OutletLabelChange(Base):
    """Append-only: one outlet label set, changed or cleared, by whom and when, with the
    label before and after (``None``: none) and the note given (:mod:`verifier.outlets`)."""

    __tablename__ = "outlet_label_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(256), index=True)
    outlet: Mapped[str] = mapped_column(sa.String(256))
    from_label: Mapped[str | None] = mapped_column(sa.String(64))
    to_label: Mapped[str | None] = mapped_column(sa.String(64))
    note: Mapped[str | None] = mapped_column(sa.Text)
    changed_by: Mapped[str] = mapped_column(sa.String(256))
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class ClaimChange(Base):
    """Append-only: who added a claim by hand, edited its words or dropped it, when, with
    its words before and after. Kept when the claim is dropped (so no foreign key to it);
    claims an extraction made are not changes of anyone's."""

    __tablename__ = "claim_changes"
    __table_args__ = (
        sa.CheckConstraint("action IN ('added', 'edited', 'dropped')", name="action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(index=True)
    article_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(16))
    changed_by: Mapped[str] = mapped_column(sa.String(256))
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    from_text: Mapped[str | None] = mapped_column(sa.Text)
    to_text: Mapped[str | None] = mapped_column(sa.Text)


class Match(Base):
    """One piece of ranked evidence for a claim."""

    __tablename__ = "matches"
    __table_args__ = (sa.UniqueConstraint("claim_id", "passage_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    passage_id: Mapped[int] = mapped_column(
        sa.ForeignKey("passages.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int]
    score: Mapped[float]
    # What the stance model read in the passage (supports / refutes / neutral) and why;
    # NULL for matches stored before stances were kept.
    stance: Mapped[str | None] = mapped_column(sa.String(16))
    stance_why: Mapped[str | None] = mapped_column(sa.String(512))

    claim: Mapped[Claim] = relationship(back_populates="matches")
    passage: Mapped[Passage] = relationship()


class Verdict(Base):
    """The suggested verdict for a claim and, once reviewed, the reviewer's verdict."""

    __tablename__ = "verdicts"
    __table_args__ = (
        sa.CheckConstraint(
            f"suggested IS NULL OR {sql_check('suggested')}", name="suggested_label"
        ),
        sa.CheckConstraint(f"label IS NULL OR {sql_check('label')}", name="review_label"),
    )

    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    # None until the claim has been matched (a reviewer may decide before that).
    suggested: Mapped[Label | None] = mapped_column(LabelType)
    confidence: Mapped[float | None]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    # Provenance of the suggestion: which retriever and stance model (and version) made it.
    retriever: Mapped[str | None] = mapped_column(sa.String(128))
    stance_model: Mapped[str | None] = mapped_column(sa.String(64))
    stance_version: Mapped[str | None] = mapped_column(sa.String(32))
    suggested_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    label: Mapped[Label | None] = mapped_column(LabelType)
    note: Mapped[str | None] = mapped_column(sa.Text)
    reviewer: Mapped[str | None] = mapped_column(sa.String(256))
    evidence: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    # The reviewer's verdict is a suggestion accepted in bulk (verifier.review.
    # accept_suggestions), not read one by one: left out of the agreement with suggestions.
    bulk_accepted: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The editor who signed off the verdict as it stands (verifier.signoffs), and when;
    # cleared by any change of the verdict. Every sign-off is kept in ``sign_offs``.
    signed_off_by: Mapped[str | None] = mapped_column(sa.String(256))
    signed_off_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    claim: Mapped[Claim] = relationship(back_populates="verdict")


class VerdictChange(Base):
    """Append-only history: who changed a claim's verdict, when, from what, to what."""

    __tablename__ = "verdict_changes"
    __table_args__ = (sa.CheckConstraint(sql_check("to_label"), name="to_label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    changed_by: Mapped[str] = mapped_column(sa.String(256))
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    from_label: Mapped[Label | None] = mapped_column(LabelType)
    to_label: Mapped[Label] = mapped_column(LabelType)
    note: Mapped[str | None] = mapped_column(sa.Text)
    evidence: Mapped[list[int]] = mapped_column(sa.JSON, default=list)


class SignOff(Base):
    """Append-only: an editor signed off a claim's verdict as one history entry left it
    (``change_id``), when. A later change of the verdict needs a sign-off of its own."""

    __tablename__ = "sign_offs"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    change_id: Mapped[int] = mapped_column(
        sa.ForeignKey("verdict_changes.id", ondelete="CASCADE"), unique=True
    )
    signed_by: Mapped[str] = mapped_column(sa.String(256))
    signed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class RemovedPassage(Base):
    """A passage a reviewer cited, kept as it was when its source was removed, so the verdict
    still quotes it (marked as removed). Keyed by the passage's old id, which verdicts and
    history name in their ``evidence``; ids are never reused."""

    __tablename__ = "removed_passages"

    passage_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(sa.Text)
    uri: Mapped[str] = mapped_column(sa.String(2048))
    title: Mapped[str] = mapped_column(sa.String(1024))
    outlet: Mapped[str | None] = mapped_column(sa.String(256))
    url: Mapped[str | None] = mapped_column(sa.String(2048))
    published: Mapped[date | None] = mapped_column(sa.Date)
    removed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class TrainedModel(Base):
    """A model the desk trained on its own data (``checkworthiness``), its parameters as
    JSON: kept in the database, so every app server sharing it uses the same one."""

    __tablename__ = "trained_models"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    body: Mapped[dict[str, object]] = mapped_column(sa.JSON)
    trained_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Assignment(Base):
    """Who is to check a claim (:mod:`verifier.assignments`), who asked them and when: one
    row per assigned claim; taking the claim back deletes it."""

    __tablename__ = "assignments"

    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True
    )
    assigned_to: Mapped[str] = mapped_column(sa.String(256), index=True)
    assigned_by: Mapped[str] = mapped_column(sa.String(256))
    assigned_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class AssignmentChange(Base):
    """One change of a claim's assignment, kept: from whom to whom (``None``: no one), by
    whom and when."""

    __tablename__ = "assignment_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    from_name: Mapped[str | None] = mapped_column(sa.String(256))
    to_name: Mapped[str | None] = mapped_column(sa.String(256))
    changed_by: Mapped[str] = mapped_column(sa.String(256))
    changed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Account(Base):
    """A reviewer who signs in to the app (:mod:`verifier.accounts`): the name verdicts are
    saved under, and a salted scrypt hash of the password. A disabled account cannot sign
    in; its verdicts stay under its name."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(256), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    signed_in_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # An editor also hands claims to others and accepts suggestions in bulk.
    editor: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class SignInFailure(Base):
    """Wrong passwords in a row for a name typed at sign-in, from one client address (``''``
    when the app cannot tell), and until when that name's sign-in from there is paused after
    too many (:func:`verifier.accounts.sign_in`). Names that are no account's are counted
    the same, so a pause says nothing of which names are accounts; rows are dropped once
    their pause and the failures before it are over."""

    __tablename__ = "sign_in_failures"

    name: Mapped[str] = mapped_column(sa.String(256), primary_key=True)
    client: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    paused_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class AccountSession(Base):
    """A browser signed in to an account: the SHA-256 of the random token its cookie holds
    (never the token), until ``expires_at``. Signing out, a new password or disabling the
    account deletes it."""

    __tablename__ = "account_sessions"

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class Embedding(Base):
    """Vector cache: the same text under the same model is embedded once."""

    __tablename__ = "embeddings"

    model: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    text_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    dim: Mapped[int]
    vector: Mapped[bytes] = mapped_column(sa.LargeBinary)


class DatabaseInfo(Base):
    """Facts about the database itself; ``database_id`` (random, made with the schema) lets
    an index folder know which database it was built from."""

    __tablename__ = "database_info"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(256))
