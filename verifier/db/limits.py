"""Column limits, checked on user input before the database sees it.

PostgreSQL refuses a value longer than its ``VARCHAR(n)`` with a raw ``DataError`` (SQLite
stores it anyway, so the two would differ); readers call :func:`check_lengths` instead, which
names the file or form, the field and its limit.
"""

from __future__ import annotations

from collections.abc import Mapping

from verifier.db.models import Base
from verifier.errors import InputError


def limit(model: type[Base], field: str) -> int | None:
    """The most characters ``model.field`` holds (``None``: no limit)."""
    column = model.__table__.c.get(field)  # type: ignore[attr-defined]
    return getattr(column.type, "length", None) if column is not None else None


def check_lengths(model: type[Base], values: Mapping[str, object], where: str) -> None:
    """Refuse a string in ``values`` longer than its column of ``model`` holds.

    Raises:
        InputError: names ``where``, the field, its length and the limit.
    """
    for field, value in values.items():
        most = limit(model, field)
        if isinstance(value, str) and most is not None and len(value) > most:
            raise InputError(
                f"{where}: the {field} is {len(value):,} characters, over the {most:,} it may "
                "have; shorten it"
            )
