import pytest
from django.test import Client

from socialtjanst.roles import Role
from tests.factories import CaseFactory, PersonFactory, UnitFactory, UserFactory


@pytest.fixture
def units(db):
    """Two child units (the handläggare's own and another) and an adult unit."""
    return {
        "own": UnitFactory(code="MOTT_BARN", name="Mottagning barn och unga", is_intake=True),
        "other": UnitFactory(code="UTR_BARN", name="Utredning barn och unga"),
        "adult": UnitFactory(code="VUXEN", name="Vuxenenheten", target_group="vuxna"),
    }


@pytest.fixture
def handlaggare(units):
    return UserFactory(username="hanna", role=Role.HANDLAGGARE, units=[units["own"]])


@pytest.fixture
def enhetschef(units):
    return UserFactory(username="eva", role=Role.ENHETSCHEF, units=[units["own"]])


@pytest.fixture
def controller(units):
    return UserFactory(username="carl", role=Role.CONTROLLER)


@pytest.fixture
def systemforvaltare(units):
    return UserFactory(username="sara", role=Role.SYSTEMFORVALTARE, is_staff=True)


@pytest.fixture
def own_case(units):
    return CaseFactory(unit=units["own"], person=PersonFactory(first_name="Egen", last_name="Klientsson"))


@pytest.fixture
def other_case(units):
    return CaseFactory(unit=units["other"], person=PersonFactory(first_name="Annan", last_name="Främlingsson"))


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def search(client: Client, path: str, terms: dict, export: str | None = None):
    """Search the way a browser does (socialtjanst.searches): post the terms, follow to ?sok=<token>;
    with `export`, fetch that export with the same token."""
    response = client.post(path, terms)
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    if export is not None:
        return client.get(export + location[location.index("?"):] if "?" in location else export)
    return client.get(location)
