"""Every way into case data writes exactly the access-log rows an enhetschef needs to review
it, and the access-log page finds them by user, personnummer, date and the two flags."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from socialtjanst.audit import audit_record
from socialtjanst.identity import synthetic_id_number
from socialtjanst.models import AccessAction, AccessEvent, Case, Person
from socialtjanst.roles import Role
from tests.conftest import login, search
from tests.factories import CaseFactory, PersonFactory, UserFactory

STHLM = ZoneInfo("Europe/Stockholm")


def the_rows(response, count):
    """The rows the request wrote, oldest first; each carries the request's address and id."""
    events = list(AccessEvent.objects.order_by("pk"))
    assert len(events) == count
    for e in events:
        assert e.client_ip == "127.0.0.1"
        assert e.request_id is not None and str(e.request_id) == response["X-Request-ID"]
        assert e.username == "hanna" and e.roles == "Handläggare"
    return events


def fields(e):
    return {
        "action": e.action, "object_type": e.object_type, "object_id": e.object_id, "person_ids": e.person_ids,
        "object_unit_ids": e.object_unit_ids, "outside_own_units": e.outside_own_units,
        "protected_person": e.protected_person, "criteria": e.criteria,
    }


def row(action, object_type, object_id, persons, units, *, protected=False, criteria=None, outside=False):
    return {
        "action": action, "object_type": object_type, "object_id": object_id, "person_ids": [p.pk for p in persons],
        "object_unit_ids": [u.pk for u in units], "outside_own_units": outside, "protected_person": protected,
        "criteria": criteria or {},
    }


@pytest.fixture
def client(handlaggare):
    return login(handlaggare)


@pytest.mark.django_db
def test_person_detail_writes_one_view(client, own_case, other_case, units):
    response = client.get(f"/personer/{own_case.person.pk}/")
    [e] = the_rows(response, 1)
    assert fields(e) == row("view", "Person", own_case.person.pk, [own_case.person], [units["own"]])
    assert e.actor_unit_ids == [units["own"].pk]


@pytest.mark.django_db
def test_person_with_cases_in_two_units_is_logged_with_both(client, own_case, units):
    CaseFactory(person=own_case.person, unit=units["other"])
    [e] = the_rows(client.get(f"/personer/{own_case.person.pk}/"), 1)
    assert e.object_unit_ids == sorted([units["own"].pk, units["other"].pk]) and e.outside_own_units is False


@pytest.mark.django_db
def test_protected_person_is_flagged(client, units):
    case = CaseFactory(unit=units["own"], person=PersonFactory(protected_identity=True))
    [e] = the_rows(client.get(f"/arenden/{case.pk}/"), 1)
    assert fields(e) == row("view", "Case", case.pk, [case.person], [units["own"]], protected=True)


@pytest.mark.django_db
@pytest.mark.parametrize("url,action,criteria", [
    ("/personer/", "list", {}),
    ("/personer/?q=Klientsson", "search", {"q": "Klientsson"}),
    ("/personer/?sort=birth_date", "list", {"sort": "birth_date"}),
    ("/personer/export.csv", "export", {}),
    ("/personer/export.csv?q=Klientsson", "export", {"q": "Klientsson"}),
])
def test_person_lists_searches_and_exports_write_one_row_with_the_persons_shown(
        client, own_case, other_case, units, url, action, criteria):
    path, _, q = url.partition("?q=")
    if q:  # a search is posted and its result read through ?sok= (socialtjanst.searches)
        response = search(client, "/personer/", {"q": q}, export=path if path.endswith(".csv") else None)
    else:
        response = client.get(url)
    [e] = the_rows(response, 1)
    assert fields(e) == row(action, "Person", None, [own_case.person], [units["own"]], criteria=criteria)


@pytest.mark.django_db
def test_case_detail_writes_one_view(client, own_case, other_case, units):
    [e] = the_rows(client.get(f"/arenden/{own_case.pk}/"), 1)
    assert fields(e) == row("view", "Case", own_case.pk, [own_case.person], [units["own"]])


