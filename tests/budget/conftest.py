"""Shared budget fixtures. The cost centres and their mapping come from data migration
budget/0002; a transactional test flushes them, so tests reload them the same way."""

import importlib

import pytest

from tests.placements.factories import ensure_care_types


def ensure_cost_centres() -> None:
    from django.apps import apps

    from budget.models import CostCentre

    ensure_care_types()
    if not CostCentre.objects.exists():
        importlib.import_module("budget.migrations.0002_triggers_and_cost_centres").load_cost_centres(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(request):
    if request.node.get_closest_marker("django_db") or "db" in request.fixturenames \
            or "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
        ensure_cost_centres()
