import datetime

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placements.days import (
    care_days,
    care_days_in_month,
    care_days_sql,
    care_end,
    care_length_sql,
    care_period_sql,
    first_whole_month_sql,
    intersect,
    month_bounds,
    month_of_sql,
    month_parts,
    month_parts_sql,
)
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
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_dates, st.integers(0, 800))
def test_an_ended_placements_length_is_its_counted_ranges(start, length):
    """care_length_sql (the follow-up's mean time in care) is upper − lower of care_period_sql and care_end − start,
    a same-day placement one day."""
    end = start + datetime.timedelta(days=length)
    sql = (f"SELECT {care_length_sql('%(s)s::date', '%(e)s::date')},"
           f" upper({care_period_sql('%(s)s::date', '%(e)s::date')}) - %(s)s::date")
    with connection.cursor() as cur:
        cur.execute(sql, {"s": start, "e": end})
        assert cur.fetchone() == ((care_end(start, end) - start).days,) * 2 == (max(length, 1),) * 2


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


# --- a range split by month: the monthly roll-up's whole months and partial months ----------------------------

@st.composite
def _ranges(draw):
    x = draw(_dates)
    y = draw(st.one_of(_dates, st.sampled_from([1, 2, 27, 28, 29, 30, 31, 32]).map(lambda n: x + datetime.timedelta(n)))
             .filter(lambda d: d > x))
    return x, y


def _months_between(x, y):
    month = x.replace(day=1)
    while month < y:
        yield month
        month = month_bounds(month.year, month.month)[1]


@settings(max_examples=2000, deadline=None)
@given(_ranges())
def test_head_whole_months_and_tail_count_every_day_of_the_range_once(case):
    x, y = case
    head, (whole_from, whole_to), tail = month_parts(x, y)
    by_month = {m: 0 for m in _months_between(x, y)}
    for part in (head, tail):
        if part:
            assert 0 < part[1] < (month_bounds(part[0].year, part[0].month)[1] - part[0]).days  # never whole
            by_month[part[0]] += part[1]
    for m in _months_between(whole_from, whole_to):
        by_month[m] += (month_bounds(m.year, m.month)[1] - m).days
    assert by_month == {m: care_days(x, y, *month_bounds(m.year, m.month)) for m in by_month}
    assert head is None or tail is None or head[0] < tail[0]


@pytest.mark.django_db
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_ranges())
def test_python_and_sql_split_a_range_by_month_alike(case):
    x, y = case
    parts = month_parts_sql("x", "y", "whole_from", "whole_to")
    sql = (
        f"SELECT whole_from, whole_to, CASE WHEN {parts['head_where']} THEN {parts['head_month']} END,"
        f" CASE WHEN {parts['head_where']} THEN {parts['head_days']} END,"
        f" CASE WHEN {parts['tail_where']} THEN {parts['tail_month']} END,"
        f" CASE WHEN {parts['tail_where']} THEN {parts['tail_days']} END"
        f" FROM (SELECT x, y, {first_whole_month_sql('x')} AS whole_from, {month_of_sql('y')} AS whole_to"
        " FROM (SELECT %(x)s::date AS x, %(y)s::date AS y) r) s"
    )
    with connection.cursor() as cur:
        cur.execute(sql, {"x": x, "y": y})
        whole_from, whole_to, head_month, head_days, tail_month, tail_days = cur.fetchone()
    head, whole, tail = month_parts(x, y)
    assert (whole_from, whole_to) == whole
    assert ((head_month, head_days) if head_month else None) == head
    assert ((tail_month, tail_days) if tail_month else None) == tail


@pytest.mark.parametrize("a, b, expected", [
    ((D(2024, 1, 1), D(2024, 3, 1)), (D(2024, 2, 1), None), (D(2024, 2, 1), D(2024, 3, 1))),
    ((D(2024, 1, 1), None), (D(2024, 2, 10), None), (D(2024, 2, 10), None)),
    ((D(2024, 1, 1), D(2024, 2, 1)), (D(2024, 2, 1), D(2024, 3, 1)), None),  # half-open: touching is apart
    ((D(2024, 5, 1), D(2024, 6, 1)), (D(2024, 1, 1), D(2024, 2, 1)), None),
])
def test_the_one_range_intersection_of_prices_and_placements(a, b, expected):
    assert intersect(*a, *b) == expected
    assert intersect(*b, *a) == expected
