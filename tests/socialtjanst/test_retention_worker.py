"""The monthly task on a real Celery worker, logged in as the application's database role as in production:
it removes what is due through the database function, and a second delivery changes nothing.

The worker runs at the real today (time-machine reaches only this process), so the dates count back from it."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from socialtjanst.models import Person, RetentionCategory, RetentionRecord
from socialtjanst.roles import Role
from socialtjanst.tasks import retention_run
from tests.factories import UnitFactory, UserFactory
from tests.socialtjanst.test_retention import ensure_rules, history_rows, personakt

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_task_removes_what_is_due_once_and_a_second_run_is_a_no_op(celery_worker_process):
    ensure_rules()
    today = timezone.localdate()
    unit = UnitFactory(code="UTR_BARN", name="Utredning barn och unga")
    user = UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[unit])
    sara = UserFactory(username="sara", role=Role.SYSTEMFORVALTARE)
    due = personakt(today - relativedelta(years=5) - datetime.timedelta(days=1), user, unit)
    kept = personakt(today - relativedelta(years=5) + datetime.timedelta(days=1), user, unit)

    first = retention_run.apply_async(kwargs={"by_user_id": sara.pk}, ignore_result=False).get(timeout=120)
    second = retention_run.apply_async(kwargs={"by_user_id": sara.pk}, ignore_result=False).get(timeout=120)

    assert first.startswith("Gallrat: 1 personakter, 1 ärenden, ")
    assert second == "Inget att gallra."
    assert not Person.objects.filter(pk=due.pk).exists() and history_rows(due) == 0
    assert Person.objects.filter(pk=kept.pk).exists()
    record = RetentionRecord.objects.get()
    assert (record.category, record.personakter, record.cases, record.run_by) == (
        RetentionCategory.PERSONAKT, 1, 1, "sara")
