"""Junk in the address or a form: `?per_page=-5` on a list, a NUL character in any parameter or field, an
oversized or odd year. Each is answered below 500: the list with its own page size, a NUL with a Swedish
400 before any view or the access log sees it, a period outside the window with a 404."""

import pytest
from django.test import Client

from socialtjanst.middleware_input import INVALID_CHARACTERS
from socialtjanst.models import AccessEvent, Person
from tests.conftest import login
from tests.factories import CaseFactory
from tests.web.test_access_matrix import table_rows

LISTS = {
    "handlaggare": ["/personer/", "/arenden/", "/att-gora/", "/placeringar/", "/placeringar/utforare/",
                    "/placeringar/avtal/", "/placeringar/avtalspriser/"],
    "enhetschef": ["/atkomstlogg/", "/uppfoljning/frister/utredningar/", "/uppfoljning/kontroller/"],
    "controller": ["/placeringar/", "/placeringar/fakturakontroll/", "/rapporter/deadlines/"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("role,url", [(r, u) for r, urls in LISTS.items() for u in urls])
def test_a_junk_page_size_shows_the_list(request, own_case, role, url):
    client = login(request.getfixturevalue(role))
    statuses = {per_page: client.get(url, {"per_page": per_page, "page": "-1"}).status_code
                for per_page in ("-5", "0", "99999999999999999999", "abc")}
    assert set(statuses.values()) == {200}, statuses


@pytest.mark.django_db
def test_the_page_size_is_the_tables_own_outside_1_to_500(units, handlaggare):
    for _ in range(30):
        CaseFactory(unit=units["own"], responsible=handlaggare)
    client = login(handlaggare)
    rows = {size: len(table_rows(client.get("/arenden/", {"per_page": size}).content.decode()))
            for size in ("-5", "10", "501", "500")}
    assert rows == {"-5": 25, "10": 10, "501": 25, "500": 30}


@pytest.mark.django_db
@pytest.mark.parametrize("url,params", [
    ("/personer/", {"q": "Egen\x00"}),
    ("/arenden/", {"status\x00": "pagaende"}),
    ("/atkomstlogg/", {"username": "\x00"}),
    ("/uppfoljning/ivo/", {"year": "2025\x00"}),
])
def test_a_nul_in_the_address_is_a_swedish_400_and_nothing_is_logged(enhetschef, own_case, url, params):
    before = AccessEvent.objects.count()
    response = login(enhetschef).get(url, params)
    assert response.status_code == 400
    assert INVALID_CHARACTERS in response.content.decode()
    assert AccessEvent.objects.count() == before


@pytest.mark.django_db
def test_a_nul_in_a_form_field_is_a_400_and_nothing_is_saved(handlaggare, own_case):
    person = own_case.person
    response = login(handlaggare).post(f"/personer/{person.pk}/update/", {
        "version": person.version, "first_name": "Ny\x00", "last_name": "Namnsson", "gender": "kvinna",
        "address": ""})
    assert response.status_code == 400
    assert INVALID_CHARACTERS in response.content.decode()
    assert Person.objects.get(pk=person.pk).first_name == "Egen"


@pytest.mark.django_db
def test_a_nul_to_the_api_is_a_400_in_the_apis_shape():
    response = Client().get("/api/openapi.json", {"x": "\x00"})
    assert response.status_code == 400
    assert response.json() == {"fel": {"__all__": [INVALID_CHARACTERS]}}


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["99999999999", "²", "-1", "1999", "2101", "2025.0"])
@pytest.mark.parametrize("url", ["/uppfoljning/ivo/", "/uppfoljning/ivo/export.csv", "/rapporter/deadlines/",
                                 "/indikatorer/", "/uppfoljning/frister/"])
def test_a_year_outside_the_window_is_404(enhetschef, url, year):
    assert login(enhetschef).get(url, {"year": year}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("quarter", ["0", "5", "99999999999", "²"])
def test_a_quarter_outside_1_to_4_is_404(enhetschef, quarter):
    assert login(enhetschef).get("/uppfoljning/ivo/", {"year": "2025", "quarter": quarter}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/budget/budget/", "/budget/budget/export/", "/budget/budget/create/"])
@pytest.mark.parametrize("year", ["²", "99999999999", "abc"])
def test_the_budget_pages_fall_back_to_this_year_on_a_junk_year(controller, url, year):
    assert login(controller).get(url, {"year": year}).status_code == 200


@pytest.mark.parametrize(("year", "status"), [("²", 404), ("99999999999", 404), ("1999", 404), ("2024", 302)])
def test_the_indicator_refresh_reads_its_posted_year_with_the_one_parser(controller, year, status):
    response = login(controller).post("/indikatorer/uppdatera/", {"year": year})
    assert response.status_code == status
