"""The deadline report's kept rows (socialtjanst.followup.deadline_kept, socialtjanst 0024_deadline_kept) equal the
live cores after every kind of change the rules read: inserts, each column's update, deletes, a case moving to
another unit or person, a corrected birth date, gallring of a personakt and TRUNCATE; and the database's refresh
function is the SQL the app writes today (a rule changed in deadline_sets or deadlines_sql needs a migration)."""

import datetime
import random

import pytest
from django.db import connection, transaction
from django.db.models import F
from hypothesis import given
from hypothesis import strategies as st

from socialtjanst import retention
from socialtjanst.followup import deadline_kept, deadline_sets, deadline_tally
from socialtjanst.followup import deadline_report as dr
from socialtjanst.models import Case, Decision, Intake, Intervention, Investigation, InvestigationExtension, Screening
from socialtjanst.roles import Role
from tests.concurrency import assert_waits_for, connect
from tests.factories import CaseFactory, PersonFactory, UnitFactory, UserFactory
from tests.socialtjanst.test_deadline_report import decision, extend, intake, investigation
from tests.socialtjanst.test_deadline_sets import TODAY, random_cases  # noqa: F401  (the fixture)
from tests.socialtjanst.test_deadlines_sql import SETTINGS
from tests.socialtjanst.test_retention import DUE, NOT_YET, RUN, at, ensure_rules, personakt

D = datetime.date


def _kept() -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(deadline_kept.KEPT_COLUMNS)} FROM {deadline_kept.KEPT}")
        return sorted(cur.fetchall())


def _live() -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(deadline_kept.live_items_sql())
        return sorted(cur.fetchall())


def _tally() -> tuple[list[tuple], list[tuple]]:
    """(the tally as stored, summed per key; the tally the kept rows give)."""
    with connection.cursor() as cur:
        cur.execute(deadline_tally.DEADLINE_TALLY.stored_sql())
        stored = sorted(cur.fetchall())
        cur.execute(deadline_tally.DEADLINE_TALLY.live_sql())
        return stored, sorted(cur.fetchall())


def assert_kept_is_live():
    kept = _kept()
    assert kept == _live()
    stored, counted = _tally()  # and the frister tally follows the kept rows (deadline_tally)
    assert stored == counted
    return kept


def _function_body(name: str) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [name])
        return cur.fetchone()[0]


@pytest.mark.django_db
def test_the_database_refreshes_with_the_sql_the_app_writes_today():
    written = deadline_kept.refresh_function_sql()
    assert _function_body(deadline_kept.REFRESH_FUNCTION) == written.split("$fn$")[1]
    assert deadline_kept.fill_sql() in _function_body("deadline_kept_intake_truncate")


@pytest.mark.django_db
def test_the_kept_rows_follow_every_change_the_rules_read(random_cases):  # noqa: F811
    units = random_cases
    rows = assert_kept_is_live()
    assert {r[0] for r in rows} == set(deadline_kept.KEPT_KINDS)  # every kind has rows: the test is not trivial

    # Each column the rules read, updated through the ORM (one UPDATE statement each).
    first = Intake.objects.order_by("pk").first()
    Intake.objects.filter(pk=first.pk).update(received_on=D(2024, 2, 29))
    Intake.objects.filter(pk=first.pk).update(target_group="vuxna")
    screening = Screening.objects.order_by("pk").first()
    Screening.objects.filter(pk=screening.pk).update(decided_on=screening.decided_on + datetime.timedelta(days=40))
    Screening.objects.filter(pk=screening.pk).update(
        extended_due_on=D(2024, 5, 31), extension_decided_on=F("decided_on"), extraordinary_reason="Synnerliga skäl")
    assert_kept_is_live()
    inv = Investigation.objects.order_by("pk").first()
    Investigation.objects.filter(pk=inv.pk).update(started_on=D(2023, 10, 31))
    Investigation.objects.filter(pk=inv.pk).update(completed_on=D(2024, 3, 1), outcome="insats")
    extension = extend(inv, D(2024, 1, 15), D(2024, 4, 30))
    InvestigationExtension.objects.filter(pk=extension.pk).update(decided_on=D(2024, 3, 15))
    assert_kept_is_live()
    InvestigationExtension.objects.filter(pk=extension.pk).delete()
    obj = Decision.objects.filter(kind="bistand").order_by("pk").first()
    Decision.objects.filter(pk=obj.pk).update(decided_on=D(2024, 8, 31))
    Decision.objects.filter(pk=obj.pk).update(voided_reason="Felregistrerat")
    other = Decision.objects.filter(kind="bistand", voided_reason="").order_by("-pk").first()
    Decision.objects.filter(pk=other.pk).update(kind="avslag")
    insats = Intervention.objects.filter(decision__voided_reason="", decision__kind="bistand").order_by("pk").first()
    Intervention.objects.filter(pk=insats.pk).update(started_on=D(2024, 12, 31))
    assert_kept_is_live()
    Intervention.objects.filter(pk=insats.pk).delete()  # the decision becomes one item never verkställd
    Screening.objects.filter(pk=screening.pk).delete()
    assert_kept_is_live()

    # Rows moved to another case, a case moved to another unit and to another person, a corrected birth date.
    case, target = Case.objects.order_by("pk")[:2]
    Investigation.objects.filter(case=case).update(case=target)
    Intake.objects.filter(case=case).update(case=target)
    Decision.objects.filter(case=target).update(case=case)
    moved_to = UnitFactory()
    Case.objects.filter(pk=target.pk).update(unit=moved_to)
    assert {r[2] for r in _kept() if r[1] == target.pk} == {moved_to.pk}
    Case.objects.filter(pk=case.pk).update(person=PersonFactory(birth_date=D(1950, 1, 1)))
    target.person.__class__.objects.filter(pk=target.person_id).update(birth_date=D(2010, 6, 1))
    assert_kept_is_live()

    # Many rows in one statement, as an import writes them.
    Investigation.objects.bulk_create([
        Investigation(case=target, started_on=D(2024, 1, 1) + datetime.timedelta(days=n), responsible=inv.responsible)
        for n in range(20)])
    Intake.objects.filter(case__unit=units["own"]).update(received_on=D(2024, 10, 31))
    assert_kept_is_live()

    # Deleted: intakes, investigations and decisions (a whole case goes by gallring, below).
    Intake.objects.filter(screening__isnull=True, case=target).delete()
    Investigation.objects.filter(case=target, extensions__isnull=True, screening__isnull=True,
                                 completed_on__isnull=True).delete()
    Intervention.objects.filter(decision__case=case).delete()
    Decision.objects.filter(case=case).delete()
    assert not [r for r in assert_kept_is_live() if r[1] == case.pk and r[0] == dr.ENFORCEMENT]


