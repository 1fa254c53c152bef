"""The intake statistics count from socialtjanst_statistics_fact, the table migration 0025's statement triggers keep
from its twin, the view socialtjanst_statistics_fact_live (issue 19 point 2). So: the table equals the view after
every kind of change the rows read (one row or many, through the ORM or in SQL, moved, deleted, truncated), and the
page's figures from the table equal the live statements' (the oracle) and the rules written out in Python, for the
whole municipality, one unit and several units, on random data."""

import datetime

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.periods import Period
from socialtjanst.followup import intake_statistics as stats
from socialtjanst.followup import statistics_facts
from socialtjanst.models import Case, Decision, Intake, Investigation, Person, Screening, Unit
from tests.concurrency import assert_waits_for, connect
from tests.factories import CaseFactory, PersonFactory, UserFactory
from tests.socialtjanst.test_intake_figures import EVENTS, GENDERS, INTAKES, _python_figures, _python_people
from tests.socialtjanst.test_intake_statistics import make_decision, make_intake, make_investigation, make_screening

D = datetime.date
COLUMNS = ("source, row_id, person_id, unit_id, on_date, gender, kind, target_group, reporter_category, channel,"
           " legal_basis, concern, screened, not_investigated, first_all, first_unit, multi_unit")
SCOPES = [None, ("own",), ("own", "adult"), ("own", "other", "adult"), ()]


def kept() -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {COLUMNS} FROM socialtjanst_statistics_fact ORDER BY 1, 2, 12")  # noqa: S608
        return cur.fetchall()


def live() -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {COLUMNS} FROM socialtjanst_statistics_fact_live ORDER BY 1, 2, 12")  # noqa: S608
        return cur.fetchall()


def assert_kept(units, *, years=(2023, 2024)):
    """The table equals its twin, and every page figure from it equals the live statements', in every scope."""
    assert kept() == live()
    for scope in SCOPES:
        unit_ids = None if scope is None else [units[name].pk for name in scope]
        for year in years:
            for through in (None, 3):
                period = Period(year, through)
                with connection.cursor() as cur:
                    assert statistics_facts.intake_groups(unit_ids, period, cur) == stats.intake_figures(
                        unit_ids, period).groups, (scope, year, through)
                    assert statistics_facts.investigation_figures(unit_ids, period, cur) == \
                        stats.investigation_figures(unit_ids, period)
                    assert statistics_facts.decision_figures(unit_ids, period, cur) == \
                        stats.decision_figures(unit_ids, period)


@pytest.fixture
def world(units):
    """Two persons with reports, a screening, an utredning and decisions, one of them in two units."""
    anna, bo = PersonFactory(gender="kvinna"), PersonFactory(gender="man")
    own, other, adult = (CaseFactory(unit=units["own"], person=anna), CaseFactory(unit=units["other"], person=anna),
                         CaseFactory(unit=units["adult"], person=bo))
    first = make_intake(own, D(2024, 2, 1), concerns=["vald", "missbruk"])
    make_intake(other, D(2024, 1, 20), target_group="barn_unga")
    make_intake(adult, D(2023, 2, 5), kind="ansokan")
    make_screening(first, "inte_inleda")
    make_investigation(own, D(2024, 3, 1))
    make_decision(other, D(2024, 4, 1), "LVU")
    make_decision(adult, D(2024, 4, 2), voided_reason="Fel ärende")
    return {"anna": anna, "bo": bo, "own": own, "other": other, "adult": adult, "first": first}


@pytest.mark.django_db
def test_the_table_follows_inserts_and_every_column_the_rows_read(units, world):
    assert_kept(units)
    assert len(kept()) > 0
    first = world["first"]
    for change in ({"received_on": D(2023, 12, 30)}, {"received_on": D(2024, 1, 25)}, {"kind": "information"},
                   {"kind": "orosanmalan"}, {"target_group": "vuxna"}, {"reporter_category": "polis"},
                   {"channel": "brev"}, {"concern_categories": []}, {"concern_categories": ["vald"]},
                   {"case": world["adult"]}):
        Intake.objects.filter(pk=first.pk).update(**change)
        assert_kept(units)
    Screening.objects.filter(intake=first).update(outcome="inleda")
    assert_kept(units)
    other = make_intake(world["other"], D(2024, 1, 10))
    Screening.objects.filter(intake=first).update(intake=other)  # moved to another aktualisering
    assert_kept(units)
    Screening.objects.filter(intake=other).update(intake=first)
    Intake.objects.filter(pk=first.pk).update(concern_text="Ny text")  # nothing the rows read: no refresh needed
    assert_kept(units)
    Screening.objects.filter(intake=first).delete()
    assert_kept(units)
    investigation = Investigation.objects.get()
    Investigation.objects.filter(pk=investigation.pk).update(started_on=D(2023, 12, 31))
    Investigation.objects.filter(pk=investigation.pk).update(case=world["adult"])
    assert_kept(units)
    Decision.objects.filter(legal_basis="LVU").update(legal_basis="SoL")
    Decision.objects.filter(voided_reason="").update(voided_reason="Fel")  # voided: no longer counted
    assert_kept(units)
    Decision.objects.update(voided_reason="", decided_on=D(2024, 1, 9))
    assert_kept(units)


