"""budget/reports.py and its registration: exact figures on hand-built monthly facts, the documented
keys of each export, and deviation = volume effect + price effect on every row of every report."""

import datetime
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import openpyxl
import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from budget.models import Budget, CostCentre, MonthlyFact
from common import reporting
from tests.placements.factories import PlacementFactory, ProviderFactory, care_type

pytestmark = pytest.mark.django_db

# The public contract (shared/formats.md, docs/reports.md): exactly these keys, in this order.
DOCUMENTED_KEYS = {
    "placement_days": [
        "care_type", "care_type_name", "care_days", "care_days_budget", "care_days_last_year", "placement_years",
        "placement_years_budget", "price", "price_budget", "cost", "cost_budget", "cost_last_year", "deviation",
        "volume_effect", "price_effect", "corrections_cost", "corrections_days", "corrections_months",
    ],
    "volume_followup": [
        "cost_centre", "cost_centre_name", "volume_unit", "volume_budget", "volume", "volume_deviation", "care_days",
        "cost", "cost_budget", "deviation", "volume_effect", "price_effect", "corrections_cost",
    ],
    "cost_centres": [
        "cost_centre", "cost_centre_name", "cost_last_year", "budget_year", "cost_budget", "cost", "deviation",
        "volume_effect", "price_effect", "deviation_percent", "cost_last_year_same_period", "forecast",
        "forecast_deviation", "corrections_cost",
    ],
    "purchases": [
        "care_type", "care_type_name", "cost_centre", "cost_centre_name", "cost", "cost_last_year",
        "category_cost", "share", "providers",
    ],
}
DECOMPOSED = ("placement_days", "volume_followup", "cost_centres")


def fact(month: datetime.date, care_code: str, *, days: int, cost: str, origin: datetime.date | None = None,
         cost_centre: str | None = None, persons: int = 1, started: int = 0, provider=None) -> MonthlyFact:
    ct = care_type(care_code)
    return MonthlyFact.objects.create(
        booking_month=month, origin_month=origin or month,
        cost_centre=CostCentre.objects.get(code=cost_centre or ct.activity_code), care_type=ct, provider=provider,
        regime=ct.regime, target_group=ct.target_group, legal_basis="SoL", care_days=days, cost=Decimal(cost),
        persons=persons, started=started, ended=0, unpriced_days=0, computed_at=timezone.now(),
    )


def budget(year: int, cost_centre: str, amount: str, volume=None, unit="", care_code=None) -> Budget:
    return Budget.objects.create(year=year, cost_centre=CostCentre.objects.get(code=cost_centre),
                                 care_type=care_type(care_code) if care_code else None, amount=Decimal(amount),
                                 volume=None if volume is None else Decimal(volume), volume_unit=unit)


def run(name: str, year: int, month: int | None = None) -> reporting.ReportResult:
    return reporting.run_report(reporting.get_report(name), user=None, year=year, through_month=month)


def months(year: int, last: int = 12):
    return [datetime.date(year, m, 1) for m in range(1, last + 1)]


@pytest.fixture
def twelve_placements():
    """5731 budgeted 12 000 000 kr for 10 årsplaceringar in 2024; 366 HVB days a month = 4 392 days = 12."""
    budget(2024, "5731", "12000000", "10", "årsplacering")
    for m in months(2024):
        fact(m, "HVB_BOU", days=366, cost=str(366 * 3500), persons=12)


def row_of(result, key, value):
    return next(r for r in result.rows if r[key] == value)


def test_key_example_volume_effect_minus_2_4_million(twelve_placements):
    row = row_of(run("volume_followup", 2024), "cost_centre", "5731")
    assert row["volume_unit"] == "årsplacering"
    assert (row["volume_budget"], row["volume"], row["volume_deviation"]) == (
        Decimal("10.00"), Decimal("12.00"), Decimal("2.00"))
    assert row["care_days"] == 4392
    assert row["cost"] == Decimal("15372000.00")
    assert row["deviation"] == Decimal("-3372000.00")
    assert row["volume_effect"] == Decimal("-2400000.00")
    assert row["price_effect"] == Decimal("-972000.00")


def test_key_example_through_august(twelve_placements):
    row = row_of(run("volume_followup", 2024, 8), "cost_centre", "5731")
    # January–August 2024 = 244 of 366 days: budget 8 000 000 kr, still 10 årsplaceringar; 2 928 days = 12.
    assert row["cost_budget"] == Decimal("8000000.00")
    assert row["volume"] == Decimal("12.00")
    assert row["volume_effect"] == Decimal("-1600000.00")