@pytest.mark.django_db
def test_gallring_of_a_personakt_takes_its_kept_rows():
    ensure_rules()
    unit = UnitFactory()
    user = UserFactory(role=Role.HANDLAGGARE, units=[unit])
    due, fresh = personakt(DUE, user, unit), personakt(NOT_YET, user, unit)
    case_id = due.cases.get().pk
    assert {r[0] for r in _kept() if r[1] == case_id} >= {dr.SCREENINGS, dr.INVESTIGATIONS, dr.ENFORCEMENT}
    with at(RUN):
        assert retention.retention_run(run_by="sara").cases == 1
    rows = assert_kept_is_live()
    assert not [r for r in rows if r[1] == case_id]
    assert [r for r in rows if r[1] == fresh.cases.get().pk]


@pytest.mark.django_db(transaction=True)
def test_a_truncate_refills_the_kept_rows(units):
    case = CaseFactory(unit=units["own"], person=PersonFactory(birth_date=D(2012, 5, 1)))
    investigation(case, D(2024, 1, 4), D(2024, 3, 1))
    intake(case, D(2024, 1, 4), screened_on=D(2024, 1, 10))
    assert {r[0] for r in _kept()} == {dr.SCREENINGS, dr.INVESTIGATIONS, "days"}
    with connection.cursor() as cur:  # no row trigger fires: the kept rows are refilled from what is left
        cur.execute("TRUNCATE socialtjanst_screening, socialtjanst_investigation CASCADE")
    assert [r[0] for r in assert_kept_is_live()] == [dr.SCREENINGS]  # the intake is due again, not done


@pytest.mark.django_db
def test_the_report_reads_the_kept_rows_as_the_live_cores_count(random_cases):  # noqa: F811
    rng = random.Random(24)
    for _ in range(3):  # changed between the reads: the kept rows follow
        inv = rng.choice(list(Investigation.objects.all()))
        completed_on = rng.choice([None, D(2024, 2, 29), D(2024, 12, 31)])
        Investigation.objects.filter(pk=inv.pk).update(completed_on=completed_on,
                                                       outcome="insats" if completed_on else "")
        periods = [dr.period_bounds(2024, rng.choice([None, 2, 10])), dr.period_bounds(2023, None)]
        for units in (None, [random_cases["own"].pk]):
            for today in (TODAY, D(2024, 6, 30)):
                assert (deadline_sets.figures_for_periods(units, periods, today)
                        == deadline_sets.figures_for_periods(units, periods, today, live=True))


@pytest.mark.django_db
def test_the_drill_down_pages_are_the_live_misses_in_order(random_cases):  # noqa: F811
    # A page's keys come from the kept rows, its columns from the live items of its due dates: page by page
    # the same rows as the one pass over the live items the export makes.
    start, end = dr.period_bounds(2024, None)
    for kind in dr.KINDS:
        for units in (None, [random_cases["own"].pk]):
            everything = list(deadline_sets.MissRows(kind, units, start, end, TODAY))
            rows = deadline_sets.MissRows(kind, units, start, end, TODAY)
            assert len(rows) == len(everything) > 0, (kind, units)
            paged = [r for n in range(0, len(rows), 3) for r in rows[n:n + 3]]
            assert paged == everything, (kind, units)
            assert rows[len(rows) - 1] == everything[-1]


