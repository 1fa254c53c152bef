"""The roll-up through Redis and real Celery workers: woken on commit, idempotent, and safe on
two workers at once; the reconciler finds what no message announced."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction

from budget import rollup
from budget.models import DirtyMonth, MonthlyFact
from budget.reference import reference_facts
from budget.tasks import reconcile, rollup_period
from placements.models import Placement
from tests.budget.conftest import ensure_cost_centres
from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type
from tests.worker import start_worker, stop_worker, wait_for, worker_idle

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
D = datetime.date
MONTHS_2024 = rollup.year_months(2024)


def snapshot():
    return sorted(
        (f.booking_month, f.origin_month, f.cost_centre_id, f.care_type_id, f.provider_id, f.legal_basis,
         f.care_days, f.cost, f.persons, f.started, f.ended, f.unpriced_days)
        for f in MonthlyFact.objects.filter(origin_month__year=2024)
    )


def as_reference():
    return sorted(
        (k[0], k[0], k[1], k[2], k[3], k[4], v["care_days"], v["cost"], v["persons"], v["started"], v["ended"],
         v["unpriced_days"])
        for k, v in reference_facts(MONTHS_2024).items()
    )


@pytest.fixture
def placements_2024():
    ensure_cost_centres()
    made = []
    for i, code in enumerate(["HVB_BOU", "FH_EGET", "SIS_LVU", "STODBOENDE_BOU"]):
        p = PlacementFactory(care_type=care_type(code), start_on=D(2024, 1 + i, 3 + i))
        price = {"monthly_amount": Decimal("31000")} if code == "FH_EGET" else {"daily_price": Decimal(4100 + i)}
        PricePeriodFactory(placement=p, **price)
        made.append(p)
    return made


def test_a_committed_change_wakes_the_worker_which_rolls_up_the_dirty_months(celery_worker_process,
                                                                              placements_2024):
    # The commit of each factory save sent rollup_dirty (delay_on_commit); the worker clears the marks.
    assert wait_for(lambda: not DirtyMonth.objects.exists(), timeout=60)
    assert snapshot() == as_reference()

    Placement.objects.filter(pk=placements_2024[0].pk).update(end_on=D(2024, 6, 30), end_reason="enligt_plan")
    assert DirtyMonth.objects.exists()  # a bulk update sends no signal; the reconciler finds the marks
    reconcile.delay()
    assert wait_for(lambda: not DirtyMonth.objects.exists(), timeout=60)
    assert snapshot() == as_reference()


@pytest.fixture
def second_worker(celery_worker_process):
    """Another worker process on the same queue, logged in like the first; its log kept for a failure."""
    proc = start_worker("test2", loglevel="WARNING")
    yield proc
    stop_worker(proc)


def _waiting_for_the_rollup_lock() -> set[int]:
    """Backends of this database waiting for the roll-up's advisory lock (bigint key: high and low halves)."""
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                    " AND classid::bigint = %s AND objid::bigint = %s",
                    [rollup.ROLLUP_LOCK >> 32, rollup.ROLLUP_LOCK & 0xFFFFFFFF])
        return {row[0] for row in cur.fetchall()}


def _activity() -> list[tuple]:
    """What every other session of the test database is doing: the failure message when the wait fails."""
    with connection.cursor() as cur:
        cur.execute("SELECT pid, state, wait_event_type, wait_event, left(query, 120) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return cur.fetchall()


def test_the_same_year_on_two_workers_at_once_gives_identical_facts(celery_worker_process, second_worker,
                                                                     placements_2024):
    assert wait_for(lambda: not DirtyMonth.objects.exists(), timeout=60)
    # The wake-ups the fixture's saves queued are run first: one of them waiting on the lock below would take a
    # worker from the two tasks under test.
    assert wait_for(worker_idle, timeout=60)
    before = snapshot()
    # The test holds the roll-up's lock, so both tasks are seen inside two workers at the same time
    # (each solo worker runs one task, each waits on its own connection); then the lock is let go.
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [rollup.ROLLUP_LOCK])
        results = [rollup_period.apply_async(args=[2024], ignore_result=False) for _ in range(2)]
        both_waited = wait_for(lambda: len(_waiting_for_the_rollup_lock()) == 2, timeout=120)
        assert both_waited, (_activity(), celery_worker_process.log.read_text()[-3000:],
                             second_worker.log.read_text()[-3000:])
        assert not any(r.ready() for r in results)
    descriptions = [r.get(timeout=120) for r in results]

    assert descriptions[0].startswith("Månader: 2024-01") and descriptions[1].startswith("Månader: 2024-01")
    assert snapshot() == before == as_reference()
    assert len(before) == 4 * 12 - (0 + 1 + 2 + 3)  # one fact row per placement and month from its start month
