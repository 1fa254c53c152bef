import calendar
import datetime

from hypothesis import given
from hypothesis import strategies as st

from socialtjanst import deadlines

D = datetime.date


def test_screening_due_fourteen_days_after_the_report():
    assert deadlines.screening_due(D(2024, 3, 1)) == D(2024, 3, 15)


def test_synnerliga_skal_decided_within_the_14_days_move_the_screening_due_date():
    assert deadlines.screening_due(D(2024, 3, 1), D(2024, 3, 29), extension_decided_on=D(2024, 3, 10)) == D(2024, 3, 29)


def test_safety_assessment_is_due_the_same_day():
    assert deadlines.safety_assessment_due(D(2024, 3, 1)) == D(2024, 3, 1)


def test_investigation_four_calendar_months_clamped_to_month_end():
    assert deadlines.investigation_due(D(2024, 10, 31)) == D(2025, 2, 28)
    assert deadlines.investigation_due(D(2024, 1, 31)) == D(2024, 5, 31)
    assert deadlines.investigation_due(D(2023, 10, 31)) == D(2024, 2, 29)


def test_enforcement_due_three_calendar_months_after_the_decision():
    assert deadlines.enforcement_due(D(2024, 11, 30)) == D(2025, 2, 28)


def test_investigation_started_jan_31_completed_may_31_is_in_time_june_1_is_late():
    due = deadlines.investigation_due(D(2024, 1, 31))
    today = D(2024, 12, 1)
    assert deadlines.is_met(D(2024, 5, 31), due, today) is True
    assert deadlines.is_met(D(2024, 6, 1), due, today) is False
    assert deadlines.days_late(D(2024, 6, 1), due, today) == 1


def test_an_extension_decided_in_time_covers_the_late_completion():
    extensions = [(D(2024, 5, 31), D(2024, 7, 31))]
    assert deadlines.investigation_valid_due(D(2024, 1, 31), extensions) == D(2024, 7, 31)
    assert deadlines.is_met(D(2024, 6, 1), deadlines.investigation_valid_due(D(2024, 1, 31), extensions),
                            D(2024, 12, 1)) is True


def test_an_extension_decided_after_the_due_date_it_extends_is_flagged_late():
    statuses = deadlines.extension_statuses(D(2024, 1, 31), [(D(2024, 6, 3), D(2024, 8, 31))])
    assert [(s.extends_due_on, s.late) for s in statuses] == [(D(2024, 5, 31), True)]
    # ...and does not rescue the investigation
    assert deadlines.investigation_valid_due(D(2024, 1, 31), [(D(2024, 6, 3), D(2024, 8, 31))]) == D(2024, 5, 31)


def test_a_second_extension_is_measured_against_the_first_extensions_due_date():
    statuses = deadlines.extension_statuses(
        D(2024, 1, 10), [(D(2024, 5, 1), D(2024, 6, 30)), (D(2024, 6, 30), D(2024, 8, 31))]
    )
    assert [(s.extends_due_on, s.late) for s in statuses] == [(D(2024, 5, 10), False), (D(2024, 6, 30), False)]


def test_open_item_is_undecided_until_the_due_date_passes():
    assert deadlines.is_met(None, D(2024, 5, 31), D(2024, 5, 31)) is None
    assert deadlines.is_met(None, D(2024, 5, 31), D(2024, 6, 1)) is False


dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31))


@given(dates, st.integers(min_value=1, max_value=24))
def test_calendar_months_land_on_the_same_day_or_the_month_end(start, months):
    due = deadlines.add_calendar_months(start, months)
    total = start.year * 12 + start.month - 1 + months
    assert (due.year, due.month) == (total // 12, total % 12 + 1)
    last_day = calendar.monthrange(due.year, due.month)[1]
    assert due.day == min(start.day, last_day)


@given(dates)
def test_investigation_due_is_never_more_than_four_months_and_never_earlier_than_120_days(start):
    due = deadlines.investigation_due(start)
    assert 119 <= (due - start).days <= 123
    # a start on a month end in a leap year's February lands on the 29th four months before
    if start.month == 10 and start.day == 31 and calendar.isleap(start.year + 1):
        assert due == D(start.year + 1, 2, 29)


def test_a_child_born_on_29_february_is_still_a_child_on_28_february_of_the_year_it_turns_18():
    # identity.age_on: a person born 29 February turns a year older on 1 March.
    assert deadlines.care_review_applies("SoL", datetime.date(2008, 2, 29), datetime.date(2026, 2, 28))
    assert not deadlines.care_review_applies("SoL", datetime.date(2008, 2, 29), datetime.date(2026, 3, 1))
