import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from nytte.core.validators import is_valid_orgnr, orgnr_check_digit, validate_orgnr


@pytest.mark.parametrize(
    "orgnr",
    ["974761076", "889640782", "974760673", "972417807", "991825827", "974 761 076"],
)
def test_real_organisation_numbers_are_valid(orgnr):
    assert is_valid_orgnr(orgnr)
    validate_orgnr(orgnr)


def test_check_digit_worked_by_hand():
    # 97476107: 9*3 + 7*2 + 4*7 + 7*6 + 6*5 + 1*4 + 0*3 + 7*2 = 159; 159 % 11 = 5; 11 - 5 = 6
    assert orgnr_check_digit("97476107") == 6
    assert is_valid_orgnr("974761076")


@pytest.mark.parametrize(
    ("orgnr", "message"),
    [
        ("974761077", "check digit"),
        ("97476107", "9 digits"),
        ("9747610760", "9 digits"),
        ("97476107X", "digits only"),
        ("", "digits only"),
        ("９７４７６１０７６", "digits only"),  # full-width digits are not ASCII digits
    ],
)
def test_invalid_organisation_numbers_say_why(orgnr, message, english):
    assert not is_valid_orgnr(orgnr)
    with pytest.raises(ValidationError, match=message):
        validate_orgnr(orgnr)


def test_a_remainder_giving_ten_has_no_valid_check_digit():
    # 00000010: 1*3 = 3; 3 % 11 = 3; 11 - 3 = 8 -> valid digit 8
    assert orgnr_check_digit("00000010") == 8
    # 00000006: 6*2 = 12; 12 % 11 = 1; 11 - 1 = 10, which is no digit
    assert orgnr_check_digit("00000006") is None
    assert not any(is_valid_orgnr(f"00000006{d}") for d in range(10))


eight_digits = st.text(alphabet="0123456789", min_size=8, max_size=8)


@given(eight_digits)
def test_a_number_with_its_computed_check_digit_is_valid(first_eight):
    digit = orgnr_check_digit(first_eight)
    if digit is None:
        assert not any(is_valid_orgnr(first_eight + str(d)) for d in range(10))
    else:
        assert is_valid_orgnr(first_eight + str(digit))


@given(eight_digits, st.integers(min_value=0, max_value=8), st.integers(1, 9))
def test_changing_any_one_digit_makes_a_valid_number_invalid(first_eight, position, delta):
    digit = orgnr_check_digit(first_eight)
    if digit is None:
        return
    valid = first_eight + str(digit)
    changed = valid[:position] + str((int(valid[position]) + delta) % 10) + valid[position + 1 :]
    # Weights 3,2,7,6,5,4,3,2 and the check digit's 1 are all coprime to 11, so every
    # single-digit change alters the sum modulo 11.
    assert not is_valid_orgnr(changed)


@given(st.text(max_size=12).filter(lambda s: not s.replace(" ", "").isdigit()))
def test_anything_but_digits_is_refused(text):
    assert not is_valid_orgnr(text)
