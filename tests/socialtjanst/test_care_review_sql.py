"""The SQL twin of deadlines.care_review_due (issue 16 point 1) against the Python rule: the issue's vectors, month
ends and leap days, and random dates, as tests/socialtjanst/test_deadlines_sql.py checks the other twins."""

import datetime

import pytest
from django.db import connection
from django.db.models import DateField, Value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialtjanst import deadlines
from socialtjanst import deadlines_sql as dsql
from socialtjanst.models import Unit

D = datetime.date
DATES = st.dates(D(1990, 1, 1), D(2060, 12, 31))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
pytestmark = pytest.mark.django_db


def _sql(start, last):
    with connection.cursor() as cur:
        cur.execute("SELECT " + dsql.care_review_due_sql("%(s)s::date", "%(l)s::date"), {"s": start, "l": last})
        return cur.fetchone()[0]


def _expr(start, last):
    """The expression Att göra uses, evaluated by the ORM over any one row."""
    last_value = Value(last, output_field=DateField())
    return (Unit.objects.annotate(due=dsql.SqlTemplate(dsql.CARE_REVIEW_DUE_SQL, start_on=Value(start),
                                                       last_review_on=last_value))
            .values_list("due", flat=True).first())


@pytest.mark.parametrize(("start", "last", "expected"), [
    (D(2024, 8, 31), None, D(2025, 2, 28)),  # the issue: LVU 3 § verkställd at a month end
    (D(2024, 1, 31), None, D(2024, 7, 31)),  # the issue: SoL started on the 31st
    (D(2023, 8, 31), None, D(2024, 2, 29)),  # into a leap February
    (D(2024, 2, 29), None, D(2024, 8, 29)),
    (D(2024, 1, 31), D(2024, 7, 15), D(2025, 1, 15)),  # a recorded review restarts the clock
    (D(2024, 1, 31), D(2024, 8, 31), D(2025, 2, 28)),
    (D(2024, 6, 1), D(2024, 6, 1), D(2024, 12, 1)),  # reviewed on the start day
])
def test_the_twin_gives_the_rules_date_on_the_vectors(start, last, expected):
    assert deadlines.care_review_due(start, last) == expected
    assert _sql(start, last) == expected


@SETTINGS
@given(start=DATES, last=st.one_of(st.none(), DATES))
def test_the_twin_agrees_with_the_rule_on_random_dates(start, last):
    assert _sql(start, last) == deadlines.care_review_due(start, last)


def test_the_orm_template_fills_each_input_with_its_own_sql(units):
    assert _expr(D(2024, 8, 31), None) == D(2025, 2, 28)
    assert _expr(D(2024, 1, 31), D(2024, 7, 15)) == D(2025, 1, 15)
