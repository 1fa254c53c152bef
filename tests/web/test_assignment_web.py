"""Fördelning on Att göra and the case page (issue 15 point 1), as the enhetschef and the handläggare meet it."""

import datetime
import re

import pytest
from django.utils import timezone

from socialtjanst import assignment
from socialtjanst.models import AccessEvent, Case, CaseAssignment, Intake
from socialtjanst.roles import Role
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory, UserFactory, next_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(units):
    eva = UserFactory(username="eva", first_name="Eva", last_name="Chefsson", role=Role.ENHETSCHEF,
                      units=[units["own"]])
    hanna = UserFactory(username="hanna", first_name="Hanna", last_name="Handläggarsson", role=Role.HANDLAGGARE,
                        units=[units["own"]])
    stina = UserFactory(username="stina", first_name="Stina", last_name="Annansson", role=Role.HANDLAGGARE,
                        units=[units["other"]])
    return eva, hanna, stina


def unassigned_case(unit, first, last, opened_on=datetime.date(2026, 1, 5)):
    by = UserFactory(username="etjanst", first_name="E-tjänst", last_name="")
    """A case as an e-tjänst report leaves it: no responsible, one report waiting for its förhandsbedömning."""
    case = CaseFactory(unit=unit, opened_on=opened_on, person=PersonFactory(first_name=first, last_name=last))
    today = timezone.localdate()
    Intake.objects.create(case=case, kind="orosanmalan", received_at=timezone.now(), received_on=today,
                          channel="etjanst", target_group="barn_unga", safety_assessed_on=today,
                          safety_result="inget_akut_skyddsbehov", registered_by=by)
    return case


def queue_rows(body: str) -> list[str]:
    table = re.search(r'<table class="table" id="ofordelade-lista">.*?</table>', body, re.S)
    return re.findall(r'<td><a href="/arenden/\d+/">(\d+)</a></td>\s*<td>([^<]*)</td>', table.group(0)) if table else []


def test_the_enhetschef_assigns_two_cases_from_the_queue_and_the_handlaggare_sees_them_at_once(team, units):
    eva, hanna, _ = team
    ada = unassigned_case(units["own"], "Ada", "Andersson")
    bo = unassigned_case(units["own"], "Bo", "Berg", opened_on=datetime.date(2026, 1, 4))
    unassigned_case(units["other"], "Otto", "Annan")
    chef = login(eva)
    body = chef.get("/att-gora/").content.decode()
    assert "Ofördelade ärenden" in body and "2 öppna ärenden utan ansvarig handläggare." in body
    assert queue_rows(body) == [(str(bo.pk), "Bo Berg"), (str(ada.pk), "Ada Andersson")]  # the oldest first
    assert f'<option value="{hanna.pk}">Hanna Handläggarsson</option>' in body
    assert "Stina" not in body  # another unit's handläggare cannot be chosen
    assert AccessEvent.objects.filter(object_type="Unassigned", action="list", username="eva").count() == 1

    assert "Ada Andersson" not in login(hanna).get("/att-gora/").content.decode().split("Ofördelade")[0]
    response = chef.post("/att-gora/fordela/", {"case": [ada.pk, bo.pk], "to_user": hanna.pk, "on": "2026-02-02"},
                         follow=True)
    page = response.content.decode()
    assert "2 ärenden har fördelats till Hanna Handläggarsson." in page
    assert "0 öppna ärenden utan ansvarig handläggare." in page
    assert [(r.case_id, r.to_user_id, r.assigned_on) for r in CaseAssignment.objects.order_by("case_id")] == [
        (ada.pk, hanna.pk, datetime.date(2026, 2, 2)), (bo.pk, hanna.pk, datetime.date(2026, 2, 2))]

    mine = login(hanna).get("/att-gora/").content.decode()
    assert "Ada Andersson" in mine and "Bo Berg" in mine and "2 öppna punkter" in mine

    case_page = login(hanna).get(f"/arenden/{ada.pk}/").content.decode()
    history = re.search(r'<table class="table" id="fordelning-historik">.*?</table>', case_page, re.S).group(0)
    assert "<td>2026-02-02</td><td>– ej fördelad –</td><td>Hanna Handläggarsson</td><td>Eva Chefsson</td>" in history


