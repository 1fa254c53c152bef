"""Users are named "Förnamn Efternamn" everywhere (socialtjanst.users.user_full_name), the user name only
when the account has no name (issue 14 point 11)."""

import datetime

import pytest

from placements.models import InvoiceCheck
from socialtjanst.roles import Role
from socialtjanst.users import UNASSIGNED, user_full_name
from tests.conftest import login
from tests.factories import UserFactory
from tests.placements.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_full_name_with_the_user_name_as_fallback():
    assert user_full_name(UserFactory(username="carl", first_name="Carl", last_name="Controllersson")) == (
        "Carl Controllersson")
    assert user_full_name(UserFactory(username="namnlos", first_name="", last_name="")) == "namnlos"
    assert user_full_name(None) == UNASSIGNED


def test_the_invoice_check_and_the_header_name_the_controller_by_full_name():
    carl = UserFactory(username="carl", first_name="Carl", last_name="Controllersson", role=Role.CONTROLLER)
    check = InvoiceCheck.objects.create(provider=ProviderFactory(), month=datetime.date(2025, 2, 1),
                                        invoice_reference="F-1", created_by=carl)
    body = login(carl).get(f"/placeringar/fakturakontroll/{check.pk}/").content.decode()
    assert " av Carl Controllersson</dd>" in body
    assert "Carl Controllersson · Controller" in body
