"""Gallring (socialtjanst.retention, SoL 12 kap.): the dry run and the run, with time-machine.

The rule under test: a personakt is due on the day after the fifth anniversary of its last entry. The run date
RUN is 2025-06-10, so a last entry on 2020-06-09 is 5 years and 1 day old (removed) and one on 2020-06-11 is
4 years and 364 days old (2024-06-11 + 364 days = 2025-06-10; no 29 February in that last year): kept.
RUN lies before the real today, since the database function refuses a day after its own CURRENT_DATE."""

import datetime
import importlib

import pytest
import time_machine
from django.db import connection

from socialtjanst import retention
from socialtjanst.models import (
    AccessEvent,
    Case,
    CaseRetention,
    Decision,
    Intake,
    Intervention,
    Investigation,
    Person,
    RetentionCategory,
    RetentionRecord,
    Screening,
)
from socialtjanst.roles import Role
from tests.factories import CaseFactory, PersonFactory, UnitFactory, UserFactory
from tests.placements.factories import PlacementFactory, care_type

D = datetime.date
RUN = D(2025, 6, 10)
DUE = D(2020, 6, 9)  # 5 years and 1 day before RUN
NOT_YET = D(2020, 6, 11)  # 4 years and 364 days before RUN

EVENT_TABLES = ("personevent", "caseevent", "intakeevent", "screeningevent", "investigationevent",
                "decisionevent", "interventionevent")


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC), tick=False)


def personakt(last_entry: datetime.date, user, unit) -> Person:
    """A closed personakt whose every date (registration included) is at or before `last_entry`: an intake, a
    förhandsbedömning, an utredning, a beslut and an insats that ended on `last_entry`."""
    opened = last_entry - datetime.timedelta(days=200)
    with at(opened):
        person = PersonFactory()
        case = CaseFactory(person=person, unit=unit, opened_on=opened)
        intake = Intake.objects.create(
            case=case, kind="orosanmalan", received_at=datetime.datetime.combine(opened, datetime.time(9),
                                                                                 tzinfo=datetime.UTC),
            received_on=opened, channel="telefon", target_group="barn_unga", concern_text="Oro för barnet",
            registered_by=user)
        screening = Screening.objects.create(intake=intake, decided_on=opened + datetime.timedelta(days=7),
                                             outcome="inleda", decided_by=user)
        investigation = Investigation.objects.create(case=case, screening=screening,
                                                     started_on=opened + datetime.timedelta(days=7),
                                                     responsible=user)
    with at(last_entry):
        Investigation.objects.filter(pk=investigation.pk).update(
            completed_on=opened + datetime.timedelta(days=100), outcome="insats")
        decision = Decision.objects.create(case=case, investigation=investigation, legal_basis="SoL",
                                           kind="bistand", decided_on=opened + datetime.timedelta(days=100),
                                           decided_by=user)
        Intervention.objects.create(decision=decision, kind="oppenvard",
                                    started_on=opened + datetime.timedelta(days=110), ended_on=last_entry)
        Case.objects.filter(pk=case.pk).update(status="avslutat", closed_on=last_entry)
    return person


def ensure_rules() -> None:
    """The rules migration 0013 seeds: a transactional test's flush empties the table for those that follow."""
    from django.apps import apps

    importlib.import_module("socialtjanst.migrations.0013_retention").seed_rules(apps, None)


def history_rows(person: Person) -> int:
    """Every history row about the personakt's objects, found through the history tables themselves."""
    with connection.cursor() as cur:
        cur.execute("""
            SELECT (SELECT count(*) FROM socialtjanst_personevent WHERE pgh_obj_id = %(p)s)
                 + (SELECT count(*) FROM socialtjanst_caseevent WHERE person_id = %(p)s)
                 + (SELECT count(*) FROM socialtjanst_intakeevent WHERE case_id IN
                       (SELECT pgh_obj_id FROM socialtjanst_caseevent WHERE person_id = %(p)s))
                 + (SELECT count(*) FROM socialtjanst_investigationevent WHERE case_id IN
                       (SELECT pgh_obj_id FROM socialtjanst_caseevent WHERE person_id = %(p)s))
                 + (SELECT count(*) FROM socialtjanst_decisionevent WHERE case_id IN
                       (SELECT pgh_obj_id FROM socialtjanst_caseevent WHERE person_id = %(p)s))
        """, {"p": person.pk})
        return cur.fetchone()[0]


