"""Closing months: in order, once, frozen; later changes as corrections; reopening with a reason."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from budget import closing, forecast, rollup
from budget.models import ForecastAdjustment, ForecastLine, MonthClosing, MonthlyFact
from socialtjanst.models import AccessEvent
from socialtjanst.roles import Role
from tests.conftest import login
from tests.factories import UserFactory
from tests.placements.factories import PlacementFactory, PricePeriodFactory, care_type

D = datetime.date


def hvb(start, end=None, price="5000"):
    p = PlacementFactory(care_type=care_type("HVB_BOU"), start_on=start, end_on=end,
                         end_reason="enligt_plan" if end else "")
    PricePeriodFactory(placement=p, daily_price=Decimal(price))
    return p


def booked(month):
    rows = MonthlyFact.objects.filter(booking_month=month)
    return sum(r.care_days for r in rows), sum((r.cost for r in rows), Decimal(0))


def close_through(user, last):
    month = D(last.year, 1, 1)
    while month <= last:
        closing.close_month(by=user, month=month)
        month = rollup.add_months(month, 1)


@pytest.mark.django_db
def test_closing_freezes_the_month_and_books_a_later_change_as_a_correction_in_the_first_open_month(controller):
    placement = hvb(D(2024, 6, 1))
    close_through(controller, D(2024, 8, 1))
    august = list(MonthlyFact.objects.filter(booking_month=D(2024, 8, 1)).values())
    assert booked(D(2024, 7, 1)) == (31, Decimal("155000.00"))

    placement.end_on, placement.end_reason = D(2024, 7, 21), "enligt_plan"  # ended earlier, registered late
    placement.save()
    rollup.rollup_dirty(limit=1000)

    september = MonthlyFact.objects.get(booking_month=D(2024, 9, 1), origin_month=D(2024, 7, 1))
    assert (september.care_days, september.cost) == (-11, Decimal("-55000.00"))
    aug_correction = MonthlyFact.objects.get(booking_month=D(2024, 9, 1), origin_month=D(2024, 8, 1))
    assert (aug_correction.care_days, aug_correction.cost) == (-31, Decimal("-155000.00"))
    assert list(MonthlyFact.objects.filter(booking_month=D(2024, 8, 1)).values()) == august
    assert booked(D(2024, 7, 1)) == (31, Decimal("155000.00"))


@pytest.mark.django_db
def test_months_close_in_order_once_and_only_when_ended(controller):
    closing.close_month(by=controller, month=D(2024, 3, 1))
    with pytest.raises(ValidationError, match="Stäng först april 2024"):
        closing.close_month(by=controller, month=D(2024, 5, 1))
    with pytest.raises(ValidationError, match=rf"Mars 2024 är redan stängd \({controller.get_full_name()} "):
        closing.close_month(by=controller, month=D(2024, 3, 1))
    this_month = timezone.localdate().replace(day=1)
    MonthClosing.objects.all().delete()
    with pytest.raises(ValidationError, match="inte slut än"):
        closing.close_month(by=controller, month=this_month)


@pytest.mark.django_db
def test_only_a_controller_closes_and_only_a_granted_user_reopens_with_a_reason(controller, handlaggare):
    with pytest.raises(PermissionDenied):
        closing.close_month(by=handlaggare, month=D(2024, 1, 1))
    first = closing.close_month(by=controller, month=D(2024, 1, 1))
    with pytest.raises(PermissionDenied):
        closing.reopen_month(by=controller, closing_id=first.pk, reason="Fel pris")

    controller.user_permissions.add(Permission.objects.get(codename="reopen_monthclosing"))
    controller = type(controller).objects.get(pk=controller.pk)
    with pytest.raises(ValidationError, match="Ange skälet"):
        closing.reopen_month(by=controller, closing_id=first.pk, reason=" ")
    closing.close_month(by=controller, month=D(2024, 2, 1))
    with pytest.raises(ValidationError, match="Bara den senast stängda"):
        closing.reopen_month(by=controller, closing_id=first.pk, reason="Fel pris")

    second = MonthClosing.objects.get(month=D(2024, 2, 1))
    closing.reopen_month(by=controller, closing_id=second.pk, reason="Faktura från HVB kom sent")
    second.refresh_from_db()
    assert (second.reopened_by, second.reopen_reason) == (controller, "Faktura från HVB kom sent")
    logged = AccessEvent.objects.filter(object_type="MonthClosing", action="change").get()
    assert logged.criteria["reopen_reason"] == "Faktura från HVB kom sent"
    closing.close_month(by=controller, month=D(2024, 2, 1))  # closable again after reopening


@pytest.mark.django_db
def test_reopening_moves_the_corrections_to_the_reopened_month(controller):
    placement = hvb(D(2024, 1, 1))
    close_through(controller, D(2024, 2, 1))
    placement.end_on, placement.end_reason = D(2024, 1, 11), "enligt_plan"
    placement.save()
    rollup.rollup_dirty(limit=1000)
    assert MonthlyFact.objects.filter(booking_month=D(2024, 3, 1), origin_month=D(2024, 1, 1)).exists()

    controller.user_permissions.add(Permission.objects.get(codename="reopen_monthclosing"))
    controller = type(controller).objects.get(pk=controller.pk)
    closing.reopen_month(by=controller, closing_id=MonthClosing.objects.get(month=D(2024, 2, 1)).pk,
                         reason="Sen avslutsregistrering")
    rollup.rollup_dirty(limit=1000)

    assert not MonthlyFact.objects.filter(booking_month=D(2024, 3, 1), origin_month=D(2024, 1, 1)).exists()
    jan_fix = MonthlyFact.objects.get(booking_month=D(2024, 2, 1), origin_month=D(2024, 1, 1))
    assert jan_fix.care_days == -21
    assert booked(D(2024, 2, 1))[0] == -21  # February itself has no days left


@pytest.mark.django_db(transaction=True)
def test_two_controllers_closing_the_same_month_at_once_get_one_closing_and_one_clear_message():
    first, second = (UserFactory(username=n, role=Role.CONTROLLER) for n in ("carl", "cilla"))
    hvb(D(2024, 1, 1))
    outcomes, barrier = [], threading.Barrier(2)

    def close(user):
        barrier.wait()
        try:
            closing.close_month(by=user, month=D(2024, 1, 1))
            outcomes.append("stängd")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=(u,)) for u in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert MonthClosing.objects.count() == 1
    assert sorted(outcomes)[1] == "stängd"
    assert sorted(outcomes)[0].startswith("Januari 2024 är redan stängd (")


@pytest.mark.django_db
def test_the_forecast_is_stored_at_each_closing_with_ongoing_placements_and_the_adjustment(controller):
    from budget.models import CostCentre

    hvb(D(2024, 1, 1))                              # ongoing all year at 5 000 kr/dygn
    hvb(D(2024, 1, 1), end=D(2024, 10, 1))          # planned end 1 October
    centre = CostCentre.objects.get(code="5731")
    ForecastAdjustment.objects.create(year=2024, cost_centre=centre, care_type=None, amount=Decimal("-250000"),
                                      comment="Två hemflyttar planerade i höst", created_by=controller)
    close_through(controller, D(2024, 8, 1))

    august = MonthClosing.objects.get(month=D(2024, 8, 1))
    lines = {(line.care_type_id is None): line for line in ForecastLine.objects.filter(closing=august)}
    hvb_line = lines[False]
    days_jan_aug = 244  # 2024 is a leap year
    assert hvb_line.actual == Decimal(2 * days_jan_aug * 5000)
    assert hvb_line.ongoing == Decimal((122 + 30) * 5000)  # Sep–Dec for one, September for the other
    assert lines[True].adjustment == Decimal("-250000") and lines[True].adjustment_comment.startswith("Två")
    totals = forecast.forecast_for_year(2024, 8)
    assert sum(totals.values()) == Decimal(2 * 244 * 5000 + 152 * 5000 - 250000)


@pytest.mark.django_db
def test_the_closing_page_closes_and_shows_who_closed(controller, handlaggare):
    client = login(controller)
    response = client.post("/budget/bokslut/stang/", {"month": "2024-05"}, follow=True)
    assert "Maj 2024 är stängd" in response.content.decode()
    response = client.post("/budget/bokslut/stang/", {"month": "2024-05"}, follow=True)
    assert f"Maj 2024 är redan stängd ({controller.get_full_name()} " in response.content.decode()
    assert login(handlaggare).get("/budget/bokslut/").status_code == 404
    assert login(handlaggare).post("/budget/bokslut/stang/", {"month": "2024-06"}).status_code == 404
