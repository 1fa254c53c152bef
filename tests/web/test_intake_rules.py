"""Issue 14 points 3, 4 and 7 and issue 18 point 6, as a user meets them: the intake form and page follow the
unit's target group, inkom in the future is refused by the web form as by the e-tjänst API (one rule, one
intake service), saved concern categories are shown, and no decision-making choice starts preselected."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client

from socialtjanst import intake_service
from socialtjanst.etjanst_forms import IN_FUTURE as API_IN_FUTURE
from socialtjanst.models import Case, Intake, Person
from socialtjanst.roles import Role
from tests.conftest import login
from tests.factories import UserFactory, next_id_number

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=STOCKHOLM)


def post_intake(client: Client, unit, **extra):
    data = {
        "save": "1", "id_number": next_id_number(datetime.date(1980, 4, 2)), "unit": unit.pk,
        "kind": "ansokan", "received_at": "2026-11-02 08:30", "channel": "telefon", "reporter_category": "den_enskilde",
        "concern_categories": [], "concern_text": "Ansöker om stöd.", "gender": "okant",
    }
    data.update(extra)
    return client.post("/anmalningar/create/", data)


@pytest.fixture
def adult_worker(units):
    return UserFactory(username="vera", role=Role.HANDLAGGARE, units=[units["adult"]])


@pytest.fixture
def child_worker(handlaggare):
    return handlaggare


def _selected(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_an_adult_application_has_no_14_day_clock_and_no_safety_line(adult_worker, units):
    client = login(adult_worker)
    form = client.get("/anmalningar/create/").content.decode()
    assert ">Personnummer:</label>" in form and "Barnets personnummer" not in form
    response = post_intake(client, units["adult"])
    intake = Intake.objects.get()
    assert response["Location"] == f"/anmalningar/{intake.pk}/"
    assert intake.target_group == "vuxna"
    page = client.get(f"/anmalningar/{intake.pk}/").content.decode()
    assert "Skyddsbedömning" not in page and "ej gjord" not in page
    assert "Förhandsbedömning senast" not in page and "2026-11-16" not in page
    assert "Beslut om att inleda utredning, utan 14-dagarsfrist (vuxen)" in page
    todo = client.get("/att-gora/").content.decode()
    assert "Förhandsbedömning</td>" not in todo and "2026-11-16" not in todo


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_report_about_a_child_keeps_its_clock_and_the_childs_wording(child_worker, units):
    client = login(child_worker)
    assert "Barnets personnummer" in client.get("/anmalningar/create/").content.decode()
    post_intake(client, units["own"], id_number=next_id_number(datetime.date(2016, 4, 2)), kind="orosanmalan",
                reporter_category="skola", concern_categories=["vald", "skolfranvaro"],
                take_case="on")  # "Jag tar ärendet": else the case waits unassigned (socialtjanst.assignment)
    intake = Intake.objects.get()
    page = client.get(f"/anmalningar/{intake.pk}/").content.decode()
    assert "ej gjord (senast 2026-11-02)" in page
    assert '<dd id="screening-due">2026-11-16</dd>' in page
    # The concern categories saved are shown, in Swedish.
    assert '<dd id="concerns">Barnets miljö: våld, Barnets beteende: skolfrånvaro</dd>' in page
    todo = client.get("/att-gora/").content.decode()
    assert "Förhandsbedömning</td>" in todo and "2026-11-16" in todo


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_web_form_refuses_inkom_in_the_future_with_the_apis_message(child_worker, units):
    client = login(child_worker)
    response = post_intake(client, units["own"], received_at="2026-11-02 11:00")  # two hours ahead, same day
    assert response.status_code == 200
    assert intake_service.IN_FUTURE == API_IN_FUTURE == "Tidpunkten kan inte ligga i framtiden."
    assert "Tidpunkten kan inte ligga i framtiden." in response.content.decode()
    assert not Intake.objects.exists() and not Person.objects.exists()
    # Within the clock skew both accept (09:04 against 09:00).
    post_intake(client, units["own"], received_at="2026-11-02 09:04")
    assert Intake.objects.count() == 1


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_no_decision_making_choice_starts_preselected_and_anmalare_is_required(child_worker, units):
    client = login(child_worker)
    form = client.get("/anmalningar/create/").content.decode()
    assert _selected(form, "reporter_category") == [""]
    response = post_intake(client, units["own"], reporter_category="")
    assert response.status_code == 200 and "Detta fält måste fyllas i." in response.content.decode()
    assert not Intake.objects.exists()
    post_intake(client, units["own"], kind="orosanmalan", reporter_category="polis",
                id_number=next_id_number(datetime.date(2016, 4, 2)))
    intake = Intake.objects.get()
    assert intake.reporter_category == "polis"
    page = client.get(f"/anmalningar/{intake.pk}/").content.decode()
    assert _selected(page, "result") == [""]  # skyddsbedömning: nothing chosen for the user
    assert _selected(page, "outcome") == [""]
    response = client.post(f"/anmalningar/{intake.pk}/skyddsbedomning/", {"assessed_on": "2026-11-02"}, follow=True)
    assert "Resultat: Detta fält måste fyllas i." in response.content.decode()
    intake.refresh_from_db()
    assert intake.safety_result == "" and intake.safety_assessed_on is None


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_refused_intake_leaves_no_person_behind(child_worker, units):
    # The database refuses the intake (inkom before the date window) after the person was made: one
    # transaction, so neither the person nor the case stays. The web view used to commit the person first.
    with pytest.raises(ValidationError):
        intake_service.intake_receive(
            by=child_worker, unit=units["own"], kind="orosanmalan", channel="telefon",
            received_at=datetime.datetime(1899, 12, 31, 12, tzinfo=STOCKHOLM),
            person=intake_service.PersonDetails(id_number=next_id_number(datetime.date(2016, 1, 1)),
                                                first_name="Ny", last_name="Personsson"),
            reporter_category="skola",
        )
    assert not Person.objects.exists() and not Case.objects.exists()


def test_the_service_requires_the_reporter_too(child_worker, units):
    with pytest.raises(ValidationError) as err:
        intake_service.intake_receive(
            by=child_worker, unit=units["own"], kind="orosanmalan", channel="telefon", received_at=NOW,
            person=intake_service.PersonDetails(id_number=next_id_number(datetime.date(2016, 1, 1))),
            reporter_category="",
        )
    assert err.value.messages == ["Ange vem som anmälde eller tog kontakt (anmälare)."]
    assert not Person.objects.exists()


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_late_synnerliga_skal_are_flagged_on_the_intake_and_the_screening_counts_as_late(child_worker, units):
    client = login(child_worker)
    post_intake(client, units["own"], kind="orosanmalan", reporter_category="skola",
                id_number=next_id_number(datetime.date(2016, 4, 2)), received_at="2026-10-01 10:00")
    intake = Intake.objects.get()  # received 2026-10-01: due 2026-10-15
    screening = {"decided_on": "2026-10-20", "outcome": "inte_inleda", "track": "andra_linjen",
                 "extraordinary_reason": "Polisutredning pågår.", "extended_due_on": "2026-10-30"}
    response = client.post(f"/anmalningar/{intake.pk}/forhandsbedomning/", screening, follow=True)
    assert "Ange både förlängd frist och datum då de synnerliga skälen beslutades." in response.content.decode()
    client.post(f"/anmalningar/{intake.pk}/forhandsbedomning/", {**screening, "extension_decided_on": "2026-10-20"})
    page = client.get(f"/anmalningar/{intake.pk}/").content.decode()
    assert '<dd id="screening-due">2026-10-15</dd>' in page
    assert "Frist 2026-10-30, beslutade 2026-10-20" in page and "(för sent beslutade, gäller inte)" in page
    assert "(efter fristen)" in page