@pytest.fixture
def world(db):
    ensure_rules()
    unit = UnitFactory(code="UTR_BARN", name="Utredning barn och unga")
    user = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[unit])
    due = personakt(DUE, user, unit)
    fresh = personakt(NOT_YET, user, unit)
    child = personakt(DUE, user, unit)
    with at(DUE - datetime.timedelta(days=150)):
        PlacementFactory(person=child, care_type=care_type("FH_EGET"), unit=unit,
                         start_on=DUE - datetime.timedelta(days=150), end_on=DUE - datetime.timedelta(days=10),
                         end_reason="enligt_plan")
    held = personakt(DUE, user, unit)
    sara = UserFactory(username="sara", role=Role.SYSTEMFORVALTARE)
    retention.case_legal_hold_set(by=sara, case_id=held.cases.get().pk, reason="Tvist i förvaltningsrätten")
    return {"due": due, "fresh": fresh, "child": child, "held": held, "unit": unit, "user": user, "sara": sara}


def test_the_dry_run_counts_what_would_go_and_what_stays_per_category(world):
    with at(RUN):
        plan = retention.retention_plan()
    assert plan.remove_person_ids == sorted([world["due"].pk, world["held"].pk])
    rows = {(r["category"], r["action"]): (r["personakter"], r["cases"]) for r in plan.rows()}
    assert rows[("Personakt (SoL)", "Gallras")] == (1, 1)
    assert rows[("Placering av barn i familjehem, HVB eller annat enskilt hem", "Behålls")] == (1, 1)
    assert rows[("Ärenden med bevarande (rättslig grund)", "Behålls")] == (None, 1)
    assert rows[("Faderskap och adoption", "Behålls")] == (0, 0)
    assert plan.oldest_deadline == D(2026, 12, 31)
    # A dry run removes nothing.
    assert Person.objects.count() == 4 and RetentionRecord.objects.count() == 0


def test_the_run_removes_the_due_personakt_with_its_history_and_keeps_the_rest(world):
    due = world["due"]
    case_id = due.cases.get().pk
    assert history_rows(due) > 0
    with at(RUN):
        result = retention.retention_run(run_by="sara")

    assert (result.personakter, result.cases) == (1, 1)
    assert not Person.objects.filter(pk=due.pk).exists()
    assert not Case.objects.filter(pk=case_id).exists()
    assert not Intake.objects.filter(case_id=case_id).exists()
    assert history_rows(due) == 0
    # Kept: 4 years 364 days, the child's familjehem placement, the case under legal hold.
    for name in ("fresh", "child", "held"):
        person = world[name]
        assert Person.objects.filter(pk=person.pk).exists(), name
        assert Intervention.objects.filter(decision__case__person=person).count() == 1, name
        assert history_rows(person) > 0, name

    record = RetentionRecord.objects.get()
    assert (record.category, record.personakter, record.cases, record.run_by) == (
        RetentionCategory.PERSONAKT, 1, 1, "sara")
    assert record.rows == result.rows > 10
    # The record holds counts, never content: no name, number or text of what went.
    stored = " ".join(str(v) for v in RetentionRecord.objects.values_list().get())
    for secret in (due.first_name, due.last_name, due.id_number, "Oro för barnet"):
        assert secret not in stored


