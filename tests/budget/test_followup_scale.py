"""The follow-up page's mean placement time counted and summed in SQL (issue 19 point 2): budget.report_data's
ended_placement_times equals its Python oracle ended_placement_days, count and days, on random placements and
periods, and the page shows the same figures."""

import datetime

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from budget.report_data import Period, ended_placement_days, ended_placement_times
from common import rounding
from tests.placements.factories import PlacementFactory, care_type

pytestmark = pytest.mark.django_db

CARE_TYPES = ("HVB_BOU", "FH_EGET")
_days = st.integers(min_value=0, max_value=3 * 366)
_placement = st.tuples(st.sampled_from(CARE_TYPES), _days, st.one_of(st.none(), st.integers(0, 400)),
                       st.booleans())


def _as_times(days: dict[int, list[int]]) -> dict[int, tuple[int, int]]:
    return {ct: (len(lengths), sum(lengths)) for ct, lengths in days.items()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_placement, max_size=6), st.sampled_from([2024, 2025]), st.one_of(st.none(), st.integers(1, 12)),
       _days)
@example([("HVB_BOU", 10, 0, False), ("HVB_BOU", 20, 1, False), ("FH_EGET", 400, 30, True)], 2024, None, 500)
def test_the_sums_in_sql_equal_the_lengths_counted_one_by_one(placements, year, month, today_offset):
    base = datetime.date(2023, 11, 1)
    today = base + datetime.timedelta(days=today_offset)
    with transaction.atomic():
        for code, start, length, voided in placements:
            start_on = base + datetime.timedelta(days=start)
            PlacementFactory(care_type=care_type(code), start_on=start_on,
                             end_on=None if length is None else start_on + datetime.timedelta(days=length),
                             voided_reason="felregistrerad" if voided else "")
        period = Period(year, month)
        assert ended_placement_times(period, today=today) == _as_times(ended_placement_days(period, today=today))
        transaction.set_rollback(True)


def test_a_same_day_placement_counts_one_day_and_a_planned_end_none():
    hvb = care_type("HVB_BOU")
    PlacementFactory(care_type=hvb, start_on=datetime.date(2024, 3, 5), end_on=datetime.date(2024, 3, 5))  # 1
    PlacementFactory(care_type=hvb, start_on=datetime.date(2024, 1, 1), end_on=datetime.date(2024, 3, 1))  # 60
    PlacementFactory(care_type=hvb, start_on=datetime.date(2024, 1, 1), end_on=datetime.date(2024, 12, 1))  # later
    times = ended_placement_times(Period(2024), today=datetime.date(2024, 6, 30))
    assert times == {hvb.pk: (2, 61)}
    assert rounding.mean_of_sum(*reversed(times[hvb.pk])) == rounding.mean([1, 60])


def test_the_covering_index_holds_every_column_the_statement_reads():
    """placement_ended_times (budget/0013): at national scale the statement is an index-only scan
    (the plan is in /work/notes/plans_d.md; an empty test table would not show it)."""
    with connection.cursor() as cur:
        cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'placement_ended_times'")
        (definition,) = cur.fetchone()
    assert "(end_on) INCLUDE (care_type_id, start_on)" in definition
    assert "WHERE ((voided_reason = ''::text) AND (end_on IS NOT NULL))" in definition
