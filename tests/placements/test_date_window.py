"""Placements and prices within the roll-up's years (issue 12 point 1): a placement starting in year 1
used to mark 24 312 months dirty; now the form, the import and the database refuse it in Swedish."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from budget.models import DirtyMonth, MonthlyFact
from common.date_window import OUT_OF_RANGE
from placements import services
from placements.forms import ProviderForm
from placements.importing import PlacementImportError, import_placements
from placements.models import Placement, PricePeriod
from socialtjanst.identity import synthetic_id_number
from socialtjanst.models import Person
from tests.conftest import login
from tests.placements.factories import ProviderFactory, care_type
from tests.placements.test_importing import HEADER, _csv

D = datetime.date
pytestmark = pytest.mark.django_db
ROLLUP_WINDOW = OUT_OF_RANGE.format(earliest="2000-01-01", latest="2100-12-31")


def test_a_placement_starting_in_year_1_is_refused_and_marks_no_month(handlaggare, units, child):
    DirtyMonth.objects.all().delete()
    with pytest.raises(ValidationError) as err:
        services.placement_create(by=handlaggare, person=child, care_type=care_type("FH_JOUR"), unit=units["own"],
                                  legal_basis="SoL", start_on=D(1, 1, 1), monthly_amount=Decimal("42000.00"))
    assert err.value.messages == [ROLLUP_WINDOW]
    assert (Placement.objects.count(), DirtyMonth.objects.count(), MonthlyFact.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize("start_on", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_the_placement_form_refuses_a_start_outside_the_rollup_years(handlaggare, units, child, start_on):
    response = login(handlaggare).post(reverse("placements:placement_create"), {
        "id_number": child.id_number, "care_type": care_type("FH_JOUR").pk, "unit": units["own"].pk,
        "legal_basis": "LVU", "start_on": start_on, "monthly_amount": "42 000,00",
    })
    assert response.status_code == 200
    assert ROLLUP_WINDOW in response.content.decode()
    assert not Placement.objects.exists()


def test_the_price_form_refuses_a_price_from_year_9999(handlaggare, units, child):
    placement = services.placement_create(
        by=handlaggare, person=child, care_type=care_type("FH_JOUR"), unit=units["own"], legal_basis="SoL",
        start_on=D(2024, 1, 1), monthly_amount=Decimal("42000.00"))
    response = login(handlaggare).post(reverse("placements:price_period_create", args=[placement.pk]), {
        "price-valid_from": "9999-12-01", "price-monthly_amount": "45 000,00", "price-price_version": "1"})
    assert ROLLUP_WINDOW in response.content.decode()
    assert list(PricePeriod.objects.values_list("valid_from", "valid_to")) == [(D(2024, 1, 1), None)]


def test_an_import_with_a_date_outside_the_rollup_years_writes_nothing():
    assert HEADER[9:12] == ["startdatum", "slutdatum", "pris_fran"]
    pnr = synthetic_id_number(D(2012, 5, 4), 1)
    rows = [
        ["P1", pnr, "K", "UTR_BARN", "FH_JOUR", "", "", "", "SoL", "2024-01-01", "", "", "", "42000", "", ""],
        ["P2", synthetic_id_number(D(2010, 1, 2), 2), "", "UTR_BARN", "FH_JOUR", "", "", "", "SoL", "0001-01-01",
         "", "", "", "42000", "", ""],
        ["P3", synthetic_id_number(D(2011, 1, 2), 3), "", "UTR_BARN", "FH_JOUR", "", "", "", "SoL", "2024-01-01",
         "9999-12-31", "", "", "42000", "", ""],
    ]
    with pytest.raises(PlacementImportError) as err:
        import_placements(content=_csv(rows), filename="fel.csv")
    assert err.value.errors == [
        f"Rad 3, kolumn 'startdatum': {ROLLUP_WINDOW}",
        f"Rad 4, kolumn 'slutdatum': {ROLLUP_WINDOW}",
    ]
    assert (Placement.objects.count(), Person.objects.count()) == (0, 0)


def test_a_provider_permit_has_one_window_in_the_form_and_the_database():
    form = ProviderForm({"name": "Utförare AB", "org_number": "556036-0793", "ivo_permit_valid_until": "1999-12-31"})
    assert form.errors["ivo_permit_valid_until"] == [ROLLUP_WINDOW]
    with pytest.raises(IntegrityError) as err, transaction.atomic():
        ProviderFactory(ivo_permit_valid_until=D(1999, 12, 31))
    assert err.value.__cause__.diag.constraint_name == "provider_ivo_permit_valid_until_in_window"
    assert ProviderFactory(ivo_permit_valid_until=D(2000, 1, 1)).ivo_permit_valid_until == D(2000, 1, 1)
