"""A real Celery worker on the real Redis, pointed at the test database.

Tests using it must be transactional (their data committed) so the worker sees it."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    db = settings.DATABASES["default"]
    app_url = os.environ.get("DATABASE_APP_URL")
    if app_url:  # the worker logs in as the application's role, as in production
        app_url = app_url.rsplit("/", 1)[0] + "/" + db["NAME"]
    else:
        app_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": app_url}
    from config.celery import app

    app.control.purge()
    # The log goes to a file, never to a pipe: nobody reads a pipe during the session, and a worker
    # that has filled one (64 KB of INFO lines) blocks on its next log line and stops taking tasks.
    log = Path(tempfile.mkstemp(prefix="ifo-test-worker-", suffix=".log")[1])
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
         "--loglevel", "INFO", "--hostname", f"test-{os.getpid()}@%h", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    proc.log = log
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("Celery-workern startade inte:\n" + log.read_text())
        if app.control.ping(timeout=0.5):
            break
    else:
        proc.terminate()
        raise RuntimeError("Celery-workern svarade inte inom 60 s:\n" + log.read_text())
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.unlink(missing_ok=True)


def worker_idle() -> bool:
    """Nothing queued in Redis and no other session of the test database inside a statement or a transaction
    (a worker between tasks holds at most an idle connection). Read twice, half a second apart, so a message
    taken from the queue just before the first look is seen running at the second. No control broadcast: replies
    that arrive late would be read by the next ping."""
    from django.db import connection

    from config.celery import app

    def quiet() -> bool:
        with app.connection_for_write() as conn:
            if conn.default_channel.client.llen(app.conf.task_default_queue):
                return False
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                        " AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)')")
            return cur.fetchone()[0] == 0

    if not quiet():
        return False
    time.sleep(0.5)
    return quiet()


def wait_for(predicate, timeout=30.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
