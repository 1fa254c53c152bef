"""Issue 12 point 7: denied attempts in the access log, no page kept in a cache, and the placement form's
person and parent list audited."""

import re

import pytest
from django.db import connection

from socialtjanst.models import AccessAction, AccessEvent
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import PlacementFactory, care_type

pytestmark = pytest.mark.django_db


# --- denied attempts ------------------------------------------------------------------------


def test_opening_another_units_case_answers_404_and_logs_a_denied_row(handlaggare, units, other_case):
    response = login(handlaggare).get(f"/arenden/{other_case.pk}/")
    assert response.status_code == 404
    (event,) = AccessEvent.objects.filter(action=AccessAction.DENIED)
    assert (event.username, event.object_type, event.object_id) == ("hanna", "Case", other_case.pk)
    assert event.person_ids == [other_case.person_id]
    assert event.object_unit_ids == [units["other"].pk]
    assert event.actor_unit_ids == [units["own"].pk]
    assert event.outside_own_units is True


def test_a_missing_case_answers_the_same_404_and_logs_nothing(handlaggare, other_case):
    client = login(handlaggare)
    missing_url, forbidden_url = f"/arenden/{other_case.pk + 1000}/", f"/arenden/{other_case.pk}/"
    missing, forbidden = client.get(missing_url), client.get(forbidden_url)
    assert (missing.status_code, forbidden.status_code) == (404, 404)
    # The same page apart from the address it names and the per-response CSRF mask: nothing tells a forbidden
    # case from a missing one.
    def page(response, url):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode().replace(url, ""))

    assert page(missing, missing_url) == page(forbidden, forbidden_url)
    assert list(AccessEvent.objects.filter(action=AccessAction.DENIED).values_list("object_id", flat=True)) == [
        other_case.pk]


def test_the_other_units_manager_sees_the_denied_attempt_in_the_review(handlaggare, units, other_case):
    from tests.factories import UserFactory

    login(handlaggare).get(f"/personer/{other_case.person_id}/")
    other_chef = UserFactory(username="olle", role="Enhetschef", units=[units["other"]])
    response = login(other_chef).get("/atkomstlogg/?action=denied")
    assert response.status_code == 200
    rows = [(e.username, e.object_type, e.object_id) for e in response.context["table"].data]
    assert rows == [("hanna", "Person", other_case.person_id)]


def test_a_denied_placement_is_logged(handlaggare, units):
    placement = PlacementFactory(unit=units["other"], person=CaseFactory(unit=units["other"]).person)
    assert login(handlaggare).get(f"/placeringar/{placement.pk}/").status_code == 404
    event = AccessEvent.objects.get(action=AccessAction.DENIED)
    assert (event.object_type, event.object_id, event.person_ids) == (
        "Placement", placement.pk, [placement.person_id])


# --- Cache-Control ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/arenden/{case}/", "/personer/{person}/", "/arenden/", "/personer/", "/personer/export.csv",
    "/placeringar/export.xlsx",
])
def test_case_pages_and_exports_are_never_stored(handlaggare, own_case, url):
    response = login(handlaggare).get(url.format(case=own_case.pk, person=own_case.person_id))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", [
    "/atkomstlogg/export.csv", "/atkomstlogg/export.xlsx",
    "/uppfoljning/frister/forhandsbedomningar/export.csv", "/uppfoljning/ivo/export.xlsx",
    "/rapporter/deadlines/export.csv",
])
def test_manager_exports_are_never_stored(enhetschef, own_case, url):
    response = login(enhetschef).get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_404_is_never_stored_either(handlaggare, other_case):
    response = login(handlaggare).get(f"/arenden/{other_case.pk}/")
    assert "no-store" in response["Cache-Control"]


# --- the placement form ------------------------------------------------------------------------


def test_placement_form_prefilled_with_a_person_logs_the_view(handlaggare, units, own_case):
    response = login(handlaggare).get(f"/placeringar/create/?person={own_case.person_id}")
    assert response.status_code == 200
    assert own_case.person.id_number in response.content.decode()
    event = AccessEvent.objects.get(object_type="Person", action=AccessAction.VIEW)
    assert (event.username, event.object_id, event.person_ids) == ("hanna", own_case.person_id,
                                                                  [own_case.person_id])


@pytest.mark.django_db(transaction=True)
def test_placement_form_shows_no_personnummer_when_the_access_log_cannot_be_written(handlaggare, own_case):
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE socialtjanst_accessevent ADD CONSTRAINT test_audit_down CHECK (false) NOT VALID")
    try:
        client = login(handlaggare)
        client.raise_request_exception = False
        response = client.get(f"/placeringar/create/?person={own_case.person_id}")
        assert response.status_code == 500
        assert own_case.person.id_number not in response.content.decode()
    finally:
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE socialtjanst_accessevent DROP CONSTRAINT test_audit_down")


def test_the_parent_placement_list_is_logged_and_masks_a_protected_adult(handlaggare, units):
    adult = PersonFactory(first_name="Skyddad", last_name="Moderson", protected_identity=True)
    CaseFactory(unit=units["own"], person=adult)
    shelter = PlacementFactory(person=adult, unit=units["own"], care_type=care_type("SKYDDAT_BOENDE"))
    response = login(handlaggare).get("/placeringar/create/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Moderson" not in page and "Skyddad identitet" in page
    event = AccessEvent.objects.get(object_type="Placement", action=AccessAction.LIST)
    assert event.person_ids == [adult.pk]
    assert event.protected_person is True
    assert event.criteria == {"lista": "Förälderns placering (LSB)", "placeringar": [shelter.pk]}
