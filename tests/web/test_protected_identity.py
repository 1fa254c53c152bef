"""Skyddade personuppgifter: a protected person's name, personnummer and address reach only a
user who holds 'socialtjanst.view_protected_identity' personally. Everyone else in the unit
sees "Skyddad identitet" and cannot find the person by name."""

import csv
import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission

from socialtjanst.models import Intake, Investigation, Person
from tests.conftest import login, search
from tests.factories import CaseFactory, PersonFactory, next_id_number

EMPTY = "Inga rader att visa."
STHLM = ZoneInfo("Europe/Stockholm")
MASKED = "Skyddad identitet"


@pytest.fixture
def hidden(units, handlaggare):
    person = PersonFactory(first_name="Hemlighild", last_name="Hemligsson", address="Skyddsgränd 99, 999 99 Gömda",
                           id_number=next_id_number(datetime.date(2012, 7, 7)), protected_identity=True)
    case = CaseFactory(person=person, unit=units["own"], responsible=handlaggare)
    intake = Intake.objects.create(
        case=case, kind="orosanmalan", received_at=datetime.datetime(2025, 1, 10, 9, tzinfo=STHLM),
        received_on=datetime.date(2025, 1, 10), channel="telefon", target_group="barn_unga", registered_by=handlaggare,
    )
    inv = Investigation.objects.create(case=case, started_on=datetime.date(2025, 1, 20), responsible=handlaggare)
    # An ordinary client in the same unit, so that lists are not empty for other reasons.
    CaseFactory(person=PersonFactory(first_name="Egon", last_name="Klientsson"), unit=units["own"],
                responsible=handlaggare)
    return {"person": person, "case": case, "intake": intake, "inv": inv}


def identity_strings(person):
    return [person.first_name, person.last_name, person.id_number, person.id_number.replace("-", ""),
            person.address, "Skyddsgränd"]


def pages(hidden):
    p, c = hidden["person"], hidden["case"]
    return [
        "/personer/", f"/personer/{p.pk}/", f"/personer/{p.pk}/update/", "/arenden/", f"/arenden/{c.pk}/",
        "/personer/export.csv", f"/anmalningar/{hidden['intake'].pk}/", f"/utredningar/{hidden['inv'].pk}/",
        "/att-gora/", "/",
    ]


def without_filter_form(body):
    return re.sub(r'<form method="get" class="filters">.*?</form>', "", body, flags=re.S)


def grant(user):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="socialtjanst",
                                                     codename="view_protected_identity"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["handlaggare", "enhetschef"])
def test_no_page_shows_the_protected_identity_without_the_permission(request, hidden, role):
    client = login(request.getfixturevalue(role))
    for url in pages(hidden):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        assert [s for s in identity_strings(hidden["person"]) if s in body] == [], url
        if url not in ("/", "/att-gora/"):
            assert MASKED in body, url


