"""A save that loses a real deadlock is run again, not answered with 500 (common.middleware_retry).

The cycle is the one the kept report tables allow: a personnummer correction locks the person row and then, in its
deadline trigger, her cases; a förhandsbedömning saved at that moment locks the case (deadline trigger) and then
the person (statistics trigger). Here a second connection takes the correction's two locks in its order, around the
request, so PostgreSQL aborts the request (it waited first)."""

import datetime
import threading
import time

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from common import kept
from socialtjanst.models import Screening
from tests.concurrency import connect
from tests.factories import CaseFactory, PersonFactory
from tests.socialtjanst.test_deadline_report import intake
from tests.web.test_todo import fast_password_hashing  # noqa: F401


def _lock_waiter(observer: psycopg.Connection, holder_pid: int) -> int | None:
    """The backend waiting for a lock the holder has, if any."""
    row = observer.execute("SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                           [holder_pid]).fetchone()
    return row[0] if row else None


@pytest.mark.django_db(transaction=True)
def test_a_screening_that_loses_a_deadlock_is_saved_on_the_retry(units, handlaggare):
    case = CaseFactory(unit=units["own"], responsible=handlaggare, person=PersonFactory(birth_date=datetime.date(2015,
                                                                                                               3, 1)))
    received = intake(case, timezone.localdate() - datetime.timedelta(days=3))
    client = Client()
    client.force_login(handlaggare)
    screening = {"decided_on": timezone.localdate().isoformat(), "outcome": "inte_inleda", "track": "andra_linjen"}
    responses, errors = [], []

    def save():
        try:
            responses.append(client.post(f"/anmalningar/{received.pk}/forhandsbedomning/", screening))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    correction, observer = connect(), connect(autocommit=True)
    try:
        holder = correction.execute("SELECT pg_backend_pid()").fetchone()[0]
        # The correction's first lock: the person row (its UPDATE) ...
        correction.execute("SELECT 1 FROM socialtjanst_person WHERE id = %s FOR NO KEY UPDATE", [case.person_id])
        thread = threading.Thread(target=save)
        thread.start()
        deadline = time.monotonic() + 30
        while _lock_waiter(observer, holder) is None:  # the request holds the case and waits for the person
            assert thread.is_alive() and time.monotonic() < deadline, (responses, errors)
            time.sleep(0.02)
        # ... then her cases (its deadline trigger): a cycle with the request, which waited first and is aborted.
        correction.execute("SELECT 1 FROM socialtjanst_case WHERE id = %s FOR NO KEY UPDATE", [case.pk])
        correction.execute("UPDATE socialtjanst_person SET birth_date = %s WHERE id = %s",
                           [datetime.date(2015, 3, 2), case.person_id])
        correction.commit()
        thread.join(60)
    finally:
        correction.close()
        observer.close()
    assert not thread.is_alive() and errors == []
    assert [r.status_code for r in responses] == [302]  # saved, and on to the intake; not a 500
    assert Screening.objects.filter(intake=received).count() == 1
    with connection.cursor() as cur:
        assert set(kept.differences(cur).values()) == {(0, 0)}