@pytest.mark.django_db
def test_case_list_writes_one_list(client, own_case, other_case, units):
    [e] = the_rows(client.get("/arenden/?status=pagaende"), 1)
    assert fields(e) == row("list", "Case", None, [own_case.person], [units["own"]],
                            criteria={"status": "pagaende"})


@pytest.mark.django_db
def test_case_create_writes_person_create_and_case_create(client, units):
    number = synthetic_id_number(datetime.date(2015, 5, 5), 3)
    response = client.post("/arenden/create/", {
        "id_number": number, "first_name": "Nya", "last_name": "Klientsson", "unit": units["own"].pk,
        "opened_on": "2025-04-01",
    })
    person = Person.objects.get(id_number=number)
    case = Case.objects.get(person=person)
    assert response.status_code == 302 and response["Location"] == f"/arenden/{case.pk}/"
    events = the_rows(response, 2)
    assert [fields(e) for e in events] == [
        row("create", "Person", person.pk, [person], []),  # no case yet when the person is registered
        row("create", "Case", case.pk, [person], [units["own"]]),
    ]


@pytest.mark.django_db
def test_case_close_writes_one_change(client, own_case, units):
    response = client.post(f"/arenden/{own_case.pk}/close/", {"version": 1, "closed_on": "2025-06-01"})
    assert response.status_code == 302
    [e] = the_rows(response, 1)
    assert fields(e) == row("change", "Case", own_case.pk, [own_case.person], [units["own"]])


@pytest.mark.django_db
def test_person_update_writes_one_change(client, own_case, units):
    response = client.post(f"/personer/{own_case.person.pk}/update/", {
        "version": 1, "first_name": "Egen", "last_name": "Klientsson", "gender": "kvinna", "address": "Ny väg 1",
    })
    assert response.status_code == 302
    [e] = the_rows(response, 1)
    assert fields(e) == row("change", "Person", own_case.person.pk, [own_case.person], [units["own"]])


@pytest.mark.django_db
@pytest.mark.parametrize("method,path", [
    ("get", "/arenden/{pk}/"), ("post", "/arenden/{pk}/close/"), ("get", "/personer/{person}/"),
])
def test_a_404_on_another_units_object_writes_only_a_denied_row(client, other_case, units, method, path):
    url = path.format(pk=other_case.pk, person=other_case.person.pk)
    response = getattr(client, method)(url, {"version": 1, "closed_on": "2025-06-01"} if method == "post" else {})
    assert response.status_code == 404
    kind, object_id = ("Person", other_case.person.pk) if "personer" in path else ("Case", other_case.pk)
    [e] = the_rows(response, 1)
    assert fields(e) == row("denied", kind, object_id, [other_case.person], [units["other"]], outside=True)


# --- the access-log page ---------------------------------------------------------------------


@pytest.fixture
def log(units, handlaggare, own_case, other_case):
    """hanna views an own person (1 March) and a protected own person (20 March); hugo, also of the
    own unit, an object only in the other unit (5 March, outside own units); olle of the other unit
    and carl (no unit) only other-unit objects — the own enhetschef must never see those two."""
    hugo = UserFactory(username="hugo", role=Role.HANDLAGGARE, units=[units["own"]])
    olle = UserFactory(username="olle", role=Role.HANDLAGGARE, units=[units["other"]])
    carl = UserFactory(username="carl", role=Role.CONTROLLER)
    protected = CaseFactory(unit=units["own"], person=PersonFactory(protected_identity=True)).person

    def at(event, day):
        AccessEvent.objects.filter(pk=event.pk).update(at=datetime.datetime(2025, 3, day, 10, tzinfo=STHLM))
        return event.pk

    client = login(handlaggare)
    request_id = client.get(f"/personer/{own_case.person.pk}/")["X-Request-ID"]
    own = at(AccessEvent.objects.latest("pk"), 1)
    client.get(f"/personer/{protected.pk}/")
    prot = at(AccessEvent.objects.latest("pk"), 20)
    outside = at(audit_record(user=hugo, action=AccessAction.VIEW, object_type="Case", object_id=other_case.pk,
                              persons=[other_case.person], object_unit_ids=[units["other"].pk]), 5)
    login(olle).get(f"/personer/{other_case.person.pk}/")
    at(AccessEvent.objects.latest("pk"), 10)
    at(audit_record(user=carl, action=AccessAction.VIEW, object_type="Case", object_id=other_case.pk,
                    persons=[other_case.person], object_unit_ids=[units["other"].pk]), 12)
    return {"own": own, "prot": prot, "outside": outside, "request_id": request_id}


