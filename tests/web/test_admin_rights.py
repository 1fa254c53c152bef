"""A systemförvaltare administers users but cannot raise their own rights or touch a superuser."""

import pytest
from django.contrib.auth.models import Group, Permission, User

from socialtjanst.models import UnitMembership
from socialtjanst.roles import Role
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _form(user, **changes):
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name, "email": user.email,
        "is_active": "on", "is_staff": "on" if user.is_staff else "",
        "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00", "last_login_0": "", "last_login_1": "",
        "unitmembership_set-TOTAL_FORMS": "0", "unitmembership_set-INITIAL_FORMS": "0",
        "unitmembership_set-MIN_NUM_FORMS": "0", "unitmembership_set-MAX_NUM_FORMS": "1000",
        "external_identities-TOTAL_FORMS": "0", "external_identities-INITIAL_FORMS": "0",
        "external_identities-MIN_NUM_FORMS": "0", "external_identities-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_a_systemforvaltare_cannot_grant_themselves_groups_or_permissions(systemforvaltare, units):
    manager_group = Group.objects.get(name=Role.ENHETSCHEF)
    protected = Permission.objects.get(codename="view_protected_identity")
    response = login(systemforvaltare).post(
        f"/admin/auth/user/{systemforvaltare.pk}/change/",
        _form(systemforvaltare, groups=[manager_group.pk], user_permissions=[protected.pk], is_superuser="on"),
    )
    assert response.status_code == 302  # saved (the locked fields are simply not taken)
    systemforvaltare.refresh_from_db()
    assert not systemforvaltare.groups.filter(pk=manager_group.pk).exists()
    assert not systemforvaltare.user_permissions.exists()
    assert not systemforvaltare.is_superuser
    assert not UnitMembership.objects.filter(user=systemforvaltare).exists()


def test_a_systemforvaltare_may_give_another_user_a_role_but_not_superuser(systemforvaltare, handlaggare):
    group = Group.objects.get(name=Role.ENHETSCHEF)
    response = login(systemforvaltare).post(
        f"/admin/auth/user/{handlaggare.pk}/change/",
        _form(handlaggare, groups=[group.pk], is_superuser="on"),
    )
    assert response.status_code == 302
    handlaggare.refresh_from_db()
    assert handlaggare.groups.filter(pk=group.pk).exists()
    assert not handlaggare.is_superuser


def test_a_superuser_account_is_read_only_for_a_systemforvaltare(systemforvaltare):
    root = User.objects.create_superuser("root", password="x-långt-lösen-123")
    client = login(systemforvaltare)
    assert client.post(f"/admin/auth/user/{root.pk}/change/", _form(root, first_name="Ändrad")).status_code == 403
    root.refresh_from_db()
    assert root.first_name == ""
