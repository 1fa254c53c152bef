"""Placement factories. Care types come from the catalogue migration (looked up by code)."""

import datetime
import importlib
import itertools

import factory

from placements.models import CareType, Placement, PricePeriod, Provider
from tests.factories import PersonFactory, UnitFactory

_org_serial = itertools.count(1)


def _luhn_digit(nine: str) -> int:
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def next_org_number() -> str:
    nine = f"55{next(_org_serial):07d}"
    return f"{nine[:6]}-{nine[6:]}{_luhn_digit(nine)}"


def ensure_care_types() -> None:
    """The catalogue comes from data migration 0002; a transactional test (browser, concurrency)
    flushes it afterwards, so tests reload it the same way the migration does."""
    if not CareType.objects.exists():
        from django.apps import apps

        importlib.import_module("placements.migrations.0002_care_type_catalogue").load(apps, None)
    ensure_skr_levels()


def ensure_skr_levels() -> None:
    """The SKR reference data of migration 0011 (prisbasbelopp, grundarvode, omkostnad bands), reloaded the
    same way after a flush."""
    from placements.models import ExpensesBand

    if not ExpensesBand.objects.exists():
        from django.apps import apps

        importlib.import_module("placements.migrations.0011_skr_payments").load(apps, None)


def care_type(code: str) -> CareType:
    ensure_care_types()
    return CareType.objects.get(code=code)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Utförare {n} AB")
    org_number = factory.LazyFunction(next_org_number)


class PlacementFactory(factory.django.DjangoModelFactory):
    """Writes directly (no service): for setting up state. Tests of rules use the services."""

    class Meta:
        model = Placement

    person = factory.SubFactory(PersonFactory)
    care_type = factory.LazyFunction(lambda: care_type("HVB_BOU"))
    provider = factory.LazyAttribute(lambda o: ProviderFactory() if o.care_type.regime == "kopt" else None)
    unit = factory.SubFactory(UnitFactory)
    legal_basis = "SoL"
    start_on = datetime.date(2024, 1, 1)
    end_on = None
    cost_centre = factory.LazyAttribute(lambda o: o.care_type.activity_code)


class PricePeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PricePeriod

    placement = factory.SubFactory(PlacementFactory)
    valid_from = factory.LazyAttribute(lambda o: o.placement.start_on)
    valid_to = None
    daily_price = None
    monthly_amount = None
