import datetime

import pytest
from django.core.exceptions import ValidationError

from socialtjanst.identity import INVALID_ID_NUMBER, parse_id_number, synthetic_id_number


@pytest.mark.parametrize(
    "raw,canonical",
    [
        ("19121212-1212", "19121212-1212"),
        ("191212121212", "19121212-1212"),
        ("121212-1212", "20121212-1212"),
    ],
)
def test_accepted_formats_are_stored_in_one_canonical_form(raw, canonical):
    assert parse_id_number(raw).canonical == canonical


def test_birth_date_and_gender_are_derived():
    parsed = parse_id_number("19121212-1212")
    assert parsed.birth_date == datetime.date(1912, 12, 12)
    assert parsed.gender == "man"  # 121 is odd


def test_samordningsnummer_is_accepted_with_day_plus_sixty():
    # 1990-10-11 as samordningsnummer: day 71
    base = "9010719" + "80"
    from socialtjanst.identity import luhn_check_digit

    raw = f"19901071-980{luhn_check_digit(base[:6] + '980')}"
    parsed = parse_id_number(raw)
    assert parsed.kind == "samordningsnummer"
    assert parsed.birth_date == datetime.date(1990, 10, 11)


@pytest.mark.parametrize("raw", ["19121212-1213", "19121312-1212", "abc", "", "1912"])
def test_wrong_check_digit_or_date_is_refused_in_swedish(raw):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(raw)
    assert exc.value.messages == [INVALID_ID_NUMBER]


def test_synthetic_numbers_are_valid_and_in_the_test_series():
    for serial in range(40):
        value = synthetic_id_number(datetime.date(2015, 2, 28), serial)
        assert parse_id_number(value).canonical == value
        assert 980 <= int(value[9:12]) <= 999
