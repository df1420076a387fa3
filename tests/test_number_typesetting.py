"""Numbers as the reports and pages print them (reports/i18n.py): the language's decimal mark,
a negative number with the minus sign (U+2212), never the hyphen-minus a walk found in the retake
page's "-50" and "-3,55", no sign on a number that rounds to zero, and a difference with its sign
in whole points."""

import pytest

from reports.i18n import MINUS, decimal, fixed, signed


@pytest.mark.parametrize(("language", "value", "expected"), [
    ("sv", -3.554, f"{MINUS}3,55"), ("en", -3.554, f"{MINUS}3.55"), ("sv", 0.85, "0,85"), ("en", 2.5, "2.50"),
    # a change score that rounds to zero has no sign: the walk saw "−0,00" beside "no clear change"
    ("sv", -0.004, "0,00"), ("en", -0.0049, "0.00"), ("sv", -0.006, f"{MINUS}0,01"), ("en", -0.0, "0.00"),
])
def test_fixed_uses_the_decimal_mark_and_the_minus_sign(language, value, expected):
    assert fixed(value, language) == expected


@pytest.mark.parametrize(("language", "value", "expected"), [
    ("sv", -37.5, f"{MINUS}37,5"), ("en", -1234.5, f"{MINUS}1,234.5"), ("sv", 37.5, "37,5"), ("sv", -0.001, "0"),
])
def test_decimal_uses_the_decimal_mark_and_the_minus_sign(language, value, expected):
    assert decimal(value, language) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (-50.0, f"{MINUS}50"), (36.2, "+36"), (0.0, "0"), (-0.4, "0"), (0.4, "0"),
    (0.5, "+1"), (-0.5, f"{MINUS}1"), (-2.5, f"{MINUS}3"), (49.6, "+50"), (None, "–"),
])
def test_a_difference_is_whole_points_with_its_sign_and_never_minus_zero(value, expected):
    assert signed(value) == expected
