"""socialtjanst/deadlines_sql.py against socialtjanst/deadlines.py: every SQL twin gives the Python rule's date on
the deadline vectors (month ends, leap days, extensions and synnerliga skäl) and on random dates."""

import datetime

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialtjanst import deadlines
from socialtjanst import deadlines_sql as dsql
from socialtjanst.identity import age_on, age_on_sql
from socialtjanst.models import Investigation, InvestigationExtension
from tests.factories import CaseFactory, UserFactory

D = datetime.date
DATES = st.dates(D(1990, 1, 1), D(2060, 12, 31))
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _one(sql: str, params: dict | None = None):
    with connection.cursor() as cur:
        cur.execute("SELECT " + sql, params or {})
        return cur.fetchone()[0]


def _extensions_sql(extensions) -> str:
    """A relation with the extension table's three columns, for investigation 1."""
    if not extensions:
        return "(SELECT 1 AS investigation_id, NULL::date AS decided_on, NULL::date AS new_due_on WHERE false)"
    values = ", ".join(f"(1, '{d.isoformat()}'::date, '{n.isoformat()}'::date)" for d, n in extensions)
    return f"(SELECT * FROM (VALUES {values}) t(investigation_id, decided_on, new_due_on))"


def _valid_due_sql(started_on, extensions):
    return _one(dsql.investigation_valid_due_sql("%(s)s::date", "1", _extensions_sql(extensions)), {"s": started_on})


# --- the vectors ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2024, 10, 31), 4, D(2025, 2, 28)),   # the domain's example
    (D(2023, 10, 31), 4, D(2024, 2, 29)),   # into a leap February
    (D(2024, 1, 31), 4, D(2024, 5, 31)),
    (D(2024, 2, 29), 4, D(2024, 6, 29)),
    (D(2024, 11, 30), 3, D(2025, 2, 28)),
    (D(2023, 11, 30), 3, D(2024, 2, 29)),
    (D(2024, 12, 31), 3, D(2025, 3, 31)),
    (D(2024, 8, 31), 6, D(2025, 2, 28)),
    (D(2024, 6, 30), -4, D(2024, 2, 29)),   # the report's look-back
    (D(2025, 1, 1), -3, D(2024, 10, 1)),
])
def test_calendar_months_clamp_to_the_month_end_as_relativedelta(day, months, expected):
    assert deadlines.add_calendar_months(day, months) == expected
    assert _one(dsql.add_calendar_months_sql("%(d)s::date", months), {"d": day}) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("received", "extended", "decided", "expected"), [
    (D(2024, 3, 1), None, None, D(2024, 3, 15)),
    (D(2024, 12, 25), None, None, D(2025, 1, 8)),                 # over the new year
    (D(2024, 2, 20), None, None, D(2024, 3, 5)),                  # over a leap day
    (D(2024, 3, 1), D(2024, 3, 29), D(2024, 3, 10), D(2024, 3, 29)),  # synnerliga skäl within the 14 days
    (D(2024, 3, 1), D(2024, 3, 29), D(2024, 3, 15), D(2024, 3, 29)),  # decided on the due day: in time
    (D(2024, 3, 1), D(2024, 3, 29), D(2024, 3, 16), D(2024, 3, 15)),  # decided a day late: does not move it
    (D(2024, 3, 1), D(2024, 3, 29), None, D(2024, 3, 15)),            # no decision date: does not move it
])
def test_screening_due_with_and_without_synnerliga_skal(received, extended, decided, expected):
    assert deadlines.screening_due(received, extended, decided) == expected
    sql = dsql.screening_due_sql("%(r)s::date", "%(x)s::date", "%(d)s::date")
    assert _one(sql, {"r": received, "x": extended, "d": decided}) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("started", "extensions", "expected"), [
    (D(2024, 1, 31), [], D(2024, 5, 31)),
    (D(2024, 10, 31), [], D(2025, 2, 28)),
    (D(2024, 1, 31), [(D(2024, 5, 31), D(2024, 7, 31))], D(2024, 7, 31)),        # decided on the due day
    (D(2024, 1, 31), [(D(2024, 6, 1), D(2024, 7, 31))], D(2024, 5, 31)),         # a day late: no effect
    (D(2024, 1, 31), [(D(2024, 5, 1), D(2024, 7, 31)), (D(2024, 7, 30), D(2024, 9, 30))], D(2024, 9, 30)),
    (D(2024, 1, 31), [(D(2024, 5, 1), D(2024, 7, 31)), (D(2024, 8, 1), D(2024, 9, 30))], D(2024, 7, 31)),
    # a late one breaks the chain: a later, "timely" one does not count either
    (D(2024, 1, 31), [(D(2024, 6, 1), D(2024, 9, 30)), (D(2024, 9, 1), D(2024, 10, 31))], D(2024, 5, 31)),
    # two on the same day: walked in (decided, new due) order
    (D(2024, 1, 31), [(D(2024, 5, 1), D(2024, 8, 31)), (D(2024, 5, 1), D(2024, 6, 30))], D(2024, 8, 31)),
    # an extension to an earlier date still replaces the due date (the rule takes the new date as decided)
    (D(2024, 1, 31), [(D(2024, 5, 1), D(2024, 5, 20))], D(2024, 5, 20)),
])
def test_investigation_valid_due_with_extensions(started, extensions, expected):
    assert deadlines.investigation_valid_due(started, extensions) == expected
    assert _valid_due_sql(started, extensions) == expected


