"""The ``nytte demo`` command: create the data directory and database, load every app's demo
data and print the demo logins.

It sits above the apps (not in ``core``, which imports no domain app). Loading is idempotent:
each app's loader looks everything up by its natural key and creates only what is missing,
so a second run changes nothing.
"""

from __future__ import annotations

import sys
from typing import TextIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.color import color_style
from django.db import transaction

from nytte.anchoring.demo import load_anchoring_demo
from nytte.benefits.demo import load_benefits_demo
from nytte.cli import command_as_typed
from nytte.core.demo import DEMO_PASSWORD, DEMO_USERS, load_core_demo
from nytte.costbenefit.demo import load_costbenefit_demo
from nytte.governance.demo import load_governance_demo
from nytte.governance.learning.demo import load_learning_demo
from nytte.portfolio.demo import load_portfolio_demo
from nytte.proposals.demo import load_proposals_demo


@transaction.atomic
def load_demo() -> int:
    """Load everything that is missing; return the number of objects created."""
    # Left to right: the benefits hang on the portfolio's initiatives, the proposals weigh
    # against both, and a proposal's analysis needs the proposal.
    registers = load_core_demo() + load_portfolio_demo()
    loaded = load_benefits_demo() + load_proposals_demo() + load_costbenefit_demo()
    # Anchoring reads initiatives, benefits and proposals; governance prepares its cases from
    # the proposals and their analyses (and shows their anchoring): they come last, and the
    # learning loop follows up the decisions the governance demo made.
    registers += loaded + load_anchoring_demo() + load_governance_demo()
    return registers + load_learning_demo()


def main(stdout: TextIO | None = None) -> None:
    """``nytte demo``: migrate, load the demo and print the logins."""
    out = stdout or sys.stdout
    style = color_style()
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    out.write(f"Data directory: {settings.DATA_DIR}\n")
    call_command("migrate", interactive=False, verbosity=0)
    created = load_demo()
    if created:
        out.write(style.SUCCESS(f"Demo data loaded ({created} objects).") + "\n")
    else:
        out.write("Demo data already present: nothing changed.\n")
    out.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):\n")
    for user in DEMO_USERS:
        out.write(f"  {user.username:<13} {user.description}\n")
    out.write(
        "\nA site administrator (creates programmes and organisations): "
        f"{command_as_typed()} createadmin\n"
    )
    out.write(f"\nStart the app with: {command_as_typed()} serve\n")
