"""A request that gets no pooled database connection (issue 12, points 4 and 6): gunicorn as in production,
one process with one pooled connection held by a request waiting on a lock; the next request waits
DB_POOL_TIMEOUT seconds and gets the Swedish 503 page (psycopg_pool.PoolTimeout is an OperationalError),
never a hang and never a 500."""

import http.client
import json
import os
import subprocess
import sys
import threading
import time

import psycopg
from django.db import connections

from bench import serve
from socialtjanst.management.commands.create_etjanst_client import create_client
from tests.factories import UnitFactory
from tests.web.test_etjanst_load import gunicorn


def post(port: int, token: str, body: dict) -> tuple[int, str, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.monotonic()
    conn.request("POST", "/api/e-tjanst/orosanmalningar/", json.dumps(body),
                 {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    return response.status, text, time.monotonic() - started


def test_a_request_that_gets_no_pooled_connection_answers_503_in_swedish_and_does_not_hang(
        transactional_db, tmp_path):
    """One process, one pooled connection: while a report waits on a lock holding it, the next request
    waits DB_POOL_TIMEOUT seconds for a connection and gets the Swedish 503, not a hang or a 500."""
    _, token = create_client("Orosanmälan webb", UnitFactory(code="MOTT_BARN", is_intake=True))
    body = {"inkom": "2026-01-05T10:00:00+01:00", "anmalare_kategori": "skola", "oro_kategorier": ["vald"],
            "beskrivning": "Prov.", "fornamn": "Pool", "efternamn": "Provsson", "fodelsedatum": "2016-04-02"}
    params = connections["default"].get_connection_params()
    holder = psycopg.connect(autocommit=True, **{k: v for k, v in params.items()
                                                 if k in ("dbname", "user", "host", "port", "password")})
    # Production settings (DEBUG off), so the error page is the one a user would get.
    production = {"DJANGO_DEBUG": "0", "SECRET_KEY": "pool-test-" + "k" * 50, "ALLOWED_HOSTS": "127.0.0.1",
                  "SECURE_SSL_REDIRECT": "0"}
    with gunicorn(tmp_path, WEB_CONCURRENCY="1", WEB_THREADS="2", DB_POOL_MAX="1", DB_POOL_TIMEOUT="1",
                  **production) as port:
        # The reservnummer lock of the birth date, taken from outside: the first report waits on it with
        # the process's only connection.
        holder.execute("BEGIN")
        holder.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["person_reserve_number:20160402-R"])
        first: list = []
        waiting = threading.Thread(target=lambda: first.append(post(port, token, {**body, "referens": "P-1"})))
        waiting.start()
        # Wait until the first request is blocked on the lock, holding the connection.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not holder.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())").fetchone()[0]:
            time.sleep(0.1)

        status, text, seconds = post(port, token, {**body, "referens": "P-2", "fodelsedatum": "2016-05-03"})
        holder.execute("COMMIT")
        waiting.join(timeout=60)

    holder.close()
    assert status == 503
    assert "tillfälligt otillgängligt" in text, text[:500]
    assert seconds < 10
    assert first[0][0] == 201  # the one that held the connection finishes once the lock is gone


SIZING = """
import os, runpy
cfg = runpy.run_path("gunicorn.conf.py")
import django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(cfg["workers"], cfg["threads"], db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"], db["OPTIONS"].get("pool"))
"""


def sizing(**env_changes) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DB_POOL_MAX", "WEB_CONCURRENCY", "WEB_THREADS")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **env_changes)
    result = subprocess.run([sys.executable, "-c", SIZING], cwd=serve.ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_gunicorn_sizes_each_processs_pool_to_its_threads():
    assert sizing(WEB_CONCURRENCY="3", WEB_THREADS="6") == (
        "3 6 0 True {'min_size': 1, 'max_size': 6, 'timeout': 10.0, 'max_idle': 300, 'max_lifetime': 3600}")
    # An operator may set a smaller pool than threads; the pool's minimum never exceeds its maximum.
    assert sizing(WEB_THREADS="6", DB_POOL_MAX="2", DB_POOL_MIN="4").endswith(
        "{'min_size': 2, 'max_size': 2, 'timeout': 10.0, 'max_idle': 300, 'max_lifetime': 3600}")


PARALLEL = """
import os, runpy, sys
if sys.argv[1] == "gunicorn":
    runpy.run_path("gunicorn.conf.py")
import django
django.setup()
from django.conf import settings
print(settings.DATABASES["default"].get("OPTIONS", {}).get("options", ""))
"""


def connection_options(process: str, **env_changes) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DB_POOL_MAX", "DB_PARALLEL_WORKERS")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **env_changes)
    result = subprocess.run([sys.executable, "-c", PARALLEL, process], cwd=serve.ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_webs_statements_run_serial_plans_and_the_workers_keep_postgresqls_default(db):
    """gunicorn's processes connect with max_parallel_workers_per_gather = 0 (settings.DB_PARALLEL_WORKERS);
    Celery and manage.py (no gunicorn.conf.py) leave PostgreSQL's default; an operator may set a number."""
    web = connection_options("gunicorn")
    assert web == "-c max_parallel_workers_per_gather=0"
    assert connection_options("worker") == ""
    assert connection_options("gunicorn", DB_PARALLEL_WORKERS="2") == "-c max_parallel_workers_per_gather=2"
    # The server takes the option as the web's connections pass it.
    params = connections["default"].get_connection_params()
    with psycopg.connect(options=web, **{k: v for k, v in params.items()
                                         if k in ("dbname", "user", "host", "port", "password")}) as conn:
        assert conn.execute("SHOW max_parallel_workers_per_gather").fetchone()[0] == "0"
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] != "0"
