"""Att göra's kept open items (socialtjanst.todo_kept, issue 19 point 2): the list read from the kept table equals
the live statement (TodoQuery(live=True), the oracle) after every kind of change the parts read: made, changed in
each column a rule reads, deleted, a case moved to another unit, closed, its responsible changed, a person's birth
date, many rows in one SQL statement, a truncate; on today and on days before and after (what depends on today is
stored as dates and compared when read)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common import kept
from common.migration_ops import trigger_function_source
from placements import care_followup, care_plans, lilla_hjartat, notifications, services
from placements.models import CarePlanKind, CareReview, Placement, PlacementNotification
from socialtjanst import todo_kept
from socialtjanst.models import (
    Case,
    Decision,
    Intake,
    Intervention,
    Investigation,
    InvestigationExtension,
    Person,
    Screening,
    Unit,
)
from socialtjanst.todo import TodoQuery
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import care_type
from tests.web.test_todo import fast_password_hashing, intake, todo  # noqa: F401  (the list's own world)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _key(item):
    return (item.kind, item.case.pk, item.url, item.due_on, getattr(item.responsible, "pk", None))


def same(*days: datetime.date) -> list:
    """Assert the kept list equals the live one (by case scope and by unit) on today and `days`; return today's."""
    today = timezone.localdate()
    cases = Case.objects.filter(status=Case.Status.OPEN)
    units = list(Unit.objects.values_list("pk", flat=True))
    result = None
    for day in (today, *days):
        live = sorted(map(_key, TodoQuery(cases, day, live=True).rows()), key=repr)
        assert sorted(map(_key, TodoQuery(cases, day).rows()), key=repr) == live, day
        assert sorted(map(_key, TodoQuery(cases, day, unit_ids=units).rows()), key=repr) == live, day
        # The totals of whole units come from the tally (todo_kept.TODO_TALLY), which follows the kept items.
        assert TodoQuery(cases, day, unit_ids=units).totals() == TodoQuery(cases, day, live=True).totals(), day
        result = live if result is None else result
    with connection.cursor() as cur:
        cur.execute(todo_kept.TODO_TALLY.stored_sql())
        stored = sorted(cur.fetchall(), key=repr)
        cur.execute(todo_kept.TODO_TALLY.live_sql())
        assert stored == sorted(cur.fetchall(), key=repr)
    return result


@pytest.fixture
def world(todo, units):  # noqa: F811
    """The list's world plus placed children: Pia in familjehem (every placement part), Lo whose LVU care ended
    (the follow-up), and a child with no case in scope."""
    today = timezone.localdate()
    todo.units = units
    todo.other_unit = Unit.objects.exclude(pk=units["own"].pk).first()

    def place(first, code, start, basis="SoL", responsible=None):
        case = CaseFactory(unit=units["own"], responsible=responsible or todo.hanna,
                           person=PersonFactory(first_name=first, birth_date=today - 3000 * DAY))
        return services.placement_create(by=todo.hanna, person=case.person, care_type=care_type(code),
                                         unit=units["own"], legal_basis=basis, start_on=start,
                                         monthly_amount=Decimal("30000"))
    todo.pia = place("Pia", "FH_EGET", today - 700 * DAY)
    todo.lo = place("Lo", "FH_JOUR", today - 300 * DAY, basis="LVU", responsible=todo.olle)
    services.placement_end(by=todo.hanna, placement=todo.lo, end_on=today - 20 * DAY, end_reason="hemflytt")
    return todo


def test_every_part_is_kept_and_read_by_scope_responsible_kind_and_due(world):
    today = timezone.localdate()
    items = same(today - 400 * DAY, today + 200 * DAY, today + 800 * DAY)
    kinds = {k[0] for k in items}
    assert {"Förhandsbedömning", "Utredning", "Verkställighet", "Övervägande/omprövning", "Vårdplan",
            "Genomförandeplan", "Underrättelser", "Vårdnadsöverflyttning", "Uppföljning efter LVU"} <= kinds
    cases = Case.objects.filter(status=Case.Status.OPEN, unit=world.units["own"])
    for responsible in (None, world.hanna, world.olle):
        for kind in ("", "Förhandsbedömning", "Vårdnadsöverflyttning", "Finns inte"):
            for due in ("", "forsenade", "30"):
                for order in ("due_on", "-responsible", "unit"):
                    args = (cases, today, responsible)
                    live = TodoQuery(*args, kind=kind, due=due, live=True)
                    kept = TodoQuery(*args, kind=kind, due=due, unit_ids=[world.units["own"].pk])
                    assert kept.totals() == live.totals()
                    assert [_key(i) for i in kept.page(order=order, limit=4)[0]] == [
                        _key(i) for i in live.page(order=order, limit=4)[0]]
    live = TodoQuery(cases, today, live=True).counts_by_unit_and_responsible(within_days=14)
    assert TodoQuery(cases, today).counts_by_unit_and_responsible(within_days=14) == live


