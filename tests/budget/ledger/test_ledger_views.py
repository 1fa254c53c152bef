"""The controller's ledger screens over HTTP: upload, account mapping, reconciliation with the accrual
voucher, the ledger reports' pages and files; everyone else gets 404 (the budget screens' convention)."""

import datetime
import html
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from budget import rollup
from budget.ledger import lines, reconciliation, tertial
from budget.ledger.importing import import_ledger
from budget.models import AccountMapping, Accrual, ClosingOverride, CostCentre, LedgerEntry, MonthClosing, MonthlyFact
from socialtjanst.models import AccessEvent
from tests.conftest import login
from tests.placements.factories import PlacementFactory, PricePeriodFactory, ProviderFactory, care_type

from .sie_files import csv_file, sie

pytestmark = pytest.mark.django_db
D = datetime.date

PAGES = ["/budget/huvudbok/", "/budget/huvudbok/konton/", "/budget/huvudbok/avstamning/?month=2024-08",
         "/budget/huvudbok/avstamning/export.se?month=2024-08", "/rapporter/result_report/?year=2024",
         "/rapporter/unit_costs/export.csv?year=2024", "/budget/huvudbok/tertialpaket/export.xlsx?year=2024"]


@pytest.mark.parametrize("url", PAGES)
def test_only_the_controller_reaches_the_ledger(url, handlaggare, enhetschef, controller):
    assert login(controller).get(url).status_code == 200
    assert login(handlaggare).get(url).status_code == 404
    assert login(enhetschef).get(url).status_code == 404


def test_the_upload_page_imports_a_sie_file_and_logs_it(controller):
    client = login(controller)
    data = sie('#PSALDO 0 202408 4610 {1 "5731"} 1000.00\n')
    response = client.post("/budget/huvudbok/", {"file": SimpleUploadedFile("aug.se", data)})
    assert response.status_code == 200
    assert "1 utfallsrader importerade för augusti 2024" in response.content.decode()
    assert LedgerEntry.objects.get().amount == Decimal("1000.00")
    assert AccessEvent.objects.filter(object_type="LedgerImport", user=controller).exists()


def test_the_upload_page_shows_errors_and_imports_nothing(controller):
    client = login(controller)
    response = client.post("/budget/huvudbok/", {"file": SimpleUploadedFile(
        "aug.csv", csv_file([(2024, 8, "5731", 4610, "abc", "")]))})
    assert "Rad 2, kolumn &#x27;belopp&#x27;: ogiltigt tal &#x27;abc&#x27;." in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_the_account_screen_excludes_kommunbidrag_from_the_result(controller):
    import_ledger(content=csv_file([(2024, 8, "5731", 3810, "-500", ""), (2024, 8, "5731", 3590, "-20", ""),
                                    (2024, 8, "5731", 4610, "100", "")]), filename="aug.csv")
    client = login(controller)
    client.post("/budget/huvudbok/konton/", {"account_from": "3800", "account_to": "3899", "line": "exkluderad"})
    assert AccountMapping.objects.get().line == "exkluderad"
    doc = json.loads(client.get("/rapporter/result_report/export.json?year=2024&month=8").content)
    assert doc["totals"]["revenue"] == 20 and doc["totals"]["cost"] == 100 and doc["totals"]["result"] == -80


def test_reconciliation_accrual_and_the_sie_voucher(controller):
    hvb = care_type("HVB_BOU")
    provider = ProviderFactory(name="Ekbacken", org_number="556677-8899")
    MonthlyFact.objects.create(
        booking_month=D(2024, 8, 1), origin_month=D(2024, 8, 1), cost_centre=CostCentre.objects.get(code="5731"),
        care_type=hvb, provider=provider, regime="kopt", target_group=hvb.target_group, legal_basis="SoL",
        care_days=31, cost=Decimal("155000.00"), persons=1, started=0, ended=0, unpriced_days=0,
        computed_at=timezone.now())
    import_ledger(content=csv_file([(2024, 8, "5731", 4610, "120000", "5566778899")]), filename="aug.csv")
    client = login(controller)

    page = client.get("/budget/huvudbok/avstamning/?month=2024-08").content.decode()
    assert "155\xa0000" in page and "120\xa0000" in page and "35\xa0000" in page
    row = reconciliation.reconcile(D(2024, 8, 1))[0]
    assert (row.expected, row.booked, row.proposal) == (Decimal("155000.00"), Decimal("120000.00"),
                                                         Decimal("35000.00"))
    assert row.details[0].booked == Decimal("120000.00")
    assert (row.details[0].care_days, row.details[0].unpriced_days) == (31, 0)
    assert "HVB_BOU" in page and "Ekbacken: 31 dygn" in page

    centre = CostCentre.objects.get(code="5731")
    client.post("/budget/huvudbok/avstamning/periodisering/", {"month": "2024-08", "cost_centre": centre.pk,
                                                                "amount": "30 000", "comment": "Faktura kommer"})
    assert Accrual.objects.get().amount == Decimal("30000")
    voucher = client.get("/budget/huvudbok/avstamning/export.se?month=2024-08").content.decode("cp437")
    assert '#VER "P" "" 20240831 "Periodisering placeringar augusti 2024"' in voucher
    assert '#TRANS 4600 {1 "5731"} 30000.00' in voucher
    assert "#TRANS 2990 {} -30000.00" in voucher
    csv_text = client.get("/budget/huvudbok/avstamning/export.csv?month=2024-08").content.decode("utf-8-sig")
    assert csv_text.splitlines()[1] == "2024;8;5731;4600;30000,00;Periodisering placeringar augusti 2024"
    assert AccessEvent.objects.filter(object_type="Periodisering", user=controller).exists()
    # What remains once the saved accrual is counted: 35 000 − 30 000.
    assert reconciliation.reconciled_difference(D(2024, 8, 1)) == Decimal("5000.00")