def test_cost_centres_report(twelve_placements):
    for m in months(2023):
        fact(m, "HVB_BOU", days=300, cost="1000000")
    result = run("cost_centres", 2024, 6)
    row = row_of(result, "cost_centre", "5731")
    assert row["budget_year"] == Decimal("12000000")
    assert row["cost_budget"] == Decimal("5967213.11")  # 12 000 000 × 182 ÷ 366
    assert row["cost"] == Decimal(6 * 366 * 3500)
    assert row["cost_last_year"] == Decimal("12000000")
    assert row["cost_last_year_same_period"] == Decimal("6000000")
    assert row["deviation"] == row["cost_budget"] - row["cost"]
    assert row["deviation_percent"] == Decimal("-0.2880")
    assert row["forecast"] is None  # no closing, so no stored forecast
    assert row["volume_effect"] + row["price_effect"] == row["deviation"]
    assert row["deviation"] == Decimal("-1718786.89")
    # 10 årsplaceringar budgeted (a rate, not spread); 6 × 366 dygn ÷ 182 = 12.066 årsplaceringar actual.
    # Volume effect −(1098/91 − 10) × 5 967 213.11 ÷ 10 = −1 232 786.884… → −1 232 786.88 kr; the price
    # effect is the rest of the deviation (exact −486 000.0057…, rounded on the side that adds up).
    assert row["volume_effect"] == Decimal("-1232786.88")
    assert row["price_effect"] == Decimal("-486000.01")
    empty = row_of(result, "cost_centre", "572")
    assert (empty["cost"], empty["cost_budget"], empty["deviation_percent"]) == (0, 0, None)
    assert result.totals["cost"] == sum(r["cost"] for r in result.rows)


def test_placement_days_per_care_type_with_budget_and_last_year():
    budget(2024, "5731", "1830000", "610", "dygn", care_code="HVB_BOU")
    fact(datetime.date(2024, 1, 1), "HVB_BOU", days=62, cost="217000.00")
    fact(datetime.date(2024, 2, 1), "HVB_BOU", days=58, cost="203000.00")
    fact(datetime.date(2023, 1, 1), "HVB_BOU", days=31, cost="93000.00")
    fact(datetime.date(2024, 1, 1), "FH_EGET", days=31, cost="28000.00", cost_centre="5732")
    result = run("placement_days", 2024, 2)
    hvb = row_of(result, "care_type", "HVB_BOU")
    assert hvb["care_type_name"] == "HVB barn och unga"
    assert (hvb["care_days"], hvb["care_days_last_year"]) == (120, 31)
    assert hvb["care_days_budget"] == 100  # 610 × 60 ÷ 366
    assert hvb["cost_budget"] == Decimal("300000.00")
    assert hvb["price"] == Decimal("3500.00")
    assert hvb["price_budget"] == Decimal("3000.00")
    assert hvb["placement_years"] == Decimal("2.00")
    assert hvb["volume_effect"] == Decimal("-60000.00")  # 20 days over at 3 000 kr
    assert hvb["price_effect"] == Decimal("-60000.00")  # 500 kr over on 120 days
    assert hvb["deviation"] == Decimal("-120000.00")
    own = row_of(result, "care_type", "FH_EGET")
    assert own["cost_budget"] == 0 and own["volume_effect"] == Decimal("-28000.00")
    assert result.totals["care_days"] == 151
    assert result.totals["deviation"] == Decimal("-148000.00")


def test_corrections_count_in_their_booking_month_and_name_their_origin():
    fact(datetime.date(2024, 7, 1), "HVB_BOU", days=31, cost="108500.00")
    fact(datetime.date(2024, 9, 1), "HVB_BOU", days=-10, cost="-35000.00", origin=datetime.date(2024, 7, 1))
    august = row_of(run("placement_days", 2024, 8), "care_type", "HVB_BOU")
    assert (august["care_days"], august["corrections_days"], august["corrections_months"]) == (31, 0, "")
    september = row_of(run("placement_days", 2024, 9), "care_type", "HVB_BOU")
    assert september["care_days"] == 21
    assert september["cost"] == Decimal("73500.00")
    assert (september["corrections_cost"], september["corrections_days"]) == (Decimal("-35000.00"), -10)
    assert september["corrections_months"] == "2024-07"


