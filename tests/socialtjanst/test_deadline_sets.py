"""The set-based deadline report (socialtjanst.followup.deadline_sets) counts exactly what the per-item Python
path of socialtjanst.followup.deadline_report counts, on random cases around month ends and leap days, for
whole years, cumulative months and a unit's scope; and its drill-down lists the same misses in the same order."""

import datetime
import random

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from socialtjanst import deadlines
from socialtjanst import deadlines_sql as dsql
from socialtjanst.followup import deadline_report as dr
from socialtjanst.followup import deadline_sets
from socialtjanst.models import Case
from tests.factories import CaseFactory, PersonFactory
from tests.socialtjanst.test_deadline_report import decision, extend, intake, investigation
from tests.socialtjanst.test_deadlines_sql import SETTINGS, _investigation, _valid_due_sql

D = datetime.date
TODAY = D(2025, 2, 10)
FIRST_DAY = D(2023, 8, 1)


def _day(rng, start=FIRST_DAY, span=640):
    # Month ends and leap days are drawn more often: they are where calendar-month rules go wrong.
    if rng.random() < 0.3:
        return rng.choice([D(2023, 10, 31), D(2023, 11, 30), D(2024, 1, 31), D(2024, 2, 29), D(2024, 8, 31),
                           D(2024, 10, 31), D(2024, 12, 31), D(2023, 12, 31)])
    return start + datetime.timedelta(days=rng.randrange(span))


def _maybe_after(rng, day, upto=200):
    return day + datetime.timedelta(days=rng.randrange(upto)) if rng.random() < 0.75 else None


@pytest.fixture
def random_cases(units):
    rng = random.Random(19)
    cases = []
    for n in range(12):
        unit = units["own"] if n % 2 else units["other"]
        birth = rng.choice([D(2004, 2, 29), D(2003, 6, 1), D(2012, 5, 1), D(1980, 1, 1), None])
        cases.append(CaseFactory(unit=unit, person=PersonFactory(birth_date=birth)))
    for _ in range(36):
        received = _day(rng)
        screened = _maybe_after(rng, received, 30)
        extended = received + datetime.timedelta(days=rng.randrange(10, 60)) if screened and rng.random() < 0.3 \
            else None
        ext_decided = min(received + datetime.timedelta(days=rng.randrange(0, 20)), screened) if extended else None
        intake(rng.choice(cases), received, screened_on=screened, extended_due_on=extended,
               extension_decided_on=ext_decided)
    for _ in range(30):
        started = _day(rng)
        inv = investigation(rng.choice(cases), started, _maybe_after(rng, started, 220))
        for _ in range(rng.choice([0, 0, 1, 2])):
            decided = started + datetime.timedelta(days=rng.randrange(60, 160))
            extend(inv, decided, decided + datetime.timedelta(days=rng.randrange(20, 90)))
    for _ in range(30):
        decided = _day(rng)
        obj = decision(rng.choice(cases), decided, started_on=_maybe_after(rng, decided, 150),
                       with_intervention=rng.random() < 0.8, kind=rng.choice(["bistand", "bistand", "avslag"]))
        if rng.random() < 0.2:
            decision_extra = obj.interventions.first()
            if decision_extra:  # a second insats of the same decision: one item each
                type(decision_extra).objects.create(decision=obj, kind="oppenvard", started_on=None)
    return units


def _python_figures(units, start, end, today):
    cases = Case.objects.all() if units is None else Case.objects.filter(unit_id__in=units)
    out: dict[int, dict] = {}
    for kind in dr.KINDS:
        for unit_id, counts in dr.count_by_unit(dr.items_for(kind, cases, start, end), today).items():
            out.setdefault(unit_id, {})[kind] = counts
    for unit_id, days in dr.investigation_days_by_unit(cases, start, end).items():
        out.setdefault(unit_id, {})[deadline_sets.DAYS] = (sum(days), len(days))
    return out


PERIODS = [(2024, None), (2024, 2), (2023, None), (2025, 3)]