def test_the_case_flows_changes(world):
    today = timezone.localdate()
    same()
    a_intake = Intake.objects.get(case=world.a)
    Intake.objects.filter(pk=a_intake.pk).update(received_on=today - 25 * DAY)  # the due date moves
    same()
    Screening.objects.create(intake=a_intake, decided_on=today, outcome="inte_inleda", decided_by=world.hanna)
    same()
    Intake.objects.filter(case=world.d).update(safety_assessed_on=None, safety_result="", kind="ansokan")
    same()
    investigation = Investigation.objects.get(case=world.b)
    InvestigationExtension.objects.create(investigation=investigation, decided_on=today,
                                          new_due_on=today + 200 * DAY, reason="Särskilda skäl",
                                          decided_by=world.eva)
    same()
    Investigation.objects.filter(pk=investigation.pk).update(responsible=world.olle)
    same()
    Investigation.objects.filter(pk=investigation.pk).update(completed_on=today, outcome="ingen_insats")
    same()
    decision = Decision.objects.get(case=world.c)
    Decision.objects.filter(pk=decision.pk).update(decided_on=today - 10 * DAY)
    same()
    Intervention.objects.create(decision=decision, kind="oppenvard", started_on=today)
    same()
    Case.objects.filter(pk=world.d.pk).update(responsible=world.hanna)  # her items follow her
    same()
    Case.objects.filter(pk=world.e.pk).update(unit=world.other_unit)  # moved to another unit
    same()
    Case.objects.filter(pk=world.a.pk).update(status=Case.Status.CLOSED, closed_on=today)
    same()
    Intake.objects.filter(case=world.e).delete()
    same()


def test_the_placements_changes(world):
    today = timezone.localdate()
    same(today + 400 * DAY)
    pia = world.pia
    care_followup.care_review_record(by=world.hanna, placement=pia, decided_on=today - DAY, outcome="fortsatt_vard",
                                     kind="overvagande")
    care_plans.care_plan_record(by=world.hanna, placement=pia, kind=CarePlanKind.CARE_PLAN, established_on=today)
    same(today + 400 * DAY)
    for item in PlacementNotification.objects.filter(placement=pia, relevant__isnull=True):
        notifications.placement_notification_record(by=world.hanna, placement=pia, notification_id=item.pk,
                                                    relevant=False, notified_on=None)
    same()
    lilla_hjartat.custody_transfer_consideration_record(by=world.hanna, placement=pia, considered_on=today,
                                                        outcome="inte_aktuellt", motivation="Prövas igen.")
    same(today + 400 * DAY)
    Person.objects.filter(pk=pia.person_id).update(birth_date=today - 20 * 365 * DAY)  # no longer a child
    same()
    Person.objects.filter(pk=pia.person_id).update(birth_date=today - 2000 * DAY)
    same()
    lilla_hjartat.lvu_followup_finish(by=world.olle, followup=world.lo.lvu_followup, finished_on=today,
                                      summary="Barnet mår bra.")
    same()
    Placement.objects.filter(pk=pia.pk).update(end_on=today + 30 * DAY)  # ends: shown until then
    same(today + 29 * DAY, today + 31 * DAY)
    Placement.objects.filter(pk=pia.pk).update(voided_reason="Fel registrerad")
    same()
    Case.objects.filter(person_id=world.lo.person_id).update(unit=world.other_unit)
    same()


def test_many_rows_in_sql_and_a_truncate(world):
    today = timezone.localdate()
    with connection.cursor() as cur:
        cur.execute("UPDATE socialtjanst_case SET responsible_id = %s", [world.olle.pk])
        cur.execute("UPDATE placements_placement SET start_on = start_on - 40")
    same(today + 100 * DAY)
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("TRUNCATE socialtjanst_intake CASCADE")
    same()
    assert not Intake.objects.exists()


def test_the_installed_functions_are_todays_statement(world):
    """The refresh functions' bodies were compiled from socialtjanst.todo when the migrations ran: if a rule or a
    registration changed since, a new migration must re-create them (install again with refresh_function_sql)."""
    with connection.cursor() as cur:
        for function, flow in ((todo_kept.FLOW_REFRESH, True), (todo_kept.REGISTERED_REFRESH, False)):
            cur.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [function])
            (body,) = cur.fetchone()
            assert todo_kept.items_select(connection, flow=flow) in body
            assert body == todo_kept.refresh_function_sql(connection, flow=flow).split("$todo$")[1]
        tally = todo_kept.TODO_TALLY  # and the tally counts with today's key (socialtjanst 0034_todo_tally)
        for name, *_rest, body in [*tally.triggers(), *tally.truncate_triggers()]:
            cur.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [name])
            assert cur.fetchone()[0] == trigger_function_source(body), name


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.integers(-2000, 30), end=st.one_of(st.none(), st.integers(-30, 400)),
       birth=st.integers(-8000, -100), reviewed=st.one_of(st.none(), st.integers(-300, 0)),
       shift=st.integers(-900, 900))
