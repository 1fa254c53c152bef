import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from socialtjanst.models import AccessEvent, Indicator, IndicatorValue, Intake
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory
from tests.socialtjanst.test_intake_statistics import make_intake, make_screening

D = datetime.date
URL = "/uppfoljning/anmalningar/"
REPORT_KEYS = [
    "target_group", "reports", "individuals", "female", "male", "unknown", "not_investigated",
    "not_investigated_share", "investigations_started", "investigations_individuals", "decisions",
    "decisions_individuals", "reports_last_year", "individuals_last_year",
]


@pytest.fixture
def reported(units):
    """Two reports about a girl in the enhetschef's unit, three about a boy in another unit."""
    own = PersonFactory(first_name="Tindra", last_name="Egenström", gender="kvinna")
    other = PersonFactory(first_name="Melker", last_name="Annanberg", gender="man")
    for day in (3, 17):
        make_intake(CaseFactory(unit=units["own"], person=own), D(2024, 2, day))
    other_case = CaseFactory(unit=units["other"], person=other)
    for day in (4, 5, 6):
        make_intake(other_case, D(2024, 2, day), reporter="polis")
    return {"own": own, "other": other}


def summary_total(response):
    return response.context["tables"][0].footer


def _cells(html, tag):
    return [re.sub(r"[ \t\r\n]+", " ", c).strip(" ")
            for c in re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, flags=re.S)]


def indicator_row(listing, indicator):
    """One indicator's row on /indikatorer/ as {column heading: cell} (the legend under the table names
    every assessment, so the page as a whole always contains them)."""
    header = _cells(re.search(r"<thead\b.*?</thead>", listing, flags=re.S).group(0), "th")
    link = f'<a href="/indikatorer/{indicator.pk}/">{indicator.name}</a>'
    tbody = re.search(r"<tbody\b.*?</tbody>", listing, flags=re.S).group(0)
    (row,) = [r for r in re.findall(r"<tr\b.*?</tr>", tbody, flags=re.S) if link in r]
    return dict(zip(header, _cells(row, "td"), strict=True))


@pytest.mark.django_db
def test_enhetschef_sees_own_units_only_and_cannot_pick_another_unit(reported, enhetschef, units):
    client = login(enhetschef)
    response = client.get(URL, {"year": 2024})
    assert response.status_code == 200
    assert summary_total(response)[1:3] == ["2", "1"]  # anmälningar, unika individer
    assert [u.pk for u in response.context["units"]] == [units["own"].pk]
    assert client.get(URL, {"year": 2024, "unit": units["other"].pk}).status_code == 404

    export = client.get("/rapporter/intake_statistics/export.json", {"year": 2024})
    assert json.loads(export.content)["totals"]["reports"] == 2


@pytest.mark.django_db
def test_controller_sees_every_unit_in_aggregate_and_no_name_or_personnummer(reported, controller, units):
    client = login(controller)
    response = client.get(URL, {"year": 2024, "month": 2})
    body = response.content.decode()
    assert response.status_code == 200
    assert summary_total(response)[1:6] == ["5", "2", "1", "1", "0"]
    assert "<svg" in body and "Orosanmälningar per anmälare" in body
    assert 'name="year" value="2024"' in body and "export.json?year=2024&amp;month=2" in body
    for person in reported.values():
        for secret in (person.first_name, person.last_name, person.id_number, f"/personer/{person.pk}/"):
            assert secret not in body
    assert client.get(URL, {"year": 2024, "unit": units["other"].pk}).status_code == 200
    report_page = client.get("/rapporter/intake_statistics/", {"year": 2024})
    assert report_page.status_code == 200 and "Anmälningar per målgrupp" in report_page.content.decode()


@pytest.mark.django_db
def test_handlaggare_has_no_statistics_page(handlaggare):
    assert login(handlaggare).get(URL).status_code == 404
    assert login(handlaggare).get("/indikatorer/").status_code == 404
    assert login(handlaggare).get("/rapporter/intake_statistics/").status_code == 404


@pytest.mark.django_db
def test_the_page_writes_the_access_log_with_its_criteria(reported, enhetschef, units):
    login(enhetschef).get(URL, {"year": 2024, "month": 6, "unit": units["own"].pk})
    event = AccessEvent.objects.get(object_type="Statistik:anmalningar")
    assert (event.username, event.action, event.person_ids) == ("eva", "list", [])
    assert event.criteria == {"year": 2024, "month": 6, "unit": units["own"].pk}


