import datetime

import pytest

from tests.factories import CaseFactory, PersonFactory
from tests.placements.factories import ProviderFactory, ensure_care_types


@pytest.fixture
def child(units):
    """A child with a case in the handläggare's own unit."""
    return CaseFactory(unit=units["own"], person=PersonFactory(first_name="Placerad", last_name="Barnsson")).person


@pytest.fixture
def hvb_provider(db):
    return ProviderFactory(name="Solgläntans HVB AB")


@pytest.fixture
def day():
    return datetime.date


@pytest.fixture(autouse=True)
def _care_type_catalogue(request):
    """Reload the migration's catalogue if a transactional test flushed it."""
    if request.node.get_closest_marker("django_db"):
        ensure_care_types()
