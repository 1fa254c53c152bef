"""The e-tjänst intake API: bearer token per client, JSON in, one Intake per client reference,
Swedish field errors with nothing saved, the access log written as the e-tjänst's system user,
and an OpenAPI 3.1 document built from the same choices."""

import datetime
import hashlib
import io
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from socialtjanst.etjanst_forms import (
    BIRTH_IN_FUTURE,
    IN_FUTURE,
    INVALID_DATETIME,
    INVALID_JSON,
    MISSING_PERSON,
    NOT_TEXT,
    REQUIRED_WITHOUT_NUMBER,
    UNAUTHORIZED,
    UNKNOWN_FIELD,
)
from socialtjanst.identity import INVALID_ID_NUMBER, synthetic_id_number
from socialtjanst.management.commands.create_etjanst_client import create_client
from socialtjanst.models import (
    AccessEvent,
    Case,
    ConcernCategory,
    EServiceClient,
    Gender,
    Intake,
    Person,
    ReporterCategory,
)
from socialtjanst.openapi import openapi_document
from socialtjanst.views import etjanst as etjanst_views
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory

URL = "/api/e-tjanst/orosanmalningar/"
CHILD_BIRTH = datetime.date(2015, 3, 15)
CHILD_NUMBER = synthetic_id_number(CHILD_BIRTH, 6)  # 20150315-9863, a woman's number in the test series
REQUIRED = "Detta fält måste fyllas i."


@pytest.fixture
def etjanst(units):
    client, token = create_client("Orosanmälan webb", units["own"])
    return client, token