def test_a_second_run_is_a_no_op(world):
    with at(RUN):
        retention.retention_run(run_by="sara")
        counts = (Person.objects.count(), Case.objects.count(), RetentionRecord.objects.count())
        again = retention.retention_run(run_by="sara")
    assert again.is_noop
    assert again.describe() == retention.NOTHING_DUE
    assert (Person.objects.count(), Case.objects.count(), RetentionRecord.objects.count()) == counts


def test_lifting_the_hold_lets_the_next_run_remove_the_case(world):
    held = world["held"]
    retention.case_legal_hold_release(by=world["sara"], case_id=held.cases.get().pk,
                                      reason="Domen har vunnit laga kraft")
    with at(RUN):
        result = retention.retention_run(run_by="sara")
    assert result.personakter == 2
    assert not Person.objects.filter(pk=held.pk).exists()
    assert not CaseRetention.objects.exists()


def test_a_faderskap_case_is_kept(world):
    due = world["due"]
    CaseRetention.objects.create(case=due.cases.get(), paternity_adoption=True)
    with at(RUN):
        plan = retention.retention_plan()
        result = retention.retention_run(run_by="sara")
    assert {r["category"]: r["personakter"] for r in plan.rows()}["Faderskap och adoption"] == 1
    assert result.is_noop
    assert Person.objects.filter(pk=due.pk).exists()


# --- the database roles --------------------------------------------------------------------------------

APP_ROLE = __import__("os").environ.get("DATABASE_APP_ROLE", "ifo_app")


def _set_app_role():
    with connection.cursor() as cur:
        cur.execute(f'SET LOCAL ROLE "{APP_ROLE}"')


def test_the_app_role_runs_the_gallring_through_the_database_functions(world):
    """The web and worker processes log in as the app role, which may not delete history rows; the
    SECURITY DEFINER function does it for them."""
    due = world["due"]
    _set_app_role()
    with connection.cursor() as cur:
        cur.execute("SELECT current_user")
        assert cur.fetchone() == (APP_ROLE,)
    with at(RUN):
        result = retention.retention_run(run_by="sara")
    assert (result.personakter, result.cases) == (1, 1)
    assert history_rows(due) == 0
    assert RetentionRecord.objects.count() == 1


def test_the_app_role_cannot_delete_history_itself_nor_use_the_function_for_what_is_not_due(world):
    from django.db import transaction
    from django.db.utils import ProgrammingError

    fresh = world["fresh"]
    before = history_rows(fresh)
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        _set_app_role()
        with connection.cursor() as cur:
            cur.execute("DELETE FROM socialtjanst_personevent WHERE pgh_obj_id = %s", [fresh.pk])
    with transaction.atomic():
        _set_app_role()
        with connection.cursor() as cur:
            # Not due on RUN (4 years 364 days), nor under a hold's case: the function removes nothing.
            for person in (fresh, world["held"]):
                cur.execute("SELECT * FROM socialtjanst_gallra_personakt(%s, %s)", [person.pk, RUN])
                assert cur.fetchone() == (0, 0, False)
    with pytest.raises(ProgrammingError, match="ligger efter dagens datum"), transaction.atomic(), \
            connection.cursor() as cur:
        cur.execute("SELECT * FROM socialtjanst_gallra_personakt(%s, %s)", [fresh.pk, D(2999, 1, 1)])
    assert history_rows(fresh) == before
    assert Person.objects.filter(pk=world["held"].pk).exists()


def test_the_app_role_may_not_change_the_rules_or_the_record(world):
    from django.db import transaction
    from django.db.utils import ProgrammingError

    for sql in ("UPDATE socialtjanst_retentionrule SET years_after_last_entry = 5",
                "DELETE FROM socialtjanst_retentionrecord"):
        with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
            _set_app_role()
            with connection.cursor() as cur:
                cur.execute(sql)


