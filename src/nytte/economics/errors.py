"""Errors the economics engine raises for bad input.

One exception type so callers (CLI, web forms, API) can catch a single class and
show ``str(error)`` to the user: the message names the field, line and year.
"""

from __future__ import annotations


class CBAInputError(ValueError):
    """Invalid input to a cost-benefit analysis; ``where`` points at the field."""

    def __init__(self, message: str, where: str = "") -> None:
        self.where = where
        self.reason = message
        super().__init__(f"{where}: {message}" if where else message)


class UnknownParameterSetError(CBAInputError):
    """The analysis names a parameter set the registry does not hold."""