def payload(**changes):
    data = {
        "referens": "ET-2026-0001",
        "inkom": (timezone.localtime() - datetime.timedelta(hours=2)).replace(microsecond=0).isoformat(),
        "anmalare_kategori": "skola",
        "anmalare_kontakt": "Rektor Demoskolan, 010-123 45 67",
        "personnummer": CHILD_NUMBER,
        "oro_kategorier": ["vald", "skolfranvaro"],
        "beskrivning": "Eleven berättar om slag hemma och har varit borta från skolan i två veckor.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post(token, body, http=None):
    http = http or Client()
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return http.post(URL, raw, content_type="application/json", headers=headers)


def counts():
    return Intake.objects.count(), Person.objects.count(), Case.objects.count(), AccessEvent.objects.count()


def assert_no_identity(response, *persons):
    body = response.content.decode()
    for p in persons:
        for secret in (p.id_number, p.id_number.replace("-", ""), p.id_number[2:], p.first_name, p.last_name):
            assert secret not in body


# --- creating ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_valid_report_creates_one_intake_at_the_clients_unit(etjanst, units):
    client, token = etjanst
    data = payload()
    response = post(token, data)

    assert response.status_code == 201
    intake = Intake.objects.get()
    assert response.json() == {"id": intake.pk, "referens": "ET-2026-0001", "skapad": True}
    assert intake.case.unit == units["own"] and intake.case.responsible is None
    assert intake.kind == "orosanmalan" and intake.channel == "e_tjanst" and intake.target_group == "barn_unga"
    assert intake.received_at == datetime.datetime.fromisoformat(data["inkom"])
    assert intake.received_on == timezone.localdate(intake.received_at)
    assert intake.reporter_category == "skola"
    assert intake.reporter_contact == "Rektor Demoskolan, 010-123 45 67"
    assert intake.concern_categories == ["vald", "skolfranvaro"]
    assert intake.concern_text.startswith("Eleven berättar")
    assert intake.e_service_client == client and intake.external_reference == "ET-2026-0001"
    assert intake.registered_by == client.user

    person = intake.case.person
    assert (person.id_number, person.id_kind, person.birth_date, person.gender) == (
        CHILD_NUMBER, "personnummer", CHILD_BIRTH, "kvinna")
    assert (person.first_name, person.last_name) == ("Okänt", "Okänt")
    assert_no_identity(response, person)


@pytest.mark.django_db
def test_the_access_log_names_the_system_user_and_the_request(etjanst, units):
    client, token = etjanst
    response = post(token, payload())
    intake = Intake.objects.get()
    person = intake.case.person

    rows = list(AccessEvent.objects.order_by("pk"))
    assert [(r.action, r.object_type, r.object_id) for r in rows] == [
        ("create", "Person", person.pk), ("create", "Intake", intake.pk)]
    for r in rows:
        assert r.user == client.user and r.username == client.user.username and r.roles == ""
        assert r.person_ids == [person.pk] and r.actor_unit_ids == [units["own"].pk]
        assert str(r.request_id) == response["X-Request-ID"] and r.client_ip == "127.0.0.1"
        assert not r.outside_own_units
    assert rows[1].object_unit_ids == [units["own"].pk]
    # The history rows (pghistory) name the system user too, not an anonymous request.
    event = apps.get_model("socialtjanst", "IntakeEvent").objects.get(pgh_obj_id=intake.pk)
    assert event.pgh_context.metadata["user"] == client.user.pk


@pytest.mark.django_db
def test_an_existing_person_and_open_case_are_reused(etjanst, units):
    _, token = etjanst
    person = PersonFactory(id_number=CHILD_NUMBER, first_name="Saga", last_name="Befintlig",
                           protected_identity=True)
    case = CaseFactory(person=person, unit=units["own"])
    before = counts()

    short = CHILD_NUMBER[2:]  # ÅÅMMDD-NNNN is accepted too
    response = post(token, payload(personnummer=short, fornamn="Annat", efternamn="Namn"))

    assert response.status_code == 201
    intake = Intake.objects.get()
    assert intake.case == case
    assert counts()[:3] == (before[0] + 1, before[1], before[2])
    person.refresh_from_db()
    assert person.first_name == "Saga"  # a report never renames a known person
    rows = list(AccessEvent.objects.order_by("pk"))
    assert [(r.action, r.object_type, r.protected_person) for r in rows] == [("create", "Intake", True)]
    assert_no_identity(response, person)


@pytest.mark.django_db
def test_the_same_reference_twice_gives_one_intake_and_200(etjanst):
    client, token = etjanst
    first = post(token, payload())
    events_after_first = AccessEvent.objects.count()
    second = post(token, payload(beskrivning="Skickad igen efter ett nätverksfel."))

    assert first.status_code == 201 and second.status_code == 200
    intake = Intake.objects.get()
    assert second.json() == {"id": intake.pk, "referens": "ET-2026-0001", "skapad": False}
    assert intake.concern_text.startswith("Eleven berättar")
    assert Person.objects.count() == 1
    # The repeat looks the intake up: one view row, by the system user.
    repeat = list(AccessEvent.objects.order_by("pk")[events_after_first:])
    assert [(r.action, r.object_type, r.object_id, r.user_id) for r in repeat] == [
        ("view", "Intake", intake.pk, client.user.pk)]


@pytest.mark.django_db
def test_a_repeat_about_an_unknown_child_creates_no_second_reservnummer(etjanst):
    _, token = etjanst
    data = payload(personnummer=None, fornamn="Nova", efternamn="Okändsson", fodelsedatum="2016-04-02")
    assert post(token, data).status_code == 201
    assert post(token, data).status_code == 200
    assert Person.objects.count() == 1 and Intake.objects.count() == 1


@pytest.mark.django_db
def test_a_lost_race_rolls_back_this_requests_person(etjanst, monkeypatch):
    """Two posts of one reference at once: the loser gets the winner's intake and leaves no orphan person."""
    client, token = etjanst
    assert post(token, payload(referens="R-1")).status_code == 201
    winner = Intake.objects.get()
    real = etjanst_views.caseflow.intake_register

    def lose(**kwargs):
        real(**kwargs)  # writes, then the race is lost: what it wrote must be undone too
        return winner, False

    monkeypatch.setattr(etjanst_views.caseflow, "intake_register", lose)
    before = counts()
    response = post(token, payload(referens="R-2", personnummer=None, fornamn="Nova", efternamn="Okändsson",
                                   fodelsedatum="2016-04-02"))
    assert response.status_code == 200 and response.json()["id"] == winner.pk
    assert counts()[:3] == before[:3]


@pytest.mark.django_db
def test_another_client_with_the_same_reference_gets_its_own_intake(etjanst, units):
    _, token = etjanst
    _, other_token = create_client("Skolans e-tjänst", units["own"])
    assert post(token, payload()).status_code == 201
    assert post(other_token, payload()).status_code == 201
    assert Intake.objects.count() == 2 and Person.objects.count() == 1


@pytest.mark.django_db
def test_an_unknown_number_child_gets_a_reservnummer(etjanst):
    _, token = etjanst
    response = post(token, payload(personnummer=None, fornamn="Nova", efternamn="Okändsson",
                                   fodelsedatum="2016-04-02", kon="kvinna"))
    assert response.status_code == 201
    person = Intake.objects.get().case.person
    assert person.id_kind == "reservnummer" and person.id_number == "20160402-R001"
    assert (person.first_name, person.last_name, person.birth_date, person.gender) == (
        "Nova", "Okändsson", datetime.date(2016, 4, 2), "kvinna")
    assert_no_identity(response, person)
    assert "R001" not in response.content.decode()


@pytest.mark.django_db
def test_csrf_does_not_apply_to_the_token_api(etjanst):
    _, token = etjanst
    assert post(token, payload(), http=Client(enforce_csrf_checks=True)).status_code == 201


# --- refusing ----------------------------------------------------------------------------------------------------

FUTURE = (timezone.localtime() + datetime.timedelta(days=1)).isoformat()
INVALID = [
    ("bad_luhn", payload(personnummer="20150315-9864"), "personnummer", INVALID_ID_NUMBER),
    ("missing_description", payload(beskrivning=None), "beskrivning", REQUIRED),
    ("blank_description", payload(beskrivning="   "), "beskrivning", REQUIRED),
    ("unknown_reporter", payload(anmalare_kategori="granne"), "anmalare_kategori", "Ogiltigt värde."),
    ("future_inkom", payload(inkom=FUTURE), "inkom", IN_FUTURE),
    ("date_only_inkom", payload(inkom="2026-01-05"), "inkom", INVALID_DATETIME),
    ("malformed_json", '{"referens": "ET-1", ', "__all__", INVALID_JSON),
    ("json_not_object", "[1, 2]", "__all__", INVALID_JSON),
    ("not_utf8", "{}".encode("utf-16"), "__all__", INVALID_JSON),
    ("no_person", payload(personnummer=None), "personnummer", MISSING_PERSON),
    ("name_without_birth_date", payload(personnummer=None, fornamn="Nova", efternamn="Okändsson"),
     "fodelsedatum", REQUIRED_WITHOUT_NUMBER),
    ("birth_date_in_future", payload(personnummer=None, fornamn="Nova", efternamn="Okändsson",
                                     fodelsedatum="2999-01-01"), "fodelsedatum", BIRTH_IN_FUTURE),
    ("missing_reference", payload(referens=None), "referens", REQUIRED),
    ("reference_too_long", payload(referens="x" * 101), "referens", "som mest 100 tecken"),
    ("reference_not_text", payload(referens=12345), "referens", NOT_TEXT),
    ("unknown_concern", payload(oro_kategorier=["vald", "okand"]), "oro_kategorier", "Välj ett giltigt alternativ"),
    ("concerns_not_list", payload(oro_kategorier="vald"), "oro_kategorier", "lista"),
    ("unknown_gender", payload(personnummer=None, fornamn="N", efternamn="O", fodelsedatum="2016-04-02",
                               kon="x"), "kon", "Ogiltigt värde."),
    ("misspelt_field", payload(anmalare_kontakt=None, anmalarekontakt="010-1"), "anmalarekontakt", UNKNOWN_FIELD),
]


@pytest.mark.django_db
@pytest.mark.parametrize("body,key,message", [i[1:] for i in INVALID], ids=[i[0] for i in INVALID])
def test_an_invalid_report_gets_400_with_a_swedish_message_and_nothing_is_saved(etjanst, body, key, message):
    _, token = etjanst
    before = counts()
    response = post(token, body)
    assert response.status_code == 400
    errors = response.json()["fel"]
    assert key in errors, errors
    assert any(message in m for m in errors[key]), errors
    assert counts() == before
    assert "20150315" not in response.content.decode()


@pytest.mark.django_db
def test_several_field_errors_come_back_together(etjanst):
    _, token = etjanst
    response = post(token, {"referens": "ET-1"})
    assert response.status_code == 400
    assert set(response.json()["fel"]) == {"inkom", "anmalare_kategori", "beskrivning", "personnummer"}


@pytest.mark.django_db
def test_a_service_refusal_is_400_and_rolls_back_the_person(etjanst, monkeypatch):
    """A rule the database enforces (here: reservnummer exhausted) still answers in Swedish with nothing saved."""
    from django.core.exceptions import ValidationError

    _, token = etjanst

    def refuse(**kwargs):
        raise ValidationError("Kunde inte skapa reservnummer för födelsedatumet.")

    monkeypatch.setattr(etjanst_views.services, "person_register_without_number", refuse)
    before = counts()
    response = post(token, payload(personnummer=None, fornamn="N", efternamn="O", fodelsedatum="2016-04-02"))
    assert response.status_code == 400
    assert response.json() == {"fel": {"__all__": ["Kunde inte skapa reservnummer för födelsedatumet."]}}
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "Bearer", "Bearer fel-token", "Basic dXNlcjpwYXNz", "Token {token}",
                                    "Bearer {token}x"])
