"""Gallring never changes the monthly facts: a personakt with a placement is kept whole (its placement feeds
the facts and closings), and the facts of its months are byte-identical after a run."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from budget import rollup
from budget.models import DirtyMonth
from socialtjanst import retention
from socialtjanst.models import Person, RetentionCategory, RetentionRecord
from socialtjanst.roles import Role
from tests.budget.conftest import ensure_cost_centres
from tests.factories import UnitFactory, UserFactory
from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type
from tests.socialtjanst.test_retention import DUE, RUN, at, history_rows, personakt

D = datetime.date
MONTHS = [D(2019, 11, 1), D(2019, 12, 1), D(2020, 1, 1), D(2020, 2, 1), D(2020, 3, 1), D(2020, 4, 1)]


def facts_as_text() -> list[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT (to_jsonb(f) - 'computed_at')::text FROM budget_monthlyfact f"
                    " WHERE origin_month = ANY(%s::date[]) ORDER BY id", [MONTHS])
        return [row[0] for row in cur.fetchall()]


@pytest.mark.django_db
def test_the_facts_of_a_gallrad_personakts_months_stay_byte_identical():
    ensure_cost_centres()
    unit = UnitFactory(code="VUXEN", name="Vuxenenheten", target_group="vuxna")
    user = UserFactory(username="vera", role=Role.HANDLAGGARE, units=[unit])
    adult = personakt(DUE, user, unit)
    other = personakt(DUE, user, unit)  # no placement: goes
    with at(D(2019, 11, 1)):
        placement = PlacementFactory(person=adult, care_type=care_type("HVB_VUXEN"), unit=unit, legal_basis="SoL",
                                     start_on=D(2019, 11, 4), end_on=D(2020, 3, 20), end_reason="enligt_plan")
        PricePeriodFactory(placement=placement, daily_price=Decimal("2450.00"))
    with at(RUN):
        rollup.rollup_months(MONTHS)
        before = facts_as_text()
        assert len(before) == 5 and not DirtyMonth.objects.filter(month__in=MONTHS).exists()

        plan = retention.retention_plan()
        result = retention.retention_run(run_by="sara")
        assert not DirtyMonth.objects.filter(month__in=MONTHS).exists()  # gallring marked none of its months
        rollup.rollup_months(MONTHS)

    assert plan.kept[RetentionCategory.PLACEMENT_ACCOUNTS] == (1, 1)
    assert (result.personakter, result.cases) == (1, 1)
    assert not Person.objects.filter(pk=other.pk).exists()
    assert Person.objects.filter(pk=adult.pk).exists() and history_rows(adult) > 0
    assert facts_as_text() == before
    assert RetentionRecord.objects.get().personakter == 1