def test_purchases_cost_share_and_providers_on_the_last_day():
    hvb_a, hvb_b = ProviderFactory(), ProviderFactory()
    fact(datetime.date(2024, 3, 1), "HVB_BOU", days=31, cost="150000.00", provider=hvb_a)
    fact(datetime.date(2024, 3, 1), "FH_EGET", days=31, cost="30000.00", cost_centre="5731")
    hvb = care_type("HVB_BOU")
    PlacementFactory(care_type=hvb, provider=hvb_a, start_on=datetime.date(2024, 1, 10))
    PlacementFactory(care_type=hvb, provider=hvb_a, start_on=datetime.date(2024, 2, 1))
    PlacementFactory(care_type=hvb, provider=hvb_b, start_on=datetime.date(2024, 1, 1),
                     end_on=datetime.date(2024, 3, 31))  # left on 31 March: not active that day
    PlacementFactory(care_type=care_type("FH_EGET"), start_on=datetime.date(2024, 1, 1))  # own regime
    result = run("purchases", 2024, 3)
    assert [r["care_type"] for r in result.rows] == ["HVB_BOU"]
    row = result.rows[0]
    assert (row["cost"], row["category_cost"], row["share"], row["providers"]) == (
        Decimal("150000.00"), Decimal("180000.00"), Decimal("0.8333"), 1)
    assert row_of(run("purchases", 2024, 2), "care_type", "HVB_BOU")["providers"] == 2
    assert result.totals["providers"] == 1


def test_mean_placement_time_of_placements_ended_in_the_period():
    hvb = care_type("HVB_BOU")
    PlacementFactory(care_type=hvb, start_on=datetime.date(2024, 1, 1), end_on=datetime.date(2024, 1, 11))
    PlacementFactory(care_type=hvb, start_on=datetime.date(2023, 12, 1), end_on=datetime.date(2024, 2, 1))
    PlacementFactory(care_type=hvb, start_on=datetime.date(2024, 1, 1), end_on=datetime.date(2024, 5, 1))
    fact(datetime.date(2024, 1, 1), "HVB_BOU", days=10, cost="35000.00")
    from budget.report_data import Period, ended_placement_days
    from common import rounding

    # Read live from the placements, so it is not a column of the month report (which must stay reproducible).
    ended = ended_placement_days(Period(2024, 2))
    assert rounding.mean(ended[hvb.pk]) == Decimal("36.0")  # (10 + 62) ÷ 2


@pytest.mark.parametrize("name", list(DOCUMENTED_KEYS))
def test_export_json_has_exactly_the_documented_keys(name, twelve_placements, tmp_path):
    out = tmp_path / f"{name}.json"
    call_command("export_report", name, "--year", "2024", "--month", "8", "--format", "json", "--out", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"), parse_float=Decimal)
    assert list(doc) == ["report", "year", "through_month", "generated_at", "rows", "totals"]
    assert (doc["report"], doc["year"], doc["through_month"]) == (name, 2024, 8)
    assert doc["rows"]
    for row in doc["rows"]:
        assert list(row) == DOCUMENTED_KEYS[name]
    assert set(doc["totals"]) <= set(DOCUMENTED_KEYS[name])
    if name in DECOMPOSED:
        for row in [*doc["rows"], doc["totals"]]:
            assert Decimal(row["volume_effect"]) + Decimal(row["price_effect"]) == Decimal(row["deviation"])


# The sheet is named after the report; a title over Excel's 31 characters has a short name of its own.
SHEET_NAMES = {"placement_days": "Placeringsdygn och à-pris", "volume_followup": "Volymuppföljning per verksamhet",
               "cost_centres": "Driftsredovisning", "purchases": "Köp av verksamhet"}


@pytest.mark.parametrize("name", list(DOCUMENTED_KEYS))
def test_csv_and_xlsx_downloads_open_with_numbers_as_numbers(name, twelve_placements, tmp_path):
    xlsx, csv_file = tmp_path / "r.xlsx", tmp_path / "r.csv"
    call_command("export_report", name, "--year", "2024", "--format", "xlsx", "--out", str(xlsx))
    call_command("export_report", name, "--year", "2024", "--format", "csv", "--out", str(csv_file))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes())).worksheets[0]
    report = reporting.get_report(name)
    # The XLSX has one row of Swedish labels (issue 14); the keys are the CSV's and JSON's.
    header = [c.value for c in sheet[1]]
    assert header == [c.label for c in report.columns] and sheet.title == SHEET_NAMES[name]
    first = dict(zip(report.keys, [c.value for c in sheet[2]], strict=True))
    assert isinstance(first["cost"], int | float)
    assert csv_file.read_text(encoding="utf-8-sig").splitlines()[0].split(";") == DOCUMENTED_KEYS[name]