def test_a_missing_or_wrong_token_is_401_and_writes_nothing(etjanst, header):
    _, token = etjanst
    headers = {"Authorization": header.format(token=token)} if header else {}
    before = counts()
    response = Client().post(URL, json.dumps(payload()), content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"fel": UNAUTHORIZED}
    assert response["WWW-Authenticate"] == "Bearer"
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("what", ["client", "user"])
def test_an_inactive_client_or_system_user_is_401(etjanst, what):
    client, token = etjanst
    if what == "client":
        EServiceClient.objects.filter(pk=client.pk).update(active=False)
    else:
        type(client.user).objects.filter(pk=client.user.pk).update(is_active=False)
    before = counts()
    response = post(token, payload())
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert counts() == before


@pytest.mark.django_db
def test_a_logged_in_session_is_no_credential(etjanst, handlaggare):
    before = counts()
    response = login(handlaggare).post(URL, json.dumps(payload()), content_type="application/json")
    assert response.status_code == 401
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_other_methods_are_not_allowed(etjanst, method):
    _, token = etjanst
    response = getattr(Client(), method)(URL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405
    assert response["Allow"] == "POST"


@pytest.mark.django_db
def test_the_url_names():
    assert reverse("api_etjanst_intake") == URL
    assert reverse("api_openapi") == "/api/openapi.json"


# --- OpenAPI ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_openapi_document_is_served_without_login_and_matches_the_models():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    doc = response.json()
    assert doc == json.loads(json.dumps(openapi_document()))
    assert doc["openapi"] == "3.1.0" and doc["info"]["title"] and doc["info"]["version"]

    operation = doc["paths"][URL]["post"]
    assert set(operation["responses"]) == {"200", "201", "400", "401"}
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Orosanmalan"}
    assert doc["security"] == [{"bearerAuth": []}]
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        **doc["components"]["securitySchemes"]["bearerAuth"], "type": "http", "scheme": "bearer"}

    schema = doc["components"]["schemas"]["Orosanmalan"]
    props = schema["properties"]
    assert props["anmalare_kategori"]["enum"] == ReporterCategory.values
    assert props["oro_kategorier"]["items"]["enum"] == ConcernCategory.values
    assert props["kon"]["enum"] == Gender.values
    assert set(schema["required"]) == {"referens", "inkom", "anmalare_kategori", "beskrivning"}
    from socialtjanst.etjanst_forms import ETjanstIntakeForm
    assert set(props) == set(ETjanstIntakeForm.base_fields)
    for ref in ("Kvittens", "Valideringsfel", "Autentiseringsfel"):
        assert ref in doc["components"]["schemas"]


