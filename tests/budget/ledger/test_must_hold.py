"""Issue 17's must-hold figures, through the public formats: a SIE 4 file and the budget import."""

import datetime
from decimal import Decimal

import pytest

from budget import rollup
from budget.importing import import_budget
from budget.ledger.importing import import_ledger
from budget.ledger.report_defs import RESULT_REPORT, UNIT_COSTS
from common import reporting
from tests.placements.factories import PlacementFactory, care_type

from .sie_files import csv_file, sie

pytestmark = pytest.mark.django_db
D = datetime.date


def test_uppsala_5731_nettokostnad_per_vårddygn_is_5_4_tkr():
    # 88 children placed all of leap year 2024 (366 dygn each) and one from 1 January to 21 June (172 dygn).
    hvb = care_type("HVB_BOU")
    for _ in range(88):
        PlacementFactory(care_type=hvb, start_on=D(2024, 1, 1), end_on=None)
    PlacementFactory(care_type=hvb, start_on=D(2024, 1, 1), end_on=D(2024, 6, 21))
    rollup.rollup_months(rollup.year_months(2024))
    body = """#OBJEKT 1 "5731" "Institutionsvård barn och unga"
#KONTO 4610 "Köp av huvudverksamhet"
#KONTO 3590 "Övriga intäkter"
#PSALDO 0 202406 4610 {1 "5731"} 89251500.00
#PSALDO 0 202412 4610 {1 "5731"} 89251500.00
#PSALDO 0 202412 4610 {} 89251500.00
#PSALDO 0 202412 3590 {1 "5731"} -4328000.00
"""
    import_ledger(content=sie(body), filename="uppsala_2024.se")

    result = reporting.run_report(UNIT_COSTS, user=None, year=2024, through_month=None)

    row = next(r for r in result.rows if r["activity_code"] == "5731")
    assert row["cost"] == Decimal("178503000.00")
    assert row["other_revenue"] == Decimal("4328000.00")
    assert row["net_cost"] == Decimal("174175000.00")
    assert row["care_days"] == 32_380
    assert row["net_cost_per_day"] == Decimal("5379")
    assert row["net_cost_per_day_tkr"] == Decimal("5.4")
    assert row["external_care_days"] == 32_380
    assert row["persons"] == 89


def test_norrtälje_budgetföljsamhet_from_imported_ledger_and_budget():
    budget_csv = ("år;verksamhet;verksamhet_namn;belopp;intäkter;kostnader\n"
                  "2024;IFO;Individ- och familjeomsorg;342880000;60000000;402880000\n").encode()
    import_budget(content=budget_csv, filename="budget_2024.csv")
    ledger = csv_file([
        (2024, 6, "IFO", 3050, "-40321500", ""),
        (2024, 12, "IFO", 3050, "-40321500", ""),
        (2024, 6, "IFO", 4610, "218844500", "556000-0001"),
        (2024, 12, "IFO", 5010, "218844500", ""),
    ])
    import_ledger(content=ledger, filename="utfall_2024.csv")

    result = reporting.run_report(RESULT_REPORT, user=None, year=2024, through_month=None)

    total = result.totals
    assert total["result_budget"] == Decimal("-342880000.00")
    assert total["result"] == Decimal("-357046000.00")
    assert total["deviation"] == Decimal("-14166000.00")
    assert total["revenue_deviation"] == Decimal("20643000.00")
    assert total["cost_deviation"] == Decimal("-34809000.00")
    assert total["deviation_percent"] == Decimal("-0.0413")
    assert reporting.csv_bytes(RESULT_REPORT, result).decode("utf-8-sig").splitlines()[0].split(";") == [
        "cost_centre", "cost_centre_name", "revenue", "revenue_budget", "revenue_deviation", "cost", "cost_budget",
        "cost_deviation", "result", "result_budget", "deviation", "deviation_percent", "budget_compliance",
        "result_last_year", "forecast"]
    page_percent = reporting.json_document(RESULT_REPORT, result, year=2024, through_month=None)["totals"]
    assert page_percent["deviation_percent"] == -0.0413
