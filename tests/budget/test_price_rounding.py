"""The budget's à-pris per dygn is rounded as every other figure is: half away from zero. 4 600 125 kr over
1 000 dygn is 4 600,125 kr: the Excel export gave 4 600,12 (Decimal's default half-even) where the reports give
4 600,13."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from budget.models import Budget, CostCentre
from budget.views.budgets import EXPORT_HEADER
from common import reporting
from tests.budget.test_reports import fact
from tests.conftest import login
from tests.placements.factories import care_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def tie_budget():
    return Budget.objects.create(year=2024, cost_centre=CostCentre.objects.get(code="5731"),
                                 care_type=care_type("HVB_BOU"), amount=Decimal("4600125"), volume=Decimal("1000"),
                                 volume_unit="dygn")


def test_the_excel_export_rounds_the_tie_of_the_price_away_from_zero(tie_budget, controller):
    response = login(controller).get("/budget/budget/export/?year=2024")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][8] == EXPORT_HEADER[8]
    assert rows[1][8] == 4600.13


def test_the_placement_days_report_gives_the_same_price(tie_budget):
    fact(datetime.date(2024, 1, 1), "HVB_BOU", days=31, cost="142600.00")
    result = reporting.run_report(reporting.get_report("placement_days"), user=None, year=2024, through_month=None)
    row = next(r for r in result.rows if r["care_type"] == "HVB_BOU")
    assert row["price_budget"] == Decimal("4600.13")
