"""The monthly roll-up against the day-walking reference, with exact figures and idempotency."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import rollup
from budget.models import CostCentre, CostCentreMapping, DirtyMonth, MonthClosing, MonthlyFact
from budget.reference import reference_facts
from placements.models import FosterCarePayment, Placement, PricePeriod
from tests.factories import PersonFactory, UnitFactory
from tests.placements.factories import PlacementFactory, PricePeriodFactory, ProviderFactory, care_type

D = datetime.date
MEASURES = rollup.MEASURES
WINDOW = [D(2023, 11, 1), D(2023, 12, 1), D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1), D(2024, 4, 1)]


def facts_by_origin(months=WINDOW) -> dict[tuple, dict]:
    """Sum of every booking of each (origin month, key): what a fresh computation must equal."""
    out: dict[tuple, dict] = {}
    for f in MonthlyFact.objects.filter(origin_month__in=months):
        key = (f.origin_month, f.cost_centre_id, f.care_type_id, f.provider_id, f.legal_basis)
        row = out.setdefault(key, dict.fromkeys(MEASURES, 0))
        for m in MEASURES:
            row[m] += getattr(f, m)
    return {k: v for k, v in out.items() if any(v.values())}


def reference_in(months) -> dict[tuple, dict]:
    rows = {k: {m: v[m] for m in MEASURES} for k, v in reference_facts(months).items()}
    return {k: v for k, v in rows.items() if any(v.values())}  # e.g. a 0 kr payment in a month without days


def month_row(month, care_code):
    ct = care_type(care_code)
    rows = MonthlyFact.objects.filter(booking_month=month, origin_month=month, care_type=ct)
    return {
        "care_days": sum(r.care_days for r in rows), "cost": sum((r.cost for r in rows), Decimal(0)),
        "persons": sum(r.persons for r in rows), "unpriced_days": sum(r.unpriced_days for r in rows),
    }


@pytest.mark.django_db
def test_the_issue_day_examples_through_the_roll_up():
    jan = PlacementFactory(care_type=care_type("HVB_BOU"), start_on=D(2024, 1, 1), end_on=D(2024, 1, 31))
    PricePeriodFactory(placement=jan, daily_price=Decimal("5000"))
    over_new_year = PlacementFactory(care_type=care_type("SIS_LVU"), start_on=D(2023, 12, 20), end_on=D(2024, 1, 10))
    PricePeriodFactory(placement=over_new_year, daily_price=Decimal("4000"))
    rollup.rollup_months([D(2023, 12, 1), D(2024, 1, 1), D(2024, 2, 1)])

    assert month_row(D(2024, 1, 1), "HVB_BOU")["care_days"] == 30
    assert month_row(D(2023, 12, 1), "SIS_LVU") == {"care_days": 12, "cost": Decimal("48000.00"), "persons": 1,
                                                    "unpriced_days": 0}
    assert month_row(D(2024, 1, 1), "SIS_LVU")["care_days"] == 9


@pytest.mark.django_db
def test_an_own_familjehem_part_month_costs_its_share_of_the_monthly_amount():
    placement = PlacementFactory(care_type=care_type("FH_EGET"), start_on=D(2024, 2, 10))
    PricePeriodFactory(placement=placement, monthly_amount=Decimal("30000"))
    FosterCarePayment.objects.create(placement=placement, month=D(2024, 3, 1), kind="avdrag_barnbidrag",
                                     amount=Decimal("1250"))
    rollup.rollup_months([D(2024, 2, 1), D(2024, 3, 1)])

    feb = month_row(D(2024, 2, 1), "FH_EGET")
    assert feb["care_days"] == 20
    assert feb["cost"] == (Decimal(30000) * 20 / 29).quantize(Decimal("0.01")) == Decimal("20689.66")
    assert month_row(D(2024, 3, 1), "FH_EGET")["cost"] == Decimal("28750.00")


@pytest.mark.django_db
def test_days_without_a_price_are_reported_not_costed_at_zero():
    placement = PlacementFactory(care_type=care_type("HVB_BOU"), start_on=D(2024, 4, 1), end_on=D(2024, 5, 1))
    PricePeriodFactory(placement=placement, valid_from=D(2024, 4, 11), daily_price=Decimal("5100"))
    rollup.rollup_months([D(2024, 4, 1)])

    april = month_row(D(2024, 4, 1), "HVB_BOU")
    assert (april["care_days"], april["unpriced_days"], april["cost"]) == (30, 10, Decimal("102000.00"))


@pytest.mark.django_db
def test_running_the_roll_up_twice_changes_nothing():
    for start in (D(2024, 1, 5), D(2024, 2, 17)):
        p = PlacementFactory(start_on=start, person=PersonFactory())
        PricePeriodFactory(placement=p, daily_price=Decimal("4875.50"))
    first = rollup.rollup_months(WINDOW)
    before = list(MonthlyFact.objects.order_by("pk").values())
    second = rollup.rollup_months(WINDOW)

    assert first.inserted > 0
    assert (second.inserted, second.updated, second.deleted) == (0, 0, 0)
    assert list(MonthlyFact.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_a_change_marks_its_months_dirty_in_the_same_transaction_and_only_those():
    p = PlacementFactory(start_on=D(2024, 1, 5), end_on=D(2024, 3, 1))
    rollup.rollup_dirty(limit=1000)
    assert not DirtyMonth.objects.exists()

    Placement.objects.filter(pk=p.pk).update(end_on=D(2024, 2, 10))  # a bulk update: no signal, the trigger sees it
    # Only the end moved: February (between the ends) and March (the old end date), not January.
    assert set(DirtyMonth.objects.values_list("month", flat=True)) == {D(2024, 2, 1), D(2024, 3, 1)}
    rollup.rollup_dirty()
    assert month_row(D(2024, 2, 1), "HVB_BOU")["care_days"] == 9
    assert not DirtyMonth.objects.exists()


@pytest.mark.django_db
def test_a_closed_months_facts_cannot_be_changed_in_the_database(controller):
    p = PlacementFactory(start_on=D(2024, 1, 1))
    PricePeriodFactory(placement=p, daily_price=Decimal("1000"))
    rollup.rollup_months([D(2024, 1, 1)])
    MonthClosing.objects.create(month=D(2024, 1, 1), closed_by=controller)

    from django.db import ProgrammingError, transaction

    for sql in ("UPDATE budget_monthlyfact SET cost = 0 WHERE booking_month = '2024-01-01'",
                "DELETE FROM budget_monthlyfact WHERE booking_month = '2024-01-01'"):
        with (pytest.raises(ProgrammingError, match="Månaden 2024-01 är stängd"), transaction.atomic(),
              connection.cursor() as cur):
            cur.execute(sql)
    assert MonthlyFact.objects.get(booking_month=D(2024, 1, 1)).cost == Decimal("31000.00")


def test_months_are_computed_in_runs_of_consecutive_months():
    assert rollup.month_blocks([D(2024, 3, 1), D(2023, 12, 1), D(2024, 1, 1), D(2024, 2, 1), D(2024, 6, 1)]) == [
        [D(2023, 12, 1), D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)], [D(2024, 6, 1)]]


@pytest.mark.django_db
def test_months_apart_are_computed_as_if_each_stood_alone():
    p = PlacementFactory(start_on=D(2023, 11, 10), end_on=D(2024, 3, 20), care_type=care_type("HVB_BOU"))
    PricePeriodFactory(placement=p, valid_from=D(2023, 11, 10), valid_to=D(2024, 1, 15), daily_price=Decimal("3100"))
    PricePeriodFactory(placement=p, valid_from=D(2024, 1, 15), valid_to=None, daily_price=Decimal("3300"))
    apart = [D(2023, 11, 1), D(2024, 1, 1), D(2024, 3, 1)]
    rollup.rollup_months(apart)
    assert facts_by_origin(apart) == reference_in(apart)
    assert month_row(D(2024, 1, 1), "HVB_BOU")["cost"] == 14 * Decimal("3100") + 17 * Decimal("3300")
    assert month_row(D(2024, 3, 1), "HVB_BOU")["care_days"] == 19


# --- the reference as oracle, closings and corrections included ------------------------------------

CARE_CODES = ["HVB_BOU", "FH_EGET", "SIS_LVU", "KONTAKTFAMILJ", "OPPENVARD_EXTERN_BOU"]
dates = st.dates(min_value=D(2023, 10, 15), max_value=D(2024, 4, 20))


@st.composite
def placement_specs(draw):
    start = draw(dates)
    end = draw(st.one_of(st.none(), st.dates(min_value=start, max_value=D(2024, 5, 10))))
    code = draw(st.sampled_from(CARE_CODES))
    # Price periods: a partition of [start, ...) with an optional gap, daily or monthly per care type.
    cuts = sorted(draw(st.sets(st.dates(min_value=start, max_value=D(2024, 5, 1)), max_size=2)))
    gap = draw(st.booleans())
    amounts = draw(st.lists(st.decimals(min_value=500, max_value=60000, places=2), min_size=3, max_size=3))
    payments = draw(st.lists(st.tuples(st.sampled_from(WINDOW), st.sampled_from(["extra", "avdrag_barnbidrag"]),
                                       st.decimals(min_value=0, max_value=5000, places=2)), max_size=2))
    return {"start": start, "end": end, "code": code, "cuts": cuts, "gap": gap, "amounts": amounts,
            "payments": payments, "cost_centre": draw(st.sampled_from(["", "5731", "9999"])),
            "person": draw(st.integers(0, 2))}


def build(spec, person, unit, provider):
    ct = care_type(spec["code"])
    p = Placement.objects.create(
        person=person, care_type=ct, unit=unit, provider=provider if ct.regime == "kopt" else None,
        legal_basis="SoL", start_on=spec["start"], end_on=spec["end"], cost_centre=spec["cost_centre"],
        end_reason="enligt_plan" if spec["end"] else "",
    )
    bounds = [spec["start"], *[c for c in spec["cuts"] if c > spec["start"]], None]
    for i, (lo, hi) in enumerate(zip(bounds, bounds[1:], strict=False)):
        if spec["gap"] and i == 0 and hi is not None:
            continue
        price = {"monthly_amount": spec["amounts"][i]} if ct.is_monthly else {"daily_price": spec["amounts"][i] / 10}
        PricePeriod.objects.create(placement=p, valid_from=lo, valid_to=hi, **price)
    for month, kind, amount in spec["payments"]:
        FosterCarePayment.objects.create(placement=p, month=month, kind=kind, amount=amount)
    return p


def build_for_shared_person(spec, persons, unit, provider):
    """On one of a few shared persons (so one person can hold two placements under one key, counted once),
    or on a new person where that would overlap another heldygnsvård placement of theirs."""
    try:
        with transaction.atomic():
            return build(spec, persons[spec["person"]], unit, provider)
    except IntegrityError:
        return build(spec, PersonFactory(), unit, provider)


def _reset():
    CostCentreMapping.objects.filter(valid_from__gt=D(2023, 1, 1)).delete()
    MonthClosing.objects.all().delete()
    MonthlyFact.objects.all().delete()
    FosterCarePayment.objects.all().delete()
    PricePeriod.objects.all().delete()
    Placement.objects.all().delete()
    DirtyMonth.objects.all().delete()


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(specs=st.lists(placement_specs(), min_size=1, max_size=6), closed_count=st.integers(0, 4),
       changes=st.lists(st.tuples(st.integers(0, 5), dates), max_size=3),
       remap=st.one_of(st.none(), st.tuples(st.sampled_from(CARE_CODES), st.sampled_from(WINDOW[1:]))))
def test_the_roll_up_equals_the_day_walking_reference_with_closings_and_corrections(
        controller, specs, closed_count, changes, remap):
    _reset()
    unit, provider = UnitFactory(), ProviderFactory()
    persons = [PersonFactory() for _ in range(3)]
    placements = [build_for_shared_person(spec, persons, unit, provider) for spec in specs]
    if remap:  # the care type moves to another cost centre from a month inside the window
        CostCentreMapping.objects.create(care_type=care_type(remap[0]), valid_from=remap[1],
                                         cost_centre=CostCentre.objects.get(code="571"))
    rollup.rollup_months(WINDOW)
    assert facts_by_origin() == reference_in(WINDOW)

    closed = WINDOW[:closed_count]
    for month in closed:
        MonthClosing.objects.create(month=month, closed_by=controller)
    frozen = list(MonthlyFact.objects.filter(booking_month__in=closed).order_by("pk").values())

    for index, new_end in changes:  # later registrations, some in closed months
        p = placements[index % len(placements)]
        p.end_on = max(new_end, p.start_on)
        p.end_reason = "enligt_plan"
        try:
            with transaction.atomic():
                p.save()
        except IntegrityError:  # a longer stay that would overlap the person's next placement
            p.refresh_from_db()
    rollup.rollup_dirty(limit=1000)

    assert facts_by_origin() == reference_in(WINDOW)
    assert list(MonthlyFact.objects.filter(booking_month__in=closed).order_by("pk").values()) == frozen
    first_open = WINDOW[closed_count] if closed_count else None
    for f in MonthlyFact.objects.exclude(booking_month=F("origin_month")):
        assert f.booking_month == first_open and f.origin_month in closed
