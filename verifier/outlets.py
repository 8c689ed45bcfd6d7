"""A desk's labels for outlets: its word on a source's reliability ("state media", "wire",
"official", "satire"), shown with every passage from the outlet, on the review pages and in
reports, so a reviewer weighs what a passage says by who says it.

A label is keyed by the outlet's name with case and spacing ignored ("RT", " rt "), as
documents name their outlet (front matter, a page's ``og:site_name``, a table's ``outlet``
column). An outlet given as a web domain ("rt.com") labels every source whose web address is
on that domain or under it ("www.rt.com", "de.rt.com"), whatever the outlet's name says ("RT
International", or none), as the lists desks keep of state media or fake sites go by domain;
a label of the outlet's own name comes first, then the longest domain. Setting a label
again replaces it; who set it and when are kept with it, and every
change (set, changed, cleared) is kept in the label's history (:func:`label_changes`). With
accounts in use, only an editor sets or clears labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session

from verifier.accounts import acting_editor
from verifier.db.limits import check_lengths
from verifier.db.models import OutletLabel, OutletLabelChange, as_utc, utcnow
from verifier.errors import InputError
from verifier.text import web_address

#: A label's key that is a web domain (``rt.com``): it labels the sources on it.
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$")


@dataclass(frozen=True)
class OutletLabelView:
    """An outlet's label, its note, and who set it when."""

    outlet: str
    label: str
    note: str | None
    set_by: str
    set_at: datetime


@dataclass(frozen=True)
class OutletLabelChangeView:
    """One change of an outlet's label: from what to what (``None``: no label), with the
    note given, by whom and when."""

    outlet: str
    from_label: str | None
    to_label: str | None
    note: str | None
    changed_by: str
    changed_at: datetime

    def summary(self) -> str:
        """One line: ``"'state media' (was 'wire')"``, ``"'wire' set"``, ``"cleared (was
        'wire')"``."""
        if self.to_label is None:
            return f"cleared (was {self.from_label!r})"
        if self.from_label is None:
            return f"{self.to_label!r} set"
        return f"{self.to_label!r} (was {self.from_label!r})"


def outlet_key(name: str) -> str:
    """The name an outlet's label is found by: case and spacing ignored."""
    return " ".join(name.split()).casefold()


def set_label(session: Session, outlet: str, label: str, note: str | None, by: str) -> None:
    """Label ``outlet`` (replacing its label), as ``by``.

    Raises:
        InputError: no outlet, label or name; a value longer than the database holds; with
            accounts in use, ``by`` no active editor's account.
    """
    outlet, label = " ".join(outlet.split()), " ".join(label.split())
    note = " ".join((note or "").split()) or None
    if not outlet:
        raise InputError("name the outlet to label, as its sources give it")
    if not label:
        raise InputError(f"give {outlet!r} a label (state media, wire, official...)")
    by = _editor(session, by, "labelling outlets")
    check_lengths(OutletLabel, {"outlet": outlet, "label": label, "set_by": by}, "the outlet label")
    key = outlet_key(outlet)
    row = session.scalar(sa.select(OutletLabel).where(OutletLabel.key == key))
    if row is None:
        row = OutletLabel(key=key)
        session.add(row)
    elif (row.label, row.note) == (label, note):
        return  # the same label and note again: nothing changed, nothing to keep
    before = row.label
    row.outlet, row.label, row.note, row.set_by, row.set_at = outlet, label, note, by, utcnow()
    _keep(session, row, before, label, by)


def clear_label(session: Session, outlet: str, by: str) -> None:
    """Take ``outlet``'s label away, as ``by``.

    Raises:
        InputError: the outlet has no label; with accounts in use, ``by`` no editor's.
    """
    by = _editor(session, by, "labelling outlets")
    row = session.scalar(sa.select(OutletLabel).where(OutletLabel.key == outlet_key(outlet)))
    if row is None:
        raise InputError(f"{' '.join(outlet.split())!r} has no label; see `verifier outlets list`")
    session.delete(row)
    _keep(session, row, row.label, None, by)


def label_changes(session: Session, outlet: str | None = None) -> list[OutletLabelChangeView]:
    """Every change of the outlet labels (of ``outlet`` alone, when given; case and spacing
    ignored), newest first."""
    query = sa.select(OutletLabelChange).order_by(OutletLabelChange.id.desc())
    if outlet is not None:
        query = query.where(OutletLabelChange.key == outlet_key(outlet))
    return [
        OutletLabelChangeView(
            row.outlet,
            row.from_label,
            row.to_label,
            row.note,
            row.changed_by,
            as_utc(row.changed_at),
        )
        for row in session.scalars(query)
    ]


def outlet_labels(session: Session) -> list[OutletLabelView]:
    """Every outlet label, by outlet."""
    rows = session.scalars(sa.select(OutletLabel).order_by(OutletLabel.key))
    return [_view(row) for row in rows]


def labels_for(session: Session, outlets: Iterable[str | None]) -> dict[str, OutletLabelView]:
    """The labels of these outlets, and every label of a web domain, by :func:`outlet_key`
    (for :func:`find_label`)."""
    keys = sorted({outlet_key(name) for name in outlets if name and name.strip()})
    # A domain's label may be any source's: they are few, so all are read.
    domains = OutletLabel.key.contains(".") & ~OutletLabel.key.contains(" ")
    rows = session.scalars(sa.select(OutletLabel).where(OutletLabel.key.in_(keys) | domains))
    return {row.key: _view(row) for row in rows}


def find_label(
    labels: dict[str, OutletLabelView], outlet: str | None, url: str | None = None
) -> OutletLabelView | None:
    """The label (among ``labels``, as :func:`labels_for` gives them) of a source from
    ``outlet`` at the web address ``url``: its outlet's own, else the longest web domain's
    that ``url`` is on, else ``None``."""
    if not labels:
        return None
    if outlet and (named := labels.get(outlet_key(outlet))):
        return named
    domains = _domains(url or "")
    return next((labels[d] for d in domains if d in labels and _DOMAIN.match(d)), None)


@lru_cache(maxsize=4096)
def _domains(url: str) -> tuple[str, ...]:
    """The domains a web address is on, longest first (``de.rt.com``, ``rt.com``); none for
    what is not a web address (a file's path). Evidence repeats its sources' addresses."""
    address = web_address(url)
    parts = (urlsplit(address).hostname or "").rstrip(".").split(".") if address else []
    return tuple(".".join(parts[start:]) for start in range(len(parts) - 1))


def label_of(
    labels: dict[str, OutletLabelView], outlet: str | None, url: str | None = None
) -> str | None:
    """The label's words of :func:`find_label`, if any."""
    label = find_label(labels, outlet, url)
    return label.label if label else None


def _keep(
    session: Session, row: OutletLabel, before: str | None, after: str | None, by: str
) -> None:
    """Keep one change of ``row``'s label in its history (in the same transaction)."""
    session.add(
        OutletLabelChange(
            key=row.key,
            outlet=row.outlet,
            from_label=before,
            to_label=after,
            note=row.note if after is not None else None,
            changed_by=by,
            changed_at=row.set_at if after is not None else utcnow(),
        )
    )
    session.flush()


def _editor(session: Session, by: str, doing: str) -> str:
    return acting_editor(session, " ".join(by.split()), doing, "outlets are labelled")


def _view(row: OutletLabel) -> OutletLabelView:
    return OutletLabelView(row.outlet, row.label, row.note, row.set_by, as_utc(row.set_at))
