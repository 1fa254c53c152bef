"""/halsa/live and /halsa/redo (issue 13, point 4): JSON, no session, nothing sensitive, 503 when not ready.

Against the real PostgreSQL and Redis of the test run; transactional, so a worker or gunicorn started by
a test sees the same rows."""

import datetime
import json
import time

import pytest
import redis
import requests
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from budget.models import DirtyMonth
from socialtjanst import health
from socialtjanst.tasks import worker_heartbeat
from tests.tasks.test_task_log_request_id import worker_log  # noqa: F401 - the fixture
from tests.web.test_etjanst_load import gunicorn
from tests.worker import wait_for

ALL_OK = {"status": "ok", "checks": {"databas": "ok", "redis": "ok", "worker": "ok", "omrakning": "ok"}}


@pytest.fixture
def no_dirty_months(transactional_db):
    DirtyMonth.objects.all().delete()  # what the migrations' triggers marked on the way


@pytest.fixture
def heartbeat_store():
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(health.HEARTBEAT_KEY)
    yield client
    client.delete(health.HEARTBEAT_KEY)
    client.close()


def beat_seconds_ago(store, seconds: float) -> None:
    store.set(health.HEARTBEAT_KEY, repr(time.time() - seconds))


def get(path: str, **headers):
    """As a probe does: a fresh client, no cookie, no log-in."""
    response = Client().get(path, headers=headers)
    return response, json.loads(response.content)


def assert_nothing_remembered(response):
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"


def test_live_answers_without_a_session_and_without_the_database():
    # No django_db mark: any query (a session, a user, the access log) would fail this test.
    response, body = get("/halsa/live")
    assert response.status_code == 200
    assert body == {"status": "ok", "checks": {}}
    assert_nothing_remembered(response)
    assert response["X-Request-ID"]


def test_ready_when_database_redis_worker_and_rollup_are_well(no_dirty_months, heartbeat_store):
    beat_seconds_ago(heartbeat_store, 10)
    DirtyMonth.objects.create(month=datetime.date(2026, 11, 1), seq=1,
                              marked_at=timezone.now() - datetime.timedelta(minutes=14))

    response, body = get("/halsa/redo")

    assert response.status_code == 200
    assert body == ALL_OK
    assert_nothing_remembered(response)
    assert Session.objects.count() == 0


def test_not_ready_when_the_worker_heartbeat_is_stale_or_missing(no_dirty_months, heartbeat_store):
    beat_seconds_ago(heartbeat_store, settings.HEALTH_WORKER_MAX_AGE_SECONDS + 1)
    response, body = get("/halsa/redo")
    assert response.status_code == 503
    assert body == {"status": "fel", "checks": {"databas": "ok", "redis": "ok", "worker": "fel", "omrakning": "ok"}}

    heartbeat_store.delete(health.HEARTBEAT_KEY)  # a worker that never beat since Redis started
    response, body = get("/halsa/redo")
    assert response.status_code == 503
    assert body["checks"]["worker"] == "fel"


def test_not_ready_when_a_dirty_month_waited_longer_than_15_minutes(no_dirty_months, heartbeat_store):
    beat_seconds_ago(heartbeat_store, 10)
    for number in range(3):  # three stale months: the answer says "fel", never how many
        DirtyMonth.objects.create(month=datetime.date(2026, 9 + number, 1), seq=number + 1,
                                  marked_at=timezone.now() - datetime.timedelta(minutes=15, seconds=30))

    response, body = get("/halsa/redo")

    assert response.status_code == 503
    assert body == {"status": "fel", "checks": {"databas": "ok", "redis": "ok", "worker": "ok", "omrakning": "fel"}}
    assert_nothing_remembered(response)


def test_the_answer_reveals_nothing_whatever_is_asked(no_dirty_months, heartbeat_store):
    """The JSON above is the whole body: no host, port, version, error text or count, in any format asked for."""
    beat_seconds_ago(heartbeat_store, settings.HEALTH_WORKER_MAX_AGE_SECONDS + 60)
    DirtyMonth.objects.create(month=datetime.date(2026, 10, 1), seq=7,
                              marked_at=timezone.now() - datetime.timedelta(hours=3))
    for accept in ("text/html", "text/plain", "application/openmetrics-text", "*/*"):
        response = Client().get("/halsa/redo?format=text", headers={"Accept": accept})
        text = response.content.decode()
        assert response.status_code == 503
        assert json.loads(text) == {"status": "fel", "checks": {"databas": "ok", "redis": "ok", "worker": "fel",
                                                                  "omrakning": "fel"}}
        for secret in ("127.0.0.1", "54329", "63799", "postgres", "redis://", "Unavailable", "Traceback", "2026"):
            assert secret not in text


def test_health_paths_pass_the_log_in_and_two_factor_gates_and_the_https_redirect(db, settings):
    settings.IFO_REQUIRE_2FA = True
    settings.SECURE_SSL_REDIRECT = True  # as in production, behind a TLS proxy; a probe may come over http
    assert tuple(settings.HEALTH_PATHS) == ("/halsa/live", "/halsa/redo")

    response = Client().get("/halsa/live")
    assert response.status_code == 200

    assert Client().get("/logga-in/").status_code == 301  # every other page is sent to https
    assert Client().get("/", secure=True).status_code == 302  # and needs a log-in


@pytest.mark.worker
def test_a_real_worker_running_the_heartbeat_task_makes_the_system_ready(no_dirty_months, heartbeat_store,
                                                                          celery_worker_process):
    beat_seconds_ago(heartbeat_store, settings.HEALTH_WORKER_MAX_AGE_SECONDS + 1)
    assert get("/halsa/redo")[0].status_code == 503

    worker_heartbeat.delay()
    assert wait_for(lambda: get("/halsa/redo")[0].status_code == 200, timeout=30)
    assert get("/halsa/redo")[1] == ALL_OK

    # Beat sends it every minute and drops one that waited 50 s, so a stopped worker is not flooded later.
    assert settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"] == {
        "task": "socialtjanst.tasks.worker_heartbeat", "schedule": 60.0, "options": {"expires": 50}}


@pytest.mark.worker
def test_a_worker_beats_as_soon_as_it_has_started(no_dirty_months, heartbeat_store, worker_log):  # noqa: F811
    # heartbeat_store emptied Redis's key before worker_log started a fresh worker; no task has been sent.
    assert heartbeat_store.get(health.HEARTBEAT_KEY) is not None
    response, body = get("/halsa/redo")
    assert response.status_code == 200 and body == ALL_OK


def test_readiness_under_gunicorn_returns_every_pooled_connection(no_dirty_months, heartbeat_store, tmp_path):
    """The checks run in throw-away threads; a connection left open there would never go back to the pool.
    One thread, a pool of one connection: twenty probes in a row, each must still get it."""
    beat_seconds_ago(heartbeat_store, 10)
    with gunicorn(tmp_path, WEB_CONCURRENCY="1", WEB_THREADS="1", DB_POOL_TIMEOUT="2") as port:
        statuses = [requests.get(f"http://127.0.0.1:{port}/halsa/redo", timeout=30).status_code for _ in range(20)]
    assert statuses == [200] * 20
