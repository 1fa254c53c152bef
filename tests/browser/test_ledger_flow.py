"""Issue 17's browser path: a controller imports August's SIE file, reviews the reconciliation with the
placements, saves and exports the accrual voucher, closes August and downloads the tertial package."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from budget import closing, rollup
from budget.models import Accrual, MonthClosing
from placements import services
from tests.browser.conftest import log_in
from tests.budget.conftest import ensure_cost_centres
from tests.budget.ledger.sie_files import sie
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import ProviderFactory, care_type

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = datetime.date
YEAR = 2025


def test_controller_imports_august_reconciles_exports_the_voucher_closes_and_downloads_the_package(
        page, handlaggare, controller, units, tmp_path):
    ensure_cost_centres()
    child = CaseFactory(unit=units["own"], person=PersonFactory(first_name="Aug", last_name="Placerad")).person
    services.placement_create(
        by=handlaggare, person=child, care_type=care_type("HVB_BOU"),
        provider=ProviderFactory(name="Ekbackens HVB", org_number="556677-8899"), unit=units["own"],
        legal_basis="SoL", start_on=D(YEAR, 7, 1), daily_price=Decimal("5000"),
        ivo_checked_on=D(YEAR, 6, 28), ivo_check_result="utan_anmarkning")
    rollup.rollup_months(rollup.year_months(YEAR))
    for month in range(1, 8):
        closing.close_month(by=controller, month=D(YEAR, month, 1))
    # August: 31 dygn at 5 000 kr expected; the ledger has 120 000 booked on the provider.
    august = tmp_path / "augusti.se"
    august.write_bytes(sie('#OBJEKT 1 "5731" "Institutionsvård barn och unga"\n'
                           '#VER "A" 1 20250820 "Faktura Ekbacken"\n{\n'
                           '#TRANS 4610 {1 "5731"} 120000.00\n#TRANS 2440 {} -120000.00\n}\n', year=YEAR))

    log_in(page, "carl")
    page.goto(page.base_url + "/budget/huvudbok/")
    page.set_input_files("#id_file", str(august))
    page.click("#ledger-import-form button[type=submit]")
    page.get_by_text("1 utfallsrader importerade för augusti 2025").wait_for()

    page.click("text=Avstämning och periodisering")
    page.fill("input[name=month][type=month]", f"{YEAR}-08")
    page.click("form.filters button[type=submit]")
    row = page.locator("#centre-5731")
    assert "155\xa0000" in row.inner_text() and "120\xa0000" in row.inner_text()
    assert row.locator("input[name=amount]").input_value().replace("\xa0", "").replace(" ", "") == "35000,00"
    row.locator("input[name=comment]").fill("Faktura för augusti kommer i september")
    row.locator("button:has-text('Spara')").click()
    page.get_by_text("Periodiseringen för 5731 Institutionsvård barn och unga är sparad.").wait_for()
    assert Accrual.objects.get().amount == Decimal("35000.00")
    assert page.locator("#centre-5731 td.num").last.inner_text() == "0"

    with page.expect_download() as download_info:
        page.click("#export-sie")
    voucher = Path(download_info.value.path()).read_bytes().decode("cp437")
    assert '#TRANS 4600 {1 "5731"} 35000.00' in voucher and "#TRANS 2990 {} -35000.00" in voucher

    page.goto(page.base_url + "/budget/bokslut/")
    assert page.input_value("input[name=month]") == f"{YEAR}-08"
    assert "kvarstående skillnad 0 kr" in page.inner_text("#closing-reconciliation")
    page.click("button:has-text('Stäng månaden')")
    page.get_by_text(f"Augusti {YEAR} är stängd.").wait_for()
    assert MonthClosing.objects.active().filter(month=D(YEAR, 8, 1)).exists()

    page.goto(page.base_url + "/budget/huvudbok/")
    assert page.input_value("#tertial-form input[name=year]") == str(YEAR)
    with page.expect_download() as download_info:
        page.click("#tertial-form button[type=submit]")
    assert download_info.value.suggested_filename == f"tertialpaket_{YEAR}-01-08.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    assert "Resultatrapport" in wb.sheetnames and "Nyckeltal per vårddygn" in wb.sheetnames
    assert wb["Resultatrapport"].cell(row=2, column=6).value == 120000
