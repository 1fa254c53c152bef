import datetime

import pytest
from django.utils import timezone

from socialtjanst.models import AccessEvent, Intake, Investigation, Screening
from tests.conftest import login
from tests.factories import next_id_number


@pytest.fixture
def client_h(handlaggare):
    return login(handlaggare)


def register(client, unit, **extra):
    data = {
        "save": "1", "id_number": next_id_number(datetime.date(2016, 4, 2)), "unit": unit.pk,
        "kind": "orosanmalan", "received_at": "2026-11-02 09:30", "channel": "telefon", "reporter_category": "skola",
        "concern_categories": ["vald"], "concern_text": "Eleven berättar om slag hemma.", "gender": "okant",
    }
    data.update(extra)
    return client.post("/anmalningar/create/", data)


@pytest.mark.django_db
def test_register_report_screen_and_find_the_investigation_on_att_gora(client_h, units, handlaggare):
    response = register(client_h, units["own"])
    intake = Intake.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/anmalningar/{intake.pk}/"
    assert intake.received_on == datetime.date(2026, 11, 2)
    assert intake.target_group == "barn_unga" and intake.concern_categories == ["vald"]

    page = client_h.get(f"/anmalningar/{intake.pk}/").content.decode()
    assert "2026-11-16" in page  # förhandsbedömning due 14 days after the report

    response = client_h.post(f"/anmalningar/{intake.pk}/forhandsbedomning/", {
        "decided_on": "2026-11-10", "outcome": "inleda", "track": "andra_linjen",
    })
    investigation = Investigation.objects.get()
    assert response["Location"] == f"/utredningar/{investigation.pk}/"
    assert investigation.started_on == datetime.date(2026, 11, 10)
    assert investigation.responsible == handlaggare

    todo = client_h.get("/att-gora/").content.decode()
    assert "Utredning" in todo and "2027-03-10" in todo  # four calendar months


@pytest.mark.django_db
def test_earlier_reports_about_the_same_child_are_shown_before_saving_and_logged(client_h, units):
    id_number = next_id_number(datetime.date(2015, 6, 1))
    register(client_h, units["own"], id_number=id_number)
    before = AccessEvent.objects.filter(action="search").count()
    page = client_h.post("/anmalningar/create/", {"lookup": "1", "id_number": id_number}).content.decode()
    assert "Tidigare anmälningar om barnet" in page and "2026-11-02" in page
    assert AccessEvent.objects.filter(action="search").count() == before + 1


@pytest.mark.django_db
def test_a_screening_dated_before_the_report_gets_a_swedish_message_and_nothing_is_saved(client_h, units):
    register(client_h, units["own"])
    intake = Intake.objects.get()
    response = client_h.post(f"/anmalningar/{intake.pk}/forhandsbedomning/", {
        "decided_on": "2026-10-01", "outcome": "inte_inleda", "track": "andra_linjen",
    }, follow=True)
    assert "Förhandsbedömningen kan inte vara beslutad före anmälan kom in." in response.content.decode()
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_another_units_intake_is_not_found(client_h, units, other_case, handlaggare):
    intake = Intake.objects.create(
        case=other_case, kind="orosanmalan", received_at=timezone.now(), received_on=timezone.localdate(),
        channel="telefon", target_group="barn_unga", registered_by=handlaggare,
    )
    assert client_h.get(f"/anmalningar/{intake.pk}/").status_code == 404
    assert client_h.post(f"/anmalningar/{intake.pk}/forhandsbedomning/", {
        "decided_on": "2026-11-10", "outcome": "inleda", "track": "andra_linjen"}).status_code == 404
    assert not Screening.objects.exists()


@pytest.mark.django_db
def test_a_second_report_with_another_spelling_keeps_the_registered_name_and_says_so(client_h, units):
    id_number = next_id_number(datetime.date(2015, 8, 8))
    register(client_h, units["own"], id_number=id_number, first_name="Alva", last_name="Andersson")
    response = register(client_h, units["own"], id_number=id_number, first_name="Alwa", last_name="Andersson")
    page = client_h.get(response["Location"]).content.decode()
    assert "Personnumret finns redan registrerat" in page
    assert {(i.case.person.first_name, i.case.person.last_name) for i in Intake.objects.all()} == {
        ("Alva", "Andersson")}
    # The same name (in any case) is no news and gets no note.
    response = register(client_h, units["own"], id_number=id_number, first_name="ALVA", last_name="andersson")
    assert "Personnumret finns redan" not in client_h.get(response["Location"]).content.decode()
