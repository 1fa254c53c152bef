"""The e-tjänst drill in small (issue 12, point 3, must-hold): 8 clients post at the same moment, round after
round, to gunicorn started from the Procfile's web line with its connection pool, as `make run` serves.
Before the fix the reservnummer race answered 500; under runserver the connections ran out."""

import contextlib
import os
import socket

import pytest
from django.conf import settings

from bench import serve
from bench.etjanst_drill import CLIENTS, database_problems, run_drill
from socialtjanst.management.commands.create_etjanst_client import create_client
from tests.factories import UnitFactory

ROUNDS = 100  # 8 × 100 = 800 reports, about half a minute


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(tmp_path, **env_changes):
    """gunicorn from the Procfile's web line on the test database, as the application's role."""
    db = settings.DATABASES["default"]
    app_url = os.environ.get("DATABASE_APP_URL")
    if app_url:  # the server logs in as the application's role, as in production
        url = app_url.rsplit("/", 1)[0] + "/" + db["NAME"]
    else:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "WEB_CONCURRENCY": "2", "WEB_THREADS": "4"}
    env.pop("DB_POOL_MAX", None)  # sized by gunicorn.conf.py from its threads, as in production
    env.update(env_changes)
    port = free_port()
    proc = serve.start_web(env, port, tmp_path / "gunicorn.log")
    try:
        yield port
    finally:
        serve.stop(proc)


@pytest.fixture
def gunicorn_port(transactional_db, tmp_path):
    with gunicorn(tmp_path) as port:
        yield port
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Traceback" not in log, log[-4000:]


def test_eight_clients_posting_together_get_no_5xx_and_one_person_per_child(gunicorn_port):
    client, token = create_client("Orosanmälan webb", UnitFactory(code="MOTT_BARN", is_intake=True))

    result = run_drill(port=gunicorn_port, token=token, rounds=ROUNDS, run_tag="PROV")

    assert result.server_errors == 0, result.summary()
    assert not result.errors, result.summary()
    # Per round 7 new reports and one repeat of a reference: the repeat answers 200 with the first's id.
    assert result.statuses == {201: 7 * ROUNDS, 200: ROUNDS}, result.summary()
    assert sum(result.statuses.values()) == CLIENTS * ROUNDS
    assert database_problems(client, ROUNDS, "PROV") == []

