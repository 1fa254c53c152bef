"""The controller's familjehem screens (issue 20 point 4): the levels per year and the own familjehem
payments per month split into arvode, omkostnad and avdrag, as registered reports (page with totals,
JSON/CSV/XLSX), equal to the roll-up's facts."""

import datetime
import json
from decimal import Decimal

import pytest

from budget import rollup
from budget.models import MonthlyFact
from common import reporting
from placements import services
from placements.models import FeeKind, FosterCarePayment
from tests.conftest import login
from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import care_type

D = datetime.date
pytestmark = pytest.mark.django_db


def _familjehem(by, units, birth, start, end=None):
    person = CaseFactory(unit=units["own"], person=PersonFactory(birth_date=birth)).person
    return services.placement_create(by=by, person=person, care_type=care_type("FH_EGET"), unit=units["own"],
                                     legal_basis="SoL", start_on=start, end_on=end)


def _row(result, key, value):
    return next(r for r in result.rows if r[key] == value)


def test_the_levels_show_the_2021_table_and_mark_the_examples_to_be_checked(controller):
    result = reporting.run_report(reporting.get_report("familjehem_levels"), user=controller, year=2024,
                                  through_month=None)
    rows_2021 = [r for r in result.rows if r["year"] == "2021"]
    assert [(r["band"], r["base_expenses"], r["ceiling_expenses"]) for r in rows_2021] == [
        ("0–12 år", Decimal("4363"), Decimal("6148")), ("13–19 år", Decimal("4958"), Decimal("6942"))]
    assert rows_2021[0]["to_be_checked"] == "kontrollera"
    year_2022 = _row(result, "year", "2022")
    assert (year_2022["price_base_amount"], year_2022["price_base_year"], year_2022["base_fee"]) == (47600, "2021",
                                                                                                     None)
    year_2024 = _row(result, "year", "2024")
    assert (year_2024["price_base_amount"], year_2024["base_fee"]) == (57300, Decimal("11417.00"))


def test_the_payments_split_per_month_and_add_up_to_the_roll_up(handlaggare, units, controller):
    a = _familjehem(handlaggare, units, D(2016, 1, 8), D(2024, 1, 1))
    services.foster_care_terms_set(by=handlaggare, placement=a, valid_from=D(2024, 3, 1), fee_kind=FeeKind.REDUCED,
                                   fee_change_percent=Decimal(25), fee_reason="Syskon",
                                   child_benefit_deduction=Decimal("1250"))
    _familjehem(handlaggare, units, D(2017, 6, 1), D(2024, 4, 20))  # 11 of 30 days in April
    FosterCarePayment.objects.create(placement=a, month=D(2024, 4, 1), kind="sarskilda_kostnader",
                                     amount=Decimal("900"))
    rollup.rollup_months([D(2024, m, 1) for m in range(1, 5)])

    result = reporting.run_report(reporting.get_report("familjehem_payments"), user=controller, year=2024,
                                  through_month=4)
    march = _row(result, "month", "2024-03")
    assert (march["placements"], march["fee"], march["expenses"], march["deductions"], march["total"]) == (
        1, Decimal("8563.00"), Decimal("5253.00"), Decimal("1250.00"), Decimal("12566.00"))
    april = _row(result, "month", "2024-04")
    # 12 566 + 11/30 × 16 670 (6 112,33) + 900 särskilda kostnader
    assert (april["placements"], april["care_days"], april["extra"], april["total"]) == (
        2, 41, Decimal("900"), Decimal("19578.33"))
    for row in result.rows:
        month = D(2024, int(row["month"][5:]), 1)
        facts = MonthlyFact.objects.filter(origin_month=month, care_type=care_type("FH_EGET"))
        assert row["total"] == sum((f.cost for f in facts), Decimal(0))
        assert row["total"] == row["fee"] + row["expenses"] - row["deductions"] + row["unsplit"] + row["extra"]
    assert result.totals["total"] == sum((r["total"] for r in result.rows), Decimal(0))


def test_the_controller_opens_and_downloads_them_and_a_handlaggare_does_not(handlaggare, units, controller):
    _familjehem(handlaggare, units, D(2016, 1, 8), D(2024, 1, 1))
    client = login(controller)
    page = client.get("/rapporter/familjehem_payments/?year=2024&month=2")
    assert page.status_code == 200
    assert "Avdrag barnbidrag/studiebidrag" in page.content.decode()
    assert "Totalt" in page.content.decode()
    assert client.get("/rapporter/familjehem_levels/?year=2024").status_code == 200
    document = json.loads(client.get("/rapporter/familjehem_payments/export.json?year=2024&month=2").content)
    assert [r["total"] for r in document["rows"]] == [16670, 16670]
    csv = client.get("/rapporter/familjehem_payments/export.csv?year=2024&month=2").content.decode("utf-8-sig")
    assert csv.splitlines()[0] == "month;placements;care_days;fee;expenses;deductions;unsplit;extra;total"
    assert client.get("/rapporter/familjehem_levels/export.xlsx?year=2024").status_code == 200
    assert login(handlaggare).get("/rapporter/familjehem_payments/").status_code == 404
