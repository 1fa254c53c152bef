"""Liveness and readiness for the load balancer and the monitoring (django-health-check).

/halsa/live: the web process answers; touches neither the database nor Redis, so a restart is only
asked for when the process itself hangs. /halsa/redo: ready to serve, every check in
settings.HEALTH_READY_CHECKS passes (database, Redis, the worker's heartbeat, no pending roll-up older
than 15 minutes); otherwise HTTP 503.

Both answer without a session and say nothing but a status per check ("ok" or "fel"): no host,
version, SQL error or count, since anyone who reaches the server can ask. Why a check failed is in
the log (logger socialtjanst.health, with the exception).
"""

import dataclasses
import logging
import time

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_safe
from health_check.base import HealthCheck
from health_check.checks import Database as LibraryDatabase
from health_check.exceptions import HealthCheckException, ServiceUnavailable

logger = logging.getLogger(__name__)

# The Redis key the worker writes its heartbeat to (seconds since the epoch).
HEARTBEAT_KEY = "ifo:worker-heartbeat"
# A probe waits at most this long for Redis; a slower Redis is not ready.
REDIS_TIMEOUT_SECONDS = 2.0

STATUS_OK = "ok"
STATUS_FAIL = "fel"
NO_HEARTBEAT = "Workern har inte skickat något hjärtslag inom gränsen."


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                                socket_timeout=REDIS_TIMEOUT_SECONDS)


def worker_heartbeat_record() -> None:
    """The worker is alive and takes tasks: now, in Redis. Idempotent (one key, overwritten)."""
    client = _redis()
    try:
        client.set(HEARTBEAT_KEY, repr(time.time()))
    finally:
        client.close()


@dataclasses.dataclass
class Broker(HealthCheck):
    """Redis, the Celery broker, answers a PING."""

    def run(self):
        client = _redis()
        try:
            client.ping()
        except (redis.RedisError, OSError) as exc:
            raise ServiceUnavailable("Redis svarar inte.") from exc
        finally:
            client.close()


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    """A Celery worker has run the heartbeat task (sent by beat every minute, CELERY_BEAT_SCHEDULE)
    within HEALTH_WORKER_MAX_AGE_SECONDS: a worker that is down, stuck or cut off from Redis is not."""

    def run(self):
        client = _redis()
        try:
            beat = client.get(HEARTBEAT_KEY)
        except (redis.RedisError, OSError) as exc:
            raise ServiceUnavailable("Redis svarar inte.") from exc
        finally:
            client.close()
        try:
            age = time.time() - float(beat)
        except (TypeError, ValueError):
            raise ServiceUnavailable(NO_HEARTBEAT) from None
        if age > settings.HEALTH_WORKER_MAX_AGE_SECONDS:
            raise ServiceUnavailable(NO_HEARTBEAT)


@dataclasses.dataclass
class Database(HealthCheck):
    """PostgreSQL answers SELECT 1 (django-health-check's own check)."""

    def run(self):
        LibraryDatabase().run()


def _passes(check: HealthCheck) -> bool:
    try:
        check.run()
    except HealthCheckException:
        logger.warning("Hälsokontrollen %r säger fel", check, exc_info=True)
        return False
    except Exception:  # any other failure is a "fel" too, never a 500 to the probe
        logger.exception("Hälsokontrollen %r föll på ett oväntat fel", check)
        return False
    return True


def health_view(named_checks):
    """A view that runs the django-health-check checks `named_checks()` gives, one after the other in the
    request's own thread. (The library's own view is async: under gunicorn every probe would start an event
    loop and run the checks in throw-away threads, whose database connections never go back to the pool.)"""

    @login_not_required
    @require_safe
    @transaction.non_atomic_requests
    def view(request):
        checks = {name: STATUS_OK if _passes(import_string(path)()) else STATUS_FAIL for name, path in named_checks()}
        failed = STATUS_FAIL in checks.values()
        return JsonResponse({"status": STATUS_FAIL if failed else STATUS_OK, "checks": checks},
                            status=503 if failed else 200, json_dumps_params={"ensure_ascii": False})

    return view


live = health_view(lambda: ())
ready = health_view(lambda: settings.HEALTH_READY_CHECKS)