@pytest.mark.django_db(transaction=True)
def test_two_transactions_changing_one_case_leave_its_rows_equal_to_the_cores(units):
    """One gives an insats to a decision while the other voids that decision: the second refresh waits for the
    first to commit, then sees its rows, so the insats' row does not survive the voiding."""
    case = CaseFactory(unit=units["own"], person=PersonFactory(birth_date=D(2012, 5, 1)))
    given = decision(case, D(2024, 3, 1), with_intervention=False)
    with connect() as first, connect() as second:
        first.execute("INSERT INTO socialtjanst_intervention (decision_id, kind, started_on, ended_on, version)"
                      " VALUES (%s, 'oppenvard', date '2024-04-01', NULL, 0)", [given.pk])
        assert_waits_for(first, lambda: (
            second.execute("UPDATE socialtjanst_decision SET voided_reason = 'Fel ärende' WHERE id = %s",
                           [given.pk]), second.commit()))
    assert not [r for r in assert_kept_is_live() if r[1] == case.pk and r[0] == dr.ENFORCEMENT]


_DAYS = st.dates(min_value=D(2023, 10, 1), max_value=D(2025, 3, 31))
_STEP = st.one_of(
    st.tuples(st.just("intake"), _DAYS, st.one_of(st.none(), st.integers(0, 40)), st.booleans()),
    st.tuples(st.just("investigation"), _DAYS, st.one_of(st.none(), st.integers(0, 200)), st.booleans()),
    st.tuples(st.just("decision"), _DAYS, st.one_of(st.none(), st.integers(0, 150)), st.booleans()),
    st.tuples(st.just("move"), _DAYS, st.none(), st.booleans()),
    st.tuples(st.just("delete"), _DAYS, st.none(), st.booleans()),
)


@pytest.mark.django_db
@SETTINGS
@given(st.lists(_STEP, min_size=1, max_size=8))
def test_the_kept_rows_equal_the_cores_after_random_changes(units, steps):
    """Random intakes, investigations (with an extension), decisions, moves and deletes around month ends: after
    each statement the kept rows are the cores' rows."""
    with transaction.atomic():
        cases = [CaseFactory(unit=units["own"], person=PersonFactory(birth_date=D(2010, 2, 28))),
                 CaseFactory(unit=units["other"], person=PersonFactory(birth_date=None))]
        for n, (what, day, after, flag) in enumerate(steps):
            case = cases[n % 2]
            later = day + datetime.timedelta(days=after) if after is not None else None
            if what == "intake":
                intake(case, day, screened_on=later)
            elif what == "investigation":
                inv = investigation(case, day, later)
                if flag:
                    extend(inv, day + datetime.timedelta(days=100), day + datetime.timedelta(days=150))
            elif what == "decision":
                decision(case, day, started_on=later, with_intervention=flag)
            elif what == "move":
                Case.objects.filter(pk=case.pk).update(unit=units["other"] if flag else UnitFactory())
            else:
                Intervention.objects.filter(decision__case=case).delete()
                Decision.objects.filter(case=case).update(voided_reason="Fel" if flag else "")
            assert_kept_is_live()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_app_role_may_read_insert_and_delete_the_kept_rows_but_not_rewrite_them():
    # The triggers run as the role that made the change (the app's): they insert and delete, nothing more.
    import os

    role = os.environ.get("DATABASE_APP_ROLE", "ifo_app")
    with connection.cursor() as cur:
        for table in (deadline_kept.KEPT, deadline_tally.TALLY, "placements_care_review_item"):
            cur.execute("SELECT " + ", ".join(f"has_table_privilege(%s, %s, '{p}')" for p in
                                              ("SELECT", "INSERT", "DELETE", "UPDATE", "TRUNCATE")),
                        [role, table] * 5)
            assert cur.fetchone() == (True, True, True, False, False), table


def test_an_enhetschefs_figures_read_the_tally_not_every_item(units):
    """The figures read the tally of the kept rows (socialtjanst 0033_deadline_tally), a few rows per unit and due
    date, not the kept rows one per item (78 → 2 ms for an enhetschef's two years at national scale)."""
    from django.test.utils import CaptureQueriesContext

    periods = [dr.period_bounds(2024, None), dr.period_bounds(2023, None)]
    for scope in ([units["own"].pk], None):
        with CaptureQueriesContext(connection) as queries:
            deadline_sets.figures_for_periods(scope, periods, TODAY)
        statement = next(q["sql"] for q in queries.captured_queries if "SUM(days)" in q["sql"])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + statement)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert deadline_tally.TALLY in plan and deadline_kept.KEPT not in plan, plan