def shown(body):
    """(username, object id) of each row of the log table."""
    tbody = re.search(r"<tbody[^>]*>(.*?)</tbody>", body, flags=re.S).group(1)
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", tbody, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, flags=re.S)]
        if len(cells) > 1:  # the empty table has one cell: "Inga rader att visa."
            rows.append((cells[1], cells[5]))
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("query,expected", [
    ({}, ["prot", "outside", "own"]),
    ({"username": "hanna"}, ["prot", "own"]),
    ({"username": "HANNA"}, ["prot", "own"]),
    ({"username": "olle"}, []),
    ({"person": "OWN"}, ["own"]),
    ({"person": "OTHER"}, ["outside"]),
    ({"date_from": "2025-03-02", "date_to": "2025-03-15"}, ["outside"]),
    ({"date_from": "2025-03-05", "date_to": "2025-03-20"}, ["prot", "outside"]),
    ({"outside_own_units": "on"}, ["outside"]),
    ({"protected_person": "on"}, ["prot"]),
])
def test_access_log_filters(enhetschef, own_case, other_case, log, query, expected):
    numbers = {"OWN": own_case.person.id_number, "OTHER": other_case.person.id_number}
    query = {k: numbers.get(v, v) for k, v in query.items()}
    response = search(login(enhetschef), "/atkomstlogg/", query)
    assert response.status_code == 200
    by_pk = {e.pk: (e.username, str(e.object_id)) for e in AccessEvent.objects.all()}
    body = response.content.decode()
    assert shown(body) == [by_pk[log[name]] for name in expected]
    assert ("Inga rader att visa." in body) is not expected


@pytest.mark.django_db
def test_access_log_xlsx_has_swedish_header_and_the_filtered_rows(enhetschef, own_case, log):
    response = search(login(enhetschef), "/atkomstlogg/", {"person": own_case.person.id_number},
                      export="/atkomstlogg/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="atkomstlogg.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows == [
        ["Tidpunkt", "Användare", "Roll", "Åtgärd", "Objekttyp", "Objekt-id", "Berörda personer",
         "Utanför egna enheter", "Skyddad person", "Sökvillkor", "IP-adress", "Anrops-id"],
        ["2025-03-01 10:00:00", "hanna", "Handläggare", "Visning", "Person", own_case.person.pk,
         f"Egen Klientsson ({own_case.person.id_number})", "nej", "nej", None, "127.0.0.1",
         log["request_id"]],  # no criteria: empty cell
    ]
    export = AccessEvent.objects.latest("pk")
    assert (export.username, export.action, export.object_type, export.criteria) == (
        "eva", "export", "AccessEvent", {"person": own_case.person.id_number})


@pytest.mark.django_db
def test_enhetschef_never_sees_events_only_about_other_units(enhetschef, log):
    response = login(enhetschef).get("/atkomstlogg/export.csv")
    body = response.content.decode("utf-8-sig")
    assert ";olle;" not in body and ";carl;" not in body
    assert body.count(";hanna;") == 2 and body.count(";hugo;") == 1
    assert ";Export;Åtkomstlogg;" not in body  # the export is logged, but not a row of its own file
    assert AccessEvent.objects.filter(action="export", object_type="AccessEvent").count() == 1
