"""Roll-up tasks. They take periods, never model instances; each is idempotent and safe to
retry (the work is one transaction under an advisory lock, and the dirty marks live in
PostgreSQL, not in the message).

Every task here runs through GuardedTask: transient errors (PostgreSQL restarting, a dropped
connection) are retried with an exponential back-off spanning minutes, a message that keeps
killing its worker stops after MAX_DELIVERIES, and a final failure is recorded where the
controller sees it (budget.task_failures)."""

import logging

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

from common.queueing import enqueue, enqueue_on_commit

from . import rollup, task_failures

logger = logging.getLogger(__name__)

# Errors that say "try again later", not "this is wrong": the database or the broker is away.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerOperationalError)
# Retries after 15, 30, 60, 120 and 240 s: an outage of up to about 8 minutes is ridden out,
# and a restart of PostgreSQL (seconds) costs one retry. No jitter: a retry 0 s later is no back-off.
RETRY_POLICY = {
    "autoretry_for": TRANSIENT_ERRORS,
    "max_retries": 5,
    "retry_backoff": 15,
    "retry_backoff_max": 600,
    "retry_jitter": False,
}


class GuardedTask(DjangoTask):
    """Counts each delivery before running the body and records the final failure. In a worker,
    Celery's tracer has pushed the request already, so the body is called as `run` directly."""

    abstract = True
    acks_late = True

    def __call__(self, *args, **kwargs):
        request = self.request
        if request.called_directly or not request.id:  # a plain function call, no message to count
            return super().__call__(*args, **kwargs)
        attempt = request.retries or 0
        try:
            deliveries = task_failures.delivery_count(task_id=request.id, attempt=attempt, task_name=self.name)
        except TRANSIENT_ERRORS as exc:
            # Counting is outside the body's autoretry, but a database that is away is as transient here.
            raise self.retry(exc=exc, countdown=self.retry_countdown()) from exc
        if deliveries > task_failures.MAX_DELIVERIES:
            error = task_failures.POISON_ERROR.format(deliveries=deliveries - 1)
            logger.error("%s[%s]: %s", self.name, request.id, error)
            task_failures.failure_record(task_name=self.name, task_id=request.id, args=args, kwargs=kwargs,
                                         deliveries=deliveries - 1, error=error)
            task_failures.delivery_end(task_id=request.id, attempt=attempt)
            request.stopped_as_poison = True  # on_success must not resolve the failure just recorded
            return None  # acknowledged unrun: the message is not handed out again
        try:
            return self.run(*args, **kwargs)
        finally:
            # Reached on success, retry and error alike; only a dead process leaves the count behind.
            try:
                task_failures.delivery_end(task_id=request.id, attempt=attempt)
            except TRANSIENT_ERRORS:
                logger.warning("%s[%s]: leveransräkningen kunde inte rensas", self.name, request.id)

    def retry_countdown(self) -> int:
        """The same back-off as autoretry gives the body (RETRY_POLICY)."""
        return get_exponential_backoff_interval(factor=self.retry_backoff, retries=self.request.retries or 0,
                                                maximum=self.retry_backoff_max, full_jitter=self.retry_jitter)

    def delay_on_commit(self, *args, **kwargs) -> None:
        """As Celery's, but sent through common.queueing: Redis down or frozen never fails or
        holds up the request whose commit sends it (the dirty marks are already in PostgreSQL)."""
        enqueue_on_commit(self, *args, **kwargs)

    def on_success(self, retval, task_id, args, kwargs):
        if getattr(self.request, "stopped_as_poison", False):
            return
        try:
            task_failures.failures_resolve(task_name=self.name, args=args, kwargs=kwargs)
        except TRANSIENT_ERRORS:
            logger.warning("%s[%s]: tidigare fel kunde inte markeras som lösta", self.name, task_id)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        task_failures.failure_record(task_name=self.name, task_id=task_id, args=args, kwargs=kwargs,
                                     deliveries=(self.request.retries or 0) + 1, error=f"{type(exc).__name__}: {exc}")


@shared_task(name="budget.tasks.rollup_dirty", base=GuardedTask, **RETRY_POLICY)
def rollup_dirty() -> str:
    """Recomputes the months PostgreSQL marks as dirty, until none is left."""
    total = rollup.RollupResult(months=[])
    while True:
        result = rollup.rollup_dirty()
        if not result.months:
            break
        total.months += result.months
        total.inserted += result.inserted
        total.updated += result.updated
        total.deleted += result.deleted
    return total.describe()


@shared_task(name="budget.tasks.rollup_period", base=GuardedTask, **RETRY_POLICY)
def rollup_period(year: int, month: int | None = None) -> str:
    """Recomputes a year (or one month) whatever its marks say: the full roll-up."""
    return rollup.rollup_months(rollup.year_months(year, month)).describe()


@shared_task(name="budget.tasks.reconcile", base=GuardedTask, **RETRY_POLICY)
def reconcile(mark_current_month: bool = False) -> int:
    """Re-enqueues what PostgreSQL says is due, so a lost Redis message loses nothing. Nightly it
    also marks the current month, whose ongoing placements have no facts until it is computed."""
    if mark_current_month:
        from django.utils import timezone

        rollup.mark_months([timezone.localdate().replace(day=1)])
    due = len(rollup.dirty_months())
    if due:
        enqueue(rollup_dirty)
    return due