@pytest.mark.django_db
def test_the_documented_example_is_accepted(etjanst):
    _, token = etjanst
    example = openapi_document()["components"]["schemas"]["Orosanmalan"]["examples"][0]
    response = post(token, example)
    assert response.status_code == 201, response.content


# --- the management command -----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("by", ["code", "id"])
def test_the_command_creates_a_client_and_shows_the_token_once(units, by):
    unit = units["own"]
    out = io.StringIO()
    call_command("create_etjanst_client", "Kommunens webbplats", "--unit", unit.code if by == "code" else
                 str(unit.pk), stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    client = EServiceClient.objects.get()
    assert client.name == "Kommunens webbplats" and client.unit == unit and client.active
    assert client.token_sha256 == hashlib.sha256(token.encode()).hexdigest() != token
    assert len(token) >= 43
    assert not client.user.has_usable_password()
    assert client.user.groups.count() == 0 and list(client.user.unitmembership_set.values_list("unit", flat=True)) \
        == [unit.pk]
    assert post(token, payload()).status_code == 201


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_unit_and_a_duplicate_name(units):
    with pytest.raises(CommandError, match="ingen enhet"):
        call_command("create_etjanst_client", "X", "--unit", "FINNS_INTE", stdout=io.StringIO())
    call_command("create_etjanst_client", "X", "--unit", "MOTT_BARN", stdout=io.StringIO())
    with pytest.raises(CommandError, match="redan"):
        call_command("create_etjanst_client", "X", "--unit", "MOTT_BARN", stdout=io.StringIO())
    assert EServiceClient.objects.count() == 1


@pytest.mark.django_db
def test_rotating_the_token_stops_the_old_one_at_once_and_shows_the_new_one_once(etjanst):
    client, old = etjanst
    out = io.StringIO()
    call_command("rotate_etjanst_token", client.name, stdout=out)
    new = out.getvalue().strip().splitlines()[-1]
    assert new != old and len(new) >= 43
    client.refresh_from_db()
    assert client.token_sha256 == hashlib.sha256(new.encode()).hexdigest()
    before = counts()
    assert post(old, payload()).status_code == 401
    assert counts() == before
    assert post(new, payload()).status_code == 201
    with pytest.raises(CommandError, match="ingen e-tjänstklient"):
        call_command("rotate_etjanst_token", "Finns inte", stdout=io.StringIO())