@pytest.mark.django_db
def test_swedish_number_and_percentage_format(units, controller):
    case = CaseFactory(unit=units["own"], person=PersonFactory())
    intakes = [make_intake(case, D(2024, 3, 1)) for _ in range(8)]
    make_screening(intakes[0], "inte_inleda")
    for intake in intakes[1:]:
        make_screening(intake, "inleda")
    response = login(controller).get(URL, {"year": 2024})
    assert summary_total(response)[7] == "12,5\xa0%"


@pytest.mark.django_db
def test_export_report_json_has_exactly_the_documented_keys(reported, tmp_path):
    out = tmp_path / "intake.json"
    call_command("export_report", "intake_statistics", "--year", "2024", "--month", "2", "--format", "json",
                 "--out", str(out), stderr=io.StringIO())
    document = json.loads(out.read_text())
    assert (document["report"], document["year"], document["through_month"]) == ("intake_statistics", 2024, 2)
    assert [list(row) for row in document["rows"]] == [REPORT_KEYS, REPORT_KEYS]
    assert [row["target_group"] for row in document["rows"]] == ["barn_unga", "vuxna"]
    assert sorted(document["totals"]) == sorted(REPORT_KEYS[1:])
    assert (document["totals"]["reports"], document["totals"]["individuals"]) == (5, 2)


# --- indicator pages ---------------------------------------------------------------------


@pytest.mark.django_db
def test_controller_creates_an_indicator_enters_a_value_and_a_comment(controller, units):
    client = login(controller)
    response = client.post("/indikatorer/create/", {
        "name": "Brukarnöjdhet", "responsible_unit": units["other"].pk, "target_value": "80", "unit_of_measure": "%",
        "direction": "higher_is_better", "partly_met_tolerance": "10", "source": "", "active": "on",
    })
    indicator = Indicator.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/indikatorer/{indicator.pk}/"
    client.post(f"/indikatorer/{indicator.pk}/varden/", {"year": 2024, "value": "74,5"})
    client.post(f"/indikatorer/{indicator.pk}/kommentarer/", {"year": 2024, "text": "Enkäten gick ut i oktober."})

    listing = client.get("/indikatorer/", {"year": 2024}).content.decode()
    assert "74,5" in listing and "Delvis uppfyllt" in listing and "Indikatorer 2024" in listing
    # 74,5 misses 80 by 5,5 ≤ 10 % of 80: delvis uppfyllt, in this indicator's own row.
    row = indicator_row(listing, indicator)
    assert (row["Utfall 2024"], row["Målvärde"], row["Bedömning"]) == ("74,5", "80", "Delvis uppfyllt")
    assert "Enkäten gick ut i oktober." in client.get(f"/indikatorer/{indicator.pk}/").content.decode()
    assert IndicatorValue.objects.get().value == 74.5
    assert AccessEvent.objects.filter(object_type="Indikator", object_id=indicator.pk).count() >= 4


@pytest.mark.django_db
def test_enhetschef_reads_but_cannot_change_another_units_indicator(enhetschef, units):
    indicator = Indicator.objects.create(name="Väntetid", responsible_unit=units["other"], target_value=14,
                                         unit_of_measure="dagar", direction="lower_is_better")
    client = login(enhetschef)
    assert client.get(f"/indikatorer/{indicator.pk}/").status_code == 200
    assert client.get(f"/indikatorer/{indicator.pk}/update/").status_code == 404
    client.post(f"/indikatorer/{indicator.pk}/varden/", {"year": 2024, "value": "10"})
    assert not IndicatorValue.objects.exists()
    assert client.post("/indikatorer/uppdatera/", {"year": 2024}).status_code == 404


@pytest.mark.django_db
def test_controller_refresh_button_fills_computed_values(controller, units, reported):
    # Three of the five anmälningar förhandsbedömda, one of them 'inte inleda': 1 ÷ 3 = 33,3 %.
    first, second, third = Intake.objects.order_by("received_on")[:3]
    make_screening(first, "inte_inleda")
    make_screening(second, "inleda")
    make_screening(third, "inleda")
    indicator = Indicator.objects.create(name="Andel utan utredning", responsible_unit=units["own"], target_value=40,
                                         unit_of_measure="%", direction="lower_is_better",
                                         source="share_reports_not_investigated")
    response = login(controller).post("/indikatorer/uppdatera/", {"year": 2024})
    assert response.status_code == 302 and response["Location"] == "/indikatorer/?year=2024"
    assert IndicatorValue.objects.get().computed is True
    stored = IndicatorValue.objects.get()
    assert (stored.indicator_id, stored.year, stored.value) == (indicator.pk, 2024, Decimal("33.3"))
