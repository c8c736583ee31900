"""Validation of Norwegian organisation numbers (organisasjonsnummer)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORGNR_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def orgnr_check_digit(first_eight: str) -> int | None:
    """Modulus-11 check digit for the first eight digits; None where no digit can be valid."""
    remainder = sum(int(d) * w for d, w in zip(first_eight, ORGNR_WEIGHTS, strict=True)) % 11
    digit = (11 - remainder) % 11
    return None if digit == 10 else digit


def orgnr_problem(value: str) -> str | None:
    """Say what is wrong with an organisation number, or None when it is valid."""
    compact = value.replace(" ", "")
    if not compact.isascii() or not compact.isdigit():
        return str(_("An organisation number has digits only."))
    if len(compact) != 9:
        return str(_("An organisation number has exactly 9 digits."))
    if orgnr_check_digit(compact[:8]) != int(compact[8]):
        return str(_("The check digit is wrong: this is not a valid organisation number."))
    return None


def is_valid_orgnr(value: str) -> bool:
    return orgnr_problem(value) is None


def validate_orgnr(value: str) -> None:
    if problem := orgnr_problem(value):
        raise ValidationError(problem, code="invalid_orgnr")
