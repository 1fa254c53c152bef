import datetime

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placements.days import care_days, care_days_in_month, care_days_sql, care_period_sql, month_bounds
from placements.models import Placement
from tests.placements.factories import PlacementFactory

D = datetime.date


@pytest.mark.parametrize(
    ("start", "end", "year", "month", "expected"),
    [
        (D(2024, 1, 1), D(2024, 1, 31), 2024, 1, 30),
        (D(2024, 3, 15), D(2024, 3, 15), 2024, 3, 1),
        (D(2024, 2, 1), None, 2024, 2, 29),
        (D(2023, 12, 20), D(2024, 1, 10), 2023, 12, 12),
        (D(2023, 12, 20), D(2024, 1, 10), 2024, 1, 9),
        (D(2024, 3, 31), D(2024, 3, 31), 2024, 4, 0),
        (D(2024, 1, 31), D(2024, 2, 1), 2024, 2, 0),
    ],
)
def test_the_rules_of_domain_section_5(start, end, year, month, expected):
    assert care_days_in_month(start, end, year, month) == expected


def test_months_add_up_to_the_year():
    start, end = D(2023, 11, 5), D(2025, 2, 3)
    by_month = sum(care_days_in_month(start, end, 2024, m) for m in range(1, 13))
    assert by_month == care_days(start, end, D(2024, 1, 1), D(2025, 1, 1)) == 366


# Dates clustered around the hard spots: month ends, leap day, year end.
_interesting = st.sampled_from([
    D(2023, 12, 31), D(2024, 1, 1), D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1), D(2024, 12, 31),
    D(2025, 1, 1), D(2025, 2, 28), D(2025, 3, 1), D(2024, 4, 30),
])
_dates = st.one_of(_interesting, st.dates(min_value=D(2022, 1, 1), max_value=D(2026, 12, 31)))


@st.composite
def _placement_and_period(draw):
    start = draw(_dates)
    end = draw(st.one_of(st.none(), st.just(start), _dates.filter(lambda d: d >= start)))
    if draw(st.booleans()):
        year = draw(st.integers(2022, 2026))
        month = draw(st.integers(1, 12))
        period_start, period_end = month_bounds(year, month)
    else:
        period_start = draw(_dates)
        period_end = draw(_dates.filter(lambda d: d >= period_start))
    return start, end, period_start, period_end


@pytest.mark.django_db
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_placement_and_period())
def test_python_and_sql_agree(case):
    start, end, period_start, period_end = case
    sql = "SELECT " + care_days_sql(care_period_sql("%(s)s::date", "%(e)s::date"), "%(ps)s::date", "%(pe)s::date")
    with connection.cursor() as cur:
        cur.execute(sql, {"s": start, "e": end, "ps": period_start, "pe": period_end})
        (sql_days,) = cur.fetchone()
    assert sql_days == care_days(start, end, period_start, period_end)


@pytest.mark.django_db
def test_the_stored_period_column_is_the_same_rule():
    cases = [(D(2024, 3, 15), D(2024, 3, 15)), (D(2024, 2, 1), None), (D(2023, 12, 20), D(2024, 1, 10))]
    for start, end in cases:
        PlacementFactory(start_on=start, end_on=end)
    sql = (
        "SELECT start_on, end_on, " + care_days_sql("period", "%(ps)s::date", "%(pe)s::date")
        + f" FROM {Placement._meta.db_table}"
    )
    for year, month in [(2023, 12), (2024, 1), (2024, 2), (2024, 3)]:
        ps, pe = month_bounds(year, month)
        with connection.cursor() as cur:
            cur.execute(sql, {"ps": ps, "pe": pe})
            for start, end, days in cur.fetchall():
                assert days == care_days(start, end, ps, pe)