# --- random dates --------------------------------------------------------------------------------------


@pytest.mark.django_db
@SETTINGS
@given(DATES, st.integers(-12, 12))
def test_calendar_months_agree_on_random_dates(day, months):
    assert _one(dsql.add_calendar_months_sql("%(d)s::date", months), {"d": day}) == deadlines.add_calendar_months(
        day, months)


@pytest.mark.django_db
@SETTINGS
@given(DATES, st.none() | st.integers(0, 120), st.none() | st.integers(-5, 40))
def test_screening_due_agrees_on_random_dates(received, extended_days, decided_days):
    extended = received + datetime.timedelta(days=extended_days) if extended_days is not None else None
    decided = received + datetime.timedelta(days=decided_days) if decided_days is not None else None
    sql = dsql.screening_due_sql("%(r)s::date", "%(x)s::date", "%(d)s::date")
    assert _one(sql, {"r": received, "x": extended, "d": decided}) == deadlines.screening_due(
        received, extended, decided)
    assert _one(dsql.screening_initial_due_sql("%(r)s::date"), {"r": received}) == deadlines.screening_initial_due(
        received)


@st.composite
def _investigation(draw):
    started = draw(DATES)
    extensions = [
        (started + datetime.timedelta(days=draw(st.integers(0, 240))),
         started + datetime.timedelta(days=draw(st.integers(60, 400))))
        for _ in range(draw(st.integers(0, 4)))
    ]
    return started, extensions


@pytest.mark.django_db
@SETTINGS
@given(_investigation())
def test_investigation_valid_due_agrees_on_random_extensions(case):
    started, extensions = case
    assert _valid_due_sql(started, extensions) == deadlines.investigation_valid_due(started, extensions)


@pytest.mark.django_db
@SETTINGS
@given(DATES)
def test_enforcement_and_initial_investigation_due_agree(day):
    assert _one(dsql.enforcement_due_sql("%(d)s::date"), {"d": day}) == deadlines.enforcement_due(day)
    assert _one(dsql.investigation_initial_due_sql("%(d)s::date"), {"d": day}) == deadlines.investigation_initial_due(
        day)
    assert _one(dsql.safety_assessment_due_sql("%(d)s::date"), {"d": day}) == deadlines.safety_assessment_due(day)


@pytest.mark.django_db
@SETTINGS
@given(st.none() | DATES, DATES, DATES)
def test_met_missed_and_days_late_agree(done, due, today):
    params = {"done": done, "due": due, "today": today}
    args = ("%(done)s::date", "%(due)s::date", "%(today)s::date")
    met = deadlines.is_met(done, due, today)
    assert _one(dsql.judged_sql(*args), params) is (met is not None)
    assert bool(_one(dsql.met_sql(*args[:2]), params)) is (met is True)
    assert _one(dsql.missed_sql(*args), params) is (met is False)
    assert _one(dsql.days_late_sql(*args), params) == deadlines.days_late(done, due, today)


@pytest.mark.django_db
@pytest.mark.parametrize(("birth", "day", "expected"), [
    (D(2004, 2, 29), D(2025, 2, 28), 20),   # born on a leap day: older on 1 March
    (D(2004, 2, 29), D(2025, 3, 1), 21),
    (D(2004, 2, 29), D(2024, 2, 29), 20),
    (D(2003, 5, 1), D(2024, 4, 30), 20),
    (D(2003, 5, 1), D(2024, 5, 1), 21),
])
def test_age_on_vectors(birth, day, expected):
    assert age_on(birth, day) == expected
    assert _one(age_on_sql("%(b)s::date", "%(d)s::date"), {"b": birth, "d": day}) == expected


@pytest.mark.django_db
@SETTINGS
@given(st.dates(D(1950, 1, 1), D(2030, 12, 31)), DATES)
def test_age_on_agrees_on_random_dates(birth, day):
    assert _one(age_on_sql("%(b)s::date", "%(d)s::date"), {"b": birth, "d": day}) == age_on(birth, day)


# --- the Django expressions Att göra sorts by, on stored rows ---------------------------------------------


@pytest.mark.django_db
def test_the_stored_investigation_due_expressions_follow_the_rules():
    by = UserFactory(username="twin")
    cases = [
        (D(2024, 10, 31), []),
        (D(2024, 1, 31), [(D(2024, 5, 31), D(2024, 7, 31))]),
        (D(2024, 1, 31), [(D(2024, 6, 1), D(2024, 9, 30)), (D(2024, 9, 1), D(2024, 10, 31))]),
    ]
    for started, extensions in cases:
        inv = Investigation.objects.create(case=CaseFactory(), started_on=started, responsible=by)
        for decided_on, new_due_on in extensions:
            InvestigationExtension.objects.create(investigation=inv, decided_on=decided_on, new_due_on=new_due_on,
                                                  reason="Särskilda skäl", decided_by=by)
        row = Investigation.objects.filter(pk=inv.pk).annotate(due=dsql.investigation_due_expr()).get()
        assert row.due == deadlines.investigation_due(started, extensions)
        with connection.cursor() as cur:
            cur.execute("SELECT " + dsql.investigation_valid_due_sql("i.started_on", "i.id")
                        + " FROM socialtjanst_investigation i WHERE i.id = %s", [inv.pk])
            assert cur.fetchone()[0] == deadlines.investigation_valid_due(started, extensions)
