"""The three verdict labels, spelled out here and nowhere else.

Every other module (the database models' check constraints, the stance models, the CLI, the
app, the exports) names a verdict through :class:`Label`, so a label is added or renamed in
one place.
"""

from __future__ import annotations

from enum import StrEnum

from verifier.errors import InputError


class Label(StrEnum):
    """A claim's verdict, suggested by a stance model or decided by a reviewer.

    A ``StrEnum``: each member *is* its string, so it is stored, compared and written to
    JSON as ``"supported"`` etc. without conversion.
    """

    SUPPORTED = "supported"
    DISPUTED = "disputed"
    UNVERIFIED = "unverified"

    @classmethod
    def parse(cls, value: object) -> Label:
        """The label named by ``value``.

        Raises:
            InputError: ``value`` is not one of the labels.
        """
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            raise InputError(f"verdict must be one of {names()}, not {value!r}") from None


def names() -> str:
    """``"supported, disputed, unverified"``: for help texts and error messages."""
    return ", ".join(label.value for label in Label)


def sql_check(column: str) -> str:
    """SQL condition that ``column`` holds a label, for the models' check constraints."""
    return f"{column} IN ({', '.join(repr(label.value) for label in Label)})"