@pytest.mark.django_db
def test_the_statement_counts_what_the_items_count(random_cases):
    # One data set for every case (building it is what costs): periods, scopes and two days to judge on.
    found = deadline_sets.figures(None, *dr.period_bounds(2024, None), TODAY)
    totals = {kind: sum(f.get(kind, (0, 0))[1] for f in found.values()) for kind in dr.KINDS}
    within = {kind: sum(f.get(kind, (0, 0))[0] for f in found.values()) for kind in dr.KINDS}
    assert all(totals[k] > 5 and 0 < within[k] < totals[k] for k in dr.KINDS), (within, totals)  # not trivial
    for year, month in PERIODS:
        start, end = dr.period_bounds(year, month)
        for units in (None, [random_cases["own"].pk], []):
            for today in (TODAY, D(2024, 6, 30)):
                assert deadline_sets.figures(units, start, end, today) == _python_figures(units, start, end, today), (
                    year, month, units, today)


@pytest.mark.django_db
def test_the_drill_down_lists_the_same_misses_in_the_same_order(random_cases):
    start, end = dr.period_bounds(2024, None)
    for kind in dr.KINDS:
        expected = [(i.case.pk, i.pk, i.start_on, i.due_on, i.done_on, i.days_late(TODAY))
                    for i in dr.misses(kind, Case.objects.all(), start, end, TODAY)]
        rows = deadline_sets.MissRows(kind, None, start, end, TODAY)
        got = [(r["case_id"], r["pk"], r["start_on"], r["due_on"], r["done_on"], r["days_late"]) for r in rows]
        assert got == expected and len(rows) == len(expected) > 2, kind
        page = deadline_sets.MissRows(kind, None, start, end, TODAY)[2:4]
        assert [(r["case_id"], r["pk"]) for r in page] == [e[:2] for e in expected[2:4]]


@pytest.mark.django_db
def test_both_years_in_one_statement_count_what_each_year_counts(random_cases):
    # The report reads a period and the same period last year in one pass (figures_for_periods): each item is
    # counted in the period its due date falls in, exactly as the per-item Python path counts each period alone.
    cases = Case.objects.all()
    start, end = dr.period_bounds(2024, None)
    # Not trivial: some items reach the period only through an extension (the prefilters' second halves).
    moved = [i for i in dr.items_for(dr.SCREENINGS, cases, start, end)
             if i.start_on < start - datetime.timedelta(days=14)]
    moved += [i for i in dr.items_for(dr.INVESTIGATIONS, cases, start, end)
              if i.due_on > deadlines.investigation_initial_due(i.start_on)]
    assert moved
    for year, month in [(2024, None), (2024, 2), (2025, 1), (2024, 11)]:
        periods = [dr.period_bounds(year, month), dr.period_bounds(year - 1, month)]
        for units in (None, [random_cases["own"].pk], [random_cases["own"].pk, random_cases["other"].pk], []):
            for today in (TODAY, D(2024, 6, 30)):
                expected = [_python_figures(units, *period, today) for period in periods]
                assert deadline_sets.figures_for_periods(units, periods, today) == expected, (year, month, units)
                # The order of the periods is the caller's, and one period alone is the same figure.
                assert deadline_sets.figures_for_periods(units, periods[::-1], today) == expected[::-1]
                assert deadline_sets.figures(units, *periods[0], today) == expected[0]


def test_overlapping_periods_are_refused():
    with pytest.raises(ValueError):
        deadline_sets.figures_for_periods(None, [(D(2024, 1, 1), D(2024, 6, 30)), (D(2024, 6, 30), D(2024, 12, 31))],
                                          TODAY)


@pytest.mark.django_db
@SETTINGS
@given(st.lists(_investigation(), min_size=1, max_size=5))
def test_the_grouped_twin_gives_each_investigation_its_valid_due(investigations):
    # deadlines_sql's grouped shape of investigation_valid_due (the figures read it before their statement) walks
    # many investigations' extensions at once, each as the Python rule and the correlated twin walk it alone.
    rows = [f"({n}, '{started.isoformat()}'::date, '{decided.isoformat()}'::date, '{new_due.isoformat()}'::date)"
            for n, (started, extensions) in enumerate(investigations) for decided, new_due in extensions]
    with_extensions = {n for n, (_started, extensions) in enumerate(investigations) if extensions}
    if not rows:
        return
    relation = (f"(SELECT * FROM (VALUES {', '.join(rows)})"
                " t(investigation_id, started_on, decided_on, new_due_on))")
    with connection.cursor() as cur:
        cur.execute(dsql.investigation_valid_dues_sql(relation))
        found = dict(cur.fetchall())
    assert set(found) == with_extensions
    for n in with_extensions:
        started, extensions = investigations[n]
        assert found[n] == deadlines.investigation_valid_due(started, extensions) == _valid_due_sql(started, extensions)
