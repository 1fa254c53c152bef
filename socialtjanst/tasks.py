import logging

from celery import shared_task
from celery.signals import worker_ready
from django.contrib.sessions.models import Session
from django.db import InterfaceError, OperationalError
from django.utils import timezone
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


# Retried only while the database is away, after 15, 30, 60, 120 and 240 s (as budget.tasks); a nightly,
# idempotent clean-up that still fails is simply done the next night.
@shared_task(name="socialtjanst.tasks.sessions_clear_expired", acks_late=True,
             autoretry_for=(OperationalError, InterfaceError), max_retries=5, retry_backoff=15, retry_backoff_max=600,
             retry_jitter=False)
def sessions_clear_expired() -> int:
    """Deletes expired sessions. Idempotent: a second run finds nothing to delete."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


# Sent by beat every minute, expiring after 50 s (CELERY_BEAT_SCHEDULE); never retried: the next one comes.
@shared_task(name="socialtjanst.tasks.worker_heartbeat", acks_late=True, ignore_result=True)
def worker_heartbeat() -> None:
    """Records that a worker takes tasks now, for /halsa/redo. Idempotent: one Redis key, overwritten."""
    from .health import worker_heartbeat_record

    worker_heartbeat_record()


@worker_ready.connect(dispatch_uid="socialtjanst.worker_heartbeat_on_start")
def _worker_heartbeat_on_start(**kwargs) -> None:
    """A worker that has just started beats at once, rather than at beat's next minute: /halsa/redo is ready
    as soon as the worker is."""
    from .health import worker_heartbeat_record

    try:
        worker_heartbeat_record()
    except (RedisError, OSError):
        logger.warning("Workerns första hjärtslag kunde inte skrivas; beat skickar nästa inom en minut.")


# Monthly (settings.CELERY_BEAT_SCHEDULE): removes what socialtjanst.retention says is due. Takes a user id,
# never an instance; idempotent (a second run finds nothing), so a redelivery or a retry is harmless.
@shared_task(name="socialtjanst.tasks.retention_run", acks_late=True,
             autoretry_for=(OperationalError, InterfaceError), max_retries=5, retry_backoff=15, retry_backoff_max=600,
             retry_jitter=False)
def retention_run(by_user_id: int | None = None) -> str:
    from django.contrib.auth import get_user_model

    from . import retention

    run_by = retention.SCHEDULED_RUN_BY
    if by_user_id is not None:
        run_by = get_user_model().objects.get(pk=by_user_id).get_username()
    return retention.retention_run(run_by=run_by).describe()


# Every ten minutes (settings.CELERY_BEAT_SCHEDULE): the tallies' + and - rows folded, one per key
# (common.tally), so the frister page and Att göra's totals read a few thousand rows. Takes nothing; idempotent (a
# second run finds nothing to fold), and every figure is the same before and after, so a run that is late or lost
# only leaves the pages a little slower. Returns the rows removed.
@shared_task(name="socialtjanst.tasks.tally_compact", acks_late=True,
             autoretry_for=(OperationalError, InterfaceError), max_retries=5, retry_backoff=15, retry_backoff_max=600,
             retry_jitter=False)
def tally_compact() -> int:
    from .followup.deadline_tally import DEADLINE_TALLY
    from .todo_kept import TODO_TALLY

    return DEADLINE_TALLY.compact() + TODO_TALLY.compact()
