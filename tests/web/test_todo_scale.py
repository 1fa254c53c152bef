"""Att göra at national scale (issue 19 point 2): the aktualiseringar waiting for a förhandsbedömning are read from
the table migration 0018's triggers keep, so that table must equal "no förhandsbedömning" after every kind of
change: one row or many, through the ORM or in SQL, deleted, moved, truncated. Likewise the favourable decisions
waiting for verkställighet (migration 0022's table) must equal "favourable, not voided, no insats verkställd"."""

import datetime

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef

from socialtjanst.models import FAVOURABLE_DECISION_KINDS, Decision, Intake, Intervention, Screening
from socialtjanst.todo import AWAITING_ENFORCEMENT_SQL, AWAITING_SCREENING_SQL
from tests.factories import CaseFactory, UserFactory
from tests.web.test_todo import intake

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
RECEIVED = datetime.date(2026, 3, 2)


def awaiting() -> set[int]:
    with connection.cursor() as cur:
        cur.execute(AWAITING_SCREENING_SQL)
        return {row[0] for row in cur.fetchall()}


def without_screening() -> set[int]:
    return set(Intake.objects.filter(screening__isnull=True).values_list("pk", flat=True))


def screen(item: Intake, by) -> Screening:
    return Screening.objects.create(intake=item, decided_on=item.received_on + DAY, outcome="inte_inleda",
                                    decided_by=by)


@pytest.fixture
def worker(units):
    return UserFactory(username="hanna", units=[units["own"]])


def test_the_table_follows_every_change_of_intakes_and_screenings(units, worker):
    first, second, third = (intake(CaseFactory(unit=units["own"], responsible=worker), RECEIVED, worker)
                            for _ in range(3))
    assert awaiting() == without_screening() == {first.pk, second.pk, third.pk}

    screening = screen(first, worker)
    screen(second, worker)
    assert awaiting() == without_screening() == {third.pk}

    Screening.objects.filter(pk=screening.pk).update(intake=third)  # moved to another aktualisering
    assert awaiting() == without_screening() == {first.pk}

    Screening.objects.filter(intake=second).delete()
    assert awaiting() == without_screening() == {first.pk, second.pk}

    Intake.objects.filter(pk=second.pk).delete()
    assert awaiting() == without_screening() == {first.pk}


def test_a_statement_of_many_rows_and_a_truncate_keep_it_equal(units, worker):
    case = CaseFactory(unit=units["own"], responsible=worker)
    made = Intake.objects.bulk_create([Intake(
        case=case, kind="orosanmalan", received_at=datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC),
        received_on=RECEIVED, channel="telefon", target_group="barn_unga", registered_by=worker)
        for _ in range(5)])
    Screening.objects.bulk_create([Screening(intake=item, decided_on=RECEIVED, outcome="inleda", decided_by=worker)
                                   for item in made[:3]])
    assert awaiting() == without_screening() == {made[3].pk, made[4].pk}

    with connection.cursor() as cur:
        cur.execute("DELETE FROM socialtjanst_screening WHERE intake_id = %s", [made[0].pk])
    assert awaiting() == without_screening() == {made[0].pk, made[3].pk, made[4].pk}

    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check may be pending for a TRUNCATE
        cur.execute("TRUNCATE socialtjanst_screening CASCADE")
    assert awaiting() == without_screening() == {item.pk for item in made}


# --- the favourable decisions waiting for verkställighet (migration 0022) ----------------------------------------

def awaiting_enforcement() -> set[int]:
    with connection.cursor() as cur:
        cur.execute(AWAITING_ENFORCEMENT_SQL)
        return {row[0] for row in cur.fetchall()}


def not_enforced() -> set[int]:
    """The rule as the list asked it before the table: favourable, not voided, no insats verkställd."""
    started = Intervention.objects.filter(decision=OuterRef("pk"), started_on__isnull=False)
    return set(Decision.objects.filter(kind__in=FAVOURABLE_DECISION_KINDS, voided_reason="")
               .exclude(Exists(started)).values_list("pk", flat=True))