def test_a_rule_can_never_be_shorter_than_five_years(db):
    from django.db import IntegrityError, transaction

    from socialtjanst.models import RetentionRule

    with pytest.raises(IntegrityError, match="retentionrule_exempt_or_at_least_five_years"), transaction.atomic():
        RetentionRule.objects.filter(category=RetentionCategory.ACCESS_LOG).update(years_after_last_entry=4)


def test_the_access_log_follows_its_own_five_year_rule(world):
    with at(D(2020, 6, 9)):
        old = AccessEvent.objects.create(username="x", action="view", object_type="Case")
    with at(D(2020, 6, 11)):
        young = AccessEvent.objects.create(username="x", action="view", object_type="Case")
    with at(RUN):
        result = retention.retention_run(run_by="sara")
    assert result.access_log_rows == 1
    assert not AccessEvent.objects.filter(pk=old.pk).exists()
    assert AccessEvent.objects.filter(pk=young.pk).exists()
    assert RetentionRecord.objects.get(category=RetentionCategory.ACCESS_LOG).rows == 1


@pytest.mark.parametrize("code,category", [
    ("FH_EGET", RetentionCategory.CHILD_PLACEMENT),
    ("FH_JOUR", RetentionCategory.CHILD_PLACEMENT),
    ("HVB_BOU", RetentionCategory.CHILD_PLACEMENT),
    ("SIS_LVU", RetentionCategory.CHILD_PLACEMENT),
    ("KONTAKTFAMILJ", RetentionCategory.PLACEMENT_ACCOUNTS),  # no placement away from home
    ("HVB_VUXEN", RetentionCategory.PLACEMENT_ACCOUNTS),
])
def test_a_personakt_with_a_placement_is_kept_under_the_placements_category(db, code, category):
    ensure_rules()
    unit = UnitFactory(code="UTR_BARN", name="Utredning barn och unga")
    user = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[unit])
    person = personakt(DUE, user, unit)
    with at(D(2020, 1, 2)):
        PlacementFactory(person=person, care_type=care_type(code), unit=unit, start_on=D(2020, 1, 2),
                         end_on=D(2020, 3, 1), end_reason="enligt_plan")
    with at(RUN):
        plan = retention.retention_plan()
        result = retention.retention_run(run_by="sara")
    assert plan.kept[category] == (1, 1)
    assert plan.remove_person_ids == [] and plan.oldest_deadline is None
    assert result.is_noop and Person.objects.filter(pk=person.pk).exists()


def test_an_old_personakt_with_an_open_case_is_kept_and_counted_for_a_look(world):
    Case.objects.filter(person=world["due"]).update(status="pagaende", closed_on=None)
    with at(RUN):
        plan = retention.retention_plan()
        result = retention.retention_run(run_by="sara")
    rows = {r["category"]: r["personakter"] for r in plan.rows()}
    assert rows[retention.ONGOING_LABEL] == 1
    assert rows["Personakt (SoL)"] == 0
    assert result.is_noop and Person.objects.filter(pk=world["due"].pk).exists()


def test_the_dates_in_the_personakt_count_not_when_its_rows_were_stored(world):
    """An import (or a restore) of an old personakt stores its rows today; its five years run from its dates."""
    due = world["due"]
    stored = datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC)
    Person.objects.filter(pk=due.pk).update(created_at=stored)
    Case.objects.filter(person=due).update(created_at=stored)
    Intake.objects.filter(case__person=due).update(created_at=stored)
    with at(RUN):
        assert due.pk in retention.retention_plan().remove_person_ids
    # A person registered without any case: the registration itself is the only entry.
    with at(NOT_YET):
        lone = PersonFactory()
    with at(RUN):
        assert lone.pk not in retention.retention_plan().remove_person_ids
    with at(D(2025, 6, 11)):  # the fifth anniversary: not yet
        assert lone.pk not in retention.retention_plan().remove_person_ids
    with at(D(2025, 6, 12)):  # the day after
        assert lone.pk in retention.retention_plan().remove_person_ids
