"""The one window for every date a user or a file can give (issue 12).

Three kinds of date, each with its window:

- **Past dates** (an intake's *inkom*, a birth date): 1900-01-01 through today. Something that has
  already happened cannot lie in the future.
- **Case dates** (assessed, decided, started, completed, ended, held, opened, closed, a new due
  date, an IVO check, a control period): 1900-01-01 through today + FUTURE_MARGIN, since a decision
  may be registered ahead of the day it takes effect and a due date is set ahead.
- **Roll-up dates** (placements, price periods, agreements, rates, payments, budget months): the
  years the monthly roll-up and the reports count, ROLLUP_YEAR_MIN–ROLLUP_YEAR_MAX.

Forms validate with the `validate_*` functions below; the database holds the fixed outer bounds
as CHECK constraints built by `window_check` (a CHECK cannot use now()), named
`<model>_<field>_in_window`, and `constraint_message` turns a violated one into Swedish. Pages
read stored rows through `in_window`, so a row from before the constraints is shown with
OUT_OF_WINDOW_MARKER instead of breaking the deadline arithmetic.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

# No IFO record is older than this; a person born before it is not a client of today's social services.
CASE_EARLIEST = datetime.date(1900, 1, 1)
# How far ahead a case date may lie: a decision registered ahead of the day it takes effect, a due date set ahead.
FUTURE_MARGIN = relativedelta(years=1)
# The years the monthly roll-up, the budget and the reports count (placements.days.YEAR_MIN/YEAR_MAX).
ROLLUP_YEAR_MIN, ROLLUP_YEAR_MAX = 2000, 2100
ROLLUP_EARLIEST = datetime.date(ROLLUP_YEAR_MIN, 1, 1)
ROLLUP_LATEST = datetime.date(ROLLUP_YEAR_MAX, 12, 31)
YEAR_OUT_OF_RANGE = f"Året ska vara {ROLLUP_YEAR_MIN}–{ROLLUP_YEAR_MAX}."
# The database's fixed upper bound for case dates: today + FUTURE_MARGIN stays under it until the year 2100.
CASE_LATEST_STORED = ROLLUP_LATEST

OUT_OF_RANGE = "Datumet måste ligga mellan {earliest} och {latest}."
TOO_EARLY = f"Datumet kan inte ligga före {CASE_EARLIEST.isoformat()}."
OUT_OF_WINDOW_MARKER = "Datum utanför giltigt intervall"
OUT_OF_RANGE_CODE = "date_out_of_range"

# Constraint name → Swedish message, filled by window_check as the models are defined.
_STORED_MESSAGES: dict[str, str] = {}


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    # A datetime's own (local) calendar date: converting 0001-01-01 00:00 to another zone would overflow.
    return value.date() if isinstance(value, datetime.datetime) else value


def _check(value, earliest: datetime.date, latest: datetime.date) -> None:
    if value is None:
        return
    if not earliest <= _as_date(value) <= latest:
        raise ValidationError(OUT_OF_RANGE.format(earliest=earliest.isoformat(), latest=latest.isoformat()),
                              code=OUT_OF_RANGE_CODE)


def case_latest(today: datetime.date | None = None) -> datetime.date:
    return min((today or timezone.localdate()) + FUTURE_MARGIN, CASE_LATEST_STORED)


def validate_past_date(value) -> None:
    """Inkom, födelsedatum: 1900-01-01 through today."""
    _check(value, CASE_EARLIEST, min(timezone.localdate(), CASE_LATEST_STORED))


def validate_not_too_early(value) -> None:
    """The window's lower bound alone, for a field whose own rule already refuses the future with its own
    message (the e-tjänst's inkom and födelsedatum)."""
    if value is not None and _as_date(value) < CASE_EARLIEST:
        raise ValidationError(TOO_EARLY, code=OUT_OF_RANGE_CODE)


def validate_case_date(value) -> None:
    """Decided, started, ended, due and the like: 1900-01-01 through today + FUTURE_MARGIN."""
    _check(value, CASE_EARLIEST, case_latest())


def validate_rollup_date(value) -> None:
    """Placements, prices, agreements, payments: within the roll-up's years."""
    _check(value, ROLLUP_EARLIEST, ROLLUP_LATEST)


def in_window(*values) -> bool:
    """Whether stored dates (None allowed) lie within the stored case window: a row from before the CHECKs
    may not, and the deadline arithmetic overflows near year 9999. Pages compute a due date only when this
    holds, and show OUT_OF_WINDOW_MARKER otherwise."""
    return all(v is None or CASE_EARLIEST <= _as_date(v) <= CASE_LATEST_STORED for v in values)


# --- the database's half ------------------------------------------------------------


def window_check(model: str, field: str, *, earliest: datetime.date = CASE_EARLIEST,
                 latest: datetime.date = CASE_LATEST_STORED, exclusive_end: bool = False,
                 nullable: bool = True) -> models.CheckConstraint:
    """CHECK that `field` lies in [earliest, latest] (or [earliest, latest + 1 day) for an exclusive end
    such as a price period's valid_to), named `<model>_<field>_in_window`."""
    name = f"{model}_{field}_in_window"
    upper = latest + datetime.timedelta(days=1) if exclusive_end else latest
    condition = Q(**{f"{field}__gte": earliest, f"{field}__lte": upper})
    if nullable:
        condition = Q(**{f"{field}__isnull": True}) | condition
    _STORED_MESSAGES[name] = OUT_OF_RANGE.format(earliest=earliest.isoformat(), latest=upper.isoformat())
    return models.CheckConstraint(condition=condition, name=name)


def rollup_window_check(model: str, field: str, **kwargs) -> models.CheckConstraint:
    """window_check over the roll-up's years: placements, prices, agreements, payments, months."""
    return window_check(model, field, earliest=ROLLUP_EARLIEST, latest=ROLLUP_LATEST, **kwargs)


def timestamp_window_check(model: str, field: str) -> models.CheckConstraint:
    """window_check for a timestamp (an intake's received_at), with UTC bounds at the window's outer days."""
    earliest = datetime.datetime(CASE_EARLIEST.year, 1, 1, tzinfo=datetime.UTC)
    latest = datetime.datetime(CASE_LATEST_STORED.year + 1, 1, 1, tzinfo=datetime.UTC)
    name = f"{model}_{field}_in_window"
    _STORED_MESSAGES[name] = OUT_OF_RANGE.format(earliest=CASE_EARLIEST.isoformat(),
                                                 latest=CASE_LATEST_STORED.isoformat())
    return models.CheckConstraint(condition=Q(**{f"{field}__gte": earliest, f"{field}__lt": latest}), name=name)


def stored_window_message(name: str | None) -> str | None:
    """The Swedish message of a violated `*_in_window` constraint, or None for any other constraint."""
    return _STORED_MESSAGES.get(name or "")
