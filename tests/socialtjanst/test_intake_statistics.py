import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from socialtjanst import access
from socialtjanst.followup import intake_statistics as stats
from socialtjanst.models import Decision, Intake, Investigation, Screening
from tests.factories import CaseFactory, PersonFactory, UserFactory

D = datetime.date
STHLM = ZoneInfo("Europe/Stockholm")


def make_intake(case, received_on, *, kind="orosanmalan", channel="telefon", reporter="skola", concerns=(),
                target_group=None):
    return Intake.objects.create(
        case=case, kind=kind, received_at=datetime.datetime.combine(received_on, datetime.time(9), tzinfo=STHLM),
        received_on=received_on, channel=channel, target_group=target_group or case.unit.target_group,
        reporter_category=reporter, concern_categories=list(concerns), registered_by=UserFactory(username="reg"),
    )


def make_screening(intake, outcome):
    return Screening.objects.create(intake=intake, decided_on=intake.received_on + datetime.timedelta(days=5),
                                    outcome=outcome, decided_by=UserFactory(username="reg"))


def make_investigation(case, started_on):
    return Investigation.objects.create(case=case, started_on=started_on, responsible=UserFactory(username="reg"))


def make_decision(case, decided_on, legal_basis="SoL", voided_reason=""):
    return Decision.objects.create(case=case, legal_basis=legal_basis, kind="bistand", decided_on=decided_on,
                                   decided_by=UserFactory(username="reg"), voided_reason=voided_reason)


def child_case(unit, gender="okant", **kwargs):
    return CaseFactory(unit=unit, person=PersonFactory(gender=gender, **kwargs))


def by_key(rows, key="key"):
    return {r[key]: r for r in rows}


@pytest.mark.django_db
def test_three_reports_about_one_child_and_one_about_another_of_unknown_gender(units):
    girl, unknown = child_case(units["own"], "kvinna"), child_case(units["other"], "okant")
    for day in (D(2024, 2, 1), D(2024, 3, 5), D(2024, 4, 9)):
        make_intake(girl, day)
    make_intake(unknown, D(2024, 5, 2))

    rows, totals = stats.report_rows(user=None, year=2024)

    children = by_key(rows, "target_group")["barn_unga"]
    for figures in (children, totals):
        assert (figures["reports"], figures["individuals"]) == (4, 2)
        assert (figures["female"], figures["male"], figures["unknown"]) == (1, 0, 1)
        assert figures["female"] + figures["male"] + figures["unknown"] == figures["individuals"] == 2
    assert by_key(rows, "target_group")["vuxna"]["reports"] == 0


@pytest.mark.django_db
def test_only_orosanmalningar_are_anmalningar_the_other_kinds_are_counted_by_kind(units):
    case = child_case(units["own"])
    make_intake(case, D(2024, 2, 1))
    make_intake(case, D(2024, 2, 2), kind="ansokan")
    make_intake(case, D(2024, 2, 3), kind="information")

    statistics = stats.intake_statistics(user=None, year=2024)

    assert statistics.summary_totals["reports"] == 1
    kinds = by_key(statistics.by_kind)
    assert {k: (kinds[k]["events"], kinds[k]["individuals"]) for k in kinds} == {
        "orosanmalan": (1, 1), "ansokan": (1, 1), "information": (1, 1), "eget_initiativ": (0, 0)}


@pytest.mark.django_db
def test_reporter_concern_and_channel_breakdowns_count_events_and_individuals(units):
    a, b = child_case(units["own"]), child_case(units["own"])
    make_intake(a, D(2024, 3, 1), reporter="polis", channel="e_tjanst", concerns=["vald", "kriminalitet"])
    make_intake(a, D(2024, 3, 2), reporter="polis", channel="telefon", concerns=["vald"])
    make_intake(b, D(2024, 3, 3), reporter="skola", channel="telefon", concerns=[])
    make_intake(b, D(2024, 3, 4), reporter="", channel="telefon", concerns=["vald"])

    statistics = stats.intake_statistics(user=None, year=2024)

    reporters = by_key(statistics.by_reporter)
    assert (reporters["polis"]["events"], reporters["polis"]["individuals"]) == (2, 1)
    assert (reporters["skola"]["events"], reporters[""]["events"], reporters[""]["label"]) == (1, 1, "Ej angiven")
    assert sum(r["events"] for r in statistics.by_reporter) == 4
    concerns = by_key(statistics.by_concern)
    assert (concerns["vald"]["events"], concerns["vald"]["individuals"]) == (3, 2)
    assert (concerns["kriminalitet"]["events"], concerns[""]["events"]) == (1, 1)
    assert concerns["vald"]["label"] == "Barnets miljö: våld"
    channels = by_key(statistics.by_channel)
    assert (channels["telefon"]["events"], channels["telefon"]["individuals"]) == (3, 2)
    assert (channels["e_tjanst"]["events"], channels["brev"]["events"]) == (1, 0)


@pytest.mark.django_db
def test_share_not_investigated_is_over_reports_with_a_decided_screening(units):
    case = child_case(units["own"])
    reports = [make_intake(case, D(2024, 6, day)) for day in (1, 2, 3, 4)]
    make_screening(reports[0], "inte_inleda")
    make_screening(reports[1], "inleda")
    make_screening(reports[2], "inleda")
    # reports[3] still waits for its förhandsbedömning

    rows, totals = stats.report_rows(user=None, year=2024)

    assert totals["not_investigated"] == 1
    assert totals["not_investigated_share"] == Decimal("0.3333")
    assert by_key(rows, "target_group")["vuxna"]["not_investigated_share"] is None
    assert stats.share_reports_not_investigated(2024) == Decimal("0.3333")


