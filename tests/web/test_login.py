import datetime

import pytest
import time_machine
from django.test import Client

from socialtjanst.roles import Role
from tests.factories import UserFactory


@pytest.mark.django_db
def test_every_page_requires_log_in():
    response = Client().get("/personer/")
    assert response.status_code == 302
    assert response["Location"].startswith("/logga-in/?next=")


@pytest.mark.django_db
def test_log_in_page_is_swedish_and_has_csp(units):
    response = Client().get("/logga-in/")
    assert response.status_code == 200
    assert "Logga in" in response.content.decode()
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_failed_log_ins_are_throttled_even_with_the_right_password(units, settings):
    UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/logga-in/", {"username": "hanna", "password": "fel-losen"})
        assert response.status_code == 200
    response = client.post("/logga-in/", {"username": "hanna", "password": "fel-losen"})
    assert response.status_code == 429
    response = client.post("/logga-in/", {"username": "hanna", "password": "test-losen-123"})
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_correct_log_in_reaches_the_role_start_page(units):
    UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    client = Client()
    response = client.post("/logga-in/", {"username": "hanna", "password": "test-losen-123"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Dina pågående ärenden" in body
    assert "Mottagning barn och unga" in body


@pytest.mark.django_db
def test_a_session_ends_after_30_minutes_without_a_request_and_each_request_restarts_the_clock(units):
    UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    start = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        client.post("/logga-in/", {"username": "hanna", "password": "test-losen-123"})
        for _ in range(3):  # 3 × 29 minutes of work, each with a request: still signed in after 87 minutes
            clock.shift(datetime.timedelta(minutes=29))
            assert client.get("/personer/").status_code == 200
        clock.shift(datetime.timedelta(minutes=30, seconds=1))  # idle just over 30 minutes
        response = client.get("/personer/")
    assert response.status_code == 302
    assert response["Location"].startswith("/logga-in/")


@pytest.mark.django_db
def test_the_idle_clock_is_restarted_at_most_once_a_minute_and_never_runs_past_30_minutes(units):
    """A page inside a minute of the last renewal writes nothing to the session table (it was a write and a commit
    on every page); the first page after it moves the session's end to 30 minutes from then."""
    from django.contrib.sessions.models import Session

    UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])
    start = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        client.post("/logga-in/", {"username": "hanna", "password": "test-losen-123"})
        assert client.get("/personer/").status_code == 200
        key = client.session.session_key
        first_end = Session.objects.get(session_key=key).expire_date
        assert first_end == start + datetime.timedelta(minutes=30)
        clock.shift(datetime.timedelta(seconds=59))
        assert client.get("/personer/").status_code == 200
        assert Session.objects.get(session_key=key).expire_date == first_end  # not written
        clock.shift(datetime.timedelta(seconds=2))
        assert client.get("/personer/").status_code == 200
        assert Session.objects.get(session_key=key).expire_date == start + datetime.timedelta(minutes=31, seconds=1)
        # Idle from here on: out 30 minutes after that renewal, though the last page was a minute later.
        clock.shift(datetime.timedelta(seconds=50))
        assert client.get("/personer/").status_code == 200
        clock.shift(datetime.timedelta(minutes=29, seconds=11))
        response = client.get("/personer/")
    assert response.status_code == 302 and response["Location"].startswith("/logga-in/")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/logga-in/", "/admin/login/"])
def test_an_overlong_user_name_is_a_swedish_form_error_and_nothing_is_recorded(url):
    from axes.models import AccessAttempt

    from socialtjanst.models import AccessEvent

    response = Client().post(url, {"username": "x" * 10_000, "password": "fel-losen"})
    assert response.status_code == 200
    assert "Användarnamnet får vara högst 150 tecken (det har 10000)." in response.content.decode()
    assert AccessAttempt.objects.count() == 0
    assert AccessEvent.objects.count() == 0
