"""Swedish identity numbers: parsing and validation with the `personnummer` library.

The library checks the date and the Luhn digit for personnummer and
samordningsnummer (day + 60); we add the canonical 12-digit storage format,
birth date and gender derived from the number.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from personnummer.personnummer import Personnummer, PersonnummerException

from .models import Gender, IdKind

INVALID_ID_NUMBER = "Ogiltigt personnummer eller samordningsnummer: kontrollera datum och kontrollsiffra."


@dataclass(frozen=True)
class ParsedIdNumber:
    canonical: str  # YYYYMMDD-NNNN
    kind: str
    birth_date: datetime.date
    gender: str


def parse_id_number(raw: str) -> ParsedIdNumber:
    """Accepts YYYYMMDD-NNNN, YYYYMMDDNNNN and YYMMDD-NNNN; raises ValidationError in Swedish."""
    value = (raw or "").strip().replace(" ", "")
    if len(value) < 10:
        raise ValidationError(INVALID_ID_NUMBER, code="invalid_id_number")
    try:
        pnr = Personnummer(value)
    except (PersonnummerException, ValueError) as exc:
        raise ValidationError(INVALID_ID_NUMBER, code="invalid_id_number") from exc
    long_form = pnr.format(long_format=True)
    kind = IdKind.SAMORDNINGSNUMMER if pnr.is_coordination_number() else IdKind.PERSONNUMMER
    return ParsedIdNumber(
        canonical=f"{long_form[:8]}-{long_form[8:]}",
        kind=kind,
        birth_date=pnr.get_date(),
        gender=Gender.MALE if pnr.is_male() else Gender.FEMALE,
    )


def luhn_check_digit(nine_digits: str) -> int:
    """The check digit for YYMMDDNNN; used by the synthetic data generators only."""
    total = 0
    for i, ch in enumerate(nine_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def synthetic_id_number(birth_date: datetime.date, serial: int) -> str:
    """A test personnummer in Skatteverket's test series (födelsenummer 980–999),
    which is never assigned to a real person. `serial` picks one of the 20."""
    birth_no = 980 + serial % 20
    short = f"{birth_date:%y%m%d}{birth_no:03d}"
    return f"{birth_date:%Y%m%d}-{birth_no:03d}{luhn_check_digit(short)}"


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Whole years of age on `day` (a person born 29 February turns a year older on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


# The SQL twin of age_on for set-based reports (tests/socialtjanst/test_deadlines_sql.py checks they agree).
AGE_ON_SQL = (
    "(extract(year FROM {day})::int - extract(year FROM {birth})::int"
    " - CASE WHEN (extract(month FROM {day}), extract(day FROM {day}))"
    " < (extract(month FROM {birth}), extract(day FROM {birth})) THEN 1 ELSE 0 END)"
)


def age_on_sql(birth: str, day: str) -> str:
    return AGE_ON_SQL.format(birth=birth, day=day)
