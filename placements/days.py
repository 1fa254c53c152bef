"""The one rule for counting vårddygn and insatsdagar (shared/domain.md §5).

A placement's days are the dates d with start ≤ d < end, where end is the day the
person left (in- and utskrivningsdag together count as one dygn). A placement that
starts and ends on the same date counts one dygn; an ongoing placement (end None)
counts every day up to the end of the period asked for.

Periods are half-open too: [period_start, period_end), so February 2024 is
(2024-02-01, 2024-03-01) — see month_bounds().

The rule exists in Python (care_days, care_end) and in exactly one SQL twin (care_period_sql /
care_days_sql / care_length_sql, all built on CARE_END_SQL, and the Django expression
care_period_expression used by the stored Placement.period column). tests/placements/test_days.py
checks with hypothesis that Python and SQL agree.
"""

import datetime

from django.contrib.postgres.fields import DateRangeField
from django.db.models import Case, F, Func, Value, When

from common.date_window import ROLLUP_YEAR_MAX as YEAR_MAX
from common.date_window import ROLLUP_YEAR_MIN as YEAR_MIN

# Month arithmetic has its home in common.periods; imported here for the care-day rule and its callers.
from common.periods import add_months, days_in_month, month_end, month_start  # noqa: F401

ONE_DAY = datetime.timedelta(days=1)
# The years a month may be asked for (as the reports' and the budget's years) are the date window's roll-up
# years: month_bounds of year 9999 has no next month, and the database keeps every placement inside them.
MONTH_OUT_OF_RANGE = f"Ange en månad från år {YEAR_MIN} till och med år {YEAR_MAX}."


def care_end(start: datetime.date, end: datetime.date | None) -> datetime.date | None:
    """The exclusive end of the counted range: a same-day placement counts one dygn."""
    if end is not None and end == start:
        return start + ONE_DAY
    return end


def care_days(
    start: datetime.date,
    end: datetime.date | None,
    period_start: datetime.date,
    period_end: datetime.date,
) -> int:
    """Vårddygn of a placement [start, end) (end None = ongoing) within [period_start, period_end)."""
    stop = care_end(start, end)
    upper = period_end if stop is None else min(stop, period_end)
    lower = max(start, period_start)
    return max(0, (upper - lower).days)


def intersect(a_start: datetime.date, a_end: datetime.date | None, b_start: datetime.date,
              b_end: datetime.date | None) -> tuple[datetime.date, datetime.date | None] | None:
    """Intersection of half-open ranges [a_start, a_end) and [b_start, b_end); None as an end = unbounded.
    None when they do not meet."""
    start = max(a_start, b_start)
    ends = [e for e in (a_end, b_end) if e is not None]
    end = min(ends) if ends else None
    if end is not None and end <= start:
        return None
    return start, end


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """[first day of the month, first day of the next month)."""
    first = datetime.date(year, month, 1)
    return first, first + datetime.timedelta(days=days_in_month(year, month))


def care_days_in_month(start: datetime.date, end: datetime.date | None, year: int, month: int) -> int:
    return care_days(start, end, *month_bounds(year, month))


# --- the SQL twin ---------------------------------------------------------------

# The day after a placement's last counted day (the person left on `end`; a same-day placement counts its one day),
# and its counted range as a PostgreSQL daterange with '[)' bounds.
CARE_END_SQL = "CASE WHEN {end} = {start} THEN {start} + 1 ELSE {end} END"
CARE_PERIOD_SQL = "daterange({start}, " + CARE_END_SQL + ", '[)')"
# The days of an ended placement's counted range, upper − lower of CARE_PERIOD_SQL without building the range
# (34 000 ranges built only to be measured were half the follow-up page's statement: 23 → 10 ms).
CARE_LENGTH_SQL = "(" + CARE_END_SQL + ") - {start}"

# The counted range clipped to a period, as two dates: [lower, upper). An ongoing placement has no upper
# bound, and LEAST() ignores NULL, so it runs to the period's end. Plain date arithmetic, not range
# intersection: the monthly roll-up evaluates this for every placement-month (make bench).
CARE_LOWER_SQL = "GREATEST(lower({period}), {period_start})"
CARE_UPPER_SQL = "LEAST(upper({period}), {period_end})"
# Days of a counted range (e.g. placements_placement.period) within [period_start, period_end).
CARE_DAYS_SQL = (
    "CASE WHEN isempty({period}) THEN 0 ELSE GREATEST("
    + CARE_UPPER_SQL + " - " + CARE_LOWER_SQL + ", 0) END"
)