CARE_CODES = ["HVB_BOU", "FH_EGET", "FH_KONSULENT", "SIS_LVM", "STODBOENDE_VUXEN"]
FACTS = st.lists(st.tuples(
    st.sampled_from(CARE_CODES), st.integers(2023, 2024), st.integers(1, 12), st.integers(0, 900),
    st.decimals(min_value=Decimal("-5000"), max_value=Decimal("3000000"), places=2, allow_nan=False,
                allow_infinity=False),
    st.booleans(),
), max_size=12)
BUDGETS = st.lists(st.tuples(
    st.sampled_from(["5731", "5732", "571", "572"]), st.one_of(st.none(), st.sampled_from(CARE_CODES)),
    st.decimals(min_value=Decimal("0"), max_value=Decimal("90000000"), places=2, allow_nan=False,
                allow_infinity=False),
    st.one_of(st.none(), st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999"), places=2,
                                     allow_nan=False, allow_infinity=False)),
    st.sampled_from(["årsplacering", "dygn", "dagar", "hushåll", "inflöde"]),
), max_size=5, unique_by=lambda b: (b[0], b[1]))


def _ore(value: Fraction) -> Decimal:
    """An exact amount to the öre, half away from zero (shared/domain.md §7), written out here on its own."""
    whole, rest = divmod(abs(value) * 100, 1)
    whole += rest >= Fraction(1, 2)
    return (Decimal(whole if value >= 0 else -whole) / 100).quantize(Decimal("0.01"))


