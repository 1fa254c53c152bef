"""Fault drills with real processes: a private PostgreSQL cluster and a private Redis in a temporary
directory (never the project's shared servers, which other test runs use), a web server and a
supervised Celery worker pointed at them, with production settings (DJANGO_DEBUG off).

The drills stop, freeze and restart these private servers; the web and the worker are never
restarted by the drills, so what the tests see is how the system recovers by itself."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest
import requests
from celery import Celery

from tests.worker import wait_for

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]) if Path("/usr/lib/postgresql").exists() else None
DB = "drill"
PASSWORD = "drill-losen-2026"  # noqa: S105


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_pg_user(*cmd) -> list[str]:
    """initdb and postgres refuse to run as root (scripts/services.sh does the same)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *map(str, cmd)]
    return [str(c) for c in cmd]


class Services:
    """The private PostgreSQL and Redis, with the faults the drills need."""

    def __init__(self, base: Path):
        self.base = base
        self.pg_port = free_port()
        self.redis_port = free_port()
        self.pg_data = base / "pg"
        self.redis_pid_file = base / "redis.pid"
        self._sender = None

    # PostgreSQL
    def pg_start(self):
        subprocess.run(as_pg_user(PG_BIN / "pg_ctl", "-D", self.pg_data, "-l", self.base / "pg.log", "-w", "-t", "60",
                                  "-o", f"-p {self.pg_port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off",
                                  "start"), check=True, stdout=subprocess.DEVNULL)

    def pg_stop(self):
        subprocess.run(as_pg_user(PG_BIN / "pg_ctl", "-D", self.pg_data, "-m", "fast", "-w", "stop"),
                       check=True, stdout=subprocess.DEVNULL)

    def owner_url(self, db=DB):
        return f"postgres://ifo_owner@127.0.0.1:{self.pg_port}/{db}"

    def app_url(self, db=DB):
        return f"postgres://ifo_app@127.0.0.1:{self.pg_port}/{db}"

    def query(self, sql, params=None):
        with psycopg.connect(self.owner_url(), autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    # Redis
    @property
    def redis_url(self):
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def redis_start(self):
        subprocess.run(["redis-server", "--bind", "127.0.0.1", "--port", str(self.redis_port), "--daemonize", "yes",
                        "--dir", str(self.base), "--pidfile", str(self.redis_pid_file),
                        "--logfile", str(self.base / "redis.log"), "--save", "", "--appendonly", "no"], check=True)
        assert wait_for(self.redis_up, timeout=10)

    def redis_up(self) -> bool:
        return subprocess.run(["redis-cli", "-p", str(self.redis_port), "ping"], capture_output=True,
                              timeout=5).stdout.strip() == b"PONG"

    def redis_stop(self):
        subprocess.run(["redis-cli", "-p", str(self.redis_port), "shutdown", "nosave"], capture_output=True)
        assert wait_for(lambda: not self.redis_pid_file.exists(), timeout=10)

    def redis_signal(self, sig):
        os.kill(int(self.redis_pid_file.read_text()), sig)

    def env(self, **extra) -> dict:
        """Production settings (DJANGO_DEBUG off) pointed at the private servers, plain HTTP on loopback."""
        env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DB_CONN_MAX_AGE")}
        env.update(DJANGO_DEBUG="0", SECRET_KEY="drill-" + "k" * 50, ALLOWED_HOSTS="127.0.0.1",
                   SECURE_SSL_REDIRECT="0", DATABASE_URL=self.app_url(), REDIS_URL=self.redis_url,
                   DATABASE_APP_ROLE="ifo_app", PYTHONPATH=str(ROOT))
        env.update(extra)
        return env

    def manage(self, *args, owner=True, **kwargs):
        env = self.env(DATABASE_URL=self.owner_url() if owner else self.app_url())
        return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True,
                              text=True, **kwargs)

    def drill(self, command: str) -> dict:
        return json.loads(self.manage("-m", "tests.faults.drill", command).stdout.strip().splitlines()[-1])

    def worker_answers(self) -> bool:
        """The worker answers a remote-control ping through the private Redis: connected and consuming."""
        if self._sender is None:
            self._sender = Celery("drill-sender", broker=self.redis_url, set_as_current=False)
        return bool(self._sender.control.ping(timeout=1))

    def redis_state(self) -> str:
        """What Redis holds for the drill's queue, for a failing assertion's message."""
        def cli(*args):
            return subprocess.run(["redis-cli", "-p", str(self.redis_port), *args], capture_output=True,
                                  text=True, timeout=5).stdout.strip()
        return (f"\nLLEN celery={cli('LLEN', 'celery')} LLEN ae.undeliver={cli('LLEN', 'ae.undeliver')} "
                f"HLEN unacked={cli('HLEN', 'unacked')} bindings={cli('SMEMBERS', '_kombu.binding.celery')}\n"
                f"{cli('CLIENT', 'LIST')}")

    def send(self, task: str, *args):
        """Sends a task by name as beat or another process would, through the private Redis (a bare
        Celery app: the test process's own app is configured for the shared Redis)."""
        if self._sender is None:
            self._sender = Celery("drill-sender", broker=self.redis_url, set_as_current=False)
        self._sender.send_task(task, args=list(args))


