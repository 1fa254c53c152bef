"""Att göra's kept items under concurrent writes (socialtjanst.todo_kept's lock): two transactions changing the
same person's items through different rows refresh one after the other, so the second one's DELETE sees what the
first one kept and nothing stale is left beside its own rows."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from socialtjanst.models import Case
from socialtjanst.todo import TodoQuery
from tests.concurrency import assert_waits_for, connect
from tests.factories import CaseFactory, UserFactory
from tests.web.test_todo import fast_password_hashing, intake  # noqa: F401

DAY = datetime.timedelta(days=1)


@pytest.mark.django_db(transaction=True)
def test_two_transactions_on_one_persons_items_leave_none_stale(units):
    today = timezone.localdate()
    worker = UserFactory(username="hanna", units=[units["own"]])
    case = CaseFactory(unit=units["own"], responsible=worker)
    intake(case, today - 20 * DAY, worker)
    open_cases = Case.objects.filter(status=Case.Status.OPEN)
    assert len(TodoQuery(open_cases, today).rows()) == 1
    with connect() as first, connect() as second:
        # The first re-keeps the person's items (a changed aktualisering) and stays open, while the second closes
        # the case: its refresh waits for the first's.
        first.execute("UPDATE socialtjanst_intake SET received_on = received_on - 1,"
                      " safety_assessed_on = safety_assessed_on - 1 WHERE case_id = %s", [case.pk])
        assert_waits_for(first, lambda: (
            second.execute("UPDATE socialtjanst_case SET status = 'avslutat', closed_on = %s WHERE id = %s",
                           [today, case.pk]), second.commit()))
    assert TodoQuery(open_cases, today, live=True).rows() == []
    assert TodoQuery(open_cases, today).rows() == []
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM socialtjanst_todo_item WHERE case_id = %s", [case.pk])
        assert cur.fetchone() == (0,)
