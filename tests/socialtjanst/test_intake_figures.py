"""The intake statement (socialtjanst.followup.intake_statistics.intake_figures) against the rules of its module
docstring written out in Python, one intake at a time: every figure of every breakdown, this period and last year,
for the whole municipality and for a unit scope, on random intakes (issue 19: the rewrite must count the same)."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.periods import Period
from socialtjanst.followup import intake_statistics as stats
from socialtjanst.models import Channel, ConcernCategory, IntakeKind, ReporterCategory, TargetGroup
from tests.factories import CaseFactory, PersonFactory
from tests.socialtjanst.test_intake_statistics import make_decision, make_intake, make_investigation, make_screening

D = datetime.date
GENDERS = ("kvinna", "man", "okant")
UNITS = ("own", "other", "adult")
SETS = ("kind", "target_group", "total", "reporter", "channel", "month", "concern")


def _python_figures(intakes, units, period: Period) -> dict:
    """{(set, this period?): {key: measures}} as intake_figures returns it, from the rules: anmälningar are
    orosanmälningar; individuals distinct persons; gender buckets kvinna/man/everything else; a report counts
    once under each distinct concern ('' for none); only keys that have an intake appear; the gender buckets and
    screening counts only by target group and in total, the tables that show them."""
    keys = {
        "kind": lambda i: i["kind"], "target_group": lambda i: i["target_group"], "total": lambda i: True,
        "reporter": lambda i: i["reporter"], "channel": lambda i: i["channel"], "month": lambda i: i["day"].month,
    }
    groups: dict = {}
    for this, part in ((True, period), (False, period.last_year())):
        first, last = part.bounds()
        rows = [i for i in intakes if first <= i["day"] <= last and (units is None or i["unit"] in units)]
        for name in SETS if this else stats.LAST_YEAR_SETS:
            found: dict = {}
            for row in rows:
                if name != "kind" and row["kind"] != IntakeKind.REPORT:
                    continue
                if name == "concern":
                    for concern in set(row["concerns"]) or {""}:
                        found.setdefault(concern, []).append(row)
                else:
                    found.setdefault(keys[name](row), []).append(row)
            groups[(name, this)] = {key: _measures(name, found[key]) for key in found}
    return {k: v for k, v in groups.items() if v}


def _measures(name: str, rows: list[dict]) -> dict:
    persons = {row["person"]: row["gender"] for row in rows}
    measures = {"events": len(rows), "individuals": len(persons)}
    if name not in stats.FULL_SETS:  # the other tables show events and individuals only
        return measures
    return {**measures, "female": sum(g == "kvinna" for g in persons.values()),
            "male": sum(g == "man" for g in persons.values()),
            "unknown": sum(g not in ("kvinna", "man") for g in persons.values()),
            "not_investigated": sum(row["outcome"] == "inte_inleda" for row in rows),
            "screened": sum(row["outcome"] is not None for row in rows)}


DAYS = st.dates(D(2022, 11, 1), D(2025, 2, 28))
INTAKES = st.lists(st.fixed_dictionaries({
    "person": st.integers(0, 4), "unit": st.sampled_from(UNITS), "day": DAYS,
    "kind": st.sampled_from(IntakeKind.values), "channel": st.sampled_from(Channel.values),
    "reporter": st.sampled_from(["", *ReporterCategory.values[:4]]),
    "target_group": st.sampled_from(TargetGroup.values),
    "concerns": st.lists(st.sampled_from(ConcernCategory.values[:4]), max_size=3),  # duplicates too
    "outcome": st.sampled_from([None, "inleda", "inte_inleda"]),
}), min_size=1, max_size=14)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(intakes=INTAKES, genders=st.lists(st.sampled_from(GENDERS), min_size=5, max_size=5),
       through=st.none() | st.integers(1, 12), scope=st.sampled_from([None, ("own",), ("own", "adult")]))
def test_the_statement_counts_as_the_rules_on_random_intakes(units, intakes, genders, through, scope):
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
        rows = [{**spec, "person": persons[spec["person"]].pk, "gender": genders[spec["person"]]}
                for spec in intakes]
        unit_ids = None if scope is None else [units[name].pk for name in scope]
        rows = [{**row, "unit": units[row["unit"]].pk} for row in rows]
        for year in (2023, 2024, 2025):
            period = Period(year, through)
            expected = _python_figures(rows, None if unit_ids is None else set(unit_ids), period)
            figures = stats.intake_figures(unit_ids, period)
            assert figures.groups == expected, (year, through, scope)
            if scope is None and through is None:  # the indicator's own small statement, against the total row
                total = stats.reports_by_target_group(figures)[1]
                assert stats.share_reports_not_investigated(year) == total["not_investigated_share"]
        transaction.set_rollback(True)


def _python_people(rows: list[dict], key) -> tuple[dict, dict]:
    """({key: figures}, total): events, individuals and both per gender bucket, as _people_figures counts them."""
    def figures(part):
        persons = {row["person"]: row["gender"] for row in part}
        buckets = {"female": lambda g: g == "kvinna", "male": lambda g: g == "man",
                   "unknown": lambda g: g not in ("kvinna", "man")}
        return {"events": len(part), "individuals": len(persons),
                **{name: sum(test(g) for g in persons.values()) for name, test in buckets.items()},
                **{f"events_{name}": sum(test(row["gender"]) for row in part) for name, test in buckets.items()}}
    found: dict = {}
    for row in rows:
        found.setdefault(key(row), []).append(row)
    return {k: figures(v) for k, v in found.items()}, figures(rows)


EVENTS = st.lists(st.fixed_dictionaries({
    "person": st.integers(0, 4), "unit": st.sampled_from(UNITS), "day": DAYS,
    "law": st.sampled_from(["SoL", "LVU", "LVM"]), "voided": st.booleans(), "investigation": st.booleans(),
}), min_size=1, max_size=12)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(events=EVENTS, genders=st.lists(st.sampled_from(GENDERS), min_size=5, max_size=5),
       through=st.none() | st.integers(1, 12), scope=st.sampled_from([None, ("own",), ("own", "adult")]))
def test_investigations_and_decisions_count_as_the_rules_on_random_cases(units, events, genders, through, scope):
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
        for year in (2023, 2024):
            period = Period(year, through)
            first, last = period.bounds()
            inside = [row for row in rows if first <= row["day"] <= last and (scope is None or row["unit"] in scope)]
            investigations = [row for row in inside if row["investigation"]]
            decisions = [row for row in inside if not row["investigation"] and not row["voided"]]
            assert stats.investigation_figures(unit_ids, period) == _python_people(
                investigations, lambda row: row["target_group"])
            by_law, by_group, total = stats.decision_figures(unit_ids, period)
            assert (by_law, total) == _python_people(decisions, lambda row: row["law"])
            assert by_group == _python_people(decisions, lambda row: row["target_group"])[0]
        transaction.set_rollback(True)
