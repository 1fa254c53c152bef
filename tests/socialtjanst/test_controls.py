import datetime
import io
import random
import re

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError

from socialtjanst.followup import controls
from socialtjanst.models import AccessEvent, ChildInterview, ControlRound, Investigation
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory
from tests.socialtjanst.test_deadline_report import child_case, extend, investigation, staff

D = datetime.date


@pytest.mark.django_db
def test_investigations_past_due_with_and_without_a_valid_extension(units):
    c = child_case(units["own"])
    no_extension = investigation(c, D(2024, 1, 31))
    valid = investigation(c, D(2024, 1, 31))
    extend(valid, D(2024, 5, 31), D(2024, 7, 31))
    too_late = investigation(c, D(2024, 1, 31))
    extend(too_late, D(2024, 6, 1), D(2024, 7, 31))
    investigation(c, D(2024, 3, 1))  # due 2024-07-01: not yet past
    investigation(c, D(2024, 1, 2), D(2024, 5, 1))  # completed before the day
    rows = controls.investigations_past_due(Investigation.objects.all(), D(2024, 6, 10))
    assert {(r.investigation.pk, r.valid_extension) for r in rows} == {
        (no_extension.pk, False), (valid.pk, True), (too_late.pk, False)}
    missing = controls.investigations_without_valid_extension(Investigation.objects.all(), D(2024, 6, 10))
    assert [r.investigation.pk for r in missing] == [no_extension.pk, too_late.pk]
    assert missing[0].days_over == 10


@pytest.mark.django_db
def test_children_without_a_child_interview_or_a_reason(units):
    c = child_case(units["own"])
    none = investigation(c, D(2024, 2, 1), D(2024, 4, 1))
    held = investigation(c, D(2024, 2, 1), D(2024, 4, 1))
    ChildInterview.objects.create(investigation=held, held_on=D(2024, 2, 10), recorded_by=staff())
    reason = investigation(c, D(2024, 2, 1), D(2024, 4, 1))
    ChildInterview.objects.create(investigation=reason, not_held_reason="Barnet ville inte", recorded_by=staff())
    adult = CaseFactory(unit=units["own"], person=PersonFactory(birth_date=D(2000, 1, 1)))
    investigation(adult, D(2024, 2, 1), D(2024, 4, 1))
    found = controls.child_investigations_without_interview(Investigation.objects.all(), D(2024, 1, 1),
                                                            D(2024, 12, 31))
    assert [i.pk for i in found] == [none.pk]


@pytest.fixture
def ten_investigations(units):
    c = child_case(units["own"], first_name="Prov", last_name="Stickprovsson")
    other = child_case(units["other"])
    investigation(other, D(2024, 3, 1))  # another unit: never in the population
    return [investigation(c, D(2024, 3, d)).pk for d in range(1, 11)]


@pytest.mark.django_db
def test_stickprov_is_reproducible_from_its_seed(ten_investigations, units, enhetschef):
    client = login(enhetschef)
    query = f"kind=utredningar&period_from=2024-01-01&period_to=2024-12-31&unit={units['own'].pk}&size=3&seed=42"
    page = client.get(f"/uppfoljning/kontroller/stickprov/?{query}").content.decode()
    expected = random.Random(42).sample(sorted(ten_investigations), 3)
    assert "Stickprovsson" in page
    assert AccessEvent.objects.order_by("pk").last().criteria["seed"] == 42

    response = client.post(f"/uppfoljning/kontroller/stickprov/?{query}",
                           {"result": "med_avvikelse", "comment": "Två utredningar saknar barnsamtal."})
    control_round = ControlRound.objects.get()
    assert response["Location"] == f"/uppfoljning/kontroller/{control_round.pk}/"
    assert control_round.sample["seed"] == 42 and control_round.sample["ids"] == expected
    assert control_round.sample["criteria"] == {
        "kind": "utredningar", "period_from": "2024-01-01", "period_to": "2024-12-31",
        "unit_ids": [units["own"].pk], "size": 3}
    assert (control_round.performed_by, control_round.result) == (enhetschef, "med_avvikelse")

    detail = client.get(control_round.get_absolute_url()).content.decode()
    assert "Ja, samma urval" in detail
    assert [int(x) for x in _column(detail)] == expected

    investigation(child_case(units["own"]), D(2024, 3, 15))  # registered afterwards
    detail = client.get(control_round.get_absolute_url()).content.decode()
    assert "underlaget har ändrats" in detail and [int(x) for x in _column(detail)] == expected


def _column(html):
    body = html.split('id="sample"')[1].split("</table>")[0]
    return [cell.split("<td>")[1].split("</td>")[0] for cell in body.split("<tr>")[2:]]


@pytest.mark.django_db
def test_a_new_draw_gets_a_seed_in_the_address(ten_investigations, units, enhetschef):
    response = login(enhetschef).get("/uppfoljning/kontroller/stickprov/?kind=utredningar&period_from=2024-01-01"
                                     "&period_to=2024-12-31&size=3")
    assert response.status_code == 302 and "seed=" in response["Location"]


