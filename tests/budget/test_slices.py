"""A dirty month recomputed slice by slice (issue 19 point 3, budget/0012_rollup): a change marks the slices it
touches (care type, provider, legal basis), the roll-up recomputes only those, and the facts equal a full
recompute and the day-walking reference, closed months and corrections included."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import rollup
from budget.fresh import SLICE_FRESH_SQL, slice_params
from budget.models import CostCentre, CostCentreMapping, DirtyMonth, DirtySlice, MonthClosing, MonthlyFact
from placements.models import FosterCarePayment, Placement, PricePeriod
from tests.budget.test_incremental import fresh
from tests.budget.test_rollup import (
    WINDOW,
    _reset,
    build_for_shared_person,
    facts_by_origin,
    placement_specs,
    reference_in,
)
from tests.factories import PersonFactory, UnitFactory
from tests.placements.factories import PlacementFactory, PricePeriodFactory, ProviderFactory, care_type

D = datetime.date
MARCH = D(2024, 3, 1)


def marks() -> dict:
    return {"months": sorted(DirtyMonth.objects.values_list("month", "whole")),
            "slices": sorted(DirtySlice.objects.values_list("month", "care_type_id", "provider_key", "legal_basis"))}


def all_rows() -> list[tuple]:
    return sorted(MonthlyFact.objects.values_list(
        "booking_month", "origin_month", "cost_centre_id", "care_type_id", "provider_id", "legal_basis", "regime",
        "target_group", "care_days", "cost", "persons", "started", "ended", "unpriced_days"), key=str)


def spoil(care_code: str, month=MARCH) -> None:
    """A wrong figure in one slice's facts, written behind the roll-up's back: only a recompute of that slice
    puts it right, so whether it stays wrong shows what the roll-up read."""
    with connection.cursor() as cur:
        cur.execute("UPDATE budget_monthlyfact SET care_days = care_days + 1000 "
                    "WHERE origin_month = %s AND care_type_id = %s", [month, care_type(care_code).pk])
        assert cur.rowcount == 1


def march_care_days(care_code: str) -> int:
    return MonthlyFact.objects.get(origin_month=MARCH, care_type=care_type(care_code)).care_days


@pytest.fixture
def two_slices(db):
    """Two placements in March 2024 in different slices, rolled up, no marks left."""
    kontakt = PlacementFactory(care_type=care_type("KONTAKTFAMILJ"), start_on=D(2024, 3, 1), end_on=D(2024, 3, 21))
    PricePeriodFactory(placement=kontakt, daily_price=Decimal("900"))
    fh = PlacementFactory(care_type=care_type("FH_EGET"), start_on=D(2024, 3, 1), end_on=D(2024, 4, 1))
    PricePeriodFactory(placement=fh, monthly_amount=Decimal("31000"))
    rollup.rollup_months([MARCH])
    DirtyMonth.objects.all().delete()
    DirtySlice.objects.all().delete()
    return kontakt, fh


def test_a_change_marks_its_slice_and_leaves_the_month_not_whole(two_slices):
    kontakt, _ = two_slices
    Placement.objects.filter(pk=kontakt.pk).update(end_on=D(2024, 3, 11))

    assert marks() == {"months": [(MARCH, False)], "slices": [(MARCH, kontakt.care_type_id, 0, "SoL")]}


def test_the_roll_up_recomputes_only_the_marked_slice_and_gets_it_right(two_slices):
    kontakt, _ = two_slices
    spoil("FH_EGET")
    Placement.objects.filter(pk=kontakt.pk).update(end_on=D(2024, 3, 11))
    rollup.rollup_dirty()

    assert march_care_days("KONTAKTFAMILJ") == 10
    assert march_care_days("FH_EGET") == 1031  # not read: still the spoilt figure
    assert marks() == {"months": [], "slices": []}
    rollup.rollup_months([MARCH])  # the full month puts the other slice right, and agrees on the first
    assert (march_care_days("KONTAKTFAMILJ"), march_care_days("FH_EGET")) == (10, 31)


def test_a_change_of_slice_recomputes_the_old_and_the_new_slice(two_slices):
    kontakt, _ = two_slices
    provider = ProviderFactory()
    Placement.objects.filter(pk=kontakt.pk).update(care_type=care_type("OPPENVARD_EXTERN_BOU"), provider=provider,
                                                    legal_basis="LVU")
    assert marks()["slices"] == sorted([(MARCH, kontakt.care_type_id, 0, "SoL"),
                                        (MARCH, care_type("OPPENVARD_EXTERN_BOU").pk, provider.pk, "LVU")])
    rollup.rollup_dirty()

    assert not MonthlyFact.objects.filter(origin_month=MARCH, care_type=care_type("KONTAKTFAMILJ")).exists()
    moved = MonthlyFact.objects.get(origin_month=MARCH, care_type=care_type("OPPENVARD_EXTERN_BOU"))
    assert (moved.provider_id, moved.legal_basis, moved.care_days, moved.cost) == (
        provider.pk, "LVU", 20, Decimal("18000.00"))


def test_a_cost_centre_mapping_change_marks_whole_months(two_slices):
    spoil("FH_EGET")
    CostCentreMapping.objects.create(care_type=care_type("KONTAKTFAMILJ"), valid_from=MARCH,
                                     cost_centre=CostCentre.objects.get(code="571"))
    assert (MARCH, True) in marks()["months"]
    rollup.rollup_dirty()

    assert march_care_days("FH_EGET") == 31


def test_many_slices_in_a_month_are_recomputed_as_the_whole_month(two_slices):
    spoil("FH_EGET")
    person, ct = PersonFactory(), care_type("OPPENVARD_EXTERN_BOU")
    with transaction.atomic():
        for _ in range(rollup.SLICE_LIMIT + 1):  # one placement per provider: as many slices
            PlacementFactory(person=person, care_type=ct, provider=ProviderFactory(), start_on=D(2024, 3, 5),
                             end_on=D(2024, 3, 6))
    assert len(marks()["slices"]) == rollup.SLICE_LIMIT + 1 and marks()["months"] == [(MARCH, False)]
    rollup.rollup_dirty()

    assert march_care_days("FH_EGET") == 31


def test_an_insert_of_many_rows_marks_whole_months(db):
    person, ct = PersonFactory(), care_type("KONTAKTFAMILJ")
    DirtyMonth.objects.all().delete()
    Placement.objects.bulk_create([
        Placement(person=person, care_type=ct, unit=UnitFactory(), legal_basis="SoL", start_on=D(2024, 3, 1 + i),
                  end_on=D(2024, 3, 2 + i), is_24h=ct.is_24h) for i in range(20)])

    assert marks() == {"months": [(MARCH, True)], "slices": []}


def test_after_many_slice_marks_a_transaction_marks_whole_months(db):
    placements = [PlacementFactory(care_type=care_type("KONTAKTFAMILJ"), start_on=D(2024, 3, 1),
                                   end_on=D(2024, 3, 20)) for _ in range(3)]
    DirtyMonth.objects.all().delete()
    DirtySlice.objects.all().delete()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT set_config('budget.slice_marks', '200', true)")  # as after 200 changes
        Placement.objects.filter(pk=placements[0].pk).update(end_on=D(2024, 3, 10))

    assert marks() == {"months": [(MARCH, True)], "slices": []}


@pytest.mark.django_db(transaction=True)
def test_a_slice_marked_twice_in_one_transaction_is_written_once(two_slices):
    kontakt, _ = two_slices
    with transaction.atomic():
        Placement.objects.filter(pk=kontakt.pk).update(end_on=D(2024, 3, 11))
        first = DirtySlice.objects.get().seq
        Placement.objects.filter(pk=kontakt.pk).update(end_on=D(2024, 3, 12))
        assert DirtySlice.objects.get().seq == first
    Placement.objects.filter(pk=kontakt.pk).update(end_on=D(2024, 3, 13))  # a later transaction: a new seq
    assert DirtySlice.objects.get().seq > first


def test_a_slice_marked_after_the_roll_up_in_the_same_transaction_is_marked_again(two_slices):
    kontakt, _ = two_slices
    with transaction.atomic():
        Placement.objects.filter(pk=kontakt.pk).update(end_on=D(2024, 3, 11))
        rollup.rollup_dirty()
        assert marks() == {"months": [], "slices": []}
        Placement.objects.filter(pk=kontakt.pk).update(end_on=D(2024, 3, 12))
        assert marks() == {"months": [(MARCH, False)], "slices": [(MARCH, kontakt.care_type_id, 0, "SoL")]}
    rollup.rollup_dirty()
    assert march_care_days("KONTAKTFAMILJ") == 11


CHANGES = st.lists(st.tuples(
    st.sampled_from(["end", "care_type", "provider", "legal_basis", "void", "price", "payment", "delete", "new"]),
    st.integers(0, 11), st.dates(min_value=D(2023, 10, 15), max_value=D(2024, 4, 20))), min_size=1, max_size=5)


def _change(kind: str, placement: Placement, when: datetime.date, providers, unit, spec) -> None:
    rows = Placement.objects.filter(pk=placement.pk)
    if kind == "end":
        rows.update(end_on=max(when, placement.start_on), end_reason="enligt_plan")
    elif kind == "care_type":
        rows.update(care_type=care_type(["KONTAKTFAMILJ", "FH_EGET", "HVB_BOU"][when.day % 3]))
    elif kind == "provider":
        rows.update(provider=providers[when.day % 2] if placement.provider_id else None)
    elif kind == "legal_basis":
        rows.update(legal_basis="LVU" if placement.legal_basis == "SoL" else "SoL")
    elif kind == "void":
        rows.update(voided_reason="Fel person")
    elif kind == "price":
        PricePeriod.objects.filter(placement=placement).delete()
        PricePeriod.objects.create(placement=placement, valid_from=max(when, placement.start_on),
                                   daily_price=Decimal(1000 + when.day))
    elif kind == "payment":
        FosterCarePayment.objects.create(placement=placement, month=when.replace(day=1), kind="extra",
                                         amount=Decimal(when.day * 10))
    elif kind == "delete":
        FosterCarePayment.objects.filter(placement=placement).delete()
        PricePeriod.objects.filter(placement=placement).delete()
        rows.delete()
    elif kind == "new":
        build_for_shared_person({**spec, "start": when, "end": None, "person": 0}, [placement.person], unit,
                                providers[0])


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(specs=st.lists(placement_specs(), min_size=2, max_size=8), closed_count=st.integers(0, 3), changes=CHANGES,
       providers_by_spec=st.lists(st.integers(0, 1), min_size=8, max_size=8))
def test_after_random_changes_the_slices_equal_a_full_recompute_and_the_reference(
        controller, specs, closed_count, changes, providers_by_spec):
    _reset()
    DirtySlice.objects.all().delete()
    unit, providers = UnitFactory(), [ProviderFactory(), ProviderFactory()]
    persons = [PersonFactory() for _ in range(3)]
    placements = [build_for_shared_person(spec, persons, unit, providers[providers_by_spec[i]])
                  for i, spec in enumerate(specs)]
    rollup.rollup_months(WINDOW)
    for month in WINDOW[:closed_count]:
        MonthClosing.objects.create(month=month, closed_by=controller)

    for kind, index, when in changes:
        placement = placements[index % len(placements)]
        try:
            placement.refresh_from_db()
        except Placement.DoesNotExist:
            continue
        try:
            with transaction.atomic():
                _change(kind, placement, when, providers, unit, specs[index % len(specs)])
        except DatabaseError:  # an overlap or a rule the database refuses: no change
            pass
    rollup.rollup_dirty(limit=1000)
    after_slices = all_rows()

    assert facts_by_origin() == reference_in(WINDOW)
    full = rollup.rollup_months(WINDOW)
    assert (full.inserted, full.updated, full.deleted) == (0, 0, 0)
    assert all_rows() == after_slices


def fresh_slice(month, slices) -> dict[tuple, tuple]:
    with connection.cursor() as cur:
        cur.execute(SLICE_FRESH_SQL, slice_params(month, slices))
        columns = [c.name for c in cur.description]
        rows = [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]
    return {(r["month_start"], r["cost_centre_id"], r["care_type_id"], r["provider_id"], r["legal_basis"]):
            tuple(r[m] for m in ("regime", "target_group", "care_days", "cost", "persons", "started", "ended",
                                 "unpriced_days")) for r in rows}


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(specs=st.lists(placement_specs(), min_size=1, max_size=10),
       providers_by_spec=st.lists(st.integers(0, 1), min_size=10, max_size=10),
       bases=st.lists(st.sampled_from(["SoL", "LVU"]), min_size=10, max_size=10))
def test_each_slice_alone_equals_its_rows_of_the_whole_month(specs, providers_by_spec, bases):
    _reset()
    persons = [PersonFactory() for _ in range(3)]
    unit, providers = UnitFactory(), [ProviderFactory(), ProviderFactory()]
    for i, spec in enumerate(specs):
        p = build_for_shared_person(spec, persons, unit, providers[providers_by_spec[i]])
        Placement.objects.filter(pk=p.pk).update(legal_basis=bases[i])
    every_slice = sorted(set(Placement.objects.values_list("care_type_id", "provider_id", "legal_basis")),
                         key=str)
    for month in WINDOW:
        whole = fresh([month])
        for care_type_id, provider_id, basis in every_slice:
            assert fresh_slice(month, [(care_type_id, provider_id or 0, basis)]) == {
                k: v for k, v in whole.items() if (k[2], k[3], k[4]) == (care_type_id, provider_id, basis)}


@pytest.mark.django_db(transaction=True)
def test_a_change_while_the_roll_up_holds_the_month_waits_and_stays_marked(two_slices):
    """The roll-up locks the month's mark before it reads the slices; a change writes the month's mark before its
    slice, so it waits for the roll-up and its mark outlives the roll-up's clearing."""
    import threading

    import psycopg

    kontakt, fh = two_slices
    Placement.objects.filter(pk=kontakt.pk).update(end_on=D(2024, 3, 11))  # committed: March and one slice dirty
    params = connection.get_connection_params()
    with psycopg.connect(**params) as roll_up, psycopg.connect(**params, autocommit=True) as change:
        seen = roll_up.execute("SELECT month, seq FROM budget_dirtymonth FOR UPDATE").fetchall()
        seen_slices = roll_up.execute("SELECT month, seq FROM budget_dirtyslice").fetchall()
        worker = threading.Thread(target=change.execute, args=(
            "UPDATE placements_placement SET end_on = '2024-03-21' WHERE id = %s", [fh.pk]))
        worker.start()
        worker.join(timeout=1.0)
        assert worker.is_alive()  # waiting for the month's mark
        for month, seq in seen:
            roll_up.execute("DELETE FROM budget_dirtymonth WHERE month = %s AND seq = %s", [month, seq])
        for month, seq in seen_slices:
            roll_up.execute("DELETE FROM budget_dirtyslice WHERE month = %s AND seq = %s", [month, seq])
        roll_up.commit()
        worker.join(timeout=10)
        assert not worker.is_alive()

    april = D(2024, 4, 1)  # the old end date's month, which held its 'ended'
    assert marks() == {"months": [(MARCH, False), (april, False)],
                       "slices": [(MARCH, fh.care_type_id, 0, "SoL"), (april, fh.care_type_id, 0, "SoL")]}
    rollup.rollup_dirty()
    assert march_care_days("FH_EGET") == 20
