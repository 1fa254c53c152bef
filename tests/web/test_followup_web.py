import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from socialtjanst.models import AccessEvent
from tests.conftest import login
from tests.socialtjanst import test_deadline_report as builders
from tests.socialtjanst.test_deadline_report import TODAY, child_case, decision

deadline_data = builders.deadline_data  # the hand-built 2024 data of the rule tests, as a fixture here too

D = datetime.date
LATE_INVESTIGATIONS = "/uppfoljning/frister/utredningar/?unit=MOTT_BARN&year=2024"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: TODAY)


@pytest.mark.django_db
def test_report_page_links_each_share_to_its_misses(deadline_data, enhetschef):
    page = login(enhetschef).get("/uppfoljning/frister/?year=2024").content.decode()
    assert "60,0\xa0%" in page and "66,7\xa0%" in page and "126,0" in page
    assert 'href="/uppfoljning/frister/utredningar/?unit=MOTT_BARN&amp;year=2024"' in page
    assert "UTR_BARN" not in page
    assert login(enhetschef).get("/rapporter/deadlines/?year=2024").status_code == 200


@pytest.mark.django_db
def test_drill_down_lists_each_miss_and_writes_the_access_log(deadline_data, enhetschef):
    client = login(enhetschef)
    before = AccessEvent.objects.count()
    page = client.get(LATE_INVESTIGATIONS).content.decode()
    assert "Synlig Barnsson" in page
    assert "2024-06-01" in page and "2024-06-11" in page  # due and completed
    assert ">10<" in page  # days late
    event = AccessEvent.objects.order_by("pk").last()
    assert AccessEvent.objects.count() == before + 1
    assert (event.action, event.object_type) == ("list", "Case")
    assert event.person_ids == [deadline_data.person_id]
    assert event.criteria["kind"] == "utredningar"

    screenings = client.get("/uppfoljning/frister/forhandsbedomningar/?year=2024").content.decode()
    assert "ej klar" in screenings and "2 ärenden missade fristen" in screenings
    assert "Främlingsson" not in screenings  # another unit's case is never shown


@pytest.mark.django_db
def test_drill_down_export_has_the_same_rows_and_is_logged(deadline_data, enhetschef):
    response = login(enhetschef).get("/uppfoljning/frister/utredningar/export.xlsx?unit=MOTT_BARN&year=2024")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("Ärende", "Person", "Enhet")
    assert len(rows) == 2 and rows[1][1] == "Synlig Barnsson" and rows[1][6] == 10
    event = AccessEvent.objects.order_by("pk").last()
    assert (event.action, event.criteria["format"]) == ("export", "xlsx")
    assert event.person_ids == [deadline_data.person_id]
    csv = login(enhetschef).get("/uppfoljning/frister/utredningar/export.csv?unit=MOTT_BARN&year=2024")
    assert csv.content.decode("utf-8-sig").count("\n") == 2


@pytest.mark.django_db
def test_controller_sees_no_names_or_personnummer_anywhere(deadline_data, controller):
    client = login(controller)
    person = deadline_data.person
    urls = [
        "/uppfoljning/frister/?year=2024", "/rapporter/deadlines/?year=2024",
        "/rapporter/deadlines/export.csv?year=2024",
        "/uppfoljning/frister/utredningar/?year=2024", "/uppfoljning/frister/forhandsbedomningar/?year=2024",
        "/uppfoljning/frister/utredningar/export.csv?year=2024",
        "/uppfoljning/ivo/?year=2024&quarter=2", "/uppfoljning/ivo/export.csv?year=2024&quarter=2",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        for secret in (person.first_name, person.last_name, person.id_number, "Främlingsson"):
            assert secret not in body, (url, secret)
    page = client.get("/uppfoljning/frister/utredningar/?year=2024").content.decode()
    assert f">{deadline_data.pk}<" in page and f"/arenden/{deadline_data.pk}/" not in page
    xlsx = client.get("/uppfoljning/frister/utredningar/export.xlsx?year=2024")
    cells = [str(c) for row in load_workbook(io.BytesIO(xlsx.content)).active.values for c in row]
    assert person.last_name not in cells and person.id_number not in cells


@pytest.mark.django_db
def test_handlaggare_gets_404_on_every_followup_page(handlaggare):
    client = login(handlaggare)
    for url in ["/uppfoljning/frister/", "/uppfoljning/frister/utredningar/",
                "/uppfoljning/frister/utredningar/export.xlsx", "/uppfoljning/ivo/", "/uppfoljning/kontroller/"]:
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_ivo_page_and_export_show_days_waited(units, enhetschef):
    c = child_case(units["own"], first_name="Väntar", last_name="Beslutsson")
    decision(c, D(2024, 1, 10), with_intervention=False)
    decision(c, D(2024, 1, 15), started_on=D(2024, 5, 20))
    client = login(enhetschef)
    page = client.get("/uppfoljning/ivo/?year=2024&quarter=2").content.decode()
    assert "Väntar Beslutsson" in page and ">172<" in page and ">126<" in page
    assert AccessEvent.objects.order_by("pk").last().criteria["list"] == "ivo"
    response = client.get("/uppfoljning/ivo/export.xlsx?year=2024&quarter=2")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert [(r[0], r[-1]) for r in rows[1:]] == [("Ej verkställt", 172), ("Verkställt för sent", 126)]
    assert AccessEvent.objects.order_by("pk").last().action == "export"
