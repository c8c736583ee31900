"""Weights by pairwise comparison (AHP): Saaty's worked example, judgements that contradict
each other, the judgement to revisit first, and derived weights saved to the criteria."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from nytte.proposals import assessment as assess
from nytte.proposals.ahp import matrix_from_judgements, weights
from nytte.proposals.models import Criterion, PairwiseJudgement
from tests.factories import CriterionFactory

# These tests build their own criteria on a bare programme (see conftest.py).
BARE_PROGRAMME = True

# Saaty's example: A is moderately more important than B (3) and strongly more than C (5);
# B moderately more than C (3).
SAATY = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]


def test_saatys_worked_example_gives_known_weights_and_a_low_consistency_ratio():
    result = weights(SAATY)
    # For a 3×3 reciprocal matrix the principal eigenvector equals the normalised geometric
    # means of the rows:
    #   A: (1 · 3 · 5)^(1/3)     = 15^(1/3)   = 2.4662
    #   B: (1/3 · 1 · 3)^(1/3)   = 1          = 1.0000
    #   C: (1/5 · 1/3 · 1)^(1/3) = (1/15)^(1/3) = 0.4055
    #   sum 3.8717 → w = (0.6370, 0.2583, 0.1047)
    geometric = [15 ** (1 / 3), 1.0, (1 / 15) ** (1 / 3)]
    expected = [g / sum(geometric) for g in geometric]
    assert result.weights == pytest.approx(expected, abs=1e-9)
    assert result.weights == pytest.approx((0.637, 0.258, 0.105), abs=5e-4)
    # λmax: (A·w)_1 / w_1 = (0.6370 + 3 · 0.2583 + 5 · 0.1047) / 0.6370 = 1.9357 / 0.6370
    #     = 3.0385
    assert result.lambda_max == pytest.approx(3.0385, abs=1e-4)
    # CI = (λmax − n) / (n − 1) = 0.0385 / 2 = 0.0193; CR = CI / RI(3) = 0.0193 / 0.58 = 0.033
    assert result.consistency_index == pytest.approx(0.0193, abs=1e-4)
    assert result.consistency_ratio == pytest.approx(0.0332, abs=1e-3)
    assert result.consistent


def test_circular_judgements_are_flagged_inconsistent():
    # A is extremely more important than B (9), B than C (9), yet C than A (9): a circle.
    a = matrix_from_judgements(3, {(0, 1): 9, (1, 2): 9, (0, 2): 1 / 9})
    result = weights(a)
    # Every row holds 1, 9 and 1/9, so w = (1/3, 1/3, 1/3) and every (A·w)_i = (1 + 9 + 1/9)/3
    # → λmax = 1 + 9 + 1/9 = 91/9 = 10.111
    assert result.weights == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert result.lambda_max == pytest.approx(91 / 9)
    # CI = (91/9 − 3) / 2 = 32/9 = 3.556; CR = 3.556 / 0.58 = 6.13, far above 0.10
    assert result.consistency_index == pytest.approx(32 / 9)
    assert result.consistency_ratio == pytest.approx(32 / 9 / 0.58)
    assert not result.consistent
    # In a 3×3 matrix every judgement is equally to blame: no single one is named.
    assert assess.most_contradictory(a, result.weights) is None


def test_a_milder_circle_is_still_above_the_limit():
    # Moderately: A over B (3), B over C (3), C over A (3).
    result = weights(matrix_from_judgements(3, {(0, 1): 3, (1, 2): 3, (0, 2): 1 / 3}))
    # λmax = 1 + 3 + 1/3 = 13/3; CI = (13/3 − 3)/2 = 2/3; CR = (2/3)/0.58 = 1.149
    assert result.consistency_ratio == pytest.approx((2 / 3) / 0.58)
    assert not result.consistent


def test_the_judgement_that_contradicts_the_others_most_is_named_with_what_they_imply():
    # Consistent weights 8 : 4 : 2 : 1 would give a01 = 2, a02 = 4, a03 = 8, a12 = 2, a13 = 4,
    # a23 = 2. The facilitator flipped a03: D "8 times more important" than A.
    judgements = {(0, 1): 2, (0, 2): 4, (0, 3): 1 / 8, (1, 2): 2, (1, 3): 4, (2, 3): 2}
    a = matrix_from_judgements(4, judgements)
    result = weights(a)
    assert not result.consistent
    worst = assess.most_contradictory(a, result.weights)
    assert worst is not None
    assert (worst.first, worst.second) == (0, 3)
    # |ln(a_03 · w_3 / w_0)| is the largest error of the six.
    errors = {
        (i, j): abs(math.log(a[i, j] * result.weights[j] / result.weights[i]))
        for i in range(4)
        for j in range(i + 1, 4)
    }
    assert max(errors, key=errors.get) == (0, 3)
    assert worst.error == pytest.approx(errors[(0, 3)])
    assert worst.given == pytest.approx(1 / 8)
    # The paths through B and C: a01 · a13 = 2 · 4 = 8 and a02 · a23 = 4 · 2 = 8 → 8.
    assert worst.implied == pytest.approx(8)


def test_consistent_judgements_name_nothing():
    a = matrix_from_judgements(3, {(0, 1): 2, (1, 2): 2, (0, 2): 4})
    result = weights(a)
    assert result.consistency_ratio == pytest.approx(0, abs=1e-9)
    assert result.weights == pytest.approx((4 / 7, 2 / 7, 1 / 7))
    assert assess.most_contradictory(a, result.weights) is None


@pytest.mark.parametrize(
    ("value", "text"), [(3, "3"), (1 / 3, "1/3"), (0.34, "1/3"), (1, "1"), (12, "9"), (0.05, "1/9")]
)
def test_judgements_are_written_as_steps_of_saatys_scale(value, text):
    assert assess.saaty_text(value) == text


# ---------------------------------------------------------------------------------------------
# Saved to the criteria


@pytest.fixture
def three(programme):
    return [
        CriterionFactory(programme=programme, dimension="potential", name=name, order=k)
        for k, name in enumerate(["Brukerverdi", "Rekkevidde", "Strategisk treff"], start=1)
    ]


@pytest.mark.django_db
def test_pairwise_judgements_give_the_criteria_saatys_weights(programme, facilitator, three):
    a, b, c = three
    state = assess.pairwise_save(
        programme=programme,
        dimension="potential",
        judgements={(a.pk, b.pk): "3", (a.pk, c.pk): 5, (b.pk, c.pk): "3"},
        acting_user=facilitator,
    )
    assert state.result is not None and state.result.consistent
    assert state.result.consistency_ratio == pytest.approx(0.0332, abs=1e-3)
    stored = {c.name: c.weight for c in Criterion.objects.filter(programme=programme)}
    assert stored == {
        "Brukerverdi": Decimal("0.6370"),
        "Rekkevidde": Decimal("0.2583"),
        "Strategisk treff": Decimal("0.1047"),
    }
    assert PairwiseJudgement.objects.filter(first__programme=programme).count() == 3
    # Read back: the stored state gives the same result, every pair judged.
    again = assess.pairwise_states(programme=programme, criteria=three)["potential"]
    assert again.complete
    assert again.result.weights == pytest.approx(state.result.weights)


@pytest.mark.django_db
def test_a_pair_given_the_other_way_round_is_stored_in_the_criteria_order(
    programme, facilitator, three
):
    a, b, c = three
    # "C is 1/5 as important as A" is the same as "A is 5 times as important as C".
    assess.pairwise_save(
        programme=programme,
        dimension="potential",
        judgements={(b.pk, a.pk): "1/3", (c.pk, a.pk): "1/5", (b.pk, c.pk): 3},
        acting_user=facilitator,
    )
    stored = {
        (j.first_id, j.second_id): j.value
        for j in PairwiseJudgement.objects.filter(first__programme=programme)
    }
    assert stored == {(a.pk, b.pk): 3.0, (a.pk, c.pk): 5.0, (b.pk, c.pk): 3.0}
    a.refresh_from_db()
    assert a.weight == Decimal("0.6370")


@pytest.mark.django_db
def test_inconsistent_judgements_are_saved_with_a_warning(programme, facilitator, three):
    a, b, c = three
    state = assess.pairwise_save(
        programme=programme,
        dimension="potential",
        judgements={(a.pk, b.pk): 9, (b.pk, c.pk): 9, (a.pk, c.pk): "1/9"},
        acting_user=facilitator,
    )
    assert not state.result.consistent
    assert state.result.consistency_ratio > 0.1
    assert {c.weight for c in Criterion.objects.filter(programme=programme)} == {Decimal("0.3333")}
    # Changing one judgement later keeps the other two.
    state = assess.pairwise_save(
        programme=programme,
        dimension="potential",
        judgements={(a.pk, c.pk): 9},
        acting_user=facilitator,
    )
    assert [value for _f, _s, value in state.pairs] == [9.0, 9.0, 9.0]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["10", "0.4", "0", "abc", "-3"])
def test_judgements_off_saatys_scale_are_refused(programme, facilitator, three, value):
    a, b, _c = three
    with pytest.raises(ValidationError):
        assess.pairwise_save(
            programme=programme,
            dimension="potential",
            judgements={(a.pk, b.pk): value},
            acting_user=facilitator,
        )
    assert not PairwiseJudgement.objects.exists()


@pytest.mark.django_db
def test_criteria_of_another_dimension_cannot_be_compared(programme, facilitator, three):
    other = CriterionFactory(programme=programme, dimension="complexity", name="Teknisk")
    with pytest.raises(ValidationError):
        assess.pairwise_save(
            programme=programme,
            dimension="potential",
            judgements={(three[0].pk, other.pk): 3},
            acting_user=facilitator,
        )


@pytest.mark.django_db
def test_only_the_facilitator_derives_weights(programme, contributor, outsider, three):
    a, b, _c = three
    with pytest.raises(PermissionDenied):
        assess.pairwise_save(
            programme=programme,
            dimension="potential",
            judgements={(a.pk, b.pk): 3},
            acting_user=contributor,
        )
    with pytest.raises(Http404):
        assess.pairwise_save(
            programme=programme,
            dimension="potential",
            judgements={(a.pk, b.pk): 3},
            acting_user=outsider,
        )


def test_the_contradiction_helper_works_on_any_size():
    rng = np.random.default_rng(7)
    for n in range(4, 8):
        steps = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9]
        judgements = {(i, j): float(rng.choice(steps)) for i in range(n) for j in range(i + 1, n)}
        a = matrix_from_judgements(n, judgements)
        result = weights(a)
        worst = assess.most_contradictory(a, result.weights)
        if worst is not None:
            assert 0 <= worst.first < worst.second < n
            assert 1 / 81 <= worst.implied <= 81
