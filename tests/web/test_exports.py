"""Exports and screens read as Swedish (issue 14 points 8 and 12): Excel files with one Swedish header row,
number formats and real dates on a named sheet; the access log in Swedish with people instead of ids; a
missing price never shown or exported as 0 kr."""

import csv
import datetime
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone
from openpyxl import load_workbook

from budget.models import Budget, CostCentre, MonthlyFact
from common.exports import sheet_title
from socialtjanst.audit import audit_record
from socialtjanst.models import AccessAction
from tests.conftest import login
from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type, ensure_care_types

D = datetime.date
pytestmark = pytest.mark.django_db


def _book(response):
    assert response.status_code == 200, response.status_code
    return load_workbook(io.BytesIO(response.content))


# --- the budget reports' Excel -----------------------------------------------------------------------


@pytest.fixture
def cost_centre_facts():
    ensure_care_types()
    if not CostCentre.objects.exists():
        importlib.import_module("budget.migrations.0002_triggers_and_cost_centres").load_cost_centres(apps, None)
    ct = care_type("HVB_BOU")
    MonthlyFact.objects.create(
        booking_month=D(2024, 7, 1), origin_month=D(2024, 7, 1), cost_centre=CostCentre.objects.get(code="5731"),
        care_type=ct, regime=ct.regime, target_group=ct.target_group, legal_basis="SoL", care_days=341,
        cost=Decimal("1234567.50"), persons=1, started=0, ended=0, unpriced_days=0, computed_at=timezone.now(),
    )
    Budget.objects.create(year=2024, cost_centre=CostCentre.objects.get(code="5731"), amount=Decimal("12000000"),
                          volume=Decimal("10"), volume_unit="årsplacering")