# A date range [x, y) splits by month into at most three parts: a head in x's month when x is not the
# 1st, whole months [first_whole_month(x), month_of(y)), and a tail in y's month when y is not the 1st.
# The monthly roll-up counts whole months by running sums and only heads and tails one by one
# (make bench); month_parts() is the Python twin, checked against this SQL in tests/placements/test_days.py.
MONTH_OF_SQL = "date_trunc('month', ({d})::timestamp)::date"
FIRST_WHOLE_MONTH_SQL = "date_trunc('month', ({d} - 1)::timestamp + interval '1 month')::date"
# With whole_from = FIRST_WHOLE_MONTH_SQL(x) and whole_to = MONTH_OF_SQL(y) as columns:
HEAD_WHERE_SQL = "{x} < {whole_from}"
HEAD_DAYS_SQL = "(LEAST({y}, {whole_from}) - {x})"
TAIL_WHERE_SQL = "{y} > {whole_to} AND {whole_to} >= {whole_from}"
TAIL_DAYS_SQL = "({y} - GREATEST({x}, {whole_to}))"


def month_of_sql(d: str) -> str:
    return MONTH_OF_SQL.format(d=d)


def first_whole_month_sql(d: str) -> str:
    return FIRST_WHOLE_MONTH_SQL.format(d=d)


def month_parts_sql(x: str, y: str, whole_from: str, whole_to: str) -> dict[str, str]:
    """SQL for the head and tail of [x, y): where they exist, their month and their days."""
    args = {"x": x, "y": y, "whole_from": whole_from, "whole_to": whole_to}
    return {
        "head_where": HEAD_WHERE_SQL.format(**args), "head_month": month_of_sql(x),
        "head_days": HEAD_DAYS_SQL.format(**args),
        "tail_where": TAIL_WHERE_SQL.format(**args), "tail_month": whole_to,
        "tail_days": TAIL_DAYS_SQL.format(**args),
    }


def first_whole_month(d: datetime.date) -> datetime.date:
    """The first month that begins on or after d."""
    if d.day == 1:
        return d
    return (d.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_parts(x: datetime.date, y: datetime.date) -> tuple[
        tuple[datetime.date, int] | None, tuple[datetime.date, datetime.date], tuple[datetime.date, int] | None]:
    """[x, y) (x < y) as (head, whole months [from, to), tail); head and tail are (month, days) or None."""
    whole_from, whole_to = first_whole_month(x), month_start(y)
    head = (month_start(x), (min(y, whole_from) - x).days) if x < whole_from else None
    tail = (whole_to, (y - max(x, whole_to)).days) if y > whole_to and whole_to >= whole_from else None
    return head, (whole_from, whole_to), tail


def care_period_sql(start: str, end: str) -> str:
    return CARE_PERIOD_SQL.format(start=start, end=end)


def care_length_sql(start: str, end: str) -> str:
    """SQL for the days of an ended placement (`end` not NULL), care_end(start, end) − start."""
    return CARE_LENGTH_SQL.format(start=start, end=end)


def care_bounds_sql(period: str, period_start: str, period_end: str) -> tuple[str, str]:
    """SQL for the first counted day and the day after the last of `period` within [period_start,
    period_end); their difference is care_days_sql when positive."""
    args = {"period": period, "period_start": period_start, "period_end": period_end}
    return CARE_LOWER_SQL.format(**args), CARE_UPPER_SQL.format(**args)


def care_days_sql(period: str, period_start: str, period_end: str) -> str:
    """SQL for the vårddygn of `period` (a daterange from care_period_sql or the stored
    Placement.period column) within [period_start, period_end). The monthly roll-up uses this."""
    return CARE_DAYS_SQL.format(period=period, period_start=period_start, period_end=period_end)


class _PlusOneDay(Func):
    template = "(%(expressions)s + 1)"


def care_period_expression(start: str = "start_on", end: str = "end_on") -> Func:
    """CARE_PERIOD_SQL as a Django expression, for the generated Placement.period column."""
    return Func(
        F(start),
        Case(When(**{end: F(start)}, then=_PlusOneDay(F(start))), default=F(end)),
        Value("[)"),
        function="daterange",
        output_field=DateRangeField(),
    )
