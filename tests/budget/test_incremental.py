"""One dirty month recomputed alone equals the same month of a whole run (issue 19 point 3): the one-month
statement reads only the placements and price periods that overlap the month, and must lose nothing."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget.fresh import FRESH_SQL, fresh_params
from tests.budget.test_rollup import WINDOW, _reset, build_for_shared_person, placement_specs
from tests.factories import PersonFactory, UnitFactory
from tests.placements.factories import ProviderFactory


def fresh(months) -> dict[tuple, tuple]:
    with connection.cursor() as cur:
        cur.execute(FRESH_SQL, fresh_params(months))
        columns = [c.name for c in cur.description]
        rows = [dict(zip(columns, r, strict=True)) for r in cur.fetchall()]
    return {(r["month_start"], r["cost_centre_id"], r["care_type_id"], r["provider_id"], r["legal_basis"]):
            tuple(r[m] for m in ("regime", "target_group", "care_days", "cost", "persons", "started", "ended",
                                 "unpriced_days")) for r in rows}


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(specs=st.lists(placement_specs(), min_size=1, max_size=12))
def test_each_month_alone_equals_that_month_of_the_whole_run(specs):
    _reset()
    persons = [PersonFactory() for _ in range(3)]
    unit, provider = UnitFactory(), ProviderFactory()
    for spec in specs:
        build_for_shared_person(spec, persons, unit, provider)
    whole = fresh(WINDOW)
    for month in WINDOW:
        assert fresh([month]) == {k: v for k, v in whole.items() if k[0] == month}
