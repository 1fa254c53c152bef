"""Liveness and readiness for the load balancer and the monitoring (django-health-check).

/halsa/live: the web process answers; touches neither the database nor Redis, so a restart is only
asked for when the process itself hangs. /halsa/redo: ready to serve, every check in
settings.HEALTH_READY_CHECKS passes (database, Redis, the worker's heartbeat, no pending roll-up older
than 15 minutes); otherwise HTTP 503.

Both answer without a session and say nothing but a status per check ("ok" or "fel"): no host,
version, SQL error or count, since anyone who reaches the server can ask. Why a check failed is in
the log (django-health-check logs the exception).
"""

import asyncio
import dataclasses
import time
from datetime import timedelta

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connections
from django.http import JsonResponse
from django.utils.module_loading import import_string
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

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


def close_thread_connections(run):
    """django-health-check runs a synchronous check in a throw-away executor thread; a database
    connection opened there would be left behind (and with the pool, never returned)."""

    def wrapper(self):
        try:
            return run(self)
        finally:
            connections.close_all()

    return wrapper


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
    """PostgreSQL answers SELECT 1 (django-health-check's own check), its connection closed again."""

    timeout = timedelta(seconds=5)

    @close_thread_connections
    def run(self):
        from health_check.checks import Database as LibraryDatabase

        LibraryDatabase().run()


class HealthView(HealthCheckView):
    """JSON only: {"status": "ok"|"fel", "checks": {name: "ok"|"fel"}}, 200 or 503."""

    named_checks: tuple[tuple[str, str], ...] = ()

    def get_checks(self):
        for _name, path in self.named_checks:
            yield import_string(path)()

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        checks = {name: STATUS_FAIL if result.error else STATUS_OK
                  for (name, _path), result in zip(self.named_checks, results, strict=True)}
        failed = STATUS_FAIL in checks.values()
        return JsonResponse({"status": STATUS_FAIL if failed else STATUS_OK, "checks": checks},
                            status=503 if failed else 200, json_dumps_params={"ensure_ascii": False})


def live_view():
    return login_not_required(HealthView.as_view(named_checks=()))


def ready_view():
    return login_not_required(HealthView.as_view(named_checks=tuple(settings.HEALTH_READY_CHECKS)))