@pytest.mark.django_db
def test_the_table_follows_a_case_moved_a_person_changed_and_a_unit_changed(units, world):
    Case.objects.filter(pk=world["other"].pk).update(unit=units["adult"])  # anna now in own and adult
    assert_kept(units)
    Case.objects.filter(pk=world["adult"].pk).update(person=world["anna"])  # bo's case given to anna
    assert_kept(units)
    Person.objects.filter(pk=world["anna"].pk).update(gender="okant")
    assert_kept(units)
    Unit.objects.filter(pk=units["adult"].pk).update(target_group="barn_unga")
    assert_kept(units)
    Person.objects.filter(pk=world["bo"].pk).update(first_name="Bosse")  # nothing the rows read
    assert_kept(units)


@pytest.mark.django_db
def test_the_table_follows_deletions_in_any_order_and_many_rows_in_one_statement(units, world):
    Investigation.objects.all().delete()
    Decision.objects.filter(case=world["other"]).delete()
    assert_kept(units)
    with transaction.atomic(), connection.cursor() as cur:  # the case first: the foreign keys are deferred
        cur.execute("DELETE FROM socialtjanst_case WHERE id = %s", [world["adult"].pk])
        cur.execute("DELETE FROM socialtjanst_decision WHERE case_id = %s", [world["adult"].pk])
        cur.execute("DELETE FROM socialtjanst_intake WHERE case_id = %s", [world["adult"].pk])
    assert_kept(units)
    by = UserFactory(username="massa")
    with connection.cursor() as cur:  # an import's shape: many intakes in one statement
        cur.execute(
            "INSERT INTO socialtjanst_intake (kind, received_at, received_on, channel, target_group,"
            " reporter_category, reporter_contact, concern_categories, concern_text, safety_result, version,"
            " created_at, case_id, registered_by_id)"
            " SELECT 'orosanmalan', now(), d, 'telefon', 'barn_unga', 'skola', '', ARRAY['vald'], '', '', 0, now(),"
            " c.id, %s FROM socialtjanst_case c CROSS JOIN generate_series(date '2023-12-30', date '2024-01-03',"
            " interval '1 day') d", [by.pk])
    assert_kept(units)
    Screening.objects.filter(intake__in=Intake.objects.all()).delete()
    Intake.objects.filter(case=world["own"]).delete()
    assert_kept(units)
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred check
        cur.execute("TRUNCATE socialtjanst_screening, socialtjanst_intake CASCADE")
    assert_kept(units)


@pytest.mark.django_db
def test_the_page_and_the_export_count_the_same_from_the_table_as_live(units, world, enhetschef, controller):
    enhetschef.unitmembership_set.create(unit=units["adult"])
    for user in (None, controller, enhetschef):
        for unit_id in (None, units["adult"].pk):
            for through in (None, 4):
                arguments = {"user": user, "year": 2024, "through_month": through, "unit_id": unit_id}
                assert stats.intake_statistics(**arguments) == stats.intake_statistics(**arguments, kept=False)
                assert stats.report_rows(**arguments) == stats.report_rows(**arguments, kept=False)
    rows, totals = stats.report_rows(user=controller, year=2024)
    assert (totals["reports"], totals["individuals"], totals["female"]) == (2, 1, 1)
    assert (totals["decisions"], totals["investigations_started"], totals["reports_last_year"]) == (1, 1, 0)


