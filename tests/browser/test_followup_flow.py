import datetime

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import log_in
from tests.socialtjanst.test_deadline_report import child_case, investigation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = datetime.date


def test_enhetschef_drills_into_late_investigations_and_exports_them_to_excel(page, units, enhetschef):
    case = child_case(units["own"], first_name="Försenad", last_name="Utredningsson")
    investigation(case, D(2024, 1, 31), D(2024, 5, 31))  # within four months
    investigation(case, D(2024, 2, 1), D(2024, 6, 11))   # ten days late
    investigation(child_case(units["other"], last_name="Främlingsson"), D(2024, 2, 1), D(2024, 7, 1))

    log_in(page, "eva")
    page.click("nav >> text=Frister")
    page.fill("input[name=year]", "2024")
    page.click("button:has-text('Visa')")
    row = page.locator("table tbody tr", has_text="MOTT_BARN")
    assert "50,0\xa0%" in row.inner_text()
    assert page.locator("table tbody tr", has_text="UTR_BARN").count() == 0

    row.locator("a[href*='/uppfoljning/frister/utredningar/']").click()
    page.get_by_text("1 ärenden missade fristen.").wait_for()
    late = page.locator("table tbody tr")
    assert late.count() == 1
    assert "Försenad Utredningsson" in late.inner_text() and "2024-06-01" in late.inner_text()

    with page.expect_download() as download_info:
        page.click("text=Exportera Excel")
    download = download_info.value
    assert download.suggested_filename == "frister_utredningar_2024.xlsx"
    with open(download.path(), "rb") as fh:
        rows = list(load_workbook(fh).active.values)
    assert rows[0][:2] == ("Ärende", "Person")
    # The due date is a real date cell (issue 14), read back as a datetime at midnight.
    assert [(r[0], r[1], r[4].date().isoformat(), r[6]) for r in rows[1:]] == [
        (case.pk, "Försenad Utredningsson", "2024-06-01", 10)]
