"""Error pages in production (DEBUG off): Swedish, no stack trace, and a database outage is a
503 with Retry-After (issue 12 point 6). tests/faults restarts a real PostgreSQL for the 503."""

import psycopg
import pytest
from django.db import OperationalError
from django.test import Client, override_settings

from tests.conftest import login

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.error_urls")]


@pytest.fixture(autouse=True)
def production_errors(settings):
    settings.DEBUG = False


def assert_no_trace(response):
    text = response.content.decode()
    for leak in ("Traceback", "internal detail", "internal reason", "OperationalError", "server closed"):
        assert leak not in text
    return text


def test_an_unknown_address_is_a_swedish_404(handlaggare):
    response = login(handlaggare).get("/finns-inte/")
    assert response.status_code == 404
    text = assert_no_trace(response)
    assert "<h1>Sidan finns inte</h1>" in text
    assert "Not Found" not in text


def test_a_refused_action_is_a_swedish_403(handlaggare):
    response = login(handlaggare).get("/test-fel/403/")
    assert response.status_code == 403
    assert "<h1>Åtkomst nekad</h1>" in assert_no_trace(response)


def test_a_form_without_its_csrf_token_is_a_swedish_403():
    response = Client(enforce_csrf_checks=True).post("/logga-in/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    text = assert_no_trace(response)
    assert "<h1>Formuläret kunde inte skickas</h1>" in text
    assert "CSRF verification failed" not in text


def test_an_unexpected_error_is_a_swedish_500_without_a_trace(handlaggare):
    client = Client(raise_request_exception=False)
    client.force_login(handlaggare)
    response = client.get("/test-fel/500/")
    assert response.status_code == 500
    assert "<h1>Ett fel uppstod</h1>" in assert_no_trace(response)


def test_a_database_outage_is_a_swedish_503_with_retry_after(handlaggare):
    client = Client(raise_request_exception=False)
    client.force_login(handlaggare)
    response = client.get("/test-fel/503/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "<h1>IFO-stöd är tillfälligt otillgängligt</h1>" in assert_no_trace(response)


def test_a_deadlock_is_a_500_not_an_outage(handlaggare):
    client = Client(raise_request_exception=False)
    client.force_login(handlaggare)
    response = client.get("/test-fel/deadlock/")
    assert response.status_code == 500
    assert "<h1>Ett fel uppstod</h1>" in assert_no_trace(response)
    assert "Retry-After" not in response


def test_connection_failures_and_an_empty_pool_are_outages_and_query_faults_are_not():
    from psycopg_pool import PoolTimeout

    from socialtjanst.views.errors import database_unavailable

    def wrapped(driver_error):
        try:
            raise driver_error
        except psycopg.Error as exc:
            try:
                raise OperationalError(str(exc)) from exc
            except OperationalError as outer:
                return outer

    assert database_unavailable(wrapped(psycopg.OperationalError("connection refused")))  # no SQLSTATE
    assert database_unavailable(wrapped(psycopg.errors.AdminShutdown("terminating connection")))
    assert database_unavailable(wrapped(psycopg.errors.CannotConnectNow("the database system is starting up")))
    assert database_unavailable(PoolTimeout("couldn't get a connection after 10.00 sec"))
    assert not database_unavailable(wrapped(psycopg.errors.DeadlockDetected("deadlock detected")))
    assert not database_unavailable(wrapped(psycopg.errors.QueryCanceled("statement timeout")))
    assert not database_unavailable(RuntimeError("no database involved"))


@override_settings(DEBUG=False)
def test_the_error_templates_render_without_a_request_or_the_database():
    from django.template import loader

    # The 500 and 503 pages may be needed because the database is gone: no context, no queries.
    for name, heading in (("500.html", "Ett fel uppstod"), ("503.html", "IFO-stöd är tillfälligt otillgängligt")):
        assert f"<h1>{heading}</h1>" in loader.get_template(name).render()
