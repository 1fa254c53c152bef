"""The placements and budget imports' file reading: common.import_files (what every import shares,
re-exported here so both keep one import line), plus the care type, which only they read.

The cell readers raise ValueError with the reason; the importer adds the row and the column (ERROR),
so that a bad cell is reported, and nothing is imported, before anything reaches the database.
"""

from common.import_files import (
    BAD_NUMBER,
    EMPTY_FILE,
    ERROR,
    MISSING_COLUMN,
    NEGATIVE_AMOUNT,
    NUL_IN_FILE,
    REQUIRED,
    TOO_LARGE,
    TOO_LONG,
    TOO_MANY_DECIMALS,
    UNREADABLE,
    ImportFileError,
    check_fits,
    normalise_header,
    parse_amount,
    parse_number,
    parse_text,
    read_table,
    text,
)

from .models import CareType

__all__ = [
    "BAD_CARE_TYPE", "BAD_NUMBER", "EMPTY_FILE", "ERROR", "MISSING_COLUMN", "NEGATIVE_AMOUNT", "NUL_IN_FILE",
    "REQUIRED", "TOO_LARGE", "TOO_LONG", "TOO_MANY_DECIMALS", "UNREADABLE", "ImportFileError", "care_types_by_code",
    "check_fits", "normalise_header", "parse_amount", "parse_care_type", "parse_number", "parse_text", "read_table",
    "text",
]

BAD_CARE_TYPE = "okänd vårdform '{value}'."


def care_types_by_code() -> dict[str, CareType]:
    return {ct.code.upper(): ct for ct in CareType.objects.all()}


def parse_care_type(value, care_types: dict[str, CareType]) -> CareType:
    """A care type code (any case) → the care type; care_types from care_types_by_code()."""
    care_type = care_types.get(text(value).upper())
    if care_type is None:
        raise ValueError(BAD_CARE_TYPE.format(value=text(value)))
    return care_type
