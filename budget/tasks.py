"""Roll-up tasks. They take periods, never model instances; each is idempotent and safe to
retry (the work is one transaction under an advisory lock, and the dirty marks live in
PostgreSQL, not in the message)."""

from celery import shared_task

from . import rollup


@shared_task(name="budget.tasks.rollup_dirty", acks_late=True, autoretry_for=(Exception,), max_retries=3,
             retry_backoff=True)
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


@shared_task(name="budget.tasks.rollup_period", acks_late=True, autoretry_for=(Exception,), max_retries=3,
             retry_backoff=True)
def rollup_period(year: int, month: int | None = None) -> str:
    """Recomputes a year (or one month) whatever its marks say: the full roll-up."""
    return rollup.rollup_months(rollup.year_months(year, month)).describe()


@shared_task(name="budget.tasks.reconcile", acks_late=True)
def reconcile(mark_current_month: bool = False) -> int:
    """Re-enqueues what PostgreSQL says is due, so a lost Redis message loses nothing. Nightly it
    also marks the current month, whose ongoing placements have no facts until it is computed."""
    if mark_current_month:
        from django.utils import timezone

        rollup.mark_months([timezone.localdate().replace(day=1)])
    due = len(rollup.dirty_months())
    if due:
        rollup_dirty.delay()
    return due
