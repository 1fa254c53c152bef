import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from socialtjanst.roles import Role
from tests.factories import CaseFactory, PersonFactory, UnitFactory, UserFactory


def keep_autovacuum_off() -> None:
    """No autovacuum or autoanalyze on the test database's tables. A rolled-back test leaves its table's pages
    behind; autovacuum then records "N pages, 0 rows", and the planner, scaling 0 rows per page to the pages a
    later test fills, plans every join as over one row: the demo load went from 20 s to over 10 minutes. A table
    never analysed is estimated from its real size instead. Storage parameters need only the table's owner."""
    with connection.cursor() as cursor:
        cursor.execute("""SELECT c.oid::regclass::text FROM pg_class c
                          WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'm')
                            AND pg_has_role(c.relowner, 'USAGE')
                            AND NOT coalesce('autovacuum_enabled=false' = ANY (c.reloptions), false)""")
        tables = [table for (table,) in cursor.fetchall()]
        if not tables:
            return
        cursor.execute("SET lock_timeout = '2s'")  # a live server's open transaction must not hang the session
        for table in tables:
            try:
                with transaction.atomic():
                    cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")
            except DatabaseError:
                pass  # busy: only a speed-up, never worth a failure
        cursor.execute("RESET lock_timeout")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        keep_autovacuum_off()


def _commits(request) -> bool:
    """Whether the test's saves are committed (a transactional test, a live server), not rolled back."""
    marker = request.node.get_closest_marker("django_db")
    return bool((marker and marker.kwargs.get("transaction"))
                or {"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _autovacuum_stays_off(request, django_db_blocker):
    """A transactional test may migrate back and forth, which makes tables anew (with autovacuum on)."""
    yield
    if _commits(request):
        with django_db_blocker.unblock():  # its own database fixture may already have been torn down
            keep_autovacuum_off()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """The session's one Celery worker (tests/worker.py). Tests using it must be transactional (their data
    committed) so the worker sees it."""
    from config.celery import app
    from tests.worker import start_worker, stop_worker

    app.control.purge()
    proc = start_worker("test")
    _session_worker.append(proc)
    yield proc
    _session_worker.clear()
    stop_worker(proc)


_session_worker: list = []  # the running session worker, once a test has started it


@pytest.fixture(autouse=True)
def _worker_idle_before_the_flush(request, django_db_blocker):
    """A test may end while the session's Celery worker still runs roll-ups its saves queued. The flush after a
    transactional test truncates every table at once, and a roll-up holding one of them while it waits for another
    deadlocks with it (seen in CI: the flush lost, and the next test found the last one's facts). So wait for the
    worker to be idle first: after a test that uses the worker, and after any test that commits while it runs (a
    placement saved by a test that never asked for the worker queued a roll-up all the same, and its flush
    deadlocked with it). Autouse after pytest-django's own fixtures, so torn down before its flush."""
    yield
    # Also a transactional test that did not ask for the worker: once started, it runs what any commit queues.
    if "celery_worker_process" in request.fixturenames or (_commits(request) and _session_worker):
        from tests.worker import wait_for, worker_idle

        with django_db_blocker.unblock():  # also after a test that had no database of its own
            assert wait_for(worker_idle, timeout=60), "Celery-workern blev inte ledig inom 60 s"


@pytest.fixture
def units(db):
    """Two child units (the handläggare's own and another) and an adult unit."""
    return {
        "own": UnitFactory(code="MOTT_BARN", name="Mottagning barn och unga", is_intake=True),
        "other": UnitFactory(code="UTR_BARN", name="Utredning barn och unga"),
        "adult": UnitFactory(code="VUXEN", name="Vuxenenheten", target_group="vuxna"),
    }


@pytest.fixture
def handlaggare(units):
    return UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])


@pytest.fixture
def enhetschef(units):
    return UserFactory(username="eva", role=Role.ENHETSCHEF, units=[units["own"]])


@pytest.fixture
def controller(units):
    return UserFactory(username="carl", role=Role.CONTROLLER)


@pytest.fixture
def systemforvaltare(units):
    return UserFactory(username="sara", role=Role.SYSTEMFORVALTARE, is_staff=True)


@pytest.fixture
def own_case(units):
    return CaseFactory(unit=units["own"], person=PersonFactory(first_name="Egen", last_name="Klientsson"))


@pytest.fixture
def other_case(units):
    return CaseFactory(unit=units["other"], person=PersonFactory(first_name="Annan", last_name="Främlingsson"))


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def search(client: Client, path: str, terms: dict, export: str | None = None):
    """Search the way a browser does (socialtjanst.searches): post the terms, follow to ?sok=<token>;
    with `export`, fetch that export with the same token."""
    response = client.post(path, terms)
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    if export is not None:
        return client.get(export + location[location.index("?"):] if "?" in location else export)
    return client.get(location)