@pytest.mark.django_db
def test_masked_values_are_shown_where_the_identity_would_be(hidden, handlaggare):
    client = login(handlaggare)
    p = hidden["person"]
    detail = client.get(f"/personer/{p.pk}/").content.decode()
    assert f"<h1>{MASKED}</h1>" in detail
    assert "<dd>********-****</dd>" in detail and "<dd>Skyddad adress</dd>" in detail
    case = client.get(f"/arenden/{hidden['case'].pk}/").content.decode()
    assert f"Ärende {hidden['case'].pk} – {MASKED}" in case and "(********-****)" in case
    rows = list(csv.reader(io.StringIO(client.get("/personer/export.csv").content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 3
    assert [r for r in rows if r[1] == MASKED] == [["********-****", MASKED, "Okänt", "2012-07-07"]]
    assert [r[:2] for r in rows if r[1] == "Egon Klientsson"] == [
        [Person.objects.get(last_name="Klientsson").id_number, "Egon Klientsson"]]


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["Hemligsson", "Hemlighild", "hemlig", "HEMLIGSSON"])
def test_a_name_search_does_not_find_the_protected_person(hidden, handlaggare, q):
    client = login(handlaggare)
    body = search(client, "/personer/", {"q": q}).content.decode()
    table = without_filter_form(body)
    assert EMPTY in table and MASKED not in table
    # The query itself comes back in the search box and the sort links; nothing else may.
    assert [s for s in identity_strings(hidden["person"]) if s in table and s != q] == []
    export = search(client, "/personer/", {"q": q}, export="/personer/export.csv").content.decode("utf-8-sig")
    assert export.splitlines() == ["Personnummer;Namn;Kön;Född"]


@pytest.mark.django_db
def test_the_update_form_is_blank_and_locked_without_the_permission(hidden, handlaggare):
    body = login(handlaggare).get(f"/personer/{hidden['person'].pk}/update/").content.decode()
    assert f"Ändra personuppgifter – {MASKED}" in body
    assert re.search(r'<input type="text" name="first_name"[^>]*disabled', body)
    assert 'value="Hemlighild"' not in body and 'value="Hemligsson"' not in body


@pytest.mark.django_db
def test_without_the_permission_the_form_as_submitted_by_a_browser_changes_gender_only(hidden, handlaggare):
    p = hidden["person"]
    response = login(handlaggare).post(f"/personer/{p.pk}/update/", {"version": 1, "gender": "kvinna"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.gender, p.first_name, p.last_name, p.protected_identity) == ("kvinna", "Hemlighild", "Hemligsson", True)


@pytest.mark.django_db
def test_typed_names_from_a_user_without_the_permission_are_not_saved(hidden, handlaggare):
    p = hidden["person"]
    response = login(handlaggare).post(f"/personer/{p.pk}/update/", {
        "version": 1, "first_name": "Gissad", "last_name": "Gissadsson", "gender": "man", "address": "Fel väg 1",
    })
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.first_name, p.last_name, p.address, p.gender, p.protected_identity, p.version) == (
        "Hemlighild", "Hemligsson", "Skyddsgränd 99, 999 99 Gömda", "man", True, 2)


@pytest.mark.django_db
def test_the_permission_granted_to_the_user_shows_the_identity_everywhere(hidden, handlaggare):
    grant(handlaggare)
    client = login(handlaggare)
    p = hidden["person"]
    for url in pages(hidden):
        if url in ("/", "/att-gora/"):
            continue
        body = client.get(url).content.decode("utf-8-sig")
        assert MASKED not in body, url
        assert "Hemlighild" in body, url
    detail = client.get(f"/personer/{p.pk}/").content.decode()
    assert "<h1>Hemlighild Hemligsson</h1>" in detail
    assert f"<dd>{p.id_number}</dd>" in detail and "<dd>Skyddsgränd 99, 999 99 Gömda</dd>" in detail
    assert "Skyddade personuppgifter" in detail
    found = without_filter_form(search(client, "/personer/", {"q": "Hemligsson"}).content.decode())
    assert "Hemlighild Hemligsson" in found and p.id_number in found and EMPTY not in found
    export = search(client, "/personer/", {"q": "Hemligsson"}, export="/personer/export.csv").content.decode(
        "utf-8-sig")
    assert export.splitlines() == [
        "Personnummer;Namn;Kön;Född", f"{p.id_number};Hemlighild Hemligsson;Okänt;2012-07-07"]
    form = client.get(f"/personer/{p.pk}/update/").content.decode()
    assert 'value="Hemlighild"' in form and 'value="Skyddsgränd 99, 999 99 Gömda"' in form


@pytest.mark.django_db
def test_a_role_is_not_enough_only_the_users_own_permission(hidden, handlaggare, enhetschef):
    grant(enhetschef)
    assert "Hemligsson" in login(enhetschef).get(f"/personer/{hidden['person'].pk}/").content.decode()
    assert "Hemligsson" not in login(handlaggare).get(f"/personer/{hidden['person'].pk}/").content.decode()


@pytest.mark.django_db
def test_a_case_for_a_known_number_keeps_the_registered_name_says_so_and_can_only_raise_protection(
        units, handlaggare):
    known = PersonFactory(first_name="Klara", last_name="Klientsson",
                          id_number=next_id_number(datetime.date(2013, 3, 3)))
    client = login(handlaggare)
    response = client.post("/arenden/create/", {
        "id_number": known.id_number, "first_name": "Clara", "last_name": "Klientson", "unit": units["own"].pk,
        "opened_on": "2025-04-01", "protected_identity": "on",
    }, follow=True)
    body = response.content.decode()
    assert "Personnumret finns redan registrerat" in body and "namnet du skrev sparades inte" in body
    assert "Clara" not in body
    known.refresh_from_db()
    assert (known.first_name, known.last_name, known.protected_identity) == ("Klara", "Klientsson", True)

    # A later registration without the box never lowers the protection.
    client.post("/arenden/create/", {
        "id_number": known.id_number, "first_name": "Klara", "last_name": "Klientsson", "unit": units["own"].pk,
        "opened_on": "2025-05-01",
    })
    known.refresh_from_db()
    assert known.protected_identity is True
