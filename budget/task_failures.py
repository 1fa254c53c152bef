"""Delivery counting and failure records for background tasks (issue 12 point 6).

With late acks a message whose task kills its worker process is handed out again, and again:
a poison message would loop for ever. So every delivery is counted in PostgreSQL, committed before
the task body runs; past MAX_DELIVERIES the task is recorded as failed and acknowledged unrun.
A task that exhausts its retries, or raises an error that is not transient, is recorded too.
The controller sees unresolved failures on the closing page; a later success of the same task
with the same arguments resolves them."""

import logging

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .models import TaskDelivery, TaskFailure

logger = logging.getLogger(__name__)

# A delivery beyond this stops the task: two deaths may be a deploy or an out-of-memory kill of a
# neighbour; a third in a row is the message itself.
MAX_DELIVERIES = 3
POISON_ERROR = "Avbröts efter {deliveries} leveranser: arbetsprocessen dog varje gång uppgiften kördes."
ERROR_MAX_CHARS = 2000


def delivery_count(*, task_id: str, attempt: int, task_name: str) -> int:
    """Counts one more delivery of this attempt and returns the count, committed at once."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO budget_taskdelivery (task_id, attempt, task_name, deliveries, first_delivered_at)
            VALUES (%s, %s, %s, 1, %s)
            ON CONFLICT (task_id, attempt) DO UPDATE SET deliveries = budget_taskdelivery.deliveries + 1
            RETURNING deliveries
            """,
            [task_id, attempt, task_name, timezone.now()],
        )
        return cur.fetchone()[0]


def delivery_end(*, task_id: str, attempt: int) -> None:
    """Forgets the count of this attempt and of earlier ones (left behind when the database was away
    as they ended)."""
    TaskDelivery.objects.filter(task_id=task_id, attempt__lte=attempt).delete()


def failure_record(*, task_name: str, task_id: str, args, kwargs, deliveries: int, error: str) -> None:
    """Records a final failure. Never raises: with PostgreSQL down the log is all we have."""
    try:
        TaskFailure.objects.create(
            task_name=task_name, task_id=task_id, arguments={"args": list(args or []), "kwargs": dict(kwargs or {})},
            deliveries=max(deliveries, 1), error=error[:ERROR_MAX_CHARS], failed_at=timezone.now(),
        )
    except DatabaseError:
        logger.exception("Kunde inte registrera att %s[%s] misslyckades: %s", task_name, task_id, error)


def failures_resolve(*, task_name: str, args, kwargs) -> int:
    """Marks earlier failures of the same task with the same arguments as resolved."""
    return TaskFailure.objects.filter(
        task_name=task_name, resolved_at__isnull=True,
        arguments={"args": list(args or []), "kwargs": dict(kwargs or {})},
    ).update(resolved_at=timezone.now())


def unresolved_failures(limit: int = 50):
    return TaskFailure.objects.filter(resolved_at__isnull=True).order_by("-failed_at")[:limit]
