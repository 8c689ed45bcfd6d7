"""Where each claim of a desk's list was seen: the ``url``, ``author`` and ``date`` columns
(JSON Lines fields) of a claims file, checked row by row, for ClaimReview's ``appearance``,
``author`` and ``datePublished`` of a claim that came from a post rather than an article;
and the row's other columns (a desk's own reference, say), kept as text for reports, so
that verdicts go back to the sheet they came from."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from verifier.db.limits import check_lengths
from verifier.db.models import Claim
from verifier.errors import InputError
from verifier.sources import parse_date
from verifier.text import one_line, web_address

#: The columns of a claims file that say where each claim was seen, by who, and when.
URL_COLUMN, AUTHOR_COLUMN, DATE_COLUMN = "url", "author", "date"
#: Characters a claim keeps of its row's other columns, names and values together (as JSON).
MAX_ROW_CHARS = 10_000


@dataclass(frozen=True)
class Appearance:
    """Where a claim was seen (a post, a video), who made it there, and when; and the other
    columns of its row (``row``: text by column name, blank ones left out)."""

    url: str | None = None
    author: str | None = None
    published: date | None = None
    row: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any((self.url, self.author, self.published, self.row))

    def fields(self) -> dict[str, object]:
        """As :class:`~verifier.db.models.Claim` columns."""
        return {
            "appearance_url": self.url,
            "appearance_author": self.author,
            "appearance_date": self.published,
            "row_fields": dict(self.row) or None,
        }


def appearances(
    path: Path | str, extras: Sequence[Mapping[str, object]], rows: Sequence[int]
) -> list[Appearance]:
    """Each claim's :class:`Appearance` from its row's other fields (``extras``, as
    :attr:`verifier.readers.ClaimRows.extras` holds them); empty where the file has none of
    the columns or the row leaves them blank. ``path`` and ``rows`` name a row in an error.

    Raises:
        InputError: a url that is not an http(s) address, a date that is not a date, or a
            value longer than the database keeps (named with its line).
    """
    found = []
    for extra, row in zip(extras, rows):
        where = f"{path}:{row}"
        url, author = one_line(extra.get(URL_COLUMN)), one_line(extra.get(AUTHOR_COLUMN))
        if url is not None and not web_address(url):
            raise InputError(
                f"{where}: url {url[:60]!r} is not a web address (http:// or https://); "
                "fix it or leave it empty"
            )
        others = row_fields(extra, where)
        seen = Appearance(url, author, parse_date(extra.get(DATE_COLUMN), where), others)
        check_lengths(Claim, seen.fields(), where)
        found.append(seen)
    return found


def row_fields(extra: Mapping[str, object], where: str) -> dict[str, str]:
    """A row's columns other than the claim, url, author and date, as text (a JSON Lines
    field that is a number, a list or an object as JSON), blank ones left out.

    Raises:
        InputError: they come to more than :data:`MAX_ROW_CHARS` characters (named by
            ``where``).
    """
    kept = {}
    for name, value in extra.items():
        if name in (URL_COLUMN, AUTHOR_COLUMN, DATE_COLUMN) or value is None:
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if text.strip():
            kept[name] = text
    size = len(json.dumps(kept, ensure_ascii=False))
    if size > MAX_ROW_CHARS:
        raise InputError(
            f"{where}: the row's other columns come to {size:,} characters, more than the "
            f"{MAX_ROW_CHARS:,} a claim keeps; remove the columns the review does not need"
        )
    return kept