HYPOTHESIS = settings(max_examples=30, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.django_db
@HYPOTHESIS
@given(intakes=INTAKES, genders=st.lists(st.sampled_from(GENDERS), min_size=5, max_size=5),
       through=st.none() | st.integers(1, 12), scope=st.sampled_from(SCOPES[:4]))
def test_the_kept_intake_figures_count_as_the_rules_on_random_intakes(units, intakes, genders, through, scope):
    with transaction.atomic():
        persons = [PersonFactory(gender=gender) for gender in genders]
        cases: dict = {}
        for spec in intakes:
            key = (spec["person"], spec["unit"])
            if key not in cases:
                cases[key] = CaseFactory(unit=units[key[1]], person=persons[key[0]], opened_on=D(2022, 1, 3))
            intake = make_intake(cases[key], spec["day"], kind=spec["kind"], channel=spec["channel"],
                                 reporter=spec["reporter"], concerns=spec["concerns"],
                                 target_group=spec["target_group"])
            if spec["outcome"]:
                make_screening(intake, spec["outcome"])
        rows = [{**spec, "person": persons[spec["person"]].pk, "gender": genders[spec["person"]],
                 "unit": units[spec["unit"]].pk} for spec in intakes]
        unit_ids = None if scope is None else [units[name].pk for name in scope]
        assert kept() == live()
        for year in (2023, 2024, 2025):
            period = Period(year, through)
            with connection.cursor() as cur:
                assert statistics_facts.intake_groups(unit_ids, period, cur) == _python_figures(
                    rows, None if unit_ids is None else set(unit_ids), period), (year, through, scope)
        transaction.set_rollback(True)


@pytest.mark.django_db
@HYPOTHESIS
@given(events=EVENTS, genders=st.lists(st.sampled_from(GENDERS), min_size=5, max_size=5),
       through=st.none() | st.integers(1, 12), scope=st.sampled_from(SCOPES[:4]))
def test_the_kept_people_figures_count_as_the_rules_on_random_cases(units, events, genders, through, scope):
    with transaction.atomic():
        persons = [PersonFactory(gender=gender) for gender in genders]
        rows = []
        for spec in events:
            case = CaseFactory(unit=units[spec["unit"]], person=persons[spec["person"]], opened_on=D(2022, 1, 3))
            if spec["investigation"]:
                make_investigation(case, spec["day"])
            else:
                make_decision(case, spec["day"], spec["law"], voided_reason="Fel ärende" if spec["voided"] else "")
            rows.append({**spec, "person": persons[spec["person"]].pk, "gender": genders[spec["person"]],
                         "target_group": units[spec["unit"]].target_group})
        unit_ids = None if scope is None else [units[name].pk for name in scope]
        assert kept() == live()
        for year in (2023, 2024):
            period = Period(year, through)
            first, last = period.bounds()
            inside = [row for row in rows if first <= row["day"] <= last and (scope is None or row["unit"] in scope)]
            investigations = [row for row in inside if row["investigation"]]
            decisions = [row for row in inside if not row["investigation"] and not row["voided"]]
            with connection.cursor() as cur:
                assert statistics_facts.investigation_figures(unit_ids, period, cur) == _python_people(
                    investigations, lambda row: row["target_group"])
                by_law, by_group, total = statistics_facts.decision_figures(unit_ids, period, cur)
            assert (by_law, total) == _python_people(decisions, lambda row: row["law"])
            assert by_group == _python_people(decisions, lambda row: row["target_group"])[0]
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_two_transactions_changing_one_person_leave_her_rows_equal_to_the_twin(units):
    """One adds an anmälan about Anna while the other deletes another of hers: the second refresh waits for the
    first to commit, then sees its rows, so the deleted anmälan's row does not survive in the table."""
    anna = PersonFactory(gender="kvinna")
    case = CaseFactory(unit=units["own"], person=anna)
    doomed = make_intake(CaseFactory(unit=units["other"], person=anna), D(2024, 2, 1))  # her other case
    by = UserFactory(username="samtidig")
    with connect() as first, connect() as second:
        first.execute(
            "INSERT INTO socialtjanst_intake (kind, received_at, received_on, channel, target_group,"
            " reporter_category, reporter_contact, concern_categories, concern_text, safety_result, version,"
            " created_at, case_id, registered_by_id) VALUES ('orosanmalan', now(), date '2024-01-15', 'telefon',"
            " 'barn_unga', 'skola', '', '{}', '', '', 0, now(), %s, %s)", [case.pk, by.pk])
        assert_waits_for(first, lambda: (
            second.execute("DELETE FROM socialtjanst_intake WHERE id = %s", [doomed.pk]), second.commit()))
    assert kept() == live()
    assert {row[1] for row in kept() if row[0] == "intake"} == set(
        Intake.objects.values_list("pk", flat=True)) and doomed.pk not in {row[1] for row in kept()}


@pytest.mark.django_db
def test_gallring_of_a_personakt_by_the_app_role_takes_her_rows_with_it(units):
    from socialtjanst import retention
    from socialtjanst.roles import Role
    from tests.socialtjanst.test_retention import DUE, NOT_YET, RUN, _set_app_role, at, ensure_rules, personakt

    ensure_rules()
    user = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["other"]])
    due, fresh = personakt(DUE, user, units["other"]), personakt(NOT_YET, user, units["other"])
    assert {row[2] for row in kept()} == {due.pk, fresh.pk}
    _set_app_role()  # the web and worker processes' role: the SECURITY DEFINER function deletes for it
    with at(RUN):
        assert retention.retention_run(run_by="sara").personakter == 1
    assert kept() == live()
    assert {row[2] for row in kept()} == {fresh.pk}


@pytest.mark.django_db
def test_the_app_role_runs_the_triggers_when_it_registers_and_screens(units, world):
    from tests.socialtjanst.test_retention import _set_app_role

    _set_app_role()  # what the web process logs in as: it needs the rows it refreshes and the persons' lock
    intake = make_intake(world["own"], D(2024, 6, 3), concerns=["vald"])
    make_screening(intake, "inte_inleda")
    Investigation.objects.filter(case=world["own"]).delete()
    assert kept() == live()
    assert ("intake", intake.pk) in {row[:2] for row in kept()}