@pytest.mark.django_db
def test_control_round_from_the_access_log_filter(enhetschef):
    client = login(enhetschef)
    log = client.get("/atkomstlogg/?username=hanna&date_from=2024-05-01").content.decode()
    assert "Registrera kontrollomgång" in log
    form = client.get("/uppfoljning/kontroller/create/?kind=behorighet&access_filter=username%3Dhanna%26date_from"
                      "%3D2024-05-01").content.decode()
    assert "Användare: hanna" in form and 'value="2024-05-01"' in form
    response = client.post("/uppfoljning/kontroller/create/", {
        "kind": "behorighet", "period_from": "2024-05-01", "period_to": "2024-05-31",
        "description": "Åtkomstloggen granskad", "access_filter": "username=hanna&date_from=2024-05-01",
        "result": "utan_avvikelse", "comment": ""})
    control_round = ControlRound.objects.get()
    assert response.status_code == 302
    assert control_round.sample["atkomstlogg_filter"] == {"username": "hanna", "date_from": "2024-05-01"}
    listing = client.get("/uppfoljning/kontroller/").content.decode()
    assert "Kontrollomgång" in listing
    # The recorded round is the list table's one row, linked to its own page (the nav always says Kontrollomgångar).
    tbody = re.search(r"<tbody\b.*?</tbody>", listing, flags=re.S).group(0)
    (row,) = re.findall(r"<tr\b.*?</tr>", tbody, flags=re.S)
    assert response["Location"] == f"/uppfoljning/kontroller/{control_round.pk}/"
    assert f'href="/uppfoljning/kontroller/{control_round.pk}/"' in row
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td\b[^>]*>(.*?)</td>", row, flags=re.S)]
    assert cells[1:] == ["Behörighet – granskning av åtkomstloggen", "Alla", "2024-05-01", "2024-05-31", "eva",
                         "Utan avvikelse"]
    assert AccessEvent.objects.filter(object_type="ControlRound", object_id=control_round.pk).exists()


@pytest.mark.django_db
def test_a_deviation_needs_a_comment_and_nothing_is_written(enhetschef):
    with pytest.raises(ValidationError) as exc:
        controls.control_round_record(by=enhetschef, kind="barnsamtal", unit=None, period_from=D(2024, 1, 1),
                                      period_to=D(2024, 6, 30), sample={}, result="med_avvikelse", comment=" ")
    assert exc.value.messages == [controls.ERR_DEVIATION_COMMENT]
    assert not ControlRound.objects.exists()


@pytest.mark.django_db
def test_control_pages_for_the_enhetschef(units, enhetschef, handlaggare):
    c = child_case(units["own"], first_name="Sen", last_name="Utredningsson")
    investigation(c, D(2024, 1, 31))
    client = login(enhetschef)
    page = client.get("/uppfoljning/kontroller/utredningstider/").content.decode()
    assert "Sen Utredningsson" in page and "Registrera kontrollomgång" in page
    assert AccessEvent.objects.order_by("pk").last().criteria["control"] == "utredningstider"
    assert client.get("/uppfoljning/kontroller/barnsamtal/?period_from=2024-01-01").status_code == 200
    assert login(handlaggare).get("/uppfoljning/kontroller/stickprov/").status_code == 404


@pytest.mark.django_db
def test_the_control_tables_leave_as_excel_and_csv_with_the_page_rows_logged_as_exports(units, enhetschef):
    c = child_case(units["own"], first_name="Sen", last_name="Utredningsson")
    late = investigation(c, D(2024, 1, 31))
    closed = investigation(c, D(2024, 2, 1), D(2024, 4, 1))
    with time_machine.travel(datetime.datetime(2024, 6, 10, 12, 0, tzinfo=datetime.UTC), tick=False):
        client = login(enhetschef)  # signed in on the day itself: a session from today would have expired
        response = client.get("/uppfoljning/kontroller/utredningstider/export.xlsx")
        csv_response = client.get(
            "/uppfoljning/kontroller/barnsamtal/export.csv?period_from=2024-01-01&period_to=2024-12-31")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.title == "Utredningstider"
    assert [c.value for c in sheet[1]] == ["Utredning", "Person", "Enhet", "Påbörjad", "Fyra månader",
                                           "Gällande frist", "Förlängning", "Dagar över", "Ansvarig"]
    row = [c.value for c in sheet[2]]
    assert all(isinstance(v, datetime.datetime) for v in row[3:6])  # real date cells, not text
    row[3:6] = [v.date() for v in row[3:6]]
    assert row[:8] == [late.pk, "Sen Utredningsson", units["own"].name, D(2024, 1, 31), D(2024, 5, 31),
                       D(2024, 5, 31), "Saknas", 10]
    assert sheet.max_row == 2
    exports = AccessEvent.objects.filter(action="export").order_by("pk")
    assert [(e.criteria["control"], e.criteria["format"]) for e in exports] == [("utredningstider", "xlsx"),
                                                                                ("barnsamtal", "csv")]

    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Utredning;Person;Enhet;Påbörjad;Avslutad;Ansvarig"
    assert lines[1].startswith(f"{closed.pk};Sen Utredningsson;{units['own'].name};2024-02-01;2024-04-01;")
    assert len(lines) == 2
    assert login(enhetschef).get("/uppfoljning/kontroller/barnsamtal/export.pdf").status_code == 404
