"""How the roll-up tasks retry (issue 12 point 6): only transient errors, backing off over minutes
rather than spending three attempts within a second."""

from celery.utils.time import get_exponential_backoff_interval
from django.db import IntegrityError, InterfaceError, OperationalError

from budget.tasks import reconcile, rollup_dirty, rollup_period


def countdowns(task) -> list[int]:
    # The same computation Celery's autoretry makes for retry number n.
    return [get_exponential_backoff_interval(factor=task.retry_backoff, retries=n, maximum=task.retry_backoff_max,
                                             full_jitter=task.retry_jitter) for n in range(task.max_retries)]


def test_the_roll_up_tasks_retry_after_15_30_60_120_and_240_seconds():
    for task in (rollup_dirty, rollup_period, reconcile):
        assert countdowns(task) == [15, 30, 60, 120, 240]
        assert sum(countdowns(task)[:3]) >= 60  # the first three attempts alone span more than a minute


def test_only_transient_errors_are_retried():
    for task in (rollup_dirty, rollup_period, reconcile):
        assert issubclass(OperationalError, task.autoretry_for)
        assert issubclass(InterfaceError, task.autoretry_for)
        assert not issubclass(IntegrityError, task.autoretry_for)  # a broken rule is recorded, not retried
        assert not issubclass(ValueError, task.autoretry_for)


def test_the_session_clean_up_backs_off_the_same_way():
    from socialtjanst.tasks import sessions_clear_expired

    assert countdowns(sessions_clear_expired) == [15, 30, 60, 120, 240]
    assert issubclass(OperationalError, sessions_clear_expired.autoretry_for)
