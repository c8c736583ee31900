"""Errors the optimiser raises.

Callers (CLI, app, API) catch ``OptimiseError`` and show ``str(error)``: the message
names the field, or for an infeasible problem the constraints in conflict.
"""

from __future__ import annotations


class OptimiseError(ValueError):
    """Base class: something about the input stops the optimiser."""


class OptimiseInputError(OptimiseError):
    """Malformed input; ``where`` points at the field (``candidates[3].costs``)."""

    def __init__(self, message: str, where: str = "") -> None:
        self.where = where
        self.reason = message
        super().__init__(f"{where}: {message}" if where else message)


class InfeasibleError(OptimiseError):
    """No plan meets every constraint; ``conflicts`` names the ones in conflict.

    ``source`` says how they were found: ``"check"`` (a simple check before solving,
    certain) or ``"relaxation"`` (an elastic solve: the smallest set of budget overruns
    and dropped must-include items that makes the problem feasible; one explanation,
    there may be others).
    """

    def __init__(self, conflicts: list[str], source: str) -> None:
        self.conflicts = list(conflicts)
        self.source = source
        lead = (
            "the problem is infeasible"
            if source == "check"
            else "the problem is infeasible; the smallest relaxation that makes it feasible"
        )
        super().__init__(f"{lead}: " + "; ".join(self.conflicts))
