"""'Avslutade placeringar' in the monthly facts: every ended placement counts once, in its end date's month.

The end date is the day the person left (shared/domain.md §5; its day is not a vårddygn), and the month it
falls in carries the ending (the migration budget/0003 marks that month for this reason). A placement that ends
on the 1st has no counted day in that month, and was once counted as ended in no month at all."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import rollup
from budget.models import MonthlyFact
from budget.reference import reference_facts
from placements.days import add_months
from placements.models import Placement
from tests.factories import PersonFactory, UnitFactory
from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type

D = datetime.date


def month_totals(month) -> dict:
    rows = MonthlyFact.objects.filter(origin_month=month)
    return {m: sum(getattr(r, m) for r in rows) for m in ("care_days", "persons", "started", "ended")}


def hvb(start, end, price="1000"):
    p = PlacementFactory(care_type=care_type("HVB_BOU"), start_on=start, end_on=end, end_reason="enligt_plan")
    PricePeriodFactory(placement=p, valid_from=start, valid_to=None, daily_price=Decimal(price))
    return p


@pytest.mark.django_db
def test_a_placement_ending_on_1_march_is_ended_once_in_march():
    """2024-01-15 .. 2024-03-01: days 15 Jan–29 Feb (17 + 29); the person left on 1 March, so March carries the
    ending, with no care day and no person placed."""
    hvb(D(2024, 1, 15), D(2024, 3, 1))
    rollup.rollup_months([D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1), D(2024, 4, 1)])

    assert month_totals(D(2024, 1, 1)) == {"care_days": 17, "persons": 1, "started": 1, "ended": 0}
    assert month_totals(D(2024, 2, 1)) == {"care_days": 29, "persons": 1, "started": 0, "ended": 0}
    assert month_totals(D(2024, 3, 1)) == {"care_days": 0, "persons": 0, "started": 0, "ended": 1}
    assert month_totals(D(2024, 4, 1)) == {"care_days": 0, "persons": 0, "started": 0, "ended": 0}
    march = MonthlyFact.objects.get(origin_month=D(2024, 3, 1))
    assert (march.cost, march.care_type.code, march.cost_centre.code) == (Decimal("0.00"), "HVB_BOU", "5731")


@pytest.mark.django_db
def test_a_placement_ending_on_1_february_is_ended_once_in_february_also_when_february_is_computed_alone():
    """2023-12-10 .. 2024-02-01: 22 days in December, the whole of January (31), ended in February."""
    hvb(D(2023, 12, 10), D(2024, 2, 1))
    rollup.rollup_months([D(2024, 2, 1)])  # a run that starts on the end date: the placement has no day in it
    assert month_totals(D(2024, 2, 1)) == {"care_days": 0, "persons": 0, "started": 0, "ended": 1}

    rollup.rollup_months([D(2023, 12, 1), D(2024, 1, 1), D(2024, 2, 1)])
    assert month_totals(D(2023, 12, 1)) == {"care_days": 22, "persons": 1, "started": 1, "ended": 0}
    assert month_totals(D(2024, 1, 1)) == {"care_days": 31, "persons": 1, "started": 0, "ended": 0}
    assert month_totals(D(2024, 2, 1)) == {"care_days": 0, "persons": 0, "started": 0, "ended": 1}


@pytest.mark.django_db
def test_a_placement_ending_on_the_last_day_of_a_month_is_ended_in_that_month():
    """2024-04-02 .. 2024-04-30: days 2–29 April (28; the 30th is the day the person left), ended in April."""
    hvb(D(2024, 4, 2), D(2024, 4, 30))
    rollup.rollup_months([D(2024, 4, 1), D(2024, 5, 1)])
    assert month_totals(D(2024, 4, 1)) == {"care_days": 28, "persons": 1, "started": 1, "ended": 1}
    assert month_totals(D(2024, 5, 1)) == {"care_days": 0, "persons": 0, "started": 0, "ended": 0}


# --- every ended placement is counted ended exactly once, by the statement and by the reference ----------

WINDOW = [add_months(D(2023, 1, 1), i) for i in range(24)]  # January 2023 .. December 2024
LO, HI = WINDOW[0], add_months(WINDOW[-1], 1)
firsts = st.builds(D, st.integers(2022, 2025), st.integers(1, 12), st.just(1))
any_day = st.dates(min_value=D(2022, 6, 1), max_value=D(2025, 6, 30))


@st.composite
def spans(draw):
    start = draw(any_day)
    end = draw(st.one_of(st.none(), firsts.filter(lambda d: d >= start),
                         st.dates(min_value=start, max_value=D(2025, 6, 30))))
    return start, end


def ended_by_month(facts: dict) -> Counter:
    out: Counter = Counter()
    for key, row in facts.items():
        out[key[0]] += row["ended"]
    return +out


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(specs=st.lists(st.tuples(spans(), st.sampled_from(["HVB_BOU", "FH_EGET", "KONTAKTFAMILJ"])),
                      min_size=1, max_size=8))
def test_every_placement_ending_inside_the_computed_months_is_counted_ended_once_in_its_end_month(specs):
    MonthlyFact.objects.all().delete()
    Placement.objects.all().delete()
    unit = UnitFactory()
    for (start, end), code in specs:
        Placement.objects.create(person=PersonFactory(), care_type=care_type(code), unit=unit, legal_basis="SoL",
                                 start_on=start, end_on=end, end_reason="enligt_plan" if end else "")
    # Independent of both implementations: the end date's month, for each end date inside the window.
    expected = Counter(D(end.year, end.month, 1) for (_, end), _ in specs if end is not None and LO <= end < HI)

    rollup.rollup_months(WINDOW)
    stored: Counter = Counter()
    for f in MonthlyFact.objects.filter(origin_month__in=WINDOW):
        stored[f.origin_month] += f.ended
    assert +stored == expected
    assert sum(stored.values()) == sum(1 for (_, end), _ in specs if end is not None and LO <= end < HI)
    assert ended_by_month(reference_facts(WINDOW)) == expected


@pytest.mark.django_db
def test_registering_or_voiding_a_placement_that_ends_on_the_1st_marks_the_month_of_its_ending():
    from budget.models import DirtyMonth

    def marked():
        months = sorted(DirtyMonth.objects.values_list("month", flat=True))
        DirtyMonth.objects.all().delete()
        return months

    DirtyMonth.objects.all().delete()
    placement = hvb(D(2024, 1, 15), D(2024, 3, 1))
    assert D(2024, 3, 1) in marked()  # January and February by the counted days, March by the ending
    Placement.objects.filter(pk=placement.pk).update(voided_reason="Felregistrerad")
    assert marked() == [D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)]
