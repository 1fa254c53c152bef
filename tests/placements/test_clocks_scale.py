"""Att göra's placement parts at national scale (issue 19 point 2): they read a child's placements from the table
migration 0020's triggers keep (placements_child_placement), so that table must equal the live rule (under 18 on the
placement's start, identity.age_on; no birth date, no child) after every kind of change: a placement made, moved in
time or to another person, deleted or truncated; a person's birth date changed or a person saved after their
placement; one row or many, through the ORM or in SQL; and on random dates, leap days included."""

import datetime

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from placements.clock_queries import CHILD_PLACEMENTS_SQL, AgeOn
from placements.models import Placement
from socialtjanst.deadlines import ADULT_AGE_YEARS
from socialtjanst.identity import age_on
from socialtjanst.models import Person
from tests.factories import PersonFactory, UnitFactory
from tests.placements.factories import PlacementFactory, care_type

D = datetime.date
pytestmark = pytest.mark.django_db
CHILD_BIRTH, ADULT_BIRTH = D(2010, 2, 28), D(1990, 6, 1)
START = D(2024, 3, 1)
NOT_24H = "KONTAKTFAMILJ"  # the rule does not read the care type; a 24h one forbids a person two at once


def kept() -> set[int]:
    with connection.cursor() as cur:
        cur.execute(CHILD_PLACEMENTS_SQL)
        return {row[0] for row in cur.fetchall()}


def live() -> set[int]:
    """The rule in Python, placement by placement."""
    return {p.pk for p in Placement.objects.select_related("person")
            if p.person.birth_date is not None and age_on(p.person.birth_date, p.start_on) < ADULT_AGE_YEARS}


def live_sql() -> set[int]:
    """The rule as the parts asked it before the table: identity's SQL twin joined with the person."""
    return set(Placement.objects.filter(person__birth_date__isnull=False)
               .alias(age=AgeOn("person__birth_date", "start_on")).filter(age__lt=ADULT_AGE_YEARS)
               .values_list("pk", flat=True))


def same() -> set[int]:
    found = kept()
    assert found == live() == live_sql()
    return found


@pytest.fixture
def unit(db):
    return UnitFactory(code="FAMHEM", name="Familjehemsenheten")


def place(unit, birth, start=START, **fields):
    return PlacementFactory(person=PersonFactory(birth_date=birth), unit=unit, start_on=start,
                            care_type=care_type(NOT_24H), **fields)


def test_made_moved_and_deleted_placements(unit):
    child, adult = place(unit, CHILD_BIRTH), place(unit, ADULT_BIRTH)
    unknown = place(unit, None)
    assert same() == {child.pk}

    # The 18th birthday: the day before it a child, on it not (2010-02-28 + 18 years).
    Placement.objects.filter(pk=child.pk).update(start_on=D(2028, 2, 28))
    assert same() == set()
    child.start_on = D(2028, 2, 27)
    child.save()
    assert same() == {child.pk}

    Placement.objects.filter(pk=adult.pk).update(person=child.person)  # to another person, a child
    assert same() == {child.pk, adult.pk}
    Placement.objects.filter(pk__in=[child.pk, adult.pk]).update(person=unknown.person)  # many rows, no birth date
    assert same() == set()
    Placement.objects.filter(pk=adult.pk).update(person=PersonFactory(birth_date=CHILD_BIRTH), cost_centre="x")
    assert same() == {adult.pk}
    Placement.objects.filter(pk=adult.pk).update(cost_centre="y")  # nothing the rule reads: stays
    assert same() == {adult.pk}

    Placement.objects.filter(pk=adult.pk).delete()
    assert same() == set()


def test_a_statement_of_many_rows_sql_and_a_truncate(unit):
    people = [PersonFactory(birth_date=b) for b in (CHILD_BIRTH, ADULT_BIRTH, D(2012, 2, 29), None)]
    made = Placement.objects.bulk_create([
        Placement(person=p, unit=unit, care_type=care_type(NOT_24H), legal_basis="SoL", start_on=START,
                  cost_centre="x") for p in people])
    assert same() == {made[0].pk, made[2].pk}

    with connection.cursor() as cur:
        cur.execute("UPDATE placements_placement SET start_on = start_on - 1 WHERE id = ANY(%s)",
                    [[p.pk for p in made]])
        cur.execute("DELETE FROM placements_placement WHERE id = %s", [made[0].pk])
    assert same() == {made[2].pk}

    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check may be pending for a TRUNCATE
        cur.execute("TRUNCATE placements_placement CASCADE")
    assert same() == set()


def test_a_persons_birth_date_changed_or_saved_after_the_placement(unit):
    first, second = place(unit, ADULT_BIRTH), place(unit, ADULT_BIRTH)
    assert same() == set()
    Person.objects.filter(pk__in=[first.person_id, second.person_id]).update(birth_date=CHILD_BIRTH)
    assert same() == {first.pk, second.pk}
    with connection.cursor() as cur:
        cur.execute("UPDATE socialtjanst_person SET birth_date = NULL WHERE id = %s", [first.person_id])
    assert same() == {second.pk}
    person = Person.objects.get(pk=second.person_id)
    person.first_name = "Ny"  # a change the rule does not read
    person.save()
    assert same() == {second.pk}

    # The foreign keys are deferred: a placement may be saved before its person in one transaction.
    with transaction.atomic():
        later = Placement.objects.create(person_id=9_000_001, unit=unit, care_type=care_type(NOT_24H),
                                         legal_basis="SoL", start_on=START, cost_centre="x")
        PersonFactory(id=9_000_001, birth_date=CHILD_BIRTH)
    assert same() == {second.pk, later.pk}


DATES = st.dates(D(2000, 1, 1), D(2030, 12, 31))  # the placements' window starts in 2000


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(birth=st.one_of(st.none(), DATES, st.sampled_from([D(2008, 2, 29), D(2012, 2, 29)])),
       start=st.one_of(DATES, st.sampled_from([D(2026, 2, 28), D(2026, 3, 1), D(2030, 2, 28), D(2030, 3, 1)])))
def test_the_kept_set_follows_the_rule_on_random_dates(unit, birth, start):
    placement = Placement.objects.filter(unit=unit).first() or place(unit, ADULT_BIRTH)
    Person.objects.filter(pk=placement.person_id).update(birth_date=birth)
    Placement.objects.filter(pk=placement.pk).update(start_on=start)
    expected = birth is not None and age_on(birth, start) < ADULT_AGE_YEARS
    assert (placement.pk in same()) == expected


def test_the_migrations_frozen_age_rule_is_the_apps():
    """placements 0020_todo_scale keeps its own copy of the age rule; the app's may not drift from it without a
    migration that re-creates the set's functions."""
    import importlib

    from socialtjanst.identity import AGE_ON_SQL

    frozen = importlib.import_module("placements.migrations.0020_todo_scale")
    assert (frozen.AGE_ON_SQL, frozen.ADULT_AGE_YEARS) == (AGE_ON_SQL, ADULT_AGE_YEARS)
