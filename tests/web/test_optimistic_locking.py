"""Two people working on the same person or case: the one who saves last, on a page loaded
before the first save, gets the Swedish "changed by someone else" message and changes nothing."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from socialtjanst import services
from socialtjanst.models import AccessEvent, Case
from socialtjanst.roles import Role
from tests.conftest import login
from tests.factories import UserFactory


@pytest.fixture
def hugo(units):
    return UserFactory(username="hugo", role=Role.HANDLAGGARE, units=[units["own"]])


def form_version(response):
    return int(re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1))


def person_form(version, **changes):
    data = {"version": version, "first_name": "Egen", "last_name": "Klientsson", "gender": "okant",
            "address": "Testgatan 1, 123 45 Demokommun"}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_second_save_of_the_person_form_gets_the_stale_message(own_case, handlaggare, hugo):
    person = own_case.person
    hanna_client, hugo_client = login(handlaggare), login(hugo)
    hanna_version = form_version(hanna_client.get(f"/personer/{person.pk}/update/"))
    hugo_version = form_version(hugo_client.get(f"/personer/{person.pk}/update/"))
    assert hanna_version == hugo_version == 1

    first = hanna_client.post(f"/personer/{person.pk}/update/",
                              person_form(hanna_version, address="Nya vägen 3", gender="kvinna"))
    assert first.status_code == 302 and first["Location"] == f"/personer/{person.pk}/"

    second = hugo_client.post(f"/personer/{person.pk}/update/",
                              person_form(hugo_version, first_name="Annat", address="Gamla vägen 9"))
    assert second.status_code == 200
    body = second.content.decode()
    assert services.STALE_VERSION in body
    assert "Personuppgifterna är sparade." not in body

    person.refresh_from_db()
    assert (person.first_name, person.address, person.gender, person.version) == (
        "Egen", "Nya vägen 3", "kvinna", 2)
    changes = AccessEvent.objects.filter(action="change", object_type="Person", object_id=person.pk)
    assert list(changes.values_list("username", flat=True)) == ["hanna"]


@pytest.mark.django_db
def test_after_reloading_the_form_the_second_user_can_save(own_case, handlaggare, hugo):
    person = own_case.person
    hanna_client, hugo_client = login(handlaggare), login(hugo)
    hanna_client.post(f"/personer/{person.pk}/update/", person_form(1, address="Nya vägen 3"))
    reloaded = form_version(hugo_client.get(f"/personer/{person.pk}/update/"))
    assert reloaded == 2
    response = hugo_client.post(f"/personer/{person.pk}/update/", person_form(reloaded, address="Sista vägen 5"),
                                follow=True)
    assert "Personuppgifterna är sparade." in response.content.decode()
    person.refresh_from_db()
    assert (person.address, person.version) == ("Sista vägen 5", 3)


@pytest.mark.django_db
def test_person_update_service_rejects_a_stale_version(own_case, handlaggare, hugo):
    person = own_case.person
    services.person_update(by=handlaggare, person_id=person.pk, expected_version=1, address="Nya vägen 3")
    with pytest.raises(ValidationError) as exc:
        services.person_update(by=hugo, person_id=person.pk, expected_version=1, address="Gamla vägen 9")
    assert exc.value.code == "stale_version" and exc.value.messages == [services.STALE_VERSION]
    person.refresh_from_db()
    assert (person.address, person.version) == ("Nya vägen 3", 2)


@pytest.mark.django_db
def test_case_close_service_rejects_a_stale_version(own_case, handlaggare, enhetschef):
    closed = services.case_close(by=handlaggare, case_id=own_case.pk, expected_version=1,
                                 closed_on=datetime.date(2025, 6, 1))
    assert (closed.status, closed.closed_on, closed.version) == ("avslutat", datetime.date(2025, 6, 1), 2)

    with pytest.raises(ValidationError) as exc:
        services.case_close(by=enhetschef, case_id=own_case.pk, expected_version=1,
                            closed_on=datetime.date(2025, 7, 1))
    assert exc.value.code == "stale_version"
    assert exc.value.messages == [services.STALE_VERSION]

    own_case.refresh_from_db()
    assert (own_case.status, own_case.closed_on, own_case.version) == ("avslutat", datetime.date(2025, 6, 1), 2)
    changes = AccessEvent.objects.filter(action="change", object_type="Case", object_id=own_case.pk)
    assert list(changes.values_list("username", flat=True)) == ["hanna"]


@pytest.mark.django_db
def test_closing_the_case_from_a_stale_page_shows_the_message(own_case, handlaggare, enhetschef):
    hanna_client, eva_client = login(handlaggare), login(enhetschef)
    hanna_version = form_version(hanna_client.get(f"/arenden/{own_case.pk}/"))
    eva_version = form_version(eva_client.get(f"/arenden/{own_case.pk}/"))
    assert hanna_version == eva_version == 1

    first = hanna_client.post(f"/arenden/{own_case.pk}/close/", {"version": hanna_version, "closed_on": "2025-06-01"},
                              follow=True)
    assert "Ärendet är avslutat." in first.content.decode()

    second = eva_client.post(f"/arenden/{own_case.pk}/close/", {"version": eva_version, "closed_on": "2025-07-01"},
                             follow=True)
    body = second.content.decode()
    assert second.redirect_chain == [(f"/arenden/{own_case.pk}/", 302)]
    assert services.STALE_VERSION in body and "Ärendet är avslutat." not in body
    assert "Avslutat 2025-06-01" in body

    own_case.refresh_from_db()
    assert (own_case.closed_on, own_case.version) == (datetime.date(2025, 6, 1), 2)
    assert Case.objects.filter(status="avslutat").count() == 1


@pytest.mark.django_db
def test_a_closed_case_cannot_be_closed_again(own_case, handlaggare):
    services.case_close(by=handlaggare, case_id=own_case.pk, expected_version=1, closed_on=datetime.date(2025, 6, 1))
    with pytest.raises(ValidationError):
        services.case_close(by=handlaggare, case_id=own_case.pk, expected_version=2,
                            closed_on=datetime.date(2025, 9, 1))
    own_case.refresh_from_db()
    assert (own_case.closed_on, own_case.version) == (datetime.date(2025, 6, 1), 2)
