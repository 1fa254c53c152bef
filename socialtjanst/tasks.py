from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="socialtjanst.tasks.sessions_clear_expired", acks_late=True)
def sessions_clear_expired() -> int:
    """Deletes expired sessions. Idempotent: a second run finds nothing to delete."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
