import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from socialtjanst.tasks import sessions_clear_expired
from tests.worker import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_clears_expired_sessions_through_redis_and_a_second_run_changes_nothing(celery_worker_process):
    now = timezone.now()
    Session.objects.create(session_key="gammal" * 5, session_data="x", expire_date=now - datetime.timedelta(hours=1))
    Session.objects.create(session_key="aktiv" * 6, session_data="x", expire_date=now + datetime.timedelta(hours=1))

    sessions_clear_expired.delay()
    assert wait_for(lambda: not Session.objects.filter(session_key="gammal" * 5).exists())
    assert list(Session.objects.values_list("session_key", flat=True)) == ["aktiv" * 6]

    # Idempotent: a second delivery finds nothing to do and leaves the same rows.
    # One solo worker takes tasks in order, so once the next task's effect shows, this one has run.
    sessions_clear_expired.delay()
    Session.objects.create(session_key="gammal2" * 4, session_data="x", expire_date=now - datetime.timedelta(days=1))
    sessions_clear_expired.delay()
    assert wait_for(lambda: not Session.objects.filter(session_key="gammal2" * 4).exists())
    assert list(Session.objects.values_list("session_key", flat=True)) == ["aktiv" * 6]