def _expected_cost_centre(code: str, facts: list[tuple], budgets: list[tuple], through: int | None):
    """(cost, cost_budget, volume_effect, exact price effect) of a cost_centres row, from what the test inserted.

    The budget is spread by days (12 000 000 kr through June = 12 000 000 × 182 ÷ 366, each budget row to the
    öre); årsplaceringar are a rate and are not spread. The split uses the cost centre's budget volumes only when
    every budget of it has a volume in one common unit; actual volume in that unit comes from the facts."""
    last = through or 12
    days = (datetime.date(2024 + last // 12, last % 12 + 1, 1) - datetime.date(2024, 1, 1)).days
    share = Decimal(1) if last == 12 else Decimal(days) / Decimal(366)
    booked = [f for f in facts if f[0] == code and f[1].year == 2024 and f[1].month <= last]
    cost = sum((f[3] for f in booked), Decimal("0.00"))
    actual = {"årsplacering": Fraction(sum(f[2] for f in booked), days), "dygn": sum(f[2] for f in booked),
              "dagar": sum(f[2] for f in booked), "hushåll": sum(f[4] for f in booked),
              "inflöde": sum(f[5] for f in booked)}
    own = [b for b in budgets if b[0] == code]
    cost_budget = sum(((amount * share).quantize(Decimal("0.01"), ROUND_HALF_UP) for _cc, amount, _v, _u in own),
                      Decimal("0.00"))
    cost_b, cost_u = Fraction(cost_budget), Fraction(cost)
    units = {unit for _cc, _a, _v, unit in own}
    if own and all(volume is not None for _cc, _a, volume, _u in own) and len(units) == 1:
        unit = units.pop()
        vol_b = sum(Fraction(volume if unit == "årsplacering" else volume * share) for _cc, _a, volume, _u in own)
        vol_u = Fraction(actual[unit])
        volume_exact = -(vol_u - vol_b) * cost_b / vol_b
        price_exact = -(cost_u - cost_b / vol_b * vol_u)
    else:  # no budget price: all of the deviation is volume effect
        volume_exact, price_exact = cost_b - cost_u, Fraction(0)
    return cost, cost_budget, _ore(volume_exact), price_exact


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(facts=FACTS, budgets=BUDGETS, through=st.one_of(st.none(), st.integers(1, 12)))
# Every volume unit split, a cost centre whose budgets mix units (no split), a correction and a duplicate key.
@example(facts=[("HVB_BOU", 2024, 3, 200, Decimal("700000.00"), False), ("HVB_BOU", 2024, 3, 9, Decimal("1.00"), False),
                ("SIS_LVM", 2024, 5, 45, Decimal("300000.00"), False),
                ("STODBOENDE_VUXEN", 2024, 2, 62, Decimal("50000.00"), False),
                ("STODBOENDE_VUXEN", 2024, 4, -3, Decimal("-1500.00"), True),
                ("FH_EGET", 2024, 1, 31, Decimal("20000.00"), False),
                ("FH_KONSULENT", 2023, 6, 30, Decimal("45000.00"), False)],
         budgets=[("5731", None, Decimal("4000000.00"), Decimal("2.50"), "årsplacering"),
                  ("5732", "FH_EGET", Decimal("500000.00"), Decimal("10.00"), "inflöde"),
                  ("5732", "FH_KONSULENT", Decimal("800000.00"), Decimal("900.00"), "dygn"),
                  ("571", "SIS_LVM", Decimal("1000000.00"), Decimal("120.00"), "dygn"),
                  ("572", None, Decimal("300000.00"), Decimal("4.00"), "hushåll")],
         through=6)
# Exact half-öre volume effects, rounded away from zero: 1.83 × 365 ÷ 366 = 1.825 → 1.83 and −3.66 ÷ 732 = −0.005
# → −0.01; a budget without volume beside one with (no split); dagar.
@example(facts=[("HVB_BOU", 2024, 1, 1, Decimal("10.00"), False), ("SIS_LVM", 2024, 7, 733, Decimal("5.00"), False),
                ("STODBOENDE_VUXEN", 2024, 9, 40, Decimal("9000.00"), False),
                ("FH_EGET", 2024, 12, 20, Decimal("7000.00"), False)],
         budgets=[("5731", None, Decimal("1.83"), Decimal("1.00"), "årsplacering"),
                  ("571", None, Decimal("3.66"), Decimal("2.00"), "årsplacering"),
                  ("572", None, Decimal("10000.00"), Decimal("30.00"), "dagar"),
                  ("5732", None, Decimal("5000.00"), None, "dygn"),
                  ("5732", "FH_EGET", Decimal("1000.00"), Decimal("5.00"), "dygn")],
         through=None)
def test_deviation_is_volume_plus_price_effect_on_every_row_of_every_report(facts, budgets, through):
    with transaction.atomic():
        inserted: dict[tuple, tuple] = {}
        for code, year, month, days, cost, is_correction in facts:
            booking = datetime.date(year, month, 1)
            origin = datetime.date(year - 1, 12, 1) if is_correction else booking
            try:
                with transaction.atomic():
                    fact(booking, code, days=days, cost=str(cost), origin=origin, persons=days % 7,
                         started=days % 3)
            except IntegrityError:
                # Only a drawn duplicate of the fact key (monthlyfact_key) is refused, and then skipped.
                assert (code, booking, origin) in inserted
                continue
            inserted[(code, booking, origin)] = (care_type(code).activity_code, booking, days, cost, days % 7,
                                                 days % 3)
        for cc, care_code, amount, volume, unit in budgets:
            budget(2024, cc, str(amount), None if volume is None else str(volume), unit if volume else "",
                   care_code)
        for name in DECOMPOSED:
            result = run(name, 2024, through)
            for row in [*result.rows, result.totals]:
                assert row["volume_effect"] + row["price_effect"] == row["deviation"], (name, row)
                assert row["deviation"] == (row["cost_budget"] or 0) - (row["cost"] or 0)
        # cost_centres against the formula of budget/deviations.py, computed here from what was inserted.
        drawn_budgets = [(cc, amount, volume, unit if volume else "") for cc, _ct, amount, volume, unit in budgets]
        centres = run("cost_centres", 2024, through)
        assert {r["cost_centre"] for r in centres.rows} >= {f[0] for f in inserted.values()} | {
            b[0] for b in drawn_budgets}
        for row in centres.rows:
            cost, cost_budget, volume_effect, price_exact = _expected_cost_centre(
                row["cost_centre"], list(inserted.values()), drawn_budgets, through)
            assert (row["cost"], row["cost_budget"], row["volume_effect"]) == (
                cost, cost_budget, volume_effect), (row, through)
            assert abs(Fraction(row["price_effect"]) - price_exact) <= Fraction(1, 200), (row, price_exact)
        run("purchases", 2024, through)
        transaction.set_rollback(True)


def test_a_planned_end_after_today_is_not_an_ended_placement():
    from budget.report_data import Period, ended_placement_days

    hvb = care_type("HVB_BOU")
    PlacementFactory(care_type=hvb, start_on=datetime.date(2026, 1, 1), end_on=datetime.date(2026, 3, 1))
    PlacementFactory(care_type=hvb, start_on=datetime.date(2026, 1, 1), end_on=datetime.date(2026, 12, 20))
    assert ended_placement_days(Period(2026), today=datetime.date(2026, 11, 25)) == {hvb.pk: [59]}
    assert sorted(ended_placement_days(Period(2026), today=datetime.date(2026, 12, 31))[hvb.pk]) == [59, 353]