def test_the_result_report_page_shows_the_deviation_in_swedish(controller):
    import_ledger(content=csv_file([(2024, 8, "5731", 4610, "1000", "")]), filename="aug.csv")
    body = login(controller).get("/rapporter/result_report/?year=2024&month=8").content.decode()
    assert "Resultatrapport per verksamhet" in body
    assert "<td class=\"num\">-1\xa0000</td>" in body


def test_closing_is_blocked_above_the_threshold_unless_a_reason_is_given(controller):
    # 31 dygn at 5 000 kr expected in January; the ledger has 100 000 booked.
    PricePeriodFactory(placement=PlacementFactory(start_on=D(2024, 1, 1), end_on=D(2024, 2, 1)),
                       daily_price=Decimal("5000"))
    rollup.rollup_months([D(2024, 1, 1)])
    import_ledger(content=csv_file([(2024, 1, "5731", 4610, "100000", "")]), filename="jan.csv")
    client = login(controller)
    client.post("/budget/huvudbok/installningar/", {"cost_centre_dimension": "1", "accrual_threshold": "10 000",
                                                    "placement_account_from": "4600", "placement_account_to": "4699"})

    page = client.get("/budget/bokslut/").content.decode()
    assert "kvarstående skillnad <strong>55\xa0000 kr</strong>" in page and "Månaden stängs bara med ett skäl." in page
    response = client.post("/budget/bokslut/stang/", {"month": "2024-01"}, follow=True)
    assert not MonthClosing.objects.exists()
    blocked = reconciliation.CLOSING_BLOCKED.format(month="januari 2024", difference="55\xa0000", threshold="10\xa0000")
    assert [str(m) for m in response.context["messages"]] == [blocked]

    client.post("/budget/bokslut/stang/", {"month": "2024-01", "override_reason": "Fakturan från HVB är försenad."})
    assert MonthClosing.objects.get().month == D(2024, 1, 1)
    override = ClosingOverride.objects.get()
    assert (override.difference, override.reason) == (Decimal("55000.00"), "Fakturan från HVB är försenad.")


def test_the_tertial_package_has_a_sheet_per_table_with_its_totals(controller):
    import_ledger(content=csv_file([(2024, 8, "5731", 4610, "1000", ""), (2024, 9, "5731", 4610, "500", "")]),
                  filename="aug_sep.csv")
    client = login(controller)
    response = client.get("/budget/huvudbok/tertialpaket/export.xlsx?year=2024&period=delar")
    assert response["Content-Disposition"] == 'attachment; filename="tertialpaket_2024-01-08.xlsx"'
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Resultatrapport", "Driftsredovisning", "Volymuppföljning per verksamhet",
                             "Placeringsdygn och à-pris", "Köp av verksamhet", "Nyckeltal per vårddygn",
                             "Frister per enhet", "Anmälningar per målgrupp"]
    sheet = wb["Resultatrapport"]
    assert [c.value for c in sheet[1]][:6] == ["Kod", "Verksamhet", "Intäkter", "Intäkter, budget",
                                               "Avvikelse intäkter", "Kostnader"]
    assert [sheet.cell(row=2, column=1).value, sheet.cell(row=2, column=6).value] == ["5731", 1000]
    assert [sheet.cell(row=3, column=1).value, sheet.cell(row=3, column=6).value] == ["Totalt", 1000]
    whole = openpyxl.load_workbook(io.BytesIO(client.get(
        "/budget/huvudbok/tertialpaket/export.xlsx?year=2024&period=helar").content))
    assert whole["Resultatrapport"].cell(row=2, column=6).value == 1500
    assert AccessEvent.objects.filter(object_type="Tertialpaket", user=controller).count() == 2


def test_the_tertial_pdf_has_the_chart_and_every_table(controller):
    import_ledger(content=csv_file([(2024, 8, "5731", 4610, "1000", "")]), filename="aug.csv")
    html = tertial.tertial_html(user=controller, year=2024, through_month=8)
    assert "Tertialpaket januari–augusti 2024" in html
    assert "Nettokostnad per verksamhet: budget och utfall" in html and "1\xa0000 utfall" in html
    for title in ("Resultatrapport per verksamhet (huvudboken)", "Driftsredovisning per verksamhet",
                  "Nyckeltal: nettokostnad per vårddygn", "Köp av verksamhet"):
        assert f"<h2>{title}</h2>" in html
    response = login(controller).get("/budget/huvudbok/tertialpaket/export.pdf?year=2024&period=delar")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="tertialpaket_2024-01-08.pdf"'


def test_the_account_screen_refuses_a_reversed_range_and_removes_a_change(controller):
    client = login(controller)
    body = client.post("/budget/huvudbok/konton/", {"account_from": "3899", "account_to": "3800",
                                                    "line": "exkluderad"}).content.decode()
    assert html.escape(lines.RANGE_INVALID) in body
    assert not AccountMapping.objects.exists()
    mapping = AccountMapping.objects.create(account_from=3810, account_to=3810, line="exkluderad")
    client.post("/budget/huvudbok/konton/", {"remove": str(mapping.pk)})
    assert not AccountMapping.objects.exists()
