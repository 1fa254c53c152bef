"""The account lines, result_report's budget, last year and forecast, #PBUDGET, the XLSX ledger and the
budget import's intäkter/kostnader, through the public formats."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from budget.importing import LINES_BOTH, LINES_NOT_NET, BudgetImportError, import_budget
from budget.ledger.importing import import_ledger
from budget.ledger.lines import AccountLines
from budget.ledger.report_defs import RESULT_REPORT
from budget.models import AccountMapping, LedgerBudget, LedgerEntry, MonthClosing
from common import reporting
from socialtjanst.roles import Role
from tests.factories import UserFactory

from .sie_files import csv_file, sie

pytestmark = pytest.mark.django_db
D = datetime.date


def _row(result, code):
    return next(r for r in result.rows if r["cost_centre"] == code)


def test_kommun_bas_by_default_and_the_narrowest_range_wins():
    AccountMapping.objects.create(account_from=3000, account_to=3999, line="exkluderad")
    AccountMapping.objects.create(account_from=3590, account_to=3590, line="intakt")
    AccountMapping.objects.create(account_from=8400, account_to=8499, line="kostnad")
    lines = AccountLines()
    assert [lines.line(a) for a in (3590, 3810, 4610, 7990, 8410, 8900, 1930)] == [
        "intakt", None, "kostnad", "kostnad", "kostnad", None, None]


def test_result_report_budget_last_year_and_forecast_at_the_latest_closing():
    import_budget(content="år;verksamhet;belopp;intäkter;kostnader\n2024;5731;366000;0;366000\n".encode(),
                  filename="budget.csv")
    import_ledger(content=csv_file([(2023, 8, "5731", 4610, "250000", ""), (2024, 8, "5731", 4610, "300000", "")]),
                  filename="utfall.csv")
    MonthClosing.objects.create(month=D(2024, 8, 1), closed_by=UserFactory(role=Role.CONTROLLER))

    row = _row(reporting.run_report(RESULT_REPORT, user=None, year=2024, through_month=8), "5731")

    # Leap year 2024: 1 000 kr a day, 244 days January–August.
    assert (row["cost_budget"], row["cost"], row["cost_deviation"]) == (
        Decimal("244000.00"), Decimal("300000.00"), Decimal("-56000.00"))
    assert row["result_last_year"] == Decimal("-250000.00")
    # Result through August + the budget of September–December (122 days).
    assert row["forecast"] == Decimal("-422000.00")
    assert row["budget_compliance"] == Decimal("1.2295")


def test_pbudget_months_are_the_budget_of_their_months():
    import_ledger(content=sie('#PBUDGET 0 202401 4610 {1 "5732"} 1000.00\n#PBUDGET 0 202402 4610 {1 "5732"} 2000.00\n'
                              '#PBUDGET 0 202401 3590 {1 "5732"} -100.00\n'), filename="budget.se")
    assert not LedgerEntry.objects.exists() and LedgerBudget.objects.count() == 2
    row = _row(reporting.run_report(RESULT_REPORT, user=None, year=2024, through_month=1), "5732")
    assert (row["revenue_budget"], row["cost_budget"], row["result_budget"]) == (
        Decimal("100.00"), Decimal("1000.00"), Decimal("-900.00"))


def test_an_xlsx_ledger_is_read_like_the_csv():
    wb = openpyxl.Workbook()
    wb.active.append(["År", "Månad", "Verksamhet", "Konto", "Belopp", "Motpart"])
    wb.active.append([2024, 3, "5731", 4610, 1234.5, "556677-8899"])
    buf = io.BytesIO()
    wb.save(buf)
    import_ledger(content=buf.getvalue(), filename="mars.xlsx")
    assert list(LedgerEntry.objects.values_list("month", "account", "amount", "counterpart")) == [
        (D(2024, 3, 1), 4610, Decimal("1234.50"), "556677-8899")]


def test_the_budget_import_checks_intäkter_and_kostnader():
    content = ("år;verksamhet;belopp;intäkter;kostnader\n2024;5731;100;10;\n2024;5732;100;10;120\n").encode()
    with pytest.raises(BudgetImportError) as exc:
        import_budget(content=content, filename="budget.csv")
    assert exc.value.errors == [f"Rad 2, kolumn 'kostnader': {LINES_BOTH}",
                                "Rad 3, kolumn 'belopp': " + LINES_NOT_NET.format(net="110")]
    assert not LedgerBudget.objects.exists()


def test_the_demo_ledger_is_imported_once_and_last_month_is_short_by_an_invoice():
    from budget import rollup
    from budget.ledger.demo import load_demo_ledger
    from budget.ledger.reconciliation import reconcile
    from tests.placements.factories import PlacementFactory, PricePeriodFactory

    PricePeriodFactory(placement=PlacementFactory(start_on=D(2024, 1, 1)), daily_price=Decimal("1000"))
    rollup.rollup_months(rollup.year_months(2024) + [D(2025, 1, 1), D(2025, 2, 1)])

    assert load_demo_ledger(today=D(2025, 3, 15)) == 14
    assert load_demo_ledger(today=D(2025, 3, 15)) == 0
    february = reconcile(D(2025, 2, 1))[0]
    assert (february.expected, february.booked) == (Decimal("28000.00"), Decimal("26880.00"))
    row = _row(reporting.run_report(RESULT_REPORT, user=None, year=2024, through_month=None), "5731")
    # Kommunbidrag (3810) is not counted: intäkter are the 4 % statsbidrag only.
    assert (row["revenue"], row["cost"]) == (Decimal("14640.00"), Decimal("439200.00"))


@pytest.mark.parametrize("name", ["result_report", "unit_costs"])
def test_every_key_is_documented_and_the_command_exports_exactly_them(name, tmp_path):
    import json
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    report = reporting.get_report(name)
    section = Path(settings.BASE_DIR, "docs", "ledger.md").read_text().split(f"### `{name}`")[1].split("\n## ")[0]
    assert [k for k in report.keys if f"`{k}`" not in section] == []
    out = tmp_path / "r.json"
    call_command("export_report", name, "--year", "2024", "--format", "json", "--out", str(out))
    assert json.loads(out.read_text())["report"] == name
