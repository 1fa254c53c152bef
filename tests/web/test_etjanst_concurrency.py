"""Reports posted at the same moment (issue 12, point 3): each thread has its own database
connection and its own transaction, as gunicorn's workers do, and a barrier releases them
together. Before the fix the losers of the personnummer race answered 500 (IntegrityError)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from socialtjanst.management.commands.create_etjanst_client import create_client
from socialtjanst.models import AccessEvent, Case, Intake, Person
from tests.factories import PersonFactory
from tests.web.test_etjanst import CHILD_NUMBER, URL, payload

THREADS = 6


def post_together(token: str, bodies: list[dict]) -> list[int]:
    """Posts every body from its own thread, all released at once; returns the status codes."""
    barrier = threading.Barrier(len(bodies))
    statuses: list[int] = [0] * len(bodies)

    def run(i: int) -> None:
        http = Client(raise_request_exception=False)
        try:
            barrier.wait(timeout=10)
            response = http.post(URL, bodies[i], content_type="application/json",
                                 headers={"Authorization": f"Bearer {token}"})
            statuses[i] = response.status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return statuses


@pytest.fixture
def token(units):
    _, token = create_client("Orosanmälan webb", units["own"])
    return token


@pytest.mark.django_db(transaction=True)
def test_reports_about_one_new_child_at_the_same_moment_find_one_person_and_one_case(token, units):
    statuses = post_together(token, [payload(referens=f"SAMTIDIG-{i}") for i in range(THREADS)])

    assert statuses == [201] * THREADS
    person = Person.objects.get()
    assert person.id_number == CHILD_NUMBER
    # Several reports about one child gather in one open case, also when they arrive together.
    case = Case.objects.get()
    assert Intake.objects.filter(case=case).count() == THREADS
    assert list(AccessEvent.objects.filter(action="create", object_type="Person").values_list(
        "object_id", flat=True)) == [person.pk]


@pytest.mark.django_db(transaction=True)
def test_one_reference_posted_by_many_at_once_is_one_intake(token, units):
    statuses = post_together(token, [payload(referens="EN-REFERENS")] * THREADS)

    assert sorted(statuses) == [200] * (THREADS - 1) + [201]
    assert Intake.objects.count() == 1 and Person.objects.count() == 1 and Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_unknown_children_born_the_same_day_get_one_reservnummer_each(token, units):
    bodies = [payload(referens=f"RESERV-{i}", personnummer=None, fornamn=f"Barn{i}", efternamn="Okändsson",
                      fodelsedatum="2016-04-02") for i in range(THREADS)]
    statuses = post_together(token, bodies)

    assert statuses == [201] * THREADS
    assert sorted(Person.objects.values_list("id_number", flat=True)) == [
        f"20160402-R{n:03d}" for n in range(1, THREADS + 1)]
    assert Intake.objects.count() == THREADS


@pytest.mark.django_db(transaction=True)
def test_reports_about_a_known_child_without_a_case_open_one_case(token, units):
    person = PersonFactory(id_number=CHILD_NUMBER)
    statuses = post_together(token, [payload(referens=f"KAND-{i}") for i in range(THREADS)])

    assert statuses == [201] * THREADS
    assert Case.objects.get().person == person
    assert Intake.objects.count() == THREADS and Person.objects.count() == 1