def test_the_enhetschef_reassigns_one_case_from_the_case_page(team, units):
    eva, hanna, _ = team
    olle = UserFactory(username="olle", first_name="Olle", last_name="Olsson", role=Role.HANDLAGGARE,
                       units=[units["own"]])
    case = CaseFactory(unit=units["own"], responsible=hanna, opened_on=datetime.date(2026, 1, 5))
    chef = login(eva)
    page = chef.get(f"/arenden/{case.pk}/").content.decode()
    assert "Byt ansvarig handläggare" in page
    response = chef.post("/att-gora/fordela/", {"case": case.pk, "to_user": olle.pk, "on": "2026-03-01",
                                                "next": f"/arenden/{case.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/arenden/{case.pk}/"
    case.refresh_from_db()
    assert case.responsible == olle
    row = CaseAssignment.objects.get()
    assert (row.from_user, row.to_user, row.assigned_by) == (hanna, olle, eva)


def test_a_handläggare_of_another_unit_is_refused_with_a_message_and_nothing_changes(team, units):
    eva, _, stina = team
    case = unassigned_case(units["own"], "Ada", "Andersson")
    response = login(eva).post("/att-gora/fordela/", {"case": case.pk, "to_user": stina.pk, "on": "2026-02-02"},
                               follow=True)
    assert "Välj ett giltigt alternativ" in response.content.decode()  # not among the unit's handläggare
    case.refresh_from_db()
    assert case.responsible is None and not CaseAssignment.objects.exists()


def test_a_handlaggare_who_tries_to_assign_gets_404_logged_as_denied(team, units):
    _, hanna, _ = team
    case = unassigned_case(units["own"], "Ada", "Andersson")
    before = Case.objects.get(pk=case.pk).version
    response = login(hanna).post("/att-gora/fordela/", {"case": case.pk, "to_user": hanna.pk, "on": "2026-02-02"})
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).version == before and not CaseAssignment.objects.exists()
    denied = AccessEvent.objects.get(action="denied", username="hanna")
    assert (denied.object_type, denied.object_id) == ("Case", case.pk)


def test_an_enhetschef_cannot_assign_another_units_case(team, units):
    eva, _, stina = team
    other = unassigned_case(units["other"], "Otto", "Annan")
    response = login(eva).post("/att-gora/fordela/", {"case": other.pk, "to_user": stina.pk, "on": "2026-02-02"})
    assert response.status_code == 404
    assert "Otto" not in response.content.decode()
    assert AccessEvent.objects.filter(action="denied", username="eva", object_id=other.pk).count() == 1


def test_a_handlaggare_takes_a_case_from_the_queue(team, units):
    _, hanna, _ = team
    case = unassigned_case(units["own"], "Ada", "Andersson")
    client = login(hanna)
    body = client.get("/att-gora/").content.decode()
    assert queue_rows(body) == [(str(case.pk), "Ada Andersson")]
    assert "Ta ärendet" in body and 'name="to_user"' not in body
    response = client.post(f"/arenden/{case.pk}/ta/", follow=True)
    assert assignment.TAKEN.format(case=case.pk) in response.content.decode()
    assert "Ada Andersson" in client.get("/att-gora/").content.decode()
    assert CaseAssignment.objects.get().assigned_by == hanna


def test_a_web_intake_lands_in_the_queue_unless_the_handlaggare_takes_it(team, units):
    eva, hanna, _ = team
    client = login(hanna)
    for first, take in (("Ofördelad", None), ("Tagen", "on")):
        data = {"save": "1", "id_number": next_id_number(datetime.date(2016, 3, 3)), "first_name": first,
                "last_name": "Barnsson", "unit": units["own"].pk, "kind": "orosanmalan",
                "received_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"), "channel": "telefon",
                "reporter_category": "skola", "concern_text": "Oro.", "gender": "okant"}
        if take:
            data["take_case"] = take
        assert client.post("/anmalningar/create/", data).status_code == 302
    assert dict(Case.objects.values_list("person__first_name", "responsible_id")) == {
        "Ofördelad": None, "Tagen": hanna.pk}
    assert CaseAssignment.objects.get().case.person.first_name == "Tagen"
    assert [name for _, name in queue_rows(login(eva).get("/att-gora/").content.decode())] == [
        "Ofördelad Barnsson"]
    assert "Jag tar ärendet" not in login(eva).get("/anmalningar/create/").content.decode()
