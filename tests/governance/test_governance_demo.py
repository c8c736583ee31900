"""The governance demo: forums, a meeting with a case to decide, one decided case and the
baselines it froze; loading again changes nothing."""

from __future__ import annotations

from nytte.governance.demo import load_governance_demo
from nytte.governance.models import Baseline, DecisionCase, Forum


def test_the_demo_has_a_board_a_case_to_decide_and_a_decided_change(framtidens):
    board = Forum.objects.get(programme=framtidens, name__startswith="Programstyret")
    assert board.memberships.get().user.username == "forum"
    cases = {c.kind: c for c in DecisionCase.objects.filter(programme=framtidens)}
    assert cases["proposal"].status == "ready" and cases["proposal"].meetings.exists()
    change = cases["change"]
    assert change.status == "decided" and change.initiative.code == "FI-17"
    decision = change.decisions.get()
    assert decision.decided_by.username == "forum"
    assert list(Baseline.objects.filter(programme=framtidens).values_list("number", flat=True)) == [
        2,
        1,
    ]
    assert decision.baseline.number == 2
    assert load_governance_demo() == 0
