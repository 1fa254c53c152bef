"""Övervägande/omprövning's kept deadline rows (placements.care_review_kept, placements 0023_deadline_kept) equal
the live rule after every kind of change it reads: a placement's insert, each column's update and delete, reviews
recorded, moved and deleted, the child's birth date, the child's cases (a newer case, another unit, another
responsible), the insats' decision, and TRUNCATE; and the database's refresh function is the SQL the app writes
today (a rule changed in care_review_sets or deadlines_sql needs a migration)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from placements import care_followup, care_review_kept, services
from placements.care_review_sets import care_review_items_live_sql, care_review_items_sql
from placements.models import CareReview, Placement
from socialtjanst.followup import deadline_sets
from socialtjanst.models import Case, Person
from tests.factories import CaseFactory, PersonFactory, UnitFactory, UserFactory
from tests.placements.factories import PlacementFactory, care_type
from tests.socialtjanst.test_deadline_report import decision
from tests.socialtjanst.test_deadlines_sql import SETTINGS

D = datetime.date
CHILD_BIRTH = D(2012, 4, 4)


def _kept() -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(care_review_kept.KEPT_COLUMNS)} FROM {care_review_kept.KEPT}")
        return sorted(cur.fetchall(), key=repr)


def _live() -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(care_review_kept.live_items_sql())
        return sorted(cur.fetchall(), key=repr)


def assert_kept_is_live():
    kept = _kept()
    assert kept == _live()
    return kept


@pytest.fixture
def placed(handlaggare, units):
    colleague = UserFactory(username="ulla", role="Handläggare", units=[units["other"]])

    def place(start, basis="SoL", birth=CHILD_BIRTH, unit=units["own"]):
        by = handlaggare if unit == units["own"] else colleague
        case = CaseFactory(unit=unit, responsible=by, person=PersonFactory(last_name="Barnsson", birth_date=birth))
        return services.placement_create(by=by, person=case.person, care_type=care_type("FH_JOUR"),
                                         unit=unit, legal_basis=basis, start_on=start,
                                         monthly_amount=Decimal("42000"))
    fine = place(D(2024, 6, 1))
    late = place(D(2024, 8, 31), basis="LVU")
    place(D(2024, 6, 1), birth=D(1990, 1, 1))  # an adult: no clock
    care_followup.care_review_record(by=handlaggare, placement=fine, kind="overvagande",
                                     decided_on=D(2024, 11, 20), outcome="fortsatt_vard")
    return {"fine": fine, "late": late, "other": place(D(2024, 7, 15), unit=units["other"])}


@pytest.mark.django_db
def test_the_database_refreshes_with_the_sql_the_app_writes_today():
    with connection.cursor() as cur:
        cur.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [care_review_kept.REFRESH_FUNCTION])
        assert cur.fetchone()[0] == care_review_kept.refresh_function_sql().split("$fn$")[1]
        cur.execute("SELECT prosrc FROM pg_proc WHERE proname = 'care_review_kept_placement_truncate'")
        assert care_review_kept.fill_sql() in cur.fetchone()[0]


@pytest.mark.django_db
def test_the_kept_rows_follow_every_change_the_rule_reads(placed, handlaggare, units):
    fine, late = placed["fine"], placed["late"]
    rows = assert_kept_is_live()
    assert {r[3] for r in rows} == {fine.pk, late.pk, placed["other"].pk}  # the adult has no clock

    # The placement's own columns, each in one UPDATE statement.
    Placement.objects.filter(pk=late.pk).update(start_on=D(2024, 2, 29))
    Placement.objects.filter(pk=late.pk).update(end_on=D(2024, 9, 30), end_reason="enligt_plan")
    Placement.objects.filter(pk=fine.pk).update(review_clock_from=D(2024, 3, 31))
    assert_kept_is_live()
    Placement.objects.filter(pk=late.pk).update(legal_basis="LVU", lvu_ground="2")
    Placement.objects.filter(pk=placed["other"].pk).update(unit=units["own"])
    assert_kept_is_live()
    Placement.objects.filter(pk=placed["other"].pk).update(voided_reason="Felregistrerad")
    assert placed["other"].pk not in {r[3] for r in assert_kept_is_live()}

    # Reviews recorded, moved and deleted.
    care_followup.care_review_record(by=handlaggare, placement=fine, kind="overvagande",
                                     decided_on=D(2025, 5, 31), outcome="fortsatt_vard")
    CareReview.objects.filter(placement=fine, decided_on=D(2024, 11, 20)).update(decided_on=D(2024, 12, 31))
    assert_kept_is_live()
    CareReview.objects.filter(placement=fine, decided_on=D(2025, 5, 31)).delete()
    assert_kept_is_live()

    # The child's birth date, and the child's cases: a newer one in another unit, then in the placement's unit;
    # the case moved, its responsible changed.
    Person.objects.filter(pk=fine.person_id).update(birth_date=D(2006, 1, 1))
    assert_kept_is_live()
    Person.objects.filter(pk=fine.person_id).update(birth_date=CHILD_BIRTH)
    newer = CaseFactory(unit=units["other"], person=fine.person, opened_on=D(2025, 1, 1))
    assert_kept_is_live()
    Case.objects.filter(pk=newer.pk).update(unit=fine.unit)
    assert {r[1] for r in assert_kept_is_live() if r[3] == fine.pk} == {newer.pk}
    Case.objects.filter(pk=newer.pk).update(responsible=UserFactory(role="Handläggare", units=[fine.unit]))
    assert_kept_is_live()
    Case.objects.filter(pk=newer.pk).update(unit=UnitFactory())
    assert {r[1] for r in assert_kept_is_live() if r[3] == fine.pk} != {newer.pk}

    # The insats: its case answers for the item, whatever the child's latest case.
    insats_case = CaseFactory(unit=units["other"], person=late.person)
    given = decision(insats_case, D(2024, 8, 1), started_on=D(2024, 8, 31))
    Placement.objects.filter(pk=late.pk).update(intervention=given.interventions.get())
    assert {(r[0], r[1]) for r in assert_kept_is_live() if r[3] == late.pk} == {(units["other"].pk, insats_case.pk)}
    Case.objects.filter(pk=insats_case.pk).update(unit=units["own"])
    assert_kept_is_live()
    moved_to = decision(CaseFactory(unit=UnitFactory(), person=late.person), D(2024, 8, 2))
    type(given).objects.filter(pk=given.pk).update(case=moved_to.case)
    assert_kept_is_live()

    # Deleted (as gallring does it: its dependants first, then the placement, in plain statements).
    CareReview.objects.filter(placement=fine).delete()
    with connection.cursor() as cur:
        for table in ("placements_priceperiod", "placements_placementnotification"):
            cur.execute(f"DELETE FROM {table} WHERE placement_id = %s", [fine.pk])
        cur.execute("DELETE FROM placements_placement WHERE id = %s", [fine.pk])
    assert fine.pk not in {r[3] for r in assert_kept_is_live()}


@pytest.mark.django_db(transaction=True)
def test_a_truncate_refills_the_kept_rows(handlaggare, units):
    case = CaseFactory(unit=units["own"], responsible=handlaggare, person=PersonFactory(birth_date=CHILD_BIRTH))
    placement = services.placement_create(by=handlaggare, person=case.person, care_type=care_type("FH_JOUR"),
                                          unit=units["own"], legal_basis="SoL", start_on=D(2024, 6, 1),
                                          monthly_amount=Decimal("42000"))
    care_followup.care_review_record(by=handlaggare, placement=placement, kind="overvagande",
                                     decided_on=D(2024, 11, 20), outcome="fortsatt_vard")
    assert len(assert_kept_is_live()) == 2
    with connection.cursor() as cur:  # no row trigger fires: the kept rows are refilled from what is left
        cur.execute("TRUNCATE placements_carereview CASCADE")
    assert len(assert_kept_is_live()) == 1


@pytest.mark.django_db
def test_the_report_reads_the_kept_rows_as_the_live_rule_counts(placed):
    today = D(2025, 3, 10)
    for year in (2024, 2025):
        start, end = D(year, 1, 1), D(year, 12, 31)
        params = {"start": start, "end": end, "win_lo": D(1900, 1, 1), "win_hi": D(2100, 12, 31), "units": None}
        with connection.cursor() as cur:
            cur.execute(care_review_items_live_sql(None), params)
            live = sorted(cur.fetchall(), key=repr)
            cur.execute(care_review_items_sql(None), params)
            kept = sorted(cur.fetchall(), key=repr)
        assert [r[:13] for r in live] == kept
    assert deadline_sets.figures(None, D(2025, 1, 1), D(2025, 12, 31), today)


_DAYS = st.dates(min_value=D(2023, 6, 1), max_value=D(2025, 6, 30))
_PLACEMENT = st.tuples(_DAYS, st.one_of(st.none(), st.integers(1, 500)), st.sampled_from(["SoL", "LVU"]),
                       st.sampled_from([CHILD_BIRTH, D(2006, 8, 31), None]),
                       st.lists(st.integers(1, 400), max_size=3), st.booleans())


@pytest.mark.django_db
@SETTINGS
@given(st.lists(_PLACEMENT, min_size=1, max_size=4))
def test_the_kept_rows_equal_the_rule_after_random_placements(units, handlaggare, placements):
    """Random children placed around month ends, ended or not, reviewed on random days, then moved to another
    unit: after each statement the kept rows are the rule's rows."""
    with transaction.atomic():
        for start, length, basis, birth, reviews, move in placements:
            person = PersonFactory(birth_date=birth)
            CaseFactory(unit=units["own"], person=person, responsible=handlaggare)
            end = start + datetime.timedelta(days=length) if length else None
            placement = PlacementFactory(person=person, unit=units["own"], care_type=care_type("FH_JOUR"),
                                         legal_basis=basis, start_on=start, end_on=end,
                                         end_reason="enligt_plan" if end else "")
            assert_kept_is_live()
            for days in reviews:
                CareReview.objects.create(placement=placement, kind="overvagande", outcome="fortsatt_vard",
                                          decided_on=start + datetime.timedelta(days=days), decided_by=handlaggare)
                assert_kept_is_live()
            if move:
                Placement.objects.filter(pk=placement.pk).update(unit=units["other"])
                Case.objects.filter(person=person).update(unit=units["other"])
                assert_kept_is_live()
        transaction.set_rollback(True)