@pytest.fixture(scope="session")
def services():
    if PG_BIN is None or shutil.which("redis-server") is None:
        pytest.skip("PostgreSQL- eller Redis-programmen saknas")
    base = Path(tempfile.mkdtemp(prefix="ifo-faults-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    s = Services(base)
    subprocess.run(as_pg_user(PG_BIN / "initdb", "-D", s.pg_data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                              "--locale=C.UTF-8"), check=True, stdout=subprocess.DEVNULL)
    s.pg_start()
    s.redis_start()
    try:
        with psycopg.connect(f"postgres://postgres@127.0.0.1:{s.pg_port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE ROLE ifo_owner LOGIN CREATEDB")
            conn.execute("CREATE ROLE ifo_app LOGIN")
            conn.execute("GRANT ifo_app TO ifo_owner")
            conn.execute(f"CREATE DATABASE {DB} OWNER ifo_owner")
        s.manage("manage.py", "migrate", "--noinput", "-v", "0")
        s.seed = s.drill("seed")
        yield s
    finally:
        if s._sender is not None:
            s._sender.close()
        if s.redis_pid_file.exists():
            s.redis_stop()
        subprocess.run(as_pg_user(PG_BIN / "pg_ctl", "-D", s.pg_data, "-m", "immediate", "stop"),
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def _start(cmd, env, log: Path) -> subprocess.Popen:
    # Own session: teardown ends the process group this fixture started, and nothing else.
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _end(proc: subprocess.Popen):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="session")
def worker(services):
    """The worker as the Procfile runs it: prefork under scripts/supervise.sh."""
    log = services.base / "worker.log"
    proc = _start(["bash", "scripts/supervise.sh", sys.executable, "-m", "celery", "-A", "config", "worker",
                   "--concurrency", "1", "--loglevel", "INFO", "-I", "tests.faults.drill_tasks",
                   "--hostname", f"drill-{os.getpid()}@%h", "--without-mingle", "--without-gossip"],
                  services.env(), log)
    marker = services.base / "worker-ready"
    services.send("drill.touch", str(marker))
    if not wait_for(marker.exists, timeout=60):
        _end(proc)
        raise RuntimeError("Övningsworkern startade inte:\n" + log.read_text())
    proc.log = log
    yield proc
    _end(proc)


def celery_main_pids(proc: subprocess.Popen) -> set[int]:
    """The worker's main process(es) under the supervisor: the supervisor's direct children."""
    out = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


@pytest.fixture(scope="session")
def web(services):
    """gunicorn as in the Procfile (one process, two threads, its connection pool), or runserver
    where gunicorn's configuration is not in the checkout."""
    port = free_port()
    if (ROOT / "gunicorn.conf.py").exists():
        cmd = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
               "config.wsgi"]
    else:
        cmd = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    log = services.base / "web.log"
    proc = _start(cmd, services.env(WEB_CONCURRENCY="1", WEB_THREADS="2"), log)
    url = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(url + "/logga-in/", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    if not wait_for(up, timeout=60):
        _end(proc)
        raise RuntimeError("Övningswebben startade inte:\n" + log.read_text())
    proc.url = url
    proc.log = log
    yield proc
    _end(proc)


class Browser:
    """A user over plain HTTP. Production cookies are Secure, which requests would not send over
    http; the drill carries them itself (the server is on loopback, as behind the TLS proxy)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies: dict[str, str] = {}

    def request(self, method, path, timeout=30, **kwargs) -> requests.Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        response = requests.request(method, self.base_url + path, headers=headers, allow_redirects=False,
                                    timeout=timeout, **kwargs)
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        if "csrftoken" not in self.cookies:
            self.get("/logga-in/")
        return self.request("POST", path, data={"csrfmiddlewaretoken": self.cookies["csrftoken"], **data}, **kwargs)

    def login(self, username):
        response = self.post("/logga-in/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.text[:500]
        return self


def hidden_value(html: str, name: str) -> str | None:
    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html) or \
        re.search(rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html)
    return match.group(1) if match else None
