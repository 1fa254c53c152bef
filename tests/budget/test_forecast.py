"""The full-year forecast: the price of an ongoing placement is the one of the price period containing the
end of the closed month, and the controller's adjustment is validated with Swedish messages."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from budget import closing, forecast, rollup
from budget.models import CostCentre, ForecastAdjustment, ForecastLine, MonthClosing, MonthlyFact
from tests.conftest import login
from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type

D = datetime.date
NEW_YEAR = D(2024, 1, 1)
SEP_DEC = 30 + 31 + 30 + 31  # the days left of 2024 after a closed August


def ongoing_cost(code: str, *, year: int = 2024, through_month: int = 8) -> Decimal:
    ct = care_type(code)
    return sum((cost for (_cc, ct_id), cost in forecast.ongoing_to_year_end(year, through_month).items()
                if ct_id == ct.pk), Decimal(0))


def placement(code="HVB_BOU", start=NEW_YEAR, end=None):
    return PlacementFactory(care_type=care_type(code), start_on=start, end_on=end,
                            end_reason="enligt_plan" if end else "")


@pytest.mark.django_db
def test_a_price_that_ended_before_the_closed_month_ends_adds_no_forecast_cost():
    ended_in_june = placement()
    PricePeriodFactory(placement=ended_in_june, daily_price=Decimal("5000"), valid_to=D(2024, 7, 1))
    ended_the_day_before = placement()  # valid_to is exclusive: priced through 30 August, not 31 August
    PricePeriodFactory(placement=ended_the_day_before, daily_price=Decimal("5000"), valid_to=D(2024, 8, 31))
    starts_later = placement()  # the price in force on 31 August is missing, a later one does not count
    PricePeriodFactory(placement=starts_later, daily_price=Decimal("5000"), valid_to=D(2024, 8, 1))
    PricePeriodFactory(placement=starts_later, daily_price=Decimal("5000"), valid_from=D(2024, 10, 1))

    assert ongoing_cost("HVB_BOU") == Decimal(0)


@pytest.mark.django_db
def test_a_current_price_is_charged_to_the_planned_end_or_the_year_end_to_the_ore():
    ongoing = placement()
    PricePeriodFactory(placement=ongoing, daily_price=Decimal("4800"), valid_to=D(2024, 6, 1))
    PricePeriodFactory(placement=ongoing, daily_price=Decimal("5250.50"), valid_from=D(2024, 6, 1),
                       valid_to=D(2024, 9, 1))  # in force on 31 August: the forecast's price for the rest of the year
    planned_end = placement(end=D(2024, 10, 16))  # Sep 30 + Oct 15 dygn
    PricePeriodFactory(placement=planned_end, daily_price=Decimal("1234.25"))

    assert ongoing_cost("HVB_BOU") == Decimal("5250.50") * SEP_DEC + Decimal("1234.25") * 45
    assert ongoing_cost("HVB_BOU") == Decimal("696102.25")


@pytest.mark.django_db
def test_a_monthly_amount_is_shared_by_the_days_of_each_month_and_rounded_per_month():
    fh = placement("FH_EGET", start=D(2024, 2, 10), end=D(2024, 10, 16))
    PricePeriodFactory(placement=fh, monthly_amount=Decimal("30000"))

    # September whole, October 15 of 31 days: 30 000 × 15 ÷ 31 = 14 516,129… → 14 516,13.
    assert ongoing_cost("FH_EGET") == Decimal("30000.00") + Decimal("14516.13")


@pytest.mark.django_db
def test_the_stored_forecast_charges_no_expired_price_where_the_roll_up_reports_saknar_pris(controller):
    expired = placement()
    PricePeriodFactory(placement=expired, daily_price=Decimal("5000"), valid_to=D(2024, 8, 21))
    current = placement()
    PricePeriodFactory(placement=current, daily_price=Decimal("5000"))
    month = D(2024, 1, 1)
    while month <= D(2024, 8, 1):
        closing.close_month(by=controller, month=month)
        month = rollup.add_months(month, 1)

    august = MonthlyFact.objects.filter(booking_month=D(2024, 8, 1), origin_month=D(2024, 8, 1))
    assert sum(f.unpriced_days for f in august) == 11  # 21–31 August
    line = ForecastLine.objects.get(closing=MonthClosing.objects.get(month=D(2024, 8, 1)))
    assert line.actual == Decimal(5000 * (244 + 244 - 11))
    assert line.ongoing == Decimal(5000 * SEP_DEC)  # the current placement only


# --- adjustments ------------------------------------------------------------------------------------------


def adjust_data(**changes):
    data = {"year": "2024", "cost_centre": str(CostCentre.objects.get(code="5731").pk), "care_type": "",
            "amount": "-250 000", "comment": "Två hemflyttar planerade i höst"}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_an_adjustment_is_saved_with_a_swedish_amount_and_the_page_of_its_year_is_shown(controller):
    client = login(controller)
    response = client.post(reverse("budget:forecast_adjust"),
                           adjust_data(amount="1\xa0234,50", care_type=str(care_type("HVB_BOU").pk)))
    assert response.status_code == 302 and response.url == reverse("budget:forecast") + "?year=2024"
    adj = ForecastAdjustment.objects.get()
    assert (adj.year, adj.cost_centre.code, adj.care_type.code, adj.amount, adj.created_by) == (
        2024, "5731", "HVB_BOU", Decimal("1234.50"), controller)

    client.post(reverse("budget:forecast_adjust"), adjust_data(amount="-250 000"))
    assert ForecastAdjustment.objects.filter(care_type=None).get().amount == Decimal("-250000")
    page = client.get(response.url).content.decode()
    assert "Justeringen är sparad" in page


@pytest.mark.parametrize(("changes", "message"), [
    ({"care_type": "abc"}, "Välj en vårdform i listan."),
    ({"care_type": "999999"}, "Välj en vårdform i listan."),
    ({"cost_centre": "abc"}, "Välj en verksamhet i listan."),
    ({"cost_centre": "999999"}, "Välj en verksamhet i listan."),
    ({"cost_centre": ""}, "Välj verksamhet."),
    ({"amount": "NaN"}, "Ange beloppet i kronor, t.ex. -250 000."),
    ({"amount": "Infinity"}, "Ange beloppet i kronor, t.ex. -250 000."),
    ({"amount": "tjugo"}, "Ange beloppet i kronor, t.ex. -250 000."),
    ({"amount": ""}, "Ange beloppet i kronor, t.ex. -250 000."),
    ({"amount": "1e20"}, "Beloppet är för stort"),
    ({"amount": "1000000000000"}, "Beloppet är för stort"),
    ({"amount": "10,005"}, "Ange beloppet med högst två decimaler (ören)."),
    ({"year": "abc"}, "Ange året som ett heltal, t.ex. 2024."),
    ({"year": "99999"}, "Året kan inte vara efter 2100."),
    ({"comment": "   "}, "En prognosjustering kräver en kommentar."),
])
@pytest.mark.django_db
def test_a_bad_adjustment_gets_a_swedish_message_and_saves_nothing(controller, changes, message):
    client = login(controller)
    response = client.post(reverse("budget:forecast_adjust"), adjust_data(**changes))
    assert response.status_code == 302
    assert response.url.startswith(reverse("budget:forecast"))
    page = client.get(response.url)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not ForecastAdjustment.objects.exists()


@pytest.mark.django_db
def test_adjusting_needs_the_permission_and_a_comment(controller, handlaggare):
    centre = CostCentre.objects.get(code="5731")
    assert login(handlaggare).post(reverse("budget:forecast_adjust"), adjust_data()).status_code == 404
    with pytest.raises(PermissionDenied):
        forecast.add_adjustment(by=handlaggare, year=2024, cost_centre=centre, care_type=None,
                                amount=Decimal(1), comment="x")
    with pytest.raises(ValidationError, match="kräver en kommentar"):
        forecast.add_adjustment(by=controller, year=2024, cost_centre=centre, care_type=None,
                                amount=Decimal(1), comment=" ")
    assert not ForecastAdjustment.objects.exists()


@pytest.mark.django_db
def test_the_forecast_page_refuses_a_year_out_of_range_without_an_error(controller):
    client = login(controller)
    assert client.get(reverse("budget:forecast") + "?year=99999").status_code == 404
    assert client.get(reverse("budget:forecast") + "?year=-1").status_code == 404
    assert client.get(reverse("budget:forecast") + "?year=2024").status_code == 200


@pytest.mark.django_db
def test_the_latest_closing_is_the_latest_active_one_of_the_year_and_before_the_month(controller):
    for m in (1, 2, 3):
        closing.close_month(by=controller, month=D(2024, m, 1))
    assert closing.latest_closed_month() == D(2024, 3, 1)
    assert closing.latest_closing(year=2024, through=D(2024, 2, 1)).month == D(2024, 2, 1)
    assert closing.latest_closing(year=2023) is None
    latest = MonthClosing.objects.get(month=D(2024, 3, 1))
    closing.reopen_month(by=_reopener(controller), closing_id=latest.pk, reason="Fel pris i mars")
    assert closing.latest_closed_month() == D(2024, 2, 1)
    assert closing.latest_closing(year=2024).month == D(2024, 2, 1)


def _reopener(user):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="reopen_monthclosing", content_type__app_label="budget"))
    return get_user_model().objects.get(pk=user.pk)