@pytest.mark.django_db
def test_last_year_is_the_same_months_and_month_by_month_sits_beside_it(units):
    case = child_case(units["own"], "man")
    make_intake(case, D(2023, 3, 31))
    make_intake(case, D(2023, 4, 1))  # after the through-month: not in the comparison
    make_intake(case, D(2024, 1, 10))
    make_intake(case, D(2024, 3, 1))
    make_intake(case, D(2024, 3, 31))
    make_intake(case, D(2024, 4, 1))  # after the through-month

    rows, totals = stats.report_rows(user=None, year=2024, through_month=3)
    statistics = stats.intake_statistics(user=None, year=2024, through_month=3)

    assert (totals["reports"], totals["reports_last_year"], totals["individuals_last_year"]) == (3, 1, 1)
    assert [(m["month"], m["reports"], m["reports_last_year"], m["individuals"]) for m in statistics.months] == [
        (1, 1, 0, 1), (2, 0, 0, 0), (3, 2, 1, 1)]


@pytest.mark.django_db
def test_investigations_and_decisions_by_law_and_gender_as_events_and_individuals(units):
    girl, boy = child_case(units["own"], "kvinna"), child_case(units["own"], "man")
    adult = child_case(units["adult"], "okant")
    make_investigation(girl, D(2024, 2, 1))
    make_investigation(girl, D(2024, 8, 1))
    make_investigation(adult, D(2024, 3, 1))
    make_investigation(boy, D(2023, 12, 31))  # last year
    make_decision(girl, D(2024, 3, 1), "SoL")
    make_decision(girl, D(2024, 9, 1), "SoL")
    make_decision(boy, D(2024, 4, 1), "LVU")
    make_decision(boy, D(2024, 4, 2), "LVU", voided_reason="Registrerad på fel ärende")
    make_decision(adult, D(2024, 5, 1), "LVM")

    statistics = stats.intake_statistics(user=None, year=2024)
    rows, totals = stats.report_rows(user=None, year=2024)

    laws = by_key(statistics.decisions)
    assert (laws["SoL"]["events"], laws["SoL"]["individuals"], laws["SoL"]["events_female"]) == (2, 1, 2)
    assert (laws["LVU"]["events"], laws["LVU"]["individuals"], laws["LVU"]["male"]) == (1, 1, 1)
    assert (laws["LVM"]["events"], laws["LVM"]["unknown"], laws["LSB"]["events"]) == (1, 1, 0)
    assert (statistics.decisions_total["events"], statistics.decisions_total["individuals"]) == (4, 3)
    groups = by_key(statistics.investigations)
    assert (groups["barn_unga"]["events"], groups["barn_unga"]["individuals"], groups["barn_unga"]["female"]) == (
        2, 1, 1)
    assert (groups["vuxna"]["events"], groups["vuxna"]["events_unknown"]) == (1, 1)
    children = by_key(rows, "target_group")["barn_unga"]
    assert (children["investigations_started"], children["investigations_individuals"]) == (2, 1)
    assert (children["decisions"], children["decisions_individuals"]) == (3, 2)
    assert (totals["decisions"], totals["decisions_individuals"]) == (4, 3)


@pytest.mark.django_db
def test_totals_count_a_person_once_even_under_two_target_groups(units):
    person = PersonFactory(gender="kvinna")
    make_intake(CaseFactory(unit=units["own"], person=person), D(2024, 5, 1))
    make_intake(CaseFactory(unit=units["adult"], person=person), D(2024, 9, 1))

    rows, totals = stats.report_rows(user=None, year=2024)

    assert sum(r["individuals"] for r in rows) == 2
    assert (totals["reports"], totals["individuals"], totals["female"]) == (2, 1, 1)


@pytest.mark.django_db
def test_enhetschef_counts_own_units_and_may_narrow_to_one_of_them(units, enhetschef, controller, handlaggare):
    make_intake(child_case(units["own"]), D(2024, 5, 1))
    make_intake(child_case(units["other"]), D(2024, 5, 1))

    assert stats.report_rows(user=enhetschef, year=2024)[1]["reports"] == 1
    assert stats.report_rows(user=controller, year=2024)[1]["reports"] == 2
    assert stats.report_rows(user=controller, year=2024, unit_id=units["other"].pk)[1]["reports"] == 1
    assert stats.report_rows(user=handlaggare, year=2024)[1]["reports"] == 0
    assert list(access.followup_units_for_user(enhetschef)) == [units["own"]]


@pytest.mark.django_db
def test_the_export_rows_cost_a_fixed_number_of_queries(units, django_assert_num_queries):
    for i in range(12):
        case = child_case(units["own"] if i % 2 else units["adult"], "kvinna" if i % 3 else "man")
        make_screening(make_intake(case, D(2024, 1 + i % 12, 1)), "inte_inleda" if i % 2 else "inleda")
        make_decision(case, D(2024, 6, 1))
    # Three statements (intakes of both years, investigations, decisions) on one report cursor: its savepoint,
    # settings and release are the other three.
    with django_assert_num_queries(6):
        stats.report_rows(user=None, year=2024)
