"""Every follow-up table a manager or controller reads leaves as Excel and CSV (issue 14 point 9): Prognos
helår, Uppföljning month by month, Indikatorer, Kontrollomgångar, Stickprov and the intake statistics'
breakdowns by anmälare, oro, kanal and lagrum; each download is access-checked and logged."""

import csv
import datetime
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone
from openpyxl import load_workbook

from budget.models import CostCentre, MonthClosing, MonthlyFact
from socialtjanst.followup import controls
from socialtjanst.models import AccessEvent, ControlKind, ControlResult, Indicator, IndicatorValue
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type, ensure_care_types
from tests.socialtjanst.test_intake_statistics import make_decision, make_intake

D = datetime.date
pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def _sheet(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


def _logged(name: str, user) -> list[tuple]:
    return list(AccessEvent.objects.filter(object_type=f"Rapport:{name}", user=user)
                .order_by("pk").values_list("action", "criteria__format"))


# --- the controller's budget follow-up -------------------------------------------------------------


@pytest.fixture
def booked():
    ensure_care_types()
    if not CostCentre.objects.exists():
        importlib.import_module("budget.migrations.0002_triggers_and_cost_centres").load_cost_centres(apps, None)
    ct = care_type("HVB_BOU")
    centre = CostCentre.objects.get(code="5731")
    for month, days, cost in ((D(2023, 7, 1), 310, "1085000.00"), (D(2024, 7, 1), 341, "1234567.50")):
        MonthlyFact.objects.create(
            booking_month=month, origin_month=month, cost_centre=centre, care_type=ct, regime=ct.regime,
            target_group=ct.target_group, legal_basis="SoL", care_days=days, cost=Decimal(cost), persons=11,
            started=0, ended=0, unpriced_days=0, computed_at=timezone.now())
    return centre, ct


def test_uppfoljning_month_by_month_as_excel_and_csv(controller, booked):
    client = login(controller)
    sheet = _sheet(client.get("/rapporter/followup_months/export.xlsx", {"year": 2024, "month": 9}))
    assert sheet.title == "Uppföljning per månad"
    header = [c.value for c in sheet[1]]
    assert header[:9] == ["Vårdform, kod", "Vårdform", "Månad", "Kostnad", "Kostnad i fjol", "Vårddygn",
                          "Vårddygn i fjol", "Snittantal placerade", "Snittantal placerade i fjol"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert [r[2] for r in rows] == [f"2024-{m:02d}" for m in range(1, 10)]  # January–September
    july = rows[6]
    assert july[:9] == ["HVB_BOU", care_type("HVB_BOU").name, "2024-07", 1234567.5, 1085000, 341, 310, 11, 10]
    text = _csv(client.get("/rapporter/followup_months/export.csv", {"year": 2024, "month": 9}))
    assert text[0][:5] == ["care_type", "care_type_name", "month", "cost", "cost_last_year"]
    assert text[7][2:8] == ["2024-07", "1234567,50", "1085000,00", "341", "310", "11,00"]
    assert _logged("followup_months", controller) == [("export", "xlsx"), ("export", "csv")]


def test_prognos_helar_as_excel_after_the_latest_closing(controller, booked):
    centre, ct = booked
    ongoing = PlacementFactory(care_type=ct, start_on=D(2024, 1, 1), cost_centre=centre.code)
    PricePeriodFactory(placement=ongoing, daily_price=Decimal("5000"))
    MonthClosing.objects.create(month=D(2024, 8, 1), closed_by=controller)
    client = login(controller)
    assert 'href="/rapporter/forecast/export.xlsx?year=2024"' in client.get("/budget/prognos/",
                                                                            {"year": 2024}).content.decode()
    sheet = _sheet(client.get("/rapporter/forecast/export.xlsx", {"year": 2024}))
    assert sheet.title == "Prognos helår"
    header = [c.value for c in sheet[1]]
    assert header == ["Efter bokslut för", "Verksamhet, kod", "Verksamhet", "Vårdform, kod", "Vårdform",
                      "Utfall hittills", "Pågående till årets slut", "Justering", "Prognos helår", "Kommentar"]
    (row,) = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    # 1 234 567,50 booked to date + 5 000 kr × 122 dygn September–December.
    assert row == ["2024-08", "5731", centre.name, "HVB_BOU", ct.name, 1234567.5, 610000, 0, 1844567.5, None]
    assert sheet.cell(row=2, column=9).number_format == "#,##0"
    assert _csv(client.get("/rapporter/forecast/export.csv", {"year": 2023})) == [
        ["closed_month", "cost_centre", "cost_centre_name", "care_type", "care_type_name", "actual", "ongoing",
         "adjustment", "forecast", "adjustment_comment"]]  # no month of 2023 closed: no rows


def test_an_enhetschef_gets_neither_budget_table(enhetschef, booked):
    client = login(enhetschef)
    for name in ("forecast", "followup_months"):
        assert client.get(f"/rapporter/{name}/export.xlsx", {"year": 2024}).status_code == 404


# --- indicators and control rounds --------------------------------------------------------------------


def test_indikatorer_as_excel(enhetschef, units):
    indicator = Indicator.objects.create(
        name="Andel förhandsbedömningar inom 14 dagar", target_value=Decimal("100"), unit_of_measure="%",
        direction="higher_is_better", responsible_unit=units["own"])
    IndicatorValue.objects.create(indicator=indicator, year=2024, value=Decimal("92.5"))
    IndicatorValue.objects.create(indicator=indicator, year=2023, value=Decimal("88"))
    client = login(enhetschef)
    assert 'href="/rapporter/indicators/export.xlsx?year=2024"' in client.get(
        "/indikatorer/", {"year": 2024}).content.decode()
    sheet = _sheet(client.get("/rapporter/indicators/export.xlsx", {"year": 2024}))
    assert sheet.title == "Indikatorer"
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert rows == [["Andel förhandsbedömningar inom 14 dagar", units["own"].code, units["own"].name, 92.5, 100,
                     "%", "Delvis uppfyllt", "nej", 88, "Förbättrad", "Registreras för hand"]]
    assert _logged("indicators", enhetschef) == [("export", "xlsx")]


def test_kontrollomgangar_as_csv(enhetschef, units):
    controls.control_round_record(by=enhetschef, kind=ControlKind.ACCESS, unit=units["own"],
                                  period_from=D(2024, 1, 1), period_to=D(2024, 3, 31),
                                  sample={"beskrivning": "Loggen granskad"}, result=ControlResult.NO_DEVIATION,
                                  comment="Inga avvikelser.")
    year = timezone.localdate().year
    client = login(enhetschef)
    assert f'href="/rapporter/control_rounds/export.csv?year={year}"' in client.get(
        "/uppfoljning/kontroller/").content.decode()
    rows = _csv(client.get("/rapporter/control_rounds/export.csv", {"year": year}))
    assert rows[0] == ["performed_on", "kind", "unit", "period_from", "period_to", "performed_by", "result",
                       "comment"]
    assert rows[1][1:] == ["Behörighet – granskning av åtkomstloggen", units["own"].name, "2024-01-01", "2024-03-31",
                           enhetschef.get_full_name(), "Utan avvikelse", "Inga avvikelser."]
    assert rows[1][0] == timezone.localdate().isoformat()


def test_stickprov_as_excel_with_the_pages_rows(enhetschef, units):
    case = CaseFactory(unit=units["own"], person=PersonFactory(first_name="Stina", last_name="Stickprovsson"))
    decisions = [make_decision(case, D(2024, 3, day)) for day in (4, 5, 6)]
    query = {"kind": "beslut", "period_from": "2024-01-01", "period_to": "2024-12-31", "size": "2",
             "seed": "1227407136"}
    client = login(enhetschef)
    page = client.get("/uppfoljning/kontroller/stickprov/", query)
    html = page.content.decode()
    assert '<span id="seed">1227407136</span>' in html and "stickprov/export.xlsx?kind=beslut" in html
    shown = [row["pk"] for row in page.context["rows"]]
    sheet = _sheet(client.get("/uppfoljning/kontroller/stickprov/export.xlsx", query))
    assert [c.value for c in sheet[1]] == ["Id", "Ärende", "Person", "Enhet", "Datum"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == shown and len(shown) == 2 and set(shown) <= {d.pk for d in decisions}
    assert rows[0][1:4] == [case.pk, "Stina Stickprovsson", units["own"].name]
    assert sheet.cell(row=2, column=5).is_date
    event = AccessEvent.objects.filter(action="export", user=enhetschef).latest("pk")
    assert (event.object_type, event.criteria["seed"], event.criteria["format"]) == ("Case", 1227407136, "xlsx")


# --- the intake statistics' breakdowns -----------------------------------------------------------------


@pytest.fixture
def intakes(units):
    own = PersonFactory(gender="kvinna")
    case = CaseFactory(unit=units["own"], person=own)
    make_intake(case, D(2024, 2, 3), reporter="skola", channel="telefon", concerns=("vald",))
    make_intake(case, D(2024, 2, 17), reporter="polis", channel="e_tjanst",
                concerns=("vald", "skolfranvaro"))
    make_decision(case, D(2024, 3, 1), legal_basis="LVU")
    other = CaseFactory(unit=units["other"], person=PersonFactory(gender="man"))
    make_intake(other, D(2024, 2, 4), reporter="polis", channel="telefon")
    return case


def _by_key(rows):
    header = rows[0]
    return {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}


def test_statistics_breakdowns_by_anmalare_oro_kanal_and_lagrum(enhetschef, controller, intakes, units):
    client = login(enhetschef)
    page = client.get("/uppfoljning/anmalningar/", {"year": 2024}).content.decode()
    for name in ("intakes_by_reporter", "intakes_by_concern", "intakes_by_channel", "decisions_by_law"):
        assert f'href="/rapporter/{name}/export.xlsx?year=2024"' in page, name
    reporters = _by_key(_csv(client.get("/rapporter/intakes_by_reporter/export.csv", {"year": 2024})))
    assert (reporters["skola"]["events"], reporters["polis"]["events"]) == ("1", "1")  # own unit only
    concerns = _by_key(_csv(client.get("/rapporter/intakes_by_concern/export.csv", {"year": 2024})))
    assert concerns["vald"]["events"] == "2" and concerns["skolfranvaro"]["events"] == "1"
    channels = _by_key(_csv(client.get("/rapporter/intakes_by_channel/export.csv", {"year": 2024})))
    assert (channels["telefon"]["events"], channels["e_tjanst"]["events"]) == ("1", "1")
    laws = _by_key(_csv(client.get("/rapporter/decisions_by_law/export.csv", {"year": 2024})))
    assert (laws["LVU"]["events"], laws["LVU"]["events_female"], laws["SoL"]["events"]) == ("1", "1", "0")
    sheet = _sheet(client.get("/rapporter/intakes_by_reporter/export.xlsx", {"year": 2024}))
    assert sheet.title == "Orosanmälningar per anmälare"
    assert [c.value for c in sheet[1]] == ["Anmälarkod", "Anmälare", "Antal", "Unika individer"]
    # Another unit is a 404 for the enhetschef; the controller sees every unit, and may narrow to one.
    assert client.get("/rapporter/intakes_by_reporter/export.csv",
                      {"year": 2024, "unit": units["other"].pk}).status_code == 404
    everyone = _by_key(_csv(login(controller).get("/rapporter/intakes_by_reporter/export.csv", {"year": 2024})))
    assert everyone["polis"]["events"] == "2"
    narrowed = _by_key(_csv(login(controller).get("/rapporter/intakes_by_reporter/export.csv",
                                                  {"year": 2024, "unit": units["other"].pk})))
    assert (narrowed["polis"]["events"], narrowed["skola"]["events"]) == ("1", "0")
    assert _logged("intakes_by_reporter", enhetschef) == [("export", "csv"), ("export", "xlsx")]
