"""Real Celery workers on the real Redis, pointed at the test database, and the waits that go with them.

The session's worker is the fixture `celery_worker_process` in tests/conftest.py: ONE per session. A module that
imported the fixture made a second session fixture of its own, so two or three workers named alike served the
same queue (DuplicateNodenameWarning), and a test counting workers inside a task counted one too many."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def app_database_url() -> str:
    """The test database as the application's role sees it (as in production), else as the owner."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    app_url = os.environ.get("DATABASE_APP_URL")
    if app_url:
        return app_url.rsplit("/", 1)[0] + "/" + db["NAME"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def start_worker(prefix: str, loglevel: str = "INFO") -> subprocess.Popen:
    """A solo worker named `<prefix>-<pid>@<host>`, answering a ping by that name, its log in a file (`proc.log`):
    never a pipe, which nobody reads during the session and which blocks the worker once 64 KB are written."""
    from config.celery import app

    log = Path(tempfile.mkstemp(prefix=f"ifo-test-{prefix}-", suffix=".log")[1])
    name = f"{prefix}-{os.getpid()}@{socket.gethostname()}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--loglevel", loglevel,
         "--hostname", name, "--without-mingle", "--without-gossip"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": app_database_url()}, stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    proc.log = log
    proc.node_name = name
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("Celery-workern startade inte:\n" + log.read_text())
        # Its own answer, by name: a count of answers could include a late reply from another worker.
        if any(name in reply for reply in app.control.ping(destination=[name], timeout=0.5)):
            return proc
    stop_worker(proc)
    raise RuntimeError("Celery-workern svarade inte inom 60 s:\n" + log.read_text())


def stop_worker(proc: subprocess.Popen, keep_log: bool = False) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)
    if not keep_log:
        proc.log.unlink(missing_ok=True)


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