def test_report_xlsx_has_one_swedish_header_row_number_formats_and_a_named_sheet(controller, cost_centre_facts):
    book = _book(login(controller).get("/rapporter/cost_centres/export.xlsx", {"year": 2024, "month": 9}))
    assert book.sheetnames == ["Driftsredovisning", "Summa"]
    sheet = book["Driftsredovisning"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["Kod", "Verksamhet", "Utfall i fjol, helår", "Budget helår", "Budget perioden",
                          "Utfall perioden"]
    assert "cost" not in header and "cost_centre" not in header  # no English key row
    row = {label: cell for label, cell in zip(header, next(r for r in sheet.iter_rows(min_row=2)
                                                            if r[0].value == "5731"), strict=True)}
    assert (row["Utfall perioden"].value, row["Utfall perioden"].number_format) == (1234567.5, "#,##0")
    # 12 000 000 × 274/366 for January–September = 8 983 606,56 budget; deviation −1 234 567,50 + that.
    assert row["Budget perioden"].value == 8983606.56
    share = row["Avvikelse %"]
    assert (share.value, share.number_format) == (0.8626, "0.0%")  # shown by Excel as 86,3 %
    assert row["Kod"].value == "5731" and row["Kod"].number_format == "General"
    totals = book["Summa"]
    assert [c.value for c in totals[1]] == header
    assert totals.cell(row=2, column=header.index("Utfall perioden") + 1).value == 1234567.5


def test_report_csv_and_json_keep_the_documented_keys(controller, cost_centre_facts):
    client = login(controller)
    text = client.get("/rapporter/cost_centres/export.csv", {"year": 2024}).content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("cost_centre;cost_centre_name;cost_last_year;budget_year;")
    doc = client.get("/rapporter/cost_centres/export.json", {"year": 2024}).json()
    assert "cost" in doc["rows"][0]


@pytest.mark.parametrize(("title", "sheet"), [
    ("Placeringsdygn och à-pris per vårdform", "Placeringsdygn och à-pris per v"),
    ("Fakturakontroll 2024-03 [F/1]: ja?", "Fakturakontroll 2024-03 F 1 ja"),
    ("***", "Export"),
])
def test_a_sheet_name_is_what_excel_accepts(title, sheet):
    assert sheet_title(title) == sheet


# --- the access log ----------------------------------------------------------------------------------


@pytest.fixture
def swedish_log(handlaggare, own_case):
    for object_type in ("Case", "Todo", "Statistik:anmalningar", "Rapport:deadlines", "InvestigationExtension"):
        audit_record(user=handlaggare, action=AccessAction.VIEW, object_type=object_type, object_id=None,
                     persons=[own_case.person], object_unit_ids=[own_case.unit_id],
                     criteria={"year": 2024, "month": None} if object_type.startswith("Rapport") else None)


def test_access_log_page_names_object_types_and_persons_in_swedish(enhetschef, own_case, swedish_log):
    html = login(enhetschef).get("/atkomstlogg/").content.decode()
    for label in ("Ärende", "Att göra", "Statistik: anmälningar", "Rapport: Frister per enhet", "Förlängningsbeslut"):
        assert f">{label}</td>" in html, label
    for key in ("Statistik:anmalningar", ">Todo<", ">Case<", "Rapport:deadlines", "InvestigationExtension"):
        assert key not in html, key
    assert f"Egen Klientsson ({own_case.person.id_number})" in html
    assert f"[{own_case.person.pk}]" not in html and "Berörda personer" in html


def test_access_log_export_names_object_types_and_persons_in_swedish(enhetschef, own_case, swedish_log):
    body = login(enhetschef).get("/atkomstlogg/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][4:7] == ["Objekttyp", "Objekt-id", "Berörda personer"]
    assert sorted(r[4] for r in rows[1:]) == sorted([
        "Ärende", "Att göra", "Statistik: anmälningar", "Rapport: Frister per enhet", "Förlängningsbeslut"])
    assert {r[6] for r in rows[1:]} == {f"Egen Klientsson ({own_case.person.id_number})"}
    assert {r[4]: r[9] for r in rows[1:]}["Rapport: Frister per enhet"] == "år: 2024; månad: –"
    assert {r[9] for r in rows[1:] if not r[4].startswith("Rapport")} == {""}
    sheet = _book(login(enhetschef).get("/atkomstlogg/export.xlsx")).active
    assert sheet.title == "Åtkomstlogg"


def test_access_log_export_reads_chunk_after_chunk_and_keeps_every_row_newest_first(
        enhetschef, own_case, monkeypatch):
    """The export reads the log EXPORT_CHUNK rows at a time, each chunk after the last one's time and id: every row
    once, in the page's order, also where rows share a time exactly."""
    from socialtjanst.models import AccessEvent
    from socialtjanst.views import accesslog

    monkeypatch.setattr(accesslog, "EXPORT_CHUNK", 3)
    at = datetime.datetime(2024, 5, 1, 9, 0, tzinfo=datetime.UTC)
    for n in range(8):
        event = audit_record(user=enhetschef, action=AccessAction.VIEW, object_type="Case", object_id=1000 + n,
                             persons=[own_case.person], object_unit_ids=[own_case.unit_id])
        # Three rows share one time, a chunk's boundary among them.
        AccessEvent.objects.filter(pk=event.pk).update(at=at + datetime.timedelta(minutes=min(n, 4)))
    body = login(enhetschef).get("/atkomstlogg/export.csv").content.decode("utf-8-sig")
    ids = [int(r[5]) for r in list(csv.reader(io.StringIO(body), delimiter=";"))[1:] if r[5].startswith("10")]
    assert ids == [1007, 1006, 1005, 1004, 1003, 1002, 1001, 1000]


def test_control_round_prefill_names_the_filter_in_swedish(enhetschef):
    response = login(enhetschef).get("/uppfoljning/kontroller/create/", {
        "kind": "behorighet", "access_filter": "action=create&outside_own_units=on&username=hanna"})
    assert response.context["form"].initial["description"] == (
        "Åtkomstloggen granskad, filter: Åtgärd: Skapande; Utanför användarens egna enheter: ja; Användare: hanna")


# --- missing prices ----------------------------------------------------------------------------------


@pytest.fixture
def unpriced(units):
    """27 days of March 2024 without any price, beside a placement with ten unpriced days of 31."""
    whole = PlacementFactory(unit=units["own"], start_on=D(2024, 3, 5))
    part = PlacementFactory(unit=units["own"], start_on=D(2024, 3, 1))
    PricePeriodFactory(placement=part, valid_from=D(2024, 3, 11), daily_price=Decimal("1000"))
    return whole, part


def test_a_missing_price_is_never_shown_as_zero_kronor(controller, unpriced):
    whole, _part = unpriced
    html = login(controller).get("/placeringar/", {"month": "2024-03"}).content.decode()
    row = html.split(f">{whole.pk}</a>")[1].split("</tr>")[0]
    assert '<span class="overdue">saknar pris (27 dygn)</span>' in row
    assert "0,00" not in row
    assert "21\xa0000,00" in html and "saknar pris för 10 dygn" in html


def test_a_missing_price_is_an_empty_cell_with_a_note_in_the_export(controller, unpriced):
    whole, part = unpriced
    sheet = _book(login(controller).get("/placeringar/export.xlsx", {"month": "2024-03"})).active
    assert sheet.title == "Placeringar 2024-03"
    header = [c.value for c in sheet[1]]
    assert header[-4:] == ["Dygn i månaden", "Kostnad i månaden (kr)", "Dygn som saknar pris", "Anmärkning"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert [c.value for c in rows[whole.pk][-4:]] == [27, None, 27, "saknar pris (27 dygn)"]
    assert [c.value for c in rows[part.pk][-4:]] == [31, 21000, 10, "saknar pris för 10 dygn"]
    assert rows[part.pk][-3].number_format == "#,##0.00"
    start = rows[whole.pk][header.index("Start")]
    # A real date cell: openpyxl reads it back as a (naive) datetime at midnight.
    assert (start.value.date(), start.is_date, start.number_format) == (D(2024, 3, 5), True, "yyyy-mm-dd")


def test_the_invoice_check_never_expects_zero_kronor_for_a_missing_price(controller, units):
    from placements import invoices
    from tests.placements.factories import ProviderFactory

    provider = ProviderFactory(name="Prislösa HVB AB")
    unpriced = PlacementFactory(unit=units["own"], provider=provider, start_on=D(2024, 3, 1))
    check = invoices.invoice_check_create(by=controller, provider=provider, month=D(2024, 3, 1),
                                          invoice_reference="F-1")
    client = login(controller)
    html = client.get(f"/placeringar/fakturakontroll/{check.pk}/").content.decode()
    assert '<span class="overdue">saknar pris (31 dygn)</span>' in html
    sheet = _book(client.get(f"/placeringar/fakturakontroll/{check.pk}/export.xlsx")).active
    header = [c.value for c in sheet[1]]
    row = {label: cell.value for label, cell in zip(header, next(
        r for r in sheet.iter_rows(min_row=2) if r[0].value == unpriced.pk), strict=True)}
    assert (row["Dygn"], row["Förväntat belopp (kr)"], row["Dygn som saknar pris"]) == (31, None, 31)
    assert sheet.title == "Fakturakontroll 2024-03"


def test_the_placement_list_as_csv_has_an_empty_cost_for_a_missing_price(controller, unpriced):
    whole, part = unpriced
    body = login(controller).get("/placeringar/export.csv", {"month": "2024-03"}).content.decode("utf-8-sig")
    rows = {r[0]: r for r in csv.reader(io.StringIO(body), delimiter=";")}
    assert rows["Placering"][-4:] == ["Dygn i månaden", "Kostnad i månaden (kr)", "Dygn som saknar pris",
                                      "Anmärkning"]
    assert rows[str(whole.pk)][-4:] == ["27", "", "27", "saknar pris (27 dygn)"]
    assert rows[str(part.pk)][-4:] == ["31", "21000,00", "10", "saknar pris för 10 dygn"]
    assert rows[str(whole.pk)][8] == "2024-03-05"