def test_random_dates(world, start, end, birth, reviewed, shift):
    today = timezone.localdate()
    pia = world.pia
    Person.objects.filter(pk=pia.person_id).update(birth_date=today + birth * DAY)
    Placement.objects.filter(pk=pia.pk).update(start_on=today + start * DAY, review_clock_from=None,
                                               end_on=None if end is None else today + max(end, start + 1) * DAY)
    if reviewed is not None:
        CareReview.objects.create(placement=pia, decided_on=today + max(reviewed, start) * DAY, kind="overvagande",
                                  outcome="fortsatt_vard", decided_by=world.hanna)
    same(today + shift * DAY)


def test_a_deleted_case_and_the_placement_import(world):
    """A case deleted in SQL (as gallring deletes a personakt's rows), and placements made and changed by the
    import (placements.importing, sets of rows in one statement each)."""
    from placements.importing import import_placements
    from socialtjanst.identity import synthetic_id_number

    today = timezone.localdate()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM socialtjanst_intake WHERE case_id = %s", [world.d.pk])
        cur.execute("DELETE FROM socialtjanst_case WHERE id = %s", [world.d.pk])
    same()
    birth = today - 3000 * DAY
    number = synthetic_id_number(birth, 7)
    CaseFactory(unit=world.units["own"], responsible=world.hanna,
                person=PersonFactory(first_name="Importerad", birth_date=birth, id_number=number))
    header = "placerings_id;personnummer;kön;enhet;vårdform;utförare;utförare_namn;verksamhet;lagrum;startdatum;" \
             "slutdatum;pris_från;dygnspris;månadsbelopp;arvode;omkostnad"

    def row(end: str) -> bytes:
        line = (f"IMP1;{number};;{world.units['own'].code};FH_EGET;;;5732X;SoL;{today - 400 * DAY};{end};;;30000;"
                "18000;12000")
        return f"{header}\n{line}".encode()
    import_placements(content=row(""), filename="placeringar.csv")
    plans = [k for k in same(today + 100 * DAY) if k[0] == "Vårdplan"]
    assert len(plans) == 2  # Pia's and the imported child's
    import_placements(content=row(str(today - 10 * DAY)), filename="placeringar.csv")  # ended: off the list
    assert [k for k in same() if k[0] == "Vårdplan"] == [k for k in plans if k[1] != plans_case(number)]


def plans_case(number: str) -> int:
    return Case.objects.get(person__id_number=number).pk


def test_the_pages_unit_scope_is_the_access_scope(world, controller):
    """Without a search the page reads the kept items by unit (views.todo._scope_units): the same items as the
    user's access-scoped open cases, for every role (a controller's scope is no case at all)."""
    from socialtjanst import access
    from socialtjanst.views.todo import _scope_units

    today = timezone.localdate()
    for user in (world.hanna, world.olle, world.eva, controller):
        cases = access.cases_for_user(user).filter(status=Case.Status.OPEN)
        for unit in (None, world.units["own"]):
            scoped = cases if unit is None else cases.filter(unit=unit)
            live = sorted(map(_key, TodoQuery(scoped, today, live=True).rows()), key=repr)
            by_unit = TodoQuery(scoped, today, unit_ids=_scope_units(user, scoped, unit)).rows()
            assert sorted(map(_key, by_unit), key=repr) == live
    assert _scope_units(controller, access.cases_for_user(controller), None) == []


def test_a_statement_of_more_persons_than_a_bulk_plans_for_itself(world):
    """More than kept.BULK_REFRESH persons in one statement take the refresh's EXECUTE path (its own plan)."""
    n = kept.BULK_REFRESH + 5
    persons = Person.objects.bulk_create([PersonFactory.build() for _ in range(n)])
    cases = Case.objects.bulk_create([CaseFactory.build(person=p, unit=world.units["own"], responsible=world.olle)
                                      for p in persons])
    received = timezone.localdate() - 3 * DAY
    Intake.objects.bulk_create([Intake(
        case=case, kind="orosanmalan", received_at=datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC),
        received_on=received, channel="telefon", target_group="barn_unga", registered_by=world.olle)
        for case in cases])
    items = same()
    assert sum(1 for k in items if k[0] == "Förhandsbedömning" and k[4] == world.olle.pk) >= n


def test_the_app_role_may_read_insert_and_delete_the_kept_items_but_not_rewrite_them():
    """The triggers run as the role that made the change (the app's): they insert and delete, nothing more."""
    import os

    role = os.environ.get("DATABASE_APP_ROLE", "ifo_app")
    with connection.cursor() as cur:
        for table in (todo_kept.KEPT, todo_kept.TALLY):
            cur.execute("SELECT " + ", ".join(f"has_table_privilege(%s, %s, '{p}')" for p in
                                              ("SELECT", "INSERT", "DELETE", "UPDATE", "TRUNCATE")),
                        [role, table] * 5)
            assert cur.fetchone() == (True, True, True, False, False), table