def decide(case, by, kind="bistand") -> Decision:
    return Decision.objects.create(case=case, legal_basis="SoL", kind=kind, decided_on=RECEIVED, decided_by=by)


def test_the_waiting_decisions_follow_every_change_of_decisions_and_insatser(units, worker):
    case = CaseFactory(unit=units["own"], responsible=worker)
    granted, care, refused = decide(case, worker), decide(case, worker, "vard"), decide(case, worker, "avslag")
    assert awaiting_enforcement() == not_enforced() == {granted.pk, care.pk}

    planned = Intervention.objects.create(decision=granted, kind="annat")  # not verkställd yet
    assert awaiting_enforcement() == not_enforced() == {granted.pk, care.pk}
    Intervention.objects.filter(pk=planned.pk).update(started_on=RECEIVED + DAY)
    assert awaiting_enforcement() == not_enforced() == {care.pk}
    Intervention.objects.filter(pk=planned.pk).update(decision=care)  # moved to another decision
    assert awaiting_enforcement() == not_enforced() == {granted.pk}
    Intervention.objects.filter(pk=planned.pk).update(started_on=None)
    assert awaiting_enforcement() == not_enforced() == {granted.pk, care.pk}
    Intervention.objects.create(decision=care, kind="annat", started_on=RECEIVED)
    Intervention.objects.filter(pk=planned.pk).delete()
    assert awaiting_enforcement() == not_enforced() == {granted.pk}

    Decision.objects.filter(pk=granted.pk).update(voided_reason="Fel ärende")
    Decision.objects.filter(pk=refused.pk).update(kind="bistand")
    assert awaiting_enforcement() == not_enforced() == {refused.pk}
    Decision.objects.filter(pk__in=[granted.pk, refused.pk]).update(voided_reason="", kind="omedelbart_omhandertagande")
    assert awaiting_enforcement() == not_enforced() == {granted.pk, refused.pk}
    Decision.objects.filter(pk=refused.pk).delete()
    assert awaiting_enforcement() == not_enforced() == {granted.pk}


def test_many_rows_sql_and_truncates_keep_the_waiting_decisions_equal(units, worker):
    case = CaseFactory(unit=units["own"], responsible=worker)
    made = Decision.objects.bulk_create([
        Decision(case=case, legal_basis="SoL", kind=kind, decided_on=RECEIVED, decided_by=worker)
        for kind in ("bistand", "vard", "avslag", "bistand", "vard")])
    Intervention.objects.bulk_create([Intervention(decision=d, kind="annat", started_on=RECEIVED) for d in made[:2]])
    assert awaiting_enforcement() == not_enforced() == {made[3].pk, made[4].pk}

    with connection.cursor() as cur:
        cur.execute("DELETE FROM socialtjanst_intervention WHERE decision_id = %s", [made[0].pk])
        cur.execute("UPDATE socialtjanst_decision SET voided_reason = 'x' WHERE id = %s", [made[4].pk])
    assert awaiting_enforcement() == not_enforced() == {made[0].pk, made[3].pk}

    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check may be pending for a TRUNCATE
        cur.execute("TRUNCATE socialtjanst_intervention CASCADE")
    assert awaiting_enforcement() == not_enforced() == {made[0].pk, made[1].pk, made[3].pk}
    with connection.cursor() as cur:
        cur.execute("TRUNCATE socialtjanst_decision CASCADE")
    assert awaiting_enforcement() == not_enforced() == set()


def test_the_migrations_frozen_favourable_kinds_are_the_apps():
    """socialtjanst 0022_todo_parts_scale keeps its own copy of the favourable decision kinds; the app's may not drift
    from it without a migration that re-creates the set's functions."""
    import importlib

    frozen = importlib.import_module("socialtjanst.migrations.0022_todo_parts_scale")
    assert tuple(str(kind) for kind in FAVOURABLE_DECISION_KINDS) == frozen.FAVOURABLE_DECISION_KINDS
